//! A read-only picture of one node: everything the playground draws (term,
//! vote, leader, role, log, commit/applied, per-peer progress, timers,
//! membership, pending reads and conf changes). Plain data, `serde`-able.

use serde::{Deserialize, Serialize};

use slim::VecMap;

use crate::confchange_types::ConfState;
use crate::message::{EntryType, HardState, SoftState, StateRole};
use crate::raft::Raft;
use crate::storage::Storage;
use crate::tracker::ProgressState;

/// One log entry as drawn: position, term, kind and size (no payload).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryInfo {
    /// Index.
    pub index: u64,
    /// Term.
    pub term: u64,
    /// Kind.
    pub entry_type: EntryType,
    /// Payload bytes.
    pub size: u64,
    /// Not yet persisted by the application.
    pub unstable: bool,
}

/// The leader's view of one member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressInfo {
    /// Flow-control state.
    pub state: ProgressState,
    /// Highest index known replicated.
    pub matched: u64,
    /// Next index to send.
    pub next_idx: u64,
    /// Appends in flight.
    pub inflight: usize,
    /// Inflight window size.
    pub inflight_cap: usize,
    /// Sending is paused (probe sent, window full, or snapshotting).
    pub paused: bool,
    /// Heard from since the last CheckQuorum.
    pub recent_active: bool,
    /// Non-voting member.
    pub is_learner: bool,
    /// Index of the snapshot being sent (Snapshot state).
    pub pending_snapshot: u64,
}

/// A read request waiting for heartbeat acks (leader, safe mode).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingRead {
    /// The request's context.
    pub ctx: Vec<u8>,
    /// The commit index it will be answered with.
    pub index: u64,
    /// Members that acked so far.
    pub acks: Vec<u64>,
}

/// Everything about one node, for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    /// Node id.
    pub id: u64,
    /// Term, vote, commit.
    pub hard_state: HardState,
    /// Leader and role.
    pub soft_state: SoftState,
    /// Applied index.
    pub applied: u64,
    /// First index still in the log.
    pub first_index: u64,
    /// Last index in the log.
    pub last_index: u64,
    /// Term of the last entry.
    pub last_term: u64,
    /// Entries from `first_index` to `last_index`.
    pub entries: Vec<EntryInfo>,
    /// Per-member progress (on the leader; empty elsewhere).
    pub progress: VecMap<u64, ProgressInfo>,
    /// Membership.
    pub conf_state: ConfState,
    /// Membership in etcd's text form (`voters=(1 2 3) learners=(4)`).
    pub config: String,
    /// This node is a learner.
    pub is_learner: bool,
    /// Ticks since the election timer was reset.
    pub election_elapsed: u64,
    /// Ticks after which this node campaigns (followers/candidates).
    pub randomized_election_timeout: u64,
    /// Base election timeout.
    pub election_timeout: u64,
    /// Ticks since the last heartbeat (leader).
    pub heartbeat_elapsed: u64,
    /// Heartbeat interval.
    pub heartbeat_timeout: u64,
    /// Index of the latest proposed conf change (leader).
    pub pending_conf_index: u64,
    /// A conf change is proposed but not yet applied.
    pub has_pending_conf: bool,
    /// Leader transfer target (0: none).
    pub lead_transferee: u64,
    /// Read requests waiting for confirmation (leader).
    pub pending_reads: Vec<PendingRead>,
    /// Read requests held until the leader commits in its term.
    pub pending_read_index_messages: usize,
    /// Bytes of uncommitted entries (leader).
    pub uncommitted_size: u64,
    /// PreVote enabled.
    pub pre_vote: bool,
    /// CheckQuorum enabled.
    pub check_quorum: bool,
}

impl Status {
    /// Reads the status of `r`.
    pub fn new<S: Storage>(r: &Raft<S>) -> Self {
        let log = &r.raft_log;
        let unstable_from = log.unstable.offset;
        let entries = log
            .all_entries()
            .iter()
            .map(|e| EntryInfo {
                index: e.index,
                term: e.term,
                entry_type: e.entry_type,
                size: e.payload_size(),
                unstable: e.index >= unstable_from,
            })
            .collect();
        let mut progress = VecMap::new();
        if r.state == StateRole::Leader {
            // Extended, not collected: `collect` sorts, and each sort is
            // kilobytes of wasm.
            progress.extend(r.trk.progress.iter().map(|(&id, p)| {
                (
                    id,
                    ProgressInfo {
                        state: p.state,
                        matched: p.matched,
                        next_idx: p.next_idx,
                        inflight: p.inflights.count(),
                        inflight_cap: p.inflights.cap(),
                        paused: p.is_paused(),
                        recent_active: p.recent_active,
                        is_learner: p.is_learner,
                        pending_snapshot: p.pending_snapshot,
                    },
                )
            }));
        }
        let pending_reads = r
            .read_only
            .read_index_queue
            .iter()
            .filter_map(|ctx| r.read_only.pending_read_index.get(ctx))
            .map(|rs| PendingRead {
                ctx: rs.req.entries.first().map(|e| e.data.to_vec()).unwrap_or_default(),
                index: rs.index,
                acks: rs.acks.keys().copied().collect(),
            })
            .collect();
        Status {
            id: r.id,
            hard_state: r.hard_state(),
            soft_state: r.soft_state(),
            applied: log.applied,
            first_index: log.first_index(),
            last_index: log.last_index(),
            last_term: log.last_term(),
            entries,
            progress,
            conf_state: r.trk.conf_state(),
            config: r.trk.config.to_string(),
            is_learner: r.is_learner,
            election_elapsed: r.election_elapsed,
            randomized_election_timeout: r.randomized_election_timeout,
            election_timeout: r.election_timeout,
            heartbeat_elapsed: r.heartbeat_elapsed,
            heartbeat_timeout: r.heartbeat_timeout,
            pending_conf_index: r.pending_conf_index,
            has_pending_conf: r.pending_conf_index > log.applied,
            lead_transferee: r.lead_transferee,
            pending_reads,
            pending_read_index_messages: r.pending_read_index_messages.len(),
            uncommitted_size: r.uncommitted_size,
            pre_vote: r.pre_vote,
            check_quorum: r.check_quorum,
        }
    }
}
