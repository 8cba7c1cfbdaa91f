//! The member: one raft node and its state machine, driven by the
//! simulator through `tick`, `step`, `request`, `cancel` and `drain`.
//!
//! `drain` (in `ready.rs`) runs etcd's raft loop until raft is quiet: for
//! each `Ready` it persists the snapshot, entries and hard state to the
//! [`Disk`] (and the raft storage), queues the messages, applies the
//! committed entries (answering the clients whose proposals they are),
//! hands read states to waiting reads, advances, and takes a raft snapshot
//! every `snapshot_count` applied entries. A client is answered only after
//! its entry is committed and applied, so an acknowledged write survives
//! any crash of a minority.

use std::collections::{BTreeMap, BTreeSet};

use raft::{ConfState, MemoryStorage, RawNode, SoftState, StateRole};
use slim::VecMap;

use crate::apply::{Op, Proposal, State};
use crate::auth::AuthInfo;
use crate::config::{InitialClusterState, MemberConfig};
use crate::disk::{Disk, DiskIdentity, SnapshotFile};
use crate::error::{Error, Result};
use crate::events::{MemberEvent, MemberEventKind};
use crate::read_index::PendingRead;
use crate::request::ClientRequest;
use crate::response::{Output, Reply, ReplyBody, Response, ResponseHeader};
use crate::status::MemberStatus;
use crate::watch::WatchState;

/// What a waiting proposal answers when it is applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum WaitKind {
    /// A `Done` reply to the client.
    Reply,
    /// A keep-alive stream item to the client.
    KeepAlive,
}

/// A client waiting for its proposal to be applied.
#[derive(Clone, Debug)]
pub(crate) struct Waiting {
    pub(crate) client: u64,
    pub(crate) start: u64,
    pub(crate) deadline: u64,
    pub(crate) proposed: bool,
    pub(crate) kind: WaitKind,
    /// Forwarded to the leader (etcd's HTTP forwarding, which fails with
    /// `etcdserver: no leader` when none appears in time).
    pub(crate) forwarded: bool,
}

/// A proposal raft has not accepted yet (no leader, or a transfer).
#[derive(Clone, Debug)]
pub(crate) enum Queued {
    Normal(u64, raft::Bytes),
    Conf(u64, raft::ConfChange),
}

/// When a peer was last heard from, and since when without a gap.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Seen {
    pub(crate) last: u64,
    pub(crate) since: u64,
}

/// A keep-alive stream.
#[derive(Clone, Debug)]
pub(crate) struct KeepAlive {
    pub(crate) lease: i64,
    pub(crate) next_tick: u64,
    pub(crate) in_flight: bool,
}

/// One etcd member. `Clone`, so the simulator can checkpoint a cluster.
#[derive(Clone, Debug)]
pub struct Member {
    pub(crate) cfg: MemberConfig,
    pub(crate) node: RawNode<MemoryStorage>,
    pub(crate) disk: Disk,
    pub(crate) state: State,
    pub(crate) conf_state: ConfState,
    pub(crate) applied: u64,
    pub(crate) ticks: u64,
    pub(crate) seq: u64,
    pub(crate) soft: SoftState,
    pub(crate) term: u64,
    pub(crate) commit: u64,
    pub(crate) lead_elected_tick: u64,
    pub(crate) waiting: BTreeMap<u64, Waiting>,
    pub(crate) queued: Vec<Queued>,
    pub(crate) reads: Vec<PendingRead>,
    pub(crate) watches: BTreeMap<u64, WatchState>,
    pub(crate) keepalives: BTreeMap<u64, KeepAlive>,
    /// Lease requests forwarded to the leader, by proposal ID.
    pub(crate) forwards: BTreeMap<u64, crate::lease::Forward>,
    pub(crate) move_leader: Option<(u64, u64, u64)>,
    pub(crate) peers_seen: VecMap<u64, Seen>,
    pub(crate) revoking: BTreeMap<i64, u64>,
    /// On the leader with lease checkpoints on: `(due ms, lease)`.
    pub(crate) checkpoint_due: BTreeSet<(u64, i64)>,
    pub(crate) next_publish_tick: u64,
    pub(crate) last_snapshot_index: u64,
    pub(crate) force_snapshot: bool,
    pub(crate) removed: bool,
    /// Election timeouts in a row without a leader (etcd's `monitorLeader`).
    pub(crate) no_leader_count: u64,
    /// Since when this member has had no leader.
    pub(crate) no_leader_since: Option<u64>,
    /// Set when the process exited on a failed write (`fatal.rs`): etcd's
    /// log message.
    pub(crate) exited: Option<String>,
    /// When a member that applied its own removal stops (etcd's
    /// `stopWithDelay`); `removed` from then on.
    pub(crate) stop_at_tick: Option<u64>,
    pub(crate) out: Output,
}

