//! An informer: a local cache of one kind, filled by a list and kept
//! current by a watch from the list's revision + 1, all through the
//! simulated cluster's client path (nothing blocks; `step` is called as
//! virtual time passes).
//!
//! ```text
//!   Idle ──(retry time)──► Listing(range prefix) ──ok──► Watching(from rev+1)
//!     ▲                         │ timeout (no quorum)          │ stream ended: reopen at next rev
//!     └─────────────────────────┘                              │ compacted/canceled: relist
//! ```

use std::collections::BTreeMap;

use mvcc::{EventType, RangeRequest, WatchCreateRequest};
use serde_json::Value;
use server::{Request, Response, StreamItem};
use sim::Sim;

use crate::client;
use crate::keys;
use crate::store::Codec;

/// Where the informer is.
#[derive(Clone, Debug, PartialEq, Eq)]
enum State {
    Idle { retry_at_ms: u64 },
    Listing { request: u64 },
    Watching { request: u64, next_revision: i64 },
}

/// A cache of every object under a prefix.
#[derive(Clone, Debug)]
pub struct Informer {
    prefix: String,
    state: State,
    /// key -> (object, mod_revision).
    pub objects: BTreeMap<String, (Value, i64)>,
    /// True once a list has completed.
    pub synced: bool,
    /// How many times the cache has changed: controllers look again only
    /// when some cache moved (they are event-driven, as informers' handlers).
    pub changes: u64,
}

const RETRY_MS: u64 = 1_000;

impl Informer {
    /// An informer of `prefix` (not started).
    pub fn new(prefix: String) -> Informer {
        Informer {
            prefix,
            state: State::Idle { retry_at_ms: 0 },
            objects: BTreeMap::new(),
            synced: false,
            changes: 0,
        }
    }

    /// Moves the informer along: starts lists, reads lists and watch events.
    pub fn step(&mut self, sim: &mut Sim, codec: &Codec) {
        let now = sim.now_ms();
        match self.state.clone() {
            State::Idle { retry_at_ms } => {
                if now >= retry_at_ms {
                    let req = RangeRequest {
                        key: self.prefix.as_bytes().to_vec(),
                        range_end: keys::range_end(&self.prefix),
                        ..Default::default()
                    };
                    let request = client::submit(sim, Request::Range { req, serializable: false });
                    self.state = State::Listing { request };
                }
            }
            State::Listing { request } => {
                if sim.request_state(request).is_none() {
                    self.state = State::Idle { retry_at_ms: now + RETRY_MS };
                    return;
                }
                match client::poll(sim, request) {
                    None => {}
                    Some(Ok(Response::Range(r))) => {
                        self.objects.clear();
                        for kv in r.kvs {
                            if let Ok(obj) = codec.decode(&kv.value, kv.mod_revision) {
                                self.objects.insert(
                                    String::from_utf8_lossy(&kv.key).into_owned(),
                                    (obj, kv.mod_revision),
                                );
                            }
                        }
                        self.synced = true;
                        self.changes += 1;
                        let next_revision = r.header.revision + 1;
                        let request = self.open_watch(sim, next_revision);
                        self.state = State::Watching { request, next_revision };
                    }
                    Some(_) => self.state = State::Idle { retry_at_ms: now + RETRY_MS },
                }
            }
            State::Watching { request, mut next_revision } => {
                let mut relist = false;
                for item in sim.take_stream(request) {
                    let StreamItem::Watch(resp) = item else { continue };
                    if resp.canceled || resp.compact_revision > 0 {
                        relist = true;
                    }
                    for ev in resp.events {
                        let key = String::from_utf8_lossy(&ev.kv.key).into_owned();
                        next_revision = next_revision.max(ev.kv.mod_revision + 1);
                        match ev.kind {
                            EventType::Put => {
                                if let Ok(obj) = codec.decode(&ev.kv.value, ev.kv.mod_revision) {
                                    self.observe(key, Some((obj, ev.kv.mod_revision)));
                                }
                            }
                            EventType::Delete => self.observe_delete(&key, ev.kv.mod_revision),
                        }
                    }
                }
                if relist {
                    sim.cancel(request);
                    self.state = State::Idle { retry_at_ms: now };
                } else if sim.request_state(request).is_none_or(|c| c.is_done()) {
                    let request = self.open_watch(sim, next_revision);
                    self.state = State::Watching { request, next_revision };
                } else {
                    self.state = State::Watching { request, next_revision };
                }
            }
        }
    }

    fn open_watch(&self, sim: &mut Sim, from: i64) -> u64 {
        let req = WatchCreateRequest {
            key: self.prefix.as_bytes().to_vec(),
            range_end: keys::range_end(&self.prefix),
            start_revision: from,
            ..Default::default()
        };
        client::submit(sim, Request::Watch(req))
    }

    /// Records a newer version of `key` (from a watch or our own write).
    pub fn observe(&mut self, key: String, value: Option<(Value, i64)>) {
        match value {
            Some((obj, rev)) => {
                if self.objects.get(&key).is_none_or(|(_, r)| *r < rev) {
                    self.objects.insert(key, (obj, rev));
                    self.changes += 1;
                }
            }
            None => {
                if self.objects.remove(&key).is_some() {
                    self.changes += 1;
                }
            }
        }
    }

    /// Records that `key` was deleted at `rev`.
    pub fn observe_delete(&mut self, key: &str, rev: i64) {
        if self.objects.get(key).is_some_and(|(_, r)| *r < rev) {
            self.objects.remove(key);
            self.changes += 1;
        }
    }

    /// Whether `key` is under this informer's prefix.
    pub fn covers(&self, key: &str) -> bool {
        key.starts_with(&self.prefix)
    }
}
