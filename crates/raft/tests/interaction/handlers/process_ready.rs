//! `process-ready IDs...`: each node hands out its Ready, which is printed
//! and handled as an application must: persist snapshot, entries and hard
//! state; apply committed entries (conf changes through
//! `apply_conf_change`); queue the messages; advance.

use raft::{ConfChangeI, EntryType, decode_conf_change, decode_conf_change_v1};

use crate::env::InteractionEnv;
use datadriven::TestCase;

pub fn handle(env: &mut InteractionEnv, tc: &TestCase) {
    let ids = tc.ids();
    let many = ids.len() > 1;
    for id in ids {
        if many {
            env.line(&format!("> {id} handling Ready"));
            env.indented(|env| process(env, id));
        } else {
            process(env, id);
        }
    }
}

pub fn process(env: &mut InteractionEnv, id: u64) {
    let rd = env.node(id).raw.ready();
    env.line(&rd.to_string());
    let node = env.node(id);
    let store = node.raw.store_mut();
    if let Some(s) = &rd.snapshot {
        store.apply_snapshot(s.clone()).expect("apply snapshot");
        node.data = s.data.clone();
        node.conf_state = s.metadata.conf_state.clone();
    }
    let store = node.raw.store_mut();
    store.append(&rd.entries).expect("append");
    if let Some(hs) = rd.hard_state {
        store.set_hard_state(hs);
    }
    for e in &rd.committed_entries {
        let node = env.node(id);
        match e.entry_type {
            EntryType::EntryNormal => node.data.extend_from_slice(&e.data),
            EntryType::EntryConfChange => {
                let cc = decode_conf_change_v1(e).expect("decode conf change");
                apply_cc(env, id, &cc);
            }
            EntryType::EntryConfChangeV2 => {
                let cc = decode_conf_change(e).expect("decode conf change");
                apply_cc(env, id, &cc);
            }
        }
        let node = env.node(id);
        let (data, cs) = (node.data.clone(), node.conf_state.clone());
        node.raw.store_mut().create_snapshot(e.index, Some(cs), data).expect("snapshot of applied state");
    }
    env.messages.extend(rd.messages);
    env.with(id, |r| r.advance());
}

fn apply_cc(env: &mut InteractionEnv, id: u64, cc: &impl ConfChangeI) {
    match env.with(id, |r| r.apply_conf_change(cc)) {
        Ok(cs) => env.node(id).conf_state = cs,
        Err(e) => env.line(&e.to_string()),
    }
}
