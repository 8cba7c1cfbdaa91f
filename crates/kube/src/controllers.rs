//! The watch-driven control plane: informers over pods, nodes,
//! deployments and replica sets, and the controllers that react to them.
//! Every step is an etcd write through the simulated cluster's client path,
//! sent without blocking and guarded by the key's mod_revision:
//!
//! ```text
//!   kubectl apply deployment ─► /registry/deployments/default/web
//!     deployment controller ─► /registry/replicasets/default/web-6b8d9f7c5d
//!     replicaset controller ─► /registry/pods/default/web-6b8d9f7c5d-x2x8k   (Pending)
//!     scheduler             ─► spec.nodeName = node-1
//!     kubelet node-1        ─► ContainerCreating ─(image pull)─► Running
//!     every controller      ─► /registry/events/default/<obj>.<id>   (with a 1 h lease)
//! ```
//!
//! With quorum lost every write times out (5 s) and is retried later, so
//! nothing moves; once the cluster heals, the next steps converge.
//! `step` never advances virtual time; `run_for` interleaves time and steps.

pub mod compactor;
pub mod deployment;
pub mod endpoints;
pub mod events;
pub mod heartbeats;
pub mod informer;
pub mod kubelet;
pub mod replicaset;
pub mod scheduler;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use server::{Request, Response};
use sim::Sim;
use slim::VecMap;

use crate::apiserver::ApiServer;
use crate::kinds::Kind;
use crate::{Kube, client, keys, store};
use informer::Informer;

/// How often `run_for` lets the controllers look (virtual ms).
pub const STEP_MS: u64 = 100;

/// The kinds the controllers watch.
pub const WATCHED: [&str; 6] = ["Pod", "Node", "Deployment", "ReplicaSet", "Service", "Endpoints"];

/// A write in flight and what it changes in the caches when it succeeds.
#[derive(Clone, Debug)]
struct Pending {
    kind: &'static str,
    key: String,
    /// The stored bytes (None: a delete).
    raw: Option<Vec<u8>>,
    /// The object this write works for (a replica set creating pods).
    owner: Option<String>,
    /// Events to write once this write has succeeded.
    events: Vec<Value>,
}

/// The writes in flight by request ID, in ID order. A sorted list rather
/// than a `BTreeMap<u64, Pending>`: a few entries at a time, and a map of
/// its own type would put another copy of the B-tree code into the wasm.
#[derive(Clone, Debug, Default)]
struct InFlight(Vec<(u64, Pending)>);

impl InFlight {
    fn values(&self) -> impl Iterator<Item = &Pending> {
        self.0.iter().map(|(_, p)| p)
    }

    fn get_mut(&mut self, id: &u64) -> Option<&mut Pending> {
        let at = self.0.binary_search_by_key(id, |(i, _)| *i).ok()?;
        Some(&mut self.0[at].1)
    }

    fn insert(&mut self, id: u64, p: Pending) {
        match self.0.binary_search_by_key(&id, |(i, _)| *i) {
            Ok(at) => self.0[at].1 = p,
            Err(at) => self.0.insert(at, (id, p)),
        }
    }

    fn remove(&mut self, id: &u64) -> Option<Pending> {
        let at = self.0.binary_search_by_key(id, |(i, _)| *i).ok()?;
        Some(self.0.remove(at).1)
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn ids(&self) -> Vec<u64> {
        self.0.iter().map(|(i, _)| *i).collect()
    }
}

/// The controllers' state (their caches, writes in flight, kubelets' timers).
#[derive(Clone, Debug)]
pub struct Controllers {
    informers: VecMap<&'static str, Informer>,
    pending: InFlight,
    /// The worker nodes, each with a kubelet.
    pub nodes: Vec<String>,
    /// Pod key -> when its containers are up (the kubelet's image pull).
    pub(crate) ready_at_ms: BTreeMap<String, u64>,
    /// Pod key -> when its kubelet has stopped it and removes the key.
    pub(crate) gone_at_ms: BTreeMap<String, u64>,
    pub(crate) events: events::EventSink,
    /// Keys renewed on a schedule (leases, the master lease).
    pub heartbeats: Vec<heartbeats::Heartbeat>,
    /// The apiserver's compactor (started with the kubeadm cluster).
    pub compactor: compactor::Compactor,
    /// The write sent last: events recorded next belong to it.
    last: Option<u64>,
    /// The caches' change count when the controllers last looked.
    seen_changes: u64,
    enabled: bool,
}

impl Controllers {
    /// Controllers with kubelets on `nodes`.
    pub fn new(nodes: Vec<String>) -> Controllers {
        Controllers {
            informers: VecMap::new(),
            pending: InFlight::default(),
            nodes,
            ready_at_ms: BTreeMap::new(),
            gone_at_ms: BTreeMap::new(),
            events: events::EventSink::default(),
            heartbeats: Vec::new(),
            compactor: compactor::Compactor::default(),
            last: None,
            seen_changes: u64::MAX,
            enabled: true,
        }
    }

