//! The cluster the console talks to: members, leader and term, partitions, faults and one replicated store.
//!
//! This is a deliberately small model of a Raft cluster, used until the
//! simulator (crates/sim) offers a client API: it keeps etcd's observable
//! rules (a write or linearizable read needs a leader, which needs a majority
//! of voters that are up and can talk to each other; a serializable read is
//! served by any running member; a crashed member keeps its disk), and one
//! mvcc store stands for the replicated state machine.
//!
//! ```text
//! voters: etcd-1 etcd-2 etcd-3       groups: {1,2} / {3}
//!   quorum = 2; group {1,2} has 2 up  -> leader in {1,2}
//!   etcd-3: serializable reads only; writes time out ("context deadline exceeded")
//! ```

use mvcc::{ResponseHeader, Store, StoreConfig};

use crate::auth::AuthStore;
use crate::ids::{self, Rng};

/// The cluster token every playground cluster uses (as the goldens' cluster).
pub const TOKEN: &str = "etcd-cluster";
/// etcd's version the playground plays.
pub const VERSION: &str = "3.5.33";
/// The API version.
pub const API_VERSION: &str = "3.5";
/// Election timeout in virtual milliseconds (etcd's default 1000).
pub const ELECTION_MS: u64 = 1000;

/// How a cluster starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterOptions {
    /// Number of members (1 to 7).
    pub nodes: usize,
    /// Serve https and require client certificates, as kubeadm does.
    pub tls: bool,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        ClusterOptions { nodes: 3, tls: false }
    }
}

/// One member.
#[derive(Clone, Debug)]
pub struct Member {
    /// etcd's member ID.
    pub id: u64,
    /// Its name (`etcd-1`); empty until an added member first starts.
    pub name: String,
    /// The name given by `member add`, used when it starts.
    pub pending_name: String,
    /// Peer URLs.
    pub peer_urls: Vec<String>,
    /// Client URLs (empty until started).
    pub client_urls: Vec<String>,
    /// A non-voting learner.
    pub is_learner: bool,
    /// Its process runs.
    pub up: bool,
    /// Its partition group: members talk only within a group.
    pub group: u32,
    /// The last raft index it applied.
    pub applied: u64,
    /// Its raft term as it knows it.
    pub term: u64,
    /// What it last applied while it cannot hear a leader: serializable
    /// reads on it see this (stale) state. `None` while it is in sync.
    pub stale: Option<Box<Store>>,
}

/// Network settings of `cluster net`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Net {
    /// Smallest one-way delay, ms.
    pub delay_min_ms: u64,
    /// Largest one-way delay, ms.
    pub delay_max_ms: u64,
    /// Percent of messages dropped.
    pub drop_percent: u32,
    /// Percent of messages duplicated.
    pub duplicate_percent: u32,
}

/// An alarm raised on a member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alarm {
    /// The member.
    pub member_id: u64,
    /// `NOSPACE` or `CORRUPT`.
    pub kind: String,
}

/// Why a request got no answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unreachable {
    /// No member listens at the endpoint, or its process is down.
    Refused(String),
    /// The member runs but cannot reach a quorum (no leader on its side).
    NoLeader,
}

/// The cluster.
#[derive(Clone, Debug)]
pub struct Cluster {
    /// How it was created.
    pub options: ClusterOptions,
    /// Virtual time, ms.
    pub now_ms: u64,
    /// etcd's cluster ID.
    pub cluster_id: u64,
    /// Every member, in the order they joined.
    pub members: Vec<Member>,
    /// The replicated key-value store.
    pub store: Store,
    /// Users and roles.
    pub auth: AuthStore,
    /// The leader's ID.
    pub leader: Option<u64>,
    /// The current term.
    pub term: u64,
    /// The last committed raft index.
    pub raft_index: u64,
    /// Raised alarms.
    pub alarms: Vec<Alarm>,
    /// Network settings.
    pub net: Net,
    /// Backend quota in bytes.
    pub quota_bytes: u64,
    /// What happened, for the timeline: (virtual ms, text).
    pub events: Vec<(u64, String)>,
    rng: Rng,
}

impl Cluster {
    /// A fresh cluster of `options.nodes` members; etcd-1 leads at term 2.
    pub fn new(seed: u64, options: ClusterOptions) -> Cluster {
        let n = options.nodes.clamp(1, 7);
        let scheme = if options.tls { "https" } else { "http" };
        let members: Vec<Member> = (1..=n)
            .map(|i| {
                let peer = vec![format!("{scheme}://127.0.0.{i}:2380")];
                Member {
                    id: ids::member_id(&peer, TOKEN, None),
                    name: format!("etcd-{i}"),
                    pending_name: String::new(),
                    peer_urls: peer,
                    client_urls: vec![format!("{scheme}://127.0.0.{i}:2379")],
                    is_learner: false,
                    up: true,
                    group: 0,
                    applied: 0,
                    term: 2,
                    stale: None,
                }
            })
            .collect();
        let cluster_id = ids::cluster_id(&members.iter().map(|m| m.id).collect::<Vec<_>>());
        let mut store = Store::new(StoreConfig::default());
        store.lessor_mut().promote(0, 0);
        if let Some(m) = members.first() {
            store.lessor_mut().set_id_prefix((m.id & 0xffff) as u16);
        }
        let leader = members.first().map(|m| m.id);
        let mut c = Cluster {
            options,
            now_ms: 0,
            cluster_id,
            members,
            store,
            auth: AuthStore::default(),
            leader,
            term: 2,
            raft_index: 5 + n as u64,
            alarms: Vec::new(),
            net: Net::default(),
            quota_bytes: 2 * 1024 * 1024 * 1024,
            events: Vec::new(),
            rng: Rng::new(seed),
        };
        c.sync_applied();
        c
    }

