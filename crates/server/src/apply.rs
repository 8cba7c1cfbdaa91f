//! The replicated state machine: what a committed entry holds (a
//! [`Proposal`]) and how every member applies it to its [`State`] (the MVCC
//! store, membership, auth and alarms), in the order of etcd's appliers:
//! auth check, then the NOSPACE cap, then the quota, then the store.

use serde::{Deserialize, Serialize};
use wire::Encode;

use crate::auth::{AuthInfo, AuthStore};
use crate::config::{MemberConfig, PeerInfo};
use crate::error::{Error, Result};
use crate::events::MemberEventKind;
use crate::membership::Cluster;
use crate::quota::{self, Alarms};
use crate::request::{AlarmType, AuthRequest};
use crate::response::{AlarmResponse, Response, ResponseHeader};

/// How many recently applied proposal IDs are remembered.
const RECENT_IDS: usize = 4096;

/// The IDs of the proposals applied last. A proposal forwarded twice (the
/// network duplicated the message) is in the log twice; only its first
/// entry is applied. The window is part of the replicated state, so every
/// member skips the same entries.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct RecentIds {
    order: std::collections::VecDeque<u64>,
    #[serde(skip)]
    set: std::collections::BTreeSet<u64>,
}

impl RecentIds {
    /// Records `id`; false if it was applied already.
    pub(crate) fn insert(&mut self, id: u64) -> bool {
        if !self.set.insert(id) {
            return false;
        }
        self.order.push_back(id);
        if self.order.len() > RECENT_IDS
            && let Some(old) = self.order.pop_front()
        {
            self.set.remove(&old);
        }
        true
    }
}

/// The order is written; the set is rebuilt from it.
impl wire::Encode for RecentIds {
    fn encode(&self, out: &mut Vec<u8>) {
        self.order.encode(out);
    }
}

impl wire::Decode for RecentIds {
    fn decode(r: &mut wire::Reader<'_>) -> wire::Result<Self> {
        let order: std::collections::VecDeque<u64> = wire::Decode::decode(r)?;
        let mut set = std::collections::BTreeSet::new();
        set.extend(order.iter().copied());
        Ok(RecentIds { order, set })
    }
}

/// Everything the raft log drives on one member.
#[derive(Clone, Debug)]
pub(crate) struct State {
    pub(crate) store: mvcc::Store,
    pub(crate) cluster: Cluster,
    pub(crate) auth: AuthStore,
    pub(crate) alarms: Alarms,
    pub(crate) recent: RecentIds,
}

/// The state as bytes, inside a raft snapshot: the MVCC store's image
/// (`Store::write_image`: its snapshot without the sha256 seal, which
/// only files need), then the rest in the `wire` encoding.
///
/// ```text
/// | "etcd-play-state\n" | store length (u64 BE) | store bytes | cluster auth alarms recent |
/// ```
struct Image {
    cluster: Cluster,
    auth: AuthStore,
    alarms: Alarms,
    recent: RecentIds,
}
wire::record!(Image { cluster, auth, alarms, recent });

const IMAGE_MAGIC: &[u8] = b"etcd-play-state\n";

impl State {
    /// A new cluster's state: an empty store and the initial members.
    pub(crate) fn new(cfg: &MemberConfig, members: &[PeerInfo]) -> State {
        let mut store = mvcc::Store::new(cfg.store_config());
        store.lessor_mut().demote();
        State {
            store,
            cluster: Cluster::new(members),
            auth: AuthStore::default(),
            alarms: Alarms::default(),
            recent: RecentIds::default(),
        }
    }

    /// Serializes the state for a raft snapshot.
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = IMAGE_MAGIC.to_vec();
        // The store's image straight into `out`, then its length before it.
        let at = out.len();
        out.extend_from_slice(&[0; 8]);
        self.store.write_image(&mut out);
        let len = (out.len() - at - 8) as u64;
        out[at..at + 8].copy_from_slice(&len.to_be_bytes());
        // The fields of `Image`, in its order, without copying them.
        (&self.cluster, &self.auth, &self.alarms, &self.recent).encode(&mut out);
        out
    }

    /// Rebuilds the state from a raft snapshot's bytes.
    pub(crate) fn decode(bytes: &[u8], cfg: &MemberConfig) -> Result<State> {
        let bad = |what: &str| Error::Snapshot(format!("snapshot: corrupt state: {what}"));
        let rest = bytes.strip_prefix(IMAGE_MAGIC).ok_or_else(|| bad("bad magic"))?;
        let (len, rest) = rest.split_first_chunk::<8>().ok_or_else(|| bad("truncated"))?;
        let len = usize::try_from(u64::from_be_bytes(*len)).map_err(|_| bad("length"))?;
        if rest.len() < len {
            return Err(bad("truncated store"));
        }
        let (store, rest) = rest.split_at(len);
        let img: Image = wire::from_slice(rest).map_err(|e| bad(&e.to_string()))?;
        let mut store = mvcc::Store::from_image(store, cfg.store_config())?;
        store.lessor_mut().demote();
        Ok(State { store, cluster: img.cluster, auth: img.auth, alarms: img.alarms, recent: img.recent })
    }
}

