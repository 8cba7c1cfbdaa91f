//! Pending read-index requests on the leader. With `ReadOnlyOption::Safe`
//! each request waits until a quorum answered a heartbeat carrying its
//! context (proving the leader was still leader when the read arrived);
//! with `LeaseBased` the leader answers at once, trusting its lease.
//!
//! ```text
//! read_index("a") at commit 12 -> heartbeat ctx "a" -> acks {1,2} of (1 2 3)
//!   -> ReadState { index: 12, request_ctx: "a" } (and every older request)
//! ```

use std::collections::{BTreeMap, VecDeque};

use slim::VecMap;

use serde::{Deserialize, Serialize};

use crate::message::Message;

/// How read-only requests are confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ReadOnlyOption {
    /// Confirm leadership with a heartbeat round (linearizable).
    #[default]
    Safe,
    /// Rely on the leader lease (needs CheckQuorum; sensitive to clock drift).
    LeaseBased,
}

/// One pending request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadIndexStatus {
    /// The original MsgReadIndex.
    pub req: Message,
    /// Commit index when the request arrived.
    pub index: u64,
    /// Who acknowledged the heartbeat carrying this request's context.
    pub acks: VecMap<u64, bool>,
}

/// The queue of pending read-index requests.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReadOnly {
    /// Confirmation mode.
    pub option: ReadOnlyOption,
    /// Pending requests by context.
    pub pending_read_index: BTreeMap<Vec<u8>, ReadIndexStatus>,
    /// Contexts in arrival order.
    pub read_index_queue: VecDeque<Vec<u8>>,
}

impl ReadOnly {
    /// An empty queue.
    pub fn new(option: ReadOnlyOption) -> Self {
        ReadOnly { option, ..Default::default() }
    }

    /// Queues `m` (which carries its context as its single entry's data),
    /// read at `index`. A duplicate context is ignored.
    pub fn add_request(&mut self, index: u64, m: Message) {
        let Some(ctx) = m.entries.first().map(|e| e.data.to_vec()) else { return };
        if self.pending_read_index.contains_key(&ctx) {
            return;
        }
        self.read_index_queue.push_back(ctx.clone());
        self.pending_read_index.insert(ctx, ReadIndexStatus { req: m, index, acks: VecMap::new() });
    }

    /// Records `id`'s heartbeat ack for `ctx`; returns the acks so far.
    pub fn recv_ack(&mut self, id: u64, ctx: &[u8]) -> Option<&VecMap<u64, bool>> {
        let rs = self.pending_read_index.get_mut(ctx)?;
        rs.acks.insert(id, true);
        Some(&rs.acks)
    }

    /// Dequeues the request with `ctx` and every request queued before it.
    pub fn advance(&mut self, ctx: &[u8]) -> Vec<ReadIndexStatus> {
        let Some(pos) = self.read_index_queue.iter().position(|c| c.as_slice() == ctx) else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(pos + 1);
        for c in self.read_index_queue.drain(..=pos) {
            let rs = self.pending_read_index.remove(&c);
            assert!(rs.is_some(), "cannot find corresponding read state from pending map");
            out.extend(rs);
        }
        out
    }

    /// Context of the newest pending request (sent with heartbeats).
    pub fn last_pending_request_ctx(&self) -> Vec<u8> {
        self.read_index_queue.back().cloned().unwrap_or_default()
    }

    /// Number of pending requests.
    pub fn pending_read_count(&self) -> usize {
        self.read_index_queue.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{Entry, MessageType};

    fn req(ctx: &str) -> Message {
        Message {
            msg_type: MessageType::MsgReadIndex,
            entries: vec![Entry::normal(ctx)],
            ..Default::default()
        }
    }

    #[test]
    fn advance_releases_older_requests() {
        let mut ro = ReadOnly::new(ReadOnlyOption::Safe);
        ro.add_request(10, req("a"));
        ro.add_request(11, req("b"));
        ro.add_request(11, req("b"));
        ro.add_request(12, req("c"));
        assert_eq!(ro.pending_read_count(), 3);
        assert_eq!(ro.last_pending_request_ctx(), b"c");
        assert_eq!(ro.recv_ack(2, b"b").map(|a| a.len()), Some(1));
        assert!(ro.recv_ack(2, b"zz").is_none());
        let rss = ro.advance(b"b");
        assert_eq!(rss.iter().map(|r| r.index).collect::<Vec<_>>(), vec![10, 11]);
        assert_eq!(ro.pending_read_count(), 1);
        assert!(ro.advance(b"zz").is_empty());
    }
}
