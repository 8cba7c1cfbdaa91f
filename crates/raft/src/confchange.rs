//! Applying membership changes to a configuration, as etcd-raft's
//! `confchange.Changer` does: single changes (at most one voter changes),
//! entering a joint configuration, leaving it, and rebuilding a
//! configuration from a `ConfState` (restore).
//!
//! ```text
//! (1 2 3)  --enter_joint[v4 r3]-->  (1 2 4)&&(1 2 3)  --leave_joint-->  (1 2 4)
//! ```
//! A voter demoted while joint (`l3`) stays a voter of the outgoing half and
//! sits in `learners_next` until the configuration is left.

use crate::confchange_types::{ConfChangeSingle, ConfChangeType, ConfState};
use crate::error::{Error, Result};
use crate::tracker::{Progress, ProgressMap, ProgressTracker, TrackerConfig};

/// Computes a new configuration and progress map from the tracker's.
pub struct Changer<'a> {
    /// The current state.
    pub tracker: &'a ProgressTracker,
    /// The log's last index (new members start probing there).
    pub last_index: u64,
}

fn err<T>(msg: impl Into<String>) -> Result<T> {
    Err(Error::ConfChangeInvalid(msg.into()))
}

impl Changer<'_> {
    fn snapshot(&self) -> (TrackerConfig, ProgressMap) {
        (self.tracker.config.clone(), self.tracker.progress.clone())
    }

    /// Enters a joint configuration: the outgoing half is a copy of the
    /// current voters, `ccs` are applied to the incoming half.
    pub fn enter_joint(
        &self,
        auto_leave: bool,
        ccs: &[ConfChangeSingle],
    ) -> Result<(TrackerConfig, ProgressMap)> {
        let (mut cfg, mut prs) = self.snapshot();
        if cfg.voters.is_joint() {
            return err("config is already joint");
        }
        if cfg.voters.incoming.is_empty() {
            // Joining an empty config makes no sense: there is nobody to
            // vote on it.
            return err("can't make a zero-voter config joint");
        }
        cfg.voters.outgoing = cfg.voters.incoming.clone();
        self.apply(&mut cfg, &mut prs, ccs)?;
        cfg.auto_leave = auto_leave;
        check_invariants(&cfg, &prs)?;
        Ok((cfg, prs))
    }

    /// Leaves the joint configuration: drops the outgoing half, turns
    /// `learners_next` into learners, forgets members no longer present.
    pub fn leave_joint(&self) -> Result<(TrackerConfig, ProgressMap)> {
        let (mut cfg, mut prs) = self.snapshot();
        if !cfg.voters.is_joint() {
            return err("can't leave a non-joint config");
        }
        for id in std::mem::take(&mut cfg.learners_next) {
            cfg.learners.insert(id);
            if let Some(pr) = prs.get_mut(&id) {
                pr.is_learner = true;
            }
        }
        for id in cfg.voters.outgoing.ids().clone() {
            if !cfg.voters.incoming.contains(id) && !cfg.learners.contains(&id) {
                prs.remove(&id);
            }
        }
        cfg.voters.outgoing.ids_mut().clear();
        cfg.auto_leave = false;
        check_invariants(&cfg, &prs)?;
        Ok((cfg, prs))
    }

    /// Applies changes that alter at most one voter, without joint consensus.
    pub fn simple(&self, ccs: &[ConfChangeSingle]) -> Result<(TrackerConfig, ProgressMap)> {
        let (mut cfg, mut prs) = self.snapshot();
        if cfg.voters.is_joint() {
            return err("can't apply simple config change in joint config");
        }
        self.apply(&mut cfg, &mut prs, ccs)?;
        let old = self.tracker.config.voters.incoming.ids();
        let new = cfg.voters.incoming.ids();
        let changed = old.iter().filter(|id| !new.contains(*id)).count()
            + new.iter().filter(|id| !old.contains(*id)).count();
        if changed > 1 {
            return err("more than one voter changed without entering joint config");
        }
        check_invariants(&cfg, &prs)?;
        Ok((cfg, prs))
    }

    fn apply(&self, cfg: &mut TrackerConfig, prs: &mut ProgressMap, ccs: &[ConfChangeSingle]) -> Result<()> {
        for cc in ccs {
            if cc.node_id == 0 {
                // etcd replaces the NodeID with zero if it decides (downstream
                // of raft) to not apply a change, so we have to have explicit
                // code here to ignore these.
                continue;
            }
            match cc.change_type {
                ConfChangeType::AddNode => self.make_voter(cfg, prs, cc.node_id),
                ConfChangeType::AddLearnerNode => self.make_learner(cfg, prs, cc.node_id),
                ConfChangeType::RemoveNode => remove(cfg, prs, cc.node_id),
                ConfChangeType::UpdateNode => {}
            }
        }
        if cfg.voters.incoming.is_empty() {
            return err("removed all voters");
        }
        Ok(())
    }

    fn make_voter(&self, cfg: &mut TrackerConfig, prs: &mut ProgressMap, id: u64) {
        let Some(pr) = prs.get_mut(&id) else {
            self.init_progress(cfg, prs, id, false);
            return;
        };
        pr.is_learner = false;
        cfg.learners.remove(&id);
        cfg.learners_next.remove(&id);
        cfg.voters.incoming.ids_mut().insert(id);
    }

    fn make_learner(&self, cfg: &mut TrackerConfig, prs: &mut ProgressMap, id: u64) {
        let Some(pr) = prs.get(&id) else {
            self.init_progress(cfg, prs, id, true);
            return;
        };
        if pr.is_learner {
            return;
        }
        let pr = pr.clone();
        // Remove any existing voter in the incoming config, keeping progress.
        remove(cfg, prs, id);
        prs.insert(id, pr);
        // A voter of the outgoing half becomes a learner only when the joint
        // configuration is left; until then it is a "learner next".
        if cfg.voters.outgoing.contains(id) {
            cfg.learners_next.insert(id);
        } else {
            if let Some(pr) = prs.get_mut(&id) {
                pr.is_learner = true;
            }
            cfg.learners.insert(id);
        }
    }

    fn init_progress(&self, cfg: &mut TrackerConfig, prs: &mut ProgressMap, id: u64, is_learner: bool) {
        if is_learner {
            cfg.learners.insert(id);
        } else {
            cfg.voters.incoming.ids_mut().insert(id);
        }
        // Probe from the last index; a new member is recently active so that
        // CheckQuorum does not immediately count it as down.
        let mut pr = Progress::new(self.last_index.max(1), self.tracker.max_inflight);
        pr.is_learner = is_learner;
        pr.recent_active = true;
        prs.insert(id, pr);
    }
}

