//! What a member shows the simulator and the UI: [`MemberStatus`], a
//! read-only picture of its raft state, store and alarms.

use serde::{Deserialize, Serialize};

use crate::config::PeerInfo;
use crate::response::AlarmMember;

/// Everything about one member, for display and for checkers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberStatus {
    /// Member ID.
    pub id: u64,
    /// Member name.
    pub name: String,
    /// Cluster ID.
    pub cluster_id: u64,
    /// The raft node's status.
    pub raft: raft::Status,
    /// The leader it knows (0: none).
    pub leader: u64,
    /// Raft term.
    pub term: u64,
    /// Raft commit index.
    pub commit: u64,
    /// Applied index.
    pub applied: u64,
    /// Store revision.
    pub revision: i64,
    /// Compacted revision (0: never).
    pub compact_revision: i64,
    /// Backend size.
    pub db_size: u64,
    /// Backend size in use.
    pub db_size_in_use: u64,
    /// Active alarms.
    pub alarms: Vec<AlarmMember>,
    /// Whether it is a learner.
    pub is_learner: bool,
    /// Leases held.
    pub leases: usize,
    /// Open watch streams served by this member.
    pub watchers: usize,
    /// Index of the last raft snapshot.
    pub last_snapshot_index: u64,
    /// The membership as this member knows it.
    pub members: Vec<PeerInfo>,
    /// Whether auth is enabled.
    pub auth_enabled: bool,
    /// Whether this member was removed from the cluster (it is stopped).
    pub removed: bool,
    /// Client requests waiting for an answer.
    pub pending_requests: usize,
}
