//! The binary form (crate `wire`) of what a member writes into raft
//! entries and snapshots: proposals ([`Proposal`]: the operation, who
//! asked, and a leader's answers to forwarded requests), membership change
//! contexts, and the replicated stores. Each struct is its fields in
//! order, each enum a tag per variant; tags are never reused. The stores
//! with private fields (auth, membership, alarms, recent IDs) write
//! themselves in their own modules.

use crate::apply::{Forwarded, Op, Proposal};
use crate::auth::AuthInfo;
use crate::config::PeerInfo;
use crate::error::Error;
use crate::handle::ConfContext;
use crate::membership::Change;
use crate::request::{AlarmType, AuthRequest, Permission, PermissionType};
use crate::response::{
    AlarmMember, AlarmResponse, AuthResponse, AuthStatusResponse, MemberAddResponse, MemberListResponse,
    Response, SnapshotResponse, StatusResponse,
};

wire::record!(Proposal { id, auth, op });
wire::tagged!(Op {
    0 => Put(r),
    1 => DeleteRange(r),
    2 => Txn(r),
    3 => Compact { revision },
    4 => LeaseGrant { id, ttl },
    5 => LeaseRevoke { id },
    6 => Alarm { activate, member_id, alarm },
    7 => Authenticate { name, password_hash, token },
    8 => Auth(r),
    9 => Publish { id, name, client_urls },
    10 => Forward(f),
    11 => Answer { to, result },
    12 => LeaseCheckpoint { checkpoints },
});
wire::tagged!(Forwarded {
    0 => LeaseRenew { id },
    1 => LeaseTimeToLive { id, keys },
    2 => Promote { id },
});
wire::record!(AuthInfo { user, revision });
wire::tagged!(AlarmType { 0 => None, 1 => NoSpace, 2 => Corrupt });
wire::tagged!(PermissionType { 0 => Read, 1 => Write, 2 => ReadWrite });
wire::record!(Permission { perm_type, key, range_end });
wire::tagged!(AuthRequest {
    0 => Enable,
    1 => Disable,
    2 => Status,
    3 => UserAdd { name, password, no_password },
    4 => UserGet { name },
    5 => UserList,
    6 => UserDelete { name },
    7 => UserChangePassword { name, password },
    8 => UserGrantRole { user, role },
    9 => UserRevokeRole { name, role },
    10 => RoleAdd { name },
    11 => RoleGet { role },
    12 => RoleList,
    13 => RoleDelete { role },
    14 => RoleGrantPermission { name, perm },
    15 => RoleRevokePermission { role, key, range_end },
});
wire::record!(ConfContext { id, change });
wire::tagged!(Change { 0 => Add(m), 1 => Remove(id), 2 => Update(id, urls), 3 => Promote(id) });
wire::record!(PeerInfo { id, name, peer_urls, client_urls, is_learner });

