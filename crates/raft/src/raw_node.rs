//! `RawNode`: the application's handle on one raft node, in the style of
//! etcd-raft's `RawNode`. Drive it with `tick`, `step`, `propose` and
//! friends; collect work with `ready`; acknowledge it with `advance`.
//!
//! The loop every application runs:
//! ```text
//! loop {
//!     node.tick() every tick;  node.step(msg) for every message received;
//!     if node.has_ready() {
//!         let rd = node.ready();
//!         1. if let Some(s) = rd.snapshot: store.apply_snapshot(s)
//!         2. store.append(&rd.entries); if let Some(hs) = rd.hard_state: store.set_hard_state(hs)
//!         3. send rd.messages (only now: they may promise what 1-2 persisted)
//!         4. apply rd.committed_entries in order (conf changes via apply_conf_change)
//!         5. hand rd.read_states to waiting readers
//!         6. node.advance()
//!     }
//! }
//! ```

use serde::{Deserialize, Serialize};

use crate::bytes::Bytes;
use crate::confchange_types::{ConfChange, ConfChangeI, ConfChangeType, ConfState};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::logger::{Level, LogLine};
use crate::message::{Entry, HardState, Message, MessageType, ReadState, Snapshot, SoftState};
use crate::raft::Raft;
use crate::status::Status;
use crate::storage::Storage;

/// Work handed to the application by [`RawNode::ready`]. Handle it in this
/// order, then call [`RawNode::advance`]:
///
/// 1. `snapshot`: apply it to storage (it replaces the log).
/// 2. `entries` and `hard_state`: append / save them durably (fsync when
///    `must_sync`).
/// 3. `messages`: send them, only now, since they may promise what step 2
///    persisted (a vote, an acknowledged append).
/// 4. `committed_entries`: apply them to the state machine in order; pass
///    conf-change entries to [`RawNode::apply_conf_change`].
/// 5. `read_states`: serve each waiting read once applied >= its index.
/// 6. `soft_state`: show the new leader/role (nothing to persist).
///
/// Do not call `ready` again before `advance`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Ready {
    /// Leader or role changed (volatile: nothing to persist). Show it.
    pub soft_state: Option<SoftState>,
    /// Term, vote or commit changed: persist it (with `entries`) before
    /// sending `messages`.
    pub hard_state: Option<HardState>,
    /// Answers to `read_index` requests: serve each read once the applied
    /// index reaches its `index`.
    pub read_states: Vec<ReadState>,
    /// Entries to append to stable storage before sending `messages`.
    pub entries: Vec<Entry>,
    /// A snapshot to persist (apply to storage) before the entries.
    pub snapshot: Option<Snapshot>,
    /// Committed entries to apply to the state machine, in order, after
    /// persisting. They may include entries from `entries` of this same
    /// Ready. Conf-change entries must be passed to `apply_conf_change`.
    pub committed_entries: Vec<Entry>,
    /// Messages to send after persisting `snapshot`, `entries` and
    /// `hard_state`.
    pub messages: Vec<Message>,
    /// The hard state or entries must be written synchronously (fsync).
    pub must_sync: bool,
}

impl Ready {
    /// True if there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.soft_state.is_none()
            && self.hard_state.is_none()
            && self.read_states.is_empty()
            && self.entries.is_empty()
            && self.snapshot.is_none()
            && self.committed_entries.is_empty()
            && self.messages.is_empty()
    }
}

