//! `raft-log ID`: the entries in node ID's storage.

use raft::Storage;

use crate::env::InteractionEnv;
use datadriven::TestCase;

pub fn handle(env: &mut InteractionEnv, tc: &TestCase) {
    print(env, tc.ids()[0]);
}

pub fn print(env: &mut InteractionEnv, id: u64) {
    let store = env.node(id).raw.store();
    let (fi, li) = (store.first_index().expect("first"), store.last_index().expect("last"));
    if li < fi {
        env.line(&format!("log is empty: first index={fi}, last index={li}"));
        return;
    }
    let ents = store.entries(fi, li + 1, u64::MAX).expect("entries");
    env.line(&raft::describe::describe_entries(&ents));
}