fn remove(cfg: &mut TrackerConfig, prs: &mut ProgressMap, id: u64) {
    if !prs.contains_key(&id) {
        return;
    }
    cfg.voters.incoming.ids_mut().remove(&id);
    cfg.learners.remove(&id);
    cfg.learners_next.remove(&id);
    // Keep the progress while the node still votes in the outgoing half.
    if !cfg.voters.outgoing.contains(id) {
        prs.remove(&id);
    }
}

/// Checks the structural invariants of a configuration and its progress.
fn check_invariants(cfg: &TrackerConfig, prs: &ProgressMap) -> Result<()> {
    for id in cfg.voters.ids().iter().chain(&cfg.learners).chain(&cfg.learners_next) {
        if !prs.contains_key(id) {
            return err(format!("no progress for {id:x}"));
        }
    }
    for id in &cfg.learners_next {
        if !cfg.voters.outgoing.contains(*id) {
            return err(format!("{id:x} is in LearnersNext, but not Voters[1]"));
        }
        if prs[id].is_learner {
            return err(format!("{id:x} is in LearnersNext, but is already marked as learner"));
        }
    }
    for id in &cfg.learners {
        if cfg.voters.outgoing.contains(*id) {
            return err(format!("{id:x} is in Learners and Voters[1]"));
        }
        if cfg.voters.incoming.contains(*id) {
            return err(format!("{id:x} is in Learners and Voters[0]"));
        }
        if !prs[id].is_learner {
            return err(format!("{id:x} is in Learners, but is not marked as learner"));
        }
    }
    if !cfg.voters.is_joint() {
        if !cfg.learners_next.is_empty() {
            return err("cfg.LearnersNext must be nil when not joint");
        }
        if cfg.auto_leave {
            return err("AutoLeave must be false when not joint");
        }
    }
    Ok(())
}

