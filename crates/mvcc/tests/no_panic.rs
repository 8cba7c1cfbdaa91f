//! Bad input never panics: arbitrary requests, including empty keys,
//! inverted ranges, extreme revisions, limits and TTLs, unknown leases and
//! watchers, deeply nested transactions and corrupted snapshots, give a
//! response or an error value, and the revision never goes backwards.

use mvcc::{
    Compare, CompareResult, CompareTarget, DeleteRangeRequest, LeaseGrantRequest, PutRequest, RangeRequest,
    RequestOp, SortOrder, SortTarget, Store, StoreConfig, TxnRequest, WatchCreateRequest, WatchFilter,
};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(vec![]),
        Just(vec![0]),
        Just(vec![0xff]),
        Just(vec![0xff, 0xff]),
        Just(b"a".to_vec()),
        Just(b"b".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..4),
    ]
}

fn int() -> impl Strategy<Value = i64> {
    prop_oneof![Just(0i64), Just(-1), Just(i64::MIN), Just(i64::MAX), -3..30i64]
}

fn range_req() -> impl Strategy<Value = RangeRequest> {
    (bytes(), bytes(), int(), int(), 0..3u8, 0..5u8, any::<[bool; 2]>(), [int(), int(), int(), int()])
        .prop_map(|(key, range_end, limit, revision, o, t, [keys_only, count_only], f)| RangeRequest {
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
            serializable: false,
            keys_only,
            count_only,
            min_mod_revision: f[0],
            max_mod_revision: f[1],
            min_create_revision: f[2],
            max_create_revision: f[3],
        })
}

fn put_req() -> impl Strategy<Value = PutRequest> {
    (bytes(), bytes(), prop_oneof![Just(0i64), Just(1), Just(-1), Just(7)], any::<[bool; 3]>()).prop_map(
        |(key, value, lease, [prev_kv, ignore_value, ignore_lease])| PutRequest {
            key,
            value,
            lease,
            prev_kv,
            ignore_value,
            ignore_lease,
        },
    )
}

fn del_req() -> impl Strategy<Value = DeleteRangeRequest> {
    (bytes(), bytes(), any::<bool>()).prop_map(|(key, range_end, prev_kv)| DeleteRangeRequest {
        key,
        range_end,
        prev_kv,
    })
}

fn compare() -> impl Strategy<Value = Compare> {
    (bytes(), bytes(), 0..4u8, 0..5u8, int(), bytes()).prop_map(|(key, range_end, r, t, n, v)| Compare {
        result: [CompareResult::Equal, CompareResult::Greater, CompareResult::Less, CompareResult::NotEqual]
            [r as usize],
        target: match t {
            0 => CompareTarget::Version(n),
            1 => CompareTarget::Create(n),
            2 => CompareTarget::Mod(n),
            3 => CompareTarget::Lease(n),
            _ => CompareTarget::Value(v),
        },
        key,
        range_end,
    })
}

fn txn_req() -> impl Strategy<Value = TxnRequest> {
    let leaf = prop_oneof![
        range_req().prop_map(RequestOp::Range),
        put_req().prop_map(RequestOp::Put),
        del_req().prop_map(RequestOp::DeleteRange),
    ];
    let op = leaf.prop_recursive(3, 24, 4, |inner| {
        (
            proptest::collection::vec(compare(), 0..3),
            proptest::collection::vec(inner.clone(), 0..4),
            proptest::collection::vec(inner, 0..4),
        )
            .prop_map(|(compare, success, failure)| RequestOp::Txn(TxnRequest { compare, success, failure }))
    });
    (
        proptest::collection::vec(compare(), 0..3),
        proptest::collection::vec(op.clone(), 0..5),
        proptest::collection::vec(op, 0..5),
    )
        .prop_map(|(compare, success, failure)| TxnRequest { compare, success, failure })
}

#[derive(Clone, Debug)]
enum Op {
    Range(RangeRequest),
    Put(PutRequest),
    Del(DeleteRangeRequest),
    Txn(TxnRequest),
    Compact(i64),
    Hash(i64),
    Grant(i64, i64, u64),
    Revoke(i64),
    Renew(i64, u64),
    Ttl(i64, u64),
    Watch(u64, WatchCreateRequest),
    Cancel(u64, i64),
    Drain(u64),
    Close(u64),
    Demote,
    Promote(u64),
    Defrag,
}

