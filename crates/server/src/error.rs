//! The member's errors. `Display` is exactly what etcdctl prints after
//! `Error: ` (etcd's `rpctypes` texts), so the console needs no mapping.

use serde::{Deserialize, Serialize};

/// Every way a request to a member can fail.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum Error {
    /// An error of the MVCC store (lease, key, revision, txn checks).
    #[error("{}", .0.grpc_message())]
    Mvcc(mvcc::Error),
    /// The client's deadline passed before the request entered raft
    /// (etcd's `Propose` blocks while there is no leader).
    #[error("context deadline exceeded")]
    DeadlineExceeded,
    /// The request was cancelled.
    #[error("etcdserver: request cancelled")]
    Canceled,
    /// The member has no leader.
    #[error("etcdserver: no leader")]
    NoLeader,
    /// The request must be sent to the leader.
    #[error("etcdserver: not leader")]
    NotLeader,
    /// The leader changed while a read waited for its index.
    #[error("etcdserver: leader changed")]
    LeaderChanged,
    /// The member is stopped (removed from the cluster).
    #[error("etcdserver: server stopped")]
    Stopped,
    /// etcd's request timeout passed.
    #[error("etcdserver: request timed out")]
    Timeout,
    /// Timed out while a new leader was being elected.
    #[error("etcdserver: request timed out, possibly due to previous leader failure")]
    TimeoutDueToLeaderFail,
    /// Timed out while the member could not reach a quorum.
    #[error("etcdserver: request timed out, possibly due to connection lost")]
    TimeoutDueToConnectionLost,
    /// A leader transfer did not finish within the request timeout.
    #[error("etcdserver: request timed out, leader transfer took too long")]
    TimeoutLeaderTransfer,
    /// The transferee is not a voting member.
    #[error("etcdserver: bad leader transferee")]
    BadLeaderTransferee,
    /// The request is larger than `--max-request-bytes`.
    #[error("etcdserver: request is too large")]
    RequestTooLarge,
    /// Applying lags committing too far behind.
    #[error("etcdserver: too many requests")]
    TooManyRequests,
    /// Over the backend quota, or a NOSPACE alarm is active.
    #[error("etcdserver: mvcc: database space exceeded")]
    NoSpace,
    /// A CORRUPT alarm is active.
    #[error("etcdserver: corrupt cluster")]
    Corrupt,
    /// Not all voting members are connected (strict reconfiguration check).
    #[error("etcdserver: unhealthy cluster")]
    Unhealthy,
    /// Learners serve only serializable reads and status.
    #[error("etcdserver: rpc not supported for learner")]
    NotSupportedForLearner,
    /// A member ID that exists already.
    #[error("etcdserver: member ID already exist")]
    MemberExists,
    /// Peer URLs used by another member.
    #[error("etcdserver: Peer URLs already exists")]
    PeerUrlExists,
    /// The strict reconfiguration check failed.
    #[error("etcdserver: re-configuration failed due to not enough started members")]
    NotEnoughStartedMembers,
    /// Bad peer URLs.
    #[error("etcdserver: given member URLs are invalid")]
    MemberBadUrls,
    /// No such member (or it was removed).
    #[error("etcdserver: member not found")]
    MemberNotFound,
    /// Promoting a voter.
    #[error("etcdserver: can only promote a learner member")]
    MemberNotLearner,
    /// Promoting a learner that lags the leader.
    #[error("etcdserver: can only promote a learner member which is in sync with leader")]
    LearnerNotReady,
    /// More than one learner.
    #[error("etcdserver: too many learner members in cluster")]
    TooManyLearners,
    /// The root user is missing (auth enable).
    #[error("etcdserver: root user does not exist")]
    RootUserNotExist,
    /// The root user lacks the root role (auth enable).
    #[error("etcdserver: root user does not have root role")]
    RootRoleNotExist,
    /// A user that exists already.
    #[error("etcdserver: user name already exists")]
    UserAlreadyExist,
    /// No user name (or no token while auth is enabled).
    #[error("etcdserver: user name is empty")]
    UserEmpty,
    /// No such user.
    #[error("etcdserver: user name not found")]
    UserNotFound,
    /// A role that exists already.
    #[error("etcdserver: role name already exists")]
    RoleAlreadyExist,
    /// No such role.
    #[error("etcdserver: role name not found")]
    RoleNotFound,
    /// No role name.
    #[error("etcdserver: role name is empty")]
    RoleEmpty,
    /// Wrong user or password.
    #[error("etcdserver: authentication failed, invalid user ID or password")]
    AuthFailed,
    /// A grant without a permission.
    #[error("etcdserver: permission not given")]
    PermissionNotGiven,
    /// The user may not do this.
    #[error("etcdserver: permission denied")]
    PermissionDenied,
    /// Revoking a role the user does not have.
    #[error("etcdserver: role is not granted to the user")]
    RoleNotGranted,
    /// Revoking a permission the role does not have.
    #[error("etcdserver: permission is not granted to the role")]
    PermissionNotGranted,
    /// Authenticating while auth is disabled.
    #[error("etcdserver: authentication is not enabled")]
    AuthNotEnabled,
    /// An unknown or expired token.
    #[error("etcdserver: invalid auth token")]
    InvalidAuthToken,
    /// Deleting root, or revoking root's root role, while auth is enabled.
    #[error("etcdserver: invalid auth management")]
    InvalidAuthMgmt,
    /// The auth store changed since the token was issued.
    #[error("etcdserver: revision of auth store is old")]
    AuthOldRevision,
    /// A snapshot that cannot be restored; the text says why.
    #[error("{0}")]
    Snapshot(String),
}

impl From<mvcc::Error> for Error {
    fn from(e: mvcc::Error) -> Self {
        Error::Mvcc(e)
    }
}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_etcds() {
        assert_eq!(
            Error::from(mvcc::Error::Compacted).to_string(),
            "etcdserver: mvcc: required revision has been compacted"
        );
        assert_eq!(
            Error::from(mvcc::Error::LeaseNotFound).to_string(),
            "etcdserver: requested lease not found"
        );
        assert_eq!(Error::NoSpace.to_string(), "etcdserver: mvcc: database space exceeded");
        assert_eq!(Error::Timeout.to_string(), "etcdserver: request timed out");
    }
}