/// How long a member that applied its own removal goes on before it
/// stops (etcd's `stopWithDelay(10*100*time.Millisecond, ...)`).
pub(crate) const REMOVED_STOP_DELAY_MS: u64 = 1_000;

/// etcd's `maxNoLeaderCnt`: leaderless election timeouts before streams
/// that require a leader (watches) are cancelled.
const MAX_NO_LEADER_COUNT: u64 = 3;

fn raft_config(cfg: &MemberConfig, applied: u64) -> raft::Config {
    raft::Config {
        id: cfg.id,
        election_tick: cfg.election_ticks,
        heartbeat_tick: cfg.heartbeat_ticks,
        applied,
        seed: cfg.seed,
        ..raft::Config::new(cfg.id)
    }
}

/// The bootstrap snapshot of a new cluster: index 1, term 1, the initial
/// members as the configuration and an empty store as the state.
pub(crate) fn bootstrap_snapshot(cfg: &MemberConfig, state: State) -> SnapshotFile {
    let mut cs = ConfState::default();
    for p in &cfg.initial_cluster {
        if p.is_learner { cs.learners.push(p.id) } else { cs.voters.push(p.id) }
    }
    SnapshotFile::new(raft::SnapshotMetadata { conf_state: cs, index: 1, term: 1 }, &state)
}

