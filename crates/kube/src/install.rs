//! Writing a fresh kubeadm cluster ([`crate::kubeadm::cluster`]) into etcd
//! in one go: every object is stamped as the apiserver stamps it (uid,
//! creationTimestamp, owners' uids filled in), then all the creates are
//! sent at once, so the leader proposes them back to back and raft carries
//! them in a few rounds instead of one round trip each. Each object still
//! gets its own revision, as on a real cluster.
//!
//! ```text
//!   round 1   lease grant 3660 s (events), lease grant 15 s (master lease)
//!   round 2   ~370 × txn if mod_revision(key) == 0 then put(key, object [, lease])
//!             run until every answer is in (a few ms of virtual time)
//!   then      heartbeats start from the revisions the puts got
//! ```
//!
//! A create that finds its key taken (a restored data dir, a second call)
//! leaves the key as it is; a create that times out (no quorum) makes the
//! whole call fail, and the next call sends the missing ones again.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use server::{Request, Response};
use sim::Sim;

use crate::controllers::heartbeats::{self, Heartbeat};
use crate::error::{ApiError, Result};
use crate::kubeadm;
use crate::meta::{self, Rng};
use crate::{Kube, apiserver, client, store};

/// The events' lease: kube-apiserver's `--event-ttl` (1 h) plus the minute
/// its lease manager reuses one lease for.
const EVENT_LEASE_SECONDS: i64 = 3_660;

/// Salt of the generator kubeadm's objects draw from, so they leave the
/// apiserver's own generator (names of what users create) as it was.
const KUBEADM_SALT: u64 = 0x6b75_6265_6164_6d21;

/// How long the batch may take before the call gives up (virtual ms).
const BATCH_TIMEOUT_MS: u64 = 10_000;

/// One write of the batch.
struct Write {
    key: String,
    kind: String,
    object: Value,
    raw: Vec<u8>,
    lease: i64,
}

/// Fills in the uids of owners and involved objects from the stamped
/// objects, by (kind, namespace, name).
fn link(writes: &mut [Write]) {
    let mut uids: BTreeMap<(String, String, String), String> = BTreeMap::new();
    for w in writes.iter() {
        let id = (w.kind.clone(), meta::namespace(&w.object).to_string(), meta::name(&w.object).to_string());
        if let Some(u) = w.object.pointer("/metadata/uid").and_then(Value::as_str) {
            uids.insert(id, u.to_string());
        }
    }
    // A reference names its object by kind, name and (when it has none of
    // its own) the referring object's namespace; cluster-scoped owners have none.
    let fill = |r: &mut Value, default_ns: &str| {
        let field = |f: &str| r[f].as_str().unwrap_or("").to_string();
        let ns = r.get("namespace").and_then(Value::as_str).map_or(default_ns.to_string(), str::to_string);
        let (kind, name) = (field("kind"), field("name"));
        let found =
            uids.get(&(kind.clone(), ns, name.clone())).or_else(|| uids.get(&(kind, String::new(), name)));
        if let Some(u) = found {
            r["uid"] = json!(u);
        }
    };
    for w in writes.iter_mut() {
        let ns = meta::namespace(&w.object).to_string();
        if let Some(refs) = w.object.pointer_mut("/metadata/ownerReferences").and_then(Value::as_array_mut) {
            refs.iter_mut().for_each(|r| fill(r, &ns));
        }
        for list in ["/subsets/0/addresses", "/endpoints"] {
            let Some(a) = w.object.pointer_mut(list).and_then(Value::as_array_mut) else { continue };
            a.iter_mut().filter_map(|e| e.get_mut("targetRef")).for_each(|r| fill(r, ""));
        }
        if let Some(io) = w.object.get_mut("involvedObject") {
            fill(io, "");
        }
    }
}

/// Sends `requests` at once and runs the simulation until all are answered
/// (or [`BATCH_TIMEOUT_MS`] passed); their responses in order.
fn batch(sim: &mut Sim, requests: Vec<Request>) -> Result<Vec<Response>> {
    let target = sim.resolved_count() + requests.len() as u64;
    let ids: Vec<u64> = requests.into_iter().map(|r| client::submit(sim, r)).collect();
    let until = sim.now_ms() + BATCH_TIMEOUT_MS;
    sim.run_until(until, |s| s.resolved_count() >= target && ids.iter().all(|id| s.result(*id).is_some()));
    ids.iter()
        .map(|id| match client::poll(sim, *id) {
            Some(r) => r,
            None => Err(ApiError::timeout()),
        })
        .collect()
}

fn granted(r: &Response) -> Result<i64> {
    match r {
        Response::LeaseGrant(g) if g.error.is_empty() => Ok(g.id),
        other => Err(ApiError::internal(format!("lease grant failed: {other:?}"))),
    }
}

