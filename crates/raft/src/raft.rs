//! The raft state machine of one node: term, vote, role transitions, timers,
//! and the checks common to every role in `step`. Role-specific handling
//! lives in `step_leader.rs`, `step_candidate.rs` and `step_follower.rs`.
//!
//! Roles and transitions (PreVote on):
//! ```text
//!  Follower --timeout--> PreCandidate --prevote quorum--> Candidate --vote quorum--> Leader
//!     ^                      |  (term unchanged)             | (term+1)                 |
//!     +---- higher term / lost / heard from leader ----------+--------------------------+
//! ```

use crate::confchange;
use crate::confchange_types::{ConfChangeI, ConfChangeV2, ConfState, decode_conf_change};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::log::RaftLog;
use crate::logger::{Logger, rlog};
use crate::message::{Entry, EntryType, HardState, Message, MessageType, ReadState, SoftState, StateRole};
use crate::quorum::VoteResult;
use crate::read_only::{ReadOnly, ReadOnlyOption};
use crate::rng::Rng;
use crate::storage::Storage;
use crate::tracker::{Progress, ProgressMap, ProgressTracker, TrackerConfig};

/// Marks a MsgVote sent because of a leader transfer: it bypasses the
/// leader lease of the voters.
pub const CAMPAIGN_TRANSFER: &[u8] = b"CampaignTransfer";

/// Why an election starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CampaignType {
    /// A pre-election (PreVote): the term is not bumped.
    PreElection,
    /// A normal election.
    Election,
    /// An election forced by a leader transfer (MsgTimeoutNow).
    Transfer,
}

/// One node's raft state. Owned by a [`crate::RawNode`]; `Clone` so a
/// simulator can snapshot a whole cluster.
#[derive(Debug, Clone)]
pub struct Raft<S> {
    /// This node's id.
    pub id: u64,
    /// Current term.
    pub term: u64,
    /// Vote in the current term (0: none).
    pub vote: u64,
    /// Answers to read-index requests, drained by Ready.
    pub read_states: Vec<ReadState>,
    /// The log.
    pub raft_log: RaftLog<S>,
    /// Configuration and per-member progress.
    pub trk: ProgressTracker,
    /// Current role.
    pub state: StateRole,
    /// This node is a learner.
    pub is_learner: bool,
    /// Outgoing messages, drained by Ready.
    pub msgs: Vec<Message>,
    /// Known leader (0: none).
    pub lead: u64,
    /// Leader transfer target (0: none).
    pub lead_transferee: u64,
    /// Index of the latest conf-change entry proposed by this leader; a new
    /// one is refused until it is applied.
    pub pending_conf_index: u64,
    /// Bytes of uncommitted entries appended by this leader.
    pub uncommitted_size: u64,
    /// Pending read-index requests.
    pub read_only: ReadOnly,
    /// Read-index requests received before this leader committed an entry
    /// of its own term; answered once it does.
    pub pending_read_index_messages: Vec<Message>,
    /// Ticks since the last election timeout reset (leader: since the last
    /// CheckQuorum).
    pub election_elapsed: u64,
    /// Ticks since the last heartbeat (leader only).
    pub heartbeat_elapsed: u64,
    /// CheckQuorum (and leader stickiness) enabled.
    pub check_quorum: bool,
    /// PreVote enabled.
    pub pre_vote: bool,
    /// Heartbeat interval in ticks.
    pub heartbeat_timeout: u64,
    /// Base election timeout in ticks.
    pub election_timeout: u64,
    /// Current randomized election timeout, in `[election, 2*election)`.
    pub randomized_election_timeout: u64,
    /// Followers drop proposals instead of forwarding.
    pub disable_proposal_forwarding: bool,
    /// A removed leader steps down.
    pub step_down_on_removal: bool,
    pub(crate) max_msg_size: u64,
    pub(crate) max_uncommitted_size: u64,
    pub(crate) rng: Rng,
    /// Event log (off unless enabled).
    pub logger: Logger,
}

impl<S: Storage> Raft<S> {
    /// Creates a node from its configuration and persisted state.
    pub fn new(c: &Config, store: S) -> Result<Self> {
        c.validate()?;
        let (hs, cs) = store.initial_state()?;
        let raft_log = RaftLog::new(store, c.max_committed_size_per_ready)?;
        let mut r = Raft {
            id: c.id,
            term: 0,
            vote: 0,
            read_states: Vec::new(),
            raft_log,
            trk: ProgressTracker::new(c.max_inflight_msgs),
            state: StateRole::Follower,
            is_learner: false,
            msgs: Vec::new(),
            lead: 0,
            lead_transferee: 0,
            pending_conf_index: 0,
            uncommitted_size: 0,
            read_only: ReadOnly::new(c.read_only_option),
            pending_read_index_messages: Vec::new(),
            election_elapsed: 0,
            heartbeat_elapsed: 0,
            check_quorum: c.check_quorum,
            pre_vote: c.pre_vote,
            heartbeat_timeout: c.heartbeat_tick,
            election_timeout: c.election_tick,
            randomized_election_timeout: c.election_tick,
            disable_proposal_forwarding: c.disable_proposal_forwarding,
            step_down_on_removal: c.step_down_on_removal,
            max_msg_size: c.max_size_per_msg,
            max_uncommitted_size: if c.max_uncommitted_entries_size == 0 {
                u64::MAX
            } else {
                c.max_uncommitted_entries_size
            },
            rng: Rng::new(c.seed ^ c.id.wrapping_mul(0xA076_1D64_78BD_642F)),
            logger: Logger { level: c.log_level, lines: Vec::new() },
        };
        let (cfg, prs) = confchange::restore(&r.trk, r.raft_log.last_index(), &cs)?;
        let got = r.switch_to_config(cfg, prs);
        if !got.equivalent(&cs) {
            return Err(Error::StoreInvalid(format!("inconsistent configuration in storage: {cs}")));
        }
        if !hs.is_empty() {
            r.load_state(hs)?;
        }
        if c.applied > 0 {
            if c.applied > r.raft_log.committed {
                return Err(Error::StoreInvalid(format!(
                    "applied({}) is out of range [committed({})]",
                    c.applied, r.raft_log.committed
                )));
            }
            r.raft_log.applied_to(c.applied);
        }
        r.become_follower(r.term, 0);
        r.log_start();
        Ok(r)
    }

