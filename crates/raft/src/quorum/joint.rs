//! Joint quorum: two majorities (incoming and outgoing) that must both agree,
//! used while membership moves through a joint configuration.
//!
//! ```text
//! (1 2 3)&&(1 2 4): commit needs a majority of {1,2,3} AND of {1,2,4}
//! ```

use slim::{VecMap, VecSet};

use super::{AckedIndexer, MajorityConfig, VoteResult};

/// `[incoming, outgoing]`; the outgoing half is empty outside joint consensus.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JointConfig {
    /// The new (or only) voters.
    pub incoming: MajorityConfig,
    /// The old voters while joint; empty otherwise.
    pub outgoing: MajorityConfig,
}

impl JointConfig {
    /// Every voter of either half.
    pub fn ids(&self) -> VecSet<u64> {
        let mut ids = self.incoming.ids().clone();
        ids.extend(self.outgoing.ids());
        ids
    }

    /// True if `id` votes in either half.
    pub fn contains(&self, id: u64) -> bool {
        self.incoming.contains(id) || self.outgoing.contains(id)
    }

    /// True while in a joint configuration.
    pub fn is_joint(&self) -> bool {
        !self.outgoing.is_empty()
    }

    /// Highest index committed by both halves.
    pub fn committed_index(&self, l: &impl AckedIndexer) -> u64 {
        self.incoming.committed_index(l).min(self.outgoing.committed_index(l))
    }

    /// Won only if both halves win; lost if either loses.
    pub fn vote_result(&self, votes: &VecMap<u64, bool>) -> VoteResult {
        let r1 = self.incoming.vote_result(votes);
        let r2 = self.outgoing.vote_result(votes);
        if r1 == r2 {
            return r1;
        }
        if r1 == VoteResult::Lost || r2 == VoteResult::Lost {
            return VoteResult::Lost;
        }
        VoteResult::Pending
    }
}

impl std::fmt::Display for JointConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.incoming)?;
        if !self.outgoing.is_empty() {
            write!(f, "&&{}", self.outgoing)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn joint(a: &[u64], b: &[u64]) -> JointConfig {
        JointConfig {
            incoming: MajorityConfig::new(a.iter().copied().collect()),
            outgoing: MajorityConfig::new(b.iter().copied().collect()),
        }
    }

    #[test]
    fn committed_is_min_of_halves() {
        let acked: BTreeMap<u64, u64> = [(1, 10), (2, 10), (3, 4), (4, 2)].into_iter().collect();
        assert_eq!(joint(&[1, 2, 3], &[]).committed_index(&acked), 10);
        assert_eq!(joint(&[1, 2, 3], &[3, 4, 5]).committed_index(&acked), 2);
        assert_eq!(joint(&[1, 2, 3], &[1, 3, 4]).committed_index(&acked), 4);
    }

    #[test]
    fn votes_need_both_halves() {
        let v = |p: &[(u64, bool)]| p.iter().copied().collect::<VecMap<_, _>>();
        let j = joint(&[1, 2, 3], &[3, 4, 5]);
        assert_eq!(j.vote_result(&v(&[(1, true), (2, true)])), VoteResult::Pending);
        assert_eq!(j.vote_result(&v(&[(1, true), (2, true), (3, true), (4, true)])), VoteResult::Won);
        assert_eq!(j.vote_result(&v(&[(1, true), (2, true), (4, false), (5, false)])), VoteResult::Lost);
        assert_eq!(j.to_string(), "(1 2 3)&&(3 4 5)");
    }
}
