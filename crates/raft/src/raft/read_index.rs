//! ReadIndex on the raft node: answering read requests once leadership is
//! confirmed (safe) or at once (lease-based), and holding them until the
//! leader has committed an entry of its term.

use crate::logger::rlog;
use crate::message::ReadState;
use crate::message::{Message, MessageType};
use crate::raft::Raft;
use crate::read_only::ReadOnlyOption;
use crate::storage::Storage;

impl<S: Storage> Raft<S> {
    // ---- read index ----------------------------------------------------

    /// True once this leader committed an entry of its own term (only then
    /// is its commit index known to be the cluster's).
    pub(crate) fn committed_entry_in_current_term(&self) -> bool {
        self.raft_log.zero_term_on_out_of_bounds(self.raft_log.term(self.raft_log.committed)) == self.term
    }

    /// Answers a read request: locally as a ReadState, or to the follower.
    pub(crate) fn response_to_read_index_req(&mut self, req: Message, read_index: u64) -> Option<Message> {
        let ctx = req.entries.first().map(|e| e.data.to_vec()).unwrap_or_default();
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
                let ctx = m.entries[0].data.to_vec();
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
}
