//! Message handling as a candidate or pre-candidate: counting (pre-)votes,
//! and stepping down on hearing from a leader of the term.

use crate::error::{Error, Result};
use crate::logger::rlog;
use crate::message::{Message, MessageType, StateRole};
use crate::quorum::VoteResult;
use crate::raft::{CampaignType, Raft};
use crate::storage::Storage;

impl<S: Storage> Raft<S> {
    pub(crate) fn step_candidate(&mut self, m: Message) -> Result<()> {
        // A pre-candidate counts MsgPreVoteResp, a candidate MsgVoteResp;
        // a stale response of the other kind (from an earlier phase) is
        // ignored.
        let my_vote_resp = if self.state == StateRole::PreCandidate {
            MessageType::MsgPreVoteResp
        } else {
            MessageType::MsgVoteResp
        };
        match m.msg_type {
            MessageType::MsgProp => {
                rlog!(self, Info, "{:x} no leader at term {}; dropping proposal", self.id, self.term);
                return Err(Error::ProposalDropped);
            }
            MessageType::MsgApp => {
                // Only a leader of this term sends MsgApp: it won.
                self.become_follower(m.term, m.from);
                self.handle_append_entries(m);
            }
            MessageType::MsgHeartbeat => {
                self.become_follower(m.term, m.from);
                self.handle_heartbeat(m);
            }
            MessageType::MsgSnap => {
                self.become_follower(m.term, m.from);
                self.handle_snapshot(m);
            }
            t if t == my_vote_resp => {
                let (granted, rejected, res) = self.poll(m.from, m.msg_type, !m.reject);
                rlog!(
                    self,
                    Info,
                    "{:x} has received {granted} {} votes and {rejected} vote rejections",
                    self.id,
                    m.msg_type
                );
                match res {
                    VoteResult::Won => {
                        if self.state == StateRole::PreCandidate {
                            self.campaign(CampaignType::Election);
                        } else {
                            self.become_leader();
                            self.bcast_append();
                        }
                    }
                    // A MsgPreVoteResp carries the future term of the
                    // pre-candidate (m.term > self.term): keep ours.
                    VoteResult::Lost => self.become_follower(self.term, 0),
                    VoteResult::Pending => {}
                }
            }
            MessageType::MsgTimeoutNow => {
                rlog!(
                    self,
                    Debug,
                    "{:x} [term {} state {}] ignored MsgTimeoutNow from {:x}",
                    self.id,
                    self.term,
                    self.state,
                    m.from
                );
            }
            _ => {}
        }
        Ok(())
    }
}
