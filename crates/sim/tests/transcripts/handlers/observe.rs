//! What the page shows of a run: the timeline (`events`), the raft
//! messages on the wire (`messages`), and the checkers' verdict (`check`).
//!
//! ```text
//! events
//! ----
//! 1312ms etcd-2: election timer fired (term 1)
//! 1312ms etcd-2: pre-vote started (term 1)
//! 1315ms etcd-1: pre-vote granted to etcd-2 (term 2)
//! ...
//! messages types=MsgSnap
//! ----
//! 9120ms etcd-1->etcd-3 MsgSnap term=2 delivered
//! ```
//!
//! `events` and `messages` print only what happened since they last ran.
//! By default `events` leaves out the per-entry records (committed,
//! applied) and the client requests, whose results the transcript shows
//! already; `events all` keeps them.

use std::fmt::Write as _;

use server::MemberEventKind;
use sim::checker::{Verdict, check_linearizable};
use sim::{Fate, Fault, SimEvent};

use crate::transcripts::env::{Env, ms};
use datadriven::TestCase;

/// A member event in words, members by name.
fn describe(env: &Env, kind: &MemberEventKind) -> String {
    use MemberEventKind as K;
    match kind {
        K::VoteGranted { to, term, pre_vote } => {
            let what = if *pre_vote { "pre-vote" } else { "vote" };
            format!("{what} granted to {} (term {term})", env.name(*to))
        }
        K::BecameFollower { term, leader } => {
            format!("became follower of {} (term {term})", env.name(*leader))
        }
        K::LeaderChanged { term, leader } => format!("leader is now {} (term {term})", env.name(*leader)),
        K::SnapshotSent { to, index } => format!("snapshot {index} sent to {}", env.name(*to)),
        K::AlarmRaised { member_id, alarm } => format!("alarm {alarm} raised for {}", env.name(*member_id)),
        K::AlarmCleared { member_id, alarm } => format!("alarm {alarm} cleared for {}", env.name(*member_id)),
        K::MembershipChanged { what, id } => format!("membership: {what} {}", env.name(*id)),
        K::LeaseExpired { .. } | K::LeaseRevoked { .. } => {
            let (verb, id) = match kind {
                K::LeaseExpired { id } => ("expired (revoke proposed)", id),
                K::LeaseRevoked { id } => ("revoked", id),
                _ => unreachable!(),
            };
            let alias = env.leases.iter().find(|(_, l)| *l == id).map(|(a, _)| a.clone());
            format!("lease {} {verb}", alias.unwrap_or_else(|| format!("{id:016x}")))
        }
        other => sim::events::describe_member_event(other),
    }
}

fn describe_fault(env: &Env, fault: &Fault) -> String {
    let n = |id: &u64| env.name(*id);
    match fault {
        Fault::Stop { member } => format!("stop {}", n(member)),
        Fault::Start { member } => format!("start {}", n(member)),
        Fault::Restart { member } => format!("restart {}", n(member)),
        Fault::Isolate { member } => format!("isolate {}", n(member)),
        Fault::Campaign { member } => format!("campaign {}", n(member)),
        Fault::Partition { groups } => {
            let gs: Vec<String> =
                groups.iter().map(|g| g.iter().map(n).collect::<Vec<_>>().join(",")).collect();
            format!("partition {}", gs.join(" / "))
        }
        Fault::OneWay { from, to } => format!("one-way partition {} -/-> {}", n(from), n(to)),
        Fault::SlowDisk { member, delay_ms } => format!("slow disk {} +{delay_ms}ms", n(member)),
        Fault::Quota { member, bytes } => format!("quota {} {bytes} bytes", n(member)),
        Fault::Join { name, .. } => format!("join {name}"),
        Fault::LinkSettings { from, to, .. } => format!("link {}->{} settings", n(from), n(to)),
        other => other.to_string(),
    }
}

/// `events [all]`.
pub fn events(env: &mut Env, tc: &TestCase) -> String {
    let all = tc.positional().contains(&"all");
    let sim = env.sim_ref();
    let mut out = String::new();
    for r in sim.events().since(env.events_from) {
        let line = match &r.event {
            SimEvent::Member(e) => {
                let noisy = matches!(
                    e.kind,
                    MemberEventKind::EntryCommitted { .. } | MemberEventKind::Applied { .. }
                );
                if noisy && !all {
                    continue;
                }
                format!("{}: {}", env.name(e.member), describe(env, &e.kind))
            }
            SimEvent::Fault(f) => format!("fault: {}", describe_fault(env, f)),
            SimEvent::Stopped { member } => format!("{}: stopped", env.name(*member)),
            // The member's own `started ...` event follows with details.
            SimEvent::Started { .. } if !all => continue,
            SimEvent::Started { member } => format!("{}: process started", env.name(*member)),
            SimEvent::Request { .. } | SimEvent::Response { .. } if !all => continue,
            SimEvent::Request { id, endpoint, what } => {
                format!("request {id} -> {}: {what}", env.name(*endpoint))
            }
            SimEvent::Response { id, outcome } => format!("request {id}: {outcome}"),
        };
        let _ = writeln!(out, "{} {line}", ms(r.at_ms));
    }
    env.events_from = sim.events().total();
    out
}

/// `messages [types=MsgSnap,MsgTimeoutNow]`: message records since the last
/// call, optionally of some types only.
pub fn messages(env: &mut Env, tc: &TestCase) -> String {
    let types: Vec<String> = tc.get("types").map(<[String]>::to_vec).unwrap_or_default();
    let sim = env.sim_ref();
    let mut out = String::new();
    let mut next = env.messages_from;
    for r in sim.network().records().filter(|r| r.id >= env.messages_from) {
        next = r.id + 1;
        let ty = format!("{:?}", r.msg_type);
        if !types.is_empty() && !types.contains(&ty) {
            continue;
        }
        let fate = match r.fate {
            Fate::InFlight => "in flight".to_string(),
            Fate::Delivered => "delivered".to_string(),
            Fate::Dropped(reason) => format!("dropped ({reason:?})"),
        };
        // Only appends carry a meaningful index (the entry before those
        // sent); a snapshot's index is in its metadata, not recorded here.
        let append = if r.msg_type == raft::MessageType::MsgApp {
            format!(" index={} entries={}", r.index, r.entries)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "{} {}->{} {ty} term={}{append} {fate}",
            ms(r.sent_ms),
            env.name(r.from),
            env.name(r.to),
            r.term
        );
    }
    env.messages_from = next;
    if out.is_empty() { "none".to_string() } else { out }
}

/// `check`: the raft safety checker (run after every step) and the
/// linearizability checker over every client operation so far.
pub fn check(env: &mut Env) -> String {
    let sim = env.sim_ref();
    let safety = match sim.safety_violation() {
        None => "safety: ok".to_string(),
        Some(v) => format!("safety: VIOLATION {v}"),
    };
    let mut history = sim.history().clone();
    history.close();
    let lin = match check_linearizable(&history, 1_000_000) {
        Verdict::Ok { keys, ops } => format!("linearizability: ok ({keys} keys, {ops} operations)"),
        Verdict::Violation { key, ops } => format!(
            "linearizability: VIOLATION on key {}\n{}",
            String::from_utf8_lossy(&key),
            sim::checker::linearizability::describe(&ops, 1_000_000, 10)
        ),
        Verdict::Inconclusive { key } => {
            format!("linearizability: inconclusive on key {}", String::from_utf8_lossy(&key))
        }
    };
    format!("{safety}\n{lin}")
}
