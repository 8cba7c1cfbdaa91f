//! `new`, `run`, `wait-leader`, `status`: building the cluster, letting
//! virtual time pass, and the picture the page draws of each member.
//!
//! ```text
//! status
//! ----
//! at 3000ms
//! etcd-1 leader        term=2 commit=8 applied=8 lead=etcd-1 rev=3
//! etcd-2 follower      term=2 commit=8 applied=8 lead=etcd-1 rev=3
//! etcd-3 down
//! ```

use std::fmt::Write as _;

use raft::StateRole;
use server::MemberEventKind;
use sim::{SimEvent, SimOptions};

use crate::transcripts::env::{Env, ms, parse_ms};
use datadriven::TestCase;

/// `new [members=3] [seed=1] [snapshot-count=N]`: a fresh cluster at time
/// 0, every member started, nobody elected yet.
pub fn new(env: &mut Env, tc: &TestCase) -> String {
    let seed = tc.get_u64("seed").unwrap_or(1);
    let options = SimOptions {
        members: tc.get_u64("members").unwrap_or(3),
        snapshot_count: tc.get_u64("snapshot-count"),
        // Enough records that `messages` sees everything between two calls.
        message_log_capacity: 1_000_000,
        event_log_capacity: 1_000_000,
        ..SimOptions::default()
    };
    env.reset(seed, options);
    let names: Vec<String> = env.ids_by_number().into_iter().map(|id| env.name(id)).collect();
    format!("{} members: {}", names.len(), names.join(" "))
}

/// `run 2s`: lets virtual time pass.
pub fn run(env: &mut Env, tc: &TestCase) -> String {
    let word = tc.positional().first().copied().unwrap_or_else(|| panic!("line {}: run DURATION", tc.line));
    let dur = parse_ms(tc, word);
    let sim = env.sim();
    sim.run_for(dur);
    format!("at {}", ms(sim.now_ms()))
}

/// `wait-leader [timeout=10s]`: runs until some running member leads,
/// printing who and since when (it may have been elected before the
/// command).
pub fn wait_leader(env: &mut Env, tc: &TestCase) -> String {
    let timeout = tc.get("timeout").and_then(|v| v.first()).map_or(10_000, |s| parse_ms(tc, s));
    let sim = env.sim();
    let until = sim.now_ms() + timeout;
    if !sim.run_until(until, |s| s.leader().is_some()) {
        return format!("no leader after {} (at {})", ms(timeout), ms(sim.now_ms()));
    }
    let leader = sim.leader().expect("just seen");
    let term = sim.member(leader).map_or(0, |m| m.raft().raft().term);
    let elected = sim
        .events()
        .records()
        .rev()
        .find(|r| {
            matches!(&r.event, SimEvent::Member(e)
                if e.member == leader && e.kind == MemberEventKind::BecameLeader { term })
        })
        .map_or(sim.now_ms(), |r| r.at_ms);
    format!("{} leads term {term} (elected at {})", env.name(leader), ms(elected))
}

/// `status`: one line per member.
pub fn status(env: &mut Env) -> String {
    let mut st = env.sim_ref().status();
    st.members.sort_by_key(|n| n.number);
    let mut out = format!("at {}\n", ms(st.now_ms));
    for n in &st.members {
        let Some(m) = &n.status else {
            let _ = writeln!(out, "{} down", n.name);
            continue;
        };
        let role = if m.removed {
            "removed"
        } else if m.is_learner {
            "learner"
        } else {
            match m.raft.soft_state.raft_state {
                StateRole::Leader => "leader",
                StateRole::Follower => "follower",
                StateRole::Candidate => "candidate",
                StateRole::PreCandidate => "pre-candidate",
            }
        };
        let _ = writeln!(
            out,
            "{:<6} {role:<13} term={} commit={} applied={} lead={} rev={}",
            n.name,
            m.term,
            m.commit,
            m.applied,
            env.name(m.leader),
            m.revision
        );
    }
    out
}