fn op() -> impl Strategy<Value = Op> {
    let lease_id = prop_oneof![Just(0i64), Just(1), Just(7), Just(-1), Just(i64::MAX)];
    let now = prop_oneof![Just(0u64), Just(u64::MAX), 0..100_000u64];
    let watch =
        (bytes(), bytes(), int(), any::<[bool; 4]>(), int()).prop_map(|(key, range_end, s, f, id)| {
            let mut filters = Vec::new();
            if f[0] {
                filters.push(WatchFilter::NoPut);
            }
            if f[1] {
                filters.push(WatchFilter::NoDelete);
            }
            WatchCreateRequest {
                key,
                range_end,
                start_revision: s,
                progress_notify: f[2],
                filters,
                prev_kv: f[3],
                watch_id: id,
                fragment: false,
            }
        });
    let kv = prop_oneof![
        1 => range_req().prop_map(Op::Range),
        3 => put_req().prop_map(Op::Put),
        1 => del_req().prop_map(Op::Del),
        2 => txn_req().prop_map(Op::Txn),
        1 => int().prop_map(Op::Compact),
        1 => int().prop_map(Op::Hash),
        1 => Just(Op::Defrag),
    ];
    let lease = prop_oneof![
        (lease_id.clone(), int(), now.clone()).prop_map(|(i, t, n)| Op::Grant(i, t, n)),
        lease_id.clone().prop_map(Op::Revoke),
        (lease_id.clone(), now.clone()).prop_map(|(i, n)| Op::Renew(i, n)),
        (lease_id, now.clone()).prop_map(|(i, n)| Op::Ttl(i, n)),
        Just(Op::Demote),
        now.prop_map(Op::Promote),
    ];
    let watches = prop_oneof![
        (0..3u64, watch).prop_map(|(s, w)| Op::Watch(s, w)),
        (0..3u64, int()).prop_map(|(s, i)| Op::Cancel(s, i)),
        (0..3u64).prop_map(Op::Drain),
        (0..3u64).prop_map(Op::Close),
    ];
    prop_oneof![3 => kv, 1 => lease, 1 => watches]
}

fn check(ops: Vec<Op>, cut: prop::sample::Index, flip: prop::sample::Index) -> Result<(), TestCaseError> {
    let mut s = Store::new(StoreConfig::default());
    s.watch_stream_open();
    s.watch_stream_open();
    let mut rev = s.current_revision();
    for op in ops {
        match op {
            Op::Range(r) => drop(s.range(&r)),
            Op::Put(p) => drop(s.put(&p)),
            Op::Del(d) => drop(s.delete_range(&d)),
            Op::Txn(t) => drop(s.txn(&t)),
            Op::Compact(r) => drop(s.compact(r)),
            Op::Hash(r) => drop(s.hash_kv(r)),
            Op::Grant(id, ttl, now) => drop(s.lease_grant(&LeaseGrantRequest { ttl, id }, now)),
            Op::Revoke(id) => drop(s.lease_revoke(id)),
            Op::Renew(id, now) => drop(s.lease_renew(id, now)),
            Op::Ttl(id, now) => {
                drop(s.lease_time_to_live(id, true, now));
                drop(s.lessor().expired(now));
            }
            Op::Watch(st, w) => drop(s.watch(st, &w)),
            Op::Cancel(st, id) => {
                drop(s.watch_cancel(st, id));
                drop(s.watch_request_progress(st));
            }
            Op::Drain(st) => {
                drop(s.watch_drain(st));
                s.watch_progress_notify();
            }
            Op::Close(st) => drop(s.watch_stream_close(st)),
            Op::Demote => s.lessor_mut().demote(),
            Op::Promote(now) => s.lessor_mut().promote(now, 1000),
            Op::Defrag => drop(s.defrag()),
        }
        prop_assert!(s.current_revision() >= rev);
        prop_assert!(s.size() >= s.size_in_use());
        rev = s.current_revision();
    }
    let snap = s.snapshot();
    let restored = Store::restore(&snap, StoreConfig::default());
    prop_assert_eq!(restored.map(|r| r.hash_kv(0)).ok(), Some(s.hash_kv(0)));
    let mut bad = snap.clone();
    let i = flip.index(bad.len());
    bad[i] ^= 0x40;
    prop_assert!(Store::restore(&bad, StoreConfig::default()).is_err());
    prop_assert!(Store::restore(&snap[..cut.index(snap.len())], StoreConfig::default()).is_err());
    Ok(())
}

#[test]
fn arbitrary_requests_never_panic() {
    // Building values of these deeply nested strategies needs more stack
    // than a test thread has in debug builds.
    let child = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(|| {
            let mut runner = TestRunner::new(ProptestConfig { cases: 256, ..ProptestConfig::default() });
            let strategy = (
                proptest::collection::vec(op(), 1..40),
                any::<prop::sample::Index>(),
                any::<prop::sample::Index>(),
            );
            runner.run(&strategy, |(ops, cut, flip)| check(ops, cut, flip)).map_err(|e| e.to_string())
        })
        .expect("spawn the test thread");
    let result = child.join().expect("the test thread does not panic");
    assert_eq!(result, Ok(()));
}
