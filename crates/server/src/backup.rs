//! Backup and restore: `etcdctl snapshot save` gives the bytes of a
//! member's backend (the MVCC store and the auth store) sealed with a
//! sha256; [`restore_disks`] turns them into the disks of a brand-new
//! cluster as `etcdutl snapshot restore` does: new member and cluster IDs,
//! the old membership dropped, optionally the revision bumped and the store
//! marked compacted (so watchers and caches of the old cluster resync).
//!
//! ```text
//! +----------------------+--------------+-------------------+-------------+-------------+
//! | "etcd-play-backup\n" | store length | MVCC snapshot     | auth store  | sha256 (32) |
//! |                      | (u64 BE)     | (sealed itself)   | (wire)      | of all before|
//! +----------------------+--------------+-------------------+-------------+-------------+
//! ```

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::apply::State;
use crate::auth::AuthStore;
use crate::config::{DEFAULT_CLUSTER_TOKEN, MemberConfig, PeerInfo, cluster_id, member_id};
use crate::disk::{Disk, DiskIdentity};
use crate::error::{Error, Result};
use crate::member::bootstrap_snapshot;
use crate::membership::Cluster;
use crate::quota::Alarms;

const MAGIC: &[u8] = b"etcd-play-backup\n";
const SHA_LEN: usize = 32;

struct Backup {
    store: Vec<u8>,
    auth: AuthStore,
}

/// The backup of a member's state.
pub(crate) fn backup(state: &State) -> Vec<u8> {
    let store = state.store.snapshot();
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&(store.len() as u64).to_be_bytes());
    out.extend_from_slice(&store);
    wire::Encode::encode(&state.auth, &mut out);
    let d = Sha256::digest(&out);
    out.extend_from_slice(&d);
    out
}

fn open(bytes: &[u8], check_hash: bool) -> Result<Backup> {
    let bad = |what: &str| Error::Snapshot(format!("snapshot: not a valid backup ({what})"));
    if bytes.len() < MAGIC.len() + 8 + SHA_LEN || !bytes.starts_with(MAGIC) {
        return Err(bad("bad magic or truncated"));
    }
    let (body, sha) = bytes.split_at(bytes.len() - SHA_LEN);
    if check_hash && Sha256::digest(body).as_slice() != sha {
        return Err(Error::Snapshot(
            "snapshot: expected sha256 does not match: snapshot file integrity check failed".into(),
        ));
    }
    let rest = &body[MAGIC.len()..];
    let (len, rest) = rest.split_first_chunk::<8>().ok_or_else(|| bad("truncated"))?;
    let len = usize::try_from(u64::from_be_bytes(*len)).map_err(|_| bad("length"))?;
    if rest.len() < len {
        return Err(bad("truncated store"));
    }
    let (store, rest) = rest.split_at(len);
    let auth: AuthStore = wire::from_slice(rest).map_err(|e| bad(&e.to_string()))?;
    Ok(Backup { store: store.to_vec(), auth })
}

/// What `etcdutl snapshot status` shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotStatus {
    /// A CRC-32C of the key space (the store's `hash_kv`).
    pub hash: u32,
    /// The store's revision.
    pub revision: i64,
    /// Keys with history in the store.
    pub total_keys: usize,
    /// The backend's size in bytes when the backup was taken (mvcc
    /// `Store::size`): etcdutl reports the db file's size, free pages
    /// included, not this blob's length.
    pub total_size: u64,
}

/// Reads a backup's status.
pub fn snapshot_status(bytes: &[u8]) -> Result<SnapshotStatus> {
    let b = open(bytes, true)?;
    let store = mvcc::Store::restore(&b.store, mvcc::StoreConfig::default())?;
    Ok(SnapshotStatus {
        hash: store.hash_kv(0).map(|h| h.hash).unwrap_or(0),
        revision: store.current_revision(),
        total_keys: store.index().len(),
        total_size: store.size(),
    })
}

/// The key space a backup holds (its hash checked), to read keys from it:
/// what a restore would bring back.
pub fn snapshot_store(bytes: &[u8]) -> Result<mvcc::Store> {
    let b = open(bytes, true)?;
    Ok(mvcc::Store::restore(&b.store, mvcc::StoreConfig::default())?)
}

/// `etcdutl snapshot restore` options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RestoreOptions {
    /// The members of the new cluster (`--initial-cluster`, names and peer
    /// URLs; client URLs too). IDs are derived anew.
    pub initial_cluster: Vec<PeerInfo>,
    /// `--initial-cluster-token`.
    pub cluster_token: String,
    /// `--bump-revision`: add this to the store's revision.
    pub bump_revision: u64,
    /// `--mark-compacted`: mark the store compacted at its (bumped) revision.
    pub mark_compacted: bool,
    /// `--skip-hash-check`.
    pub skip_hash_check: bool,
}

