//! `campaign ID`: the node starts an election now.

use crate::env::InteractionEnv;
use datadriven::TestCase;

pub fn handle(env: &mut InteractionEnv, tc: &TestCase) {
    let id = tc.ids()[0];
    if let Err(e) = env.with(id, |r| r.campaign()) {
        env.line(&e.to_string());
    }
}
