//! Lease checkpoints (etcd 3.5's `--experimental-enable-lease-checkpoint`,
//! off by default): without them a new leader restarts every lease from
//! its full TTL, so a lease kept alive by nobody lives longer with every
//! leader change. With them, the leader proposes each long lease's
//! remaining TTL every checkpoint interval (etcd: 5 minutes); every member
//! applies it (`Lessor::checkpoint`), a snapshot keeps it, and the next
//! leader restarts the lease from there (`Lessor::promote`).
//!
//! ```text
//! lease ttl 600 s, interval 300 s, granted at 0 s on leader etcd-1
//!   300 s  etcd-1 proposes LeaseCheckpoint {lease, 300}   (every member)
//!   420 s  etcd-1 dies; etcd-2 leads at 421 s
//!          checkpoints on:  expires at 421 + 1 (election) + 300 = 722 s
//!          off (default):   expires at 421 + 1 + 600 = 1022 s
//! ```
//!
//! As in etcd's lessor: a lease is scheduled (an interval from now) when it
//! is granted or checkpointed on the leader and for every lease when a
//! member becomes leader, only if it has more than an interval to go; due
//! checkpoints go out in batches of 1,000, skipping leases already expired
//! or still at their full TTL; a renewal of a checkpointed lease proposes
//! a checkpoint of 0, which clears it everywhere.

use crate::apply::Op;
use crate::member::Member;
use crate::response::Response;

/// etcd's `maxLeaseCheckpointBatchSize`.
const MAX_BATCH: usize = 1000;

impl Member {
    /// etcd's `scheduleCheckpointIfNeeded`, on the leader.
    pub(crate) fn schedule_checkpoint(&mut self, id: i64) {
        if !self.cfg.lease_checkpoint || !self.is_leader() {
            return;
        }
        let interval = self.cfg.lease_checkpoint_interval_ms;
        let Some(l) = self.state.store.lessor().lookup(id) else { return };
        let left_ms = u64::try_from(l.checkpointed_ttl_seconds()).unwrap_or(0).saturating_mul(1000);
        if left_ms > interval {
            self.checkpoint_due.insert((self.now_ms().saturating_add(interval.max(1)), id));
        }
    }

    /// On becoming leader (after `Lessor::promote`): every lease.
    pub(crate) fn schedule_all_checkpoints(&mut self) {
        self.checkpoint_due.clear();
        let ids: Vec<i64> = self.state.store.lessor().leases().iter().map(|l| l.id).collect();
        for id in ids {
            self.schedule_checkpoint(id);
        }
    }

    /// After applying `op` with result `r`: a lease granted or checkpointed
    /// on the leader is scheduled again.
    pub(crate) fn schedule_checkpoints_after(&mut self, op: &Op, r: &crate::Result<Response>) {
        if !self.cfg.lease_checkpoint || !self.is_leader() {
            return;
        }
        match (op, r) {
            (Op::LeaseGrant { .. }, Ok(Response::LeaseGrant(g))) => self.schedule_checkpoint(g.id),
            (Op::LeaseCheckpoint { checkpoints }, Ok(_)) => {
                for &(id, _) in checkpoints {
                    self.schedule_checkpoint(id);
                }
            }
            _ => {}
        }
    }

    /// etcd's `checkpointScheduledLeases`: proposes the remaining TTL
    /// (rounded up to seconds) of every lease whose checkpoint is due.
    pub(crate) fn tick_lease_checkpoints(&mut self) {
        if !self.cfg.lease_checkpoint || !self.is_leader() {
            return;
        }
        let now = self.now_ms();
        let mut due = Vec::new();
        while let Some(&(at, id)) = self.checkpoint_due.first()
            && at <= now
        {
            self.checkpoint_due.pop_first();
            let Some(l) = self.state.store.lessor().lookup(id) else { continue };
            let Some(expiry) = l.expiry_ms.filter(|&e| e > now) else { continue };
            let remaining = i64::try_from((expiry - now).div_ceil(1000)).unwrap_or(i64::MAX);
            if remaining >= l.ttl_seconds {
                continue;
            }
            due.push((id, remaining));
        }
        for batch in due.chunks(MAX_BATCH) {
            self.propose(None, Op::LeaseCheckpoint { checkpoints: batch.to_vec() }, None);
        }
    }

    /// Whether lease `id` carries a checkpointed remaining TTL (with
    /// checkpoints on).
    pub(crate) fn has_checkpoint(&self, id: i64) -> bool {
        self.cfg.lease_checkpoint
            && self.state.store.lessor().lookup(id).is_some_and(|l| l.remaining_ttl_seconds > 0)
    }

    /// After the leader renewed lease `id` (which clears its checkpoint
    /// here): clears it on every member too, as etcd's `Renew` does.
    pub(crate) fn clear_checkpoint(&mut self, id: i64, had_checkpoint: bool) {
        if had_checkpoint {
            self.propose(None, Op::LeaseCheckpoint { checkpoints: vec![(id, 0)] }, None);
        }
    }
}