/// What a normal entry holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Proposal {
    /// Unique per cluster: the proposing member answers its client when it
    /// applies this ID.
    pub(crate) id: u64,
    /// Who asked (auth enabled).
    pub(crate) auth: Option<AuthInfo>,
    /// What to do.
    pub(crate) op: Op,
}

/// The operations that go through raft.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[allow(clippy::large_enum_variant)]
pub(crate) enum Op {
    Put(mvcc::PutRequest),
    DeleteRange(mvcc::DeleteRangeRequest),
    Txn(mvcc::TxnRequest),
    Compact {
        revision: i64,
    },
    LeaseGrant {
        id: i64,
        ttl: i64,
    },
    LeaseRevoke {
        id: i64,
    },
    /// etcd's `LeaseCheckpointRequest`: `(lease, remaining TTL seconds)`.
    LeaseCheckpoint {
        checkpoints: Vec<(i64, i64)>,
    },
    /// Activate (`true`), deactivate (`false`); `None`: list.
    Alarm {
        activate: Option<bool>,
        member_id: u64,
        alarm: AlarmType,
    },
    Authenticate {
        name: String,
        password_hash: String,
        token: String,
    },
    Auth(AuthRequest),
    /// A starting member publishes its name and client URLs.
    Publish {
        id: u64,
        name: String,
        client_urls: Vec<String>,
    },
    /// Work only the leader can do (keep-alive, time-to-live, promote); the
    /// member that leads when it is applied answers with [`Op::Answer`].
    Forward(Forwarded),
    /// The leader's answer to a [`Op::Forward`] with proposal ID `to`.
    Answer {
        to: u64,
        result: std::result::Result<Response, Error>,
    },
}

/// Requests a follower forwards to the leader through the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Forwarded {
    LeaseRenew { id: i64 },
    LeaseTimeToLive { id: i64, keys: bool },
    Promote { id: u64 },
}

/// The member-specific inputs of applying.
pub(crate) struct Env {
    pub(crate) now_ms: u64,
    pub(crate) quota_bytes: u64,
}

