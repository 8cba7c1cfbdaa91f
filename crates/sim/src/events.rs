//! The event log: one structured record per notable transition (a member's
//! election timer fired, a vote was granted, a leader was elected, an entry
//! committed, a member stopped, a fault applied, a request answered...), in
//! the order they happened, for the page's timeline and golden tests.
//!
//! ```text
//!   #41   1300 ms  etcd-2  election timer fired (term 1)
//!   #42   1300 ms  etcd-2  pre-vote started (term 1)
//!   #47   1304 ms  etcd-2  became leader (term 2)
//!   #51   1410 ms  -       fault: stop etcd-1
//! ```
//!
//! The log keeps the newest `capacity` records; `total` counts them all.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};
use server::{MemberEvent, MemberEventKind};

use crate::faults::Fault;

/// What happened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum SimEvent {
    /// A member's own transition (elections, commits, snapshots, alarms...).
    Member(MemberEvent),
    /// A fault or repair was applied.
    Fault(Fault),
    /// A member crashed (memory lost, disk kept).
    Stopped {
        /// The member.
        member: u64,
    },
    /// A member started from its disk.
    Started {
        /// The member.
        member: u64,
    },
    /// A client sent a request to an endpoint.
    Request {
        /// The request's id.
        id: u64,
        /// The member it entered through.
        endpoint: u64,
        /// A short description (`put foo`).
        what: String,
    },
    /// A request resolved.
    Response {
        /// The request's id.
        id: u64,
        /// `OK` or the error etcdctl prints.
        outcome: String,
    },
}

/// One record of the log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventRecord {
    /// Position in the whole run, from 0.
    pub seq: u64,
    /// Virtual time (ms).
    pub at_ms: u64,
    /// What happened.
    pub event: SimEvent,
}

impl std::fmt::Display for EventRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{} {} ms ", self.seq, self.at_ms)?;
        match &self.event {
            SimEvent::Member(e) => write!(f, "{:x} {}", e.member, describe_member_event(&e.kind)),
            SimEvent::Fault(fault) => write!(f, "fault: {fault}"),
            SimEvent::Stopped { member } => write!(f, "{member:x} stopped"),
            SimEvent::Started { member } => write!(f, "{member:x} started"),
            SimEvent::Request { id, endpoint, what } => write!(f, "request {id} -> {endpoint:x}: {what}"),
            SimEvent::Response { id, outcome } => write!(f, "request {id}: {outcome}"),
        }
    }
}

/// A member event in words, for the timeline.
pub fn describe_member_event(kind: &MemberEventKind) -> String {
    use MemberEventKind as K;
    match kind {
        // An empty disk either bootstraps a new cluster, which writes the
        // bootstrap snapshot (index 1) at once, or joins an existing one
        // (--initial-cluster-state=existing) and waits for the leader's
        // data, so it starts from no snapshot at all.
        K::Started { bootstrapped: true, snapshot_index: 0 } => {
            "started with an empty data dir (joining the existing cluster)".to_string()
        }
        K::Started { bootstrapped: true, .. } => "started (bootstrapped a new cluster)".to_string(),
        K::Started { bootstrapped: false, snapshot_index } => {
            format!("started from disk (snapshot index {snapshot_index})")
        }
        K::ElectionTimerFired { term } => format!("election timer fired (term {term})"),
        K::CampaignRequested { term } => {
            format!("the leader asked it to campaign now (leadership transfer, term {term})")
        }
        K::PreVoteStarted { term } => format!("pre-vote started (term {term})"),
        K::ElectionStarted { term } => format!("election started (term {term})"),
        K::VoteGranted { to, term, pre_vote } => {
            format!("{} granted to {to:x} (term {term})", if *pre_vote { "pre-vote" } else { "vote" })
        }
        K::BecameLeader { term } => format!("became leader (term {term})"),
        K::BecameFollower { term, leader } => format!("became follower of {leader:x} (term {term})"),
        K::LeaderChanged { term, leader } => format!("leader is now {leader:x} (term {term})"),
        K::EntryCommitted { index } => format!("entry {index} committed"),
        K::Applied { index } => format!("applied up to {index}"),
        K::SnapshotTaken { index, compacted_to } => {
            format!("snapshot at {index}, log compacted to {compacted_to}")
        }
        K::SnapshotSent { to, index } => format!("snapshot {index} sent to {to:x}"),
        K::SnapshotRestored { index } => format!("snapshot {index} restored"),
        K::AlarmRaised { member_id, alarm } => format!("alarm {alarm} raised for {member_id:x}"),
        K::AlarmCleared { member_id, alarm } => format!("alarm {alarm} cleared for {member_id:x}"),
        K::LeaseExpired { id } => format!("lease {id:016x} expired"),
        K::LeaseRevoked { id } => format!("lease {id:016x} revoked"),
        K::MembershipChanged { what, id } => format!("membership: {what} {id:x}"),
        K::Removed => "removed from the cluster".to_string(),
        K::Compacted { revision } => format!("compacted at revision {revision}"),
        K::Defragmented { db_size } => format!("defragmented ({db_size} bytes)"),
        K::Exited { message, error } => format!("exited: {message}: {error}"),
        K::AuthChanged { enabled } => format!("auth {}", if *enabled { "enabled" } else { "disabled" }),
    }
}

