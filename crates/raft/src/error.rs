//! The crate's error type: every failure a caller can see, with etcd-raft's messages.

use thiserror::Error;

/// Errors returned by the raft library. Messages follow etcd-io/raft's
/// wording so that what the console prints matches etcd.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Error {
    /// The requested index is older than the storage's first index.
    #[error("requested index is unavailable due to compaction")]
    Compacted,
    /// The requested snapshot is older than the one already held.
    #[error("requested index is older than the existing snapshot")]
    SnapOutOfDate,
    /// The requested entries are not (yet) in storage.
    #[error("requested entry at index is unavailable")]
    Unavailable,
    /// The storage cannot produce a snapshot right now.
    #[error("snapshot is temporarily unavailable")]
    SnapshotTemporarilyUnavailable,
    /// A proposal was dropped: no leader, forwarding disabled, a leader
    /// transfer in progress, the uncommitted-size limit, or removal.
    #[error("raft proposal dropped")]
    ProposalDropped,
    /// A local-only message (MsgHup, MsgBeat, ...) was passed to `step`.
    #[error("raft: cannot step raft local message")]
    StepLocalMsg,
    /// A response came from a peer that is not in the configuration.
    #[error("raft: cannot step as peer not found")]
    StepPeerNotFound,
    /// A message from a peer is malformed (the text says how); it was
    /// ignored.
    #[error("raft: malformed message: {0}")]
    MalformedMessage(String),
    /// The configuration is invalid (the text says why).
    #[error("{0}")]
    ConfigInvalid(String),
    /// A configuration change could not be applied (the text says why).
    #[error("{0}")]
    ConfChangeInvalid(String),
    /// Stored state is inconsistent with the log (the text says why).
    #[error("{0}")]
    StoreInvalid(String),
}

/// Result alias used throughout the crate.
pub type Result<T> = std::result::Result<T, Error>;
