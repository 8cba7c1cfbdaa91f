//! Elections on the raft node: who may campaign, (pre-)campaigns, counting
//! votes, and granting or rejecting vote requests (paper §5.2, §5.4.1, §9.6).

use crate::logger::rlog;
use crate::message::{EntryType, Message, MessageType, StateRole};
use crate::quorum::VoteResult;
use crate::raft::Raft;
use crate::raft::{CAMPAIGN_TRANSFER, CampaignType};
use crate::storage::Storage;

impl<S: Storage> Raft<S> {
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

    /// Logs this node's answer to a vote request in etcd-raft's words, e.g.
    /// `1 [logterm: 1, index: 2, vote: 0] cast MsgVote for 2 [logterm: 1, index: 2] at term 2`.
    pub(crate) fn log_vote_answer(&mut self, m: &Message, answer: &str, preposition: &str) {
        self.log_vote_answer_because(m, answer, preposition, "");
    }

    /// [`Raft::log_vote_answer`] with a reason after the term (`: lease is not expired ...`).
    pub(crate) fn log_vote_answer_because(
        &mut self,
        m: &Message,
        answer: &str,
        preposition: &str,
        because: &str,
    ) {
        rlog!(
            self,
            Info,
            "{:x} [logterm: {}, index: {}, vote: {:x}] {answer} {} {preposition} {:x} [logterm: {}, index: {}] at term {}{because}",
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
    }

    pub(crate) fn handle_vote_request(&mut self, m: Message) {
        // We can vote if this is a repeat of a vote we've already cast, we
        // haven't voted and don't know a leader, or this is a PreVote for a
        // future term.
        let can_vote = self.vote == m.from
            || (self.vote == 0 && self.lead == 0)
            || (m.msg_type == MessageType::MsgPreVote && m.term > self.term);
        let resp = m.msg_type.vote_response();
        if can_vote && self.raft_log.is_up_to_date(m.index, m.log_term) {
            self.log_vote_answer(&m, "cast", "for");
            // The response carries the request's term: a PreVote response
            // must say "I would vote for you in that future term".
            self.send(Message { msg_type: resp, to: m.from, term: m.term, ..Default::default() });
            if m.msg_type == MessageType::MsgVote {
                self.election_elapsed = 0;
                self.vote = m.from;
            }
        } else {
            self.log_vote_answer(&m, "rejected", "from");
            let term = self.term;
            self.send(Message { msg_type: resp, to: m.from, term, reject: true, ..Default::default() });
        }
    }
}