/// The newest records and the count of all.
#[derive(Clone, Debug, PartialEq)]
pub struct EventLog {
    records: VecDeque<EventRecord>,
    capacity: usize,
    total: u64,
}

impl EventLog {
    /// A log keeping the newest `capacity` records.
    pub fn new(capacity: usize) -> Self {
        EventLog { records: VecDeque::new(), capacity, total: 0 }
    }

    /// Appends a record.
    pub fn push(&mut self, at_ms: u64, event: SimEvent) {
        let seq = self.total;
        self.total += 1;
        if self.capacity == 0 {
            return;
        }
        if self.records.len() == self.capacity {
            self.records.pop_front();
        }
        self.records.push_back(EventRecord { seq, at_ms, event });
    }

    /// False if the log keeps nothing (capacity 0): callers may skip
    /// building records.
    pub fn is_recording(&self) -> bool {
        self.capacity > 0
    }

    /// Records kept, oldest first.
    pub fn records(&self) -> impl DoubleEndedIterator<Item = &EventRecord> + ExactSizeIterator {
        self.records.iter()
    }

    /// Records with `seq >= from`, for a timeline that polls.
    pub fn since(&self, from: u64) -> impl Iterator<Item = &EventRecord> {
        self.records.iter().filter(move |r| r.seq >= from)
    }

    /// Records ever pushed.
    pub fn total(&self) -> u64 {
        self.total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_keeps_the_newest_records() {
        let mut log = EventLog::new(2);
        for m in 1..=3 {
            log.push(m * 10, SimEvent::Stopped { member: m });
        }
        assert_eq!(log.total(), 3);
        let kept: Vec<String> = log.records().map(ToString::to_string).collect();
        assert_eq!(kept, vec!["#1 20 ms 2 stopped", "#2 30 ms 3 stopped"]);
        assert_eq!(log.since(2).count(), 1);
    }

    #[test]
    fn a_member_joining_an_existing_cluster_does_not_bootstrap_one() {
        let started = |snapshot_index| {
            describe_member_event(&MemberEventKind::Started { bootstrapped: true, snapshot_index })
        };
        assert_eq!(started(1), "started (bootstrapped a new cluster)");
        assert_eq!(started(0), "started with an empty data dir (joining the existing cluster)");
    }

    #[test]
    fn member_events_read_as_sentences() {
        let r = EventRecord {
            seq: 4,
            at_ms: 1300,
            event: SimEvent::Member(MemberEvent {
                member: 0xab,
                kind: MemberEventKind::BecameLeader { term: 2 },
            }),
        };
        assert_eq!(r.to_string(), "#4 1300 ms ab became leader (term 2)");
    }
}
