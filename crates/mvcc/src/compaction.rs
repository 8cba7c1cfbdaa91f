//! Compaction, and the deterministic model of database size it drives.
//!
//! # The size model
//!
//! etcd reports two sizes: the database file (`dbSize`, bbolt's high-water
//! mark of pages) and the part of it in use (`dbSizeInUse`). Compaction
//! frees pages inside the file without shrinking it; `defrag` rewrites the
//! file to what is in use. The model follows that shape:
//!
//! - every retained revision costs its on-disk key (17 bytes, 18 for a
//!   tombstone), the protobuf encoding of its `KeyValue`, and
//!   [`ENTRY_OVERHEAD_BYTES`] of B+tree bookkeeping; every lease costs
//!   [`LEASE_BYTES`];
//! - pages are filled to 90% (etcd writes revisions in order, with bbolt's
//!   fill percent for sequential puts), on top of three pages of meta,
//!   freelist and buckets, and at least one leaf page:
//!   `in_use = 3 * PAGE + max(1, ceil(data * 10 / 9 / PAGE)) * PAGE`, so a
//!   fresh database has 16384 bytes in use in a file of [`BASE_BYTES`]
//!   (20480), as a fresh etcd reports;
//! - `size` only grows (to `in_use` whenever `in_use` passes it), until
//!   [`Store::defrag`] brings it down to `in_use`.
//!
//! The quota check (`mvcc: database space exceeded`) belongs to the member.

use crate::error::{Error, Result};
use crate::hash::kv_encoded_len;
use crate::kv::{CompactionResponse, ResponseHeader};
use crate::revision::REV_BYTES_LEN;
use crate::store::Store;

/// A bbolt page.
pub const PAGE_BYTES: u64 = 4096;
/// The file size of a fresh database.
pub const BASE_BYTES: u64 = 5 * PAGE_BYTES;
/// Meta pages, freelist and bucket pages, always in use.
pub const FIXED_IN_USE_BYTES: u64 = 3 * PAGE_BYTES;
/// Per-revision B+tree bookkeeping (bbolt's leaf element header).
pub const ENTRY_OVERHEAD_BYTES: u64 = 16;
/// One lease in the lease bucket.
pub const LEASE_BYTES: u64 = 48;

/// The numbers behind `size` and `size_in_use`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct SizeModel {
    data_bytes: u64,
    leases: u64,
    db_size: u64,
}

impl SizeModel {
    fn entry_cost(
        key_len: usize,
        create: i64,
        modified: i64,
        version: i64,
        value_len: usize,
        lease: i64,
        tombstone: bool,
    ) -> u64 {
        let kv = kv_encoded_len(key_len, create, modified, version, value_len, lease);
        (REV_BYTES_LEN + usize::from(tombstone) + kv) as u64 + ENTRY_OVERHEAD_BYTES
    }

    /// A revision was written.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn entry_added(
        &mut self,
        key_len: usize,
        create: i64,
        modified: i64,
        version: i64,
        value_len: usize,
        lease: i64,
        tombstone: bool,
    ) {
        self.data_bytes += Self::entry_cost(key_len, create, modified, version, value_len, lease, tombstone);
        self.grow();
    }

    fn entry_removed(&mut self, key: &[u8], e: &crate::key_index::EntryView<'_>) {
        let (create, modified) = if e.tombstone { (0, 0) } else { (e.create_revision, e.rev.main) };
        let cost =
            Self::entry_cost(key.len(), create, modified, e.version, e.value.len(), e.lease, e.tombstone);
        self.data_bytes = self.data_bytes.saturating_sub(cost);
    }

    pub(crate) fn lease_added(&mut self) {
        self.leases += 1;
        self.grow();
    }

    pub(crate) fn lease_removed(&mut self) {
        self.leases = self.leases.saturating_sub(1);
    }

    fn in_use(&self) -> u64 {
        let data = self.data_bytes + self.leases * LEASE_BYTES;
        FIXED_IN_USE_BYTES + (data * 10 / 9).div_ceil(PAGE_BYTES).max(1) * PAGE_BYTES
    }

    fn grow(&mut self) {
        self.db_size = self.db_size.max(self.in_use());
    }

    pub(crate) fn set_db_size(&mut self, size: u64) {
        self.db_size = size.max(self.in_use());
    }
}

