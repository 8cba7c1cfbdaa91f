//! The member's side of leases (etcd's `lessor` wiring in `etcdserver`):
//! only the leader's lessor is primary and tracks expiry; when a lease runs
//! out the leader proposes its revoke, so every member revokes it at the
//! same point of the log. Keep-alives are answered by the leader (a
//! follower forwards them through the log); a new leader restarts every
//! lease's clock, extended by an election timeout.

use crate::apply::{Forwarded, Op};
use crate::error::{Error, Result};
use crate::events::MemberEventKind;
use crate::member::{KeepAlive, Member, WaitKind};
use crate::response::{Reply, ReplyBody, Response, StreamItem};

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
    }

    /// Opens a keep-alive stream and renews at once.
    pub(crate) fn keepalive_open(&mut self, client: u64, lease: i64) {
        self.keepalives.insert(client, KeepAlive { lease, next_tick: self.ticks, in_flight: false });
        self.keepalive_send(client);
    }

    /// One renewal: local on the leader, forwarded through the log otherwise.
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
            self.propose(
                Some((client, WaitKind::KeepAlive)),
                Op::Forward(Forwarded::LeaseRenew { id: lease }),
                None,
            );
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
        Ok(Response::LeaseKeepAlive(self.state.store.lease_renew(id, now)?))
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