impl std::fmt::Display for Ready {
    /// etcd-raft's `DescribeReady` layout.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_empty() {
            return writeln!(f, "<empty Ready>");
        }
        writeln!(f, "Ready MustSync={}:", self.must_sync)?;
        if let Some(ss) = &self.soft_state {
            writeln!(f, "{ss}")?;
        }
        if let Some(hs) = &self.hard_state {
            writeln!(f, "HardState {hs}")?;
        }
        if !self.read_states.is_empty() {
            let rs: Vec<String> = self.read_states.iter().map(|r| r.to_string()).collect();
            writeln!(f, "ReadStates [{}]", rs.join(" "))?;
        }
        if !self.entries.is_empty() {
            writeln!(f, "Entries:")?;
            for e in &self.entries {
                writeln!(f, "{e}")?;
            }
        }
        if let Some(s) = &self.snapshot {
            writeln!(f, "Snapshot {s}")?;
        }
        if !self.committed_entries.is_empty() {
            writeln!(f, "CommittedEntries:")?;
            for e in &self.committed_entries {
                writeln!(f, "{e}")?;
            }
        }
        if !self.messages.is_empty() {
            writeln!(f, "Messages:")?;
            for m in &self.messages {
                writeln!(f, "{m}")?;
            }
        }
        Ok(())
    }
}

/// Result of sending a snapshot, for `report_snapshot`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SnapshotStatus {
    /// The follower received the snapshot.
    Finish,
    /// Sending failed.
    Failure,
}

/// What `advance` must acknowledge about the last Ready.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Accepted {
    last_entry: Option<(u64, u64)>,
    snapshot_index: Option<u64>,
    applied: Option<u64>,
    committed_entries: bool,
}

/// A raft node driven by the application.
#[derive(Debug, Clone)]
pub struct RawNode<S> {
    /// The state machine (read access for inspection; prefer `status`).
    raft: Raft<S>,
    prev_soft_state: SoftState,
    prev_hard_state: HardState,
    accepted: Option<Accepted>,
    committed_in_flight: Vec<Entry>,
}

impl<S: Storage> RawNode<S> {
    /// Creates a node over `store` (whose initial state gives the term,
    /// vote, commit and configuration).
    pub fn new(config: &Config, store: S) -> Result<Self> {
        let raft = Raft::new(config, store)?;
        let prev_soft_state = raft.soft_state();
        let prev_hard_state = raft.hard_state();
        Ok(RawNode {
            raft,
            prev_soft_state,
            prev_hard_state,
            accepted: None,
            committed_in_flight: Vec::new(),
        })
    }

    /// Starts a brand-new cluster member with the initial voters `peers`, as
    /// etcd's `StartNode` does: the membership is written into the log as
    /// committed `ConfChange` entries (indexes `1..=peers.len()`, term 1), so
    /// members added later learn the whole configuration history by
    /// replication. The first Ready persists and applies those entries.
    /// Members joining an existing cluster start from empty storage instead
    /// and are caught up by the leader. The storage must be empty; a founding
    /// member that restarts and finds its storage still empty (it crashed
    /// before persisting the first Ready) bootstraps again.
    pub fn bootstrap(&mut self, peers: &[u64]) -> Result<()> {
        if peers.is_empty() {
            return Err(Error::ConfigInvalid("must provide at least one peer to Bootstrap".into()));
        }
        if self.raft.raft_log.last_index() != 0 {
            return Err(Error::StoreInvalid("can't bootstrap a nonempty Storage".into()));
        }
        // Nothing is persisted yet: the first Ready carries the hard state.
        self.prev_hard_state = HardState::default();
        self.raft.become_follower(1, 0);
        let changes: Vec<ConfChange> = peers
            .iter()
            .map(|&id| ConfChange { change_type: ConfChangeType::AddNode, node_id: id, context: Vec::new() })
            .collect();
        let ents: Vec<Entry> = changes
            .iter()
            .enumerate()
            .map(|(i, cc)| Entry { term: 1, index: i as u64 + 1, ..cc.to_entry() })
            .collect();
        self.raft.raft_log.append(&ents);
        self.raft.raft_log.committed = ents.len() as u64;
        for cc in &changes {
            self.raft.apply_conf_change(&cc.as_v2())?;
        }
        Ok(())
    }

    /// Enables the event log (`None` disables it) and logs the start line.
    pub fn set_log_level(&mut self, level: Option<Level>) {
        self.raft.set_log_level(level);
    }

    /// Takes the event log lines recorded since the last call.
    pub fn take_logs(&mut self) -> Vec<LogLine> {
        std::mem::take(&mut self.raft.logger.lines)
    }

