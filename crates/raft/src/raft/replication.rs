//! Log replication on the raft node: sending appends, snapshots and
//! heartbeats (leader), committing by quorum, appending proposals under the
//! uncommitted-size limit, and the follower's handling of MsgApp and
//! MsgHeartbeat (with reject hints for fast backtracking).

use crate::error::Error;
use crate::logger::rlog;
use crate::message::{Entry, Message, MessageType};
use crate::raft::Raft;
use crate::storage::Storage;

impl<S: Storage> Raft<S> {
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
            snapshot: Some(Box::new(snapshot)),
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

    pub(crate) fn peers(&self) -> Vec<u64> {
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
}