impl Store {
    /// Compacts at `rev`: for every key, keeps the newest revision at or
    /// below `rev` (a tombstone at exactly `rev` included) and everything
    /// after it. Reads below `rev` then fail with
    /// [`Error::Compacted`]. Compacting at or below the compacted revision
    /// fails with [`Error::Compacted`]; above the current one, with
    /// [`Error::FutureRev`].
    pub fn compact(&mut self, rev: i64) -> Result<CompactionResponse> {
        if rev <= self.compact_main_rev {
            return Err(Error::Compacted);
        }
        if rev > self.current_rev {
            return Err(Error::FutureRev);
        }
        self.compact_main_rev = rev;
        let size = &mut self.size;
        self.index.compact(rev, &mut |key, e| size.entry_removed(key, &e));
        Ok(CompactionResponse { header: ResponseHeader::at(self.current_rev) })
    }

    /// `etcdutl snapshot restore --bump-revision by [--mark-compacted]`:
    /// raises the revision by `by` (so revisions the old cluster's clients
    /// saw are not handed out again) and, if asked, marks the store
    /// compacted at the new revision (so their watches and caches resync).
    /// A revision past the range a snapshot may hold is refused.
    pub fn bump_revision(&mut self, by: u64, mark_compacted: bool) -> Result<()> {
        let by = i64::try_from(by).unwrap_or(i64::MAX);
        let rev = self.current_rev.saturating_add(by);
        if rev > i64::MAX / 2 {
            return Err(Error::Snapshot("corrupt snapshot: revisions out of range".into()));
        }
        self.current_rev = rev;
        if mark_compacted {
            self.compact_main_rev = rev;
        }
        Ok(())
    }

    /// The modelled size of the database file, in bytes.
    pub fn size(&self) -> u64 {
        self.size.db_size.max(BASE_BYTES)
    }

    /// The modelled bytes of the file in use; the rest is free pages.
    pub fn size_in_use(&self) -> u64 {
        self.size.in_use()
    }

    /// Defragments: the file shrinks to what is in use. Returns the new size.
    pub fn defrag(&mut self) -> u64 {
        self.size.db_size = self.size.in_use();
        self.size()
    }

    /// An estimate of the heap bytes the store holds (index, values,
    /// leases), from lengths and capacities; for the memory benchmarks.
    pub fn heap_bytes(&self) -> usize {
        self.index.heap_bytes() + self.lessor.len() * std::mem::size_of::<crate::lease::Lease>() * 2
    }
}

#[cfg(test)]
mod tests {
    use crate::Error;
    use crate::kv::PutRequest;
    use crate::store::Store;

    fn put(s: &mut Store, k: &str, v: &str) {
        s.put(&PutRequest { key: k.into(), value: v.into(), ..Default::default() }).unwrap();
    }

    #[test]
    fn size_grows_with_history_and_defrag_returns_to_in_use() {
        let mut s = Store::default();
        assert_eq!((s.size(), s.size_in_use()), (20480, 16384));
        for i in 0..5 {
            put(&mut s, "k", &i.to_string());
        }
        assert_eq!((s.size(), s.size_in_use()), (20480, 16384));
        for i in 0..200 {
            put(&mut s, "k", &format!("{i:0100}"));
        }
        let before = s.size();
        assert!(before > 20480 && s.size_in_use() == before);
        s.compact(s.current_revision()).unwrap();
        assert!(s.size_in_use() < before);
        assert_eq!(s.size(), before);
        assert_eq!(s.defrag(), s.size_in_use().max(20480));
        assert_eq!(s.size(), s.size_in_use().max(20480));
    }

    #[test]
    fn compact_errors_follow_etcd() {
        let mut s = Store::default();
        put(&mut s, "a", "1");
        assert_eq!(s.compact(3), Err(Error::FutureRev));
        s.compact(2).unwrap();
        assert_eq!(s.compact(2), Err(Error::Compacted));
        assert_eq!(s.compact(1), Err(Error::Compacted));
        assert_eq!(s.compacted_revision(), 2);
    }
}
