//! The member: one raft node and its state machine, driven by the
//! simulator through `tick`, `step`, `request`, `cancel` and `drain`.
//!
//! `drain` runs etcd's raft loop until raft has nothing more to say: for
//! each `Ready` it persists the snapshot, entries and hard state to the
//! [`Disk`] (and the raft storage), queues the messages, applies the
//! committed entries (answering the clients whose proposals they are),
//! hands read states to waiting reads, advances, and takes a raft snapshot
//! every `snapshot_count` applied entries. A client is answered only after
//! its entry is committed and applied, so an acknowledged write survives
//! any crash of a minority.

use std::collections::BTreeMap;

use raft::{ConfState, MemoryStorage, MessageType, RawNode, SoftState, StateRole};

use crate::apply::{Env, Forwarded, Op, Proposal, State};
use crate::auth::AuthInfo;
use crate::config::{InitialClusterState, MemberConfig};
use crate::disk::{Disk, DiskIdentity};
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
}

/// A proposal raft has not accepted yet (no leader, or a transfer).
#[derive(Clone, Debug)]
pub(crate) enum Queued {
    Normal(u64, Vec<u8>),
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
    pub(crate) move_leader: Option<(u64, u64, u64)>,
    pub(crate) peers_seen: BTreeMap<u64, Seen>,
    pub(crate) revoking: BTreeMap<i64, u64>,
    pub(crate) next_publish_tick: u64,
    pub(crate) last_snapshot_index: u64,
    pub(crate) force_snapshot: bool,
    pub(crate) removed: bool,
    /// Election timeouts in a row without a leader (etcd's `monitorLeader`).
    pub(crate) no_leader_count: u64,
    /// Since when this member has had no leader.
    pub(crate) no_leader_since: Option<u64>,
    pub(crate) out: Output,
}

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
/// members as the configuration and an empty store as the data.
pub(crate) fn bootstrap_snapshot(cfg: &MemberConfig, state: &State) -> raft::Snapshot {
    let mut cs = ConfState::default();
    for p in &cfg.initial_cluster {
        if p.is_learner { cs.learners.push(p.id) } else { cs.voters.push(p.id) }
    }
    raft::Snapshot {
        data: state.encode(),
        metadata: raft::SnapshotMetadata { conf_state: cs, index: 1, term: 1 },
    }
}