/// Rebuilds the configuration described by `cs` by replaying it as changes
/// on an empty tracker: the outgoing voters first (one at a time), then the
/// joint transition to the incoming half.
pub fn restore(
    tracker: &ProgressTracker,
    last_index: u64,
    cs: &ConfState,
) -> Result<(TrackerConfig, ProgressMap)> {
    let single = |t, id| ConfChangeSingle { change_type: t, node_id: id };
    let outgoing: Vec<ConfChangeSingle> =
        cs.voters_outgoing.iter().map(|&id| single(ConfChangeType::AddNode, id)).collect();
    let mut incoming: Vec<ConfChangeSingle> =
        cs.voters_outgoing.iter().map(|&id| single(ConfChangeType::RemoveNode, id)).collect();
    incoming.extend(cs.voters.iter().map(|&id| single(ConfChangeType::AddNode, id)));
    incoming.extend(cs.learners.iter().map(|&id| single(ConfChangeType::AddLearnerNode, id)));
    incoming.extend(cs.learners_next.iter().map(|&id| single(ConfChangeType::AddLearnerNode, id)));

    let mut t = tracker.clone();
    let step = |t: &mut ProgressTracker,
                f: &dyn Fn(&Changer) -> Result<(TrackerConfig, ProgressMap)>|
     -> Result<()> {
        let (cfg, prs) = f(&Changer { tracker: t, last_index })?;
        t.config = cfg;
        t.progress = prs;
        Ok(())
    };
    if outgoing.is_empty() {
        for cc in &incoming {
            step(&mut t, &|c: &Changer| c.simple(std::slice::from_ref(cc)))?;
        }
    } else {
        for cc in &outgoing {
            step(&mut t, &|c: &Changer| c.simple(std::slice::from_ref(cc)))?;
        }
        step(&mut t, &|c: &Changer| c.enter_joint(cs.auto_leave, &incoming))?;
    }
    Ok((t.config, t.progress))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::confchange_types::changes_from_string;

    fn apply(
        t: &mut ProgressTracker,
        f: impl Fn(&Changer) -> Result<(TrackerConfig, ProgressMap)>,
    ) -> Result<()> {
        let (cfg, prs) = f(&Changer { tracker: t, last_index: 10 })?;
        t.config = cfg;
        t.progress = prs;
        Ok(())
    }

    fn cc(s: &str) -> Vec<ConfChangeSingle> {
        changes_from_string(s).unwrap()
    }

    #[test]
    fn simple_changes() {
        let mut t = ProgressTracker::new(8);
        apply(&mut t, |c| c.simple(&cc("v1"))).unwrap();
        apply(&mut t, |c| c.simple(&cc("v2"))).unwrap();
        assert_eq!(t.config.to_string(), "voters=(1 2)");
        assert!(apply(&mut t, |c| c.simple(&cc("v3 v4"))).is_err());
        apply(&mut t, |c| c.simple(&cc("l3"))).unwrap();
        assert_eq!(t.config.to_string(), "voters=(1 2) learners=(3)");
        apply(&mut t, |c| c.simple(&cc("v3"))).unwrap();
        assert_eq!(t.config.to_string(), "voters=(1 2 3)");
        assert_eq!(t.progress[&3].next_idx, 10);
        apply(&mut t, |c| c.simple(&cc("r3"))).unwrap();
        assert_eq!(t.config.to_string(), "voters=(1 2)");
        assert!(!t.progress.contains_key(&3));
        assert!(apply(&mut t, |c| c.simple(&cc("r1 r2"))).is_err());
    }

    #[test]
    fn joint_enter_and_leave() {
        let mut t = ProgressTracker::new(8);
        for id in ["v1", "v2", "v3"] {
            apply(&mut t, |c| c.simple(&cc(id))).unwrap();
        }
        apply(&mut t, |c| c.enter_joint(true, &cc("v4 r3 l2"))).unwrap();
        assert_eq!(t.config.to_string(), "voters=(1 4)&&(1 2 3) learners_next=(2) autoleave");
        assert!(apply(&mut t, |c| c.enter_joint(false, &cc("v5"))).is_err());
        assert!(apply(&mut t, |c| c.simple(&cc("v5"))).is_err());
        apply(&mut t, |c| c.leave_joint()).unwrap();
        assert_eq!(t.config.to_string(), "voters=(1 4) learners=(2)");
        assert!(!t.progress.contains_key(&3));
        assert!(t.progress[&2].is_learner);
        assert!(apply(&mut t, |c| c.leave_joint()).is_err());
    }

    #[test]
    fn restore_round_trips() {
        let cases = [
            ConfState { voters: vec![1, 2, 3], ..Default::default() },
            ConfState { voters: vec![1, 2], learners: vec![3], ..Default::default() },
            ConfState {
                voters: vec![1, 4],
                voters_outgoing: vec![1, 2, 3],
                learners_next: vec![2],
                auto_leave: true,
                ..Default::default()
            },
        ];
        for cs in cases {
            let (cfg, prs) = restore(&ProgressTracker::new(8), 5, &cs).unwrap();
            let t = ProgressTracker { config: cfg, progress: prs, ..ProgressTracker::new(8) };
            assert!(t.conf_state().equivalent(&cs), "{cs:?} -> {:?}", t.conf_state());
        }
        let bad = ConfState { learners: vec![1], ..Default::default() };
        assert!(restore(&ProgressTracker::new(8), 5, &bad).is_err());
    }
}
