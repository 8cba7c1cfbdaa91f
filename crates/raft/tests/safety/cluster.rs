//! The simulated cluster: nodes over `MemoryStorage`, a lossy network, and
//! the random schedule of events drawn from one seed.

use std::collections::BTreeSet;

use raft::{
    ConfChange, ConfChangeSingle, ConfChangeType, ConfChangeV2, ConfState, Config, Entry, EntryType,
    MemoryStorage, Message, RawNode, Rng, StateRole, decode_conf_change, decode_conf_change_v1,
};

use crate::checker::Checker;

/// Counts that show a run exercised something.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub applied: u64,
    pub leader_changes: u64,
    pub snapshots_sent: u64,
    pub restarts: u64,
    pub conf_changes_applied: u64,
    pub seeds_with_commits: u64,
}

impl Stats {
    pub fn add(&mut self, o: &Stats) {
        self.applied += o.applied;
        self.leader_changes += o.leader_changes;
        self.snapshots_sent += o.snapshots_sent;
        self.restarts += o.restarts;
        self.conf_changes_applied += o.conf_changes_applied;
        self.seeds_with_commits += o.seeds_with_commits;
    }
}

pub struct Node {
    pub raw: RawNode<MemoryStorage>,
    pub cfg: Config,
    /// Last applied index (the state machine's position).
    pub applied: u64,
    /// Configuration as of `applied` (saved with snapshots).
    pub conf_state: ConfState,
    /// A founding member (bootstraps the initial membership).
    pub initial: bool,
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
    /// Ids removed from the configuration (never re-added, as in etcd).
    removed: BTreeSet<u64>,
    /// `RAFT_TRACE=1`: print every event (to investigate a seed).
    trace: bool,
    initial_voters: Vec<u64>,
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
        // Two spare nodes, outside the configuration until a conf change
        // adds them (they then catch up by snapshot, as in etcd).
        let slots = n + 2;
        let nodes = (1..=slots)
            .map(|id| {
                let cfg = Config {
                    id,
                    election_tick,
                    heartbeat_tick: 1,
                    pre_vote,
                    check_quorum,
                    max_size_per_msg,
                    max_inflight_msgs: max_inflight,
                    step_down_on_removal: true,
                    seed: seed.wrapping_mul(31).wrapping_add(id),
                    ..Config::default()
                };
                let mut raw = RawNode::new(&cfg, MemoryStorage::new()).expect("new node");
                if id <= n {
                    raw.bootstrap(&voters).expect("bootstrap");
                }
                Node { raw, cfg, applied: 0, conf_state: ConfState::default(), initial: id <= n }
            })
            .collect();
        Cluster {
            rng,
            nodes,
            net: Vec::new(),
            group: vec![0; n as usize + 2],
            removed: BTreeSet::new(),
            trace: std::env::var("RAFT_TRACE").is_ok(),
            initial_voters: voters,
            checker: Checker::default(),
            next_prop: 0,
            stats: Stats::default(),
            last_leader: 0,
        }
    }

    pub fn stats(&self) -> Stats {
        let mut s = self.stats.clone();
        // A proposal (not just bootstrap or empty entries) was committed.
        s.seeds_with_commits =
            u64::from(self.checker.applied.values().any(|(_, d)| d.first() == Some(&b'p')));
        s
    }

    fn pick(&mut self) -> usize {
        self.rng.below(self.nodes.len() as u64) as usize
    }

    /// One random event.
    pub fn step(&mut self) {
        let r = self.rng.below(1000);
        if self.trace {
            eprintln!("-- event {r}");
        }
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
            660..=699 => {
                for i in 0..self.nodes.len() {
                    self.nodes[i].raw.tick();
                    self.checker.touched.insert(i);
                }
            }
            700..=909 => {
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
            968..=971 => {
                let i = self.pick();
                self.restart(i);
            }
            972..=990 => {
                let i = self.pick();
                self.compact(i);
            }
            991..=993 => {
                let i = self.pick();
                let to = self.rng.below(self.nodes.len() as u64) + 1;
                self.nodes[i].raw.transfer_leader(to);
                self.checker.touched.insert(i);
            }
            _ => self.propose_conf_change(),
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
        if self.trace {
            eprintln!("deliver {m}");
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
        if self.trace {
            eprintln!("ready {}:\n{rd}", i + 1);
        }
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
        if let Some(s) = &rd.snapshot {
            self.nodes[i].conf_state = s.metadata.conf_state.clone();
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
        let res = match e.entry_type {
            EntryType::EntryNormal => None,
            EntryType::EntryConfChange => {
                Some(node.raw.apply_conf_change(&decode_conf_change_v1(e).expect("v1")))
            }
            EntryType::EntryConfChangeV2 => {
                Some(node.raw.apply_conf_change(&decode_conf_change(e).expect("v2")))
            }
        };
        // An invalid change is refused identically by every node.
        if let Some(Ok(cs)) = res {
            node.conf_state = cs;
            self.stats.conf_changes_applied += 1;
        }
        self.checker.record_applied(i as u64 + 1, e);
    }

    /// The leader proposes a membership change: add a learner or a voter,
    /// promote a learner, remove or demote a voter, or a joint replace.
    fn propose_conf_change(&mut self) {
        let Some(li) = self.nodes.iter().position(|n| n.raw.raft().state == StateRole::Leader) else {
            return;
        };
        let cs = self.nodes[li].raw.raft().trk.conf_state();
        if !cs.voters_outgoing.is_empty() || cs.voters.is_empty() {
            return; // a joint configuration is left automatically
        }
        let members: BTreeSet<u64> = cs.voters.iter().chain(&cs.learners).copied().collect();
        let fresh =
            (1..=self.nodes.len() as u64).find(|id| !members.contains(id) && !self.removed.contains(id));
        let single = |t, id| ConfChangeSingle { change_type: t, node_id: id };
        let victim = cs.voters[self.rng.below(cs.voters.len() as u64) as usize];
        let mut options: Vec<Vec<ConfChangeSingle>> = Vec::new();
        if let Some(&l) = cs.learners.first() {
            options.push(vec![single(ConfChangeType::AddNode, l)]);
        }
        if let Some(f) = fresh {
            options.push(vec![single(ConfChangeType::AddLearnerNode, f)]);
            options.push(vec![single(ConfChangeType::AddNode, f)]);
            if cs.voters.len() >= 3 {
                options.push(vec![
                    single(ConfChangeType::AddNode, f),
                    single(ConfChangeType::RemoveNode, victim),
                ]);
            }
        }
        if cs.voters.len() >= 4 {
            options.push(vec![single(ConfChangeType::RemoveNode, victim)]);
            // Demote a voter (through learners_next when joint).
            options.push(vec![single(ConfChangeType::AddLearnerNode, victim)]);
            if let Some(f) = fresh {
                options.push(vec![
                    single(ConfChangeType::AddNode, f),
                    single(ConfChangeType::AddLearnerNode, victim),
                ]);
            }
        }
        if options.is_empty() {
            return;
        }
        let changes = options.swap_remove(self.rng.below(options.len() as u64) as usize);
        for c in &changes {
            if c.change_type == ConfChangeType::RemoveNode {
                self.removed.insert(c.node_id);
            }
        }
        let v1 = changes.len() == 1 && self.rng.chance(1, 2);
        let raw = &mut self.nodes[li].raw;
        let _ = if v1 {
            let c = changes[0];
            raw.propose_conf_change(&ConfChange {
                change_type: c.change_type,
                node_id: c.node_id,
                context: Vec::new(),
            })
        } else {
            raw.propose_conf_change(&ConfChangeV2 { changes, ..Default::default() })
        };
        self.checker.touched.insert(li);
    }

    /// Crash and restart from what was persisted (unstable state is lost).
    fn restart(&mut self, i: usize) {
        if self.trace {
            eprintln!("restart {}", i + 1);
        }
        self.stats.restarts += 1;
        let node = &mut self.nodes[i];
        let store = node.raw.store().clone();
        let snap_index = raft::Storage::snapshot(&store).expect("snapshot").metadata.index;
        let snap_cs = raft::Storage::snapshot(&store).expect("snapshot").metadata.conf_state;
        let empty = raft::Storage::last_index(&store).expect("last") == 0;
        node.raw = RawNode::new(&node.cfg, store).expect("restart");
        if empty && node.initial {
            // Crashed before persisting anything: start over, as etcd does
            // when it finds no WAL.
            let voters = self.initial_voters.clone();
            node.raw.bootstrap(&voters).expect("bootstrap");
        }
        // The state machine restarts from the snapshot.
        node.applied = snap_index;
        node.conf_state = snap_cs;
        self.checker.touched.insert(i);
    }

    /// Snapshot the applied state and drop the log before it.
    fn compact(&mut self, i: usize) {
        let node = &mut self.nodes[i];
        let applied = node.applied;
        let cs = node.conf_state.clone();
        let store = node.raw.store_mut();
        if applied <= raft::Storage::snapshot(store).expect("snapshot").metadata.index {
            return;
        }
        store.create_snapshot(applied, Some(cs), Vec::new()).expect("create snapshot");
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
