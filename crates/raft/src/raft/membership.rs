//! Membership on the raft node: applying committed configuration changes,
//! switching configuration, and leaving a joint configuration automatically.

use crate::confchange;
use crate::confchange_types::{ConfChangeI, ConfChangeV2, ConfState};
use crate::error::Result;
use crate::logger::rlog;
use crate::message::{Message, MessageType, StateRole};
use crate::raft::Raft;
use crate::storage::Storage;
use crate::tracker::{ProgressMap, TrackerConfig};

impl<S: Storage> Raft<S> {
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
}
