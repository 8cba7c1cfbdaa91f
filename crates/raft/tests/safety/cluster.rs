//! The simulated cluster: nodes over `MemoryStorage`, a lossy network, and
//! the random schedule of events drawn from one seed.

use std::collections::BTreeSet;

use raft::{ConfState, Config, Entry, EntryType, MemoryStorage, Message, RawNode, Rng, StateRole};

use crate::checker::Checker;

/// Counts that show a run exercised something.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub applied: u64,
    pub leader_changes: u64,
    pub snapshots_sent: u64,
    pub restarts: u64,
    pub seeds_with_commits: u64,
}

impl Stats {
    pub fn add(&mut self, o: &Stats) {
        self.applied += o.applied;
        self.leader_changes += o.leader_changes;
        self.snapshots_sent += o.snapshots_sent;
        self.restarts += o.restarts;
        self.seeds_with_commits += o.seeds_with_commits;
    }
}

pub struct Node {
    pub raw: RawNode<MemoryStorage>,
    pub cfg: Config,
    /// Last applied index (the state machine's position).
    pub applied: u64,
}

pub struct Cluster {
    pub rng: Rng,
    pub nodes: Vec<Node>,
    /// In-flight messages (delivered in random order).
    pub net: Vec<Message>,
    /// Partition: group id per node (index); messages cross only within a group.
    pub group: Vec<u8>,
    pub checker: Checker,
    pub next_prop: u64,
    pub stats: Stats,
    last_leader: u64,
}

impl Cluster {
    pub fn new(seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let n = if rng.chance(1, 3) { 5 } else { 3 };
        let pre_vote = rng.chance(2, 3);
        let check_quorum = rng.chance(2, 3);
        let election_tick = 10 + rng.below(10);
        let max_size_per_msg = if rng.chance(1, 2) { u64::MAX } else { 64 };
        let max_inflight = 1 + rng.below(8) as usize;
        let voters: Vec<u64> = (1..=n).collect();
        let nodes = voters
            .iter()
            .map(|&id| {
                let cfg = Config {
                    id,
                    election_tick,
                    heartbeat_tick: 1,
                    pre_vote,
                    check_quorum,
                    max_size_per_msg,
                    max_inflight_msgs: max_inflight,
                    seed: seed.wrapping_mul(31).wrapping_add(id),
                    ..Config::default()
                };
                let store = MemoryStorage::new_with_conf_state(ConfState::from_voters(voters.clone()));
                Node { raw: RawNode::new(&cfg, store).expect("new node"), cfg, applied: 0 }
            })
            .collect();
        Cluster {
            rng,
            nodes,
            net: Vec::new(),
            group: vec![0; n as usize],
            checker: Checker::default(),
            next_prop: 0,
            stats: Stats::default(),
            last_leader: 0,
        }
    }

    pub fn stats(&self) -> Stats {
        let mut s = self.stats.clone();
        s.seeds_with_commits = u64::from(self.checker.applied.len() > 1);
        s
    }

    fn pick(&mut self) -> usize {
        self.rng.below(self.nodes.len() as u64) as usize
    }

    /// One random event.
    pub fn step(&mut self) {
        let r = self.rng.below(1000);
        self.checker.touched.clear();
        match r {
            0..=349 => self.deliver_one(),
            350..=599 => {
                let i = self.pick();
                self.process_ready(i);
            }
            600..=659 => {
                let i = self.pick();
                self.nodes[i].raw.tick();
                self.checker.touched.insert(i);
            }
            660..=679 => {
                for i in 0..self.nodes.len() {
                    self.nodes[i].raw.tick();
                    self.checker.touched.insert(i);
                }
            }
            680..=909 => {
                let i = self.pick();
                self.next_prop += 1;
                let data = format!("p{}", self.next_prop).into_bytes();
                let _ = self.nodes[i].raw.propose(data);
                self.checker.touched.insert(i);
            }
            910..=917 => self.repartition(),
            918..=942 => {
                if !self.net.is_empty() {
                    let k = self.rng.below(self.net.len() as u64) as usize;
                    self.net.swap_remove(k);
                }
            }
            943..=967 => {
                if !self.net.is_empty() {
                    let k = self.rng.below(self.net.len() as u64) as usize;
                    let m = self.net[k].clone();
                    self.net.push(m);
                }
            }
            968..=972 => {
                let i = self.pick();
                self.restart(i);
            }
            973..=992 => {
                let i = self.pick();
                self.compact(i);
            }
            _ => {
                let i = self.pick();
                let to = self.rng.below(self.nodes.len() as u64) + 1;
                self.nodes[i].raw.transfer_leader(to);
                self.checker.touched.insert(i);
            }
        }
        let leader =
            self.nodes.iter().find(|n| n.raw.raft().state == StateRole::Leader).map_or(0, |n| n.raw.id());
        if leader != 0 && leader != self.last_leader {
            self.stats.leader_changes += 1;
            self.last_leader = leader;
        }
    }

