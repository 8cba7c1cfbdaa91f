//! The raft log: the stable part read through `Storage` followed by the
//! unstable part (`Unstable`), with the commit and applied cursors.
//!
//! ```text
//!   first_index            applied   committed          last_index
//!       |   storage (stable)  |          |  unstable      |
//!   [ snapshot ] 11 12 13 14 15 16 17 18 19 20 21 22 23 24
//!   invariant: applied <= committed <= last_index
//! ```

use crate::error::{Error, Result};
use crate::log_unstable::Unstable;
use crate::message::{Entry, Snapshot};
use crate::storage::{Storage, limit_size};

/// The log raft reasons about.
#[derive(Debug, Clone)]
pub struct RaftLog<S> {
    /// Stable entries and snapshots.
    pub store: S,
    /// Entries and snapshot not yet persisted.
    pub unstable: Unstable,
    /// Highest index known to be committed.
    pub committed: u64,
    /// Highest index the application has applied.
    pub applied: u64,
    /// Byte budget for committed entries handed out in one Ready.
    pub max_next_ents_size: u64,
}

impl<S: Storage> RaftLog<S> {
    /// Opens the log over `store`.
    pub fn new(store: S, max_next_ents_size: u64) -> Result<Self> {
        let first = store.first_index()?;
        let last = store.last_index()?;
        Ok(RaftLog {
            store,
            unstable: Unstable { offset: last + 1, ..Default::default() },
            committed: first - 1,
            applied: first - 1,
            max_next_ents_size,
        })
    }

    /// First index still in the log.
    pub fn first_index(&self) -> u64 {
        match self.unstable.maybe_first_index() {
            Some(i) => i,
            None => self.store.first_index().expect("storage first_index failed"),
        }
    }

    /// Last index in the log.
    pub fn last_index(&self) -> u64 {
        match self.unstable.maybe_last_index() {
            Some(i) => i,
            None => self.store.last_index().expect("storage last_index failed"),
        }
    }

    /// Term of the last entry.
    pub fn last_term(&self) -> u64 {
        self.term(self.last_index()).expect("term of last index must be known")
    }

    /// Term of entry `i`: `Compacted` below the first index - 1,
    /// `Unavailable` past the last index.
    pub fn term(&self, i: u64) -> Result<u64> {
        let dummy = self.first_index() - 1;
        if i < dummy {
            return Err(Error::Compacted);
        }
        if i > self.last_index() {
            return Err(Error::Unavailable);
        }
        if let Some(t) = self.unstable.maybe_term(i) {
            return Ok(t);
        }
        match self.store.term(i) {
            Ok(t) => Ok(t),
            Err(e @ (Error::Compacted | Error::Unavailable)) => Err(e),
            Err(e) => panic!("storage term({i}) failed: {e}"),
        }
    }

    /// Term of entry `i`, or 0 when it is out of bounds.
    pub fn zero_term_on_out_of_bounds(&self, r: Result<u64>) -> u64 {
        r.unwrap_or(0)
    }

    /// True when entry `i` has term `t`.
    pub fn match_term(&self, i: u64, t: u64) -> bool {
        self.term(i).is_ok_and(|x| x == t)
    }

    /// Raft's "at least as up-to-date" comparison (paper §5.4.1).
    pub fn is_up_to_date(&self, lasti: u64, term: u64) -> bool {
        let lt = self.last_term();
        term > lt || (term == lt && lasti >= self.last_index())
    }

    /// Follower side of MsgApp: if the entry at `index` has `log_term`,
    /// append `ents` (truncating conflicts), advance commit to
    /// `min(committed, last new index)` and return the last new index.
    pub fn maybe_append(&mut self, index: u64, log_term: u64, committed: u64, ents: &[Entry]) -> Option<u64> {
        if !self.match_term(index, log_term) {
            return None;
        }
        let last_new = index + ents.len() as u64;
        let ci = self.find_conflict(ents);
        if ci != 0 {
            assert!(
                ci > self.committed,
                "entry {ci} conflicts with committed entry [committed({})]",
                self.committed
            );
            let start = (ci - (index + 1)) as usize;
            self.append(&ents[start..]);
        }
        self.commit_to(committed.min(last_new));
        Some(last_new)
    }

