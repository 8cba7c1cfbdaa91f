//! Entries and a snapshot received but not yet persisted by the application.
//! `offset` is the index of `entries[0]`; the snapshot, if any, precedes it.
//!
//! ```text
//! storage: 1..=10 (stable)   unstable: snapshot? | entries[offset=11 ..]
//! ```

use crate::message::{Entry, Snapshot};

/// The not-yet-persisted tail of the log.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Unstable {
    /// A snapshot to persist, if one arrived.
    pub snapshot: Option<Snapshot>,
    /// Entries to persist, starting at `offset`.
    pub entries: Vec<Entry>,
    /// Index of `entries[0]`.
    pub offset: u64,
}

impl Unstable {
    /// First index if a snapshot is pending (`snapshot.index + 1`).
    pub fn maybe_first_index(&self) -> Option<u64> {
        self.snapshot.as_ref().map(|s| s.metadata.index + 1)
    }

    /// Last index held here (entries, else the snapshot's).
    pub fn maybe_last_index(&self) -> Option<u64> {
        if !self.entries.is_empty() {
            return Some(self.offset + self.entries.len() as u64 - 1);
        }
        self.snapshot.as_ref().map(|s| s.metadata.index)
    }

    /// Term of entry `i` if held here.
    pub fn maybe_term(&self, i: u64) -> Option<u64> {
        if i < self.offset {
            return self.snapshot.as_ref().filter(|s| s.metadata.index == i).map(|s| s.metadata.term);
        }
        let last = self.maybe_last_index()?;
        if i > last {
            return None;
        }
        self.entries.get((i - self.offset) as usize).map(|e| e.term)
    }

    /// Entries up to `i` (with term `t`) have been persisted.
    pub fn stable_to(&mut self, i: u64, t: u64) {
        let Some(gt) = self.maybe_term(i) else { return };
        // Only if the entry is still the same one (not replaced since).
        if gt == t && i >= self.offset {
            self.entries.drain(..(i + 1 - self.offset) as usize);
            self.offset = i + 1;
        }
    }

    /// The snapshot at `i` has been persisted.
    pub fn stable_snap_to(&mut self, i: u64) {
        if self.snapshot.as_ref().is_some_and(|s| s.metadata.index == i) {
            self.snapshot = None;
        }
    }

    /// Replaces everything with a snapshot.
    pub fn restore(&mut self, s: Snapshot) {
        self.offset = s.metadata.index + 1;
        self.entries.clear();
        self.snapshot = Some(s);
    }

    /// Appends entries, truncating any conflicting suffix first.
    pub fn truncate_and_append(&mut self, ents: &[Entry]) {
        let Some(first) = ents.first() else { return };
        let after = first.index;
        if after == self.offset + self.entries.len() as u64 {
            self.entries.extend_from_slice(ents);
        } else if after <= self.offset {
            // Replace all unstable entries (the log was truncated before them).
            self.offset = after;
            self.entries = ents.to_vec();
        } else {
            self.entries.truncate((after - self.offset) as usize);
            self.entries.extend_from_slice(ents);
        }
    }

    /// Entries in `[lo, hi)`; the range must lie within the unstable entries.
    pub fn slice(&self, lo: u64, hi: u64) -> Vec<Entry> {
        let upper = self.offset + self.entries.len() as u64;
        assert!(
            lo <= hi && self.offset <= lo && hi <= upper,
            "unstable.slice[{lo},{hi}) out of bound [{},{upper}]",
            self.offset
        );
        self.entries[(lo - self.offset) as usize..(hi - self.offset) as usize].to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ent(term: u64, index: u64) -> Entry {
        Entry { term, index, ..Default::default() }
    }

    fn snap(index: u64, term: u64) -> Snapshot {
        let mut s = Snapshot::default();
        s.metadata.index = index;
        s.metadata.term = term;
        s
    }

    #[test]
    fn indexes_and_terms() {
        let u = Unstable { snapshot: Some(snap(4, 1)), entries: vec![ent(1, 5)], offset: 5 };
        assert_eq!(u.maybe_first_index(), Some(5));
        assert_eq!(u.maybe_last_index(), Some(5));
        assert_eq!(u.maybe_term(4), Some(1));
        assert_eq!(u.maybe_term(5), Some(1));
        assert_eq!(u.maybe_term(6), None);
        assert_eq!(u.maybe_term(3), None);
        let empty = Unstable { offset: 5, ..Default::default() };
        assert_eq!(empty.maybe_last_index(), None);
    }

    #[test]
    fn stable_to_checks_term() {
        let mut u = Unstable { entries: vec![ent(1, 5), ent(1, 6)], offset: 5, snapshot: None };
        u.stable_to(5, 2);
        assert_eq!(u.offset, 5, "term mismatch: not stable");
        u.stable_to(5, 1);
        assert_eq!((u.offset, u.entries.len()), (6, 1));
        u.stable_to(4, 1);
        assert_eq!(u.offset, 6);
    }

    #[test]
    fn truncate_and_append_cases() {
        let base = Unstable { entries: vec![ent(1, 5), ent(1, 6), ent(1, 7)], offset: 5, snapshot: None };
        let mut u = base.clone();
        u.truncate_and_append(&[ent(1, 8)]);
        assert_eq!(u.entries.len(), 4);
        let mut u = base.clone();
        u.truncate_and_append(&[ent(2, 6), ent(2, 7)]);
        assert_eq!(u.entries, vec![ent(1, 5), ent(2, 6), ent(2, 7)]);
        let mut u = base;
        u.truncate_and_append(&[ent(2, 4)]);
        assert_eq!((u.offset, u.entries.clone()), (4, vec![ent(2, 4)]));
    }
}