    fn repartition(&mut self) {
        if self.rng.chance(1, 2) {
            self.group.iter_mut().for_each(|g| *g = 0);
        } else {
            for g in self.group.iter_mut() {
                *g = u8::from(self.rng.chance(1, 2));
            }
        }
    }

    fn deliver_one(&mut self) {
        if self.net.is_empty() {
            return;
        }
        let k = self.rng.below(self.net.len() as u64) as usize;
        let m = self.net.swap_remove(k);
        let (from, to) = (m.from as usize - 1, m.to as usize - 1);
        if self.group[from] != self.group[to] {
            return; // partitioned: lost
        }
        if m.msg_type == raft::MessageType::MsgSnap {
            self.stats.snapshots_sent += 1;
        }
        let _ = self.nodes[to].raw.step(m);
        self.checker.touched.insert(to);
    }

    /// Handles a Ready as an application must: persist, send, apply, advance.
    pub fn process_ready(&mut self, i: usize) {
        if !self.nodes[i].raw.has_ready() {
            return;
        }
        self.checker.touched.insert(i);
        let rd = self.nodes[i].raw.ready();
        let node = &mut self.nodes[i];
        let store = node.raw.store_mut();
        if let Some(s) = &rd.snapshot {
            store.apply_snapshot(s.clone()).expect("apply snapshot");
            node.applied = s.metadata.index;
        }
        store.append(&rd.entries).expect("append");
        if let Some(hs) = rd.hard_state {
            store.set_hard_state(hs);
        }
        self.net.extend(rd.messages);
        for e in &rd.committed_entries {
            self.apply(i, e);
        }
        self.nodes[i].raw.advance();
    }

    fn apply(&mut self, i: usize, e: &Entry) {
        let node = &mut self.nodes[i];
        assert_eq!(e.index, node.applied + 1, "node {} applies out of order", i + 1);
        node.applied = e.index;
        self.stats.applied += 1;
        assert_eq!(e.entry_type, EntryType::EntryNormal, "no conf changes are proposed in this test");
        self.checker.record_applied(i as u64 + 1, e);
    }

    /// Crash and restart from what was persisted (unstable state is lost).
    fn restart(&mut self, i: usize) {
        self.stats.restarts += 1;
        let node = &mut self.nodes[i];
        let store = node.raw.store().clone();
        let snap_index = raft::Storage::snapshot(&store).expect("snapshot").metadata.index;
        node.raw = RawNode::new(&node.cfg, store).expect("restart");
        // The state machine restarts from the snapshot.
        node.applied = snap_index;
        self.checker.touched.insert(i);
    }

    /// Snapshot the applied state and drop the log before it.
    fn compact(&mut self, i: usize) {
        let node = &mut self.nodes[i];
        let applied = node.applied;
        let store = node.raw.store_mut();
        if applied <= raft::Storage::snapshot(store).expect("snapshot").metadata.index {
            return;
        }
        store.create_snapshot(applied, None, Vec::new()).expect("create snapshot");
        store.compact(applied).expect("compact");
    }

    /// Prints every node's state (for investigating a seed).
    pub fn dump(&self) {
        eprintln!("groups {:?}, {} msgs in flight, stats {:?}", self.group, self.net.len(), self.stats);
        for n in &self.nodes {
            let st = n.raw.status();
            eprintln!(
                "  {} {:?} term {} vote {} lead {} commit {} applied {} log [{}, {}] elapsed {}/{} prs {:?}",
                st.id,
                st.soft_state.raft_state,
                st.hard_state.term,
                st.hard_state.vote,
                st.soft_state.lead,
                st.hard_state.commit,
                st.applied,
                st.first_index,
                st.last_index,
                st.election_elapsed,
                st.randomized_election_timeout,
                st.progress
                    .iter()
                    .map(|(id, p)| (*id, p.state, p.matched, p.next_idx, p.paused))
                    .collect::<Vec<_>>()
            );
        }
    }

    pub fn check(&mut self) {
        let touched: BTreeSet<usize> = std::mem::take(&mut self.checker.touched);
        self.checker.check(&self.nodes, &touched);
    }
}