    /// The index of the member serving `endpoint` (`host:port` or a URL).
    pub fn member_at(&self, endpoint: &str) -> Option<usize> {
        let host =
            endpoint.trim_start_matches("http://").trim_start_matches("https://").trim_end_matches('/');
        self.members.iter().position(|m| {
            m.client_urls
                .iter()
                .any(|u| u.trim_start_matches("http://").trim_start_matches("https://") == host)
        })
    }

    /// A member's index by name or hex ID.
    pub fn member_named(&self, name: &str) -> Option<usize> {
        self.members.iter().position(|m| {
            m.name == name || (m.name.is_empty() && m.pending_name == name) || format!("{:x}", m.id) == name
        })
    }

    /// The voting members.
    fn voters(&self) -> impl Iterator<Item = &Member> {
        self.members.iter().filter(|m| !m.is_learner)
    }

    /// The partition group holding a majority of voters that are up, if any.
    pub fn quorum_group(&self) -> Option<u32> {
        let total = self.voters().count();
        let mut groups: std::collections::BTreeMap<u32, usize> = std::collections::BTreeMap::new();
        for m in self.voters().filter(|m| m.up) {
            *groups.entry(m.group).or_default() += 1;
        }
        groups.into_iter().find(|&(_, n)| n > total / 2).map(|(g, _)| g)
    }

    /// The leader's index, electing one first if the old one is gone.
    pub fn leader_index(&mut self) -> Option<usize> {
        self.settle();
        self.leader.and_then(|id| self.members.iter().position(|m| m.id == id))
    }

    /// Re-evaluates leadership after a fault: keeps a leader that still has a
    /// quorum, otherwise elects one in the majority group (a new term).
    pub fn settle(&mut self) {
        let group = self.quorum_group();
        let ok = |c: &Cluster, id: u64| {
            c.members.iter().any(|m| m.id == id && m.up && !m.is_learner && Some(m.group) == group)
        };
        if let Some(id) = self.leader
            && ok(self, id)
        {
            return;
        }
        if self.leader.is_some() {
            self.leader = None;
            self.store.lessor_mut().demote();
            self.event("leader lost".to_string());
        }
        let Some(g) = group else { return };
        let candidates: Vec<usize> = (0..self.members.len())
            .filter(|&i| {
                let m = &self.members[i];
                m.up && !m.is_learner && m.group == g
            })
            .collect();
        let pick = candidates[self.rng.below(candidates.len() as u64) as usize];
        self.become_leader(pick);
    }

    fn become_leader(&mut self, i: usize) {
        self.term += 1 + self.rng.below(2);
        self.raft_index += 1;
        let id = self.members[i].id;
        self.leader = Some(id);
        self.store.lessor_mut().promote(self.now_ms, ELECTION_MS);
        let name = self.members[i].name.clone();
        self.event(format!("{name} became leader at term {}", self.term));
        self.sync_applied();
    }

    /// Brings every member that can hear the leader up to date; a member
    /// that cannot keeps the state it had (see [`Member::stale`]).
    fn sync_applied(&mut self) {
        let group = self.quorum_group();
        let (idx, term) = (self.raft_index, self.term);
        let has_leader = self.leader.is_some();
        for m in &mut self.members {
            if m.up && has_leader && Some(m.group) == group {
                m.applied = idx;
                m.term = term;
                m.stale = None;
            } else if m.stale.is_none() {
                m.stale = Some(Box::new(self.store.clone()));
            }
        }
    }

    /// The store as member `i` sees it (stale while it cannot hear a leader).
    pub fn view(&self, i: usize) -> &Store {
        match self.members.get(i).and_then(|m| m.stale.as_deref()) {
            Some(s) => s,
            None => &self.store,
        }
    }

    fn event(&mut self, text: String) {
        self.events.push((self.now_ms, text));
    }

    /// Can the member at `i` answer? `linearizable` requests need a leader on its side.
    pub fn reach(&mut self, i: usize, linearizable: bool) -> Result<(), Unreachable> {
        self.settle();
        let m = &self.members[i];
        if !m.up {
            return Err(Unreachable::Refused(m.client_urls.first().cloned().unwrap_or_default()));
        }
        if linearizable && (self.leader.is_none() || Some(m.group) != self.quorum_group()) {
            return Err(Unreachable::NoLeader);
        }
        Ok(())
    }

