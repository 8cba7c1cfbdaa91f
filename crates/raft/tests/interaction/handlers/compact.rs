//! `compact ID INDEX`: compacts node ID's storage so INDEX is its first
//! available entry's predecessor, then prints the log.

use crate::env::InteractionEnv;
use datadriven::TestCase;

pub fn handle(env: &mut InteractionEnv, tc: &TestCase) {
    let args = tc.ids();
    let (id, index) = (args[0], args[1]);
    if let Err(e) = env.node(id).raw.store_mut().compact(index) {
        env.line(&e.to_string());
    }
    super::raft_log::print(env, id);
}
