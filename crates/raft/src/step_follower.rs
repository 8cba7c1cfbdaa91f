//! Message handling as a follower: appends, heartbeats and snapshots from the
//! leader; forwarding proposals, read requests and leader transfers to it;
//! campaigning on MsgTimeoutNow.

use crate::error::{Error, Result};
use crate::logger::rlog;
use crate::message::{Message, MessageType, ReadState};
use crate::raft::{CampaignType, Raft};
use crate::storage::Storage;

impl<S: Storage> Raft<S> {
    pub(crate) fn step_follower(&mut self, mut m: Message) -> Result<()> {
        match m.msg_type {
            MessageType::MsgProp => {
                if self.lead == 0 {
                    rlog!(self, Info, "{:x} no leader at term {}; dropping proposal", self.id, self.term);
                    return Err(Error::ProposalDropped);
                }
                if self.disable_proposal_forwarding {
                    rlog!(
                        self,
                        Info,
                        "{:x} not forwarding to leader {:x} at term {}; dropping proposal",
                        self.id,
                        self.lead,
                        self.term
                    );
                    return Err(Error::ProposalDropped);
                }
                m.to = self.lead;
                self.send(m);
            }
            MessageType::MsgApp => {
                self.election_elapsed = 0;
                self.lead = m.from;
                self.handle_append_entries(m);
            }
            MessageType::MsgHeartbeat => {
                self.election_elapsed = 0;
                self.lead = m.from;
                self.handle_heartbeat(m);
            }
            MessageType::MsgSnap => {
                self.election_elapsed = 0;
                self.lead = m.from;
                self.handle_snapshot(m);
            }
            MessageType::MsgTransferLeader => {
                if self.lead == 0 {
                    rlog!(
                        self,
                        Info,
                        "{:x} no leader at term {}; dropping leader transfer msg",
                        self.id,
                        self.term
                    );
                    return Ok(());
                }
                m.to = self.lead;
                // Keep the term off: send() fills in ours.
                m.term = 0;
                self.send(m);
            }
            MessageType::MsgTimeoutNow => {
                rlog!(
                    self,
                    Info,
                    "{:x} [term {}] received MsgTimeoutNow from {:x} and starts an election to get leadership.",
                    self.id,
                    self.term,
                    m.from
                );
                // Leadership transfers never use pre-vote even if enabled:
                // the leader is stepping down, so no disruption.
                self.hup(CampaignType::Transfer);
            }
            MessageType::MsgReadIndex => {
                if self.lead == 0 {
                    rlog!(
                        self,
                        Info,
                        "{:x} no leader at term {}; dropping index reading msg",
                        self.id,
                        self.term
                    );
                    return Ok(());
                }
                m.to = self.lead;
                self.send(m);
            }
            MessageType::MsgReadIndexResp => {
                if m.entries.len() != 1 {
                    rlog!(
                        self,
                        Error,
                        "{:x} invalid format of MsgReadIndexResp from {:x}, entries count: {}",
                        self.id,
                        m.from,
                        m.entries.len()
                    );
                    return Ok(());
                }
                let ctx = std::mem::take(&mut m.entries[0].data);
                self.read_states.push(ReadState { index: m.index, request_ctx: ctx.to_vec() });
            }
            _ => {}
        }
        Ok(())
    }
}
