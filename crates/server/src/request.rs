//! What clients send a member: one [`ClientRequest`] per RPC (watch and
//! keep-alive open streams), mirroring etcd's gRPC services (KV, Lease,
//! Watch, Cluster, Maintenance, Auth).

use serde::{Deserialize, Serialize};

/// A request as it arrives at a member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientRequest {
    /// Unique per simulator; replies carry it.
    pub id: u64,
    /// What is asked.
    pub op: Request,
    /// The auth token from `Authenticate`, when the client has one.
    pub token: Option<String>,
}

/// Every RPC a member serves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Request {
    /// KV.Range; `serializable` answers from the local store.
    Range {
        /// The range.
        req: mvcc::RangeRequest,
        /// Serve locally, without ReadIndex.
        serializable: bool,
    },
    /// KV.Put.
    Put(mvcc::PutRequest),
    /// KV.DeleteRange.
    DeleteRange(mvcc::DeleteRangeRequest),
    /// KV.Txn.
    Txn(mvcc::TxnRequest),
    /// KV.Compact; `physical` waits for the compaction to be done on disk
    /// (here it always is when applied).
    Compact {
        /// The revision to compact at.
        revision: i64,
        /// `--physical`.
        physical: bool,
    },
    /// Lease.LeaseGrant (`id` 0: the member picks one).
    LeaseGrant {
        /// The TTL asked for.
        ttl_seconds: i64,
        /// The ID asked for.
        id: i64,
    },
    /// Lease.LeaseRevoke.
    LeaseRevoke {
        /// The lease.
        id: i64,
    },
    /// Lease.LeaseKeepAlive: a stream of renewals every TTL/3 until
    /// cancelled or the lease is gone.
    LeaseKeepAlive {
        /// The lease.
        id: i64,
    },
    /// Lease.LeaseTimeToLive.
    LeaseTimeToLive {
        /// The lease.
        id: i64,
        /// List the attached keys.
        keys: bool,
    },
    /// Lease.LeaseLeases.
    LeaseLeases,
    /// Watch: a stream of watch responses until cancelled.
    Watch(mvcc::WatchCreateRequest),
    /// A progress request on the watch opened by request `watch_request`.
    WatchProgress {
        /// The ID of the watch's `ClientRequest`.
        watch_request: u64,
    },
    /// Cluster.MemberList.
    MemberList,
    /// Cluster.MemberAdd.
    MemberAdd {
        /// The new member's peer URLs.
        peer_urls: Vec<String>,
        /// Add as a learner.
        is_learner: bool,
    },
    /// Cluster.MemberRemove.
    MemberRemove {
        /// The member.
        id: u64,
    },
    /// Cluster.MemberUpdate.
    MemberUpdate {
        /// The member.
        id: u64,
        /// Its new peer URLs.
        peer_urls: Vec<String>,
    },
    /// Cluster.MemberPromote.
    MemberPromote {
        /// The learner.
        id: u64,
    },
    /// Maintenance.Status.
    Status,
    /// Maintenance.HashKV (0: current revision).
    HashKv {
        /// The revision to hash up to.
        revision: i64,
    },
    /// Maintenance.Defragment of this member.
    Defrag,
    /// Maintenance.Alarm GET.
    AlarmList,
    /// Maintenance.Alarm DEACTIVATE (`member_id` 0 and `AlarmType::None`:
    /// every alarm, as `etcdctl alarm disarm` does).
    AlarmDisarm {
        /// The member whose alarm to clear (0: all).
        member_id: u64,
        /// The alarm (None: all).
        alarm: AlarmType,
    },
    /// Maintenance.MoveLeader (to be sent to the leader).
    MoveLeader {
        /// The new leader.
        target: u64,
    },
    /// Maintenance.Snapshot: the backend's bytes with a sha256.
    Snapshot,
    /// Auth.Authenticate.
    Authenticate {
        /// User.
        name: String,
        /// Password.
        password: String,
    },
    /// The rest of the Auth service.
    Auth(AuthRequest),
}

impl Request {
    /// Whether the reply is a stream.
    pub fn is_stream(&self) -> bool {
        matches!(self, Request::Watch(_) | Request::LeaseKeepAlive { .. })
    }
}

/// etcd's alarm types.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AlarmType {
    /// No alarm (in a disarm: every alarm).
    #[default]
    None,
    /// The backend quota is exhausted.
    NoSpace,
    /// Members disagree on their data.
    Corrupt,
}

impl std::fmt::Display for AlarmType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            AlarmType::None => "NONE",
            AlarmType::NoSpace => "NOSPACE",
            AlarmType::Corrupt => "CORRUPT",
        })
    }
}

/// What a key permission allows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum PermissionType {
    /// Reads.
    #[default]
    Read,
    /// Writes.
    Write,
    /// Both.
    ReadWrite,
}

impl std::fmt::Display for PermissionType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PermissionType::Read => "READ",
            PermissionType::Write => "WRITE",
            PermissionType::ReadWrite => "READWRITE",
        })
    }
}

/// A key permission of a role (`authpb.Permission`).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Permission {
    /// What it allows.
    pub perm_type: PermissionType,
    /// The key or start of the range.
    pub key: Vec<u8>,
    /// As a range's `range_end` (empty: the key alone; `[0]`: from `key` on).
    pub range_end: Vec<u8>,
}

/// The Auth service, besides Authenticate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuthRequest {
    /// `auth enable`.
    Enable,
    /// `auth disable`.
    Disable,
    /// `auth status`.
    Status,
    /// `user add`.
    UserAdd {
        /// Name.
        name: String,
        /// Password.
        password: String,
        /// `--no-password`.
        no_password: bool,
    },
    /// `user get`.
    UserGet {
        /// Name.
        name: String,
    },
    /// `user list`.
    UserList,
    /// `user delete`.
    UserDelete {
        /// Name.
        name: String,
    },
    /// `user passwd`.
    UserChangePassword {
        /// Name.
        name: String,
        /// The new password.
        password: String,
    },
    /// `user grant-role`.
    UserGrantRole {
        /// User.
        user: String,
        /// Role.
        role: String,
    },
    /// `user revoke-role`.
    UserRevokeRole {
        /// User.
        name: String,
        /// Role.
        role: String,
    },
    /// `role add`.
    RoleAdd {
        /// Name.
        name: String,
    },
    /// `role get`.
    RoleGet {
        /// Name.
        role: String,
    },
    /// `role list`.
    RoleList,
    /// `role delete`.
    RoleDelete {
        /// Name.
        role: String,
    },
    /// `role grant-permission`.
    RoleGrantPermission {
        /// Role.
        name: String,
        /// The permission (None: etcd's "permission not given").
        perm: Option<Permission>,
    },
    /// `role revoke-permission`.
    RoleRevokePermission {
        /// Role.
        role: String,
        /// Key.
        key: Vec<u8>,
        /// Range end.
        range_end: Vec<u8>,
    },
}