    /// Records one committed raft entry (a write).
    pub fn commit(&mut self) {
        self.raft_index += 1;
        self.sync_applied();
    }

    /// A response header as member `i` stamps it.
    pub fn header(&self, i: usize) -> ResponseHeader {
        ResponseHeader {
            cluster_id: self.cluster_id,
            member_id: self.members.get(i).map(|m| m.id).unwrap_or(0),
            revision: self.view(i).current_revision(),
            raft_term: self.members.get(i).map(|m| m.term.max(self.term)).unwrap_or(self.term),
        }
    }

    /// Lets virtual time pass: leases of a leader-held cluster run out.
    pub fn advance(&mut self, ms: u64) {
        let end = self.now_ms.saturating_add(ms);
        while self.now_ms < end {
            let step = (end - self.now_ms).min(100);
            self.now_ms += step;
            self.settle();
            if self.leader.is_some() {
                for id in self.store.lessor().expired(self.now_ms) {
                    if self.store.lease_revoke(id).is_ok() {
                        self.commit();
                        self.event(format!("lease {id:x} expired"));
                    }
                }
            }
        }
    }

    /// A request's round trip in virtual ms under the current network settings.
    pub fn latency_ms(&mut self) -> u64 {
        let span = self.net.delay_max_ms.saturating_sub(self.net.delay_min_ms);
        2 * (self.net.delay_min_ms + self.rng.below(span + 1)) + 1
    }

    /// A fresh random ID (lease IDs of `lock`, added members).
    pub fn random(&mut self) -> u64 {
        self.rng.next_u64()
    }

    /// `cluster stop`: the process dies, its disk stays.
    pub fn stop(&mut self, i: usize) {
        self.members[i].up = false;
        let name = self.members[i].name.clone();
        self.event(format!("{name} stopped"));
        self.settle();
        self.sync_applied();
    }

    /// `cluster start`: the process starts again from its disk and catches up.
    pub fn start(&mut self, i: usize) {
        let m = &mut self.members[i];
        if m.name.is_empty() {
            m.name = m.pending_name.clone();
            let host = m.peer_urls.first().map(|u| u.replace(":2380", ":2379")).unwrap_or_default();
            m.client_urls = vec![host];
        }
        m.up = true;
        let name = m.name.clone();
        self.event(format!("{name} started"));
        self.settle();
        self.sync_applied();
    }

    /// Puts members into partition groups: `groups[k]` get group `k + 1`, others stay in 0.
    pub fn partition(&mut self, groups: &[Vec<usize>]) {
        for m in &mut self.members {
            m.group = 0;
        }
        for (k, g) in groups.iter().enumerate() {
            for &i in g {
                self.members[i].group = k as u32 + 1;
            }
        }
        self.event("network partitioned".to_string());
        self.settle();
        self.sync_applied();
    }

    /// `cluster heal`: one network again.
    pub fn heal(&mut self) {
        self.partition(&[]);
    }

    /// `cluster campaign`: member `i` fires its election timer now.
    pub fn campaign(&mut self, i: usize) -> Result<(), String> {
        let m = &self.members[i];
        if !m.up {
            return Err(format!("{} is stopped", m.name));
        }
        if m.is_learner {
            return Err(format!("{} is a learner and cannot campaign", m.name));
        }
        let group = self.quorum_group();
        if Some(m.group) != group {
            self.term += 1;
            self.members[i].term = self.term;
            let name = self.members[i].name.clone();
            self.event(format!("{name} campaigned at term {} and lost (no quorum)", self.term));
            return Ok(());
        }
        self.become_leader(i);
        Ok(())
    }

    /// Adds a member (`member add`): not started until `cluster start`.
    pub fn add_member(&mut self, name: &str, peer_urls: Vec<String>, is_learner: bool) -> usize {
        let salt = self.now_ms / 1000 + 1_700_000_000 + self.rng.below(1000);
        let id = ids::member_id(&peer_urls, TOKEN, Some(salt));
        self.members.push(Member {
            id,
            name: String::new(),
            pending_name: name.to_string(),
            peer_urls,
            client_urls: Vec::new(),
            is_learner,
            up: false,
            group: 0,
            applied: 0,
            term: 0,
            stale: None,
        });
        self.commit();
        self.settle();
        self.members.len() - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quorum_and_leadership() {
        let mut c = Cluster::new(1, ClusterOptions::default());
        assert_eq!(c.leader_index(), Some(0));
        c.stop(0);
        let l = c.leader_index().unwrap();
        assert_ne!(l, 0);
        assert!(c.term > 2);
        c.stop(l);
        assert_eq!(c.leader_index(), None);
        let other = 3 - l;
        assert_eq!(c.reach(other, true), Err(Unreachable::NoLeader));
        assert_eq!(c.reach(other, false), Ok(()));
        c.start(0);
        assert!(c.leader_index().is_some());
        c.partition(&[vec![0], vec![1, 2]]);
        assert_eq!(c.reach(0, true), Err(Unreachable::NoLeader));
        c.heal();
        assert_eq!(c.reach(0, true), Ok(()));
    }
}
