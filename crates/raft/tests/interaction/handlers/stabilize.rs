//! `stabilize [IDs...]`: handles Readies and delivers messages among the
//! given nodes (default: all) until nothing is left to do.

use crate::env::InteractionEnv;
use datadriven::TestCase;

use super::{deliver_msgs, process_ready};

pub fn handle(env: &mut InteractionEnv, tc: &TestCase) {
    let mut ids = tc.ids();
    if ids.is_empty() {
        ids = env.ids();
    }
    loop {
        let mut done = true;
        for &id in &ids {
            if env.node(id).raw.has_ready() {
                done = false;
                env.line(&format!("> {id} handling Ready"));
                env.indented(|env| process_ready::process(env, id));
            }
        }
        for &id in &ids {
            if env.messages.iter().any(|m| m.to == id) {
                done = false;
                env.line(&format!("> {id} receiving messages"));
                env.indented(|env| {
                    deliver_msgs::deliver(env, id, None);
                });
            }
        }
        if done {
            return;
        }
    }
}