impl Member {
    /// Starts (or restarts after a crash) from `disk`; an empty disk
    /// bootstraps from `config.initial_cluster` (or, for a member joining
    /// with `InitialClusterState::Existing`, waits for the leader's data).
    pub fn start(config: MemberConfig, mut disk: Disk) -> Member {
        let mut cfg = config;
        // Raft refuses ID 0 ("none"); a member always has an ID.
        cfg.id = cfg.id.max(1);
        cfg.heartbeat_ticks = cfg.heartbeat_ticks.max(1);
        cfg.election_ticks = cfg.election_ticks.max(cfg.heartbeat_ticks + 1);
        cfg.tick_ms = cfg.tick_ms.max(1);
        cfg.snapshot_count = cfg.snapshot_count.max(1);
        let bootstrapped = disk.is_empty();
        // A new member on a full device cannot create its WAL: it exits
        // at once and leaves the disk empty (`fatal.rs`).
        let unwritable = bootstrapped && disk.is_full();
        let empty = disk.clone();
        if bootstrapped {
            disk.identity =
                Some(DiskIdentity { id: cfg.id, name: cfg.name.clone(), cluster_id: cfg.cluster_id });
            if cfg.initial_cluster_state == InitialClusterState::New {
                let state = State::new(&cfg, &cfg.initial_cluster);
                let snap = bootstrap_snapshot(&cfg, state);
                disk.install_snapshot(snap);
                disk.hard_state = raft::HardState { term: 1, vote: 0, commit: 1 };
            }
        }
        if let Some(id) = &disk.identity {
            cfg.id = id.id.max(1);
            cfg.cluster_id = id.cluster_id;
        }
        disk.boots += 1;
        let snap_index = disk.snapshot_index();
        if let Some(s) = &disk.snapshot
            && disk.hard_state.term < s.meta.term
        {
            disk.hard_state.term = s.meta.term;
        }
        let mut state = disk.snapshot.as_ref().map_or_else(|| State::new(&cfg, &[]), |s| s.state(&cfg));
        state.store.lessor_mut().demote();
        let conf_state = disk.snapshot_conf_state().cloned().unwrap_or_default();
        let node = RawNode::new(&raft_config(&cfg, snap_index), disk.raft_storage())
            .or_else(|_| RawNode::new(&raft_config(&cfg, 0), MemoryStorage::new()));
        let Ok(node) = node else { unreachable_config(&cfg) };
        let mut m = Member {
            node,
            disk,
            state,
            conf_state,
            applied: snap_index,
            ticks: 0,
            seq: 0,
            soft: SoftState::default(),
            term: 0,
            commit: snap_index,
            lead_elected_tick: 0,
            waiting: BTreeMap::new(),
            queued: Vec::new(),
            reads: Vec::new(),
            watches: BTreeMap::new(),
            keepalives: BTreeMap::new(),
            forwards: BTreeMap::new(),
            move_leader: None,
            peers_seen: VecMap::new(),
            revoking: BTreeMap::new(),
            checkpoint_due: BTreeSet::new(),
            next_publish_tick: 0,
            last_snapshot_index: snap_index,
            force_snapshot: false,
            removed: false,
            no_leader_count: 0,
            no_leader_since: Some(0),
            exited: None,
            stop_at_tick: None,
            out: Output::default(),
            cfg,
        };
        // A member removed before its last snapshot stays stopped.
        m.removed = m.state.cluster.is_removed(m.cfg.id);
        let hs = m.node.status().hard_state;
        m.term = hs.term;
        m.commit = hs.commit.max(snap_index);
        m.state.store.lessor_mut().set_id_prefix((m.cfg.id & 0xffff) as u16);
        m.event(MemberEventKind::Started { bootstrapped, snapshot_index: snap_index });
        if unwritable {
            m.disk = empty;
            let error = format!("mkdir {}.etcd/member/wal.tmp: no space left on device", m.cfg.name);
            m.exit("failed to create WAL", error);
        }
        m
    }

    /// This member's ID.
    pub fn id(&self) -> u64 {
        self.cfg.id
    }

    /// The configuration.
    pub fn config(&self) -> &MemberConfig {
        &self.cfg
    }

    /// The disk, read-only.
    pub fn disk(&self) -> &Disk {
        &self.disk
    }

    /// Crash: memory is lost, the disk is kept.
    pub fn into_disk(self) -> Disk {
        self.disk
    }

    /// The MVCC store, read-only (for the UI's key browser).
    pub fn store(&self) -> &mvcc::Store {
        &self.state.store
    }

    /// The raft node, read-only.
    pub fn raft(&self) -> &RawNode<MemoryStorage> {
        &self.node
    }

    /// Virtual milliseconds since this member started.
    pub fn now_ms(&self) -> u64 {
        self.ticks.saturating_mul(self.cfg.tick_ms)
    }

    /// Whether this member leads.
    pub fn is_leader(&self) -> bool {
        self.soft.raft_state == StateRole::Leader
    }

    /// The leader this member knows (0: none).
    pub fn leader(&self) -> u64 {
        self.soft.lead
    }

    pub(crate) fn event(&mut self, kind: MemberEventKind) {
        self.out.events.push(MemberEvent { member: self.cfg.id, kind });
    }

    pub(crate) fn header(&self) -> ResponseHeader {
        ResponseHeader {
            cluster_id: self.cfg.cluster_id,
            member_id: self.cfg.id,
            revision: self.state.store.current_revision(),
            raft_term: self.term,
        }
    }

    pub(crate) fn fill(&self, mut r: Result<Response>) -> Result<Response> {
        if let Ok(resp) = &mut r {
            let h = resp.header_mut();
            h.cluster_id = self.cfg.cluster_id;
            h.member_id = self.cfg.id;
            h.raft_term = self.term;
            if h.revision == 0 {
                h.revision = self.state.store.current_revision();
            }
        }
        r
    }

