//! A simple majority of voters: commit index is the highest index acked by
//! more than half; an election is won by more than half.
//!
//! ```text
//! voters (1 2 3 4 5), acked: 1:9 2:7 3:5 4:3 5:- (missing = 0)
//! sorted: [0 3 5 7 9] -> quorum 3 -> committed = 5
//! ```

use slim::{VecMap, VecSet};

use super::{AckedIndexer, VoteResult};

/// A set of voters deciding by simple majority.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MajorityConfig {
    voters: VecSet<u64>,
}

impl MajorityConfig {
    /// A majority over `voters`.
    pub fn new(voters: VecSet<u64>) -> Self {
        MajorityConfig { voters }
    }

    /// The voters.
    pub fn ids(&self) -> &VecSet<u64> {
        &self.voters
    }

    /// Mutable access to the voters.
    pub fn ids_mut(&mut self) -> &mut VecSet<u64> {
        &mut self.voters
    }

    /// Number of voters.
    pub fn len(&self) -> usize {
        self.voters.len()
    }

    /// True with no voters.
    pub fn is_empty(&self) -> bool {
        self.voters.is_empty()
    }

    /// True if `id` votes here.
    pub fn contains(&self, id: u64) -> bool {
        self.voters.contains(&id)
    }

    /// The largest index acked by a majority. An empty configuration
    /// returns `u64::MAX` so that it never limits a joint configuration.
    pub fn committed_index(&self, l: &impl AckedIndexer) -> u64 {
        let n = self.voters.len();
        if n == 0 {
            return u64::MAX;
        }
        let mut srt: Vec<u64> = self.voters.iter().map(|&id| l.acked_index(id).unwrap_or(0)).collect();
        // Insertion sort: a handful of voters, and no copy of std's sort
        // in the web app's wasm for it.
        for i in 1..n {
            let mut j = i;
            while j > 0 && srt[j - 1] > srt[j] {
                srt.swap(j - 1, j);
                j -= 1;
            }
        }
        srt[n - (n / 2 + 1)]
    }

    /// Counts `votes` (true: granted). An empty configuration wins, which
    /// makes joint quorums with an empty half behave as the other half.
    pub fn vote_result(&self, votes: &VecMap<u64, bool>) -> VoteResult {
        if self.voters.is_empty() {
            return VoteResult::Won;
        }
        let (mut yes, mut missing) = (0, 0);
        for id in &self.voters {
            match votes.get(id) {
                Some(true) => yes += 1,
                Some(false) => {}
                None => missing += 1,
            }
        }
        let q = self.voters.len() / 2 + 1;
        if yes >= q {
            VoteResult::Won
        } else if yes + missing >= q {
            VoteResult::Pending
        } else {
            VoteResult::Lost
        }
    }
}

impl std::fmt::Display for MajorityConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<String> = self.voters.iter().map(|id| format!("{id:x}")).collect();
        write!(f, "({})", ids.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};

    fn cfg(ids: &[u64]) -> MajorityConfig {
        MajorityConfig::new(ids.iter().copied().collect())
    }

    #[test]
    fn committed_examples() {
        let acked: BTreeMap<u64, u64> = [(1, 9), (2, 7), (3, 5), (4, 3)].into_iter().collect();
        assert_eq!(cfg(&[1, 2, 3, 4, 5]).committed_index(&acked), 5);
        assert_eq!(cfg(&[1]).committed_index(&acked), 9);
        assert_eq!(cfg(&[1, 2]).committed_index(&acked), 7);
        assert_eq!(cfg(&[]).committed_index(&acked), u64::MAX);
    }

    #[test]
    fn vote_examples() {
        let c = cfg(&[1, 2, 3]);
        let v = |p: &[(u64, bool)]| p.iter().copied().collect::<VecMap<_, _>>();
        assert_eq!(c.vote_result(&v(&[])), VoteResult::Pending);
        assert_eq!(c.vote_result(&v(&[(1, true), (2, true)])), VoteResult::Won);
        assert_eq!(c.vote_result(&v(&[(1, false), (2, false)])), VoteResult::Lost);
        assert_eq!(c.vote_result(&v(&[(1, true), (2, false)])), VoteResult::Pending);
        assert_eq!(cfg(&[]).vote_result(&v(&[])), VoteResult::Won);
    }

    /// The deliberately simple model: the largest index such that at least
    /// a majority of voters acked it or more.
    fn model_committed(ids: &BTreeSet<u64>, acked: &BTreeMap<u64, u64>) -> u64 {
        if ids.is_empty() {
            return u64::MAX;
        }
        let candidates: BTreeSet<u64> = ids.iter().map(|id| acked.get(id).copied().unwrap_or(0)).collect();
        candidates
            .into_iter()
            .filter(|&idx| {
                ids.iter().filter(|id| acked.get(id).copied().unwrap_or(0) >= idx).count() > ids.len() / 2
            })
            .max()
            .unwrap_or(0)
    }

    proptest! {
        #[test]
        fn committed_matches_model(ids in proptest::collection::btree_set(1u64..8, 0..7),
                                   acked in proptest::collection::btree_map(1u64..8, 0u64..20, 0..7)) {
            let c = MajorityConfig::new(ids.iter().copied().collect());
            prop_assert_eq!(c.committed_index(&acked), model_committed(&ids, &acked));
        }
    }
}
