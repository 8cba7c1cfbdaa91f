//! `read-index ID CTX`: node ID asks for a read index; the answer shows up
//! as `ReadStates` in a later Ready.

use crate::env::InteractionEnv;
use datadriven::TestCase;

pub fn handle(env: &mut InteractionEnv, tc: &TestCase) {
    let pos = tc.positional();
    let id: u64 = pos[0].parse().expect("id");
    let ctx = pos.get(1).copied().unwrap_or("").as_bytes().to_vec();
    env.with(id, |r| r.read_index(ctx));
}
