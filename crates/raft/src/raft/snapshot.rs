//! Installing a snapshot sent by the leader (MsgSnap): checks, restore of
//! the log and of the configuration it carries.

use crate::confchange;
use crate::logger::rlog;
use crate::message::{Message, MessageType, StateRole};
use crate::raft::Raft;
use crate::storage::Storage;
use crate::tracker::ProgressTracker;

impl<S: Storage> Raft<S> {
    pub(crate) fn handle_snapshot(&mut self, m: Message) {
        let Some(s) = m.snapshot else {
            rlog!(self, Error, "{:x} received MsgSnap without a snapshot from {:x}", self.id, m.from);
            return;
        };
        let (sindex, sterm) = (s.metadata.index, s.metadata.term);
        if self.restore(*s) {
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
}
