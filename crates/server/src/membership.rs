//! The cluster's membership as the state machine knows it (etcd's
//! `membership.RaftCluster`): members, removed IDs, the checks etcd makes
//! before and when applying a configuration change, and the strict
//! reconfiguration rules.

use serde::{Deserialize, Serialize};
use slim::{VecMap, VecSet};

use crate::config::PeerInfo;
use crate::error::{Error, Result};

/// etcd's `maxLearners`.
pub const MAX_LEARNERS: usize = 1;

/// The members of the cluster and the IDs removed from it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cluster {
    members: VecMap<u64, PeerInfo>,
    removed: VecSet<u64>,
}

/// What a configuration change does, as etcd applies it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    /// `member add` (voter or learner).
    Add(PeerInfo),
    /// `member remove`.
    Remove(u64),
    /// `member update` (new peer URLs).
    Update(u64, Vec<String>),
    /// `member promote`.
    Promote(u64),
}

wire::record!(Cluster { members, removed });

impl Cluster {
    /// A cluster of these members.
    pub fn new(members: &[PeerInfo]) -> Cluster {
        let mut by_id = VecMap::new();
        by_id.extend(members.iter().map(|m| (m.id, m.clone())));
        Cluster { members: by_id, removed: VecSet::new() }
    }

    /// Every member, by ID.
    pub fn members(&self) -> Vec<PeerInfo> {
        self.members.values().cloned().collect()
    }

    /// A member by ID.
    pub fn member(&self, id: u64) -> Option<&PeerInfo> {
        self.members.get(&id)
    }

    /// Whether `id` was removed.
    pub fn is_removed(&self, id: u64) -> bool {
        self.removed.contains(&id)
    }

    /// The voting members.
    pub fn voters(&self) -> impl Iterator<Item = &PeerInfo> {
        self.members.values().filter(|m| !m.is_learner)
    }

    /// etcd's `ValidateConfigurationChange`, run when the change is applied.
    pub fn validate(&self, change: &Change) -> Result<()> {
        match change {
            Change::Add(m) => {
                if self.removed.contains(&m.id) {
                    return Err(Error::MemberNotFound);
                }
                if self.members.contains_key(&m.id) {
                    return Err(Error::MemberExists);
                }
                let mut urls = self.members.values().flat_map(|x| &x.peer_urls);
                if urls.any(|u| m.peer_urls.contains(u)) {
                    return Err(Error::PeerUrlExists);
                }
                if m.is_learner && self.members.values().filter(|x| x.is_learner).count() >= MAX_LEARNERS {
                    return Err(Error::TooManyLearners);
                }
            }
            Change::Remove(id) => {
                if self.removed.contains(id) || !self.members.contains_key(id) {
                    return Err(Error::MemberNotFound);
                }
            }
            Change::Update(id, urls) => {
                if self.removed.contains(id) || !self.members.contains_key(id) {
                    return Err(Error::MemberNotFound);
                }
                let mut taken = self.members.values().filter(|x| x.id != *id).flat_map(|x| &x.peer_urls);
                if taken.any(|u| urls.contains(u)) {
                    return Err(Error::PeerUrlExists);
                }
            }
            Change::Promote(id) => {
                let m = self.members.get(id).ok_or(Error::MemberNotFound)?;
                if !m.is_learner {
                    return Err(Error::MemberNotLearner);
                }
            }
        }
        Ok(())
    }

