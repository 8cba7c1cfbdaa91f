//! The `Storage` trait raft reads its stable log through, and `MemoryStorage`,
//! an in-memory implementation (the one the playground's nodes use).
//!
//! Layout of `MemoryStorage`: `ents[0]` is a dummy entry standing for the
//! snapshot (its index and term are the snapshot's), so after
//! `apply_snapshot(index 10, term 2)` and `append(11..=13)`:
//!
//! ```text
//! ents:  [ 2/10 (dummy) | 2/11 | 3/12 | 3/13 ]
//! first_index() = 11, last_index() = 13, term(10) = 2, term(9) = Compacted
//! compact(12) -> [ 3/12 (dummy) | 3/13 ], first_index() = 13
//! ```

use crate::confchange_types::ConfState;
use crate::error::{Error, Result};
use crate::message::{Entry, HardState, Snapshot};

/// Read access to the persisted log. Errors other than `Compacted`,
/// `Unavailable` and `SnapshotTemporarilyUnavailable` are treated by raft as
/// broken storage.
pub trait Storage {
    /// The persisted hard state and configuration at start-up.
    fn initial_state(&self) -> Result<(HardState, ConfState)>;
    /// Entries in `[lo, hi)`, at most `max_size` bytes but at least one.
    fn entries(&self, lo: u64, hi: u64, max_size: u64) -> Result<Vec<Entry>>;
    /// Term of entry `i`, for `i` in `[first_index() - 1, last_index()]`.
    fn term(&self, i: u64) -> Result<u64>;
    /// Index of the first entry still available (older ones are compacted).
    fn first_index(&self) -> Result<u64>;
    /// Index of the last entry.
    fn last_index(&self) -> Result<u64>;
    /// The most recent snapshot.
    fn snapshot(&self) -> Result<Snapshot>;
}

/// Keeps `ents` so that at least one entry is returned and the total size
/// stays within `max_size`.
pub(crate) fn limit_size(ents: &mut Vec<Entry>, max_size: u64) {
    if ents.len() <= 1 {
        return;
    }
    let mut size = 0u64;
    let mut keep = 0usize;
    for e in ents.iter() {
        size = size.saturating_add(e.size());
        if keep > 0 && size > max_size {
            break;
        }
        keep += 1;
    }
    ents.truncate(keep);
}

/// An in-memory `Storage`. The application appends entries and sets the hard
/// state after each `Ready`, applies received snapshots, and may create
/// snapshots and compact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryStorage {
    hard_state: HardState,
    snapshot: Snapshot,
    ents: Vec<Entry>,
}

impl Default for MemoryStorage {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryStorage {
    /// An empty storage with an empty configuration.
    pub fn new() -> Self {
        MemoryStorage {
            hard_state: HardState::default(),
            snapshot: Snapshot::default(),
            ents: vec![Entry::default()],
        }
    }

    /// An empty storage whose initial configuration is `cs` (held by an
    /// index-0 snapshot). Convenient for fixed-membership clusters; where
    /// members may be added later, start with `MemoryStorage::new()` and
    /// `RawNode::bootstrap` instead, so that the initial membership is in
    /// the log a joining member replicates.
    pub fn new_with_conf_state(cs: ConfState) -> Self {
        let mut s = Self::new();
        s.snapshot.metadata.conf_state = cs;
        s
    }

    /// The persisted hard state.
    pub fn hard_state(&self) -> HardState {
        self.hard_state
    }

    /// Persists the hard state.
    pub fn set_hard_state(&mut self, hs: HardState) {
        self.hard_state = hs;
    }

    /// Persists the commit index alone.
    pub fn set_commit(&mut self, commit: u64) {
        self.hard_state.commit = commit;
    }

    fn offset(&self) -> u64 {
        self.ents[0].index
    }

    fn last(&self) -> u64 {
        self.offset() + self.ents.len() as u64 - 1
    }

    /// Replaces the contents with a snapshot (received from the leader).
    pub fn apply_snapshot(&mut self, snap: Snapshot) -> Result<()> {
        if self.snapshot.metadata.index >= snap.metadata.index {
            return Err(Error::SnapOutOfDate);
        }
        self.ents =
            vec![Entry { term: snap.metadata.term, index: snap.metadata.index, ..Default::default() }];
        self.snapshot = snap;
        Ok(())
    }

    /// Records a snapshot of the applied state at `index` (which must be in
    /// the log). `cs` defaults to the previous snapshot's configuration.
    pub fn create_snapshot(&mut self, index: u64, cs: Option<ConfState>, data: Vec<u8>) -> Result<Snapshot> {
        if index <= self.snapshot.metadata.index {
            return Err(Error::SnapOutOfDate);
        }
        if index > self.last() {
            return Err(Error::Unavailable);
        }
        self.snapshot.metadata.index = index;
        self.snapshot.metadata.term = self.ents[(index - self.offset()) as usize].term;
        if let Some(cs) = cs {
            self.snapshot.metadata.conf_state = cs;
        }
        self.snapshot.data = data;
        Ok(self.snapshot.clone())
    }

    /// Discards entries before `compact_index`; the entry at `compact_index`
    /// becomes the dummy. The application must not compact past applied.
    pub fn compact(&mut self, compact_index: u64) -> Result<()> {
        let offset = self.offset();
        if compact_index <= offset {
            return Err(Error::Compacted);
        }
        if compact_index > self.last() {
            return Err(Error::Unavailable);
        }
        let i = (compact_index - offset) as usize;
        self.ents.drain(..i);
        self.ents[0].data = Default::default();
        self.ents[0].entry_type = Default::default();
        Ok(())
    }

