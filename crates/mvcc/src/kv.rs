//! The read, write and transaction contracts of the store, and the request
//! and response types, which mirror etcd's protobufs (`etcdserverpb`,
//! `mvccpb`) so a console can print exactly what etcdctl prints.
//!
//! # Contracts
//!
//! These hold for every [`Store`](crate::Store) operation; the tests check
//! them against a deliberately naive model.
//!
//! - **Revisions.** A fresh store is at revision 1. Every write transaction
//!   that changes something raises the revision by exactly one; its changes
//!   take sub-revisions 0, 1, 2... in the order they are made. A transaction
//!   that changes nothing (a read, a delete of nothing, a failed compare with
//!   a read-only branch) leaves the revision alone. Responses carry the
//!   revision of the store after the operation in `header.revision`.
//! - **Reads.** A read at `revision` 0 reads the current revision. A read at
//!   a revision above the current one fails with
//!   [`Error::FutureRev`](crate::Error::FutureRev); below the compacted
//!   revision, with [`Error::Compacted`](crate::Error::Compacted) (reading
//!   at exactly the compacted revision works). Keys come back in byte
//!   order unless a sort is asked for; `count` is the number of keys in the
//!   range at that revision before `limit` and before the revision filters.
//! - **Writes.** A put creates a key (version 1, `create_revision` = the new
//!   revision) or updates it (version + 1, `create_revision` unchanged). A
//!   delete writes a tombstone; re-creating the key starts a new generation.
//!   `lease` must name a lease that exists
//!   ([`Error::LeaseNotFound`](crate::Error::LeaseNotFound));
//!   `ignore_value`/`ignore_lease` need the key to exist
//!   ([`Error::KeyNotFound`](crate::Error::KeyNotFound)).
//! - **Transactions.** Compares, then the success or failure branch, are
//!   evaluated atomically: every compare, including those of nested
//!   transactions, sees the store as it was before the transaction; the
//!   operations of the chosen branch see the changes made by the operations
//!   before them. All changes share one revision. A branch may not put the
//!   same key twice nor put a key that it also deletes
//!   ([`Error::DuplicateKey`](crate::Error::DuplicateKey)); no list may hold
//!   more than `max_txn_ops` entries
//!   ([`Error::TooManyOps`](crate::Error::TooManyOps)). A failing check
//!   changes nothing.
//! - **Compaction** at `rev` keeps, for every key, the newest revision at or
//!   below `rev` and everything after; reads below `rev` then fail.
//! - **Watch.** A watcher gets every change in its range from its start
//!   revision on, exactly once, in revision order, the changes of one
//!   transaction in one response.
//! - **Determinism.** Two stores fed the same operations are equal, and
//!   `hash_kv` agrees between them.

use serde::{Deserialize, Serialize};

/// A key-value pair at one revision (`mvccpb.KeyValue`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyValue {
    /// The key.
    pub key: Vec<u8>,
    /// The revision of the put that created this generation of the key.
    pub create_revision: i64,
    /// The revision of the last change to the key.
    pub mod_revision: i64,
    /// Puts since creation, starting at 1.
    pub version: i64,
    /// The value.
    pub value: Vec<u8>,
    /// The attached lease, 0 for none.
    pub lease: i64,
}

/// What kind of change an [`Event`] reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventType {
    /// A put.
    #[default]
    Put,
    /// A delete.
    Delete,
}

/// One change, as watchers see it (`mvccpb.Event`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Put or delete.
    pub kind: EventType,
    /// The pair after the change; for a delete only `key` and
    /// `mod_revision` are set.
    pub kv: KeyValue,
    /// The pair before the change, when the watcher asked for it.
    pub prev_kv: Option<KeyValue>,
}

/// The header of every response. The store fills `revision`; the member
/// fills the rest.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseHeader {
    /// The cluster's ID.
    pub cluster_id: u64,
    /// The answering member's ID.
    pub member_id: u64,
    /// The store's revision after the operation.
    pub revision: i64,
    /// The member's raft term.
    pub raft_term: u64,
}

impl ResponseHeader {
    /// A header with only the revision set.
    pub fn at(revision: i64) -> Self {
        ResponseHeader { revision, ..Self::default() }
    }
}

/// The order of sorted range results.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortOrder {
    /// No sort (key order).
    #[default]
    None,
    /// Lowest first.
    Ascend,
    /// Highest first.
    Descend,
}

/// The field range results are sorted by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortTarget {
    /// The key.
    #[default]
    Key,
    /// The version.
    Version,
    /// The create revision.
    Create,
    /// The mod revision.
    Mod,
    /// The value.
    Value,
}

/// A read of one key or a range (`etcdserverpb.RangeRequest`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RangeRequest {
    /// The key, or the start of the range.
    pub key: Vec<u8>,
    /// Empty: just `key`; `[0]`: every key from `key`; else `[key, range_end)`.
    pub range_end: Vec<u8>,
    /// At most this many pairs (0: no limit); `more` says if some were left.
    pub limit: i64,
    /// Read at this revision (0: the current one).
    pub revision: i64,
    /// Sort order.
    pub sort_order: SortOrder,
    /// Sort field.
    pub sort_target: SortTarget,
    /// Serializable read (the member's business; the store ignores it).
    pub serializable: bool,
    /// Return keys without values.
    pub keys_only: bool,
    /// Return only the count.
    pub count_only: bool,
    /// Drop pairs with a lower mod revision (0: no filter).
    pub min_mod_revision: i64,
    /// Drop pairs with a higher mod revision (0: no filter).
    pub max_mod_revision: i64,
    /// Drop pairs with a lower create revision (0: no filter).
    pub min_create_revision: i64,
    /// Drop pairs with a higher create revision (0: no filter).
    pub max_create_revision: i64,
}