    /// Enables the event log at `level` (`None` disables it).
    pub fn set_log_level(&mut self, level: Option<crate::logger::Level>) {
        self.logger.level = level;
    }

    fn log_start(&mut self) {
        let peers: Vec<String> = self.trk.voter_nodes().iter().map(|id| format!("{id:x}")).collect();
        rlog!(
            self,
            Info,
            "newRaft {:x} [peers: [{}], term: {}, commit: {}, applied: {}, lastindex: {}, lastterm: {}]",
            self.id,
            peers.join(","),
            self.term,
            self.raft_log.committed,
            self.raft_log.applied,
            self.raft_log.last_index(),
            self.raft_log.last_term()
        );
    }

    fn load_state(&mut self, hs: HardState) -> Result<()> {
        if hs.commit < self.raft_log.committed || hs.commit > self.raft_log.last_index() {
            return Err(Error::StoreInvalid(format!(
                "{:x} state.commit {} is out of range [{}, {}]",
                self.id,
                hs.commit,
                self.raft_log.committed,
                self.raft_log.last_index()
            )));
        }
        self.raft_log.committed = hs.commit;
        self.term = hs.term;
        self.vote = hs.vote;
        Ok(())
    }

    /// Leader and role.
    pub fn soft_state(&self) -> SoftState {
        SoftState { lead: self.lead, raft_state: self.state }
    }

    /// Term, vote and commit.
    pub fn hard_state(&self) -> HardState {
        HardState { term: self.term, vote: self.vote, commit: self.raft_log.committed }
    }

    // ---- sending -------------------------------------------------------

    /// Queues a message, filling in `from` and the term.
    pub(crate) fn send(&mut self, mut m: Message) {
        if m.from == 0 {
            m.from = self.id;
        }
        match m.msg_type {
            MessageType::MsgVote
            | MessageType::MsgVoteResp
            | MessageType::MsgPreVote
            | MessageType::MsgPreVoteResp => {
                // Vote messages carry the term they are for, set by the caller.
                assert!(m.term != 0, "term should be set when sending {}", m.msg_type);
            }
            MessageType::MsgProp | MessageType::MsgReadIndex => {
                // Forwarded to the leader like a local message: no term.
            }
            _ => {
                assert!(m.term == 0, "term should not be set when sending {} (was {})", m.msg_type, m.term);
                m.term = self.term;
            }
        }
        self.msgs.push(m);
    }

    /// Sends an append (or a snapshot) to `to` if it is not paused.
    pub(crate) fn send_append(&mut self, to: u64) {
        self.maybe_send_append(to, true);
    }

