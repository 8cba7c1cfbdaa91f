//! Watch: streams of watchers, history replay and live events.
//!
//! A client opens a *stream* and creates *watchers* on it, each on a key or
//! a range, from a start revision. IDs are assigned per stream from 0 up,
//! as etcd's `watchStream` does, unless the request names one. Everything a
//! stream has to say is queued as [`WatchResponse`]s, in order, until the
//! member drains it with [`Store::watch_drain`]:
//!
//! 1. creating a watcher queues a `created` response;
//! 2. if the start revision is below the compacted revision, the watcher is
//!    cancelled at once with `compact_revision` set (etcdctl prints
//!    "watch was canceled (etcdserver: mvcc: required revision has been
//!    compacted)");
//! 3. otherwise history from the start revision is replayed (in responses
//!    of at most [`MAX_REPLAY_REVISIONS`] revisions, header at the current
//!    revision), then every later write transaction queues one response per
//!    watcher it concerns, holding that transaction's events in order.
//!
//! Replay is immediate, so every watcher is always synced: a progress
//! request is answered at once with the current revision.

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::index::{KeyRange, TreeIndex};
use crate::kv::{Event, EventType, ResponseHeader};
use crate::store::{Store, entry_event};

/// A watcher's ID, unique within its stream.
pub type WatchId = i64;
/// A watch stream's ID.
pub type StreamId = u64;

/// The most revisions one replay response carries (etcd's
/// `watchBatchMaxRevs`).
pub const MAX_REPLAY_REVISIONS: usize = 1000;

/// Events a watcher does not want.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WatchFilter {
    /// Drop puts.
    NoPut,
    /// Drop deletes.
    NoDelete,
}

/// A watch (`etcdserverpb.WatchCreateRequest`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchCreateRequest {
    /// The key, or the start of the range.
    pub key: Vec<u8>,
    /// As in [`RangeRequest::range_end`](crate::RangeRequest::range_end).
    pub range_end: Vec<u8>,
    /// The first revision to report (0: the next one).
    pub start_revision: i64,
    /// Ask for periodic progress notifications.
    pub progress_notify: bool,
    /// Events to drop.
    pub filters: Vec<WatchFilter>,
    /// Attach the previous pair to every event.
    pub prev_kv: bool,
    /// The ID to use (0: assign one).
    pub watch_id: WatchId,
    /// Split large responses (accepted; responses are never split here).
    pub fragment: bool,
}

/// What a stream tells its client (`etcdserverpb.WatchResponse`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchResponse {
    /// `revision`: for events, their transaction's revision; otherwise the
    /// current revision.
    pub header: ResponseHeader,
    /// The watcher, or -1 for a stream-wide progress notification.
    pub watch_id: WatchId,
    /// Answers a create.
    pub created: bool,
    /// The watcher is gone.
    pub canceled: bool,
    /// Set when cancelled because the start revision was compacted.
    pub compact_revision: i64,
    /// Why it was cancelled, if not for compaction.
    pub cancel_reason: String,
    /// Whether more fragments follow (never).
    pub fragment: bool,
    /// The events, oldest first.
    pub events: Vec<Event>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Watcher {
    /// The first revision this watcher reports.
    start_rev: i64,
    key: Vec<u8>,
    range_end: Vec<u8>,
    prev_kv: bool,
    no_put: bool,
    no_delete: bool,
    progress_notify: bool,
}

impl Watcher {
    fn wants(&self, ev: &Event) -> bool {
        ev.kv.mod_revision >= self.start_rev
            && KeyRange::new(&self.key, &self.range_end).contains(&ev.kv.key)
            && !(self.no_put && ev.kind == EventType::Put)
            && !(self.no_delete && ev.kind == EventType::Delete)
    }

    /// The events this watcher wants, with previous pairs if asked for.
    fn select(&self, events: &[Event], index: &TreeIndex, compacted: i64) -> Vec<Event> {
        events
            .iter()
            .filter(|ev| self.wants(ev))
            .map(|ev| {
                let mut ev = ev.clone();
                if self.prev_kv {
                    ev.prev_kv = prev_kv(index, &ev, compacted);
                }
                ev
            })
            .collect()
    }
}

