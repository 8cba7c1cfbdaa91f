//! The member's side of leases (etcd's `lessor` wiring in `etcdserver`):
//! only the leader's lessor is primary and tracks expiry; when a lease runs
//! out the leader proposes its revoke, so every member revokes it at the
//! same point of the log. Keep-alives and time-to-live questions are
//! answered by the leader; a follower forwards them (etcd sends an HTTP
//! request to the leader's peer URL; here they travel through the log)
//! and, like etcd's `LeaseRenew`/`LeaseTimeToLive`, sends them again to
//! each new leader until answered or timed out, or answers them itself
//! once it leads. A new leader restarts every lease's clock, extended by an
//! election timeout.
//!
//! ```text
//!   13100 ms  etcd-1 forwards a renewal to etcd-2 (leader, term 2)
//!   13156 ms  etcd-2 dies; the renewal is lost with it
//!   14610 ms  etcd-1 leads term 3: the renewal is answered on its lessor
//! ```

use crate::apply::{Forwarded, Op};
use crate::auth::AuthInfo;
use crate::error::{Error, Result};
use crate::events::MemberEventKind;
use crate::member::{KeepAlive, Member, WaitKind};
use crate::response::{Reply, ReplyBody, Response, StreamItem};

/// A lease request forwarded to the leader and not answered yet, keyed in
/// `Member::forwards` by the proposal ID its client waits on.
#[derive(Clone, Debug)]
pub(crate) struct Forward {
    /// The request.
    pub(crate) op: Forwarded,
    /// The leader and term it was sent to (leader 0: queued, no leader yet).
    pub(crate) via: (u64, u64),
}

impl Member {
    /// On the leader, proposes the revoke of every expired lease (once per
    /// request timeout, in case a proposal is lost).
    pub(crate) fn tick_leases(&mut self) {
        if self.is_leader() {
            let now = self.now_ms();
            let retry = self.cfg.request_timeout_ticks();
            for id in self.state.store.lessor().expired(now) {
                if self.revoking.get(&id).is_some_and(|&t| t + retry > self.ticks) {
                    continue;
                }
                self.revoking.insert(id, self.ticks);
                self.event(MemberEventKind::LeaseExpired { id });
                self.propose(None, Op::LeaseRevoke { id }, None);
            }
        }
        let due: Vec<u64> = self
            .keepalives
            .iter()
            .filter(|(_, k)| !k.in_flight && k.next_tick <= self.ticks)
            .map(|(&c, _)| c)
            .collect();
        for client in due {
            self.keepalive_send(client);
        }
        self.tick_forwards();
    }

    /// Forwards a lease request to the leader for `client`.
    pub(crate) fn forward_lease(
        &mut self,
        client: u64,
        kind: WaitKind,
        op: Forwarded,
        auth: Option<AuthInfo>,
    ) {
        let pid = self.propose(Some((client, kind)), Op::Forward(op.clone()), auth);
        if self.waiting.contains_key(&pid) {
            let via = (self.soft.lead, self.term);
            self.forwards.insert(pid, Forward { op, via });
        }
    }

    /// etcd's forwarding loop (`LeaseRenew`, `LeaseTimeToLive`): a request
    /// forwarded to a leader that has since been replaced (it may have died
    /// with the request) goes again to the new leader, keeping its
    /// deadline, or is answered here once this member leads.
    fn tick_forwards(&mut self) {
        self.forwards.retain(|pid, _| self.waiting.contains_key(pid));
        let lead = self.soft.lead;
        let now = (lead, self.term);
        if lead == 0 {
            return;
        }
        let stale: Vec<u64> = self.forwards.iter().filter(|(_, f)| f.via != now).map(|(&p, _)| p).collect();
        for pid in stale {
            let Some(f) = self.forwards.remove(&pid) else { continue };
            let Some(w) = self.waiting.get(&pid).cloned() else { continue };
            if f.via.0 == 0 {
                // Queued without a leader: flushed to this one, or soon.
                let via = if w.proposed { now } else { f.via };
                self.forwards.insert(pid, Forward { via, ..f });
                continue;
            }
            if self.is_leader() {
                let r = match f.op {
                    Forwarded::LeaseRenew { id } => self.lease_renew_local(id),
                    Forwarded::LeaseTimeToLive { id, keys } => self.lease_ttl_local(id, keys),
                    Forwarded::Promote { .. } => continue,
                };
                self.answer(pid, r);
                continue;
            }
            self.waiting.remove(&pid);
            let next = self.propose(Some((w.client, w.kind)), Op::Forward(f.op.clone()), None);
            if let Some(nw) = self.waiting.get_mut(&next) {
                nw.start = w.start;
                nw.deadline = w.deadline;
                self.forwards.insert(next, Forward { op: f.op, via: now });
            }
        }
    }