    /// Sends an append to `to` if there is something to send (or
    /// `send_if_empty`). Returns whether a message was sent.
    pub(crate) fn maybe_send_append(&mut self, to: u64, send_if_empty: bool) -> bool {
        let Some(pr) = self.trk.progress.get(&to) else { return false };
        if pr.is_paused() {
            return false;
        }
        let next = pr.next_idx;
        let term = self.raft_log.term(next - 1);
        let ents = self.raft_log.entries(next, self.max_msg_size);
        if let (Ok(term), Ok(ents)) = (&term, &ents) {
            if ents.is_empty() && !send_if_empty {
                return false;
            }
            let (term, ents) = (*term, ents.clone());
            let pr = self.trk.progress.get_mut(&to).expect("checked above");
            if let Some(last) = ents.last().map(|e| e.index) {
                match pr.state {
                    crate::tracker::ProgressState::Replicate => {
                        pr.optimistic_update(last);
                        pr.inflights.add(last);
                    }
                    crate::tracker::ProgressState::Probe => pr.probe_sent = true,
                    crate::tracker::ProgressState::Snapshot => {
                        unreachable!("{:x} is sending append in unhandled state Snapshot", self.id)
                    }
                }
            }
            let commit = self.raft_log.committed;
            self.send(Message {
                msg_type: MessageType::MsgApp,
                to,
                index: next - 1,
                log_term: term,
                entries: ents,
                commit,
                ..Default::default()
            });
            return true;
        }
        // The entries are compacted: send a snapshot instead.
        if !pr.recent_active {
            rlog!(self, Debug, "ignore sending snapshot to {to:x} since it is not recently active");
            return false;
        }
        let snapshot = match self.raft_log.snapshot() {
            Ok(s) => s,
            Err(Error::SnapshotTemporarilyUnavailable) => {
                rlog!(
                    self,
                    Debug,
                    "{:x} failed to send snapshot to {to:x} because snapshot is temporarily unavailable",
                    self.id
                );
                return false;
            }
            Err(e) => panic!("storage snapshot failed: {e}"),
        };
        assert!(!snapshot.is_empty(), "need non-empty snapshot");
        let (sindex, sterm) = (snapshot.metadata.index, snapshot.metadata.term);
        rlog!(
            self,
            Debug,
            "{:x} [firstindex: {}, commit: {}] sent snapshot[index: {sindex}, term: {sterm}] to {to:x} [{}]",
            self.id,
            self.raft_log.first_index(),
            self.raft_log.committed,
            self.trk.progress[&to]
        );
        let pr = self.trk.progress.get_mut(&to).expect("checked above");
        pr.become_snapshot(sindex);
        rlog!(
            self,
            Debug,
            "{:x} paused sending replication messages to {to:x} [{}]",
            self.id,
            self.trk.progress[&to]
        );
        self.send(Message {
            msg_type: MessageType::MsgSnap,
            to,
            snapshot: Some(snapshot),
            ..Default::default()
        });
        true
    }

    /// Sends a heartbeat; the commit is capped at the follower's match so
    /// that it never points past the follower's log.
    pub(crate) fn send_heartbeat(&mut self, to: u64, ctx: Vec<u8>) {
        let matched = self.trk.progress.get(&to).map_or(0, |p| p.matched);
        let commit = matched.min(self.raft_log.committed);
        self.send(Message {
            msg_type: MessageType::MsgHeartbeat,
            to,
            commit,
            context: ctx,
            ..Default::default()
        });
    }

    fn peers(&self) -> Vec<u64> {
        self.trk.progress.keys().copied().filter(|&id| id != self.id).collect()
    }

    /// Sends appends to every follower.
    pub(crate) fn bcast_append(&mut self) {
        for id in self.peers() {
            self.send_append(id);
        }
    }

    /// Sends heartbeats carrying the newest pending read context.
    pub(crate) fn bcast_heartbeat(&mut self) {
        let ctx = self.read_only.last_pending_request_ctx();
        self.bcast_heartbeat_with_ctx(ctx);
    }

    pub(crate) fn bcast_heartbeat_with_ctx(&mut self, ctx: Vec<u8>) {
        for id in self.peers() {
            self.send_heartbeat(id, ctx.clone());
        }
    }

    // ---- commit and append ---------------------------------------------

    /// Commits what a quorum has matched, if it is from this term.
    pub(crate) fn maybe_commit(&mut self) -> bool {
        let mci = self.trk.committed();
        self.raft_log.maybe_commit(mci, self.term)
    }

    /// Leader: appends entries at the end of the log with this term.
    /// Returns false if the uncommitted-size limit refuses them.
    pub(crate) fn append_entry(&mut self, es: &mut [Entry]) -> bool {
        let li = self.raft_log.last_index();
        for (i, e) in es.iter_mut().enumerate() {
            e.term = self.term;
            e.index = li + 1 + i as u64;
        }
        if !self.increase_uncommitted_size(es) {
            rlog!(
                self,
                Debug,
                "{:x} appending new entries to log would exceed uncommitted entry size limit; dropping proposal",
                self.id
            );
            return false;
        }
        let li = self.raft_log.append(es);
        if let Some(pr) = self.trk.progress.get_mut(&self.id) {
            pr.maybe_update(li);
        }
        // Regardless of maybe_commit's return, the caller broadcasts.
        self.maybe_commit();
        true
    }

    fn increase_uncommitted_size(&mut self, ents: &[Entry]) -> bool {
        let s: u64 = ents.iter().map(Entry::payload_size).sum();
        if self.uncommitted_size > 0
            && s > 0
            && self.uncommitted_size.saturating_add(s) > self.max_uncommitted_size
        {
            // An empty log (uncommitted_size == 0) always accepts, so a
            // single entry over the limit can still make progress.
            return false;
        }
        self.uncommitted_size += s;
        true
    }

    pub(crate) fn reduce_uncommitted_size(&mut self, ents: &[Entry]) {
        if self.uncommitted_size == 0 {
            return;
        }
        let s: u64 = ents.iter().map(Entry::payload_size).sum();
        self.uncommitted_size = self.uncommitted_size.saturating_sub(s);
    }

    // ---- role transitions ----------------------------------------------