    /// Advances the logical clock by one tick.
    pub fn tick(&mut self) {
        self.raft.tick();
    }

    /// Starts an election now (pre-election first if PreVote is on).
    pub fn campaign(&mut self) -> Result<()> {
        self.raft.step(Message::new(MessageType::MsgHup, 0, 0))
    }

    /// Proposes application data. Dropped (error) without a leader, when
    /// forwarding is disabled, during a leader transfer, or over the
    /// uncommitted-size limit. Success means forwarded or appended, not
    /// committed.
    pub fn propose(&mut self, data: impl Into<Bytes>) -> Result<()> {
        let m = Message {
            msg_type: MessageType::MsgProp,
            from: self.raft.id,
            entries: vec![Entry::normal(data)],
            ..Default::default()
        };
        self.raft.step(m)
    }

    /// Proposes a configuration change (`ConfChange` or `ConfChangeV2`).
    pub fn propose_conf_change(&mut self, cc: &impl ConfChangeI) -> Result<()> {
        let m = Message {
            msg_type: MessageType::MsgProp,
            from: self.raft.id,
            entries: vec![cc.to_entry()],
            ..Default::default()
        };
        self.raft.step(m)
    }

    /// Applies a committed configuration change (from a conf-change entry)
    /// and returns the resulting configuration, to be saved with snapshots.
    pub fn apply_conf_change(&mut self, cc: &impl ConfChangeI) -> Result<ConfState> {
        self.raft.apply_conf_change(&cc.as_v2())
    }

    /// Steps a message received from a peer. Local message types, messages
    /// without a term (other than forwarded proposals and reads) and
    /// responses from unknown peers are refused with an error.
    pub fn step(&mut self, m: Message) -> Result<()> {
        if m.msg_type.is_local() {
            return Err(Error::StepLocalMsg);
        }
        if m.term == 0 && !matches!(m.msg_type, MessageType::MsgProp | MessageType::MsgReadIndex) {
            // Only forwarded proposals and read requests travel without a term.
            return Err(Error::MalformedMessage(format!("{} without a term", m.msg_type)));
        }
        if m.msg_type.is_response() && !self.raft.trk.progress.contains_key(&m.from) {
            return Err(Error::StepPeerNotFound);
        }
        self.raft.step(m)
    }

    /// Asks the leader to transfer leadership to `transferee` (forwarded
    /// when called on a follower), as `etcdctl move-leader` does.
    pub fn transfer_leader(&mut self, transferee: u64) {
        let _ = self.raft.step(Message::new(MessageType::MsgTransferLeader, transferee, 0));
    }

    /// Requests a read index; the answer arrives as a `ReadState` with the
    /// same `ctx` in a later Ready (never without a leader).
    pub fn read_index(&mut self, ctx: Vec<u8>) {
        let m = Message {
            msg_type: MessageType::MsgReadIndex,
            from: self.raft.id,
            entries: vec![Entry::normal(ctx)],
            ..Default::default()
        };
        let _ = self.raft.step(m);
    }

    /// Tells the leader that `id` could not be reached.
    pub fn report_unreachable(&mut self, id: u64) {
        let _ = self.raft.step(Message::new(MessageType::MsgUnreachable, id, 0));
    }

    /// Tells the leader how sending a snapshot to `id` went.
    pub fn report_snapshot(&mut self, id: u64, status: SnapshotStatus) {
        let mut m = Message::new(MessageType::MsgSnapStatus, id, 0);
        m.reject = status == SnapshotStatus::Failure;
        let _ = self.raft.step(m);
    }

    /// True if `ready` would return work.
    pub fn has_ready(&self) -> bool {
        let r = &self.raft;
        if r.soft_state() != self.prev_soft_state {
            return true;
        }
        let hs = r.hard_state();
        if !hs.is_empty() && hs != self.prev_hard_state {
            return true;
        }
        r.raft_log.has_pending_snapshot()
            || !r.msgs.is_empty()
            || !r.raft_log.unstable_entries().is_empty()
            || (self.accepted.is_none() && r.raft_log.has_next_committed_entries())
            || !r.read_states.is_empty()
    }