/// The pair before an event, read at the revision before it (none if
/// that revision is compacted, or for a create).
fn prev_kv(index: &TreeIndex, ev: &Event, compacted: i64) -> Option<KeyValue> {
    let before = ev.kv.mod_revision - 1;
    if before < compacted || (ev.kind == EventType::Put && ev.kv.version == 1) {
        return None;
    }
    index.get(&ev.kv.key, before)
}

use crate::kv::KeyValue;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Stream {
    watchers: BTreeMap<WatchId, Watcher>,
    next_id: WatchId,
    pending: VecDeque<WatchResponse>,
}

/// Every stream and watcher of a store.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WatchHub {
    streams: BTreeMap<StreamId, Stream>,
    next_stream: StreamId,
    watchers: usize,
}

impl WatchHub {
    /// Whether any watcher exists (writes skip building events otherwise).
    pub(crate) fn has_watchers(&self) -> bool {
        self.watchers > 0
    }

    /// Queues the events of the write transaction that made `rev`.
    pub(crate) fn notify(&mut self, events: &[Event], rev: i64, index: &TreeIndex, compacted: i64) {
        for stream in self.streams.values_mut() {
            for (&id, w) in &stream.watchers {
                let evs = w.select(events, index, compacted);
                if !evs.is_empty() {
                    stream.pending.push_back(WatchResponse {
                        header: ResponseHeader::at(rev),
                        watch_id: id,
                        events: evs,
                        ..WatchResponse::default()
                    });
                }
            }
        }
    }

    fn stream(&mut self, id: StreamId) -> Result<&mut Stream> {
        self.streams.get_mut(&id).ok_or(Error::StreamNotExist)
    }
}

impl Store {
    /// Opens a watch stream.
    pub fn watch_stream_open(&mut self) -> StreamId {
        let id = self.watch.next_stream;
        self.watch.next_stream += 1;
        self.watch.streams.insert(id, Stream::default());
        id
    }

    /// Closes a stream and drops its watchers and pending responses.
    pub fn watch_stream_close(&mut self, stream: StreamId) -> Result<()> {
        let s = self.watch.streams.remove(&stream).ok_or(Error::StreamNotExist)?;
        self.watch.watchers -= s.watchers.len();
        Ok(())
    }

    /// Creates a watcher; see the module documentation for what is queued.
    ///
    /// As in etcd 3.5, an empty key means the key "\0". A negative start
    /// revision fails with [`Error::Compacted`]; an empty range with
    /// [`Error::EmptyWatcherRange`]; a taken ID with
    /// [`Error::DuplicateWatchId`]. On error nothing is queued: etcd's gRPC
    /// layer answers such a create with a response that is both `created`
    /// and `canceled`, watch ID -1 and the error's text as `cancel_reason`.
    pub fn watch(&mut self, stream: StreamId, req: &WatchCreateRequest) -> Result<WatchId> {
        let key = if req.key.is_empty() { vec![0] } else { req.key.clone() };
        if req.start_revision < 0 {
            return Err(Error::Compacted);
        }
        let end: &[u8] = &req.range_end;
        if !end.is_empty() && end != [0] && key.as_slice() >= end {
            return Err(Error::EmptyWatcherRange);
        }
        let current = self.current_rev;
        let compacted = self.compact_main_rev;
        let s = self.watch.stream(stream)?;
        let id = if req.watch_id != 0 {
            if s.watchers.contains_key(&req.watch_id) {
                return Err(Error::DuplicateWatchId);
            }
            req.watch_id
        } else {
            while s.watchers.contains_key(&s.next_id) {
                s.next_id += 1;
            }
            s.next_id += 1;
            s.next_id - 1
        };
        s.pending.push_back(WatchResponse {
            header: ResponseHeader::at(current),
            watch_id: id,
            created: true,
            ..WatchResponse::default()
        });
        let start = if req.start_revision == 0 { current + 1 } else { req.start_revision };
        if start < compacted {
            s.pending.push_back(WatchResponse {
                header: ResponseHeader::at(current),
                watch_id: id,
                canceled: true,
                compact_revision: compacted,
                ..WatchResponse::default()
            });
            return Ok(id);
        }
        let w = Watcher {
            start_rev: start,
            key,
            range_end: req.range_end.clone(),
            prev_kv: req.prev_kv,
            no_put: req.filters.contains(&WatchFilter::NoPut),
            no_delete: req.filters.contains(&WatchFilter::NoDelete),
            progress_notify: req.progress_notify,
        };
        let replay = if start <= current { self.replay(&w, start) } else { Vec::new() };
        let s = self.watch.stream(stream)?;
        for chunk in replay {
            s.pending.push_back(WatchResponse {
                header: ResponseHeader::at(current),
                watch_id: id,
                events: chunk,
                ..WatchResponse::default()
            });
        }
        s.watchers.insert(id, w);
        self.watch.watchers += 1;
        Ok(id)
    }