    fn reset(&mut self, term: u64) {
        if self.term != term {
            self.term = term;
            self.vote = 0;
        }
        self.lead = 0;
        self.election_elapsed = 0;
        self.heartbeat_elapsed = 0;
        self.reset_randomized_election_timeout();
        self.abort_leader_transfer();
        self.trk.reset_votes();
        let last = self.raft_log.last_index();
        let max_inflight = self.trk.max_inflight;
        let id = self.id;
        for (&pid, pr) in self.trk.progress.iter_mut() {
            let is_learner = pr.is_learner;
            *pr = Progress::new(last + 1, max_inflight);
            pr.is_learner = is_learner;
            if pid == id {
                pr.matched = last;
            }
        }
        self.pending_conf_index = 0;
        self.uncommitted_size = 0;
        self.read_only = ReadOnly::new(self.read_only.option);
        self.pending_read_index_messages.clear();
    }

    /// Draws a new election timeout in `[election, 2*election)`.
    pub fn reset_randomized_election_timeout(&mut self) {
        self.randomized_election_timeout = self.election_timeout + self.rng.below(self.election_timeout);
    }

    /// Becomes a follower of `lead` (0: unknown) in `term`.
    pub fn become_follower(&mut self, term: u64, lead: u64) {
        self.reset(term);
        self.lead = lead;
        self.state = StateRole::Follower;
        rlog!(self, Info, "{:x} became follower at term {}", self.id, self.term);
    }

    /// Starts an election for the next term, voting for itself.
    pub fn become_candidate(&mut self) {
        assert!(self.state != StateRole::Leader, "invalid transition [leader -> candidate]");
        self.reset(self.term + 1);
        self.vote = self.id;
        self.state = StateRole::Candidate;
        rlog!(self, Info, "{:x} became candidate at term {}", self.id, self.term);
    }

    /// Starts a pre-election: neither term nor vote change.
    pub fn become_pre_candidate(&mut self) {
        assert!(self.state != StateRole::Leader, "invalid transition [leader -> pre-candidate]");
        self.trk.reset_votes();
        self.lead = 0;
        self.state = StateRole::PreCandidate;
        rlog!(self, Info, "{:x} became pre-candidate at term {}", self.id, self.term);
    }

    /// Becomes leader and appends the empty entry of its term.
    pub fn become_leader(&mut self) {
        assert!(self.state != StateRole::Follower, "invalid transition [follower -> leader]");
        self.reset(self.term);
        self.lead = self.id;
        self.state = StateRole::Leader;
        if let Some(pr) = self.trk.progress.get_mut(&self.id) {
            // The leader is always active and replicates to itself.
            pr.become_replicate();
            pr.recent_active = true;
        }
        // Conservatively treat any unapplied entry as a pending conf change.
        self.pending_conf_index = self.raft_log.last_index();
        let mut empty = [Entry::default()];
        assert!(self.append_entry(&mut empty), "empty entry was dropped");
        rlog!(self, Info, "{:x} became leader at term {}", self.id, self.term);
    }

    // ---- elections -----------------------------------------------------

    /// Whether this node may become leader: a voter without a pending
    /// snapshot.
    pub fn promotable(&self) -> bool {
        self.trk.progress.get(&self.id).is_some_and(|p| !p.is_learner)
            && !self.raft_log.has_pending_snapshot()
    }

    pub(crate) fn hup(&mut self, t: CampaignType) {
        if self.state == StateRole::Leader {
            rlog!(self, Debug, "{:x} ignoring MsgHup because already leader", self.id);
            return;
        }
        if !self.promotable() {
            rlog!(self, Warn, "{:x} is unpromotable and can not campaign", self.id);
            return;
        }
        if self.raft_log.committed > self.raft_log.applied {
            let ents = self
                .raft_log
                .slice(self.raft_log.applied + 1, self.raft_log.committed + 1, u64::MAX)
                .unwrap_or_default();
            let n = ents.iter().filter(|e| e.entry_type != EntryType::EntryNormal).count();
            if n != 0 {
                rlog!(
                    self,
                    Warn,
                    "{:x} cannot campaign at term {} since there are still {n} pending configuration changes to apply",
                    self.id,
                    self.term
                );
                return;
            }
        }
        rlog!(self, Info, "{:x} is starting a new election at term {}", self.id, self.term);
        self.campaign(t);
    }

    /// Runs an election (or pre-election) of type `t`.
    pub(crate) fn campaign(&mut self, t: CampaignType) {
        let (vote_msg, term) = if t == CampaignType::PreElection {
            self.become_pre_candidate();
            // PreVote RPCs are sent for the next term before we've
            // incremented r.Term.
            (MessageType::MsgPreVote, self.term + 1)
        } else {
            self.become_candidate();
            (MessageType::MsgVote, self.term)
        };
        let ids = self.trk.voter_nodes();
        // Vote for ourselves first; a single-node cluster wins at once.
        if ids.contains(&self.id) {
            let (_, _, res) = self.poll(self.id, vote_msg.vote_response(), true);
            if res == VoteResult::Won {
                if t == CampaignType::PreElection {
                    self.campaign(CampaignType::Election);
                } else {
                    self.become_leader();
                }
                return;
            }
        }
        let (last_index, last_term) = (self.raft_log.last_index(), self.raft_log.last_term());
        for id in ids {
            if id == self.id {
                continue;
            }
            rlog!(
                self,
                Info,
                "{:x} [logterm: {last_term}, index: {last_index}] sent {vote_msg} request to {id:x} at term {}",
                self.id,
                self.term
            );
            let context = if t == CampaignType::Transfer { CAMPAIGN_TRANSFER.to_vec() } else { Vec::new() };
            self.send(Message {
                msg_type: vote_msg,
                to: id,
                term,
                index: last_index,
                log_term: last_term,
                context,
                ..Default::default()
            });
        }
    }