    /// Appends entries, replacing any conflicting suffix. Entries before the
    /// first index are ignored; a gap after the last index is an error.
    pub fn append(&mut self, ents: &[Entry]) -> Result<()> {
        let Some(first_new) = ents.first() else { return Ok(()) };
        let first = self.offset() + 1;
        let last_new = first_new.index + ents.len() as u64 - 1;
        if last_new < first {
            return Ok(());
        }
        let ents = if first > first_new.index { &ents[(first - first_new.index) as usize..] } else { ents };
        let offset = (ents[0].index - self.offset()) as usize;
        if offset > self.ents.len() {
            return Err(Error::StoreInvalid(format!(
                "missing log entry [last: {}, append at: {}]",
                self.last(),
                ents[0].index
            )));
        }
        self.ents.truncate(offset);
        self.ents.extend_from_slice(ents);
        Ok(())
    }

    /// All stored entries (after the dummy), for inspection.
    pub fn all_entries(&self) -> &[Entry] {
        &self.ents[1..]
    }
}

impl Storage for MemoryStorage {
    fn initial_state(&self) -> Result<(HardState, ConfState)> {
        Ok((self.hard_state, self.snapshot.metadata.conf_state.clone()))
    }

    fn entries(&self, lo: u64, hi: u64, max_size: u64) -> Result<Vec<Entry>> {
        let offset = self.offset();
        if lo <= offset {
            return Err(Error::Compacted);
        }
        if hi > self.last() + 1 || lo > hi {
            return Err(Error::Unavailable);
        }
        let mut out = self.ents[(lo - offset) as usize..(hi - offset) as usize].to_vec();
        limit_size(&mut out, max_size);
        Ok(out)
    }

    fn term(&self, i: u64) -> Result<u64> {
        let offset = self.offset();
        if i < offset {
            return Err(Error::Compacted);
        }
        match self.ents.get((i - offset) as usize) {
            Some(e) => Ok(e.term),
            None => Err(Error::Unavailable),
        }
    }

    fn first_index(&self) -> Result<u64> {
        Ok(self.offset() + 1)
    }

    fn last_index(&self) -> Result<u64> {
        Ok(self.last())
    }

    fn snapshot(&self) -> Result<Snapshot> {
        Ok(self.snapshot.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ent(term: u64, index: u64) -> Entry {
        Entry { term, index, ..Default::default() }
    }

    fn storage(ents: &[(u64, u64)]) -> MemoryStorage {
        let mut s = MemoryStorage::new();
        s.ents = ents.iter().map(|&(i, t)| ent(t, i)).collect();
        s
    }

    #[test]
    fn term_and_bounds() {
        let s = storage(&[(3, 3), (4, 4), (5, 5)]);
        assert_eq!(s.term(2), Err(Error::Compacted));
        assert_eq!(s.term(3), Ok(3));
        assert_eq!(s.term(5), Ok(5));
        assert_eq!(s.term(6), Err(Error::Unavailable));
        assert_eq!(s.first_index(), Ok(4));
        assert_eq!(s.last_index(), Ok(5));
    }

    #[test]
    fn entries_limits() {
        let s = storage(&[(3, 3), (4, 4), (5, 5), (6, 6)]);
        assert_eq!(s.entries(2, 6, u64::MAX), Err(Error::Compacted));
        assert_eq!(s.entries(3, 4, u64::MAX), Err(Error::Compacted));
        assert_eq!(s.entries(4, 5, u64::MAX).unwrap(), vec![ent(4, 4)]);
        assert_eq!(s.entries(4, 7, u64::MAX).unwrap().len(), 3);
        assert_eq!(s.entries(4, 7, 0).unwrap().len(), 1, "at least one entry");
        let sz = ent(4, 4).size() * 2;
        assert_eq!(s.entries(4, 7, sz).unwrap().len(), 2);
        assert_eq!(s.entries(4, 8, u64::MAX), Err(Error::Unavailable));
    }

    #[test]
    fn compact_and_snapshot() {
        let mut s = storage(&[(3, 3), (4, 4), (5, 5)]);
        assert_eq!(s.compact(2), Err(Error::Compacted));
        assert_eq!(s.compact(3), Err(Error::Compacted));
        s.compact(4).unwrap();
        assert_eq!(s.first_index(), Ok(5));
        assert_eq!(s.term(4), Ok(4));
        assert_eq!(s.compact(9), Err(Error::Unavailable));
        let snap = s.create_snapshot(5, Some(ConfState::from_voters([1, 2])), b"d".to_vec()).unwrap();
        assert_eq!((snap.metadata.index, snap.metadata.term), (5, 5));
        assert_eq!(s.create_snapshot(5, None, vec![]), Err(Error::SnapOutOfDate));
        let mut t = MemoryStorage::new();
        t.apply_snapshot(snap.clone()).unwrap();
        assert_eq!(t.first_index(), Ok(6));
        assert_eq!(t.apply_snapshot(snap), Err(Error::SnapOutOfDate));
    }

    #[test]
    fn append_truncates_and_rejects_gaps() {
        let mut s = storage(&[(3, 3), (4, 4), (5, 5)]);
        s.append(&[ent(6, 4), ent(6, 5)]).unwrap();
        assert_eq!(s.all_entries(), &[ent(6, 4), ent(6, 5)]);
        s.append(&[ent(1, 1), ent(1, 2)]).unwrap();
        assert_eq!(s.last_index(), Ok(5), "entries before first index ignored");
        s.append(&[ent(6, 6)]).unwrap();
        assert_eq!(s.last_index(), Ok(6));
        assert!(s.append(&[ent(6, 9)]).is_err());
    }
}
