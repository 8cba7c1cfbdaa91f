//! Linearizable reads by ReadIndex (etcd's `linearizableReadLoop`): the
//! member asks raft for the leader's commit index, confirmed by a quorum of
//! heartbeats, waits until it has applied that index, then reads its own
//! store. Unanswered requests are retried every 500 ms; a new leader fails
//! them with `etcdserver: leader changed`; after the request timeout they
//! fail with `etcdserver: request timed out`.

use crate::auth::AuthInfo;
use crate::error::{Error, Result};
use crate::member::Member;
use crate::response::Response;

/// What a read does once its index is applied.
#[derive(Clone, Debug)]
pub(crate) enum ReadOp {
    Range(mvcc::RangeRequest),
    Txn(mvcc::TxnRequest),
}

/// A read waiting for its index.
#[derive(Clone, Debug)]
pub(crate) struct PendingRead {
    pub(crate) client: u64,
    pub(crate) ctx: u64,
    pub(crate) op: ReadOp,
    pub(crate) auth: Option<AuthInfo>,
    /// The confirmed read index, once raft answered.
    pub(crate) index: Option<u64>,
    pub(crate) deadline: u64,
    pub(crate) retry_at: u64,
}

/// How often an unanswered read index is asked again (etcd: 500 ms).
const RETRY_MS: u64 = 500;

impl Member {
    /// Starts a linearizable read.
    pub(crate) fn start_read(&mut self, client: u64, op: ReadOp, auth: Option<AuthInfo>) {
        // The context must be unique in the cluster: the leader keys
        // pending reads by it.
        let ctx = self.next_id();
        self.node.read_index(ctx.to_be_bytes().to_vec());
        let retry = self.cfg.ms_to_ticks(RETRY_MS);
        self.reads.push(PendingRead {
            client,
            ctx,
            op,
            auth,
            index: None,
            deadline: self.ticks + self.cfg.request_timeout_ticks(),
            retry_at: self.ticks + retry,
        });
    }

    /// A read state from raft: the read with that context may be served
    /// once `index` is applied.
    pub(crate) fn on_read_state(&mut self, rs: raft::ReadState) {
        let Ok(b) = <[u8; 8]>::try_from(rs.request_ctx.as_slice()) else { return };
        let ctx = u64::from_be_bytes(b);
        for r in &mut self.reads {
            if r.ctx == ctx && r.index.is_none() {
                r.index = Some(rs.index);
            }
        }
    }

    /// Serves every read whose index is applied.
    pub(crate) fn serve_reads(&mut self) {
        if self.reads.is_empty() {
            return;
        }
        let applied = self.applied;
        let (ready, rest): (Vec<PendingRead>, Vec<PendingRead>) =
            std::mem::take(&mut self.reads).into_iter().partition(|r| r.index.is_some_and(|i| i <= applied));
        self.reads = rest;
        for r in ready {
            let res = self.read_now(&r.op, r.auth.as_ref());
            self.reply(r.client, res);
        }
    }

    /// Reads the local store (after the auth check), as etcd's
    /// `doSerialize`.
    pub(crate) fn read_now(&mut self, op: &ReadOp, auth: Option<&AuthInfo>) -> Result<Response> {
        match op {
            ReadOp::Range(req) => {
                self.state.auth.check(auth, &req.key, &req.range_end, false)?;
                Ok(Response::Range(self.state.store.range(req)?))
            }
            ReadOp::Txn(t) => {
                crate::apply::check_txn(&self.state.auth, auth, t)?;
                Ok(Response::Txn(self.state.store.txn(t)?))
            }
        }
    }

    /// Retries unanswered reads and times out old ones.
    pub(crate) fn tick_reads(&mut self) {
        let now = self.ticks;
        let retry = self.cfg.ms_to_ticks(RETRY_MS);
        let mut timed_out = Vec::new();
        let mut again = Vec::new();
        self.reads.retain_mut(|r| {
            if r.deadline <= now {
                timed_out.push(r.client);
                return false;
            }
            if r.index.is_none() && r.retry_at <= now {
                r.retry_at = now + retry;
                again.push(r.ctx);
            }
            true
        });
        for ctx in again {
            self.node.read_index(ctx.to_be_bytes().to_vec());
        }
        for client in timed_out {
            self.reply(client, Err(Error::Timeout));
        }
    }

    /// A new leader: reads still waiting for an index fail, as etcd's
    /// `requestCurrentIndex` does on a leader change.
    pub(crate) fn fail_unanswered_reads(&mut self) {
        let (failed, rest): (Vec<PendingRead>, Vec<PendingRead>) =
            std::mem::take(&mut self.reads).into_iter().partition(|r| r.index.is_none());
        self.reads = rest;
        for r in failed {
            self.reply(r.client, Err(Error::LeaderChanged));
        }
    }
}