    pub(crate) fn reply(&mut self, client: u64, r: Result<Response>) {
        let r = self.fill(r);
        self.out.replies.push(Reply { id: client, body: ReplyBody::Done(r) });
    }

    /// A new proposal ID, unique in the cluster: member, boot, sequence.
    pub(crate) fn next_id(&mut self) -> u64 {
        self.seq += 1;
        ((self.cfg.id & 0xffff) << 48) | ((self.disk.boots & 0xffff) << 32) | (self.seq & 0xffff_ffff)
    }

    /// One raft tick; lease expiry, request timeouts and keep-alives too.
    pub fn tick(&mut self) {
        if self.removed || self.exited.is_some() {
            return;
        }
        if self.stop_at_tick.is_some_and(|t| self.ticks >= t) {
            // "the member has been permanently removed from the cluster"
            self.removed = true;
            self.event(MemberEventKind::Removed);
            return;
        }
        self.ticks += 1;
        self.node.tick();
        self.expire_waiting();
        self.tick_reads();
        self.tick_leases();
        self.tick_lease_checkpoints();
        self.monitor_leader();
        // etcd's watch progress notify interval: ten minutes.
        if self.ticks.is_multiple_of(self.cfg.ms_to_ticks(10 * 60 * 1000)) {
            self.state.store.watch_progress_notify();
        }
        if let Some((client, _, deadline)) = self.move_leader
            && deadline <= self.ticks
        {
            self.move_leader = None;
            self.reply(client, Err(Error::TimeoutLeaderTransfer));
        }
    }

    /// Fires the election timer now (the playground's `cluster campaign
    /// NAME`; etcd-raft's `Campaign`): a follower or candidate starts a
    /// pre-vote, or an election without PreVote. A leader, a learner and a
    /// removed member do nothing, as raft ignores the timer there.
    pub fn campaign(&mut self) {
        if self.removed {
            return;
        }
        let _ = self.node.campaign();
    }

    /// Every election timeout: after `MAX_NO_LEADER_COUNT` of them without
    /// a leader, watch streams end with `etcdserver: no leader`; keep-alive
    /// streams end so after the request timeout.
    fn monitor_leader(&mut self) {
        if self.ticks.is_multiple_of(self.cfg.election_ticks) {
            self.no_leader_count = if self.soft.lead == 0 { self.no_leader_count + 1 } else { 0 };
            if self.no_leader_count >= MAX_NO_LEADER_COUNT {
                for (client, w) in std::mem::take(&mut self.watches) {
                    let _ = self.state.store.watch_stream_close(w.stream);
                    self.reply(client, Err(Error::NoLeader));
                }
            }
        }
        if self.no_leader_since.is_some_and(|t| t + self.cfg.request_timeout_ticks() <= self.ticks) {
            for client in std::mem::take(&mut self.keepalives).into_keys() {
                self.reply(client, Err(Error::NoLeader));
            }
        }
    }

    /// A raft message from a peer.
    pub fn step(&mut self, msg: raft::Message) {
        if self.removed
            || self.exited.is_some()
            || msg.to != self.cfg.id
            || self.state.cluster.is_removed(msg.from)
        {
            return;
        }
        let now = self.ticks;
        let gap = self.cfg.election_ticks;
        let seen = self.peers_seen.get_or_default(msg.from);
        if seen.last == 0 || seen.last + gap < now {
            seen.since = now;
        }
        seen.last = now.max(1);
        let _ = self.node.step(msg);
    }

    /// Whether `peer` has been heard from continuously since tick `t`.
    pub(crate) fn connected_since(&self, peer: u64, t: u64) -> bool {
        if peer == self.cfg.id {
            return true;
        }
        self.peers_seen
            .get(&peer)
            .is_some_and(|s| s.since <= t && s.last + self.cfg.election_ticks >= self.ticks)
    }