    /// Records a vote and returns the tally.
    pub(crate) fn poll(&mut self, id: u64, t: MessageType, granted: bool) -> (usize, usize, VoteResult) {
        if granted {
            rlog!(self, Info, "{:x} received {t} from {id:x} at term {}", self.id, self.term);
        } else {
            rlog!(self, Info, "{:x} received {t} rejection from {id:x} at term {}", self.id, self.term);
        }
        self.trk.record_vote(id, granted);
        self.trk.tally_votes()
    }

    // ---- timers --------------------------------------------------------

    /// Advances the logical clock by one tick.
    pub fn tick(&mut self) {
        match self.state {
            StateRole::Leader => self.tick_heartbeat(),
            _ => self.tick_election(),
        }
    }

    fn past_election_timeout(&self) -> bool {
        self.election_elapsed >= self.randomized_election_timeout
    }

    fn tick_election(&mut self) {
        self.election_elapsed += 1;
        if self.promotable() && self.past_election_timeout() {
            self.election_elapsed = 0;
            let _ = self.step(Message::new(MessageType::MsgHup, self.id, 0));
        }
    }

    fn tick_heartbeat(&mut self) {
        self.heartbeat_elapsed += 1;
        self.election_elapsed += 1;
        if self.election_elapsed >= self.election_timeout {
            self.election_elapsed = 0;
            if self.check_quorum {
                let _ = self.step(Message::new(MessageType::MsgCheckQuorum, self.id, 0));
            }
            // If the current leader cannot transfer leadership in an
            // election timeout, it becomes leader again.
            if self.state == StateRole::Leader && self.lead_transferee != 0 {
                self.abort_leader_transfer();
            }
        }
        if self.state != StateRole::Leader {
            return;
        }
        if self.heartbeat_elapsed >= self.heartbeat_timeout {
            self.heartbeat_elapsed = 0;
            let _ = self.step(Message::new(MessageType::MsgBeat, self.id, 0));
        }
    }

    // ---- step ----------------------------------------------------------

    /// Processes one message: the term checks common to all roles, votes,
    /// then the role's handler.
    pub fn step(&mut self, m: Message) -> Result<()> {
        if m.term == 0 {
            // Local message.
        } else if m.term > self.term {
            if matches!(m.msg_type, MessageType::MsgVote | MessageType::MsgPreVote) {
                let force = m.context == CAMPAIGN_TRANSFER;
                let in_lease =
                    self.check_quorum && self.lead != 0 && self.election_elapsed < self.election_timeout;
                if !force && in_lease {
                    // Leader stickiness: a node that heard from a live leader
                    // within the election timeout does not grant votes.
                    rlog!(
                        self,
                        Info,
                        "{:x} [logterm: {}, index: {}, vote: {:x}] ignored {} from {:x} [logterm: {}, index: {}] at term {}: lease is not expired (remaining ticks: {})",
                        self.id,
                        self.raft_log.last_term(),
                        self.raft_log.last_index(),
                        self.vote,
                        m.msg_type,
                        m.from,
                        m.log_term,
                        m.index,
                        self.term,
                        self.election_timeout - self.election_elapsed
                    );
                    return Ok(());
                }
            }
            match m.msg_type {
                // Never change our term in response to a PreVote.
                MessageType::MsgPreVote => {}
                // We sent a pre-vote for term+1 and got it: the term is
                // bumped when we win the pre-election.
                MessageType::MsgPreVoteResp if !m.reject => {}
                _ => {
                    rlog!(
                        self,
                        Info,
                        "{:x} [term: {}] received a {} message with higher term from {:x} [term: {}]",
                        self.id,
                        self.term,
                        m.msg_type,
                        m.from,
                        m.term
                    );
                    if matches!(
                        m.msg_type,
                        MessageType::MsgApp | MessageType::MsgHeartbeat | MessageType::MsgSnap
                    ) {
                        self.become_follower(m.term, m.from);
                    } else {
                        self.become_follower(m.term, 0);
                    }
                }
            }
        } else if m.term < self.term {
            if (self.check_quorum || self.pre_vote)
                && matches!(m.msg_type, MessageType::MsgHeartbeat | MessageType::MsgApp)
            {
                // A partitioned old leader (or a node that bumped its term
                // without PreVote) learns about the newer term from this
                // response, instead of being ignored forever.
                self.send(Message { msg_type: MessageType::MsgAppResp, to: m.from, ..Default::default() });
            } else if m.msg_type == MessageType::MsgPreVote {
                // Reject so the pre-candidate learns of the newer term.
                rlog!(
                    self,
                    Info,
                    "{:x} [logterm: {}, index: {}, vote: {:x}] rejected {} from {:x} [logterm: {}, index: {}] at term {}",
                    self.id,
                    self.raft_log.last_term(),
                    self.raft_log.last_index(),
                    self.vote,
                    m.msg_type,
                    m.from,
                    m.log_term,
                    m.index,
                    self.term
                );
                let term = self.term;
                self.send(Message {
                    msg_type: MessageType::MsgPreVoteResp,
                    to: m.from,
                    term,
                    reject: true,
                    ..Default::default()
                });
            } else {
                rlog!(
                    self,
                    Info,
                    "{:x} [term: {}] ignored a {} message with lower term from {:x} [term: {}]",
                    self.id,
                    self.term,
                    m.msg_type,
                    m.from,
                    m.term
                );
            }
            return Ok(());
        }

        match m.msg_type {
            MessageType::MsgHup => {
                if self.pre_vote {
                    self.hup(CampaignType::PreElection);
                } else {
                    self.hup(CampaignType::Election);
                }
                Ok(())
            }
            MessageType::MsgVote | MessageType::MsgPreVote => {
                if m.term == 0 {
                    rlog!(
                        self,
                        Error,
                        "{:x} ignored {} without a term from {:x}",
                        self.id,
                        m.msg_type,
                        m.from
                    );
                    return Ok(());
                }
                self.handle_vote_request(m);
                Ok(())
            }
            _ => match self.state {
                StateRole::Leader => self.step_leader(m),
                StateRole::Candidate | StateRole::PreCandidate => self.step_candidate(m),
                StateRole::Follower => self.step_follower(m),
            },
        }
    }