    /// Opens a keep-alive stream and renews at once.
    pub(crate) fn keepalive_open(&mut self, client: u64, lease: i64) {
        self.keepalives.insert(client, KeepAlive { lease, next_tick: self.ticks, in_flight: false });
        self.keepalive_send(client);
    }

    /// One renewal: local on the leader, forwarded to it otherwise.
    fn keepalive_send(&mut self, client: u64) {
        let Some(k) = self.keepalives.get(&client) else { return };
        let lease = k.lease;
        if self.is_leader() {
            let r = self.lease_renew_local(lease);
            self.keepalive_answer(client, r);
        } else if self.soft.lead != 0 {
            if let Some(k) = self.keepalives.get_mut(&client) {
                k.in_flight = true;
            }
            self.forward_lease(client, WaitKind::KeepAlive, Forwarded::LeaseRenew { id: lease }, None);
        } else if let Some(k) = self.keepalives.get_mut(&client) {
            // No leader: try again in a while.
            k.next_tick = self.ticks + self.cfg.ms_to_ticks(500);
        }
    }

    /// Delivers a renewal's result on the stream: the next renewal comes
    /// after a third of the TTL; a lease that is gone ends the stream with
    /// TTL 0.
    pub(crate) fn keepalive_answer(&mut self, client: u64, r: Result<Response>) {
        let r = self.fill(r);
        let ticks = self.ticks;
        let Some(k) = self.keepalives.get_mut(&client) else { return };
        k.in_flight = false;
        let lease = k.lease;
        match r {
            Ok(Response::LeaseKeepAlive(resp)) => {
                let every_ms = (resp.ttl.max(1) as u64 * 1000) / 3;
                k.next_tick = ticks + self.cfg.ms_to_ticks(every_ms.max(500));
                self.out
                    .replies
                    .push(Reply { id: client, body: ReplyBody::Stream(StreamItem::LeaseKeepAlive(resp)) });
            }
            Err(Error::Mvcc(mvcc::Error::LeaseNotFound)) | Ok(_) => {
                self.keepalives.remove(&client);
                let resp = mvcc::LeaseKeepAliveResponse { header: self.header(), id: lease, ttl: 0 };
                self.reply(client, Ok(Response::LeaseKeepAlive(resp)));
            }
            Err(e) => {
                self.keepalives.remove(&client);
                self.reply(client, Err(e));
            }
        }
    }

    /// Renews on this (leader's) lessor.
    pub(crate) fn lease_renew_local(&mut self, id: i64) -> Result<Response> {
        let now = self.now_ms();
        let checkpointed = self.has_checkpoint(id);
        let r = self.state.store.lease_renew(id, now)?;
        self.clear_checkpoint(id, checkpointed);
        Ok(Response::LeaseKeepAlive(r))
    }

    /// A lease's time to live on this (leader's) lessor; TTL -1 for a lease
    /// that does not exist, as etcd's lease server answers.
    pub(crate) fn lease_ttl_local(&self, id: i64, keys: bool) -> Result<Response> {
        match self.state.store.lease_time_to_live(id, keys, self.now_ms()) {
            Ok(r) => Ok(Response::LeaseTimeToLive(r)),
            Err(mvcc::Error::LeaseNotFound) => Ok(Response::LeaseTimeToLive(mvcc::LeaseTimeToLiveResponse {
                id,
                ttl: -1,
                ..Default::default()
            })),
            Err(e) => Err(e.into()),
        }
    }
}
