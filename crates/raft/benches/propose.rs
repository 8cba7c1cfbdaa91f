//! Proposals committed per second in a 3-node in-memory cluster with
//! instant delivery, for batches of 1 and 64 proposals: each iteration
//! proposes a batch on the leader and runs Ready/step rounds on every node
//! until the leader has applied the whole batch. The baseline, measured in
//! the same run, is a single-node cluster (no replication), so the 3-node
//! figure reads as a ratio of it. `cargo bench -p raft`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use raft::{ConfState, Config, MemoryStorage, Message, RawNode, StateRole, Storage};

struct Cluster {
    nodes: Vec<RawNode<MemoryStorage>>,
    applied: Vec<u64>,
}

impl Cluster {
    fn new(size: u64) -> Self {
        let voters = ConfState::from_voters(1..=size);
        let nodes = (1..=size)
            .map(|id| {
                let cfg = Config { id, seed: id, ..Config::default() };
                RawNode::new(&cfg, MemoryStorage::new_with_conf_state(voters.clone())).expect("node")
            })
            .collect();
        let mut c = Cluster { nodes, applied: vec![0; size as usize] };
        c.nodes[0].campaign().expect("campaign");
        c.run();
        assert_eq!(c.nodes[0].raft().state, StateRole::Leader);
        c
    }

    /// Handles Readies and delivers messages (instantly) until quiet.
    fn run(&mut self) {
        loop {
            let mut msgs: Vec<Message> = Vec::new();
            for (i, n) in self.nodes.iter_mut().enumerate() {
                if !n.has_ready() {
                    continue;
                }
                let rd = n.ready();
                let store = n.store_mut();
                if let Some(s) = rd.snapshot {
                    store.apply_snapshot(s).expect("snapshot");
                }
                store.append(&rd.entries).expect("append");
                if let Some(hs) = rd.hard_state {
                    store.set_hard_state(hs);
                }
                msgs.extend(rd.messages);
                if let Some(e) = rd.committed_entries.last() {
                    self.applied[i] = e.index;
                }
                n.advance();
            }
            if msgs.is_empty() {
                return;
            }
            for m in msgs {
                let to = m.to as usize - 1;
                let _ = self.nodes[to].step(m);
            }
        }
    }

    /// Keeps memory bounded: snapshot and compact applied entries.
    fn compact(&mut self) {
        for (i, n) in self.nodes.iter_mut().enumerate() {
            let applied = self.applied[i];
            let store = n.store_mut();
            if applied > store.first_index().expect("first") + 10_000 {
                store.create_snapshot(applied, None, Vec::new()).expect("snapshot");
                store.compact(applied).expect("compact");
            }
        }
    }

    fn propose_batch(&mut self, batch: usize, payload: &[u8]) {
        let target = self.nodes[0].raft().raft_log.last_index() + batch as u64;
        for _ in 0..batch {
            self.nodes[0].propose(payload.to_vec()).expect("propose");
        }
        self.run();
        assert!(self.applied[0] >= target, "batch not committed");
        self.compact();
    }
}

fn bench_propose(c: &mut Criterion) {
    let payload = vec![7u8; 128];
    for (name, size) in [("propose_commit_1_node_baseline", 1), ("propose_commit_3_nodes", 3)] {
        let mut g = c.benchmark_group(name);
        g.warm_up_time(Duration::from_secs(1));
        g.measurement_time(Duration::from_secs(3));
        g.sample_size(20);
        for batch in [1usize, 64] {
            g.throughput(Throughput::Elements(batch as u64));
            g.bench_with_input(BenchmarkId::from_parameter(batch), &batch, |b, &batch| {
                let mut cluster = Cluster::new(size);
                b.iter(|| cluster.propose_batch(black_box(batch), &payload));
            });
        }
        g.finish();
    }
}

criterion_group!(benches, bench_propose);
criterion_main!(benches);
