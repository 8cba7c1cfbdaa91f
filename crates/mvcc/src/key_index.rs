//! The history of one key: a list of generations of revisions.
//!
//! A [`KeyIndex`] keeps every retained revision of one key, grouped into
//! *generations*. A generation starts with the put that creates the key and
//! ends with the delete (the *tombstone*) that removes it; re-creating the key
//! starts a new generation, whose version restarts at 1 and whose
//! `create_revision` is the new put's. The last generation is the live one;
//! it is empty while the key does not exist.
//!
//! Unlike etcd, which keeps values in a separate backend keyed by revision,
//! each revision here carries its value and lease next to it, so that a read
//! is one lookup in the ordered index.
//!
//! # Worked example
//!
//! `put(1.0); put(2.0); tombstone(3.0); put(4.0); tombstone(5.0)` on key
//! `foo` gives:
//!
//! ```text
//! key:      "foo"
//! modified: 5.0
//! generations:
//!     {empty}                   <- the live generation: foo does not exist
//!     {4.0, 5.0(t)}             created 4.0, ver 2
//!     {1.0, 2.0, 3.0(t)}        created 1.0, ver 3
//! ```
//!
//! Reading at a revision finds the generation that was live then: at 2 the
//! answer is 2.0 (version 2, created 1); at 3 there is none (3.0 is the
//! tombstone, so the key was deleted); at 4 it is 4.0 (version 1, created 4).
//!
//! Compacting at `rev` removes, in each generation, the revisions at or below
//! `rev` except the largest one; a generation whose tombstone lies below
//! `rev` is removed whole; when nothing but an empty generation is left the
//! key is dropped from the index:
//!
//! ```text
//! compact(2)                compact(3)                compact(4)
//!     {empty}                   {empty}                   {empty}
//!     {4.0, 5.0(t)}             {4.0, 5.0(t)}             {4.0, 5.0(t)}
//!     {2.0, 3.0(t)}             {3.0(t)}
//!
//! compact(5)                compact(6)
//!     {empty}                   {empty}   -> the key is removed
//!     {5.0(t)}
//! ```
//!
//! A tombstone at exactly the compaction revision therefore survives (a
//! watcher starting at that revision still sees the delete) until a later
//! compaction removes it. For hashing, [`KeyIndex::keep`] leaves such a
//! tombstone out, as etcd does, so hashes agree across versions.

use crate::kv::KeyValue;
use crate::revision::Revision;

/// One retained revision of a key, with the data written at it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevEntry {
    /// When the change happened.
    pub rev: Revision,
    /// The value written (empty for a tombstone).
    pub value: Vec<u8>,
    /// The lease attached by the write (0 for none and for a tombstone).
    pub lease: i64,
}

/// A generation's revisions, oldest first. The newest is kept inline, so
/// reading a key's current value follows no extra pointer and a key with
/// a single revision allocates nothing for it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Revs {
    older: Vec<RevEntry>,
    newest: Option<RevEntry>,
}

impl Revs {
    /// How many revisions there are.
    pub fn len(&self) -> usize {
        self.older.len() + usize::from(self.newest.is_some())
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.newest.is_none()
    }

    /// The oldest.
    pub fn first(&self) -> Option<&RevEntry> {
        self.older.first().or(self.newest.as_ref())
    }

    /// The newest.
    pub fn last(&self) -> Option<&RevEntry> {
        self.newest.as_ref()
    }

    /// Oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &RevEntry> + '_ {
        self.older.iter().chain(self.newest.iter())
    }

    /// Appends a newer revision.
    pub fn push(&mut self, e: RevEntry) {
        if let Some(prev) = self.newest.replace(e) {
            self.older.push(prev);
        }
    }

    /// How many revisions, from the oldest, satisfy `pred` (which must be
    /// true for a prefix and false after it).
    pub fn partition_point(&self, pred: impl Fn(&RevEntry) -> bool) -> usize {
        let n = self.older.partition_point(&pred);
        if n == self.older.len() && self.newest.as_ref().is_some_and(&pred) { n + 1 } else { n }
    }

    /// Removes the `n` oldest revisions and gives back spare room.
    pub fn drain_front(&mut self, n: usize) {
        if n > self.older.len() {
            self.older.clear();
            self.newest = None;
        } else {
            self.older.drain(..n);
        }
        if self.older.capacity() > 2 * self.older.len() {
            self.older.shrink_to_fit();
        }
    }

    /// Heap bytes held, values included.
    pub fn heap_bytes(&self) -> usize {
        self.older.capacity() * std::mem::size_of::<RevEntry>()
            + self.iter().map(|e| e.value.capacity()).sum::<usize>()
    }
}