impl Kube {
    /// Writes what a fresh kubeadm cluster holds ([`kubeadm::cluster`]) in
    /// one batch and starts its heartbeats; does nothing once done. The
    /// playground calls it when it opens (and `kubectl` before its first
    /// request on a bare etcd).
    pub fn kubeadm_init(&mut self, sim: &mut Sim) -> Result<()> {
        if self.kubeadm {
            return Ok(());
        }
        let now = sim.now_ms();
        let mut rng = Rng::new(self.seed ^ KUBEADM_SALT);
        let etcd = if self.external_etcd {
            kubeadm::manifests::EtcdMember::external(sim)
        } else {
            kubeadm::manifests::EtcdMember::of(sim)
        };
        let cluster = kubeadm::cluster(&self.controllers.nodes, &etcd, now, &mut rng);
        let leases = batch(
            sim,
            vec![
                Request::LeaseGrant { ttl_seconds: EVENT_LEASE_SECONDS, id: 0 },
                Request::LeaseGrant { ttl_seconds: heartbeats::MASTER_LEASE_TTL_SECONDS, id: 0 },
            ],
        )?;
        let (event_lease, master_lease) = (granted(&leases[0])?, granted(&leases[1])?);

        let mut writes = Vec::new();
        for obj in cluster.objects {
            let m = self.api.manifest(obj)?;
            let (key, object) = apiserver::stamp(&m, now, &mut rng);
            writes.push(Write { key, kind: m.kind.kind.clone(), object, raw: Vec::new(), lease: 0 });
        }
        for (i, mut ev) in cluster.events.into_iter().enumerate() {
            // As the apiserver's recorder names them: the object, then the
            // hex of the time in ns, so an object's events sort by time.
            let nanos = (meta::EPOCH_SECONDS as u64) * 1_000_000_000 + now * 1_000_000 + i as u64;
            ev["metadata"]["name"] = json!(format!("{}.{nanos:x}", meta::name(&ev)));
            let m = self.api.manifest(ev)?;
            let (key, object) = apiserver::stamp(&m, now, &mut rng);
            writes.push(Write { key, kind: "Event".into(), object, raw: Vec::new(), lease: event_lease });
        }
        link(&mut writes);
        for w in &mut writes {
            let kind = self.api.catalog.by_kind(&w.kind).cloned();
            w.raw = match kind {
                Some(k) => self.api.codec.encode(&k, &w.object),
                None => crate::json::to_storage(&w.object),
            };
        }
        for (key, object) in cluster.raw {
            let raw = crate::json::to_storage(&object);
            writes.push(Write { key, kind: String::new(), object, raw, lease: 0 });
        }
        let (mkey, mobj) = kubeadm::system::master_lease();
        let mraw = crate::json::to_storage(&mobj);
        writes.push(Write { key: mkey, kind: String::new(), object: mobj, raw: mraw, lease: master_lease });

        let requests =
            writes.iter().map(|w| Request::Txn(store::create_txn(&w.key, w.raw.clone(), w.lease))).collect();
        let answers = batch(sim, requests)?;
        let mut beats = Vec::new();
        for (w, a) in writes.into_iter().zip(answers) {
            let Response::Txn(r) = a else { return Err(ApiError::internal(format!("unexpected {a:?}"))) };
            // Taken keys (AlreadyExists) stay as they are; their beats
            // adopt what etcd holds on their first renewal.
            let rev = if r.succeeded { r.header.revision } else { -1 };
            if let Some(beat) = heartbeat(&w, rev, master_lease, now) {
                beats.push(beat);
            }
        }
        self.controllers.heartbeats = beats;
        self.controllers.compactor.start(now);
        self.controllers.events.use_lease(event_lease, now);
        self.kubeadm = true;
        Ok(())
    }
}

/// The heartbeat that keeps `w` fresh, if it is one of the renewed keys.
fn heartbeat(w: &Write, rev: i64, master_lease: i64, now: u64) -> Option<Heartbeat> {
    let ns = meta::namespace(&w.object);
    let name = meta::name(&w.object);
    if w.key.starts_with("/registry/masterleases/") {
        return Some(Heartbeat::master(w.key.clone(), w.object.clone(), rev, master_lease, now));
    }
    if w.kind != "Lease" {
        return None;
    }
    let every = match (ns, name) {
        ("kube-node-lease", _) => heartbeats::NODE_LEASE_RENEW_MS,
        ("kube-system", "kube-controller-manager" | "kube-scheduler") => heartbeats::LEADER_RENEW_MS,
        ("kube-system", n) if n.starts_with("apiserver-") => heartbeats::APISERVER_RENEW_MS,
        _ => return None,
    };
    Some(Heartbeat::lease(w.key.clone(), w.object.clone(), rev, every, now))
}
