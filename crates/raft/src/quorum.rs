//! Quorum arithmetic, kept apart from the protocol: which index a
//! configuration has committed and whether an election is won. A
//! `MajorityConfig` is one set of voters; a `JointConfig` needs both of its
//! majorities (joint consensus, paper §6).

pub mod joint;
pub mod majority;

pub use joint::JointConfig;
pub use majority::MajorityConfig;

/// The outcome of counting votes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoteResult {
    /// Not decided yet: missing votes could still swing it.
    Pending,
    /// A quorum rejected.
    Lost,
    /// A quorum granted.
    Won,
}

/// Where each voter's log is known to be durable up to.
pub trait AckedIndexer {
    /// The acknowledged index of voter `id`, if known.
    fn acked_index(&self, id: u64) -> Option<u64>;
}

impl AckedIndexer for std::collections::BTreeMap<u64, u64> {
    fn acked_index(&self, id: u64) -> Option<u64> {
        self.get(&id).copied()
    }
}