    /// The client gave up on request `id`: forget it and end its stream.
    pub fn cancel(&mut self, id: u64) {
        let ids: Vec<u64> = self.waiting.iter().filter(|(_, w)| w.client == id).map(|(&p, _)| p).collect();
        for p in ids {
            self.waiting.remove(&p);
        }
        self.reads.retain(|r| r.client != id);
        self.keepalives.remove(&id);
        if let Some(w) = self.watches.remove(&id) {
            let _ = self.state.store.watch_stream_close(w.stream);
        }
        if self.move_leader.is_some_and(|(c, _, _)| c == id) {
            self.move_leader = None;
        }
    }

    /// Registers a client waiting for proposal `pid`.
    pub(crate) fn wait(&mut self, pid: u64, client: u64, kind: WaitKind) {
        let deadline = self.ticks + self.cfg.request_timeout_ticks();
        self.waiting.insert(
            pid,
            Waiting { client, start: self.ticks, deadline, proposed: false, kind, forwarded: false },
        );
    }

    /// Proposes an operation for `client` (None: internal, nobody waits).
    pub(crate) fn propose(&mut self, client: Option<(u64, WaitKind)>, op: Op, auth: Option<AuthInfo>) -> u64 {
        let id = self.next_id();
        let size = request_bytes(&op);
        let forwarded = matches!(op, Op::Forward(_));
        if size > self.cfg.max_request_bytes {
            if let Some((c, _)) = client {
                self.reply(c, Err(Error::RequestTooLarge));
            }
            return id;
        }
        let data = wire::to_vec(&Proposal { id, auth, op });
        if let Some((c, kind)) = client {
            self.wait(id, c, kind);
            if let Some(w) = self.waiting.get_mut(&id) {
                w.forwarded = forwarded;
            }
        }
        self.submit(Queued::Normal(id, data.into()));
        id
    }

    /// Hands a proposal to raft, or queues it while there is no leader.
    pub(crate) fn submit(&mut self, q: Queued) {
        if self.soft.lead == 0 {
            self.queued.push(q);
            return;
        }
        let (id, res) = match &q {
            Queued::Normal(id, data) => (*id, self.node.propose(data.clone())),
            Queued::Conf(id, cc) => (*id, self.node.propose_conf_change(cc)),
        };
        match res {
            Ok(()) => {
                if let Some(w) = self.waiting.get_mut(&id) {
                    w.proposed = true;
                }
            }
            Err(_) => self.queued.push(q),
        }
    }

    pub(crate) fn flush_queued(&mut self) {
        if self.soft.lead == 0 || self.queued.is_empty() {
            return;
        }
        let queued = std::mem::take(&mut self.queued);
        for q in queued {
            let id = match &q {
                Queued::Normal(id, _) | Queued::Conf(id, _) => *id,
            };
            // Internal proposals (nobody waits) are not retried.
            if self.waiting.contains_key(&id) {
                self.submit(q);
            }
        }
    }

    /// etcd's `parseProposeCtxErr`, for a proposal whose time ran out.
    fn timeout_error(&self, w: &Waiting) -> Error {
        if !w.proposed {
            return if w.forwarded { Error::NoLeader } else { Error::DeadlineExceeded };
        }
        let window = 2 * self.cfg.election_ticks;
        let elected = self.lead_elected_tick;
        if w.start + window > elected && w.start < elected {
            return Error::TimeoutDueToLeaderFail;
        }
        let lead = self.soft.lead;
        if lead == self.cfg.id {
            let voters = &self.conf_state.voters;
            let up = voters.iter().filter(|&&v| self.connected_since(v, w.start)).count();
            if up < voters.len() / 2 + 1 {
                return Error::TimeoutDueToConnectionLost;
            }
        } else if lead != 0 && !self.connected_since(lead, w.start) {
            return Error::TimeoutDueToConnectionLost;
        }
        Error::Timeout
    }

