//! The store: range, put and delete-range over the key index, the write
//! transaction that gives every change its revision, and the hand-off of
//! changes to watchers.

use crate::compaction::SizeModel;
use crate::error::{Error, Result};
use crate::index::{KeyRange, TreeIndex};
use crate::kv::{
    DeleteRangeRequest, DeleteRangeResponse, Event, EventType, KeyValue, PutRequest, PutResponse,
    RangeRequest, RangeResponse, ResponseHeader, SortOrder, SortTarget,
};
use crate::lease::Lessor;
use crate::revision::Revision;
use crate::watch::WatchHub;

/// What a member configures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreConfig {
    /// etcd's `--max-txn-ops`: most compares, or operations per branch.
    pub max_txn_ops: usize,
    /// The smallest lease TTL, in seconds (see
    /// [`min_lease_ttl_seconds`](crate::lease::min_lease_ttl_seconds)).
    pub min_lease_ttl_seconds: i64,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig { max_txn_ops: 128, min_lease_ttl_seconds: 2 }
    }
}

/// The MVCC store of one member: keys with their history, leases, watchers.
/// The contracts are in [`kv`](crate::kv).
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) index: TreeIndex,
    pub(crate) current_rev: i64,
    /// etcd's `compactMainRev`: -1 until the first compaction.
    pub(crate) compact_main_rev: i64,
    pub(crate) lessor: Lessor,
    pub(crate) watch: WatchHub,
    pub(crate) config: StoreConfig,
    pub(crate) size: SizeModel,
}

/// A write transaction in progress: every change takes revision
/// `begin_rev + 1` and the next sub-revision.
#[derive(Debug)]
pub(crate) struct WriteTxn {
    pub(crate) begin_rev: i64,
    /// How many changes were made.
    pub(crate) changes: i64,
    /// The changed keys, kept only when someone watches.
    pub(crate) changed: Vec<(Vec<u8>, Revision)>,
}

impl WriteTxn {
    /// The revision reads inside this transaction see.
    pub(crate) fn read_rev(&self) -> i64 {
        self.begin_rev + i64::from(self.changes > 0)
    }
}

impl Default for Store {
    fn default() -> Self {
        Self::new(StoreConfig::default())
    }
}

