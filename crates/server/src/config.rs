//! A member's configuration, its peers, and how member and cluster IDs are
//! derived (deterministically, exactly as etcd's `NewMember` and `genID` do).
//!
//! ```text
//! member ID  = first 8 bytes (big endian) of
//!              sha1(sorted peer URLs concatenated ++ token [++ decimal salt])
//! cluster ID = first 8 bytes (big endian) of
//!              sha1(sorted member IDs as 8-byte big endian words)
//! etcd-1 (http://127.0.0.1:2380, token "etcd-cluster") -> b71f75320dc06a6c
//! ```

use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};

/// etcd's default `--initial-cluster-token`.
pub const DEFAULT_CLUSTER_TOKEN: &str = "etcd-cluster";

/// The version every member reports (`etcdctl endpoint status`).
pub const SERVER_VERSION: &str = "3.5.33";

/// The storage format version reported beside it.
pub const STORAGE_VERSION: &str = "3.5.0";

/// One member of the cluster as the others know it (etcd's `membership.Member`).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PeerInfo {
    /// The member ID.
    pub id: u64,
    /// Its name; empty until the member has started and published it.
    pub name: String,
    /// Where peers reach it (`http://127.0.0.N:2380`).
    pub peer_urls: Vec<String>,
    /// Where clients reach it (`http://127.0.0.N:2379`); empty until published.
    pub client_urls: Vec<String>,
    /// A non-voting member.
    pub is_learner: bool,
}

impl PeerInfo {
    /// The playground's default member number `n` (1-based): name `etcd-n`,
    /// client URL `http://127.0.0.n:2379`, peer URL `http://127.0.0.n:2380`,
    /// with the ID etcd would derive from the peer URL and `token`.
    pub fn numbered(n: u64, token: &str) -> PeerInfo {
        let peer_urls = vec![format!("http://127.0.0.{n}:2380")];
        PeerInfo {
            id: member_id(&peer_urls, token, 0),
            name: format!("etcd-{n}"),
            client_urls: vec![format!("http://127.0.0.{n}:2379")],
            peer_urls,
            is_learner: false,
        }
    }

    /// Whether the member has started (published its name), as etcd's
    /// `Member.IsStarted`.
    pub fn is_started(&self) -> bool {
        !self.name.is_empty()
    }
}

/// The first 8 bytes of a sha1, big endian (etcd's IDs), never 0.
fn hash_id(bytes: &[u8]) -> u64 {
    let d = Sha1::digest(bytes);
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    u64::from_be_bytes(b).max(1)
}

/// A member ID from its sorted peer URLs and the cluster token (etcd:
/// `NewMember`); `salt` stands for etcd's time in unix seconds, appended in
/// decimal, when a member is added at run time (0 for the initial cluster:
/// nothing appended), so a re-added URL gets a new ID.
pub fn member_id(peer_urls: &[String], token: &str, salt: u64) -> u64 {
    let mut urls = peer_urls.to_vec();
    slim::sort(&mut urls);
    let mut b = urls.concat().into_bytes();
    b.extend_from_slice(token.as_bytes());
    if salt != 0 {
        b.extend_from_slice(salt.to_string().as_bytes());
    }
    hash_id(&b)
}

/// A cluster ID from its members' IDs (etcd: `RaftCluster.genID`).
pub fn cluster_id(member_ids: &[u64]) -> u64 {
    let mut ids = member_ids.to_vec();
    slim::sort(&mut ids);
    let b: Vec<u8> = ids.iter().flat_map(|id| id.to_be_bytes()).collect();
    hash_id(&b)
}

/// The playground's default cluster of `n` members and its ID.
pub fn default_cluster(n: u64) -> (Vec<PeerInfo>, u64) {
    let peers: Vec<PeerInfo> = (1..=n).map(|i| PeerInfo::numbered(i, DEFAULT_CLUSTER_TOKEN)).collect();
    let ids: Vec<u64> = peers.iter().map(|p| p.id).collect();
    (peers, cluster_id(&ids))
}

/// How one member is configured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberConfig {
    /// This member's ID.
    pub id: u64,
    /// This member's name (`--name`).
    pub name: String,
    /// The cluster's ID.
    pub cluster_id: u64,
    /// The initial cluster (`--initial-cluster`); used only when the disk is
    /// empty (bootstrap).
    pub initial_cluster: Vec<PeerInfo>,
    /// Election timeout in ticks (etcd: 1000 ms / 100 ms = 10).
    pub election_ticks: u64,
    /// Heartbeat interval in ticks (1).
    pub heartbeat_ticks: u64,
    /// Milliseconds per tick (etcd's `--heartbeat-interval`, 100).
    pub tick_ms: u64,
    /// Applied entries between raft snapshots (etcd's `--snapshot-count`;
    /// small here so users see InstallSnapshot).
    pub snapshot_count: u64,
    /// Entries kept in the log behind a snapshot for slow followers (etcd's
    /// `SnapshotCatchUpEntries`, 5000; small here).
    pub snapshot_catch_up_entries: u64,
    /// The backend quota in bytes (`--quota-backend-bytes`; 8 MiB here
    /// against etcd's 2 GiB: room for `etcdctl check perf`'s load, and a
    /// `check datascale` still fills it).
    pub quota_bytes: u64,
    /// Seeds this member's raft election randomness.
    pub seed: u64,
    /// `--strict-reconfig-check` (default true).
    pub strict_reconfig_check: bool,
    /// `--max-txn-ops` (128).
    pub max_txn_ops: usize,
    /// `--max-request-bytes` (1.5 MiB).
    pub max_request_bytes: u64,
    /// `--initial-cluster-state`: `New` bootstraps from `initial_cluster`;
    /// `Existing` (a member added with `member add`) starts empty and
    /// learns everything from the leader.
    pub initial_cluster_state: InitialClusterState,
    /// The cluster token (`--initial-cluster-token`), for member IDs.
    pub cluster_token: String,
    /// A deliberately broken read path, for showing that the
    /// linearizability checker catches it: linearizable reads are served
    /// from the local store without ReadIndex. Never on by default.
    pub unsafe_local_reads: bool,
    /// `--experimental-enable-lease-checkpoint` (etcd 3.5: off): the leader
    /// proposes every lease's remaining TTL now and then, so a new leader
    /// restarts it from there instead of from the full TTL.
    pub lease_checkpoint: bool,
    /// `--experimental-lease-checkpoint-interval` (5 minutes), in ms: how
    /// often a lease with more than this left is checkpointed.
    pub lease_checkpoint_interval_ms: u64,
}