impl Member {
    /// Starts (or restarts after a crash) from `disk`; an empty disk
    /// bootstraps from `config.initial_cluster` (or, for a member joining
    /// with `InitialClusterState::Existing`, waits for the leader's data).
    pub fn start(config: MemberConfig, mut disk: Disk) -> Member {
        let mut cfg = config;
        cfg.heartbeat_ticks = cfg.heartbeat_ticks.max(1);
        cfg.election_ticks = cfg.election_ticks.max(cfg.heartbeat_ticks + 1);
        cfg.tick_ms = cfg.tick_ms.max(1);
        cfg.snapshot_count = cfg.snapshot_count.max(1);
        let bootstrapped = disk.is_empty();
        if bootstrapped {
            disk.identity =
                Some(DiskIdentity { id: cfg.id, name: cfg.name.clone(), cluster_id: cfg.cluster_id });
            if cfg.initial_cluster_state == InitialClusterState::New {
                let state = State::new(&cfg, &cfg.initial_cluster);
                let snap = bootstrap_snapshot(&cfg, &state);
                disk.install_snapshot(&snap);
                disk.hard_state = raft::HardState { term: 1, vote: 0, commit: 1 };
            }
        }
        if let Some(id) = &disk.identity {
            cfg.id = id.id;
            cfg.cluster_id = id.cluster_id;
        }
        disk.boots += 1;
        let snap_index = disk.snapshot_index();
        if let Some(s) = &disk.snapshot
            && disk.hard_state.term < s.metadata.term
        {
            disk.hard_state.term = s.metadata.term;
        }
        let state = disk
            .snapshot
            .as_ref()
            .and_then(|s| State::decode(&s.data, &cfg).ok())
            .unwrap_or_else(|| State::new(&cfg, &[]));
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
            move_leader: None,
            peers_seen: BTreeMap::new(),
            revoking: BTreeMap::new(),
            next_publish_tick: 0,
            last_snapshot_index: snap_index,
            force_snapshot: false,
            removed: false,
            no_leader_count: 0,
            no_leader_since: Some(0),
            out: Output::default(),
            cfg,
        };
        m.term = m.disk.hard_state.term;
        m.state.store.lessor_mut().set_id_prefix((m.cfg.id & 0xffff) as u16);
        m.event(MemberEventKind::Started { bootstrapped, snapshot_index: snap_index });
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
        if self.removed {
            return;
        }
        self.ticks += 1;
        self.node.tick();
        self.expire_waiting();
        self.tick_reads();
        self.tick_leases();
        self.monitor_leader();
        if let Some((client, _, deadline)) = self.move_leader
            && deadline <= self.ticks
        {
            self.move_leader = None;
            self.reply(client, Err(Error::TimeoutLeaderTransfer));
        }
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
        if self.removed || msg.to != self.cfg.id || self.state.cluster.is_removed(msg.from) {
            return;
        }
        let now = self.ticks;
        let gap = self.cfg.election_ticks;
        let seen = self.peers_seen.entry(msg.from).or_default();
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
        self.waiting.insert(pid, Waiting { client, start: self.ticks, deadline, proposed: false, kind });
    }

    /// Proposes an operation for `client` (None: internal, nobody waits).
    pub(crate) fn propose(&mut self, client: Option<(u64, WaitKind)>, op: Op, auth: Option<AuthInfo>) -> u64 {
        let id = self.next_id();
        let size = request_bytes(&op);
        let data = serde_json::to_vec(&Proposal { id, auth, op }).unwrap_or_default();
        if size > self.cfg.max_request_bytes {
            if let Some((c, _)) = client {
                self.reply(c, Err(Error::RequestTooLarge));
            }
            return id;
        }
        if let Some((c, kind)) = client {
            self.wait(id, c, kind);
        }
        self.submit(Queued::Normal(id, data));
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

    fn flush_queued(&mut self) {
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
            return Error::DeadlineExceeded;
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

    /// Does all pending work and returns what must leave this member.
    pub fn drain(&mut self) -> Output {
        if !self.removed {
            self.flush_queued();
            // Each round persists, sends and applies; raft always makes
            // progress, and the bound only guards against a broken invariant.
            for _ in 0..10_000 {
                if !self.node.has_ready() {
                    break;
                }
                self.handle_ready();
                self.flush_queued();
            }
            self.maybe_publish();
            self.serve_reads();
            self.flush_watches();
        }
        std::mem::take(&mut self.out)
    }

    fn handle_ready(&mut self) {
        let rd = self.node.ready();
        if let Some(hs) = rd.hard_state {
            self.term = hs.term;
        }
        if let Some(ss) = rd.soft_state {
            self.on_soft_state(ss);
        }
        if let Some(snap) = &rd.snapshot {
            let _ = self.node.store_mut().apply_snapshot(snap.clone());
            self.disk.install_snapshot(snap);
            if let Ok(state) = State::decode(&snap.data, &self.cfg) {
                self.state = state;
                self.state.store.lessor_mut().set_id_prefix((self.cfg.id & 0xffff) as u16);
                self.rewatch_all();
            }
            self.conf_state = snap.metadata.conf_state.clone();
            self.applied = snap.metadata.index;
            self.last_snapshot_index = snap.metadata.index;
            self.event(MemberEventKind::SnapshotRestored { index: snap.metadata.index });
        }
        let _ = self.node.store_mut().append(&rd.entries);
        self.disk.append(&rd.entries);
        if let Some(hs) = rd.hard_state {
            self.node.store_mut().set_hard_state(hs);
            self.disk.hard_state = hs;
            self.term = hs.term;
            if hs.commit > self.commit {
                self.commit = hs.commit;
                self.event(MemberEventKind::EntryCommitted { index: hs.commit });
            }
        }
        let mut snaps = Vec::new();
        for m in rd.messages {
            match m.msg_type {
                MessageType::MsgSnap => {
                    let index = m.snapshot.as_ref().map_or(0, |s| s.metadata.index);
                    self.event(MemberEventKind::SnapshotSent { to: m.to, index });
                    snaps.push(m.to);
                }
                MessageType::MsgVoteResp | MessageType::MsgPreVoteResp if !m.reject => {
                    let pre_vote = m.msg_type == MessageType::MsgPreVoteResp;
                    self.event(MemberEventKind::VoteGranted { to: m.to, term: m.term, pre_vote });
                }
                _ => {}
            }
            self.out.messages.push(m);
        }
        let applied_before = self.applied;
        for e in rd.committed_entries {
            self.apply_entry(e);
        }
        if self.applied > applied_before {
            self.event(MemberEventKind::Applied { index: self.applied });
        }
        for rs in rd.read_states {
            self.on_read_state(rs);
        }
        self.node.advance();
        for to in snaps {
            self.node.report_snapshot(to, raft::SnapshotStatus::Finish);
        }
        self.maybe_snapshot();
        self.serve_reads();
    }

    fn on_soft_state(&mut self, ss: SoftState) {
        let old = self.soft;
        self.soft = ss;
        let term = self.term;
        if ss.raft_state != old.raft_state {
            match ss.raft_state {
                StateRole::Leader => {
                    self.event(MemberEventKind::BecameLeader { term });
                    let now = self.now_ms();
                    let extend = self.cfg.election_ms();
                    self.state.store.lessor_mut().promote(now, extend);
                    self.revoking.clear();
                }
                StateRole::Follower => self.event(MemberEventKind::BecameFollower { term, leader: ss.lead }),
                StateRole::PreCandidate => {
                    self.event(MemberEventKind::ElectionTimerFired { term });
                    self.event(MemberEventKind::PreVoteStarted { term });
                }
                StateRole::Candidate => {
                    if old.raft_state != StateRole::PreCandidate {
                        self.event(MemberEventKind::ElectionTimerFired { term });
                    }
                    self.event(MemberEventKind::ElectionStarted { term });
                }
            }
            if old.raft_state == StateRole::Leader {
                self.state.store.lessor_mut().demote();
            }
        }
        if ss.lead != old.lead {
            self.event(MemberEventKind::LeaderChanged { term, leader: ss.lead });
            self.no_leader_since = if ss.lead == 0 { Some(self.ticks) } else { None };
            if ss.lead != 0 {
                self.lead_elected_tick = self.ticks;
                if old.lead != 0 {
                    self.fail_unanswered_reads();
                }
            }
            if let Some((client, target, _)) = self.move_leader
                && ss.lead == target
            {
                self.move_leader = None;
                let h = self.header();
                self.reply(client, Ok(Response::MoveLeader(h)));
            }
        }
    }

    fn apply_entry(&mut self, e: raft::Entry) {
        if e.index <= self.applied {
            return;
        }
        match e.entry_type {
            raft::EntryType::EntryNormal => {
                if let Ok(p) = serde_json::from_slice::<Proposal>(&e.data) {
                    self.apply_proposal(p, e.index);
                }
            }
            raft::EntryType::EntryConfChange => {
                if let Ok(cc) = raft::decode_conf_change_v1(&e) {
                    self.apply_conf_change(cc);
                }
            }
            raft::EntryType::EntryConfChangeV2 => {
                if let Ok(cc) = raft::decode_conf_change(&e)
                    && let Ok(cs) = self.node.apply_conf_change(&cc)
                {
                    self.conf_state = cs;
                }
            }
        }
        self.applied = e.index;
    }

    fn apply_proposal(&mut self, p: Proposal, index: u64) {
        match p.op {
            Op::Forward(f) => {
                if self.is_leader() {
                    self.handle_forward(p.id, f, index);
                }
            }
            Op::Answer { to, result } => self.answer(to, result),
            op => {
                let mut evs = Vec::new();
                let env = Env { now_ms: self.now_ms(), quota_bytes: self.cfg.quota_bytes };
                let op = match op {
                    Op::Authenticate { name, password_hash, token } => {
                        Op::Authenticate { name, password_hash, token: format!("{token}.{index}") }
                    }
                    op => op,
                };
                let r = self.state.apply(&op, p.auth.as_ref(), &env, &mut evs);
                if let Op::LeaseRevoke { id } = &op {
                    self.revoking.remove(id);
                }
                for k in evs {
                    self.event(k);
                }
                self.answer(p.id, r);
            }
        }
    }

    /// Answers the client waiting for proposal `pid`, if it waits here.
    pub(crate) fn answer(&mut self, pid: u64, r: Result<Response>) {
        let Some(w) = self.waiting.remove(&pid) else { return };
        match w.kind {
            WaitKind::Reply => self.reply(w.client, r),
            WaitKind::KeepAlive => self.keepalive_answer(w.client, r),
        }
    }

    fn handle_forward(&mut self, pid: u64, f: Forwarded, index: u64) {
        let result = match f {
            Forwarded::LeaseRenew { id } => self.lease_renew_local(id),
            Forwarded::LeaseTimeToLive { id, keys } => self.lease_ttl_local(id, keys),
            Forwarded::Promote { id } => match self.check_promote(id, Some(index)) {
                Ok(cc) => {
                    self.submit(Queued::Conf(pid, crate::handle::with_id(cc, pid)));
                    return;
                }
                Err(e) => Err(e),
            },
        };
        self.propose(None, Op::Answer { to: pid, result }, None);
    }

    /// Takes a raft snapshot every `snapshot_count` applied entries (and
    /// after a membership change, so a joining member can be sent one that
    /// includes it), then compacts the log behind it.
    fn maybe_snapshot(&mut self) {
        let due = self.applied >= self.last_snapshot_index + self.cfg.snapshot_count;
        if !(due || self.force_snapshot) || self.applied <= self.last_snapshot_index {
            return;
        }
        self.force_snapshot = false;
        let data = self.state.encode();
        let index = self.applied;
        let Ok(snap) = self.node.store_mut().create_snapshot(index, Some(self.conf_state.clone()), data)
        else {
            return;
        };
        let compact_to = index.saturating_sub(self.cfg.snapshot_catch_up_entries);
        if compact_to > 0 {
            let _ = self.node.store_mut().compact(compact_to);
        }
        self.disk.save_snapshot(&snap, compact_to);
        self.last_snapshot_index = index;
        self.event(MemberEventKind::SnapshotTaken { index, compacted_to: compact_to + 1 });
    }

    /// A starting member publishes its name and client URLs through raft
    /// (etcd's `publishV3`), which makes it count as started.
    fn maybe_publish(&mut self) {
        if self.soft.lead == 0 || self.ticks < self.next_publish_tick {
            return;
        }
        let Some(me) = self.state.cluster.member(self.cfg.id) else { return };
        let urls = self
            .cfg
            .initial_cluster
            .iter()
            .find(|p| p.id == self.cfg.id)
            .map(|p| p.client_urls.clone())
            .unwrap_or_else(|| me.client_urls.clone());
        if me.name == self.cfg.name && me.client_urls == urls {
            return;
        }
        self.next_publish_tick = self.ticks + self.cfg.request_timeout_ticks();
        let op = Op::Publish { id: self.cfg.id, name: self.cfg.name.clone(), client_urls: urls };
        self.propose(None, op, None);
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
/// protobuf encoding (keys and values plus a little framing), not our JSON.
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