impl State {
    /// Applies one operation (not `Forward`, `Answer` or `Publish`, which
    /// the member handles). Events are appended to `events`.
    pub(crate) fn apply(
        &mut self,
        op: &Op,
        auth: Option<&AuthInfo>,
        env: &Env,
        events: &mut Vec<MemberEventKind>,
    ) -> Result<Response> {
        let capped = self.alarms.has(AlarmType::NoSpace);
        // etcd's corrupt applier: with a CORRUPT alarm, only alarms apply.
        if self.alarms.has(AlarmType::Corrupt) && !matches!(op, Op::Alarm { .. }) {
            return Err(Error::Corrupt);
        }
        match op {
            Op::Put(p) => {
                self.auth.check(auth, &p.key, b"", true)?;
                if p.prev_kv {
                    self.auth.check(auth, &p.key, b"", false)?;
                }
                if capped {
                    return Err(Error::NoSpace);
                }
                let fits = quota::available(self.store.size(), quota::put_cost(p), env.quota_bytes);
                let r = self.store.put(p)?;
                if !fits {
                    return Err(Error::NoSpace);
                }
                Ok(Response::Put(r))
            }
            Op::DeleteRange(d) => {
                self.auth.check(auth, &d.key, &d.range_end, true)?;
                if d.prev_kv {
                    self.auth.check(auth, &d.key, &d.range_end, false)?;
                }
                Ok(Response::DeleteRange(self.store.delete_range(d)?))
            }
            Op::Txn(t) => {
                check_txn(&self.auth, auth, t)?;
                let writes = quota::txn_writes(t);
                if capped && writes {
                    return Err(Error::NoSpace);
                }
                let fits = quota::available(self.store.size(), quota::txn_cost(t), env.quota_bytes);
                let r = self.store.txn(t)?;
                if writes && !fits {
                    return Err(Error::NoSpace);
                }
                Ok(Response::Txn(r))
            }
            Op::Compact { revision } => {
                let r = self.store.compact(*revision)?;
                events.push(MemberEventKind::Compacted { revision: *revision });
                Ok(Response::Compact(r))
            }
            Op::LeaseGrant { id, ttl } => {
                if capped {
                    return Err(Error::NoSpace);
                }
                let fits = quota::available(self.store.size(), quota::lease_cost(), env.quota_bytes);
                let r =
                    self.store.lease_grant(&mvcc::LeaseGrantRequest { ttl: *ttl, id: *id }, env.now_ms)?;
                if !fits {
                    return Err(Error::NoSpace);
                }
                Ok(Response::LeaseGrant(r))
            }
            Op::LeaseRevoke { id } => {
                if self.auth.is_enabled()
                    && let Some(l) = self.store.lessor().lookup(*id)
                {
                    for k in &l.keys {
                        self.auth.check(auth, k, b"", true)?;
                    }
                }
                let r = self.store.lease_revoke(*id)?;
                events.push(MemberEventKind::LeaseRevoked { id: *id });
                Ok(Response::LeaseRevoke(r))
            }
            Op::Alarm { activate, member_id, alarm } => {
                let header = ResponseHeader::at(self.store.current_revision());
                let alarms = match activate {
                    None => self.alarms.list(),
                    Some(true) => {
                        let raised = self.alarms.activate(*member_id, *alarm);
                        if let Some(a) = raised {
                            events.push(MemberEventKind::AlarmRaised {
                                member_id: a.member_id,
                                alarm: a.alarm,
                            });
                        }
                        raised.into_iter().collect()
                    }
                    Some(false) => {
                        let gone = self.alarms.deactivate(*member_id, *alarm);
                        for a in &gone {
                            events.push(MemberEventKind::AlarmCleared {
                                member_id: a.member_id,
                                alarm: a.alarm,
                            });
                        }
                        gone
                    }
                };
                Ok(Response::Alarm(AlarmResponse { header, alarms }))
            }
            Op::Authenticate { name, password_hash, token } => {
                let token = self.auth.authenticate(name, password_hash, token.clone())?;
                Ok(Response::Authenticate {
                    header: ResponseHeader::at(self.store.current_revision()),
                    token,
                })
            }
            Op::Auth(req) => {
                let was = self.auth.is_enabled();
                let resp = self.auth.apply(req, auth)?;
                if was != self.auth.is_enabled() {
                    events.push(MemberEventKind::AuthChanged { enabled: self.auth.is_enabled() });
                }
                Ok(Response::Auth { header: ResponseHeader::at(self.store.current_revision()), resp })
            }
            Op::Publish { id, name, client_urls } => {
                self.cluster.publish(*id, name, client_urls);
                let header = ResponseHeader::at(self.store.current_revision());
                Ok(Response::MemberList(crate::response::MemberListResponse {
                    header,
                    members: self.cluster.members(),
                }))
            }
            // The member itself acts on these (only the leader does work);
            // they change nothing here and nobody waits for this answer.
            Op::LeaseCheckpoint { checkpoints } => {
                for &(id, remaining) in checkpoints {
                    self.store.lessor_mut().checkpoint(id, remaining);
                }
                Ok(Response::Defrag(ResponseHeader::at(self.store.current_revision())))
            }
            Op::Forward(_) | Op::Answer { .. } => Ok(Response::Defrag(ResponseHeader::default())),
        }
    }
}

/// etcd's `checkTxnReqsPermission`: reads need read, writes need write, in
/// every branch (nested ones included).
pub(crate) fn check_txn(a: &AuthStore, info: Option<&AuthInfo>, t: &mvcc::TxnRequest) -> Result<()> {
    if !a.is_enabled() {
        return Ok(());
    }
    for c in &t.compare {
        a.check(info, &c.key, &c.range_end, false)?;
    }
    for op in t.success.iter().chain(&t.failure) {
        match op {
            mvcc::RequestOp::Range(r) => a.check(info, &r.key, &r.range_end, false)?,
            mvcc::RequestOp::Put(p) => {
                a.check(info, &p.key, b"", true)?;
                if p.prev_kv {
                    a.check(info, &p.key, b"", false)?;
                }
            }
            mvcc::RequestOp::DeleteRange(d) => {
                a.check(info, &d.key, &d.range_end, true)?;
                if d.prev_kv {
                    a.check(info, &d.key, &d.range_end, false)?;
                }
            }
            mvcc::RequestOp::Txn(n) => check_txn(a, info, n)?,
        }
    }
    Ok(())
}

