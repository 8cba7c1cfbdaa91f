//! The ordered index of every key: key bytes to [`KeyIndex`].
//!
//! A range is `[key, end)` in byte order, with etcd's conventions: an empty
//! `end` means the single key `key`, and `end == [0]` ("\0") means every key
//! at or after `key`. Iteration is in key order, never in hash order.

use std::collections::BTreeMap;
use std::ops::Bound;

use crate::key_index::{EntryView, KeyIndex};
use crate::kv::KeyValue;
use crate::revision::Revision;

/// Which keys a range covers, decoded from etcd's `(key, range_end)` pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyRange<'a> {
    /// Exactly one key.
    Single(&'a [u8]),
    /// Every key at or after the first, before the second (if any).
    Span(&'a [u8], Option<&'a [u8]>),
    /// No key (the end is at or before the start).
    Empty,
}

impl<'a> KeyRange<'a> {
    /// Decodes etcd's `(key, range_end)`.
    pub fn new(key: &'a [u8], end: &'a [u8]) -> Self {
        match end {
            [] => KeyRange::Single(key),
            [0] => KeyRange::Span(key, None),
            end if key < end => KeyRange::Span(key, Some(end)),
            _ => KeyRange::Empty,
        }
    }

    /// Whether `k` is inside the range.
    pub fn contains(&self, k: &[u8]) -> bool {
        match *self {
            KeyRange::Single(key) => k == key,
            KeyRange::Span(start, end) => k >= start && end.is_none_or(|e| k < e),
            KeyRange::Empty => false,
        }
    }
}

/// Every key's history, in key order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TreeIndex {
    keys: BTreeMap<Vec<u8>, KeyIndex>,
}

impl TreeIndex {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many keys have retained history (live or not).
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether no key has retained history.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The history of one key.
    pub fn key_index(&self, key: &[u8]) -> Option<&KeyIndex> {
        self.keys.get(key)
    }

