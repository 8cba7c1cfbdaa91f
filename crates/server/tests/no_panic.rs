//! No input reaches a panic: arbitrary requests (empty keys, huge or
//! negative numbers, unknown IDs, bad URLs, garbage tokens) sent to random
//! members of a cluster that is crashed, restarted and partitioned at random.

#[allow(dead_code)]
mod harness {
    pub mod cluster;
}

use harness::cluster::Cluster;
use proptest::prelude::*;
use server::{AlarmType, AuthRequest, Permission, PermissionType, Request};

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(Vec::new()),
        Just(vec![0]),
        Just(b"a".to_vec()),
        Just(b"k".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..4)
    ]
}

fn num() -> impl Strategy<Value = i64> {
    prop_oneof![Just(0i64), Just(-1), Just(1), Just(3), Just(i64::MAX), Just(i64::MIN), any::<i64>()]
}

fn request() -> impl Strategy<Value = Request> {
    prop_oneof![
        (bytes(), bytes(), num(), any::<bool>(), any::<bool>()).prop_map(
            |(key, range_end, revision, s, c)| Request::Range {
                req: mvcc::RangeRequest {
                    key,
                    range_end,
                    revision,
                    count_only: c,
                    limit: revision,
                    ..Default::default()
                },
                serializable: s
            }
        ),
        (bytes(), bytes(), num(), any::<bool>(), any::<bool>()).prop_map(|(key, value, lease, iv, il)| {
            Request::Put(mvcc::PutRequest {
                key,
                value,
                lease,
                ignore_value: iv,
                ignore_lease: il,
                prev_kv: iv,
            })
        }),
        (bytes(), bytes()).prop_map(|(key, range_end)| Request::DeleteRange(mvcc::DeleteRangeRequest {
            key,
            range_end,
            prev_kv: true
        })),
        (bytes(), bytes(), bytes()).prop_map(|(a, b, c)| Request::Txn(mvcc::TxnRequest {
            compare: vec![mvcc::Compare {
                key: a.clone(),
                target: mvcc::CompareTarget::Value(b.clone()),
                ..Default::default()
            }],
            success: vec![mvcc::RequestOp::Put(mvcc::PutRequest { key: a, value: c, ..Default::default() })],
            failure: vec![mvcc::RequestOp::DeleteRange(mvcc::DeleteRangeRequest {
                key: b,
                ..Default::default()
            })],
        })),
        (num(), any::<bool>()).prop_map(|(revision, physical)| Request::Compact { revision, physical }),
        (num(), num()).prop_map(|(ttl_seconds, id)| Request::LeaseGrant { ttl_seconds, id }),
        num().prop_map(|id| Request::LeaseRevoke { id }),
        num().prop_map(|id| Request::LeaseKeepAlive { id }),
        (num(), any::<bool>()).prop_map(|(id, keys)| Request::LeaseTimeToLive { id, keys }),
        Just(Request::LeaseLeases),
        (bytes(), bytes(), num()).prop_map(|(key, range_end, start_revision)| Request::Watch(
            mvcc::WatchCreateRequest { key, range_end, start_revision, ..Default::default() }
        )),
        any::<u64>().prop_map(|watch_request| Request::WatchProgress { watch_request: watch_request % 40 }),
        Just(Request::MemberList),
        (
            prop_oneof![
                Just("http://127.0.0.9:2380".to_string()),
                Just("bad".to_string()),
                Just(String::new())
            ],
            any::<bool>()
        )
            .prop_map(|(u, is_learner)| Request::MemberAdd { peer_urls: vec![u], is_learner }),
        any::<u64>().prop_map(|id| Request::MemberRemove { id }),
        any::<u64>().prop_map(|id| Request::MemberPromote { id }),
        any::<u64>().prop_map(|id| Request::MemberUpdate { id, peer_urls: vec!["http://x:1".into()] }),
        Just(Request::Status),
        num().prop_map(|revision| Request::HashKv { revision }),
        Just(Request::Defrag),
        Just(Request::AlarmList),
        any::<u64>().prop_map(|member_id| Request::AlarmDisarm { member_id, alarm: AlarmType::NoSpace }),
        any::<u64>().prop_map(|target| Request::MoveLeader { target }),
        Just(Request::Snapshot),
        Just(Request::Authenticate { name: "root".into(), password: "x".into() }),
        Just(Request::Auth(AuthRequest::Enable)),
        Just(Request::Auth(AuthRequest::UserAdd {
            name: "root".into(),
            password: "x".into(),
            no_password: false
        })),
        Just(Request::Auth(AuthRequest::UserGrantRole { user: "root".into(), role: "root".into() })),
        (bytes(), bytes()).prop_map(|(key, range_end)| Request::Auth(AuthRequest::RoleGrantPermission {
            name: "root".into(),
            perm: Some(Permission { perm_type: PermissionType::Read, key, range_end })
        })),
    ]
}

#[derive(Clone, Debug)]
enum Step {
    Send(u64, Request, bool),
    Tick(u8),
    Crash(u64),
    Restart(u64),
    Isolate(u64),
    Heal,
    Cancel(u64),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => (1..=3u64, request(), any::<bool>()).prop_map(|(m, r, t)| Step::Send(m, r, t)),
        3 => any::<u8>().prop_map(|n| Step::Tick(n % 30)),
        1 => (1..=3u64).prop_map(Step::Crash),
        1 => (1..=3u64).prop_map(Step::Restart),
        1 => (1..=3u64).prop_map(Step::Isolate),
        1 => Just(Step::Heal),
        1 => (0..40u64).prop_map(Step::Cancel),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
    #[test]
    fn no_request_panics(steps in proptest::collection::vec(step(), 1..60)) {
        let mut c = Cluster::new(3, |cfg| { cfg.snapshot_count = 5; cfg.quota_bytes = 30_000; });
        c.elect(100);
        for s in steps {
            match s {
                Step::Send(m, r, garbage_token) => {
                    let token = garbage_token.then(|| "nonsense.7".to_string());
                    c.request(m, r, token);
                    c.stabilize();
                }
                Step::Tick(n) => (0..n).for_each(|_| c.tick()),
                Step::Crash(m) => c.crash(m),
                Step::Restart(m) => { c.restart(m); c.stabilize(); }
                Step::Isolate(m) => c.groups = vec![[m].into(), (1..=3).filter(|&x| x != m).collect()],
                Step::Heal => c.groups.clear(),
                Step::Cancel(id) => {
                    if let Some(&m) = c.req_member.get(&id) && let Some(x) = c.members.get_mut(&m) {
                        x.cancel(id);
                    }
                }
            }
        }
        for m in c.members.values() {
            let _ = m.status();
        }
    }
}
