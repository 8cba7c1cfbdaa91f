//! What a member answers: one [`Reply`] per request (streams send several),
//! collected with the raft messages and timeline events in an [`Output`].
//! Every response carries etcd's header (cluster, member, revision, term).

use serde::{Deserialize, Serialize};

pub use mvcc::ResponseHeader;

use crate::config::PeerInfo;
use crate::error::Error;
use crate::events::MemberEvent;
use crate::request::{AlarmType, Permission};

/// Everything that leaves a member after [`crate::Member::drain`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Output {
    /// Raft messages to deliver to peers (`to` says where).
    pub messages: Vec<raft::Message>,
    /// Answers to clients.
    pub replies: Vec<Reply>,
    /// Notable transitions, for the timeline.
    pub events: Vec<MemberEvent>,
}

impl Output {
    /// Whether nothing is to be sent.
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty() && self.replies.is_empty() && self.events.is_empty()
    }
}

/// An answer to the request with the same `id`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    /// The request's ID.
    pub id: u64,
    /// The answer.
    pub body: ReplyBody,
}

/// The final answer, or one item of a stream.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReplyBody {
    /// The request is finished (a stream ends with this too).
    Done(Result<Response, Error>),
    /// One item of a stream; more may follow.
    Stream(StreamItem),
}

/// One item of a stream.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StreamItem {
    /// A watch response (created, events, progress, canceled).
    Watch(mvcc::WatchResponse),
    /// A keep-alive response (TTL 0: the lease is gone and the stream ends).
    LeaseKeepAlive(mvcc::LeaseKeepAliveResponse),
}

/// A member of `member list` and friends.
pub type Member = PeerInfo;

/// `member list` (and the list returned by remove, update, promote).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberListResponse {
    /// Header.
    pub header: ResponseHeader,
    /// Every member, by ID.
    pub members: Vec<PeerInfo>,
}

/// `member add`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberAddResponse {
    /// Header.
    pub header: ResponseHeader,
    /// The new member (no name or client URLs until it starts).
    pub member: PeerInfo,
    /// Every member, by ID.
    pub members: Vec<PeerInfo>,
}

/// `endpoint status` (`etcdserverpb.StatusResponse`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusResponse {
    /// Header.
    pub header: ResponseHeader,
    /// The server version ([`crate::SERVER_VERSION`]).
    pub version: String,
    /// The backend file size.
    pub db_size: i64,
    /// The leader's ID (0: none).
    pub leader: u64,
    /// The raft commit index.
    pub raft_index: u64,
    /// The raft term.
    pub raft_term: u64,
    /// The applied index.
    pub raft_applied_index: u64,
    /// Active alarms, as etcd words them (`memberID:... alarm:NOSPACE`).
    pub errors: Vec<String>,
    /// Bytes of the backend in use.
    pub db_size_in_use: i64,
    /// Whether this member is a learner.
    pub is_learner: bool,
    /// The storage version.
    pub storage_version: String,
}

/// One active alarm.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AlarmMember {
    /// The member that raised it.
    pub member_id: u64,
    /// The alarm.
    pub alarm: AlarmType,
}

/// `alarm list` / `alarm disarm`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlarmResponse {
    /// Header.
    pub header: ResponseHeader,
    /// The alarms listed, or those disarmed.
    pub alarms: Vec<AlarmMember>,
}

/// `snapshot save`: the backup and its checksum.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotResponse {
    /// Header.
    pub header: ResponseHeader,
    /// The backup's bytes (see [`crate::backup`]).
    pub blob: Vec<u8>,
    /// The sha256 of `blob`, hex.
    pub sha256: String,
}

/// `auth status`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthStatusResponse {
    /// Whether auth is enabled.
    pub enabled: bool,
    /// The auth store's revision.
    pub auth_revision: u64,
}

/// The answers of the Auth service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuthResponse {
    /// Enable, disable, user/role add, delete, grant, revoke, passwd.
    Ok,
    /// `auth status`.
    Status(AuthStatusResponse),
    /// `user get`: the user's roles.
    UserGet {
        /// Roles, sorted.
        roles: Vec<String>,
    },
    /// `user list`.
    UserList {
        /// Users, sorted.
        users: Vec<String>,
    },
    /// `role get`: the role's permissions.
    RoleGet {
        /// Permissions, by key.
        perm: Vec<Permission>,
    },
    /// `role list`.
    RoleList {
        /// Roles, sorted.
        roles: Vec<String>,
    },
}

