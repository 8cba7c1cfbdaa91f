//! The swarm's clients: KV clients (get, put, delete, compare-and-swap on
//! a few keys, through random members, with etcdctl-like timeouts) and
//! watchers (one watch on the range `k..l`, moved to another member when
//! its member goes away, resumed from its last revision + 1 as clientv3's
//! watch.go does).
//!
//! ```text
//!   watch k..l from 1 on etcd-2 ──► [r2] [r3] [r5]   etcd-2 stops
//!   resume from 6 on etcd-1     ──► [r6] [r7]        compaction at 9, moved
//!   resume from 8 on etcd-3     ──► canceled, compact_revision 9
//!   (wide) a new watch from 9   ──► [r9] ...          as a client relists
//! ```

use mvcc::WatchCreateRequest;
use mvcc::{Compare, CompareResult, CompareTarget, PutRequest, RangeRequest, RequestOp, TxnRequest};
use raft::Rng;
use server::{Request, StreamItem};

use crate::checker::WatchRecord;
use crate::client::{CallOptions, ClientError};
use crate::sim::Sim;
use crate::swarm::{SeedReport, SwarmOptions};

pub(crate) struct Client {
    pub(crate) request: Option<u64>,
    pub(crate) next_at_ms: u64,
    pub(crate) counter: u64,
}

pub(crate) struct Watcher {
    pub(crate) request: u64,
    pub(crate) record: WatchRecord,
}

impl Watcher {
    /// Whether a response cancelled the watch because its start was
    /// compacted.
    fn compacted(&self) -> Option<i64> {
        self.record.responses.iter().find(|r| r.canceled).map(|r| r.compact_revision)
    }
}

pub(crate) fn drive_clients(
    sim: &mut Sim,
    rng: &mut Rng,
    clients: &mut [Client],
    opts: &SwarmOptions,
    removed: &[u64],
    report: &mut SeedReport,
    submit_at: Option<u64>,
) {
    let members: Vec<u64> = sim.member_ids().into_iter().filter(|id| !removed.contains(id)).collect();
    for (i, c) in clients.iter_mut().enumerate() {
        if let Some(id) = c.request {
            match sim.result(id) {
                None => continue,
                Some(Ok(_)) => report.ops_ok += 1,
                Some(Err(_)) => report.ops_failed += 1,
            }
            c.request = None;
            c.next_at_ms = submit_at.unwrap_or(0) + rng.below(30);
        }
        let Some(now) = submit_at else { continue };
        if now < c.next_at_ms || members.is_empty() {
            continue;
        }
        c.counter += 1;
        let key = format!("k{}", rng.below(opts.keys as u64)).into_bytes();
        let value = format!("c{i}-{}", c.counter).into_bytes();
        let req = match rng.below(10) {
            0..=3 => Request::Range { req: RangeRequest { key, ..Default::default() }, serializable: false },
            4..=6 => Request::Put(PutRequest { key, value, ..Default::default() }),
            7 => Request::DeleteRange(mvcc::DeleteRangeRequest { key, ..Default::default() }),
            _ => {
                let expected = if rng.chance(1, 3) {
                    None
                } else {
                    Some(format!("c{}-{}", rng.below(3), rng.below(c.counter + 1)))
                };
                let target = match &expected {
                    None => CompareTarget::Version(0),
                    Some(v) => CompareTarget::Value(v.clone().into_bytes()),
                };
                Request::Txn(TxnRequest {
                    compare: vec![Compare {
                        result: CompareResult::Equal,
                        target,
                        key: key.clone(),
                        range_end: vec![],
                    }],
                    success: vec![RequestOp::Put(PutRequest { key, value, ..Default::default() })],
                    failure: vec![],
                })
            }
        };
        let ep = members[rng.below(members.len() as u64) as usize];
        let timeout = Some(500 + rng.below(2_500));
        c.request = Some(sim.submit(ep, req, CallOptions { timeout_ms: timeout, token: None }));
    }
}

