//! Events: what the controllers tell about objects, written as
//! `/registry/events/<ns>/<object>.<id>` and attached to a lease, as
//! kube-apiserver does (`--event-ttl`, 1 h, one lease shared by the events
//! of a minute), so etcd deletes them itself when the lease expires.
//!
//! ```text
//!   lease grant 3600 s  ──► 694d7c1a2b3c4d5e
//!   txn if mod_revision(/registry/events/default/web-x2x8k.1812f...) == 0
//!       then put(..., lease=694d7c1a2b3c4d5e)
//! ```

use serde_json::{Value, json};
use server::{Request, Response};
use sim::Sim;

use super::Controllers;
use crate::apiserver::ApiServer;
use crate::{client, meta, store};

/// kube-apiserver's default `--event-ttl`.
pub const EVENT_TTL_SECONDS: i64 = 3_600;
/// How long one lease serves new events.
pub const LEASE_REUSE_MS: u64 = 60_000;
/// Events kept while etcd cannot take them.
const QUEUE_MAX: usize = 200;

/// Events waiting for a lease, and the lease in use.
#[derive(Clone, Debug, Default)]
pub struct EventSink {
    queue: Vec<Value>,
    lease: Option<(i64, u64)>,
    grant: Option<u64>,
    seq: u64,
}

impl EventSink {
    /// New events go under etcd lease `id`, granted at `now_ms`.
    pub fn use_lease(&mut self, id: i64, now_ms: u64) {
        self.lease = Some((id, now_ms));
    }

    /// Queues events whose writes succeeded.
    pub fn extend(&mut self, events: Vec<Value>) {
        for e in events {
            if self.queue.len() < QUEUE_MAX {
                self.queue.push(e);
            }
        }
    }
}

/// A Normal event about `obj` (of `kind`) from `component`.
fn event(obj: &Value, kind: &str, reason: &str, message: String, component: &str, now: u64) -> Value {
    let ts = meta::timestamp(now);
    let api_version = obj.get("apiVersion").cloned().unwrap_or(json!("v1"));
    json!({
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": meta::name(obj), "namespace": meta::namespace(obj)},
        "involvedObject": {
            "kind": kind,
            "namespace": meta::namespace(obj),
            "name": meta::name(obj),
            "uid": super::uid(obj),
            "apiVersion": api_version,
        },
        "reason": reason,
        "message": message,
        "source": {"component": component},
        "firstTimestamp": ts,
        "lastTimestamp": ts,
        "count": 1,
        "type": "Normal",
        "reportingComponent": component,
        "reportingInstance": "",
    })
}

/// Records a Normal event about `obj` (of `kind`) from `component`, to be
/// written once the write sent just before it has succeeded.
pub fn record(
    c: &mut Controllers,
    obj: &Value,
    kind: &str,
    reason: &str,
    message: String,
    component: &str,
    now: u64,
) {
    c.attach(event(obj, kind, reason, message, component, now));
}

/// Records an event that follows no write of its own (a kubelet stopping
/// a container).
pub fn record_now(
    c: &mut Controllers,
    obj: &Value,
    kind: &str,
    reason: &str,
    message: String,
    component: &str,
    now: u64,
) {
    c.events.extend(vec![event(obj, kind, reason, message, component, now)]);
}

/// Gets a lease when needed and sends the queued events.
pub fn flush(c: &mut Controllers, api: &mut ApiServer, sim: &mut Sim) {
    let now = sim.now_ms();
    if c.events.queue.is_empty() {
        return;
    }
    let fresh = c.events.lease.is_some_and(|(_, at)| now < at + LEASE_REUSE_MS);
    if !fresh {
        match c.events.grant {
            None => {
                let id = client::submit(sim, Request::LeaseGrant { ttl_seconds: EVENT_TTL_SECONDS, id: 0 });
                c.events.grant = Some(id);
                return;
            }
            Some(id) => match client::poll(sim, id) {
                None if sim.request_state(id).is_some() => return,
                Some(Ok(Response::LeaseGrant(r))) if r.error.is_empty() => {
                    c.events.lease = Some((r.id, now));
                    c.events.grant = None;
                }
                _ => {
                    c.events.grant = None;
                    return;
                }
            },
        }
    }
    let Some((lease, _)) = c.events.lease else { return };
    let Some(kind) = api.catalog.by_kind("Event").cloned() else { return };
    for mut ev in std::mem::take(&mut c.events.queue) {
        // As the apiserver's recorder: the hex of the time in ns, so an
        // object's events sort by time.
        c.events.seq += 1;
        let nanos =
            (meta::EPOCH_SECONDS as u64).saturating_mul(1_000_000_000) + now * 1_000_000 + c.events.seq;
        let suffix = format!("{nanos:x}");
        let name = format!("{}.{suffix}", meta::name(&ev));
        if let Some(md) = ev.get_mut("metadata").and_then(Value::as_object_mut) {
            md.insert("name".into(), json!(name));
        }
        let Ok(m) = api.manifest(ev) else { continue };
        let Ok((key, obj)) = api.prepare_create(&m, now) else { continue };
        let raw = api.codec.encode(&kind, &obj);
        client::submit(sim, Request::Txn(store::create_txn(&key, raw, lease)));
    }
}