wire::tagged!(Response {
    0 => Range(r),
    1 => Put(r),
    2 => DeleteRange(r),
    3 => Txn(r),
    4 => Compact(r),
    5 => LeaseGrant(r),
    6 => LeaseRevoke(r),
    7 => LeaseKeepAlive(r),
    8 => LeaseTimeToLive(r),
    9 => LeaseLeases(r),
    10 => WatchEnded(h),
    11 => WatchProgress(h),
    12 => MemberList(r),
    13 => MemberAdd(r),
    14 => MemberRemove(r),
    15 => MemberUpdate(r),
    16 => MemberPromote(r),
    17 => Status(r),
    18 => HashKv(r),
    19 => Defrag(h),
    20 => Alarm(r),
    21 => MoveLeader(h),
    22 => Snapshot(r),
    23 => Authenticate { header, token },
    24 => Auth { header, resp },
});
wire::record!(MemberListResponse { header, members });
wire::record!(MemberAddResponse { header, member, members });
wire::record!(StatusResponse {
    header,
    version,
    db_size,
    leader,
    raft_index,
    raft_term,
    raft_applied_index,
    errors,
    db_size_in_use,
    is_learner,
    storage_version,
});
wire::record!(AlarmMember { member_id, alarm });
wire::record!(AlarmResponse { header, alarms });
wire::record!(SnapshotResponse { header, blob, sha256 });
wire::record!(AuthStatusResponse { enabled, auth_revision });
wire::tagged!(AuthResponse {
    0 => Ok,
    1 => Status(s),
    2 => UserGet { roles },
    3 => UserList { users },
    4 => RoleGet { perm },
    5 => RoleList { roles },
});
wire::tagged!(Error {
    0 => Mvcc(e),
    1 => DeadlineExceeded,
    2 => Canceled,
    3 => NoLeader,
    4 => NotLeader,
    5 => LeaderChanged,
    6 => Stopped,
    7 => Timeout,
    8 => TimeoutDueToLeaderFail,
    9 => TimeoutDueToConnectionLost,
    10 => TimeoutLeaderTransfer,
    11 => BadLeaderTransferee,
    12 => RequestTooLarge,
    13 => TooManyRequests,
    14 => NoSpace,
    15 => Corrupt,
    16 => Unhealthy,
    17 => NotSupportedForLearner,
    18 => MemberExists,
    19 => PeerUrlExists,
    20 => NotEnoughStartedMembers,
    21 => MemberBadUrls,
    22 => MemberNotFound,
    23 => MemberNotLearner,
    24 => LearnerNotReady,
    25 => TooManyLearners,
    26 => RootUserNotExist,
    27 => RootRoleNotExist,
    28 => UserAlreadyExist,
    29 => UserEmpty,
    30 => UserNotFound,
    31 => RoleAlreadyExist,
    32 => RoleNotFound,
    33 => RoleEmpty,
    34 => AuthFailed,
    35 => PermissionNotGiven,
    36 => PermissionDenied,
    37 => RoleNotGranted,
    38 => PermissionNotGranted,
    39 => AuthNotEnabled,
    40 => InvalidAuthToken,
    41 => InvalidAuthMgmt,
    42 => AuthOldRevision,
    43 => Snapshot(e),
});

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::apply::State;
    use crate::config::{MemberConfig, default_cluster};

    fn bytes() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(any::<u8>(), 0..8)
    }

    fn op() -> impl Strategy<Value = Op> {
        let put = || {
            (bytes(), bytes(), any::<i64>(), any::<bool>()).prop_map(|(key, value, lease, prev_kv)| {
                mvcc::PutRequest { key, value, lease, prev_kv, ..Default::default() }
            })
        };
        let txn = (put(), bytes()).prop_map(|(p, k)| mvcc::TxnRequest {
            compare: vec![mvcc::Compare { key: k.clone(), ..Default::default() }],
            success: vec![mvcc::RequestOp::Put(p)],
            failure: vec![mvcc::RequestOp::Txn(mvcc::TxnRequest {
                failure: vec![mvcc::RequestOp::Range(mvcc::RangeRequest { key: k, ..Default::default() })],
                ..Default::default()
            })],
        });
        let answer = prop_oneof![
            (any::<i64>(), any::<i64>()).prop_map(|(id, ttl)| Ok(Response::LeaseKeepAlive(
                mvcc::LeaseKeepAliveResponse { header: Default::default(), id, ttl }
            ))),
            (0..42u8).prop_map(|t| Err(wire::from_slice::<Error>(&[t + 1]).expect("a unit error"))),
            ".{0,8}".prop_map(|s| Err(Error::Mvcc(mvcc::Error::Snapshot(s)))),
        ];
        prop_oneof![
            put().prop_map(Op::Put),
            txn.prop_map(Op::Txn),
            (bytes(), bytes()).prop_map(|(key, range_end)| Op::DeleteRange(mvcc::DeleteRangeRequest {
                key,
                range_end,
                prev_kv: true
            })),
            any::<i64>().prop_map(|revision| Op::Compact { revision }),
            (any::<i64>(), any::<i64>()).prop_map(|(id, ttl)| Op::LeaseGrant { id, ttl }),
            (proptest::option::of(any::<bool>()), any::<u64>()).prop_map(|(activate, member_id)| Op::Alarm {
                activate,
                member_id,
                alarm: AlarmType::NoSpace
            }),
            (".{0,6}", ".{0,6}").prop_map(|(name, password)| Op::Auth(AuthRequest::UserAdd {
                name,
                password,
                no_password: false
            })),
            (".{0,6}", bytes()).prop_map(|(name, key)| Op::Auth(AuthRequest::RoleGrantPermission {
                name,
                perm: Some(Permission { perm_type: PermissionType::ReadWrite, key, range_end: vec![0] })
            })),
            (any::<u64>(), proptest::collection::vec(".{0,10}", 0..3))
                .prop_map(|(id, client_urls)| { Op::Publish { id, name: "etcd-1".into(), client_urls } }),
            (any::<i64>(), any::<bool>())
                .prop_map(|(id, keys)| Op::Forward(Forwarded::LeaseTimeToLive { id, keys })),
            (any::<u64>(), answer).prop_map(|(to, result)| Op::Answer { to, result }),
        ]
    }

    fn proposal() -> impl Strategy<Value = Proposal> {
        (any::<u64>(), proptest::option::of((".{0,6}", any::<u64>())), op()).prop_map(|(id, auth, op)| {
            Proposal { id, auth: auth.map(|(user, revision)| AuthInfo { user, revision }), op }
        })
    }

    proptest! {
        #[test]
        fn proposals_round_trip(p in proposal()) {
            let b = wire::to_vec(&p);
            prop_assert_eq!(wire::from_slice::<Proposal>(&b), Ok(p));
            for cut in 0..b.len() {
                prop_assert!(wire::from_slice::<Proposal>(&b[..cut]).is_err());
            }
        }

        #[test]
        fn garbage_entries_and_snapshots_never_panic(b in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = wire::from_slice::<Proposal>(&b);
            let _ = wire::from_slice::<ConfContext>(&b);
            let cfg = MemberConfig::new(1, "etcd-1", 1, default_cluster(1).0, 0);
            let mut img = b"etcd-play-state\n".to_vec();
            img.extend_from_slice(&b);
            let _ = State::decode(&img, &cfg);
        }
    }

    #[test]
    fn every_error_has_a_tag() {
        // Tags 1..=42 are the unit errors; 0 and 43 carry a payload.
        for t in 1..=42u8 {
            let e = wire::from_slice::<Error>(&[t]).expect("unit error");
            assert_eq!(wire::to_vec(&e), [t]);
        }
        for e in [Error::Mvcc(mvcc::Error::LeaseNotFound), Error::Snapshot("snapshot: x".into())] {
            assert_eq!(wire::from_slice::<Error>(&wire::to_vec(&e)), Ok(e));
        }
        assert!(wire::from_slice::<Error>(&[44]).is_err());
    }

    #[test]
    fn state_image_round_trips() {
        let (peers, cid) = default_cluster(3);
        let cfg = MemberConfig::new(peers[0].id, "etcd-1", cid, peers.clone(), 0);
        let mut s = State::new(&cfg, &peers);
        s.store
            .put(&mvcc::PutRequest { key: b"k".to_vec(), value: b"v".to_vec(), ..Default::default() })
            .unwrap();
        s.auth
            .apply(
                &AuthRequest::UserAdd { name: "root".into(), password: "p".into(), no_password: false },
                None,
            )
            .unwrap();
        s.auth.apply(&AuthRequest::RoleAdd { name: "r".into() }, None).unwrap();
        s.alarms.activate(peers[1].id, AlarmType::NoSpace);
        s.cluster.apply(&Change::Remove(peers[2].id)).unwrap();
        for id in [5, 9, 5] {
            s.recent.insert(id);
        }
        let bytes = s.encode();
        let back = State::decode(&bytes, &cfg).unwrap();
        assert_eq!(back.encode(), bytes);
        assert_eq!(back.auth, s.auth);
        assert_eq!(back.cluster, s.cluster);
        assert_eq!(back.alarms, s.alarms);
        assert!(!back.clone().recent.insert(9), "the set is rebuilt from the order");
        for cut in 0..bytes.len() {
            assert!(State::decode(&bytes[..cut], &cfg).is_err(), "cut at {cut}");
        }
    }
}