/// etcd's `--initial-cluster-state`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum InitialClusterState {
    /// A founding member of a new cluster.
    #[default]
    New,
    /// A member joining a running cluster.
    Existing,
}

impl MemberConfig {
    /// The playground's defaults for member `id` named `name`.
    pub fn new(id: u64, name: &str, cluster_id: u64, initial_cluster: Vec<PeerInfo>, seed: u64) -> Self {
        MemberConfig {
            id,
            name: name.to_string(),
            cluster_id,
            initial_cluster,
            election_ticks: 10,
            heartbeat_ticks: 1,
            tick_ms: 100,
            snapshot_count: 50,
            snapshot_catch_up_entries: 5,
            quota_bytes: 8 * 1024 * 1024,
            seed,
            strict_reconfig_check: true,
            max_txn_ops: 128,
            max_request_bytes: 1024 * 1024 + 512 * 1024,
            initial_cluster_state: InitialClusterState::New,
            cluster_token: DEFAULT_CLUSTER_TOKEN.to_string(),
            unsafe_local_reads: false,
            lease_checkpoint: false,
            lease_checkpoint_interval_ms: 5 * 60 * 1000,
        }
    }

    /// Milliseconds of one election timeout.
    pub fn election_ms(&self) -> u64 {
        self.election_ticks.saturating_mul(self.tick_ms.max(1))
    }

    /// etcd's `ReqTimeout`: 5 s plus two election timeouts, in ticks.
    pub fn request_timeout_ticks(&self) -> u64 {
        self.ms_to_ticks(5000 + 2 * self.election_ms())
    }

    /// Whole ticks covering `ms` (at least 1).
    pub fn ms_to_ticks(&self, ms: u64) -> u64 {
        ms.div_ceil(self.tick_ms.max(1)).max(1)
    }

    /// etcd's minimum lease TTL: 1.5 election timeouts, rounded up to seconds.
    pub fn min_lease_ttl_seconds(&self) -> i64 {
        mvcc::lease::min_lease_ttl_seconds(self.election_ticks, self.tick_ms)
    }

    pub(crate) fn store_config(&self) -> mvcc::StoreConfig {
        mvcc::StoreConfig {
            max_txn_ops: self.max_txn_ops,
            min_lease_ttl_seconds: self.min_lease_ttl_seconds(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_deterministic_and_distinct() {
        let (peers, cid) = default_cluster(3);
        let (again, cid2) = default_cluster(3);
        assert_eq!(peers, again);
        assert_eq!(cid, cid2);
        assert_ne!(peers[0].id, peers[1].id);
        assert_eq!(peers[2].client_urls, vec!["http://127.0.0.3:2379".to_string()]);
        let urls = vec!["http://127.0.0.9:2380".to_string()];
        assert_ne!(member_id(&urls, DEFAULT_CLUSTER_TOKEN, 0), member_id(&urls, DEFAULT_CLUSTER_TOKEN, 7));
        assert_eq!(cluster_id(&[2, 1]), cluster_id(&[1, 2]));
    }

    /// The IDs a real etcd 3.5 gives etcd-1..3 (`member list`, `endpoint
    /// status` in the recorded goldens).
    #[test]
    fn ids_are_etcds() {
        let (peers, cid) = default_cluster(3);
        let ids: Vec<u64> = peers.iter().map(|p| p.id).collect();
        assert_eq!(ids, [0xb71f_7532_0dc0_6a6c, 0x2328_4278_a2d8_a0e6, 0xcc4a_03f3_0001_902d]);
        assert_eq!(cid, 0x6d05_ff07_01ee_2767);
        // A member added at run time: the decimal seconds follow the token.
        let urls = vec!["http://127.0.0.4:2380".to_string()];
        let mut b = b"http://127.0.0.4:2380etcd-cluster1700000000".to_vec();
        let salted = member_id(&urls, DEFAULT_CLUSTER_TOKEN, 1_700_000_000);
        assert_eq!(salted, hash_id(&b));
        b.truncate(b.len() - 10);
        assert_eq!(member_id(&urls, DEFAULT_CLUSTER_TOKEN, 0), hash_id(&b));
    }

    #[test]
    fn timeouts_follow_etcd() {
        let c = MemberConfig::new(1, "etcd-1", 1, Vec::new(), 0);
        assert_eq!(c.request_timeout_ticks(), 70);
        assert_eq!(c.min_lease_ttl_seconds(), 2);
    }
}
