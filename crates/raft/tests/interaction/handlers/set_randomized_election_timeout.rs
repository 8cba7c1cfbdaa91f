//! `set-randomized-election-timeout ID timeout=N`: pins the node's current
//! randomized election timeout (until its next term change).

use crate::env::InteractionEnv;
use datadriven::TestCase;

pub fn handle(env: &mut InteractionEnv, tc: &TestCase) {
    let id = tc.ids()[0];
    let t = tc.get_u64("timeout").expect("timeout=");
    env.node(id).raw.set_randomized_election_timeout(t);
}
