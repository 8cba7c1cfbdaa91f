//! The member's side of watch: one MVCC watch stream per `Watch` request,
//! its responses forwarded as stream items after every apply. When a raft
//! snapshot from the leader replaces the store, each watcher is created
//! again on the new store from the revision after the last one it
//! delivered, so clients see no gap (or are cancelled as compacted).

use crate::error::Error;
use crate::member::Member;
use crate::response::{Reply, ReplyBody, Response, StreamItem};

/// One open watch.
#[derive(Clone, Debug)]
pub(crate) struct WatchState {
    pub(crate) stream: mvcc::StreamId,
    pub(crate) req: mvcc::WatchCreateRequest,
    pub(crate) watch_id: mvcc::WatchId,
    /// The first revision not yet delivered.
    pub(crate) next_rev: i64,
}

impl Member {
    /// Opens a watch for `client`.
    pub(crate) fn open_watch(&mut self, client: u64, req: mvcc::WatchCreateRequest) {
        let store = &mut self.state.store;
        let stream = store.watch_stream_open();
        let next_rev = if req.start_revision > 0 { req.start_revision } else { store.current_revision() + 1 };
        match store.watch(stream, &req) {
            Ok(watch_id) => {
                self.watches.insert(client, WatchState { stream, req, watch_id, next_rev });
                self.flush_watches();
            }
            Err(e) => {
                let _ = store.watch_stream_close(stream);
                self.reply(client, Err(Error::from(e)));
            }
        }
    }

    /// A progress request on the watch opened by `watch_request`.
    pub(crate) fn watch_progress(&mut self, client: u64, watch_request: u64) {
        let r = match self.watches.get(&watch_request) {
            Some(w) => self.state.store.watch_request_progress(w.stream).map_err(Error::from),
            None => Err(Error::from(mvcc::Error::WatcherNotExist)),
        };
        let h = self.header();
        self.reply(client, r.map(|()| Response::WatchProgress(h)));
        self.flush_watches();
    }

    /// Forwards every queued watch response to its client.
    pub(crate) fn flush_watches(&mut self) {
        let clients: Vec<u64> = self.watches.keys().copied().collect();
        for client in clients {
            let Some(w) = self.watches.get(&client) else { continue };
            let Ok(resps) = self.state.store.watch_drain(w.stream) else { continue };
            self.deliver(client, resps);
        }
    }

    /// Sends watch responses to `client`, remembering the next revision;
    /// a cancelled watcher ends the stream.
    fn deliver(&mut self, client: u64, resps: Vec<mvcc::WatchResponse>) {
        let mut ended = false;
        for mut resp in resps {
            if let Some(last) = resp.events.last()
                && let Some(w) = self.watches.get_mut(&client)
            {
                w.next_rev = w.next_rev.max(last.kv.mod_revision + 1);
            }
            ended |= resp.canceled;
            let h = self.header();
            resp.header.cluster_id = h.cluster_id;
            resp.header.member_id = h.member_id;
            resp.header.raft_term = h.raft_term;
            self.out.replies.push(Reply { id: client, body: ReplyBody::Stream(StreamItem::Watch(resp)) });
        }
        if ended && let Some(w) = self.watches.remove(&client) {
            let _ = self.state.store.watch_stream_close(w.stream);
            let h = self.header();
            self.reply(client, Ok(Response::WatchEnded(h)));
        }
    }

    /// After the store was replaced by a snapshot: recreate every watcher
    /// from its next revision, without a second `created` response.
    pub(crate) fn rewatch_all(&mut self) {
        let clients: Vec<u64> = self.watches.keys().copied().collect();
        for client in clients {
            let Some(w) = self.watches.get(&client).cloned() else { continue };
            let store = &mut self.state.store;
            let stream = store.watch_stream_open();
            let req = mvcc::WatchCreateRequest {
                start_revision: w.next_rev,
                watch_id: w.watch_id,
                ..w.req.clone()
            };
            match store.watch(stream, &req) {
                Ok(_) => {
                    let mut resps = store.watch_drain(stream).unwrap_or_default();
                    // Drop the `created`, keep what follows it.
                    resps.retain(|r| !r.created);
                    self.watches.insert(client, WatchState { stream, ..w });
                    self.deliver(client, resps);
                }
                Err(e) => {
                    self.watches.remove(&client);
                    self.reply(client, Err(Error::from(e)));
                }
            }
        }
    }
}
