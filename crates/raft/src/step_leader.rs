//! Message handling in the leader role: proposals, replication responses,
//! heartbeats, CheckQuorum, read index, snapshots status and leader transfer.

use crate::error::{Error, Result};
use crate::logger::rlog;
use crate::message::{Entry, Message, MessageType, StateRole};
use crate::quorum::VoteResult;
use crate::raft::Raft;
use crate::read_only::ReadOnlyOption;
use crate::storage::Storage;
use crate::tracker::ProgressState;

impl<S: Storage> Raft<S> {
    pub(crate) fn step_leader(&mut self, m: Message) -> Result<()> {
        // Messages that do not need a progress for m.from.
        match m.msg_type {
            MessageType::MsgBeat => {
                self.bcast_heartbeat();
                return Ok(());
            }
            MessageType::MsgCheckQuorum => {
                if !self.trk.quorum_active() {
                    rlog!(self, Warn, "{:x} stepped down to follower since quorum is not active", self.id);
                    self.become_follower(self.term, 0);
                }
                // Mark everyone (but ourselves) as inactive in preparation
                // for the next CheckQuorum.
                let id = self.id;
                for (&pid, pr) in self.trk.progress.iter_mut() {
                    if pid != id {
                        pr.recent_active = false;
                    }
                }
                return Ok(());
            }
            MessageType::MsgProp => return self.leader_propose(m),
            MessageType::MsgReadIndex => {
                if m.entries.len() != 1 {
                    rlog!(
                        self,
                        Error,
                        "{:x} invalid MsgReadIndex from {:x}: {} entries",
                        self.id,
                        m.from,
                        m.entries.len()
                    );
                    return Ok(());
                }
                if self.trk.is_singleton() {
                    // Only one voting member (the leader): answer at once.
                    let committed = self.raft_log.committed;
                    if let Some(resp) = self.response_to_read_index_req(m, committed) {
                        self.send(resp);
                    }
                    return Ok(());
                }
                // Postpone read only request when this leader has not
                // committed any log entry at its term.
                if !self.committed_entry_in_current_term() {
                    self.pending_read_index_messages.push(m);
                    return Ok(());
                }
                self.send_msg_read_index_response(m);
                return Ok(());
            }
            _ => {}
        }

        if !self.trk.progress.contains_key(&m.from) {
            rlog!(self, Debug, "{:x} no progress available for {:x}", self.id, m.from);
            return Ok(());
        }
        match m.msg_type {
            MessageType::MsgAppResp => self.handle_append_response(m),
            MessageType::MsgHeartbeatResp => self.handle_heartbeat_response(m),
            MessageType::MsgSnapStatus => {
                let pr = self.trk.progress.get_mut(&m.from).expect("checked");
                if pr.state != ProgressState::Snapshot {
                    return Ok(());
                }
                if !m.reject {
                    pr.become_probe();
                    rlog!(
                        self,
                        Debug,
                        "{:x} snapshot succeeded, resumed sending replication messages to {:x} [{}]",
                        self.id,
                        m.from,
                        self.trk.progress[&m.from]
                    );
                } else {
                    // The snapshot failed: forget it so the next probe may
                    // choose a newer one.
                    pr.pending_snapshot = 0;
                    pr.become_probe();
                    rlog!(
                        self,
                        Debug,
                        "{:x} snapshot failed, resumed sending replication messages to {:x} [{}]",
                        self.id,
                        m.from,
                        self.trk.progress[&m.from]
                    );
                }
                // Wait for the MsgAppResp (or a heartbeat interval) before
                // the next MsgApp.
                self.trk.progress.get_mut(&m.from).expect("checked").probe_sent = true;
            }
            MessageType::MsgUnreachable => {
                let pr = self.trk.progress.get_mut(&m.from).expect("checked");
                // An optimistic Replicate is likely to have lost messages.
                if pr.state == ProgressState::Replicate {
                    pr.become_probe();
                }
                rlog!(
                    self,
                    Debug,
                    "{:x} failed to send message to {:x} because it is unreachable [{}]",
                    self.id,
                    m.from,
                    self.trk.progress[&m.from]
                );
            }
            MessageType::MsgTransferLeader => {
                let transferee = m.from;
                if self.trk.progress[&transferee].is_learner {
                    rlog!(self, Debug, "{:x} is learner. Ignored transferring leadership", transferee);
                    return Ok(());
                }
                let last = self.lead_transferee;
                if last != 0 {
                    if last == transferee {
                        rlog!(
                            self,
                            Info,
                            "{:x} [term {}] transfer leadership to {:x} is in progress, ignores request to same node {:x}",
                            self.id,
                            self.term,
                            transferee,
                            transferee
                        );
                        return Ok(());
                    }
                    self.abort_leader_transfer();
                    rlog!(
                        self,
                        Info,
                        "{:x} [term {}] abort previous transferring leadership to {:x}",
                        self.id,
                        self.term,
                        last
                    );
                }
                if transferee == self.id {
                    rlog!(
                        self,
                        Debug,
                        "{:x} is already leader. Ignored transferring leadership to self",
                        self.id
                    );
                    return Ok(());
                }
                rlog!(
                    self,
                    Info,
                    "{:x} [term {}] starts to transfer leadership to {:x}",
                    self.id,
                    self.term,
                    transferee
                );
                // Transfer should finish within one election timeout.
                self.election_elapsed = 0;
                self.lead_transferee = transferee;
                if self.trk.progress[&transferee].matched == self.raft_log.last_index() {
                    self.send_timeout_now(transferee);
                    rlog!(
                        self,
                        Info,
                        "{:x} sends MsgTimeoutNow to {:x} immediately as {:x} already has up-to-date log",
                        self.id,
                        transferee,
                        transferee
                    );
                } else {
                    self.send_append(transferee);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn leader_propose(&mut self, mut m: Message) -> Result<()> {
        if m.entries.is_empty() {
            rlog!(self, Error, "{:x} stepped empty MsgProp", self.id);
            return Err(Error::ProposalDropped);
        }
        if !self.trk.progress.contains_key(&self.id) {
            // We were removed from the configuration while serving as
            // leader; drop any new proposals.
            return Err(Error::ProposalDropped);
        }
        if self.lead_transferee != 0 {
            rlog!(
                self,
                Debug,
                "{:x} [term {}] transfer leadership to {:x} is in progress; dropping proposal",
                self.id,
                self.term,
                self.lead_transferee
            );
            return Err(Error::ProposalDropped);
        }
        let last_index = self.raft_log.last_index();
        for (i, e) in m.entries.iter_mut().enumerate() {
            let Some(cc) = Self::entry_conf_change(e) else { continue };
            let already_pending = self.pending_conf_index > self.raft_log.applied;
            let already_joint = self.trk.config.voters.is_joint();
            let wants_leave_joint = cc.changes.is_empty();
            let refused = if already_pending {
                Some(format!(
                    "possible unapplied conf change at index {} (applied to {})",
                    self.pending_conf_index, self.raft_log.applied
                ))
            } else if already_joint && !wants_leave_joint {
                Some("must transition out of joint config first".to_string())
            } else if !already_joint && wants_leave_joint {
                Some("not in joint state; refusing empty conf change".to_string())
            } else {
                None
            };
            if let Some(reason) = refused {
                rlog!(
                    self,
                    Info,
                    "{:x} ignoring conf change {} at config {}: {reason}",
                    self.id,
                    cc,
                    self.trk.config
                );
                // Keep the slot (the index stays as promised) but make it a
                // no-op.
                *e = Entry::default();
            } else {
                self.pending_conf_index = last_index + i as u64 + 1;
            }
        }
        if !self.append_entry(&mut m.entries) {
            return Err(Error::ProposalDropped);
        }
        self.bcast_append();
        Ok(())
    }

    fn handle_append_response(&mut self, m: Message) {
        let from = m.from;
        let pr = self.trk.progress.get_mut(&from).expect("checked by caller");
        pr.recent_active = true;
        if m.reject {
            rlog!(
                self,
                Debug,
                "{:x} received MsgAppResp(rejected, hint: (index {}, term {})) from {:x} for index {}",
                self.id,
                m.reject_hint,
                m.log_term,
                from,
                m.index
            );
            let mut next_probe_idx = m.reject_hint;
            if m.log_term > 0 {
                // Skip over every entry of ours whose term is greater than
                // the follower's term at the hint: they cannot match.
                next_probe_idx = self.raft_log.find_conflict_by_term(m.reject_hint, m.log_term).0;
            }
            let pr = self.trk.progress.get_mut(&from).expect("checked by caller");
            if pr.maybe_decr_to(m.index, next_probe_idx) {
                if pr.state == ProgressState::Replicate {
                    pr.become_probe();
                }
                rlog!(
                    self,
                    Debug,
                    "{:x} decreased progress of {:x} to [{}]",
                    self.id,
                    from,
                    self.trk.progress[&from]
                );
                self.send_append(from);
            }
            return;
        }
        if m.index > self.raft_log.last_index() {
            rlog!(
                self,
                Error,
                "{:x} ignored MsgAppResp from {from:x} acking index {} past its last index {}",
                self.id,
                m.index,
                self.raft_log.last_index()
            );
            return;
        }
        let pr = self.trk.progress.get_mut(&from).expect("checked by caller");
        let old_paused = pr.is_paused();
        if !pr.maybe_update(m.index) {
            return;
        }
        match pr.state {
            ProgressState::Probe => pr.become_replicate(),
            ProgressState::Snapshot => {
                if pr.matched + 1 >= self.raft_log.first_index() {
                    // The follower caught up through the snapshot (or
                    // otherwise): replicate from its match.
                    pr.become_probe();
                    pr.become_replicate();
                    rlog!(
                        self,
                        Debug,
                        "{:x} recovered from needing snapshot, resumed sending replication messages to {:x} [{}]",
                        self.id,
                        from,
                        self.trk.progress[&from]
                    );
                }
            }
            ProgressState::Replicate => pr.inflights.free_le(m.index),
        }
        if self.maybe_commit() {
            self.release_pending_read_index_messages();
            self.bcast_append();
        } else if old_paused {
            // Replication was paused for this follower; it is not any more.
            self.send_append(from);
        }
        // The window may allow several size-limited messages now.
        while self.maybe_send_append(from, false) {}
        if from == self.lead_transferee && self.trk.progress[&from].matched == self.raft_log.last_index() {
            rlog!(self, Info, "{:x} sent MsgTimeoutNow to {:x} after received MsgAppResp", self.id, from);
            self.send_timeout_now(from);
        }
    }

    fn handle_heartbeat_response(&mut self, m: Message) {
        let from = m.from;
        let pr = self.trk.progress.get_mut(&from).expect("checked by caller");
        pr.recent_active = true;
        pr.probe_sent = false;
        // Free one slot for the full inflights window to allow progress.
        if pr.state == ProgressState::Replicate && pr.inflights.full() {
            pr.inflights.free_first_one();
        }
        if pr.matched < self.raft_log.last_index() {
            self.send_append(from);
        }
        if self.read_only.option != ReadOnlyOption::Safe || m.context.is_empty() {
            return;
        }
        let Some(acks) = self.read_only.recv_ack(from, &m.context) else { return };
        if self.trk.config.voters.vote_result(acks) != VoteResult::Won {
            return;
        }
        for rs in self.read_only.advance(&m.context) {
            if let Some(resp) = self.response_to_read_index_req(rs.req, rs.index) {
                self.send(resp);
            }
        }
    }
}

impl<S> Raft<S> {
    /// True while this node leads.
    pub fn is_leader(&self) -> bool {
        self.state == StateRole::Leader
    }
}