    fn expire_waiting(&mut self) {
        let now = self.ticks;
        let due: Vec<u64> =
            self.waiting.iter().filter(|(_, w)| w.deadline <= now).map(|(&id, _)| id).collect();
        for id in due {
            let Some(w) = self.waiting.remove(&id) else { continue };
            self.queued.retain(|q| !matches!(q, Queued::Normal(i, _) | Queued::Conf(i, _) if *i == id));
            match w.kind {
                WaitKind::Reply => {
                    let e = self.timeout_error(&w);
                    self.reply(w.client, Err(e));
                }
                WaitKind::KeepAlive => {
                    if let Some(k) = self.keepalives.get_mut(&w.client) {
                        k.in_flight = false;
                    }
                }
            }
        }
    }

    /// Everything the UI and the checkers look at.
    pub fn status(&self) -> MemberStatus {
        let raft = self.node.status();
        let store = &self.state.store;
        MemberStatus {
            id: self.cfg.id,
            name: self.cfg.name.clone(),
            cluster_id: self.cfg.cluster_id,
            leader: self.soft.lead,
            term: raft.hard_state.term,
            commit: raft.hard_state.commit,
            applied: self.applied,
            revision: store.current_revision(),
            compact_revision: store.compacted_revision(),
            db_size: store.size(),
            db_size_in_use: store.size_in_use(),
            alarms: self.state.alarms.list(),
            is_learner: raft.is_learner,
            leases: store.lessor().len(),
            watchers: self.watches.len(),
            last_snapshot_index: self.last_snapshot_index,
            members: self.state.cluster.members(),
            auth_enabled: self.state.auth.is_enabled(),
            removed: self.removed,
            pending_requests: self.waiting.len() + self.reads.len(),
            raft,
        }
    }

    /// Handles a client request; the answer comes later through `drain`.
    pub fn request(&mut self, req: ClientRequest) {
        if self.removed {
            self.reply(req.id, Err(Error::Stopped));
            return;
        }
        self.dispatch(req);
    }
}

/// The size etcd compares with `--max-request-bytes`: roughly the
/// protobuf encoding (keys and values plus a little framing), not the
/// length of our entry.
fn request_bytes(op: &Op) -> u64 {
    fn txn(t: &mvcc::TxnRequest) -> u64 {
        let ops: u64 = t
            .success
            .iter()
            .chain(&t.failure)
            .map(|op| match op {
                mvcc::RequestOp::Range(r) => (r.key.len() + r.range_end.len()) as u64 + 8,
                mvcc::RequestOp::Put(p) => (p.key.len() + p.value.len()) as u64 + 8,
                mvcc::RequestOp::DeleteRange(d) => (d.key.len() + d.range_end.len()) as u64 + 8,
                mvcc::RequestOp::Txn(n) => txn(n),
            })
            .sum();
        let cmps: u64 = t.compare.iter().map(|c| (c.key.len() + c.range_end.len()) as u64 + 16).sum();
        ops + cmps + 8
    }
    16 + match op {
        Op::Put(p) => (p.key.len() + p.value.len()) as u64,
        Op::DeleteRange(d) => (d.key.len() + d.range_end.len()) as u64,
        Op::Txn(t) => txn(t),
        _ => 64,
    }
}

