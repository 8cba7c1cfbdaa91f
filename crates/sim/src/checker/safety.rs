//! Raft safety, checked from outside the members after every step, from
//! nothing but their read-only raft status and store revision (TigerBeetle's
//! `state_checker` pattern):
//!
//! - **election safety**: at most one leader per term;
//! - **log matching**: two logs holding an entry of the same index and
//!   term hold the same entries (terms and sizes) up to that index;
//! - **leader completeness**: a leader's log holds every entry committed
//!   before (those still in its log's range);
//! - **state machine safety**: no two members commit different entries at
//!   one index, and a member's store is at the same revision as every other
//!   member's once both applied the same index;
//! - **monotonic revisions**: a member's revision never goes backwards
//!   while its applied index moves forward (a restart may replay);
//! - **durability**: committed entries survive crash and restart (a
//!   restarted member's log may not disagree with what was committed).

use std::collections::BTreeMap;

use raft::{StateRole, Status};
use slim::VecMap;

/// What the checker reads from one member.
#[derive(Clone, Debug)]
pub struct MemberView<'a> {
    /// The member's raft status.
    pub raft: &'a Status,
    /// Its store's current revision.
    pub revision: i64,
}

/// The facts learnt so far, against which every new observation is held.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SafetyChecker {
    /// term -> the leader of that term.
    leaders: BTreeMap<u64, u64>,
    /// index -> (term, payload size) of every entry seen committed, and
    /// the term of the member that first showed it committed (the commit
    /// happened in that term or earlier).
    committed: BTreeMap<u64, (u64, u64, u64)>,
    /// applied index -> store revision after applying it.
    revision_at: BTreeMap<u64, i64>,
    /// (index, term) -> (term of the entry before it, payload size).
    log_facts: BTreeMap<(u64, u64), (Option<u64>, u64)>,
    /// member -> (applied, revision) last seen.
    last: VecMap<u64, (u64, i64)>,
    /// Number of observations checked.
    checks: u64,
}

impl SafetyChecker {
    /// Number of member observations checked so far.
    pub fn checks(&self) -> u64 {
        self.checks
    }

    /// Highest index known committed.
    pub fn committed_index(&self) -> u64 {
        self.committed.keys().next_back().copied().unwrap_or(0)
    }

    /// Checks one member's state against everything learnt; learns from it.
    pub fn observe(&mut self, m: &MemberView<'_>) -> Result<(), String> {
        self.checks += 1;
        let st = m.raft;
        let id = st.id;
        let term = st.hard_state.term;
        // Election safety.
        if st.soft_state.raft_state == StateRole::Leader {
            match self.leaders.get(&term) {
                Some(&other) if other != id => {
                    return Err(format!("two leaders in term {term}: {other:x} and {id:x}"));
                }
                _ => {
                    self.leaders.insert(term, id);
                }
            }
        }
        let mut log: BTreeMap<u64, (u64, u64)> = BTreeMap::new();
        log.extend(st.entries.iter().map(|e| (e.index, (e.term, e.size))));
        // Log matching: an entry of a given index and term has the same
        // payload size and the same predecessor term in every log.
        let mut prev: Option<(u64, u64)> = None;
        for (&index, &(t, size)) in &log {
            let prev_term = match prev {
                Some((pi, pt)) if pi + 1 == index => Some(pt),
                _ => None,
            };
            let known = self.log_facts.entry((index, t)).or_insert((prev_term, size));
            if known.1 != size || (known.0.is_some() && prev_term.is_some() && known.0 != prev_term) {
                return Err(format!(
                    "log matching: member {id:x} holds entry {index} term {t} (size {size}, previous term {prev_term:?}), \
                     another log holds it with size {} and previous term {:?}",
                    known.1, known.0
                ));
            }
            if known.0.is_none() {
                known.0 = prev_term;
            }
            prev = Some((index, t));
        }
        // State machine safety and durability: every entry this member
        // knows committed must be the one committed there (a restarted
        // member's too).
        let commit = st.hard_state.commit;
        for (&index, &(t, size)) in log.range(..=commit) {
            if let Some(&(ct, csize, _)) = self.committed.get(&index)
                && (ct, csize) != (t, size)
            {
                return Err(format!(
                    "member {id:x} committed entry {index} term {t} size {size}, but term {ct} size {csize} was committed there"
                ));
            }
        }
        // Leader completeness: a leader holds every entry committed in an
        // earlier term, within its log's range (older ones are in its
        // snapshot). A stale leader of an older term may lack newer ones.
        if st.soft_state.raft_state == StateRole::Leader {
            for (&index, &(ct, _, seen_in)) in self.committed.range(st.first_index..) {
                if seen_in < term && index > st.last_index {
                    return Err(format!(
                        "leader {id:x} of term {term} lacks committed entry {index} (term {ct}); its log ends at {}",
                        st.last_index
                    ));
                }
            }
        }
        // Learn the entries this member knows committed (up to its commit,
        // within its log). A commit index beyond its log is a broken member.
        if commit > st.last_index {
            return Err(format!("member {id:x} commit {commit} is beyond its last index {}", st.last_index));
        }
        for (&index, &(t, size)) in log.range(..=commit) {
            self.committed.entry(index).or_insert((t, size, term));
        }
        if st.applied > commit {
            return Err(format!("member {id:x} applied {} beyond its commit {commit}", st.applied));
        }
        // State machine safety: same applied index, same revision.
        match self.revision_at.get(&st.applied) {
            Some(&r) if r != m.revision => {
                return Err(format!(
                    "member {id:x} is at revision {} after applying index {}, another member was at {r}",
                    m.revision, st.applied
                ));
            }
            Some(_) => {}
            None => {
                if st.applied > 0 {
                    self.revision_at.insert(st.applied, m.revision);
                }
            }
        }
        // Monotonic revisions while the applied index moves forward.
        if let Some(&(applied, rev)) = self.last.get(&id)
            && st.applied >= applied
            && m.revision < rev
        {
            return Err(format!(
                "member {id:x} revision went backwards: {rev} at applied {applied}, now {} at applied {}",
                m.revision, st.applied
            ));
        }
        self.last.insert(id, (st.applied, m.revision));
        Ok(())
    }