    /// Every key with its history, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&Vec<u8>, &KeyIndex)> {
        self.keys.iter()
    }

    /// The keys (with history) inside a range, in key order.
    pub fn range<'s>(
        &'s self,
        range: KeyRange<'_>,
    ) -> Box<dyn Iterator<Item = (&'s Vec<u8>, &'s KeyIndex)> + 's> {
        match range {
            KeyRange::Single(key) => Box::new(self.keys.get_key_value(key).into_iter()),
            KeyRange::Span(start, end) => {
                let upper = end.map_or(Bound::Unbounded, Bound::Excluded);
                Box::new(self.keys.range::<[u8], _>((Bound::Included(start), upper)))
            }
            KeyRange::Empty => Box::new(std::iter::empty()),
        }
    }

    /// The pair visible at `at` for one key.
    pub fn get(&self, key: &[u8], at: i64) -> Option<KeyValue> {
        self.keys.get(key)?.kv_at(key, at)
    }

    /// The pairs visible at `at` in a range, at most `limit` of them
    /// (0: no limit), and how many there are in all.
    pub fn range_kvs(&self, range: KeyRange<'_>, at: i64, limit: usize) -> (Vec<KeyValue>, usize) {
        let mut kvs = Vec::new();
        let mut total = 0;
        let mut visit = |key: &Vec<u8>, ki: &KeyIndex| {
            if let Some((gi, idx)) = ki.get(at) {
                total += 1;
                if limit == 0 || kvs.len() < limit {
                    kvs.push(ki.view(gi, idx).to_kv(key));
                }
            }
        };
        match range {
            KeyRange::Single(key) => {
                if let Some((k, ki)) = self.keys.get_key_value(key) {
                    visit(k, ki);
                }
            }
            KeyRange::Span(start, end) => {
                let upper = end.map_or(Bound::Unbounded, Bound::Excluded);
                for (k, ki) in self.keys.range::<[u8], _>((Bound::Included(start), upper)) {
                    visit(k, ki);
                }
            }
            KeyRange::Empty => {}
        }
        (kvs, total)
    }

    /// How many keys in a range were live at `at`.
    pub fn count(&self, range: KeyRange<'_>, at: i64) -> usize {
        self.range(range).filter(|(_, ki)| ki.get(at).is_some()).count()
    }

    /// The keys in a range that are live at `at`, in key order.
    pub fn live_keys(&self, range: KeyRange<'_>, at: i64) -> Vec<Vec<u8>> {
        self.range(range).filter(|(_, ki)| ki.get(at).is_some()).map(|(k, _)| k.clone()).collect()
    }

    /// Records a put; returns the key's create revision and version after
    /// it, and the lease the key had before it (0 if none or not live).
    pub fn put(&mut self, key: &[u8], rev: Revision, value: Vec<u8>, lease: i64) -> (i64, i64, i64) {
        // One search: copying the key is cheaper than a second descent of
        // the tree when the key is new.
        let ki = self.keys.entry(key.to_vec()).or_default();
        let old_lease = ki.live.revs.last().map_or(0, |e| e.lease);
        ki.put(rev, value, lease);
        (ki.live.created.main, ki.live.ver, old_lease)
    }

    /// Records a delete; returns false when the key is not live.
    pub fn tombstone(&mut self, key: &[u8], rev: Revision) -> bool {
        self.keys.get_mut(key).is_some_and(|ki| ki.tombstone(rev))
    }

    /// Compacts every key at `at`; `removed` sees every dropped entry.
    pub fn compact(&mut self, at: i64, removed: &mut dyn FnMut(&[u8], EntryView<'_>)) {
        self.keys.retain(|key, ki| !ki.compact(at, &mut |e| removed(key, e)));
    }

    /// For each key, the revision a compaction at `at` keeps (etcd's
    /// `treeIndex.Keep`).
    pub fn keep(&self, at: i64) -> std::collections::BTreeSet<Revision> {
        let mut keep = std::collections::BTreeSet::new();
        keep.extend(self.keys.values().filter_map(|ki| ki.keep(at)));
        keep
    }

    /// Inserts a whole key history (snapshot restore).
    pub fn insert(&mut self, key: Vec<u8>, ki: KeyIndex) {
        self.keys.insert(key, ki);
    }

    /// An estimate of the heap bytes held, from lengths and capacities.
    pub fn heap_bytes(&self) -> usize {
        use crate::key_index::Generation;
        // A B-tree node holds up to 11 entries; assume two thirds full.
        let per_entry_node = (std::mem::size_of::<Vec<u8>>() + std::mem::size_of::<KeyIndex>()) * 3 / 2;
        self.keys
            .iter()
            .map(|(k, ki)| {
                let revs: usize = ki.generations().map(|g| g.revs.heap_bytes()).sum();
                per_entry_node + k.capacity() + ki.past.capacity() * std::mem::size_of::<Generation>() + revs
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_ranges_follow_etcd_conventions() {
        assert_eq!(KeyRange::new(b"a", b""), KeyRange::Single(b"a"));
        assert_eq!(KeyRange::new(b"a", b"\0"), KeyRange::Span(b"a", None));
        assert_eq!(KeyRange::new(b"b", b"a"), KeyRange::Empty);
        assert_eq!(KeyRange::new(b"a", b"a"), KeyRange::Empty);
        let r = KeyRange::new(b"a", b"c");
        assert!(r.contains(b"a") && r.contains(b"b\xff") && !r.contains(b"c"));
    }

    #[test]
    fn range_counts_all_and_returns_up_to_the_limit() {
        let mut idx = TreeIndex::new();
        for (i, k) in [b"a", b"b", b"c", b"d"].iter().enumerate() {
            idx.put(*k, Revision::new(i as i64 + 2, 0), vec![], 0);
        }
        idx.tombstone(b"b", Revision::new(6, 0));
        let (kvs, total) = idx.range_kvs(KeyRange::new(b"a", b"\0"), 6, 2);
        assert_eq!(total, 3);
        assert_eq!(kvs.iter().map(|k| k.key.clone()).collect::<Vec<_>>(), [b"a", b"c"]);
        assert_eq!(idx.count(KeyRange::new(b"a", b"\0"), 5), 4);
        assert_eq!(idx.live_keys(KeyRange::new(b"a", b"c"), 6), vec![b"a".to_vec()]);
        idx.compact(6, &mut |_, _| {});
        assert_eq!(idx.len(), 4, "the tombstone at 6 survives compact(6)");
        idx.compact(7, &mut |_, _| {});
        assert_eq!(idx.len(), 3);
    }
}
