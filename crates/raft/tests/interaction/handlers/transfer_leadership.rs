//! `transfer-leadership from=ID to=ID`: asks node `from` to hand
//! leadership to `to` (as `etcdctl move-leader` does).

use crate::env::InteractionEnv;
use datadriven::TestCase;

pub fn handle(env: &mut InteractionEnv, tc: &TestCase) {
    let from = tc.get_u64("from").expect("from=");
    let to = tc.get_u64("to").expect("to=");
    env.with(from, |r| r.transfer_leader(to));
}
