//! The crate's errors: one enum whose messages are etcd's exact strings.

use serde::{Deserialize, Serialize};

/// Every way a store operation can fail. `Display` gives etcd's own text, so
/// a console can print `Error: {err}` as etcdctl does (see
/// [`Error::grpc_message`] for the text a client sees over gRPC).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum Error {
    /// The revision asked for has been compacted away.
    #[error("mvcc: required revision has been compacted")]
    Compacted,
    /// The revision asked for is greater than the current revision.
    #[error("mvcc: required revision is a future revision")]
    FutureRev,
    /// A request named no key.
    #[error("etcdserver: key is not provided")]
    EmptyKey,
    /// `ignore_value` or `ignore_lease` on a key that does not exist, or an
    /// empty operation inside a transaction.
    #[error("etcdserver: key not found")]
    KeyNotFound,
    /// `ignore_value` together with a value.
    #[error("etcdserver: value is provided")]
    ValueProvided,
    /// `ignore_lease` together with a lease.
    #[error("etcdserver: lease is provided")]
    LeaseProvided,
    /// A transaction with more compares or operations than allowed.
    #[error("etcdserver: too many operations in txn request")]
    TooManyOps,
    /// A transaction branch that writes the same key twice.
    #[error("etcdserver: duplicate key given in txn request")]
    DuplicateKey,
    /// A lease ID that the lessor does not know.
    #[error("etcdserver: requested lease not found")]
    LeaseNotFound,
    /// Granting a lease whose ID is taken.
    #[error("etcdserver: lease already exists")]
    LeaseExists,
    /// Granting a lease with a TTL above etcd's maximum.
    #[error("etcdserver: too large lease TTL")]
    LeaseTtlTooLarge,
    /// Renewing a lease on a lessor that is not the primary (the leader's).
    #[error("not a primary lessor")]
    NotPrimary,
    /// A watch on an empty range (`range_end` at or before `key`).
    #[error("mvcc: watcher range is empty")]
    EmptyWatcherRange,
    /// A watch ID that is already used on the stream.
    #[error("mvcc: duplicate watch ID provided on the WatchStream")]
    DuplicateWatchId,
    /// Cancelling or addressing a watcher that does not exist.
    #[error("mvcc: watcher does not exist")]
    WatcherNotExist,
    /// Addressing a watch stream that does not exist.
    #[error("mvcc: watch stream does not exist")]
    StreamNotExist,
    /// A snapshot that cannot be restored; the text says why.
    #[error("snapshot: {0}")]
    Snapshot(String),
}

impl Error {
    /// The message as the gRPC layer words it, which is what etcdctl prints
    /// after `Error: `: mvcc errors gain etcd's `etcdserver: ` prefix.
    pub fn grpc_message(&self) -> String {
        match self {
            Error::Compacted | Error::FutureRev => format!("etcdserver: {self}"),
            _ => self.to_string(),
        }
    }
}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;
