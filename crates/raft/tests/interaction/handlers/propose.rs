//! `propose ID DATA`: proposes DATA on node ID (printing the error if the
//! proposal is dropped).

use crate::env::InteractionEnv;
use datadriven::TestCase;

pub fn handle(env: &mut InteractionEnv, tc: &TestCase) {
    let pos = tc.positional();
    let id: u64 = pos[0].parse().expect("id");
    let data = pos.get(1).copied().unwrap_or("").as_bytes().to_vec();
    if let Err(e) = env.with(id, |r| r.propose(data)) {
        env.line(&e.to_string());
    }
}
