//! The lessor: leases, their TTLs, the keys attached to them, and expiry.
//!
//! # Where the store ends and the member begins
//!
//! Time is never read here: every call that depends on it takes `now_ms`,
//! the caller's virtual clock in milliseconds. In etcd only the leader's
//! lessor is *primary*: it tracks expiry, and when a lease runs out the
//! leader proposes a `LeaseRevoke` through raft, so every member revokes it
//! at the same point in the log. This crate keeps that split:
//!
//! - [`Lessor::expired`] only *reports* leases whose time is up (and only on
//!   a primary lessor); it changes nothing.
//! - The member turns each reported ID into a proposal; applying it calls
//!   [`Store::lease_revoke`], which deletes every attached key in one write
//!   transaction (one revision) and then forgets the lease.
//! - [`Lessor::promote`] (becoming leader) restarts every lease's clock, as
//!   etcd extends leases on promotion; [`Lessor::demote`] stops them.
//!
//! A TTL below the minimum (etcd: `ceil(1.5 × election timeout)` seconds,
//! see [`min_lease_ttl_seconds`]) is raised to it; above
//! [`MAX_LEASE_TTL_SECONDS`] it is refused.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::kv::{DeleteRangeRequest, ResponseHeader};
use crate::store::Store;

/// A lease's ID; 0 means "no lease".
pub type LeaseId = i64;

/// etcd's largest TTL: `MaxLeaseTTL`.
pub const MAX_LEASE_TTL_SECONDS: i64 = 9_000_000_000;

/// etcd's minimum lease TTL for an election timeout of `election_ticks`
/// heartbeats of `heartbeat_ms`: `(3 * election_ticks / 2)` heartbeats,
/// rounded up to whole seconds (2 s with etcd's defaults of 10 × 100 ms).
pub fn min_lease_ttl_seconds(election_ticks: u64, heartbeat_ms: u64) -> i64 {
    let ms = (3 * election_ticks / 2).saturating_mul(heartbeat_ms);
    ms.div_ceil(1000) as i64
}

/// One lease.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    /// Its ID.
    pub id: LeaseId,
    /// The granted TTL in seconds (after raising it to the minimum).
    pub ttl_seconds: i64,
    /// The seconds it had left at its last checkpoint (etcd's
    /// `remainingTTL`, set by `LeaseCheckpoint` on every member; 0: none).
    /// A new leader restarts the lease's clock from it instead of from the
    /// full TTL; a renewal clears it.
    pub remaining_ttl_seconds: i64,
    /// When it runs out, on a primary lessor; `None` while not primary.
    pub expiry_ms: Option<u64>,
    /// The keys attached to it.
    pub keys: BTreeSet<Vec<u8>>,
}

impl Lease {
    /// What a new leader restarts the clock from: the checkpointed
    /// remaining TTL if there is one, else the granted TTL (etcd's
    /// `getRemainingTTL`).
    pub fn checkpointed_ttl_seconds(&self) -> i64 {
        if self.remaining_ttl_seconds > 0 { self.remaining_ttl_seconds } else { self.ttl_seconds }
    }

    /// Whole seconds left at `now_ms`, truncated toward zero as etcd's
    /// `int64(Remaining().Seconds())`; the granted TTL when not ticking.
    pub fn remaining_seconds(&self, now_ms: u64) -> i64 {
        match self.expiry_ms {
            Some(expiry) => (expiry as i128 - now_ms as i128) as i64 / 1000,
            None => self.ttl_seconds,
        }
    }
}

/// All leases of one member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lessor {
    leases: BTreeMap<LeaseId, Lease>,
    min_ttl_seconds: i64,
    primary: bool,
    id_prefix: u16,
    next_id: u64,
}

impl Lessor {
    /// An empty, primary lessor with the given minimum TTL.
    pub fn new(min_ttl_seconds: i64) -> Self {
        Lessor { leases: BTreeMap::new(), min_ttl_seconds, primary: true, id_prefix: 0, next_id: 1 }
    }

    /// Sets the top 16 bits of assigned IDs (etcd uses the member ID's low
    /// bits), so members assign distinct IDs.
    pub fn set_id_prefix(&mut self, prefix: u16) {
        self.id_prefix = prefix;
    }

    /// The minimum TTL in seconds.
    pub fn min_ttl_seconds(&self) -> i64 {
        self.min_ttl_seconds
    }

    /// Whether this lessor tracks expiry (it is the leader's).
    pub fn is_primary(&self) -> bool {
        self.primary
    }

    /// The next ID to assign: deterministic, positive, unused.
    fn assign_id(&mut self) -> LeaseId {
        loop {
            let id = (((self.id_prefix as u64) << 48) | (self.next_id & 0xffff_ffff_ffff)) as i64 & i64::MAX;
            self.next_id += 1;
            if id != 0 && !self.leases.contains_key(&id) {
                return id;
            }
        }
    }