    /// The retained history of a watcher's range from `start`, in revision
    /// order, cut into responses of at most [`MAX_REPLAY_REVISIONS`].
    fn replay(&self, w: &Watcher, start: i64) -> Vec<Vec<Event>> {
        let range = KeyRange::new(&w.key, &w.range_end);
        let mut evs: Vec<(crate::Revision, Event)> = self
            .index
            .range(range)
            .flat_map(|(k, ki)| ki.since(start).map(move |e| (e.rev, entry_event(k, e))))
            .collect();
        slim::sort_by_key(&mut evs, |(r, _)| *r);
        let events: Vec<Event> = evs.into_iter().map(|(_, e)| e).collect();
        let selected = w.select(&events, &self.index, self.compact_main_rev);
        let mut chunks: Vec<Vec<Event>> = Vec::new();
        let mut revs_in_chunk = 0;
        let mut last_rev = 0;
        for ev in selected {
            if ev.kv.mod_revision != last_rev {
                if revs_in_chunk == MAX_REPLAY_REVISIONS || chunks.is_empty() {
                    chunks.push(Vec::new());
                    revs_in_chunk = 0;
                }
                revs_in_chunk += 1;
                last_rev = ev.kv.mod_revision;
            }
            if let Some(c) = chunks.last_mut() {
                c.push(ev);
            }
        }
        chunks
    }

    /// Cancels a watcher; queues its `canceled` response.
    pub fn watch_cancel(&mut self, stream: StreamId, id: WatchId) -> Result<()> {
        let current = self.current_rev;
        let s = self.watch.stream(stream)?;
        s.watchers.remove(&id).ok_or(Error::WatcherNotExist)?;
        s.pending.push_back(WatchResponse {
            header: ResponseHeader::at(current),
            watch_id: id,
            canceled: true,
            ..WatchResponse::default()
        });
        self.watch.watchers -= 1;
        Ok(())
    }

    /// Answers a progress request on a stream: one response with watch ID
    /// -1 at the current revision (every watcher here is synced).
    pub fn watch_request_progress(&mut self, stream: StreamId) -> Result<()> {
        let current = self.current_rev;
        self.watch.stream(stream)?.pending.push_back(WatchResponse {
            header: ResponseHeader::at(current),
            watch_id: -1,
            ..WatchResponse::default()
        });
        Ok(())
    }

    /// The periodic progress notification (etcd sends it every ten minutes
    /// by default; the member decides when): an empty response at the
    /// current revision for every watcher that asked for `progress_notify`.
    pub fn watch_progress_notify(&mut self) {
        let current = self.current_rev;
        for s in self.watch.streams.values_mut() {
            let ids: Vec<WatchId> =
                s.watchers.iter().filter(|(_, w)| w.progress_notify).map(|(&id, _)| id).collect();
            for id in ids {
                s.pending.push_back(WatchResponse {
                    header: ResponseHeader::at(current),
                    watch_id: id,
                    ..WatchResponse::default()
                });
            }
        }
    }

    /// Takes every queued response of a stream, oldest first.
    pub fn watch_drain(&mut self, stream: StreamId) -> Result<Vec<WatchResponse>> {
        Ok(self.watch.stream(stream)?.pending.drain(..).collect())
    }

    /// The watchers of a stream, by ID.
    pub fn watchers(&self, stream: StreamId) -> Result<Vec<WatchId>> {
        let s = self.watch.streams.get(&stream).ok_or(Error::StreamNotExist)?;
        Ok(s.watchers.keys().copied().collect())
    }
}