    /// Appends entries after any conflicting suffix; returns the last index.
    pub fn append(&mut self, ents: &[Entry]) -> u64 {
        let Some(first) = ents.first() else { return self.last_index() };
        let after = first.index - 1;
        assert!(after >= self.committed, "after({after}) is out of range [committed({})]", self.committed);
        self.unstable.truncate_and_append(ents);
        self.last_index()
    }

    /// Index of the first entry of `ents` whose term differs from ours (or
    /// that we lack), 0 when all match.
    pub fn find_conflict(&self, ents: &[Entry]) -> u64 {
        ents.iter().find(|e| !self.match_term(e.index, e.term)).map_or(0, |e| e.index)
    }

    /// Fast backtracking: the largest `(index, term)` at or below `index`
    /// whose term is <= `term`. Used by a rejecting follower to build its hint
    /// and by the leader to jump over a whole term of mismatching entries.
    /// Returns term 0 when the term is unknown (compacted).
    pub fn find_conflict_by_term(&self, mut index: u64, term: u64) -> (u64, u64) {
        while index > 0 {
            match self.term(index) {
                Ok(t) if t <= term => return (index, t),
                Ok(_) => index -= 1,
                Err(_) => return (index, 0),
            }
        }
        (0, 0)
    }

    /// Unpersisted entries.
    pub fn unstable_entries(&self) -> &[Entry] {
        &self.unstable.entries
    }

    /// Committed entries not yet applied, within the size budget.
    pub fn next_committed_entries(&self) -> Vec<Entry> {
        let off = (self.applied + 1).max(self.first_index());
        if self.committed + 1 > off {
            return self
                .slice(off, self.committed + 1, self.max_next_ents_size)
                .expect("unexpected error getting unapplied entries");
        }
        Vec::new()
    }

    /// True when committed entries await application.
    pub fn has_next_committed_entries(&self) -> bool {
        self.committed + 1 > (self.applied + 1).max(self.first_index())
    }

    /// True when a received snapshot awaits persistence.
    pub fn has_pending_snapshot(&self) -> bool {
        self.unstable.snapshot.as_ref().is_some_and(|s| !s.is_empty())
    }

    /// The newest snapshot (pending or stored).
    pub fn snapshot(&self) -> Result<Snapshot> {
        match &self.unstable.snapshot {
            Some(s) => Ok(s.clone()),
            None => self.store.snapshot(),
        }
    }

    /// Moves the commit index forward (never back). The index must exist.
    pub fn commit_to(&mut self, to_commit: u64) {
        if self.committed < to_commit {
            assert!(
                self.last_index() >= to_commit,
                "tocommit({to_commit}) is out of range [lastIndex({})]. Was the raft log corrupted, truncated, or lost?",
                self.last_index()
            );
            self.committed = to_commit;
        }
    }

    /// Leader: commit `max_index` if it is from `term` (paper §5.4.2).
    pub fn maybe_commit(&mut self, max_index: u64, term: u64) -> bool {
        if max_index > self.committed && self.zero_term_on_out_of_bounds(self.term(max_index)) == term {
            self.commit_to(max_index);
            return true;
        }
        false
    }

    /// The application has applied up to `i`.
    pub fn applied_to(&mut self, i: u64) {
        if i == 0 {
            return;
        }
        assert!(
            self.committed >= i && i >= self.applied,
            "applied({i}) is out of range [prevApplied({}), committed({})]",
            self.applied,
            self.committed
        );
        self.applied = i;
    }

    /// Entries up to `(i, t)` were persisted.
    pub fn stable_to(&mut self, i: u64, t: u64) {
        self.unstable.stable_to(i, t);
    }

    /// The snapshot at `i` was persisted.
    pub fn stable_snap_to(&mut self, i: u64) {
        self.unstable.stable_snap_to(i);
    }