    /// Forgets what was learnt about revisions per applied index below
    /// `index` (memory bound for long runs; the committed log stays).
    pub fn forget_below(&mut self, index: u64) {
        self.revision_at = self.revision_at.split_off(&index);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use raft::{EntryInfo, EntryType, HardState, SoftState};

    fn status(id: u64, term: u64, role: StateRole, log: &[(u64, u64)], commit: u64) -> Status {
        let entries: Vec<EntryInfo> = log
            .iter()
            .map(|&(index, term)| EntryInfo {
                index,
                term,
                entry_type: EntryType::EntryNormal,
                size: 1,
                unstable: false,
            })
            .collect();
        Status {
            id,
            hard_state: HardState { term, vote: 0, commit },
            soft_state: SoftState { lead: 0, raft_state: role },
            applied: commit,
            first_index: log.first().map_or(1, |e| e.0),
            last_index: log.last().map_or(0, |e| e.0),
            last_term: log.last().map_or(0, |e| e.1),
            entries,
            progress: VecMap::new(),
            conf_state: Default::default(),
            config: String::new(),
            is_learner: false,
            election_elapsed: 0,
            randomized_election_timeout: 10,
            election_timeout: 10,
            heartbeat_elapsed: 0,
            heartbeat_timeout: 1,
            pending_conf_index: 0,
            has_pending_conf: false,
            lead_transferee: 0,
            pending_reads: vec![],
            pending_read_index_messages: 0,
            uncommitted_size: 0,
            pre_vote: true,
            check_quorum: true,
        }
    }

    fn observe(c: &mut SafetyChecker, s: &Status, revision: i64) -> Result<(), String> {
        c.observe(&MemberView { raft: s, revision })
    }

    #[test]
    fn two_leaders_in_one_term_are_caught() {
        let mut c = SafetyChecker::default();
        observe(&mut c, &status(1, 2, StateRole::Leader, &[(1, 1)], 1), 1).unwrap();
        observe(&mut c, &status(1, 3, StateRole::Leader, &[(1, 1)], 1), 1).unwrap();
        let err = observe(&mut c, &status(2, 3, StateRole::Leader, &[(1, 1)], 1), 1).unwrap_err();
        assert!(err.contains("two leaders in term 3"), "{err}");
    }

    #[test]
    fn a_committed_entry_overwritten_is_caught() {
        let mut c = SafetyChecker::default();
        observe(&mut c, &status(1, 2, StateRole::Leader, &[(1, 1), (2, 2)], 2), 2).unwrap();
        // Holding a stale entry beyond its own commit is fine...
        observe(&mut c, &status(2, 3, StateRole::Follower, &[(1, 1), (2, 3)], 1), 1).unwrap();
        // ...committing it is not.
        let err = observe(&mut c, &status(2, 3, StateRole::Follower, &[(1, 1), (2, 3)], 2), 1).unwrap_err();
        assert!(err.contains("entry 2 term 3"), "{err}");
    }

    #[test]
    fn logs_that_agree_on_an_entry_but_not_its_predecessor_are_caught() {
        let mut c = SafetyChecker::default();
        observe(&mut c, &status(1, 3, StateRole::Follower, &[(1, 1), (2, 2), (3, 3)], 0), 0).unwrap();
        let err =
            observe(&mut c, &status(2, 3, StateRole::Follower, &[(1, 1), (2, 1), (3, 3)], 0), 0).unwrap_err();
        assert!(err.contains("log matching"), "{err}");
    }

    #[test]
    fn a_leader_missing_a_committed_entry_is_caught() {
        let mut c = SafetyChecker::default();
        observe(&mut c, &status(1, 2, StateRole::Follower, &[(1, 1), (2, 2)], 2), 2).unwrap();
        // A stale leader of the same term may lag...
        observe(&mut c, &status(3, 2, StateRole::Leader, &[(1, 1)], 1), 1).unwrap();
        // ...a leader of a later term may not.
        let err = observe(&mut c, &status(2, 3, StateRole::Leader, &[(1, 1)], 1), 1).unwrap_err();
        assert!(err.contains("lacks committed entry 2"), "{err}");
    }

    #[test]
    fn divergent_state_machines_and_backward_revisions_are_caught() {
        let mut c = SafetyChecker::default();
        observe(&mut c, &status(1, 2, StateRole::Follower, &[(1, 1), (2, 2)], 2), 5).unwrap();
        let err = observe(&mut c, &status(2, 2, StateRole::Follower, &[(1, 1), (2, 2)], 2), 6).unwrap_err();
        assert!(err.contains("after applying index 2"), "{err}");
        let mut c = SafetyChecker::default();
        observe(&mut c, &status(1, 2, StateRole::Follower, &[(1, 1), (2, 2)], 2), 5).unwrap();
        let mut s = status(1, 2, StateRole::Follower, &[(1, 1), (2, 2), (3, 2)], 3);
        s.applied = 3;
        let err = observe(&mut c, &s, 4).unwrap_err();
        assert!(err.contains("went backwards"), "{err}");
    }
}