    /// Objects of `kind` in the cache: key -> (object, mod_revision).
    pub fn cache(&self, kind: &str) -> Option<&BTreeMap<String, (Value, i64)>> {
        self.informers.get(kind).map(|i| &i.objects)
    }

    fn objects(&self, kind: &str) -> Vec<(String, Value, i64)> {
        self.informers
            .get(kind)
            .map(|i| i.objects.iter().map(|(k, (v, r))| (k.clone(), v.clone(), *r)).collect())
            .unwrap_or_default()
    }

    fn synced(&self) -> bool {
        WATCHED.iter().all(|k| self.informers.get(k).is_some_and(|i| i.synced))
    }

    /// Whether a write to `key` is in flight.
    pub(crate) fn busy(&self, key: &str) -> bool {
        self.pending.values().any(|p| p.key == key)
    }

    /// Whether a write on behalf of `owner` is in flight.
    pub(crate) fn owner_busy(&self, owner: &str) -> bool {
        self.pending.values().any(|p| p.owner.as_deref() == Some(owner))
    }

    /// Attaches `event` to the write sent last (written once it succeeds).
    pub(crate) fn attach(&mut self, event: Value) {
        if let Some(p) = self.last.and_then(|id| self.pending.get_mut(&id)) {
            p.events.push(event);
        }
    }

    /// Number of writes in flight.
    pub fn in_flight(&self) -> usize {
        self.pending.len()
    }

    fn kind(api: &ApiServer, name: &str) -> Option<Kind> {
        api.catalog.by_kind(name).cloned()
    }

    /// Sends the creation of `obj` (kind `kind`); `owner` marks who asked.
    pub(crate) fn create(&mut self, api: &mut ApiServer, sim: &mut Sim, obj: Value, owner: Option<String>) {
        let Ok(m) = api.manifest(obj) else { return };
        let Ok((key, obj)) = api.prepare_create(&m, sim.now_ms()) else { return };
        let raw = api.codec.encode(&m.kind, &obj);
        let id = client::submit(sim, Request::Txn(store::create_txn(&key, raw.clone(), 0)));
        let kind = WATCHED.iter().find(|k| **k == m.kind.kind).copied().unwrap_or("");
        self.pending.insert(id, Pending { kind, key, raw: Some(raw), owner, events: Vec::new() });
        self.last = Some(id);
    }

    /// Sends the update of the object cached as `(key, old, rev)` to `new`.
    pub(crate) fn update(
        &mut self,
        api: &mut ApiServer,
        sim: &mut Sim,
        kind: &'static str,
        (key, old, rev): (&str, &Value, i64),
        new: Value,
    ) {
        let Some(k) = Self::kind(api, kind) else { return };
        let Ok(obj) = api.prepare_update(&k, old, new) else { return };
        let raw = api.codec.encode(&k, &obj);
        let id = client::submit(sim, Request::Txn(store::update_txn(key, raw.clone(), rev)));
        self.pending.insert(
            id,
            Pending { kind, key: key.to_string(), raw: Some(raw), owner: None, events: Vec::new() },
        );
        self.last = Some(id);
    }

    /// Deletes a pod as the API does for a controller: a pod bound to a
    /// node becomes Terminating (its kubelet removes it), an unbound one
    /// goes at once.
    pub(crate) fn terminate(
        &mut self,
        api: &mut ApiServer,
        sim: &mut Sim,
        (key, pod, rev): (&str, &Value, i64),
        owner: Option<String>,
    ) {
        let bound = pod.pointer("/spec/nodeName").and_then(Value::as_str).is_some_and(|n| !n.is_empty());
        if !bound {
            self.delete(sim, "Pod", key, rev, owner);
            return;
        }
        let mut new = pod.clone();
        crate::apiserver::mark_deleting(&mut new, sim.now_ms(), 30);
        self.update(api, sim, "Pod", (key, pod, rev), new);
        if let Some(p) = self.last.and_then(|id| self.pending.get_mut(&id)) {
            p.owner = owner;
        }
    }

    /// Sends the deletion of `key` if it is still at `rev`.
    pub(crate) fn delete(
        &mut self,
        sim: &mut Sim,
        kind: &'static str,
        key: &str,
        rev: i64,
        owner: Option<String>,
    ) {
        let id = client::submit(sim, Request::Txn(store::delete_txn(key, rev)));
        self.pending.insert(id, Pending { kind, key: key.to_string(), raw: None, owner, events: Vec::new() });
        self.last = Some(id);
    }