    /// Replaces the log with a snapshot.
    pub fn restore(&mut self, s: Snapshot) {
        self.committed = s.metadata.index;
        self.unstable.restore(s);
    }

    /// Entries from `i` on, at most `max_size` bytes (at least one).
    pub fn entries(&self, i: u64, max_size: u64) -> Result<Vec<Entry>> {
        if i > self.last_index() {
            return Ok(Vec::new());
        }
        self.slice(i, self.last_index() + 1, max_size)
    }

    /// Every entry from the first index (for tests and inspection).
    pub fn all_entries(&self) -> Vec<Entry> {
        match self.entries(self.first_index(), u64::MAX) {
            Ok(e) => e,
            // The log may be compacted concurrently by the application.
            Err(Error::Compacted) => self.all_entries(),
            Err(e) => panic!("{e}"),
        }
    }

    /// Entries in `[lo, hi)`, at most `max_size` bytes (at least one).
    pub fn slice(&self, lo: u64, hi: u64, max_size: u64) -> Result<Vec<Entry>> {
        assert!(lo <= hi, "invalid slice {lo} > {hi}");
        let fi = self.first_index();
        if lo < fi {
            return Err(Error::Compacted);
        }
        let li = self.last_index();
        assert!(hi <= li + 1, "slice[{lo},{hi}) out of bound [{fi},{li}]");
        if lo == hi {
            return Ok(Vec::new());
        }
        let mut ents = Vec::new();
        let off = self.unstable.offset;
        if lo < off {
            let upper = hi.min(off);
            let stored = match self.store.entries(lo, upper, max_size) {
                Ok(s) => s,
                Err(Error::Compacted) => return Err(Error::Compacted),
                Err(e) => panic!("entries[{lo}:{upper}) is unavailable from storage: {e}"),
            };
            if (stored.len() as u64) < upper - lo {
                return Ok(stored);
            }
            ents = stored;
        }
        if hi > off {
            ents.extend(self.unstable.slice(lo.max(off), hi));
        }
        limit_size(&mut ents, max_size);
        Ok(ents)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::MemoryStorage;

    fn ent(term: u64, index: u64) -> Entry {
        Entry { term, index, ..Default::default() }
    }

    fn log_with(terms: &[u64]) -> RaftLog<MemoryStorage> {
        let mut s = MemoryStorage::new();
        let ents: Vec<Entry> = terms.iter().enumerate().map(|(i, &t)| ent(t, i as u64 + 1)).collect();
        s.append(&ents).unwrap();
        RaftLog::new(s, u64::MAX).unwrap()
    }

    #[test]
    fn find_conflict_cases() {
        let l = log_with(&[1, 2, 3]);
        assert_eq!(l.find_conflict(&[]), 0);
        assert_eq!(l.find_conflict(&[ent(1, 1), ent(2, 2), ent(3, 3)]), 0);
        assert_eq!(l.find_conflict(&[ent(2, 2), ent(3, 3), ent(4, 4)]), 4, "new entries");
        assert_eq!(l.find_conflict(&[ent(4, 2), ent(4, 3)]), 2, "conflict");
    }

    #[test]
    fn find_conflict_by_term_skips_a_term() {
        // index: 1 2 3 4 5 6
        // term:  1 1 4 4 5 5
        let l = log_with(&[1, 1, 4, 4, 5, 5]);
        assert_eq!(l.find_conflict_by_term(6, 3), (2, 1));
        assert_eq!(l.find_conflict_by_term(6, 4), (4, 4));
        assert_eq!(l.find_conflict_by_term(6, 5), (6, 5));
        assert_eq!(l.find_conflict_by_term(6, 0), (0, 0));
    }

    #[test]
    fn maybe_append_and_commit() {
        let mut l = log_with(&[1, 2, 3]);
        l.commit_to(1);
        assert_eq!(l.maybe_append(3, 2, 3, &[ent(4, 4)]), None, "term mismatch");
        assert_eq!(l.maybe_append(3, 3, 3, &[ent(4, 4)]), Some(4));
        assert_eq!(l.committed, 3);
        let mut l = log_with(&[1, 2, 3]);
        l.commit_to(1);
        assert_eq!(l.maybe_append(1, 1, 5, &[ent(4, 2)]), Some(2));
        assert_eq!(l.last_index(), 2, "conflicting suffix truncated");
        assert_eq!(l.committed, 2, "commit bounded by the last new entry");
        assert_eq!(l.maybe_append(1, 1, 1, &[]), Some(1));
        assert_eq!(l.committed, 2, "commit never goes back");
    }

    #[test]
    fn maybe_commit_only_current_term() {
        let mut l = log_with(&[1, 2, 2]);
        assert!(!l.maybe_commit(3, 3));
        assert!(l.maybe_commit(3, 2));
        assert_eq!(l.committed, 3);
    }

    #[test]
    fn unstable_then_stable() {
        let mut l = log_with(&[1, 1]);
        l.append(&[ent(2, 3), ent(2, 4)]);
        assert_eq!(l.unstable_entries().len(), 2);
        l.store.append(&[ent(2, 3)]).unwrap();
        l.stable_to(3, 2);
        assert_eq!(l.unstable_entries().len(), 1);
        assert_eq!(l.slice(1, 5, u64::MAX).unwrap().len(), 4);
        l.commit_to(4);
        assert_eq!(l.next_committed_entries().len(), 4);
        l.applied_to(4);
        assert!(!l.has_next_committed_entries());
    }

    /// Model test: the log (unstable tail over stable storage) behaves like
    /// a plain vector of terms under appends that truncate, persistence of
    /// any prefix, and commits.
    mod model {
        use super::*;
        use proptest::prelude::*;

        #[derive(Debug, Clone)]
        enum Op {
            /// Append `n` entries of `term` after index `at % (len + 1)`.
            Append { at: u64, n: u64, term: u64 },
            /// Persist the unstable entries.
            Persist,
            /// Commit up to `to % (len + 1)`.
            Commit { to: u64 },
        }

        fn op() -> impl Strategy<Value = Op> {
            prop_oneof![
                (0u64..20, 1u64..4, 1u64..5).prop_map(|(at, n, term)| Op::Append { at, n, term }),
                Just(Op::Persist),
                (0u64..20).prop_map(|to| Op::Commit { to }),
            ]
        }

        proptest! {
            #[test]
            fn log_matches_vector_model(ops in proptest::collection::vec(op(), 1..40)) {
                let mut log = RaftLog::new(MemoryStorage::new(), u64::MAX).unwrap();
                let mut model: Vec<u64> = Vec::new(); // model[i] = term of index i + 1
                for op in ops {
                    match op {
                        Op::Append { at, n, term } => {
                            let len = model.len() as u64;
                            let after = (at % (len + 1)).max(log.committed);
                            // Terms never decrease along the log.
                            let term = term.max(model.last().copied().unwrap_or(0));
                            let ents: Vec<Entry> = (0..n).map(|k| ent(term, after + 1 + k)).collect();
                            log.append(&ents);
                            model.truncate(after as usize);
                            model.extend(std::iter::repeat_n(term, n as usize));
                        }
                        Op::Persist => {
                            let ents = log.unstable_entries().to_vec();
                            log.store.append(&ents).unwrap();
                            if let Some(e) = ents.last() {
                                log.stable_to(e.index, e.term);
                            }
                            prop_assert!(log.unstable_entries().is_empty());
                        }
                        Op::Commit { to } => {
                            let to = to % (model.len() as u64 + 1);
                            log.commit_to(to);
                        }
                    }
                    prop_assert_eq!(log.last_index(), model.len() as u64);
                    let terms: Vec<u64> = log.all_entries().iter().map(|e| e.term).collect();
                    prop_assert_eq!(&terms, &model);
                    for (i, t) in model.iter().enumerate() {
                        prop_assert!(log.match_term(i as u64 + 1, *t));
                    }
                    prop_assert!(log.committed <= log.last_index());
                }
            }
        }
    }
}