/// One response per request kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[allow(clippy::large_enum_variant)]
pub enum Response {
    /// Range.
    Range(mvcc::RangeResponse),
    /// Put.
    Put(mvcc::PutResponse),
    /// DeleteRange.
    DeleteRange(mvcc::DeleteRangeResponse),
    /// Txn.
    Txn(mvcc::TxnResponse),
    /// Compact.
    Compact(mvcc::CompactionResponse),
    /// LeaseGrant.
    LeaseGrant(mvcc::LeaseGrantResponse),
    /// LeaseRevoke.
    LeaseRevoke(mvcc::LeaseRevokeResponse),
    /// The end of a keep-alive stream (TTL 0 when the lease is gone).
    LeaseKeepAlive(mvcc::LeaseKeepAliveResponse),
    /// LeaseTimeToLive (TTL -1 when the lease does not exist, as etcd).
    LeaseTimeToLive(mvcc::LeaseTimeToLiveResponse),
    /// LeaseLeases.
    LeaseLeases(mvcc::LeaseLeasesResponse),
    /// The end of a watch stream.
    WatchEnded(ResponseHeader),
    /// A progress request was queued on its watch stream.
    WatchProgress(ResponseHeader),
    /// MemberList.
    MemberList(MemberListResponse),
    /// MemberAdd.
    MemberAdd(MemberAddResponse),
    /// MemberRemove.
    MemberRemove(MemberListResponse),
    /// MemberUpdate.
    MemberUpdate(MemberListResponse),
    /// MemberPromote.
    MemberPromote(MemberListResponse),
    /// Status.
    Status(StatusResponse),
    /// HashKV.
    HashKv(mvcc::HashKvResponse),
    /// Defragment.
    Defrag(ResponseHeader),
    /// Alarm list or disarm.
    Alarm(AlarmResponse),
    /// MoveLeader.
    MoveLeader(ResponseHeader),
    /// Snapshot.
    Snapshot(SnapshotResponse),
    /// Authenticate: the token.
    Authenticate {
        /// Header.
        header: ResponseHeader,
        /// The simple token to send with later requests.
        token: String,
    },
    /// The rest of the Auth service.
    Auth {
        /// Header.
        header: ResponseHeader,
        /// The answer.
        resp: AuthResponse,
    },
}

impl Response {
    /// The header, to read.
    pub fn header(&self) -> &ResponseHeader {
        match self {
            Response::Range(r) => &r.header,
            Response::Put(r) => &r.header,
            Response::DeleteRange(r) => &r.header,
            Response::Txn(r) => &r.header,
            Response::Compact(r) => &r.header,
            Response::LeaseGrant(r) => &r.header,
            Response::LeaseRevoke(r) => &r.header,
            Response::LeaseKeepAlive(r) => &r.header,
            Response::LeaseTimeToLive(r) => &r.header,
            Response::LeaseLeases(r) => &r.header,
            Response::MemberList(r)
            | Response::MemberRemove(r)
            | Response::MemberUpdate(r)
            | Response::MemberPromote(r) => &r.header,
            Response::MemberAdd(r) => &r.header,
            Response::Status(r) => &r.header,
            Response::HashKv(r) => &r.header,
            Response::Alarm(r) => &r.header,
            Response::Snapshot(r) => &r.header,
            Response::WatchEnded(h)
            | Response::WatchProgress(h)
            | Response::Defrag(h)
            | Response::MoveLeader(h)
            | Response::Authenticate { header: h, .. }
            | Response::Auth { header: h, .. } => h,
        }
    }

    /// The header, to fill in.
    pub fn header_mut(&mut self) -> &mut ResponseHeader {
        match self {
            Response::Range(r) => &mut r.header,
            Response::Put(r) => &mut r.header,
            Response::DeleteRange(r) => &mut r.header,
            Response::Txn(r) => &mut r.header,
            Response::Compact(r) => &mut r.header,
            Response::LeaseGrant(r) => &mut r.header,
            Response::LeaseRevoke(r) => &mut r.header,
            Response::LeaseKeepAlive(r) => &mut r.header,
            Response::LeaseTimeToLive(r) => &mut r.header,
            Response::LeaseLeases(r) => &mut r.header,
            Response::MemberList(r)
            | Response::MemberRemove(r)
            | Response::MemberUpdate(r)
            | Response::MemberPromote(r) => &mut r.header,
            Response::MemberAdd(r) => &mut r.header,
            Response::Status(r) => &mut r.header,
            Response::HashKv(r) => &mut r.header,
            Response::Alarm(r) => &mut r.header,
            Response::Snapshot(r) => &mut r.header,
            Response::WatchEnded(h)
            | Response::WatchProgress(h)
            | Response::Defrag(h)
            | Response::MoveLeader(h)
            | Response::Authenticate { header: h, .. }
            | Response::Auth { header: h, .. } => h,
        }
    }
}
