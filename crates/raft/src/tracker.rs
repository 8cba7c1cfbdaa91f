//! The leader's bookkeeping: the active configuration (voters, learners),
//! every member's `Progress`, and the votes of an election in progress.

pub mod inflights;
pub mod progress;

use slim::{VecMap, VecSet};

pub use inflights::Inflights;
pub use progress::{Progress, ProgressState};

use crate::confchange_types::ConfState;
use crate::quorum::{AckedIndexer, JointConfig, VoteResult};

/// Every member's progress, by id.
pub type ProgressMap = VecMap<u64, Progress>;

struct MatchAck<'a>(&'a ProgressMap);

impl AckedIndexer for MatchAck<'_> {
    fn acked_index(&self, id: u64) -> Option<u64> {
        self.0.get(&id).map(|p| p.matched)
    }
}

/// The membership configuration.
///
/// Learners and voters are disjoint. A voter being demoted while joint sits
/// in `learners_next` (it still votes in the outgoing half) and becomes a
/// learner when the joint configuration is left.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrackerConfig {
    /// Voters (incoming and outgoing halves).
    pub voters: JointConfig,
    /// Leave the joint configuration automatically.
    pub auto_leave: bool,
    /// Non-voting members.
    pub learners: VecSet<u64>,
    /// Learners-to-be once the joint configuration is left.
    pub learners_next: VecSet<u64>,
}

impl std::fmt::Display for TrackerConfig {
    /// etcd's form: `voters=(1 2 3)&&(1 2) learners=(4) learners_next=(3) autoleave`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        fn set(s: &VecSet<u64>) -> String {
            let ids: Vec<String> = s.iter().map(|id| format!("{id:x}")).collect();
            format!("({})", ids.join(" "))
        }
        write!(f, "voters={}", self.voters)?;
        if !self.learners.is_empty() {
            write!(f, " learners={}", set(&self.learners))?;
        }
        if !self.learners_next.is_empty() {
            write!(f, " learners_next={}", set(&self.learners_next))?;
        }
        if self.auto_leave {
            f.write_str(" autoleave")?;
        }
        Ok(())
    }
}

/// Configuration, progress and votes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressTracker {
    /// Current configuration.
    pub config: TrackerConfig,
    /// Progress of every voter and learner.
    pub progress: ProgressMap,
    /// Votes received in the current election.
    pub votes: VecMap<u64, bool>,
    /// Inflight window size for new progress entries.
    pub max_inflight: usize,
}

impl ProgressTracker {
    /// An empty tracker.
    pub fn new(max_inflight: usize) -> Self {
        ProgressTracker {
            config: TrackerConfig::default(),
            progress: VecMap::new(),
            votes: VecMap::new(),
            max_inflight,
        }
    }

    /// The configuration as persisted in snapshots.
    pub fn conf_state(&self) -> ConfState {
        ConfState {
            voters: self.config.voters.incoming.ids().iter().copied().collect(),
            voters_outgoing: self.config.voters.outgoing.ids().iter().copied().collect(),
            learners: self.config.learners.iter().copied().collect(),
            learners_next: self.config.learners_next.iter().copied().collect(),
            auto_leave: self.config.auto_leave,
        }
    }

    /// True when there is exactly one voter and no joint configuration.
    pub fn is_singleton(&self) -> bool {
        self.config.voters.incoming.len() == 1 && self.config.voters.outgoing.is_empty()
    }

    /// The highest index committed by the current configuration, from the
    /// members' match indexes.
    pub fn committed(&self) -> u64 {
        self.config.voters.committed_index(&MatchAck(&self.progress))
    }

    /// True if a quorum of voters was active since the last check (the
    /// leader counts itself as active).
    pub fn quorum_active(&self) -> bool {
        let mut votes: VecMap<u64, bool> = VecMap::new();
        votes.extend(
            self.progress.iter().filter(|(_, p)| !p.is_learner).map(|(&id, p)| (id, p.recent_active)),
        );
        self.config.voters.vote_result(&votes) == VoteResult::Won
    }

    /// Voter ids, sorted.
    pub fn voter_nodes(&self) -> Vec<u64> {
        self.config.voters.ids().into_iter().collect()
    }

    /// Learner ids, sorted.
    pub fn learner_nodes(&self) -> Vec<u64> {
        self.config.learners.iter().copied().collect()
    }

    /// Clears the votes of the previous election.
    pub fn reset_votes(&mut self) {
        self.votes.clear();
    }

    /// Records `id`'s vote (the first one counts).
    pub fn record_vote(&mut self, id: u64, granted: bool) {
        self.votes.get_or_insert_with(id, || granted);
    }

    /// `(granted, rejected, result)` of the current election.
    pub fn tally_votes(&self) -> (usize, usize, VoteResult) {
        let mut granted = 0;
        let mut rejected = 0;
        for (id, pr) in &self.progress {
            if pr.is_learner {
                continue;
            }
            match self.votes.get(id) {
                Some(true) => granted += 1,
                Some(false) => rejected += 1,
                None => {}
            }
        }
        (granted, rejected, self.config.voters.vote_result(&self.votes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quorum::MajorityConfig;

    fn tracker(voters: &[u64]) -> ProgressTracker {
        let mut t = ProgressTracker::new(8);
        t.config.voters.incoming = MajorityConfig::new(voters.iter().copied().collect());
        for &id in voters {
            t.progress.insert(id, Progress::new(1, 8));
        }
        t
    }

    #[test]
    fn committed_and_votes() {
        let mut t = tracker(&[1, 2, 3]);
        t.progress.get_mut(&1).unwrap().matched = 5;
        t.progress.get_mut(&2).unwrap().matched = 3;
        assert_eq!(t.committed(), 3);
        t.record_vote(1, true);
        t.record_vote(1, false);
        t.record_vote(2, false);
        assert_eq!(t.tally_votes(), (1, 1, VoteResult::Pending));
        t.record_vote(3, true);
        assert_eq!(t.tally_votes().2, VoteResult::Won);
    }

    #[test]
    fn quorum_active_counts_voters_only() {
        let mut t = tracker(&[1, 2, 3]);
        t.progress.get_mut(&1).unwrap().recent_active = true;
        assert!(!t.quorum_active());
        let mut l = Progress::new(1, 8);
        l.is_learner = true;
        l.recent_active = true;
        t.progress.insert(4, l);
        t.config.learners.insert(4);
        assert!(!t.quorum_active());
        t.progress.get_mut(&3).unwrap().recent_active = true;
        assert!(t.quorum_active());
        assert_eq!(t.config.to_string(), "voters=(1 2 3) learners=(4)");
    }
}
