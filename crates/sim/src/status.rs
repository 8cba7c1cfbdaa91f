//! Read-only pictures of the cluster for drawing ([`ClusterStatus`]) and a
//! digest of its whole state ([`Sim::state_hash`]) for the determinism test.

use serde::{Deserialize, Serialize};
use server::MemberStatus;
use sha2::{Digest, Sha256};

use crate::network::{LinkSettings, MessageRecord, NetworkStats};
use crate::sim::Sim;

/// One member as drawn.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NodeStatus {
    /// Member id.
    pub id: u64,
    /// N of `etcd-N`.
    pub number: u64,
    /// `etcd-N`.
    pub name: String,
    /// Running (false: crashed or stopped).
    pub running: bool,
    /// Extra disk latency (ms).
    pub slow_disk_ms: u64,
    /// Its disk has no space left (`Fault::DiskFull`).
    pub disk_full: bool,
    /// Bytes on its disk.
    pub disk_bytes: u64,
    /// The member's own status, while it runs.
    pub status: Option<MemberStatus>,
}

/// The whole cluster at one instant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterStatus {
    /// Virtual time (ms).
    pub now_ms: u64,
    /// Steps taken.
    pub steps: u64,
    /// Every member, in id order.
    pub members: Vec<NodeStatus>,
    /// Messages on the wire (drawn as moving dots).
    pub in_flight: Vec<MessageRecord>,
    /// Blocked directed links (partitions).
    pub blocked: Vec<(u64, u64)>,
    /// Network counters.
    pub network: NetworkStats,
    /// The default link settings.
    pub link: LinkSettings,
    /// The first safety violation, if any.
    pub violation: Option<String>,
}

impl Sim {
    /// A picture of the cluster now.
    pub fn status(&self) -> ClusterStatus {
        ClusterStatus {
            now_ms: self.now_ms(),
            steps: self.steps,
            members: self
                .nodes
                .iter()
                .map(|(&id, n)| NodeStatus {
                    id,
                    number: n.number,
                    name: n.config.name.clone(),
                    running: n.is_running(),
                    slow_disk_ms: n.slow_disk_ms,
                    disk_full: self.disk(id).is_some_and(server::Disk::is_full),
                    disk_bytes: self.disk(id).map_or(0, server::Disk::size_bytes),
                    status: n.member().map(server::Member::status),
                })
                .collect(),
            in_flight: self.network.in_flight().map(crate::network::InFlight::record).collect(),
            blocked: self.network.blocked_links().collect(),
            network: self.network.stats(),
            link: self.network.link(0, 0).clone(),
            violation: self.violation.clone(),
        }
    }

    /// A sha256 (hex) of the state that matters: time, steps, every
    /// member's raft hard state, applied index, revision and KV hash, the
    /// disks' sizes, the network counters and the number of events.
    pub fn state_hash(&self) -> String {
        let mut h = Sha256::new();
        h.update(self.now_ms().to_be_bytes());
        h.update(self.steps.to_be_bytes());
        for (&id, n) in &self.nodes {
            h.update(id.to_be_bytes());
            h.update([u8::from(n.is_running())]);
            h.update(self.disk(id).map_or(0, server::Disk::size_bytes).to_be_bytes());
            if let Some(m) = n.member() {
                let s = m.status();
                let hs = s.raft.hard_state;
                for v in
                    [hs.term, hs.vote, hs.commit, s.applied, s.revision as u64, s.compact_revision as u64]
                {
                    h.update(v.to_be_bytes());
                }
                let kv = m.store().hash_kv(0).map(|r| r.hash).unwrap_or(0);
                h.update(kv.to_be_bytes());
            }
        }
        let st = self.network.stats();
        for v in [st.sent, st.delivered, st.dropped, st.duplicated, self.events.total()] {
            h.update(v.to_be_bytes());
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Each running member's KV hash at its current revision, by id.
    pub fn kv_hashes(&self) -> slim::VecMap<u64, (i64, u32)> {
        self.nodes
            .iter()
            .filter_map(|(&id, n)| n.member().map(|m| (id, m)))
            .map(|(id, m)| {
                let rev = m.store().current_revision();
                (id, (rev, m.store().hash_kv(rev).map(|r| r.hash).unwrap_or(0)))
            })
            .collect()
    }
}