    fn handle_vote_request(&mut self, m: Message) {
        // We can vote if this is a repeat of a vote we've already cast, we
        // haven't voted and don't know a leader, or this is a PreVote for a
        // future term.
        let can_vote = self.vote == m.from
            || (self.vote == 0 && self.lead == 0)
            || (m.msg_type == MessageType::MsgPreVote && m.term > self.term);
        let resp = m.msg_type.vote_response();
        if can_vote && self.raft_log.is_up_to_date(m.index, m.log_term) {
            rlog!(
                self,
                Info,
                "{:x} [logterm: {}, index: {}, vote: {:x}] cast {} for {:x} [logterm: {}, index: {}] at term {}",
                self.id,
                self.raft_log.last_term(),
                self.raft_log.last_index(),
                self.vote,
                m.msg_type,
                m.from,
                m.log_term,
                m.index,
                self.term
            );
            // The response carries the request's term: a PreVote response
            // must say "I would vote for you in that future term".
            self.send(Message { msg_type: resp, to: m.from, term: m.term, ..Default::default() });
            if m.msg_type == MessageType::MsgVote {
                self.election_elapsed = 0;
                self.vote = m.from;
            }
        } else {
            rlog!(
                self,
                Info,
                "{:x} [logterm: {}, index: {}, vote: {:x}] rejected {} from {:x} [logterm: {}, index: {}] at term {}",
                self.id,
                self.raft_log.last_term(),
                self.raft_log.last_index(),
                self.vote,
                m.msg_type,
                m.from,
                m.log_term,
                m.index,
                self.term
            );
            let term = self.term;
            self.send(Message { msg_type: resp, to: m.from, term, reject: true, ..Default::default() });
        }
    }

    // ---- follower-side handlers shared by roles ------------------------

    pub(crate) fn handle_append_entries(&mut self, m: Message) {
        if m.index < self.raft_log.committed {
            let committed = self.raft_log.committed;
            self.send(Message {
                msg_type: MessageType::MsgAppResp,
                to: m.from,
                index: committed,
                ..Default::default()
            });
            return;
        }
        // Malformed input from a peer is logged and ignored, never trusted:
        // entries must be contiguous after m.index...
        let contiguous =
            m.entries.iter().enumerate().all(|(i, e)| Some(e.index) == m.index.checked_add(i as u64 + 1));
        if !contiguous {
            rlog!(
                self,
                Error,
                "{:x} ignored MsgApp from {:x} with non-contiguous entries after index {}",
                self.id,
                m.from,
                m.index
            );
            return;
        }
        // ...and a leader never rewrites committed entries.
        if self.raft_log.match_term(m.index, m.log_term) {
            let ci = self.raft_log.find_conflict(&m.entries);
            if ci != 0 && ci <= self.raft_log.committed {
                rlog!(
                    self,
                    Error,
                    "{:x} ignored MsgApp from {:x}: entry {ci} conflicts with committed entry [committed({})]",
                    self.id,
                    m.from,
                    self.raft_log.committed
                );
                return;
            }
        }
        if let Some(last) = self.raft_log.maybe_append(m.index, m.log_term, m.commit, &m.entries) {
            self.send(Message {
                msg_type: MessageType::MsgAppResp,
                to: m.from,
                index: last,
                ..Default::default()
            });
            return;
        }
        let our_term = self.raft_log.zero_term_on_out_of_bounds(self.raft_log.term(m.index));
        rlog!(
            self,
            Debug,
            "{:x} [logterm: {our_term}, index: {}] rejected MsgApp [logterm: {}, index: {}] from {:x}",
            self.id,
            m.index,
            m.log_term,
            m.index,
            m.from
        );
        // Fast backtracking: point the leader at the last index whose term
        // is <= the probed term, skipping whole terms of divergent entries.
        let hint = m.index.min(self.raft_log.last_index());
        let (hint_index, hint_term) = self.raft_log.find_conflict_by_term(hint, m.log_term);
        self.send(Message {
            msg_type: MessageType::MsgAppResp,
            to: m.from,
            index: m.index,
            reject: true,
            reject_hint: hint_index,
            log_term: hint_term,
            ..Default::default()
        });
    }

