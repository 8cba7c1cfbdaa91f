//! `kubectl get KIND -w`: after the table, one row per change, as the
//! apiserver's watch (an etcd watch on the kind's prefix from the list's
//! revision + 1) delivers them. kubectl flushes every row on its own, so
//! each row is aligned by itself.
//!
//! ```text
//!   NAME                    READY   STATUS    RESTARTS   AGE
//!   web-5d4c7b8f9-abcde     0/1     Pending   0          0s
//!   web-5d4c7b8f9-abcde   0/1   ContainerCreating   0     1s
//! ```

use mvcc::{EventType, WatchCreateRequest};
use server::{Request, StreamItem};
use sim::Sim;

use super::CommandOutput;
use crate::kinds::Kind;
use crate::{Kube, client, keys, printers};

/// A running `get -w`.
#[derive(Clone, Debug, PartialEq)]
pub struct KubeWatch {
    kind: Kind,
    namespace: Option<String>,
    request: u64,
    next_revision: i64,
    wide: bool,
}

fn open(sim: &mut Sim, prefix: &str, from: i64) -> u64 {
    let req = WatchCreateRequest {
        key: prefix.as_bytes().to_vec(),
        range_end: keys::range_end(prefix),
        start_revision: from,
        prev_kv: true,
        ..Default::default()
    };
    client::submit(sim, Request::Watch(req))
}

impl KubeWatch {
    /// Starts watching `kind` (in `namespace`, or everywhere) after `list_revision`.
    pub fn start(
        sim: &mut Sim,
        kind: Kind,
        namespace: Option<String>,
        list_revision: i64,
        wide: bool,
    ) -> KubeWatch {
        let prefix = keys::prefix(&kind, namespace.as_deref());
        let from = list_revision + 1;
        let request = open(sim, &prefix, from);
        KubeWatch { kind, namespace, request, next_revision: from, wide }
    }

    /// The watch request's id in the simulator.
    pub fn request(&self) -> u64 {
        self.request
    }
}

impl Kube {
    /// New rows of a `get -w` since the last poll (let virtual time run in
    /// between). A watch whose member went away is reopened elsewhere from
    /// the next revision.
    pub fn poll_watch(&mut self, sim: &mut Sim, w: &mut KubeWatch) -> CommandOutput {
        let mut out = CommandOutput::default();
        let now = sim.now_ms();
        let with_ns = w.namespace.is_none() && w.kind.namespaced;
        for item in sim.take_stream(w.request) {
            let StreamItem::Watch(resp) = item else { continue };
            for ev in resp.events {
                w.next_revision = w.next_revision.max(ev.kv.mod_revision + 1);
                let (raw, rev) = match ev.kind {
                    EventType::Put => (ev.kv.value.clone(), ev.kv.mod_revision),
                    EventType::Delete => match &ev.prev_kv {
                        Some(p) => (p.value.clone(), p.mod_revision),
                        None => continue,
                    },
                };
                let Ok(obj) = self.api.codec.decode(&raw, rev) else { continue };
                let row = super::get::row(&w.kind, &obj, with_ns, false, w.wide, now);
                out.stdout.push_str(&printers::table(&[row]));
            }
        }
        if sim.result(w.request).is_some() {
            let prefix = keys::prefix(&w.kind, w.namespace.as_deref());
            w.request = open(sim, &prefix, w.next_revision);
        }
        out
    }

    /// Ends a `get -w` (Ctrl+C).
    pub fn stop_watch(&mut self, sim: &mut Sim, w: &KubeWatch) {
        sim.cancel(w.request);
    }
}