    /// Grants a lease (ID 0: assign one; any other ID, negative ones
    /// included, is taken as given, as etcd does). Returns the ID and the
    /// granted TTL.
    pub fn grant(&mut self, id: LeaseId, ttl_seconds: i64, now_ms: u64) -> Result<(LeaseId, i64)> {
        if ttl_seconds > MAX_LEASE_TTL_SECONDS {
            return Err(Error::LeaseTtlTooLarge);
        }
        if self.leases.contains_key(&id) {
            return Err(Error::LeaseExists);
        }
        let id = if id == 0 { self.assign_id() } else { id };
        let ttl = ttl_seconds.max(self.min_ttl_seconds);
        let expiry_ms = self.primary.then(|| expiry(now_ms, ttl));
        let lease =
            Lease { id, ttl_seconds: ttl, remaining_ttl_seconds: 0, expiry_ms, keys: BTreeSet::new() };
        self.leases.insert(id, lease);
        Ok((id, ttl))
    }

    /// Removes a lease and returns the keys that were attached to it.
    pub fn remove(&mut self, id: LeaseId) -> Result<BTreeSet<Vec<u8>>> {
        self.leases.remove(&id).map(|l| l.keys).ok_or(Error::LeaseNotFound)
    }

    /// Renews (keeps alive) a lease: its clock restarts from the full TTL
    /// and a checkpointed remaining TTL is forgotten here (the member
    /// proposes a checkpoint of 0 so the others forget it too). Returns
    /// the TTL. A lease whose time is up is as good as revoked: not found.
    pub fn renew(&mut self, id: LeaseId, now_ms: u64) -> Result<i64> {
        if !self.primary {
            return Err(Error::NotPrimary);
        }
        let lease = self.leases.get_mut(&id).ok_or(Error::LeaseNotFound)?;
        if lease.expiry_ms.is_some_and(|e| e <= now_ms) {
            return Err(Error::LeaseNotFound);
        }
        lease.expiry_ms = Some(expiry(now_ms, lease.ttl_seconds));
        lease.remaining_ttl_seconds = 0;
        Ok(lease.ttl_seconds)
    }

    /// A lease by ID.
    pub fn lookup(&self, id: LeaseId) -> Option<&Lease> {
        self.leases.get(&id)
    }

    /// Every lease, ordered by expiry then ID (as etcd sorts `Leases()`).
    pub fn leases(&self) -> Vec<&Lease> {
        let mut all: Vec<&Lease> = self.leases.values().collect();
        slim::sort_by_key(&mut all, |l| (l.expiry_ms.unwrap_or(u64::MAX), l.id));
        all
    }

    /// On a primary lessor, the leases whose time is up at `now_ms`, oldest
    /// expiry first. Nothing is removed: the member proposes revokes.
    pub fn expired(&self, now_ms: u64) -> Vec<LeaseId> {
        if !self.primary {
            return Vec::new();
        }
        let mut due: Vec<(u64, LeaseId)> = self
            .leases
            .values()
            .filter_map(|l| l.expiry_ms.filter(|&e| e <= now_ms).map(|e| (e, l.id)))
            .collect();
        slim::sort(&mut due);
        due.into_iter().map(|(_, id)| id).collect()
    }

    /// Becomes primary: every lease's clock restarts at `now_ms` from its
    /// checkpointed remaining TTL or else its full TTL, extended by
    /// `extend_ms` (etcd extends by an election timeout).
    ///
    /// ```text
    /// ttl 600 s, checkpointed at 420 s left, leader lost, new leader at t:
    ///   with the checkpoint: expires at t + extend + 420 s
    ///   without (etcd 3.5's default): t + extend + 600 s
    /// ```
    pub fn promote(&mut self, now_ms: u64, extend_ms: u64) {
        self.primary = true;
        for l in self.leases.values_mut() {
            l.expiry_ms = Some(expiry(now_ms, l.checkpointed_ttl_seconds()).saturating_add(extend_ms));
        }
    }

    /// Applies a lease checkpoint (etcd's `LeaseCheckpoint`, on every
    /// member): remembers how long the lease had left. Returns false for a
    /// lease that does not exist (revoked meanwhile).
    pub fn checkpoint(&mut self, id: LeaseId, remaining_ttl_seconds: i64) -> bool {
        match self.leases.get_mut(&id) {
            Some(l) => {
                l.remaining_ttl_seconds = remaining_ttl_seconds.max(0);
                true
            }
            None => false,
        }
    }