    /// Collects the work to do. Call `advance` once it is done, before the
    /// next `ready`.
    pub fn ready(&mut self) -> Ready {
        let r = &mut self.raft;
        let entries = r.raft_log.unstable_entries().to_vec();
        // Committed entries are handed out once: not again until advance.
        let committed_entries =
            if self.accepted.is_none() { r.raft_log.next_committed_entries() } else { Vec::new() };
        let soft = r.soft_state();
        let hs = r.hard_state();
        let hard_state = (!hs.is_empty() && hs != self.prev_hard_state).then_some(hs);
        let must_sync = !entries.is_empty()
            || hs.vote != self.prev_hard_state.vote
            || hs.term != self.prev_hard_state.term;
        let rd = Ready {
            soft_state: (soft != self.prev_soft_state).then_some(soft),
            hard_state,
            read_states: std::mem::take(&mut r.read_states),
            snapshot: r.raft_log.unstable.snapshot.clone(),
            messages: std::mem::take(&mut r.msgs),
            must_sync: must_sync && (hard_state.is_some() || !entries.is_empty()),
            entries,
            committed_entries,
        };
        self.prev_soft_state = soft;
        if let Some(hs) = rd.hard_state {
            self.prev_hard_state = hs;
        }
        let mut acc = self.accepted.take().unwrap_or_default();
        if let Some(e) = rd.entries.last() {
            acc.last_entry = Some((e.index, e.term));
        }
        if let Some(s) = &rd.snapshot {
            acc.snapshot_index = Some(s.metadata.index);
        }
        if let Some(e) = rd.committed_entries.last() {
            acc.applied = Some(e.index);
            acc.committed_entries = true;
            self.committed_in_flight = rd.committed_entries.clone();
        } else if let Some(s) = &rd.snapshot {
            acc.applied = acc.applied.or(Some(s.metadata.index));
        }
        self.accepted = Some(acc);
        rd
    }

    /// Acknowledges the last Ready: its entries and snapshot are persisted,
    /// its committed entries applied.
    pub fn advance(&mut self) {
        let Some(acc) = self.accepted.take() else { return };
        let applied = std::mem::take(&mut self.committed_in_flight);
        self.raft.reduce_uncommitted_size(&applied);
        if let Some((i, t)) = acc.last_entry {
            self.raft.raft_log.stable_to(i, t);
        }
        if let Some(i) = acc.snapshot_index {
            self.raft.raft_log.stable_snap_to(i);
        }
        if let Some(a) = acc.applied {
            self.raft.applied_to(a);
        }
    }

    /// A read-only snapshot of everything the UI draws.
    pub fn status(&self) -> Status {
        Status::new(&self.raft)
    }

    /// Entries `[lo, hi)` of the log (stable and unstable), with their
    /// payloads, for display. Compacted indexes are an error; `hi` is
    /// clamped to the end of the log.
    pub fn log_entries(&self, lo: u64, hi: u64) -> Result<Vec<Entry>> {
        let log = &self.raft.raft_log;
        let hi = hi.min(log.last_index() + 1);
        if lo >= hi {
            return Ok(Vec::new());
        }
        log.slice(lo, hi, u64::MAX)
    }

    /// The node's id.
    pub fn id(&self) -> u64 {
        self.raft.id
    }

    /// The underlying state machine, read-only.
    pub fn raft(&self) -> &Raft<S> {
        &self.raft
    }

    /// The storage, read-only.
    pub fn store(&self) -> &S {
        &self.raft.raft_log.store
    }

    /// The storage, for the application to persist Ready's contents.
    pub fn store_mut(&mut self) -> &mut S {
        &mut self.raft.raft_log.store
    }

    /// Overrides the current randomized election timeout (tests and the
    /// playground's "make this node time out next" button). It is redrawn
    /// from the node's generator at the next term change.
    pub fn set_randomized_election_timeout(&mut self, ticks: u64) {
        self.raft.randomized_election_timeout = ticks.max(1);
    }
}