/// The answer to a [`RangeRequest`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RangeResponse {
    /// `revision` is the store's current revision (not the one read at).
    pub header: ResponseHeader,
    /// The pairs.
    pub kvs: Vec<KeyValue>,
    /// Whether `limit` left pairs out.
    pub more: bool,
    /// Keys in the range at the revision read, before limit and filters.
    pub count: i64,
}

/// A write of one key (`etcdserverpb.PutRequest`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PutRequest {
    /// The key.
    pub key: Vec<u8>,
    /// The value.
    pub value: Vec<u8>,
    /// The lease to attach (0: none, detaching any previous one).
    pub lease: i64,
    /// Return the previous pair.
    pub prev_kv: bool,
    /// Keep the current value (the key must exist).
    pub ignore_value: bool,
    /// Keep the current lease (the key must exist).
    pub ignore_lease: bool,
}

/// The answer to a [`PutRequest`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PutResponse {
    /// `revision` is the put's revision.
    pub header: ResponseHeader,
    /// The previous pair, when asked for and the key existed.
    pub prev_kv: Option<KeyValue>,
}

/// A delete of one key or a range (`etcdserverpb.DeleteRangeRequest`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteRangeRequest {
    /// The key, or the start of the range.
    pub key: Vec<u8>,
    /// As in [`RangeRequest::range_end`].
    pub range_end: Vec<u8>,
    /// Return the deleted pairs.
    pub prev_kv: bool,
}

/// The answer to a [`DeleteRangeRequest`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteRangeResponse {
    /// `revision` is the delete's revision (unchanged if nothing was deleted).
    pub header: ResponseHeader,
    /// How many keys were deleted.
    pub deleted: i64,
    /// The deleted pairs, when asked for.
    pub prev_kvs: Vec<KeyValue>,
}

/// How a compare relates the stored field to the given one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum CompareResult {
    /// `=`
    #[default]
    Equal,
    /// `>`
    Greater,
    /// `<`
    Less,
    /// `!=`
    NotEqual,
}

/// The field a compare looks at, with the value to compare against
/// (etcd's `target` and `target_union` in one).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CompareTarget {
    /// The version (0 for a missing key).
    Version(i64),
    /// The create revision (0 for a missing key).
    Create(i64),
    /// The mod revision (0 for a missing key).
    Mod(i64),
    /// The value (a compare on a missing key is false).
    Value(Vec<u8>),
    /// The lease (0 for a missing key).
    Lease(i64),
}

impl Default for CompareTarget {
    fn default() -> Self {
        CompareTarget::Version(0)
    }
}

/// One condition of a transaction (`etcdserverpb.Compare`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compare {
    /// The relation.
    pub result: CompareResult,
    /// The field and the value.
    pub target: CompareTarget,
    /// The key, or the start of a range (every key must satisfy it).
    pub key: Vec<u8>,
    /// As in [`RangeRequest::range_end`].
    pub range_end: Vec<u8>,
}

/// One operation of a transaction branch (`etcdserverpb.RequestOp`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RequestOp {
    /// A read.
    Range(RangeRequest),
    /// A put.
    Put(PutRequest),
    /// A delete.
    DeleteRange(DeleteRangeRequest),
    /// A nested transaction.
    Txn(TxnRequest),
}

/// A transaction (`etcdserverpb.TxnRequest`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxnRequest {
    /// Conditions, all of which must hold for `success` to run.
    pub compare: Vec<Compare>,
    /// Run when every compare holds.
    pub success: Vec<RequestOp>,
    /// Run otherwise.
    pub failure: Vec<RequestOp>,
}

/// The answer to one [`RequestOp`] (`etcdserverpb.ResponseOp`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResponseOp {
    /// To a read.
    Range(RangeResponse),
    /// To a put.
    Put(PutResponse),
    /// To a delete.
    DeleteRange(DeleteRangeResponse),
    /// To a nested transaction.
    Txn(TxnResponse),
}

/// The answer to a [`TxnRequest`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxnResponse {
    /// `revision` is the transaction's revision.
    pub header: ResponseHeader,
    /// Whether the compares held.
    pub succeeded: bool,
    /// One response per operation of the branch that ran.
    pub responses: Vec<ResponseOp>,
}

/// The answer to a compaction.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompactionResponse {
    /// `revision` is the store's current revision.
    pub header: ResponseHeader,
}

/// The end of the range of keys starting with `prefix`, as clientv3's
/// `WithPrefix` computes it: the prefix with its last byte below 0xff
/// raised by one and what follows dropped; `[0]` (every key from the
/// prefix on) when every byte is 0xff or the prefix is empty.
pub fn prefix_end(prefix: &[u8]) -> Vec<u8> {
    match prefix.iter().rposition(|&b| b < 0xff) {
        Some(i) => {
            let mut end = prefix[..=i].to_vec();
            end[i] += 1;
            end
        }
        None => vec![0],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_end_matches_clientv3() {
        assert_eq!(prefix_end(b"foo"), b"fop");
        assert_eq!(prefix_end(b"a\xff"), b"b");
        assert_eq!(prefix_end(b"\xff\xff"), b"\0");
        assert_eq!(prefix_end(b""), b"\0");
    }
}