    /// Collects finished writes; successful ones update the caches at once.
    /// Whether any write finished.
    fn collect(&mut self, api: &ApiServer, sim: &Sim) -> bool {
        let ids = self.pending.ids();
        let before = self.pending.len();
        for id in ids {
            let done = match sim.request_state(id) {
                None => true,
                Some(c) => c.is_done(),
            };
            if !done {
                continue;
            }
            let Some(p) = self.pending.remove(&id) else { continue };
            let Some(Ok(Response::Txn(r))) = client::poll(sim, id) else { continue };
            if !r.succeeded {
                continue;
            }
            self.events.extend(p.events);
            let Some(inf) = self.informers.get_mut(p.kind) else { continue };
            match p.raw {
                Some(raw) => {
                    if let Ok(obj) = api.codec.decode(&raw, r.header.revision) {
                        inf.observe(p.key, Some((obj, r.header.revision)));
                    }
                }
                None => inf.observe_delete(&p.key, r.header.revision),
            }
        }
        self.pending.len() != before
    }

    /// Whether the controllers have anything to look at: a cache moved, a
    /// write finished, or a kubelet's timer (image pull, stop) is due.
    fn has_work(&mut self, finished: bool, now_ms: u64) -> bool {
        let changes: u64 = self.informers.values().map(|i| i.changes).sum();
        let due = self.ready_at_ms.values().chain(self.gone_at_ms.values()).any(|&t| t <= now_ms);
        let work = finished || due || changes != self.seen_changes;
        self.seen_changes = changes;
        work
    }

    /// One round: informers, finished writes, then every controller.
    pub fn step(&mut self, api: &mut ApiServer, sim: &mut Sim) {
        if !self.enabled {
            return;
        }
        for kind in WATCHED {
            if !self.informers.contains_key(kind) {
                let Some(k) = Self::kind(api, kind) else { continue };
                self.informers.insert(kind, Informer::new(keys::prefix(&k, None)));
            }
            if let Some(inf) = self.informers.get_mut(kind) {
                inf.step(sim, &api.codec);
            }
        }
        let finished = self.collect(api, sim);
        heartbeats::step(&mut self.heartbeats, api, sim);
        self.compactor.step(sim);
        if !self.synced() {
            return;
        }
        if !self.has_work(finished, sim.now_ms()) {
            events::flush(self, api, sim);
            return;
        }
        kubelet::register(self, api, sim);
        deployment::reconcile(self, api, sim);
        replicaset::reconcile(self, api, sim);
        scheduler::schedule(self, api, sim);
        kubelet::run(self, api, sim);
        replicaset::collect_garbage(self, api, sim);
        endpoints::reconcile(self, api, sim);
        self.last = None;
        events::flush(self, api, sim);
    }
}

/// `metadata.uid`.
pub(crate) fn uid(v: &Value) -> &str {
    v.pointer("/metadata/uid").and_then(Value::as_str).unwrap_or("")
}

/// The uid of `v`'s controlling owner.
pub(crate) fn owner_uid(v: &Value) -> Option<&str> {
    v.pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)?
        .iter()
        .find(|o| o.get("controller").and_then(Value::as_bool) == Some(true))
        .and_then(|o| o.get("uid"))
        .and_then(Value::as_str)
}

/// Uids of every cached object of `kind`.
pub(crate) fn uids(c: &Controllers, kind: &str) -> BTreeSet<String> {
    let mut uids = BTreeSet::new();
    uids.extend(c.objects(kind).iter().map(|(_, v, _)| uid(v).to_string()));
    uids
}

impl Kube {
    /// Lets the controllers look once at what the cluster holds and send
    /// the writes that follow; call it as virtual time passes.
    pub fn step(&mut self, sim: &mut Sim) {
        self.controllers.step(&mut self.api, sim);
    }

    /// Runs virtual time for `ms`, stepping the controllers every
    /// [`STEP_MS`].
    pub fn run_for(&mut self, sim: &mut Sim, ms: u64) {
        // The simulator's clock stops at its last event, so count our own
        // target time rather than waiting for the clock to reach `end`.
        let mut t = sim.now_ms();
        let end = t + ms;
        while t < end {
            t = (t + STEP_MS).min(end);
            sim.run_until(t, |_| false);
            self.step(sim);
        }
    }

    /// Turns the controllers on or off (off: `step` does nothing).
    pub fn set_controllers(&mut self, on: bool) {
        self.controllers.enabled = on;
    }
}

/// Sets `path` in `v` to `val`, turning anything in the way into an
/// object (never panics, unlike indexing a non-object).
pub(crate) fn set(v: &mut Value, path: &[&str], val: Value) {
    let Some((last, parents)) = path.split_last() else {
        *v = val;
        return;
    };
    let mut cur = v;
    for p in parents {
        if !cur.is_object() {
            *cur = Value::Object(Default::default());
        }
        let Some(m) = cur.as_object_mut() else { return };
        cur = m.entry(p.to_string()).or_insert(Value::Null);
    }
    if !cur.is_object() {
        *cur = Value::Object(Default::default());
    }
    if let Some(m) = cur.as_object_mut() {
        m.insert(last.to_string(), val);
    }
}
