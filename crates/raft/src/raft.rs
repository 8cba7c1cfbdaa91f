//! The raft state machine of one node: term, vote, role transitions, timers,
//! and the checks common to every role in `step`. Role-specific handling
//! lives in `step_leader.rs`, `step_candidate.rs` and `step_follower.rs`;
//! elections, replication, snapshots, membership and read index in `raft/`.
//!
//! Roles and transitions (PreVote on):
//! ```text
//!  Follower --timeout--> PreCandidate --prevote quorum--> Candidate --vote quorum--> Leader
//!     ^                      |  (term unchanged)             | (term+1)                 |
//!     +---- higher term / lost / heard from leader ----------+--------------------------+
//! ```

use crate::confchange;
use crate::confchange_types::{ConfChangeV2, decode_conf_change};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::log::RaftLog;
use crate::logger::{Logger, rlog};
use crate::message::{Entry, EntryType, HardState, Message, MessageType, ReadState, SoftState, StateRole};
use crate::read_only::ReadOnly;
use crate::rng::Rng;
use crate::storage::Storage;
use crate::tracker::{Progress, ProgressTracker};

mod election;
mod membership;
mod read_index;
mod replication;
mod snapshot;

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
                    let remaining = self.election_timeout - self.election_elapsed;
                    let because = format!(": lease is not expired (remaining ticks: {remaining})");
                    self.log_vote_answer_because(&m, "ignored", "from", &because);
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
                self.log_vote_answer(&m, "rejected", "from");
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

    // ---- leader transfer -----------------------------------------------

    pub(crate) fn send_timeout_now(&mut self, to: u64) {
        self.send(Message { msg_type: MessageType::MsgTimeoutNow, to, ..Default::default() });
    }

    /// Forgets an in-progress leader transfer.
    pub fn abort_leader_transfer(&mut self) {
        self.lead_transferee = 0;
    }

    /// Decodes a conf-change entry for the leader's proposal checks.
    pub(crate) fn entry_conf_change(e: &Entry) -> Option<ConfChangeV2> {
        match e.entry_type {
            EntryType::EntryNormal => None,
            _ => decode_conf_change(e).ok(),
        }
    }
}
