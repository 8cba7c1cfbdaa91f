//! The binary form (crate `wire`) of the request and response types, as
//! the member writes them into raft entries: each type is its fields in
//! declaration order, each enum a tag per variant. Tags are never reused.

use crate::error::Error;
use crate::hash::HashKvResponse;
use crate::kv::{
    CompactionResponse, Compare, CompareResult, CompareTarget, DeleteRangeRequest, DeleteRangeResponse,
    KeyValue, PutRequest, PutResponse, RangeRequest, RangeResponse, RequestOp, ResponseHeader, ResponseOp,
    SortOrder, SortTarget, TxnRequest, TxnResponse,
};
use crate::lease::{
    LeaseGrantResponse, LeaseKeepAliveResponse, LeaseLeasesResponse, LeaseRevokeResponse,
    LeaseTimeToLiveResponse,
};
use crate::revision::Revision;

wire::record!(Revision { main, sub });
wire::record!(KeyValue { key, create_revision, mod_revision, version, value, lease });
wire::record!(ResponseHeader { cluster_id, member_id, revision, raft_term });
wire::tagged!(SortOrder { 0 => None, 1 => Ascend, 2 => Descend });
wire::tagged!(SortTarget { 0 => Key, 1 => Version, 2 => Create, 3 => Mod, 4 => Value });
wire::record!(RangeRequest {
    key,
    range_end,
    limit,
    revision,
    sort_order,
    sort_target,
    serializable,
    keys_only,
    count_only,
    min_mod_revision,
    max_mod_revision,
    min_create_revision,
    max_create_revision,
});
wire::record!(RangeResponse { header, kvs, more, count });
wire::record!(PutRequest { key, value, lease, prev_kv, ignore_value, ignore_lease });
wire::record!(PutResponse { header, prev_kv });
wire::record!(DeleteRangeRequest { key, range_end, prev_kv });
wire::record!(DeleteRangeResponse { header, deleted, prev_kvs });
wire::tagged!(CompareResult { 0 => Equal, 1 => Greater, 2 => Less, 3 => NotEqual });
wire::tagged!(CompareTarget { 0 => Version(v), 1 => Create(v), 2 => Mod(v), 3 => Value(v), 4 => Lease(v) });
wire::record!(Compare { result, target, key, range_end });
wire::tagged!(RequestOp { 0 => Range(r), 1 => Put(r), 2 => DeleteRange(r), 3 => Txn(r) });
wire::record!(TxnRequest { compare, success, failure });
wire::tagged!(ResponseOp { 0 => Range(r), 1 => Put(r), 2 => DeleteRange(r), 3 => Txn(r) });
wire::record!(TxnResponse { header, succeeded, responses });
wire::record!(CompactionResponse { header });
wire::record!(LeaseGrantResponse { header, id, ttl, error });
wire::record!(LeaseRevokeResponse { header });
wire::record!(LeaseKeepAliveResponse { header, id, ttl });
wire::record!(LeaseTimeToLiveResponse { header, id, ttl, granted_ttl, keys });
wire::record!(LeaseLeasesResponse { header, leases });
wire::record!(HashKvResponse { header, hash, compact_revision, hash_revision });
wire::tagged!(Error {
    0 => Compacted,
    1 => FutureRev,
    2 => EmptyKey,
    3 => KeyNotFound,
    4 => ValueProvided,
    5 => LeaseProvided,
    6 => TooManyOps,
    7 => DuplicateKey,
    8 => LeaseNotFound,
    9 => LeaseExists,
    10 => LeaseTtlTooLarge,
    11 => NotPrimary,
    12 => EmptyWatcherRange,
    13 => DuplicateWatchId,
    14 => WatcherNotExist,
    15 => StreamNotExist,
    16 => Snapshot(what),
});

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn bytes() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(any::<u8>(), 0..6)
    }

    fn range() -> impl Strategy<Value = RangeRequest> {
        (bytes(), bytes(), any::<i64>(), any::<i64>(), 0..3u8, 0..5u8, any::<[bool; 3]>(), any::<[i64; 4]>())
            .prop_map(|(key, range_end, limit, revision, o, t, b, m)| RangeRequest {
                key,
                range_end,
                limit,
                revision,
                sort_order: [SortOrder::None, SortOrder::Ascend, SortOrder::Descend][o as usize],
                sort_target: [
                    SortTarget::Key,
                    SortTarget::Version,
                    SortTarget::Create,
                    SortTarget::Mod,
                    SortTarget::Value,
                ][t as usize],
                serializable: b[0],
                keys_only: b[1],
                count_only: b[2],
                min_mod_revision: m[0],
                max_mod_revision: m[1],
                min_create_revision: m[2],
                max_create_revision: m[3],
            })
    }

    fn put() -> impl Strategy<Value = PutRequest> {
        (bytes(), bytes(), any::<i64>(), any::<[bool; 3]>()).prop_map(|(key, value, lease, b)| PutRequest {
            key,
            value,
            lease,
            prev_kv: b[0],
            ignore_value: b[1],
            ignore_lease: b[2],
        })
    }

    fn compare() -> impl Strategy<Value = Compare> {
        let target = prop_oneof![
            any::<i64>().prop_map(CompareTarget::Version),
            any::<i64>().prop_map(CompareTarget::Create),
            any::<i64>().prop_map(CompareTarget::Mod),
            bytes().prop_map(CompareTarget::Value),
            any::<i64>().prop_map(CompareTarget::Lease),
        ];
        (0..4u8, target, bytes(), bytes()).prop_map(|(r, target, key, range_end)| Compare {
            result: [
                CompareResult::Equal,
                CompareResult::Greater,
                CompareResult::Less,
                CompareResult::NotEqual,
            ][r as usize],
            target,
            key,
            range_end,
        })
    }

    /// Transactions nested up to three deep.
    pub(crate) fn txn() -> impl Strategy<Value = TxnRequest> {
        let leaf = prop_oneof![
            range().prop_map(RequestOp::Range),
            put().prop_map(RequestOp::Put),
            (bytes(), bytes(), any::<bool>()).prop_map(|(key, range_end, prev_kv)| RequestOp::DeleteRange(
                DeleteRangeRequest { key, range_end, prev_kv }
            )),
        ];
        let ops = leaf.prop_recursive(3, 24, 4, |inner| {
            (
                proptest::collection::vec(compare(), 0..3),
                proptest::collection::vec(inner.clone(), 0..3),
                proptest::collection::vec(inner, 0..3),
            )
                .prop_map(|(compare, success, failure)| {
                    RequestOp::Txn(TxnRequest { compare, success, failure })
                })
        });
        (
            proptest::collection::vec(compare(), 0..3),
            proptest::collection::vec(ops.clone(), 0..4),
            proptest::collection::vec(ops, 0..4),
        )
            .prop_map(|(compare, success, failure)| TxnRequest { compare, success, failure })
    }

    fn kv() -> impl Strategy<Value = KeyValue> {
        (bytes(), any::<[i64; 4]>(), bytes()).prop_map(|(key, n, value)| KeyValue {
            key,
            create_revision: n[0],
            mod_revision: n[1],
            version: n[2],
            value,
            lease: n[3],
        })
    }

    fn header() -> impl Strategy<Value = ResponseHeader> {
        (any::<u64>(), any::<u64>(), any::<i64>(), any::<u64>()).prop_map(
            |(cluster_id, member_id, revision, raft_term)| ResponseHeader {
                cluster_id,
                member_id,
                revision,
                raft_term,
            },
        )
    }

    fn response_op() -> impl Strategy<Value = ResponseOp> {
        let leaf = prop_oneof![
            (header(), proptest::collection::vec(kv(), 0..3), any::<bool>(), any::<i64>()).prop_map(
                |(header, kvs, more, count)| ResponseOp::Range(RangeResponse { header, kvs, more, count })
            ),
            (header(), proptest::option::of(kv()))
                .prop_map(|(header, prev_kv)| ResponseOp::Put(PutResponse { header, prev_kv })),
            (header(), any::<i64>(), proptest::collection::vec(kv(), 0..3)).prop_map(
                |(header, deleted, prev_kvs)| ResponseOp::DeleteRange(DeleteRangeResponse {
                    header,
                    deleted,
                    prev_kvs
                })
            ),
        ];
        leaf.prop_recursive(3, 16, 3, |inner| {
            (header(), any::<bool>(), proptest::collection::vec(inner, 0..3)).prop_map(
                |(header, succeeded, responses)| {
                    ResponseOp::Txn(TxnResponse { header, succeeded, responses })
                },
            )
        })
    }

    proptest! {
        #[test]
        fn requests_round_trip(t in txn()) {
            let b = wire::to_vec(&t);
            prop_assert_eq!(wire::from_slice::<TxnRequest>(&b), Ok(t));
            for cut in 0..b.len() {
                prop_assert!(wire::from_slice::<TxnRequest>(&b[..cut]).is_err());
            }
        }

        #[test]
        fn responses_round_trip(r in response_op(), ttl: (i64, i64, i64), keys in proptest::collection::vec(bytes(), 0..3)) {
            prop_assert_eq!(wire::from_slice::<ResponseOp>(&wire::to_vec(&r)), Ok(r));
            let l = LeaseTimeToLiveResponse { header: ResponseHeader::at(ttl.0), id: ttl.1, ttl: ttl.2, granted_ttl: ttl.2, keys };
            prop_assert_eq!(wire::from_slice::<LeaseTimeToLiveResponse>(&wire::to_vec(&l)), Ok(l));
        }

        #[test]
        fn garbage_never_panics(b in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = wire::from_slice::<TxnRequest>(&b);
            let _ = wire::from_slice::<ResponseOp>(&b);
            let _ = wire::from_slice::<Error>(&b);
        }
    }

    #[test]
    fn errors_round_trip() {
        for e in
            [Error::Compacted, Error::LeaseTtlTooLarge, Error::StreamNotExist, Error::Snapshot("x".into())]
        {
            assert_eq!(wire::from_slice::<Error>(&wire::to_vec(&e)), Ok(e));
        }
    }
}
