//! Benchmarks of the kubeadm cluster the playground starts with, each
//! beside a baseline measured in the same run, ratios printed. Run with
//! `cargo bench -p kube`.
//!
//! - `start`: host time to elect a fresh 3-member cluster (what the
//!   playground does before its first frame), then to write a kubeadm
//!   cluster's objects into it in one batch (`Kube::kubeadm_init`), and
//!   to build those objects alone (`kubeadm::cluster`, no etcd);
//! - `idle`: host time for 10 virtual minutes of an idle cluster as the
//!   page runs it (lean), bare etcd beside the kubeadm cluster with its
//!   controllers stepping every 100 ms, heartbeats and compactor; with the
//!   revision, raft log and database size each reaches.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion};
use kube::Kube;
use sim::{Sim, SimOptions};

fn elected() -> Sim {
    elected_with(SimOptions::default())
}

fn elected_with(options: SimOptions) -> Sim {
    let mut sim = Sim::new(1, options);
    sim.set_lean(true);
    assert!(sim.run_until(20_000, |s| s.leader().is_some()), "no leader");
    sim
}

fn bench_start(c: &mut Criterion) {
    let mut g = c.benchmark_group("start");
    g.sample_size(10).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(3));
    g.bench_function("elect a 3-member cluster", |b| b.iter(|| black_box(elected())));
    g.bench_function("kubeadm::cluster (build the objects only)", |b| {
        b.iter(|| {
            let mut rng = kube::meta::Rng::new(1);
            let etcd = kube::kubeadm::manifests::EtcdMember::of(&sim::Sim::new(1, SimOptions::default()));
            black_box(kube::kubeadm::cluster(&["node-1".into(), "node-2".into()], &etcd, 5_000, &mut rng))
        })
    });
    let no_snapshots = SimOptions { snapshot_count: Some(100_000), ..SimOptions::default() };
    for (name, options) in [
        ("kubeadm_init (write the cluster)", SimOptions::default()),
        ("kubeadm_init, no snapshots (snapshot-count 100000)", no_snapshots),
    ] {
        let sim = elected_with(options);
        g.bench_function(name, |b| {
            b.iter_batched(
                || (sim.clone(), Kube::new(1)),
                |(mut s, mut k)| {
                    k.kubeadm_init(&mut s).expect("stored");
                    black_box((s, k))
                },
                BatchSize::PerIteration,
            )
        });
    }
    g.finish();
}

/// What a run reached: revision, compacted revision, raft commit index,
/// db size in bytes.
fn reached(sim: &Sim) -> String {
    let l = sim.leader().and_then(|l| sim.member(l)).expect("a leader");
    let st = l.status();
    format!(
        "revision {}, compacted at {}, raft index {}, db {} kB ({} kB in use)",
        st.revision,
        st.compact_revision,
        st.commit,
        st.db_size / 1024,
        st.db_size_in_use / 1024
    )
}

/// Wall time, for a benchmark's own measurement (the core never reads it).
#[allow(clippy::disallowed_methods)]
fn now() -> std::time::Instant {
    std::time::Instant::now()
}

fn idle() {
    let minutes = 10;
    let ms = minutes * 60_000;
    let mut bare = elected();
    let t = now();
    let until = bare.now_ms() + ms;
    bare.run_until(until, |_| false);
    let bare_secs = t.elapsed().as_secs_f64();
    let b = reached(&bare);

    let mut sim = elected();
    let mut kube = Kube::new(1);
    let t = now();
    kube.kubeadm_init(&mut sim).expect("stored");
    kube.run_for(&mut sim, ms);
    sim.forget_resolved();
    let kube_secs = t.elapsed().as_secs_f64();
    let k = reached(&sim);
    println!(
        "idle: {minutes} virtual minutes, bare etcd {bare_secs:.3} s ({b}); \
         kubeadm cluster {kube_secs:.3} s ({k}); ratio {:.1}x; {:.0}x real time",
        kube_secs / bare_secs.max(1e-9),
        (ms as f64 / 1000.0) / kube_secs
    );
}

fn main() {
    idle();
    let mut c = Criterion::default().configure_from_args();
    bench_start(&mut c);
    c.final_summary();
}