/// Takes what the watch streams delivered; resumes a stream whose member
/// went away on another member. With `relist` (the wide profile), a
/// watch cancelled by compaction is followed by a new one from the
/// compacted revision, as a client that relists does.
pub(crate) fn drive_watchers(
    sim: &mut Sim,
    rng: &mut Rng,
    watchers: &mut Vec<Watcher>,
    removed: &[u64],
    relist: bool,
) {
    let live: Vec<u64> = sim.running().into_iter().filter(|id| !removed.contains(id)).collect();
    if live.is_empty() {
        return;
    }
    if watchers.is_empty() {
        let record = WatchRecord {
            key: b"k".to_vec(),
            range_end: b"l".to_vec(),
            start_revision: 1,
            responses: vec![],
        };
        let ep = live[rng.below(live.len() as u64) as usize];
        let request = start_watch(sim, ep, &record, record.start_revision);
        watchers.push(Watcher { request, record });
    }
    let mut relisted = Vec::new();
    let last = watchers.len() - 1;
    for (i, w) in watchers.iter_mut().enumerate() {
        let was_compacted = w.compacted().is_some();
        for item in sim.take_stream(w.request) {
            if let StreamItem::Watch(resp) = item {
                if std::env::var("SIM_DEBUG").is_ok() {
                    let revs: Vec<i64> = resp.events.iter().map(|e| e.kv.mod_revision).collect();
                    eprintln!(
                        "{} ms req {} member {:x}: created {} canceled {} hdr {} revs {revs:?}",
                        sim.now_ms(),
                        w.request,
                        resp.header.member_id,
                        resp.created,
                        resp.canceled,
                        resp.header.revision
                    );
                }
                w.record.responses.push(resp);
            }
        }
        // A stream ends when its member goes away (or refuses it, e.g. with
        // no leader): resume elsewhere.
        let ended = matches!(sim.result(w.request), Some(Err(e)) if *e != ClientError::Canceled);
        let compacted = w.compacted();
        if ended && compacted.is_none() {
            // Resume on another member, from where the stream stopped.
            let ep = live[rng.below(live.len() as u64) as usize];
            let from = w.record.resume_revision();
            w.request = start_watch(sim, ep, &w.record, from);
        }
        if let Some(rev) = compacted
            && relist
            && !was_compacted
            && i == last
        {
            relisted.push(rev.max(1));
        }
    }
    for from in relisted {
        let record = WatchRecord {
            key: b"k".to_vec(),
            range_end: b"l".to_vec(),
            start_revision: from,
            responses: vec![],
        };
        let ep = live[rng.below(live.len() as u64) as usize];
        let request = start_watch(sim, ep, &record, from);
        watchers.push(Watcher { request, record });
    }
}

/// Ends the newest watch's stream and resumes it on a random member from
/// its last revision + 1 (the wide profile's `MoveWatch`).
pub(crate) fn move_watch(sim: &mut Sim, rng: &mut Rng, watchers: &mut [Watcher], removed: &[u64]) {
    let live: Vec<u64> = sim.running().into_iter().filter(|id| !removed.contains(id)).collect();
    let Some(w) = watchers.last_mut() else { return };
    if live.is_empty() || w.compacted().is_some() || sim.result(w.request).is_some_and(|r| r.is_err()) {
        return;
    }
    for item in sim.take_stream(w.request) {
        if let StreamItem::Watch(resp) = item {
            w.record.responses.push(resp);
        }
    }
    sim.cancel(w.request);
    let ep = live[rng.below(live.len() as u64) as usize];
    let from = w.record.resume_revision();
    w.request = start_watch(sim, ep, &w.record, from);
}

fn start_watch(sim: &mut Sim, ep: u64, record: &WatchRecord, from: i64) -> u64 {
    let req = WatchCreateRequest {
        key: record.key.clone(),
        range_end: record.range_end.clone(),
        start_revision: from,
        ..Default::default()
    };
    sim.submit(ep, Request::Watch(req), CallOptions::default())
}
