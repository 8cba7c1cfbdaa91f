//! The raft loop of a member (etcd's `raftNode` and `applyAll`): for each
//! `Ready`, persist the snapshot, entries and hard state to the disk, queue
//! the messages, apply the committed entries (answering the clients whose
//! proposals they are), hand read states to waiting reads, advance, and
//! take a raft snapshot every `snapshot_count` applied entries.

use raft::{MessageType, Snapshot, SoftState, StateRole};

use crate::apply::{Env, Forwarded, Op, Proposal, State};
use crate::disk::SnapshotFile;
use crate::error::{Error, Result};
use crate::events::MemberEventKind;
use crate::member::{Member, Queued, WaitKind};
use crate::request::AlarmType;
use crate::response::{Output, Response};

impl Member {
    /// Does all pending work and returns what must leave this member.
    pub fn drain(&mut self) -> Output {
        if !self.removed && self.exited.is_none() {
            self.flush_queued();
            // Each round persists, sends and applies; raft always makes
            // progress, and the bound only guards against a broken invariant.
            for _ in 0..10_000 {
                if !self.node.has_ready() {
                    break;
                }
                self.handle_ready();
                if self.exited.is_some() {
                    return std::mem::take(&mut self.out);
                }
                self.flush_queued();
            }
            self.maybe_publish();
            self.serve_reads();
            self.flush_watches();
        }
        std::mem::take(&mut self.out)
    }

    fn handle_ready(&mut self) {
        // A full disk fails the write: etcd exits (`fatal.rs`).
        let ready = self.node.ready();
        let Some(mut rd) = self.write_or_exit(ready) else { return };
        if let Some(hs) = rd.hard_state {
            self.term = hs.term;
        }
        // This member's own vote requests: a campaign round began here
        // (`true`: forced by the leader's MsgTimeoutNow).
        let campaign = rd.messages.iter().find_map(|m| {
            matches!(m.msg_type, MessageType::MsgPreVote | MessageType::MsgVote)
                .then(|| m.context == raft::raft::CAMPAIGN_TRANSFER)
        });
        let role = self.soft.raft_state;
        if let Some(ss) = rd.soft_state {
            self.on_soft_state(ss, campaign == Some(true));
        }
        if campaign.is_some() && self.soft.raft_state == role {
            // Campaigning again without a change of role: a pre-candidate
            // that heard nothing, or a candidate without pre-vote.
            self.campaign_events(self.term);
        }
        if let Some(snap) = rd.snapshot.take() {
            let _ = self
                .node
                .store_mut()
                .apply_snapshot(Snapshot { data: Vec::new(), metadata: snap.metadata.clone() });
            if let Ok(state) = State::decode(&snap.data, &self.cfg) {
                let file = SnapshotFile::from_bytes(snap.metadata.clone(), snap.data, state.store.size());
                self.disk.install_snapshot(file);
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
        let mut failed = Vec::new();
        for mut m in rd.messages {
            match m.msg_type {
                MessageType::MsgSnap => {
                    let index = m.snapshot.as_ref().map_or(0, |s| s.metadata.index);
                    // The raft storage holds the snapshot without its bytes.
                    match (&mut m.snapshot, &self.disk.snapshot) {
                        (Some(s), Some(f)) if f.meta.index == index => s.data = f.bytes().to_vec(),
                        _ => {
                            failed.push(m.to);
                            continue;
                        }
                    }
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
        for to in failed {
            self.node.report_snapshot(to, raft::SnapshotStatus::Failure);
        }
        self.maybe_snapshot();
        self.serve_reads();
    }

    /// The election timer fired and a campaign round began in `term`.
    fn campaign_events(&mut self, term: u64) {
        self.event(MemberEventKind::ElectionTimerFired { term });
        match self.soft.raft_state {
            StateRole::PreCandidate => self.event(MemberEventKind::PreVoteStarted { term }),
            _ => self.event(MemberEventKind::ElectionStarted { term }),
        }
    }

    fn on_soft_state(&mut self, ss: SoftState, transfer: bool) {
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
                    self.schedule_all_checkpoints();
                    self.revoking.clear();
                }
                StateRole::Follower => self.event(MemberEventKind::BecameFollower { term, leader: ss.lead }),
                StateRole::PreCandidate => self.campaign_events(term),
                StateRole::Candidate if transfer => {
                    self.event(MemberEventKind::CampaignRequested { term });
                    self.event(MemberEventKind::ElectionStarted { term });
                }
                StateRole::Candidate if old.raft_state != StateRole::PreCandidate => {
                    self.campaign_events(term)
                }
                StateRole::Candidate => self.event(MemberEventKind::ElectionStarted { term }),
            }
            if old.raft_state == StateRole::Leader {
                self.checkpoint_due.clear();
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
                if let Ok(p) = wire::from_slice::<Proposal>(&e.data) {
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
        if !self.state.recent.insert(p.id) {
            return;
        }
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
                self.schedule_checkpoints_after(&op, &r);
                if let Op::LeaseRevoke { id } = &op {
                    self.revoking.remove(id);
                }
                for k in evs {
                    self.event(k);
                }
                // etcd's applyEntryNormal: a write the quota refused at apply
                // time raises NOSPACE (each member that applies it, under its
                // own ID) unless a NOSPACE alarm is already up.
                if matches!(r, Err(Error::NoSpace)) && !self.state.alarms.has(AlarmType::NoSpace) {
                    let alarm =
                        Op::Alarm { activate: Some(true), member_id: self.cfg.id, alarm: AlarmType::NoSpace };
                    self.propose(None, alarm, None);
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
        let index = self.applied;
        let Ok(snap) =
            self.node.store_mut().create_snapshot(index, Some(self.conf_state.clone()), Vec::new())
        else {
            return;
        };
        let compact_to = index.saturating_sub(self.cfg.snapshot_catch_up_entries);
        if compact_to > 0 {
            let _ = self.node.store_mut().compact(compact_to);
        }
        // The snapshot holds the state's bytes: no watchers (they are not
        // encoded) and leases that do not tick until a restart promotes.
        self.disk.save_snapshot(SnapshotFile::new(snap.metadata, &self.state), compact_to);
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
}
