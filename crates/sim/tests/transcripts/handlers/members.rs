//! Membership and leadership: `member add/promote/remove/list` sent
//! through a member, and `move-leader` (etcdctl sends it to the leader,
//! which hands over with `MsgTimeoutNow`).
//!
//! ```text
//! member-add etcd-1 etcd-4 learner   -> added etcd-4 as learner (http://127.0.0.4:2380)
//! start etcd-4                       -> etcd-4 joined the cluster
//! member-promote etcd-1 etcd-4       -> OK [10ms]
//! ```

use std::fmt::Write as _;

use server::{Request, Response};

use super::{arg, call, endpoint};
use crate::transcripts::env::Env;
use datadriven::TestCase;

/// `member-add NAME NEW [learner]`: announces member NEW (`etcd-N`, peer URL
/// `http://127.0.0.N:2380`); `start NEW` then starts it.
pub fn add(env: &mut Env, tc: &TestCase) -> String {
    const USAGE: &str = "member-add NAME NEW [learner]";
    let (id, _) = match endpoint(env, tc, USAGE) {
        Ok(e) => e,
        Err(e) => return e,
    };
    let name = arg(tc, 1, USAGE).to_string();
    let n = name.strip_prefix("etcd-").unwrap_or_else(|| panic!("line {}: NEW is etcd-N", tc.line));
    let peer_urls = vec![format!("http://127.0.0.{n}:2380")];
    let is_learner = tc.positional().contains(&"learner");
    let a = call(env, tc, id, Request::MemberAdd { peer_urls: peer_urls.clone(), is_learner });
    if let Ok(Response::MemberAdd(r)) = &a.result {
        env.pending.insert(name.clone(), (r.member.id, peer_urls.clone()));
        env.added.insert(r.member.id, name.clone());
    }
    let what = if is_learner { "learner" } else { "voter" };
    a.line(|_| format!("added {name} as {what} ({})", peer_urls.join(",")))
}

fn target(env: &Env, tc: &TestCase, usage: &str) -> Result<u64, String> {
    env.resolve(arg(tc, 1, usage))
}

/// `member-promote NAME TARGET`.
pub fn promote(env: &mut Env, tc: &TestCase) -> String {
    const USAGE: &str = "member-promote NAME TARGET";
    let (id, target) = match endpoint(env, tc, USAGE).and_then(|(id, _)| Ok((id, target(env, tc, USAGE)?))) {
        Ok(e) => e,
        Err(e) => return e,
    };
    let name = env.name(target);
    call(env, tc, id, Request::MemberPromote { id: target }).line(|_| format!("promoted {name}"))
}

/// `member-remove NAME TARGET`.
pub fn remove(env: &mut Env, tc: &TestCase) -> String {
    const USAGE: &str = "member-remove NAME TARGET";
    let (id, target) = match endpoint(env, tc, USAGE).and_then(|(id, _)| Ok((id, target(env, tc, USAGE)?))) {
        Ok(e) => e,
        Err(e) => return e,
    };
    let name = env.name(target);
    call(env, tc, id, Request::MemberRemove { id: target }).line(|_| format!("removed {name}"))
}

/// `member-list NAME`: one line per member as that member knows them.
pub fn list(env: &mut Env, tc: &TestCase) -> String {
    let (id, _) = match endpoint(env, tc, "member-list NAME") {
        Ok(e) => e,
        Err(e) => return e,
    };
    let a = call(env, tc, id, Request::MemberList);
    let members = match &a.result {
        Ok(Response::MemberList(r)) => r.members.clone(),
        _ => return a.line(|r| format!("unexpected {r:?}")),
    };
    let mut out = String::new();
    for m in members {
        let name = if m.name.is_empty() { "(unstarted)".to_string() } else { m.name.clone() };
        let role = if m.is_learner { "learner" } else { "voter" };
        let _ = writeln!(out, "{name} {role} {}", m.peer_urls.join(","));
    }
    out
}

/// `move-leader TARGET [via=NAME]`: sent to the current leader unless
/// `via` names another member.
pub fn move_leader(env: &mut Env, tc: &TestCase) -> String {
    const USAGE: &str = "move-leader TARGET [via=NAME]";
    let target = match env.resolve(arg(tc, 0, USAGE)) {
        Ok(t) => t,
        Err(e) => return e,
    };
    let via = match tc.get("via").and_then(|v| v.first()) {
        Some(word) => env.resolve(word),
        None => env.resolve("leader"),
    };
    let via = match via {
        Ok(v) => v,
        Err(e) => return e,
    };
    let (from, to) = (env.name(via), env.name(target));
    call(env, tc, via, Request::MoveLeader { target })
        .line(|_| format!("leadership transferred from {from} to {to}"))
}
