//! The MVCC key-value store of one etcd member, with etcd v3.5 semantics.
//!
//! Everything here is pure and deterministic: no clock (time is passed in as
//! milliseconds by the caller), no I/O, no global randomness, and every map
//! that is iterated is ordered. The crate is organised by concept, as etcd's
//! `server/storage/mvcc` and `server/lease` are:
//!
//! - [`revision`]: `Revision { main, sub }` and its on-disk byte form.
//! - [`key_index`]: the history of one key as generations of revisions.
//! - [`index`]: the ordered index of every key.
//! - [`kv`]: the read/write/txn contracts and the request/response types.
//! - [`store`]: the store itself: range, put, delete-range.
//! - [`txn`]: transactions: validation, compares, branches, nesting.
//! - [`compaction`]: compaction, the database size model and defrag.
//! - [`hash`]: `hash_kv`, computed as etcd computes it.
//! - [`watch`]: watch streams, watchers, history replay and live events.
//! - [`lease`]: the lessor: grant, revoke, renew, time-to-live, expiry.
//! - [`snapshot`]: a versioned, sha256-sealed serialization of the store.
#![deny(missing_docs)]

mod codec;
pub mod compaction;
pub mod error;
pub mod hash;
pub mod index;
pub mod key_index;
pub mod kv;
pub mod lease;
pub mod revision;
pub mod snapshot;
pub mod store;
pub mod txn;
pub mod watch;

pub use error::{Error, Result};
pub use hash::HashKvResponse;
pub use kv::{
    CompactionResponse, Compare, CompareResult, CompareTarget, DeleteRangeRequest, DeleteRangeResponse,
    Event, EventType, KeyValue, PutRequest, PutResponse, RangeRequest, RangeResponse, RequestOp,
    ResponseHeader, ResponseOp, SortOrder, SortTarget, TxnRequest, TxnResponse, prefix_end,
};
pub use lease::{
    LeaseGrantRequest, LeaseGrantResponse, LeaseId, LeaseKeepAliveResponse, LeaseLeasesResponse,
    LeaseRevokeResponse, LeaseTimeToLiveResponse, Lessor,
};
pub use revision::Revision;
pub use store::{Store, StoreConfig};
pub use watch::{StreamId, WatchCreateRequest, WatchFilter, WatchId, WatchResponse};
