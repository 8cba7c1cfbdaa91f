//! Randomized safety: a seeded in-process network (drop, partition,
//! duplicate, reorder, crash/restart, compaction) drives a cluster, and the
//! checkers verify Raft's safety properties after every step.
//!
//! `cargo test -p raft --test safety` runs 300 seeds; `RAFT_SEEDS=10000`
//! runs more; `RAFT_SEED=1234` replays exactly one seed (a failure prints
//! the seed to replay).

mod checker;
mod cluster;

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

use cluster::Cluster;

/// Steps per seed: enough for several elections, partitions and restarts.
const STEPS: usize = 2000;

fn run_seed(seed: u64) -> cluster::Stats {
    let mut c = Cluster::new(seed);
    for _ in 0..STEPS {
        c.step();
        c.check();
    }
    if std::env::var("RAFT_DEBUG").is_ok() {
        c.dump();
    }
    c.stats()
}

#[test]
fn randomized_safety() {
    let seeds: Vec<u64> = match std::env::var("RAFT_SEED") {
        Ok(s) => vec![s.parse().expect("RAFT_SEED must be a number")],
        Err(_) => {
            let n: u64 = std::env::var("RAFT_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(300);
            (0..n).collect()
        }
    };
    let mut total = cluster::Stats::default();
    for &seed in &seeds {
        match catch_unwind(AssertUnwindSafe(|| run_seed(seed))) {
            Ok(st) => total.add(&st),
            Err(e) => {
                eprintln!(
                    "randomized safety failed: replay with RAFT_SEED={seed} cargo test -p raft --test safety"
                );
                resume_unwind(e);
            }
        }
    }
    eprintln!("{} seeds: {total:?}", seeds.len());
    // The run must not be vacuous: most seeds elect leaders and commit.
    if seeds.len() < 100 {
        return;
    }
    assert!(
        total.seeds_with_commits * 10 >= seeds.len() as u64 * 8,
        "too few seeds committed anything: {total:?}"
    );
    assert!(total.leader_changes > seeds.len() as u64, "too few elections: {total:?}");
}