/// Whether a txn only reads, and whether all its reads are serializable.
pub(crate) fn txn_read_only(t: &mvcc::TxnRequest) -> (bool, bool) {
    let mut ser = true;
    fn walk(t: &mvcc::TxnRequest, ser: &mut bool) -> bool {
        t.success.iter().chain(&t.failure).all(|op| match op {
            mvcc::RequestOp::Range(r) => {
                *ser &= r.serializable;
                true
            }
            mvcc::RequestOp::Txn(n) => walk(n, ser),
            _ => false,
        })
    }
    let ro = walk(t, &mut ser);
    (ro, ro && ser)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::default_cluster;

    fn state() -> (State, MemberConfig) {
        let (peers, cid) = default_cluster(3);
        let cfg = MemberConfig::new(peers[0].id, "etcd-1", cid, peers.clone(), 1);
        (State::new(&cfg, &peers), cfg)
    }

    fn put(k: &str, v: &str) -> Op {
        Op::Put(mvcc::PutRequest { key: k.into(), value: v.into(), ..Default::default() })
    }

    #[test]
    fn state_round_trips_through_snapshot_bytes() {
        let (mut s, cfg) = state();
        let env = Env { now_ms: 0, quota_bytes: u64::MAX };
        let mut ev = Vec::new();
        s.apply(&put("a", "1"), None, &env, &mut ev).unwrap();
        s.apply(&Op::LeaseGrant { id: 5, ttl: 60 }, None, &env, &mut ev).unwrap();
        s.apply(
            &Op::Alarm { activate: Some(true), member_id: 9, alarm: AlarmType::NoSpace },
            None,
            &env,
            &mut ev,
        )
        .unwrap();
        let back = State::decode(&s.encode(), &cfg).unwrap();
        assert_eq!(back.store.current_revision(), 2);
        assert_eq!(back.cluster, s.cluster);
        assert_eq!(back.alarms, s.alarms);
        assert!(back.store.lessor().lookup(5).is_some());
        assert!(!back.store.lessor().is_primary(), "restored leases do not tick");
        assert!(State::decode(b"garbage", &cfg).is_err());
    }

    #[test]
    fn nospace_caps_writes_but_not_deletes() {
        let (mut s, _) = state();
        let env = Env { now_ms: 0, quota_bytes: u64::MAX };
        let mut ev = Vec::new();
        s.apply(&put("a", "1"), None, &env, &mut ev).unwrap();
        s.apply(
            &Op::Alarm { activate: Some(true), member_id: 1, alarm: AlarmType::NoSpace },
            None,
            &env,
            &mut ev,
        )
        .unwrap();
        assert_eq!(s.apply(&put("b", "1"), None, &env, &mut ev), Err(Error::NoSpace));
        assert_eq!(s.apply(&Op::LeaseGrant { id: 1, ttl: 5 }, None, &env, &mut ev), Err(Error::NoSpace));
        let del = Op::DeleteRange(mvcc::DeleteRangeRequest { key: b"a".to_vec(), ..Default::default() });
        assert!(s.apply(&del, None, &env, &mut ev).is_ok());
        assert!(matches!(ev.first(), Some(MemberEventKind::AlarmRaised { .. })));
    }

    #[test]
    fn a_corrupt_alarm_stops_everything_but_alarms() {
        let (mut s, _) = state();
        let env = Env { now_ms: 0, quota_bytes: u64::MAX };
        let mut ev = Vec::new();
        s.apply(
            &Op::Alarm { activate: Some(true), member_id: 1, alarm: AlarmType::Corrupt },
            None,
            &env,
            &mut ev,
        )
        .unwrap();
        assert_eq!(s.apply(&put("a", "1"), None, &env, &mut ev), Err(Error::Corrupt));
        assert_eq!(s.apply(&Op::Compact { revision: 1 }, None, &env, &mut ev), Err(Error::Corrupt));
        let list = Op::Alarm { activate: None, member_id: 0, alarm: AlarmType::None };
        assert!(s.apply(&list, None, &env, &mut ev).is_ok());
    }

    #[test]
    fn over_quota_a_put_is_applied_but_fails_as_in_etcd() {
        let (mut s, _) = state();
        let env = Env { now_ms: 0, quota_bytes: 100 };
        let mut ev = Vec::new();
        assert_eq!(s.apply(&put("a", "1"), None, &env, &mut ev), Err(Error::NoSpace));
        assert_eq!(s.store.current_revision(), 2);
    }

    #[test]
    fn read_only_txns_are_recognised() {
        let range = |ser| {
            mvcc::RequestOp::Range(mvcc::RangeRequest {
                key: b"a".to_vec(),
                serializable: ser,
                ..Default::default()
            })
        };
        let t = mvcc::TxnRequest {
            success: vec![range(true)],
            failure: vec![range(false)],
            ..Default::default()
        };
        assert_eq!(txn_read_only(&t), (true, false));
        let t = mvcc::TxnRequest { success: vec![range(true)], ..Default::default() };
        assert_eq!(txn_read_only(&t), (true, true));
        let p = mvcc::RequestOp::Put(mvcc::PutRequest { key: b"a".to_vec(), ..Default::default() });
        let t = mvcc::TxnRequest { success: vec![range(true), p], ..Default::default() };
        assert_eq!(txn_read_only(&t), (false, false));
    }
}