    pub(crate) fn handle_heartbeat(&mut self, m: Message) {
        // The leader caps the commit at our match, so it is in our log; a
        // malformed heartbeat past our log is clamped rather than trusted.
        let commit = m.commit.min(self.raft_log.last_index());
        self.raft_log.commit_to(commit);
        self.send(Message {
            msg_type: MessageType::MsgHeartbeatResp,
            to: m.from,
            context: m.context,
            ..Default::default()
        });
    }

    pub(crate) fn handle_snapshot(&mut self, m: Message) {
        let Some(s) = m.snapshot else {
            rlog!(self, Error, "{:x} received MsgSnap without a snapshot from {:x}", self.id, m.from);
            return;
        };
        let (sindex, sterm) = (s.metadata.index, s.metadata.term);
        if self.restore(s) {
            rlog!(
                self,
                Info,
                "{:x} [commit: {}] restored snapshot [index: {sindex}, term: {sterm}]",
                self.id,
                self.raft_log.committed
            );
            let last = self.raft_log.last_index();
            self.send(Message {
                msg_type: MessageType::MsgAppResp,
                to: m.from,
                index: last,
                ..Default::default()
            });
        } else {
            rlog!(
                self,
                Info,
                "{:x} [commit: {}] ignored snapshot [index: {sindex}, term: {sterm}]",
                self.id,
                self.raft_log.committed
            );
            let committed = self.raft_log.committed;
            self.send(Message {
                msg_type: MessageType::MsgAppResp,
                to: m.from,
                index: committed,
                ..Default::default()
            });
        }
    }

    /// Restores from a snapshot if it is newer than the commit index.
    /// Returns false if it was ignored (or only fast-forwarded the commit).
    pub fn restore(&mut self, s: crate::message::Snapshot) -> bool {
        if s.metadata.index <= self.raft_log.committed {
            return false;
        }
        if self.state != StateRole::Follower {
            // Defense in depth: only followers restore.
            rlog!(self, Warn, "{:x} attempted to restore snapshot as leader; should never happen", self.id);
            self.become_follower(self.term + 1, 0);
            return false;
        }
        let cs = &s.metadata.conf_state;
        let found = cs.voters.iter().chain(&cs.learners).chain(&cs.voters_outgoing).any(|&id| id == self.id);
        if !found {
            rlog!(
                self,
                Warn,
                "{:x} attempted to restore snapshot but it is not in the ConfState {cs}; should never happen",
                self.id
            );
            return false;
        }
        if self.raft_log.match_term(s.metadata.index, s.metadata.term) {
            rlog!(
                self,
                Info,
                "{:x} [commit: {}, lastindex: {}, lastterm: {}] fast-forwarded commit to snapshot [index: {}, term: {}]",
                self.id,
                self.raft_log.committed,
                self.raft_log.last_index(),
                self.raft_log.last_term(),
                s.metadata.index,
                s.metadata.term
            );
            self.raft_log.commit_to(s.metadata.index);
            return false;
        }
        let fresh = ProgressTracker::new(self.trk.max_inflight);
        let (cfg, prs) = match confchange::restore(&fresh, s.metadata.index, cs) {
            Ok(x) => x,
            Err(e) => {
                rlog!(self, Error, "{:x} unable to restore config {cs}: {e}", self.id);
                return false;
            }
        };
        let restored = ProgressTracker { config: cfg.clone(), ..ProgressTracker::new(0) }.conf_state();
        if !restored.equivalent(cs) {
            rlog!(self, Error, "{:x} ignored snapshot with inconsistent config {cs}", self.id);
            return false;
        }
        let cs = cs.clone();
        self.raft_log.restore(s);
        self.trk = fresh;
        let got = self.switch_to_config(cfg, prs);
        assert!(got.equivalent(&cs), "restored conf state {got:?} differs from {cs:?}");
        if let Some(pr) = self.trk.progress.get_mut(&self.id) {
            let n = pr.next_idx - 1;
            pr.maybe_update(n);
        }
        rlog!(
            self,
            Info,
            "{:x} [commit: {}, lastindex: {}, lastterm: {}] restored snapshot [index: {}, term: {}]",
            self.id,
            self.raft_log.committed,
            self.raft_log.last_index(),
            self.raft_log.last_term(),
            self.raft_log.committed,
            self.raft_log.last_term()
        );
        true
    }

    // ---- configuration -------------------------------------------------

    /// Applies a committed configuration change; returns the new ConfState.
    pub fn apply_conf_change(&mut self, cc: &ConfChangeV2) -> Result<ConfState> {
        let changer = confchange::Changer { tracker: &self.trk, last_index: self.raft_log.last_index() };
        let (cfg, prs) = if cc.leave_joint() {
            changer.leave_joint()?
        } else if let Some(auto_leave) = cc.enter_joint() {
            changer.enter_joint(auto_leave, &cc.changes)?
        } else {
            changer.simple(&cc.changes)?
        };
        Ok(self.switch_to_config(cfg, prs))
    }