/// `raft::Config` validation cannot fail on a clamped configuration.
fn unreachable_config(cfg: &MemberConfig) -> ! {
    panic!("raft refused a clamped configuration for member {:x}", cfg.id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::default_cluster;
    use crate::request::Request;
    use crate::response::ReplyBody;

    fn single() -> Member {
        let (peers, cid) = default_cluster(1);
        let mut m = Member::start(MemberConfig::new(peers[0].id, "etcd-1", cid, peers, 7), Disk::default());
        for _ in 0..30 {
            m.tick();
            m.drain();
        }
        assert!(m.is_leader());
        m
    }

    fn ask(m: &mut Member, id: u64, op: Request) -> ReplyBody {
        m.request(ClientRequest { id, op, token: None });
        let out = m.drain();
        out.replies.into_iter().find(|r| r.id == id).map(|r| r.body).expect("a reply")
    }

    #[test]
    fn a_single_member_serves_writes_and_reads_with_full_headers() {
        let mut m = single();
        let put = mvcc::PutRequest { key: b"k".to_vec(), value: b"v".to_vec(), ..Default::default() };
        let ReplyBody::Done(Ok(Response::Put(p))) = ask(&mut m, 1, Request::Put(put)) else { panic!() };
        assert_eq!(p.header.revision, 2);
        assert_eq!(p.header.member_id, m.id());
        assert_eq!(p.header.cluster_id, m.config().cluster_id);
        assert_eq!(p.header.raft_term, 2);
        let get = Request::Range {
            req: mvcc::RangeRequest { key: b"k".to_vec(), ..Default::default() },
            serializable: false,
        };
        let ReplyBody::Done(Ok(Response::Range(r))) = ask(&mut m, 2, get) else { panic!() };
        assert_eq!(r.kvs[0].value, b"v");
    }

    #[test]
    fn a_crash_keeps_acknowledged_writes() {
        let mut m = single();
        for i in 0..120u8 {
            let put = mvcc::PutRequest { key: vec![b'k', i], value: vec![i], ..Default::default() };
            assert!(matches!(ask(&mut m, u64::from(i), Request::Put(put)), ReplyBody::Done(Ok(_))));
        }
        let cfg = m.config().clone();
        let disk = m.into_disk();
        assert!(disk.snapshot_index() > 100, "snapshots were taken");
        let mut m = Member::start(cfg, disk);
        m.drain();
        assert_eq!(m.store().current_revision(), 121);
        assert_eq!(m.status().applied, m.status().commit);
    }

    #[test]
    fn nested_txns_up_to_the_limit_apply() {
        let mut m = single();
        let put = mvcc::PutRequest { key: b"deep".to_vec(), value: b"1".to_vec(), ..Default::default() };
        let mut t = mvcc::TxnRequest { success: vec![mvcc::RequestOp::Put(put)], ..Default::default() };
        for _ in 1..32 {
            t = mvcc::TxnRequest { success: vec![mvcc::RequestOp::Txn(t)], ..Default::default() };
        }
        let ReplyBody::Done(Ok(Response::Txn(r))) = ask(&mut m, 1, Request::Txn(t.clone())) else { panic!() };
        assert!(r.succeeded);
        assert_eq!(m.store().current_revision(), 2);
        let deeper = mvcc::TxnRequest { success: vec![mvcc::RequestOp::Txn(t)], ..Default::default() };
        assert_eq!(
            ask(&mut m, 2, Request::Txn(deeper)),
            ReplyBody::Done(Err(Error::Mvcc(mvcc::Error::TooManyOps)))
        );
    }

    #[test]
    fn odd_configurations_do_not_panic() {
        let mut cfg = MemberConfig::new(0, "", 0, Vec::new(), 0);
        cfg.election_ticks = 0;
        cfg.heartbeat_ticks = 0;
        cfg.tick_ms = 0;
        cfg.snapshot_count = 0;
        let mut m = Member::start(cfg, Disk::default());
        for i in 0..50 {
            m.tick();
            m.request(ClientRequest { id: i, op: Request::Status, token: None });
            m.drain();
        }
        assert_eq!(m.id(), 1);
    }

    #[test]
    fn unproposed_requests_fail_with_deadline_exceeded_proposed_ones_time_out() {
        let (peers, cid) = default_cluster(3);
        let cfg = MemberConfig::new(peers[0].id, "etcd-1", cid, peers, 1);
        let timeout = cfg.request_timeout_ticks();
        let mut m = Member::start(cfg, Disk::default());
        let put = mvcc::PutRequest { key: b"k".to_vec(), ..Default::default() };
        m.request(ClientRequest { id: 1, op: Request::Put(put), token: None });
        let mut replies = Vec::new();
        for _ in 0..timeout {
            m.tick();
            replies.extend(m.drain().replies);
        }
        assert_eq!(replies.len(), 1);
        assert_eq!(replies[0].body, ReplyBody::Done(Err(Error::DeadlineExceeded)));
        m.cancel(1);
    }
}