impl From<Vec<RevEntry>> for Revs {
    fn from(mut older: Vec<RevEntry>) -> Self {
        let newest = older.pop();
        Revs { older, newest }
    }
}

impl std::ops::Index<usize> for Revs {
    type Output = RevEntry;

    fn index(&self, i: usize) -> &RevEntry {
        match self.older.get(i) {
            Some(e) => e,
            None => {
                assert!(i == self.older.len(), "revision {i} out of bounds");
                self.newest.as_ref().expect("revision out of bounds")
            }
        }
    }
}

impl std::ops::IndexMut<usize> for Revs {
    fn index_mut(&mut self, i: usize) -> &mut RevEntry {
        let n = self.older.len();
        match self.older.get_mut(i) {
            Some(e) => e,
            None => {
                assert!(i == n, "revision {i} out of bounds");
                self.newest.as_mut().expect("revision out of bounds")
            }
        }
    }
}

/// The revisions of one life of a key, from creation to deletion.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Generation {
    /// How many revisions this generation has seen, tombstone included,
    /// including revisions since removed by compaction.
    pub ver: i64,
    /// The revision of the put that created this generation.
    pub created: Revision,
    /// Retained revisions, oldest first. In every generation but the last,
    /// the last entry is the tombstone.
    pub revs: Revs,
}

impl Generation {
    /// The version (1 for the creating put) of the entry at `idx`.
    pub fn version_at(&self, idx: usize) -> i64 {
        self.ver - (self.revs.len() - 1 - idx) as i64
    }

    /// The index of the last entry whose `main` is at or below `at`.
    fn last_at_or_below(&self, at: i64) -> Option<usize> {
        let n = self.revs.partition_point(|e| e.rev.main <= at);
        n.checked_sub(1)
    }
}

/// A view of one retained entry, as [`KeyIndex::entries`] yields them.
#[derive(Clone, Copy, Debug)]
pub struct EntryView<'a> {
    /// When the change happened.
    pub rev: Revision,
    /// Whether this entry is a delete.
    pub tombstone: bool,
    /// The value written (empty for a tombstone).
    pub value: &'a [u8],
    /// The lease attached (0 for none).
    pub lease: i64,
    /// The generation's create revision (0 for a tombstone).
    pub create_revision: i64,
    /// The key's version at this entry (0 for a tombstone).
    pub version: i64,
}

impl EntryView<'_> {
    /// The key-value record etcd stores for this entry: a tombstone is a
    /// record with only the key set.
    pub fn to_kv(&self, key: &[u8]) -> KeyValue {
        if self.tombstone {
            return KeyValue { key: key.to_vec(), ..KeyValue::default() };
        }
        KeyValue {
            key: key.to_vec(),
            create_revision: self.create_revision,
            mod_revision: self.rev.main,
            version: self.version,
            value: self.value.to_vec(),
            lease: self.lease,
        }
    }
}

/// The history of one key. See the module documentation for an example.
///
/// Generations are numbered from 0 (the oldest retained) to
/// [`KeyIndex::generation_count`]` - 1` (the live one). The live generation
/// is kept inline, so reading a key's current value follows one pointer
/// fewer than a list of generations would.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct KeyIndex {
    /// The revision of the last change to the key.
    pub modified: Revision,
    /// Generations before the live one, oldest first; each ends with its
    /// tombstone.
    pub past: Vec<Generation>,
    /// The live generation: empty while the key does not exist.
    pub live: Generation,
}

