//! The backend quota and alarms (etcd's `backendQuota` and `alarmStore`).
//!
//! Before a Put, Txn or LeaseGrant is proposed, the member checks that the
//! backend's size plus the request's cost stays under the quota; if not, it
//! proposes a NOSPACE alarm and fails the request with
//! `etcdserver: mvcc: database space exceeded`. The applier checks again
//! (the store may have grown since); a write it refuses there makes the
//! member that applied it propose a NOSPACE alarm too, unless one is up
//! (etcd's `applyEntryNormal`). While a NOSPACE alarm is
//! active every member refuses writes at apply time (etcd's capped
//! applier), until the alarm is disarmed. Compaction frees space inside the
//! file; only defragmentation shrinks the file the quota looks at.

use serde::{Deserialize, Serialize};

use crate::request::AlarmType;
use crate::response::AlarmMember;

/// etcd's per-key overhead in the quota's cost.
const KV_OVERHEAD: u64 = 256;
/// etcd's per-lease overhead.
const LEASE_OVERHEAD: u64 = 64;

/// The cost of a put in the quota.
pub fn put_cost(req: &mvcc::PutRequest) -> u64 {
    KV_OVERHEAD + req.key.len() as u64 + req.value.len() as u64
}

/// The cost of a transaction: the costlier branch's puts.
pub fn txn_cost(req: &mvcc::TxnRequest) -> u64 {
    fn branch(ops: &[mvcc::RequestOp]) -> u64 {
        ops.iter()
            .map(|op| match op {
                mvcc::RequestOp::Put(p) => put_cost(p),
                mvcc::RequestOp::Txn(t) => txn_cost(t),
                _ => 0,
            })
            .sum()
    }
    branch(&req.success).max(branch(&req.failure))
}

/// The cost of a lease grant.
pub fn lease_cost() -> u64 {
    LEASE_OVERHEAD
}

/// Whether a request of `cost` fits: etcd's `size + cost < quota` (a cost
/// of 0 always fits).
pub fn available(db_size: u64, cost: u64, quota_bytes: u64) -> bool {
    cost == 0 || db_size.saturating_add(cost) < quota_bytes
}

/// Whether a transaction writes (a read-only one costs nothing).
pub fn txn_writes(req: &mvcc::TxnRequest) -> bool {
    req.success.iter().chain(&req.failure).any(|op| match op {
        mvcc::RequestOp::Put(_) | mvcc::RequestOp::DeleteRange(_) => true,
        mvcc::RequestOp::Txn(t) => txn_writes(t),
        mvcc::RequestOp::Range(_) => false,
    })
}

/// The active alarms of the cluster (replicated through raft): sorted,
/// without repeats. A list, not a `BTreeSet`: there are a handful at most,
/// and a set of its own type would put another copy of the B-tree code
/// into the web app's wasm. Its wire form is a set's (count, then items).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alarms {
    active: Vec<AlarmMember>,
}

impl wire::Encode for Alarms {
    fn encode(&self, out: &mut Vec<u8>) {
        wire::Encode::encode(&self.active, out);
    }
}

impl wire::Decode for Alarms {
    fn decode(r: &mut wire::Reader<'_>) -> wire::Result<Self> {
        let mut active: Vec<AlarmMember> = wire::Decode::decode(r)?;
        slim::sort(&mut active);
        active.dedup();
        Ok(Alarms { active })
    }
}

impl Alarms {
    /// Raises an alarm; returns it if it was not active.
    pub fn activate(&mut self, member_id: u64, alarm: AlarmType) -> Option<AlarmMember> {
        let a = AlarmMember { member_id, alarm };
        let at = self.active.binary_search(&a).err()?;
        self.active.insert(at, a);
        Some(a)
    }

    /// Clears matching alarms (`member_id` 0 or `AlarmType::None` match
    /// any); returns those cleared.
    pub fn deactivate(&mut self, member_id: u64, alarm: AlarmType) -> Vec<AlarmMember> {
        let hit = |a: &AlarmMember| {
            (member_id == 0 || a.member_id == member_id) && (alarm == AlarmType::None || a.alarm == alarm)
        };
        let gone: Vec<AlarmMember> = self.active.iter().copied().filter(|a| hit(a)).collect();
        self.active.retain(|a| !hit(a));
        gone
    }

    /// Every active alarm.
    pub fn list(&self) -> Vec<AlarmMember> {
        self.active.clone()
    }

    /// Whether some member raised `alarm`.
    pub fn has(&self, alarm: AlarmType) -> bool {
        self.active.iter().any(|a| a.alarm == alarm)
    }

    /// The texts `endpoint status` shows in its errors column: etcd's
    /// `AlarmMember.String()`, protobuf's compact text (a space after each field).
    pub fn errors(&self) -> Vec<String> {
        self.active.iter().map(|a| format!("memberID:{} alarm:{} ", a.member_id, a.alarm)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alarms_activate_once_and_disarm_by_wildcard() {
        let mut a = Alarms::default();
        assert!(a.activate(1, AlarmType::NoSpace).is_some());
        assert!(a.activate(1, AlarmType::NoSpace).is_none());
        a.activate(2, AlarmType::NoSpace);
        assert!(a.has(AlarmType::NoSpace));
        assert_eq!(a.errors()[0], "memberID:1 alarm:NOSPACE ");
        assert_eq!(a.deactivate(0, AlarmType::None).len(), 2);
        assert!(!a.has(AlarmType::NoSpace));
    }

    #[test]
    fn alarms_decode_as_a_set() {
        let (x, y) = (
            AlarmMember { member_id: 2, alarm: AlarmType::NoSpace },
            AlarmMember { member_id: 1, alarm: AlarmType::Corrupt },
        );
        let back: Alarms = wire::from_slice(&wire::to_vec(&vec![x, y, x])).expect("decodes");
        let mut want = Alarms::default();
        want.activate(1, AlarmType::Corrupt);
        want.activate(2, AlarmType::NoSpace);
        assert_eq!(back, want);
        assert_eq!(wire::to_vec(&want), wire::to_vec(&vec![y, x]));
    }

    #[test]
    fn costs_and_availability() {
        let p = mvcc::PutRequest { key: b"k".to_vec(), value: vec![0; 10], ..Default::default() };
        assert_eq!(put_cost(&p), 267);
        assert!(available(100, 267, 368));
        assert!(!available(101, 267, 368));
        let t = mvcc::TxnRequest { success: vec![mvcc::RequestOp::Put(p)], ..Default::default() };
        assert_eq!(txn_cost(&t), 267);
        assert!(txn_writes(&t));
    }
}