    /// Installs a configuration and reacts to it (commit may advance,
    /// a removed leader may step down, a removed transferee is forgotten).
    pub(crate) fn switch_to_config(&mut self, cfg: TrackerConfig, prs: ProgressMap) -> ConfState {
        self.trk.config = cfg;
        self.trk.progress = prs;
        rlog!(self, Info, "{:x} switched to configuration {}", self.id, self.trk.config);
        let cs = self.trk.conf_state();
        let pr = self.trk.progress.get(&self.id);
        self.is_learner = pr.is_some_and(|p| p.is_learner);
        if (pr.is_none() || self.is_learner) && self.state == StateRole::Leader {
            // This node is leader and was removed or demoted.
            if self.step_down_on_removal {
                self.become_follower(self.term, 0);
            }
            return cs;
        }
        if self.state != StateRole::Leader || cs.voters.is_empty() {
            return cs;
        }
        if self.maybe_commit() {
            // The quorum changed and the commit index moved: tell everyone.
            self.bcast_append();
        } else {
            // Otherwise make sure new members get probed.
            for id in self.peers() {
                self.maybe_send_append(id, false);
            }
        }
        if self.lead_transferee != 0 && !self.trk.config.voters.contains(self.lead_transferee) {
            self.abort_leader_transfer();
        }
        cs
    }

    /// Called by Ready's advance: the application applied up to `applied`.
    pub(crate) fn applied_to(&mut self, applied: u64) {
        let new_applied = applied.max(self.raft_log.applied);
        self.raft_log.applied_to(new_applied);
        if self.trk.config.auto_leave
            && new_applied >= self.pending_conf_index
            && self.state == StateRole::Leader
        {
            // Leave the joint configuration automatically. The empty
            // ConfChangeV2 has no payload, so the size limit never refuses
            // it; a leader transfer in progress may, and we retry on the
            // next advance.
            let m = Message {
                msg_type: MessageType::MsgProp,
                from: self.id,
                entries: vec![ConfChangeV2::default().to_entry()],
                ..Default::default()
            };
            let cfg = self.trk.config.to_string();
            match self.step(m) {
                Ok(()) => {
                    rlog!(self, Info, "initiating automatic transition out of joint configuration {cfg}")
                }
                Err(e) => rlog!(
                    self,
                    Debug,
                    "not initiating automatic transition out of joint configuration {cfg}: {e}"
                ),
            }
        }
    }

    // ---- leader transfer -----------------------------------------------

    pub(crate) fn send_timeout_now(&mut self, to: u64) {
        self.send(Message { msg_type: MessageType::MsgTimeoutNow, to, ..Default::default() });
    }

    /// Forgets an in-progress leader transfer.
    pub fn abort_leader_transfer(&mut self) {
        self.lead_transferee = 0;
    }

    // ---- read index ----------------------------------------------------

    /// True once this leader committed an entry of its own term (only then
    /// is its commit index known to be the cluster's).
    pub(crate) fn committed_entry_in_current_term(&self) -> bool {
        self.raft_log.zero_term_on_out_of_bounds(self.raft_log.term(self.raft_log.committed)) == self.term
    }

    /// Answers a read request: locally as a ReadState, or to the follower.
    pub(crate) fn response_to_read_index_req(&mut self, req: Message, read_index: u64) -> Option<Message> {
        let ctx = req.entries.first().map(|e| e.data.clone()).unwrap_or_default();
        if req.from == 0 || req.from == self.id {
            self.read_states.push(ReadState { index: read_index, request_ctx: ctx });
            return None;
        }
        Some(Message {
            msg_type: MessageType::MsgReadIndexResp,
            to: req.from,
            index: read_index,
            entries: req.entries,
            ..Default::default()
        })
    }

    pub(crate) fn send_msg_read_index_response(&mut self, m: Message) {
        match self.read_only.option {
            ReadOnlyOption::Safe => {
                let ctx = m.entries[0].data.clone();
                let committed = self.raft_log.committed;
                self.read_only.add_request(committed, m);
                // The local node automatically acks the request.
                self.read_only.recv_ack(self.id, &ctx);
                self.bcast_heartbeat_with_ctx(ctx);
            }
            ReadOnlyOption::LeaseBased => {
                let committed = self.raft_log.committed;
                if let Some(resp) = self.response_to_read_index_req(m, committed) {
                    self.send(resp);
                }
            }
        }
    }

    pub(crate) fn release_pending_read_index_messages(&mut self) {
        if self.pending_read_index_messages.is_empty() {
            return;
        }
        if !self.committed_entry_in_current_term() {
            rlog!(
                self,
                Error,
                "pending MsgReadIndex should be released only after first commit in current term"
            );
            return;
        }
        for m in std::mem::take(&mut self.pending_read_index_messages) {
            self.send_msg_read_index_response(m);
        }
    }

    /// Decodes a conf-change entry for the leader's proposal checks.
    pub(crate) fn entry_conf_change(e: &Entry) -> Option<ConfChangeV2> {
        match e.entry_type {
            EntryType::EntryNormal => None,
            _ => decode_conf_change(e).ok(),
        }
    }
}