impl KeyIndex {
    /// A key with no history: one empty generation.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many generations there are, the live one included.
    pub fn generation_count(&self) -> usize {
        self.past.len() + 1
    }

    /// Generation `gi` (0 is the oldest; the last is the live one).
    pub fn generation(&self, gi: usize) -> &Generation {
        self.past.get(gi).unwrap_or(&self.live)
    }

    fn generation_mut(&mut self, gi: usize) -> &mut Generation {
        match self.past.get_mut(gi) {
            Some(g) => g,
            None => &mut self.live,
        }
    }

    /// Every generation, oldest first, the live one last.
    pub fn generations(&self) -> impl Iterator<Item = &Generation> + '_ {
        self.past.iter().chain(std::iter::once(&self.live))
    }

    /// Whether nothing is retained: a single empty generation.
    pub fn is_empty(&self) -> bool {
        self.past.is_empty() && self.live.revs.is_empty()
    }

    /// Whether the key exists now (its live generation is not empty).
    pub fn is_live(&self) -> bool {
        !self.live.revs.is_empty()
    }

    /// Records a put at `rev`. The store hands out revisions in increasing
    /// order; a smaller one is a broken invariant.
    pub fn put(&mut self, rev: Revision, value: Vec<u8>, lease: i64) {
        assert!(rev > self.modified, "put at {rev} after {}", self.modified);
        let g = &mut self.live;
        if g.revs.is_empty() {
            g.created = rev;
        }
        g.revs.push(RevEntry { rev, value, lease });
        g.ver += 1;
        self.modified = rev;
    }

    /// Records a delete at `rev` and opens a new, empty generation. Returns
    /// false (and changes nothing) when the key does not exist.
    pub fn tombstone(&mut self, rev: Revision) -> bool {
        if !self.is_live() {
            return false;
        }
        self.put(rev, Vec::new(), 0);
        let ended = std::mem::take(&mut self.live);
        self.past.push(ended);
        true
    }

    /// The generation that was live at `at`, if the key existed then.
    fn find_generation(&self, at: i64) -> Option<usize> {
        let last = self.past.len();
        for gi in (0..=last).rev() {
            let g = self.generation(gi);
            let (Some(first), Some(end)) = (g.revs.first(), g.revs.last()) else {
                continue;
            };
            if gi != last && end.rev.main <= at {
                // The tombstone is at or before `at`: deleted by then.
                return None;
            }
            if first.rev.main <= at {
                return Some(gi);
            }
        }
        None
    }

    /// The entry visible at `at`: generation and position, or `None` when
    /// the key did not exist at `at`.
    pub fn get(&self, at: i64) -> Option<(usize, usize)> {
        // Fast path: the live generation's newest revision is visible.
        if let Some(e) = self.live.revs.last()
            && e.rev.main <= at
        {
            return Some((self.past.len(), self.live.revs.len() - 1));
        }
        let gi = self.find_generation(at)?;
        let idx = self.generation(gi).last_at_or_below(at)?;
        Some((gi, idx))
    }

    /// The key-value pair visible at `at`.
    pub fn kv_at(&self, key: &[u8], at: i64) -> Option<KeyValue> {
        let (gi, idx) = self.get(at)?;
        Some(self.view(gi, idx).to_kv(key))
    }

    /// A view of the entry at generation `gi`, position `idx`.
    pub fn view(&self, gi: usize, idx: usize) -> EntryView<'_> {
        let g = self.generation(gi);
        let e = &g.revs[idx];
        let tombstone = gi < self.past.len() && idx + 1 == g.revs.len();
        EntryView {
            rev: e.rev,
            tombstone,
            value: &e.value,
            lease: e.lease,
            create_revision: if tombstone { 0 } else { g.created.main },
            version: if tombstone { 0 } else { g.version_at(idx) },
        }
    }

    /// Every retained entry, oldest first.
    pub fn entries(&self) -> impl Iterator<Item = EntryView<'_>> + '_ {
        (0..self.generation_count())
            .flat_map(move |gi| (0..self.generation(gi).revs.len()).map(move |i| self.view(gi, i)))
    }

    /// Entries with `main >= since`, oldest first (what a watcher replays).
    pub fn since(&self, since: i64) -> impl Iterator<Item = EntryView<'_>> + '_ {
        self.entries().filter(move |e| e.rev.main >= since)
    }

    /// etcd's `doCompact`: the first generation that contains `at` or was
    /// created after it, and the position of its last revision at or below
    /// `at`.
    fn compact_point(&self, at: i64) -> (usize, Option<usize>) {
        let mut gi = 0;
        while gi < self.past.len() {
            let tomb = self.past[gi].revs.last().map_or(i64::MAX, |e| e.rev.main);
            if tomb >= at {
                break;
            }
            gi += 1;
        }
        (gi, self.generation(gi).last_at_or_below(at))
    }

    /// Compacts at `at`: removes revisions at or below `at` except the
    /// newest one of the generation that contains `at`, and every older
    /// generation. `removed` sees each entry before it goes. Returns whether
    /// the key is now empty and should leave the index.
    pub fn compact(&mut self, at: i64, removed: &mut dyn FnMut(EntryView<'_>)) -> bool {
        let (gi, idx) = self.compact_point(at);
        for g in 0..gi {
            for i in 0..self.past[g].revs.len() {
                removed(self.view(g, i));
            }
        }
        if let Some(idx) = idx {
            for i in 0..idx {
                removed(self.view(gi, i));
            }
            self.generation_mut(gi).revs.drain_front(idx);
        }
        self.past.drain(..gi);
        self.is_empty()
    }

    /// The revision a compaction at `at` would keep for this key, leaving
    /// out a tombstone at the compaction point (etcd's `keep`, used by
    /// `hash_kv`).
    pub fn keep(&self, at: i64) -> Option<Revision> {
        if self.is_empty() {
            return None;
        }
        let (gi, idx) = self.compact_point(at);
        let g = self.generation(gi);
        let idx = idx?;
        if idx + 1 == g.revs.len() && gi < self.past.len() {
            return None;
        }
        Some(g.revs[idx].rev)
    }

    /// Checks the structural invariants (used when restoring a snapshot):
    /// something is retained, past generations are not empty, revisions
    /// strictly increase, `ver` covers the retained revisions, tombstones
    /// carry no value and no lease, `modified` is the newest revision.
    pub fn validate(&self) -> std::result::Result<(), String> {
        if self.is_empty() {
            return Err("key with no revision".into());
        }
        let mut prev = Revision::new(0, -1);
        for (gi, g) in self.generations().enumerate() {
            let past = gi < self.past.len();
            if g.revs.is_empty() && past {
                return Err("empty generation before the live one".into());
            }
            if g.ver < g.revs.len() as i64 {
                return Err("generation version below its revision count".into());
            }
            if let Some(first) = g.revs.first()
                && g.created > first.rev
            {
                return Err("generation created after its first revision".into());
            }
            for (i, e) in g.revs.iter().enumerate() {
                if e.rev <= prev || e.rev.main < 1 || e.rev.sub < 0 {
                    return Err(format!("revision {} out of order", e.rev));
                }
                prev = e.rev;
                let tomb = past && i + 1 == g.revs.len();
                if tomb && (!e.value.is_empty() || e.lease != 0) {
                    return Err(format!("tombstone {} carries data", e.rev));
                }
            }
        }
        if self.modified != prev {
            return Err("modified revision is not the newest".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(main: i64) -> Revision {
        Revision::new(main, 0)
    }

    /// The module's example: put 1, put 2, delete 3, put 4, delete 5.
    fn example() -> KeyIndex {
        let mut ki = KeyIndex::new();
        ki.put(r(1), b"a".to_vec(), 0);
        ki.put(r(2), b"b".to_vec(), 0);
        assert!(ki.tombstone(r(3)));
        ki.put(r(4), b"c".to_vec(), 0);
        assert!(ki.tombstone(r(5)));
        ki
    }

    fn shape(ki: &KeyIndex) -> Vec<Vec<i64>> {
        ki.generations().map(|g| g.revs.iter().map(|e| e.rev.main).collect()).collect()
    }

    #[test]
    fn get_finds_the_generation_live_at_a_revision() {
        let mut ki = example();
        assert_eq!(ki.get(0), None);
        let kv = ki.kv_at(b"foo", 2).unwrap();
        assert_eq!((kv.mod_revision, kv.create_revision, kv.version), (2, 1, 2));
        assert_eq!(ki.get(3), None);
        let kv = ki.kv_at(b"foo", 4).unwrap();
        assert_eq!((kv.mod_revision, kv.create_revision, kv.version), (4, 4, 1));
        assert_eq!(ki.get(5), None);
        assert_eq!(ki.get(100), None);
        assert!(!ki.tombstone(r(6)), "no tombstone on a deleted key");
    }

    #[test]
    fn compaction_walks_the_documented_example() {
        let cases: [(i64, Vec<Vec<i64>>); 5] = [
            (2, vec![vec![2, 3], vec![4, 5], vec![]]),
            (3, vec![vec![3], vec![4, 5], vec![]]),
            (4, vec![vec![4, 5], vec![]]),
            (5, vec![vec![5], vec![]]),
            (6, vec![vec![]]),
        ];
        for (at, want) in cases {
            let mut ki = example();
            let mut removed = 0;
            let empty = ki.compact(at, &mut |_| removed += 1);
            assert_eq!(shape(&ki), want, "compact({at})");
            assert_eq!(empty, at == 6);
            assert_eq!(removed, 5 - want.iter().map(Vec::len).sum::<usize>());
            if !empty {
                ki.validate().unwrap();
            }
        }
    }

    #[test]
    fn compaction_keeps_versions_readable() {
        let mut ki = KeyIndex::new();
        for m in 1..=5 {
            ki.put(r(m), vec![m as u8], 0);
        }
        ki.compact(3, &mut |_| {});
        assert_eq!(shape(&ki), vec![vec![3, 4, 5]]);
        let kv = ki.kv_at(b"k", 4).unwrap();
        assert_eq!((kv.version, kv.create_revision), (4, 1));
        assert_eq!(ki.kv_at(b"k", 3).unwrap().version, 3);
    }

    #[test]
    fn keep_leaves_out_a_tombstone_at_the_compaction_point() {
        let ki = example();
        assert_eq!(ki.keep(2), Some(r(2)));
        assert_eq!(ki.keep(3), None);
        assert_eq!(ki.keep(4), Some(r(4)));
        assert_eq!(ki.keep(5), None);
        assert_eq!(ki.keep(6), None);
        let mut live = KeyIndex::new();
        live.put(r(7), vec![], 0);
        assert_eq!(live.keep(9), Some(r(7)));
        assert_eq!(live.keep(6), None);
    }

    #[test]
    fn revs_keep_the_newest_inline() {
        let e = |m| RevEntry { rev: r(m), value: vec![], lease: 0 };
        let mut revs = Revs::default();
        assert_eq!((revs.len(), revs.first(), revs.partition_point(|_| true)), (0, None, 0));
        revs.push(e(1));
        assert_eq!((revs.len(), revs.first(), revs.last()), (1, Some(&e(1)), Some(&e(1))));
        revs.push(e(2));
        revs.push(e(3));
        assert_eq!(revs.partition_point(|x| x.rev.main <= 2), 2);
        assert_eq!(revs.partition_point(|x| x.rev.main <= 3), 3);
        assert_eq!(revs[2], e(3));
        revs.drain_front(2);
        assert_eq!(revs.iter().cloned().collect::<Vec<_>>(), vec![e(3)]);
        assert_eq!(Revs::from(vec![e(1), e(2)]).iter().count(), 2);
    }

    #[test]
    fn validate_rejects_broken_structures() {
        let mut ki = example();
        ki.past[1].revs[0].rev = r(1);
        assert!(ki.validate().is_err());
        let mut ki = example();
        ki.past[0].revs[2].value = b"x".to_vec();
        assert!(ki.validate().is_err());
        assert!(KeyIndex::new().validate().is_err());
        let mut ki = example();
        ki.past.push(Generation::default());
        assert!(ki.validate().is_err());
    }
}