    /// Stops being primary: leases stop running out.
    pub fn demote(&mut self) {
        self.primary = false;
        for l in self.leases.values_mut() {
            l.expiry_ms = None;
        }
    }

    /// Attaches a key to a lease (no-op for an unknown lease).
    pub(crate) fn attach(&mut self, id: LeaseId, key: &[u8]) {
        if let Some(l) = self.leases.get_mut(&id) {
            l.keys.insert(key.to_vec());
        }
    }

    /// Detaches a key from a lease (no-op for an unknown lease).
    pub(crate) fn detach(&mut self, id: LeaseId, key: &[u8]) {
        if let Some(l) = self.leases.get_mut(&id) {
            l.keys.remove(key);
        }
    }

    /// Restores a lease from a snapshot, not ticking until promoted.
    pub(crate) fn restore(&mut self, id: LeaseId, ttl_seconds: i64, remaining_ttl_seconds: i64) {
        let lease = Lease { id, ttl_seconds, remaining_ttl_seconds, expiry_ms: None, keys: BTreeSet::new() };
        self.leases.insert(id, lease);
        self.primary = false;
    }

    /// How many leases exist.
    pub fn len(&self) -> usize {
        self.leases.len()
    }

    /// Whether no lease exists.
    pub fn is_empty(&self) -> bool {
        self.leases.is_empty()
    }
}

fn expiry(now_ms: u64, ttl_seconds: i64) -> u64 {
    now_ms.saturating_add((ttl_seconds.max(0) as u64).saturating_mul(1000))
}

/// A lease grant (`etcdserverpb.LeaseGrantRequest`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseGrantRequest {
    /// The TTL asked for, in seconds.
    #[serde(rename = "TTL")]
    pub ttl: i64,
    /// The ID asked for (0: assign one).
    #[serde(rename = "ID")]
    pub id: LeaseId,
}

/// The answer to a [`LeaseGrantRequest`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseGrantResponse {
    /// `revision` is the current revision.
    pub header: ResponseHeader,
    /// The lease's ID.
    #[serde(rename = "ID")]
    pub id: LeaseId,
    /// The granted TTL in seconds.
    #[serde(rename = "TTL")]
    pub ttl: i64,
    /// Unused by the store (etcd's field, always empty).
    pub error: String,
}

/// The answer to a revoke.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseRevokeResponse {
    /// `revision` is the revision after deleting the attached keys.
    pub header: ResponseHeader,
}

/// The answer to a keep-alive.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseKeepAliveResponse {
    /// `revision` is the current revision.
    pub header: ResponseHeader,
    /// The lease's ID.
    #[serde(rename = "ID")]
    pub id: LeaseId,
    /// The renewed TTL in seconds.
    #[serde(rename = "TTL")]
    pub ttl: i64,
}

/// The answer to a time-to-live query.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseTimeToLiveResponse {
    /// `revision` is the current revision.
    pub header: ResponseHeader,
    /// The lease's ID.
    #[serde(rename = "ID")]
    pub id: LeaseId,
    /// Seconds left.
    #[serde(rename = "TTL")]
    pub ttl: i64,
    /// The granted TTL in seconds.
    #[serde(rename = "grantedTTL")]
    pub granted_ttl: i64,
    /// The attached keys, in key order, when asked for.
    pub keys: Vec<Vec<u8>>,
}

/// The answer to a lease listing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseLeasesResponse {
    /// `revision` is the current revision.
    pub header: ResponseHeader,
    /// Every lease's ID.
    pub leases: Vec<LeaseId>,
}

impl Store {
    /// The lessor, to read.
    pub fn lessor(&self) -> &Lessor {
        &self.lessor
    }

    /// The lessor, to promote, demote or set the ID prefix.
    pub fn lessor_mut(&mut self) -> &mut Lessor {
        &mut self.lessor
    }

    /// Grants a lease.
    pub fn lease_grant(&mut self, req: &LeaseGrantRequest, now_ms: u64) -> Result<LeaseGrantResponse> {
        let (id, ttl) = self.lessor.grant(req.id, req.ttl, now_ms)?;
        self.size.lease_added();
        Ok(LeaseGrantResponse { header: ResponseHeader::at(self.current_rev), id, ttl, error: String::new() })
    }

    /// Revokes a lease: deletes every attached key in one write transaction
    /// (one revision, none if no key was attached), then forgets the lease.
    pub fn lease_revoke(&mut self, id: LeaseId) -> Result<LeaseRevokeResponse> {
        let keys = self.lessor.lookup(id).ok_or(Error::LeaseNotFound)?.keys.clone();
        let mut wt = self.begin_write();
        for key in keys {
            let req = DeleteRangeRequest { key, ..Default::default() };
            self.write_delete(&mut wt, &req.key, &req.range_end);
        }
        self.lessor.remove(id)?;
        self.size.lease_removed();
        let rev = self.end_write(wt);
        Ok(LeaseRevokeResponse { header: ResponseHeader::at(rev) })
    }

