//! Safety checkers, outside the system under test: election safety, log
//! matching, leader completeness and state machine safety.

use std::collections::{BTreeMap, BTreeSet};

use raft::{Entry, StateRole};

use crate::cluster::Node;

#[derive(Default)]
pub struct Checker {
    /// Term -> the leader elected in it.
    pub leaders: BTreeMap<u64, u64>,
    /// Index -> (term, data, term at which some node first saw it committed).
    pub committed: BTreeMap<u64, (u64, Vec<u8>, u64)>,
    /// Index -> the entry applied there (by whichever node applied first).
    pub applied: BTreeMap<u64, (u64, Vec<u8>)>,
    /// Nodes changed by the last step.
    pub touched: BTreeSet<usize>,
}

impl Checker {
    /// State machine safety: every node applies the same entry at an index.
    pub fn record_applied(&mut self, node: u64, e: &Entry) {
        match self.applied.get(&e.index) {
            Some((t, d)) => assert!(
                *t == e.term && *d == e.data,
                "state machine safety: node {node} applied {e} at index {}, another node applied {t}/{} {:?}",
                e.index,
                e.index,
                String::from_utf8_lossy(d)
            ),
            None => {
                self.applied.insert(e.index, (e.term, e.data.to_vec()));
            }
        }
    }

    pub fn check(&mut self, nodes: &[Node], touched: &BTreeSet<usize>) {
        let logs: Vec<Vec<Entry>> = nodes.iter().map(|n| n.raw.raft().raft_log.all_entries()).collect();
        for &i in touched {
            let r = nodes[i].raw.raft();
            // Election safety: at most one leader per term.
            if r.state == StateRole::Leader {
                let prev = *self.leaders.entry(r.term).or_insert(r.id);
                assert_eq!(
                    prev, r.id,
                    "election safety: two leaders in term {}: {prev} and {}",
                    r.term, r.id
                );
            }
            // Committed entries never change (and are recorded for leader
            // completeness).
            let commit = r.raft_log.committed;
            if std::env::var("RAFT_TRACE").is_ok() {
                let log: Vec<String> = logs[i].iter().take(4).map(|e| e.to_string()).collect();
                eprintln!(
                    "   node {} term {} commit {} first {} log {log:?}",
                    r.id,
                    r.term,
                    commit,
                    r.raft_log.first_index()
                );
            }
            for e in logs[i].iter().filter(|e| e.index <= commit) {
                match self.committed.get(&e.index) {
                    Some((t, d, _)) => assert!(
                        *t == e.term && *d == e.data,
                        "committed entry changed: node {} has {e} committed at index {}, recorded term {t}",
                        r.id,
                        e.index
                    ),
                    None => {
                        self.committed.insert(e.index, (e.term, e.data.to_vec(), r.term));
                    }
                }
            }
            // Log matching against every other node.
            for (j, other) in logs.iter().enumerate() {
                if j != i {
                    log_matching(i as u64 + 1, &logs[i], j as u64 + 1, other);
                }
            }
        }
        // Leader completeness: a leader of term T holds every entry known
        // committed at a term below T (that it has not compacted).
        for (i, n) in nodes.iter().enumerate() {
            let r = n.raw.raft();
            if r.state != StateRole::Leader {
                continue;
            }
            let first = r.raft_log.first_index();
            for (&idx, (t, d, seen_term)) in self.committed.range(first..) {
                if *seen_term >= r.term {
                    continue;
                }
                let e = logs[i].iter().find(|e| e.index == idx);
                assert!(
                    e.is_some_and(|e| e.term == *t && e.data == *d),
                    "leader completeness: leader {} of term {} lacks committed entry {t}/{idx}",
                    r.id,
                    r.term
                );
            }
        }
    }
}

/// If two logs hold an entry with the same index and term, they are
/// identical up to it.
fn log_matching(a_id: u64, a: &[Entry], b_id: u64, b: &[Entry]) {
    let (Some(af), Some(bf)) = (a.first(), b.first()) else { return };
    let lo = af.index.max(bf.index);
    let hi = a.last().map_or(0, |e| e.index).min(b.last().map_or(0, |e| e.index));
    if lo > hi {
        return;
    }
    let at = |l: &[Entry], first: u64, i: u64| -> Entry { l[(i - first) as usize].clone() };
    // Highest common index with equal terms; below it everything matches.
    let mut i = hi;
    loop {
        if at(a, af.index, i).term == at(b, bf.index, i).term {
            break;
        }
        if i == lo {
            return;
        }
        i -= 1;
    }
    loop {
        let (x, y) = (at(a, af.index, i), at(b, bf.index, i));
        assert!(x == y, "log matching: node {a_id} has {x} and node {b_id} has {y} at index {i}");
        if i == lo {
            return;
        }
        i -= 1;
    }
}