impl Default for RestoreOptions {
    fn default() -> Self {
        RestoreOptions {
            initial_cluster: Vec::new(),
            cluster_token: DEFAULT_CLUSTER_TOKEN.to_string(),
            bump_revision: 0,
            mark_compacted: false,
            skip_hash_check: false,
        }
    }
}

/// The disks of a new cluster restored from a backup, one per member of
/// `opts.initial_cluster`, each with its new ID filled in.
pub fn restore_disks(snapshot: &[u8], opts: RestoreOptions) -> Result<Vec<(PeerInfo, Disk)>> {
    if opts.initial_cluster.is_empty() {
        return Err(Error::Snapshot("--initial-cluster must not be empty".into()));
    }
    let b = open(snapshot, !opts.skip_hash_check)?;
    let mut peers = opts.initial_cluster.clone();
    for p in &mut peers {
        p.id = member_id(&p.peer_urls, &opts.cluster_token, 0);
        p.is_learner = false;
    }
    let ids: Vec<u64> = peers.iter().map(|p| p.id).collect();
    let cid = cluster_id(&ids);
    let mut out = Vec::new();
    for p in &peers {
        let mut cfg = MemberConfig::new(p.id, &p.name, cid, peers.clone(), 0);
        cfg.cluster_token = opts.cluster_token.clone();
        let mut store = mvcc::Store::restore(&b.store, cfg.store_config())?;
        if opts.bump_revision > 0 || opts.mark_compacted {
            store.bump_revision(opts.bump_revision, opts.mark_compacted)?;
        }
        store.lessor_mut().demote();
        let state = State {
            store,
            cluster: Cluster::new(&peers),
            auth: b.auth.clone(),
            alarms: Alarms::default(),
            recent: Default::default(),
        };
        let snap = bootstrap_snapshot(&cfg, state);
        let mut disk = Disk {
            identity: Some(DiskIdentity { id: p.id, name: p.name.clone(), cluster_id: cid }),
            ..Disk::default()
        };
        disk.install_snapshot(snap);
        disk.hard_state = raft::HardState { term: 1, vote: 0, commit: 1 };
        out.push((p.clone(), disk));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::default_cluster;

    fn backup_of_three_keys() -> Vec<u8> {
        backup_and_size().0
    }

    /// A backup of three keys and its store's size.
    fn backup_and_size() -> (Vec<u8>, u64) {
        let (peers, cid) = default_cluster(1);
        let cfg = MemberConfig::new(peers[0].id, "etcd-1", cid, peers.clone(), 0);
        let mut state = State::new(&cfg, &peers);
        for k in ["a", "b", "c"] {
            state
                .store
                .put(&mvcc::PutRequest { key: k.into(), value: b"v".to_vec(), ..Default::default() })
                .unwrap();
        }
        (backup(&state), state.store.size())
    }

    #[test]
    fn status_and_integrity() {
        let (b, size) = backup_and_size();
        let st = snapshot_status(&b).unwrap();
        assert_eq!((st.revision, st.total_keys, st.total_size), (4, 3, size));
        assert_ne!(st.total_size, b.len() as u64, "the db size, not the blob's length");
        let mut bad = b.clone();
        let mid = bad.len() / 2;
        bad[mid] ^= 1;
        assert!(snapshot_status(&bad).is_err());
        assert!(snapshot_status(b"short").is_err());
        let opts = RestoreOptions {
            initial_cluster: default_cluster(1).0,
            skip_hash_check: true,
            ..Default::default()
        };
        assert!(
            restore_disks(&bad, opts).is_err(),
            "a flipped byte in the auth store or the store is caught"
        );
    }

    #[test]
    fn restore_gives_new_ids_and_bumps_revisions() {
        let b = backup_of_three_keys();
        let mut peers = default_cluster(3).0;
        for p in &mut peers {
            p.id = 0;
        }
        let opts = RestoreOptions {
            initial_cluster: peers,
            bump_revision: 10,
            mark_compacted: true,
            ..Default::default()
        };
        let disks = restore_disks(&b, opts).unwrap();
        assert_eq!(disks.len(), 3);
        let ids: Vec<u64> = disks.iter().map(|(p, _)| p.id).collect();
        assert_eq!(ids, default_cluster(3).0.iter().map(|p| p.id).collect::<Vec<_>>());
        let (p, d) = &disks[0];
        let cfg = MemberConfig::new(p.id, &p.name, 0, Vec::new(), 0);
        let state = d.snapshot.as_ref().unwrap().state(&cfg);
        assert_eq!(state.store.current_revision(), 14);
        assert_eq!(state.store.compacted_revision(), 14);
        assert_eq!(state.cluster.members().len(), 3);
        assert!(restore_disks(&b, RestoreOptions::default()).is_err(), "no members");
    }
}