    /// Renews a lease.
    pub fn lease_renew(&mut self, id: LeaseId, now_ms: u64) -> Result<LeaseKeepAliveResponse> {
        let ttl = self.lessor.renew(id, now_ms)?;
        Ok(LeaseKeepAliveResponse { header: ResponseHeader::at(self.current_rev), id, ttl })
    }

    /// A lease's remaining and granted TTL, and its keys if asked for.
    pub fn lease_time_to_live(
        &self,
        id: LeaseId,
        keys: bool,
        now_ms: u64,
    ) -> Result<LeaseTimeToLiveResponse> {
        let l = self.lessor.lookup(id).ok_or(Error::LeaseNotFound)?;
        Ok(LeaseTimeToLiveResponse {
            header: ResponseHeader::at(self.current_rev),
            id,
            ttl: l.remaining_seconds(now_ms),
            granted_ttl: l.ttl_seconds,
            keys: if keys { l.keys.iter().cloned().collect() } else { Vec::new() },
        })
    }

    /// Every lease.
    pub fn lease_leases(&self) -> LeaseLeasesResponse {
        LeaseLeasesResponse {
            header: ResponseHeader::at(self.current_rev),
            leases: self.lessor.leases().iter().map(|l| l.id).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimum_ttl_is_ceil_of_one_and_a_half_election_timeouts() {
        assert_eq!(min_lease_ttl_seconds(10, 100), 2);
        assert_eq!(min_lease_ttl_seconds(20, 100), 3);
        assert_eq!(min_lease_ttl_seconds(1, 100), 1);
    }

    #[test]
    fn grant_renew_expire_promote_demote() {
        let mut l = Lessor::new(2);
        assert_eq!(l.grant(0, 1, 0), Ok((1, 2)));
        assert_eq!(l.grant(7, 10, 0), Ok((7, 10)));
        assert_eq!(l.grant(7, 10, 0), Err(Error::LeaseExists));
        assert_eq!(l.grant(0, MAX_LEASE_TTL_SECONDS + 1, 0), Err(Error::LeaseTtlTooLarge));
        assert_eq!(l.lookup(7).unwrap().remaining_seconds(500), 9);
        assert_eq!(l.expired(1999), Vec::<LeaseId>::new());
        assert_eq!(l.expired(2000), vec![1]);
        assert_eq!(l.renew(1, 2000), Err(Error::LeaseNotFound));
        assert_eq!(l.renew(7, 5000), Ok(10));
        assert_eq!(l.expired(14_999), vec![1]);
        l.demote();
        assert_eq!(l.expired(u64::MAX), Vec::<LeaseId>::new());
        assert_eq!(l.renew(7, 0), Err(Error::NotPrimary));
        l.promote(100_000, 1000);
        assert_eq!(l.expired(103_000), vec![1]);
        assert_eq!(l.remove(1).map(|k| k.len()), Ok(0));
        assert_eq!(l.remove(1), Err(Error::LeaseNotFound));
    }

    #[test]
    fn a_checkpoint_is_where_a_new_leader_restarts_the_clock() {
        let mut l = Lessor::new(1);
        l.grant(5, 600, 0).unwrap();
        l.grant(6, 600, 0).unwrap();
        assert!(l.checkpoint(5, 420));
        assert!(!l.checkpoint(9, 1), "unknown lease");
        l.demote();
        l.promote(200_000, 1_000);
        assert_eq!(l.lookup(5).unwrap().expiry_ms, Some(200_000 + 1_000 + 420_000));
        assert_eq!(
            l.lookup(6).unwrap().expiry_ms,
            Some(200_000 + 1_000 + 600_000),
            "no checkpoint: full TTL"
        );
        // A renewal restarts from the full TTL and forgets the checkpoint.
        assert_eq!(l.renew(5, 300_000), Ok(600));
        assert_eq!(l.lookup(5).unwrap().remaining_ttl_seconds, 0);
        l.promote(400_000, 0);
        assert_eq!(l.lookup(5).unwrap().expiry_ms, Some(400_000 + 600_000));
    }

    #[test]
    fn assigned_ids_carry_the_prefix_and_skip_taken_ones() {
        let mut l = Lessor::new(1);
        l.set_id_prefix(0x1e3b);
        l.grant((0x1e3b << 48) | 1, 5, 0).unwrap();
        let (id, _) = l.grant(0, 5, 0).unwrap();
        assert_eq!(id, (0x1e3b << 48) | 2);
    }
}