    /// Applies a validated change. Returns etcd's log wording.
    pub fn apply(&mut self, change: &Change) -> Result<&'static str> {
        self.validate(change)?;
        Ok(match change {
            Change::Add(m) => {
                self.members.insert(m.id, m.clone());
                if m.is_learner { "added learner member" } else { "added member" }
            }
            Change::Remove(id) => {
                self.members.remove(id);
                self.removed.insert(*id);
                "removed member"
            }
            Change::Update(id, urls) => {
                if let Some(m) = self.members.get_mut(id) {
                    m.peer_urls = urls.clone();
                }
                "updated member"
            }
            Change::Promote(id) => {
                if let Some(m) = self.members.get_mut(id) {
                    m.is_learner = false;
                }
                "promoted learner member"
            }
        })
    }

    /// Records the name and client URLs a member published when it started.
    pub fn publish(&mut self, id: u64, name: &str, client_urls: &[String]) {
        if let Some(m) = self.members.get_mut(&id) {
            m.name = name.to_string();
            m.client_urls = client_urls.to_vec();
        }
    }

    /// etcd's `IsReadyToAddVotingMember`: after adding, the started voters
    /// must still be a quorum (a single started member may add one).
    pub fn ready_to_add_voter(&self) -> bool {
        let nmembers = 1 + self.voters().count();
        let nstarted = self.voters().filter(|m| m.is_started()).count();
        if nstarted == 1 && nmembers == 2 {
            return true;
        }
        nstarted > nmembers / 2
    }

    /// etcd's `IsReadyToRemoveVotingMember`.
    pub fn ready_to_remove_voter(&self, id: u64) -> bool {
        let rest: Vec<&PeerInfo> = self.voters().filter(|m| m.id != id).collect();
        let nstarted = rest.iter().filter(|m| m.is_started()).count();
        nstarted > rest.len() / 2
    }

    /// etcd's `IsReadyToPromoteMember`: the voters after promotion, started
    /// ones counted, keep a quorum.
    pub fn ready_to_promote(&self, id: u64) -> bool {
        let nmembers = 1 + self.voters().filter(|m| m.id != id).count();
        let nstarted = 1 + self.voters().filter(|m| m.id != id && m.is_started()).count();
        if nstarted == 1 && nmembers == 2 {
            return true;
        }
        nstarted > nmembers / 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::default_cluster;

    #[test]
    fn validation_follows_etcd() {
        let (peers, _) = default_cluster(3);
        let mut c = Cluster::new(&peers);
        let dup = PeerInfo { id: 99, peer_urls: peers[0].peer_urls.clone(), ..Default::default() };
        assert_eq!(c.validate(&Change::Add(dup)), Err(Error::PeerUrlExists));
        assert_eq!(c.validate(&Change::Add(peers[1].clone())), Err(Error::MemberExists));
        assert_eq!(c.validate(&Change::Promote(peers[1].id)), Err(Error::MemberNotLearner));
        c.apply(&Change::Remove(peers[2].id)).unwrap();
        assert_eq!(c.validate(&Change::Remove(peers[2].id)), Err(Error::MemberNotFound));
        let learner = PeerInfo {
            id: 7,
            peer_urls: vec!["http://x:2380".into()],
            is_learner: true,
            ..Default::default()
        };
        c.apply(&Change::Add(learner)).unwrap();
        let l2 = PeerInfo {
            id: 8,
            peer_urls: vec!["http://y:2380".into()],
            is_learner: true,
            ..Default::default()
        };
        assert_eq!(c.validate(&Change::Add(l2)), Err(Error::TooManyLearners));
        assert_eq!(c.apply(&Change::Promote(7)), Ok("promoted learner member"));
    }

    #[test]
    fn strict_reconfig_counts_started_members() {
        let (peers, _) = default_cluster(1);
        let mut c = Cluster::new(&peers);
        assert!(c.ready_to_add_voter(), "a single member may add one");
        let unstarted =
            PeerInfo { id: 5, peer_urls: vec!["http://127.0.0.5:2380".into()], ..Default::default() };
        c.apply(&Change::Add(unstarted)).unwrap();
        assert!(!c.ready_to_add_voter(), "1 started of 3 is no quorum");
        c.publish(5, "etcd-5", &[]);
        assert!(c.ready_to_add_voter());
        assert!(c.ready_to_remove_voter(5));
    }
}
