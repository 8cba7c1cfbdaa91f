//! The writes a quiet cluster makes on its own, on their real schedules:
//! each kubelet renews its node Lease every 10 s, the leaders of
//! kube-controller-manager and kube-scheduler renew theirs every 2 s
//! (client-go's retry period), the apiserver renews its identity Lease
//! every 10 s and its `/registry/masterleases/<ip>` key, under a fresh
//! 15 s etcd lease, every 10 s. This is the traffic `etcdctl watch
//! /registry --prefix` shows on an idle kubeadm node.
//!
//! ```text
//!   t=10s  txn if mod(/registry/leases/kube-node-lease/controlplane) == 412 then put(renewTime=...10s)
//!   t=2s   txn if mod(/registry/leases/kube-system/kube-scheduler) == 398 then put(renewTime=...2s)
//!   t=10s  lease grant 15 ─► txn put(/registry/masterleases/172.18.0.10, lease=...)
//!   conflict (someone wrote the key): adopt what etcd holds, renew on the next beat
//!   key deleted: create it again, as the kubelet and the leader do
//! ```
//!
//! One write per heartbeat is in flight at most, so a cluster without
//! quorum does not pile up requests; renewals resume when it heals.

use serde_json::{Value, json};
use server::{Request, Response};
use sim::Sim;

use crate::apiserver::ApiServer;
use crate::{client, meta, store};

/// How often a kubelet renews its node Lease (a quarter of its 40 s).
pub const NODE_LEASE_RENEW_MS: u64 = 10_000;
/// client-go's leader-election retry period: how often a leader renews.
pub const LEADER_RENEW_MS: u64 = 2_000;
/// How often the apiserver renews its identity Lease and master lease.
pub const APISERVER_RENEW_MS: u64 = 10_000;
/// The TTL of the master lease's etcd lease.
pub const MASTER_LEASE_TTL_SECONDS: i64 = 15;

#[derive(Clone, Debug, PartialEq, Eq)]
enum State {
    Idle,
    Granting(u64),
    Writing(u64),
}

/// One key renewed on a schedule.
#[derive(Clone, Debug)]
pub struct Heartbeat {
    /// The key.
    pub key: String,
    /// `Lease` (renewTime is stamped) or `""` for the master lease.
    kind: &'static str,
    every_ms: u64,
    next_ms: u64,
    /// The object as last written or read.
    object: Value,
    /// Its mod_revision (0: the key is not there).
    rev: i64,
    /// A fresh etcd lease of this TTL for each write (0: none).
    lease_ttl_seconds: i64,
    lease: i64,
    state: State,
}

impl Heartbeat {
    /// A Lease object at `key`, stored at `rev`, renewed every `every_ms`
    /// from `now_ms` on.
    pub fn lease(key: String, object: Value, rev: i64, every_ms: u64, now_ms: u64) -> Heartbeat {
        Heartbeat {
            key,
            kind: "Lease",
            every_ms,
            next_ms: now_ms + every_ms,
            object,
            rev,
            lease_ttl_seconds: 0,
            lease: 0,
            state: State::Idle,
        }
    }

    /// The master lease: `object` at `key`, stored at `rev` under etcd
    /// lease `lease`, written again under a new lease every 10 s.
    pub fn master(key: String, object: Value, rev: i64, lease: i64, now_ms: u64) -> Heartbeat {
        Heartbeat {
            key,
            kind: "",
            every_ms: APISERVER_RENEW_MS,
            next_ms: now_ms + APISERVER_RENEW_MS,
            object,
            rev,
            lease_ttl_seconds: MASTER_LEASE_TTL_SECONDS,
            lease,
            state: State::Idle,
        }
    }

    /// The etcd lease the key is attached to (0: none).
    pub fn etcd_lease(&self) -> i64 {
        self.lease
    }

    fn encode(&self, api: &mut ApiServer) -> Vec<u8> {
        match api.catalog.by_kind(self.kind).cloned() {
            Some(k) => api.codec.encode(&k, &self.object),
            None => crate::json::to_storage(&self.object),
        }
    }

    fn send_write(&mut self, api: &mut ApiServer, sim: &mut Sim) {
        let txn = store::put_txn(&self.key, self.encode(api), self.rev, self.lease);
        self.state = State::Writing(client::submit(sim, Request::Txn(txn)));
    }

    /// Moves this heartbeat along: sends the renewal when due, reads its answer.
    fn step(&mut self, api: &mut ApiServer, sim: &mut Sim) {
        let now = sim.now_ms();
        match self.state.clone() {
            State::Idle => {
                if now < self.next_ms {
                    return;
                }
                if self.kind == "Lease" {
                    crate::controllers::set(
                        &mut self.object,
                        &["spec", "renewTime"],
                        json!(meta::micro_timestamp(now)),
                    );
                }
                if self.lease_ttl_seconds > 0 {
                    let grant = Request::LeaseGrant { ttl_seconds: self.lease_ttl_seconds, id: 0 };
                    self.state = State::Granting(client::submit(sim, grant));
                } else {
                    self.send_write(api, sim);
                }
            }
            State::Granting(id) => match finished(sim, id) {
                None => {}
                Some(Some(Response::LeaseGrant(r))) if r.error.is_empty() => {
                    self.lease = r.id;
                    self.send_write(api, sim);
                }
                Some(_) => self.retry_later(now),
            },
            State::Writing(request) => match finished(sim, request) {
                None => {}
                Some(Some(Response::Txn(r))) => {
                    if r.succeeded {
                        self.rev = r.header.revision;
                    } else {
                        self.adopt(api, r.responses.first());
                    }
                    self.state = State::Idle;
                    // On the beat's own schedule (a slow answer does not
                    // shift the next one); at once after a conflict.
                    self.next_ms = if r.succeeded { (self.next_ms + self.every_ms).max(now) } else { now };
                }
                Some(_) => self.retry_later(now),
            },
        }
    }

    /// What etcd holds instead of what we expected: the key moved (take
    /// the newer object) or is gone (create it again).
    fn adopt(&mut self, api: &ApiServer, current: Option<&mvcc::ResponseOp>) {
        let kv = match current {
            Some(mvcc::ResponseOp::Range(rr)) => rr.kvs.first(),
            _ => None,
        };
        match kv {
            None => self.rev = 0,
            Some(kv) => {
                self.rev = kv.mod_revision;
                if let Ok(obj) = api.codec.decode(&kv.value, kv.mod_revision) {
                    self.object = obj;
                }
            }
        }
    }

    fn retry_later(&mut self, now: u64) {
        self.state = State::Idle;
        self.next_ms = now + self.every_ms.min(1_000);
    }
}

/// `None` while request `id` is unanswered; `Some(None)` when it failed or
/// was forgotten; `Some(Some(response))` once answered.
fn finished(sim: &Sim, id: u64) -> Option<Option<Response>> {
    match sim.request_state(id) {
        None => Some(None),
        Some(c) if !c.is_done() => None,
        Some(_) => Some(client::poll(sim, id).and_then(|r| r.ok())),
    }
}

/// Steps every heartbeat.
pub fn step(beats: &mut [Heartbeat], api: &mut ApiServer, sim: &mut Sim) {
    for b in beats {
        b.step(api, sim);
    }
}
