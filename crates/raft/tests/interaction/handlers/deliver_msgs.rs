//! `deliver-msgs [drop=(IDs)] [type=MsgApp] IDs...`: delivers the queued
//! messages addressed to each ID in turn (printing them and what the
//! recipient logs), or drops those addressed to the `drop` IDs.

use raft::Message;

use crate::env::InteractionEnv;
use datadriven::TestCase;

pub fn handle(env: &mut InteractionEnv, tc: &TestCase) {
    let ty = tc.get("type").map(|v| v[0].clone());
    for id in tc.get_ids("drop") {
        for m in take(env, id, ty.as_deref()) {
            env.line(&format!("dropped: {m}"));
        }
    }
    for id in tc.ids() {
        deliver(env, id, ty.as_deref());
    }
}

/// Removes and returns the queued messages to `id` (of type `ty`).
pub fn take(env: &mut InteractionEnv, id: u64, ty: Option<&str>) -> Vec<Message> {
    let (mine, rest): (Vec<Message>, Vec<Message>) = std::mem::take(&mut env.messages)
        .into_iter()
        .partition(|m| m.to == id && ty.is_none_or(|t| m.msg_type.as_str() == t));
    env.messages = rest;
    mine
}

/// Delivers every queued message to `id`; returns how many there were.
pub fn deliver(env: &mut InteractionEnv, id: u64, ty: Option<&str>) -> usize {
    let msgs = take(env, id, ty);
    let n = msgs.len();
    for m in msgs {
        env.line(&m.to_string());
        if let Err(e) = env.with(id, |r| r.step(m)) {
            env.line(&e.to_string());
        }
    }
    n
}