impl Store {
    /// A fresh store, at revision 1.
    pub fn new(config: StoreConfig) -> Self {
        Store {
            index: TreeIndex::new(),
            current_rev: 1,
            compact_main_rev: -1,
            lessor: Lessor::new(config.min_lease_ttl_seconds),
            watch: WatchHub::default(),
            config,
            size: SizeModel::default(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &StoreConfig {
        &self.config
    }

    /// The revision of the last write transaction (1 for a fresh store).
    pub fn current_revision(&self) -> i64 {
        self.current_rev
    }

    /// The revision of the last compaction, 0 if there was none.
    pub fn compacted_revision(&self) -> i64 {
        self.compact_main_rev.max(0)
    }

    /// The key index, read-only (for drawing a key's history).
    pub fn index(&self) -> &TreeIndex {
        &self.index
    }

    /// Reads keys (etcd's `Range`).
    pub fn range(&self, req: &RangeRequest) -> Result<RangeResponse> {
        if req.key.is_empty() {
            return Err(Error::EmptyKey);
        }
        self.range_at(req, self.current_rev)
    }

    /// A range as seen by a transaction whose view is at `cur_rev`: the
    /// revision checks of etcd's `rangeKeys`, then the filters, sort and
    /// limit of its apply layer.
    pub(crate) fn range_at(&self, req: &RangeRequest, cur_rev: i64) -> Result<RangeResponse> {
        let filtered = req.sort_order != SortOrder::None
            || req.min_mod_revision != 0
            || req.max_mod_revision != 0
            || req.min_create_revision != 0
            || req.max_create_revision != 0;
        let fetch = if filtered || req.limit <= 0 { 0 } else { req.limit.saturating_add(1) };
        let rev = self.check_read_rev(req.revision, cur_rev)?;
        let range = KeyRange::new(&req.key, &req.range_end);
        let header = ResponseHeader::at(cur_rev);
        if req.count_only {
            let count = self.index.count(range, rev) as i64;
            return Ok(RangeResponse { header, kvs: Vec::new(), more: false, count });
        }
        let (mut kvs, total) = self.index.range_kvs(range, rev, usize::try_from(fetch).unwrap_or(usize::MAX));
        let keep = |kv: &KeyValue| {
            (req.max_mod_revision == 0 || kv.mod_revision <= req.max_mod_revision)
                && (req.min_mod_revision == 0 || kv.mod_revision >= req.min_mod_revision)
                && (req.max_create_revision == 0 || kv.create_revision <= req.max_create_revision)
                && (req.min_create_revision == 0 || kv.create_revision >= req.min_create_revision)
        };
        kvs.retain(keep);
        sort_kvs(&mut kvs, req.sort_target, req.sort_order);
        let mut more = false;
        if let Ok(limit) = usize::try_from(req.limit)
            && limit > 0
            && kvs.len() > limit
        {
            kvs.truncate(limit);
            more = true;
        }
        if req.keys_only {
            for kv in &mut kvs {
                kv.value = Vec::new();
            }
        }
        Ok(RangeResponse { header, kvs, more, count: total as i64 })
    }

    /// The revision a read at `rev` (0: current) sees, or etcd's error.
    pub(crate) fn check_read_rev(&self, rev: i64, cur_rev: i64) -> Result<i64> {
        if rev > cur_rev {
            return Err(Error::FutureRev);
        }
        let rev = if rev <= 0 { cur_rev } else { rev };
        if rev < self.compact_main_rev {
            return Err(Error::Compacted);
        }
        Ok(rev)
    }

    /// Writes one key (etcd's `Put`).
    pub fn put(&mut self, req: &PutRequest) -> Result<PutResponse> {
        check_put(req)?;
        let prev = self.check_put_at(req, self.current_rev)?;
        let mut wt = self.begin_write();
        let resp = self.apply_put(&mut wt, req, prev);
        let rev = self.end_write(wt);
        debug_assert_eq!(rev, resp.header.revision);
        Ok(resp)
    }

    /// The checks a put passes before it is applied, against the view at
    /// `rev`: the lease exists, and the key exists if `ignore_*` is set.
    /// Returns the previous pair when it is needed.
    pub(crate) fn check_put_at(&self, req: &PutRequest, rev: i64) -> Result<Option<KeyValue>> {
        if req.lease != 0 && self.lessor.lookup(req.lease).is_none() {
            return Err(Error::LeaseNotFound);
        }
        if !(req.ignore_value || req.ignore_lease || req.prev_kv) {
            return Ok(None);
        }
        let prev = self.index.get(&req.key, rev);
        if (req.ignore_value || req.ignore_lease) && prev.is_none() {
            return Err(Error::KeyNotFound);
        }
        Ok(prev)
    }

    /// Applies a checked put inside a write transaction.
    pub(crate) fn apply_put(
        &mut self,
        wt: &mut WriteTxn,
        req: &PutRequest,
        prev: Option<KeyValue>,
    ) -> PutResponse {
        let (value, lease) = match &prev {
            Some(p) if req.ignore_value || req.ignore_lease => (
                if req.ignore_value { p.value.clone() } else { req.value.clone() },
                if req.ignore_lease { p.lease } else { req.lease },
            ),
            _ => (req.value.clone(), req.lease),
        };
        let rev = self.write_put(wt, &req.key, value, lease);
        PutResponse { header: ResponseHeader::at(rev), prev_kv: if req.prev_kv { prev } else { None } }
    }

    /// Deletes one key or a range (etcd's `DeleteRange`).
    pub fn delete_range(&mut self, req: &DeleteRangeRequest) -> Result<DeleteRangeResponse> {
        if req.key.is_empty() {
            return Err(Error::EmptyKey);
        }
        let mut wt = self.begin_write();
        let mut resp = self.apply_delete(&mut wt, req);
        resp.header.revision = self.end_write(wt);
        Ok(resp)
    }

    /// Applies a delete inside a write transaction.
    pub(crate) fn apply_delete(
        &mut self,
        wt: &mut WriteTxn,
        req: &DeleteRangeRequest,
    ) -> DeleteRangeResponse {
        let prev_kvs = if req.prev_kv {
            let range = KeyRange::new(&req.key, &req.range_end);
            self.index.range_kvs(range, wt.read_rev(), 0).0
        } else {
            Vec::new()
        };
        let deleted = self.write_delete(wt, &req.key, &req.range_end);
        let rev = if deleted > 0 || wt.changes > 0 { wt.begin_rev + 1 } else { wt.begin_rev };
        DeleteRangeResponse { header: ResponseHeader::at(rev), deleted, prev_kvs }
    }

    /// Starts a write transaction.
    pub(crate) fn begin_write(&self) -> WriteTxn {
        WriteTxn { begin_rev: self.current_rev, changes: 0, changed: Vec::new() }
    }

    /// Puts inside a write transaction; returns the new revision.
    pub(crate) fn write_put(&mut self, wt: &mut WriteTxn, key: &[u8], value: Vec<u8>, lease: i64) -> i64 {
        let rev = Revision::new(wt.begin_rev + 1, wt.changes);
        let value_len = value.len();
        let (created, version, old_lease) = self.index.put(key, rev, value, lease);
        if old_lease != 0 {
            self.lessor.detach(old_lease, key);
        }
        if lease != 0 {
            self.lessor.attach(lease, key);
        }
        self.size.entry_added(key.len(), created, rev.main, version, value_len, lease, false);
        wt.changes += 1;
        if self.watch.has_watchers() {
            wt.changed.push((key.to_vec(), rev));
        }
        rev.main
    }

    /// Deletes `[key, end)` inside a write transaction; returns how many
    /// keys were deleted.
    pub(crate) fn write_delete(&mut self, wt: &mut WriteTxn, key: &[u8], end: &[u8]) -> i64 {
        let keys = self.index.live_keys(KeyRange::new(key, end), wt.read_rev());
        for k in &keys {
            let rev = Revision::new(wt.begin_rev + 1, wt.changes);
            let lease = self.index.get(k, rev.main).map_or(0, |kv| kv.lease);
            if !self.index.tombstone(k, rev) {
                continue;
            }
            if lease != 0 {
                self.lessor.detach(lease, k);
            }
            self.size.entry_added(k.len(), 0, 0, 0, 0, 0, true);
            wt.changes += 1;
            if self.watch.has_watchers() {
                wt.changed.push((k.clone(), rev));
            }
        }
        keys.len() as i64
    }

    /// Ends a write transaction: raises the revision if anything changed
    /// and hands the changes to watchers. Returns the store's revision.
    pub(crate) fn end_write(&mut self, wt: WriteTxn) -> i64 {
        if wt.changes == 0 {
            return self.current_rev;
        }
        self.current_rev += 1;
        if !wt.changed.is_empty() {
            let events: Vec<Event> =
                wt.changed.iter().filter_map(|(key, rev)| self.event_at(key, *rev)).collect();
            self.watch.notify(&events, self.current_rev, &self.index, self.compact_main_rev);
        }
        self.current_rev
    }

    /// Every retained change to one key, oldest first, as watchers see
    /// them: what a UI draws as the key's history.
    pub fn key_history(&self, key: &[u8]) -> Vec<Event> {
        self.index
            .key_index(key)
            .map_or_else(Vec::new, |ki| ki.entries().map(|e| entry_event(key, e)).collect())
    }

    /// The event for the change to `key` at `rev`, as a watcher sees it.
    pub(crate) fn event_at(&self, key: &[u8], rev: Revision) -> Option<Event> {
        let ki = self.index.key_index(key)?;
        let e = ki.entries().find(|e| e.rev == rev)?;
        Some(entry_event(key, e))
    }
}

/// The event for one retained entry: a delete carries only the key and its
/// mod revision, as etcd patches it.
pub(crate) fn entry_event(key: &[u8], e: crate::key_index::EntryView<'_>) -> Event {
    let mut kv = e.to_kv(key);
    let kind = if e.tombstone {
        kv.mod_revision = e.rev.main;
        EventType::Delete
    } else {
        EventType::Put
    };
    Event { kind, kv, prev_kv: None }
}

/// etcd's request checks for a put.
pub(crate) fn check_put(req: &PutRequest) -> Result<()> {
    if req.key.is_empty() {
        return Err(Error::EmptyKey);
    }
    if req.ignore_value && !req.value.is_empty() {
        return Err(Error::ValueProvided);
    }
    if req.ignore_lease && req.lease != 0 {
        return Err(Error::LeaseProvided);
    }
    Ok(())
}

/// Sorts as etcd's apply layer does: a non-key target with no order sorts
/// ascending; key-ascending is already the index order. Ties keep key order.
fn sort_kvs(kvs: &mut [KeyValue], target: SortTarget, order: SortOrder) {
    let order = match (target, order) {
        (SortTarget::Key, SortOrder::Ascend) => SortOrder::None,
        (SortTarget::Key, o) => o,
        (_, SortOrder::None) => SortOrder::Ascend,
        (_, o) => o,
    };
    let cmp = |a: &KeyValue, b: &KeyValue| match target {
        SortTarget::Key => a.key.cmp(&b.key),
        SortTarget::Version => a.version.cmp(&b.version),
        SortTarget::Create => a.create_revision.cmp(&b.create_revision),
        SortTarget::Mod => a.mod_revision.cmp(&b.mod_revision),
        SortTarget::Value => a.value.cmp(&b.value),
    };
    match order {
        SortOrder::None => {}
        SortOrder::Ascend => slim::sort_by(kvs, cmp),
        SortOrder::Descend => slim::sort_by(kvs, |a, b| cmp(b, a)),
    }
}
