//! `log-level none|debug|info|warn|error`: what raft's log lines show.

use raft::Level;

use crate::env::InteractionEnv;
use datadriven::TestCase;

pub fn handle(env: &mut InteractionEnv, tc: &TestCase) {
    let level = match tc.positional()[0] {
        "none" => None,
        "debug" => Some(Level::Debug),
        "info" => Some(Level::Info),
        "warn" => Some(Level::Warn),
        "error" => Some(Level::Error),
        other => panic!("line {}: unknown level {other}", tc.line),
    };
    env.log_level = level;
    env.log_level_set = true;
    for n in &mut env.nodes {
        n.raw.set_log_level(level);
    }
}
