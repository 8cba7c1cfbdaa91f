//! Benchmarks of the simulated cluster, each beside a baseline measured in
//! the same run, ratios printed. Run with `cargo bench -p sim`.
//!
//! - `committed_puts`: puts acknowledged per second of host time through a
//!   3- and a 5-member cluster on a zero-delay network, 32 clients
//!   (etcd's benchmark shape), etcd's `--snapshot-count`, beside the MVCC
//!   store alone doing the same puts;
//! - `ten_virtual_minutes`: host time to simulate 10 virtual minutes of a
//!   5-member cluster taking 100 writes/s (60,000 writes), one run;
//! - `committed puts per CPU second`: the same, per second of this
//!   process's CPU time, which a busy machine disturbs far less;
//! - `memory`: resident memory of 3 members holding 10,000 keys of 100
//!   bytes (the playground's settings: each disk holds a snapshot too),
//!   beside a `BTreeMap` of the same pairs.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput};
use mvcc::{PutRequest, Store, StoreConfig};
use server::Request;
use sim::{CallOptions, LinkSettings, Sim, SimOptions};

const PUTS: u64 = 2_000;
const CLIENTS: usize = 32;

/// Checkers and logs off; etcd's own `--snapshot-count` (100,000) unless
/// `playground` keeps the page's small one (a snapshot encodes the store).
fn quiet(members: u64, network: LinkSettings, playground: bool) -> SimOptions {
    SimOptions {
        members,
        network,
        snapshot_count: if playground { None } else { Some(100_000) },
        check_safety: false,
        record_history: false,
        message_log_capacity: 0,
        event_log_capacity: 0,
        // Room for every revision: the playground's small default quota
        // would raise NOSPACE within the first minute.
        quota_bytes: Some(1 << 40),
        ..SimOptions::default()
    }
}

fn elected(members: u64, network: LinkSettings, playground: bool) -> (Sim, u64) {
    let mut sim = Sim::new(1, quiet(members, network, playground));
    // As the page runs it: no checkers, no records of inputs or history.
    sim.set_lean(true);
    assert!(sim.run_until(20_000, |s| s.leader().is_some()), "no leader");
    let leader = sim.leader().expect("elected");
    (sim, leader)
}

fn put(i: u64) -> Request {
    Request::Put(PutRequest {
        key: format!("key-{:08}", i % 10_000).into_bytes(),
        value: vec![b'v'; 100],
        ..Default::default()
    })
}

/// Sends `n` puts through `leader`, at most `CLIENTS` outstanding, and runs
/// until every one is acknowledged.
fn pipeline(sim: &mut Sim, leader: u64, n: u64) {
    let mut sent = 0;
    let mut done = 0;
    let mut open: Vec<u64> = Vec::with_capacity(CLIENTS);
    while done < n {
        while open.len() < CLIENTS && sent < n {
            open.push(sim.submit(leader, put(sent), CallOptions::default()));
            sent += 1;
        }
        let seen = sim.resolved_count();
        sim.step();
        if sim.resolved_count() == seen {
            continue;
        }
        open.retain(|&id| match sim.result(id) {
            Some(r) => {
                assert!(r.is_ok(), "{r:?}");
                done += 1;
                false
            }
            None => true,
        });
        if open.is_empty() {
            sim.forget_resolved();
        }
    }
}

fn bench_committed_puts(c: &mut Criterion) {
    let mut g = c.benchmark_group("committed_puts");
    g.throughput(Throughput::Elements(PUTS));
    g.sample_size(10).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(3));
    for members in [3, 5] {
        let (sim, leader) = elected(members, LinkSettings::instant(), false);
        g.bench_function(format!("{members}_members"), |b| {
            b.iter_batched(|| sim.clone(), |mut s| pipeline(&mut s, leader, PUTS), BatchSize::PerIteration)
        });
    }
    g.bench_function("mvcc_only", |b| {
        b.iter_batched(
            || Store::new(StoreConfig::default()),
            |mut s| {
                for i in 0..PUTS {
                    if let Request::Put(p) = put(i) {
                        let _ = black_box(s.put(&p));
                    }
                }
                s
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

/// Host seconds for 10 virtual minutes of 5 members at 100 writes/s.
fn ten_virtual_minutes() -> f64 {
    let (mut sim, _) = elected(5, LinkSettings::default(), false);
    let start_ms = sim.now_ms();
    let members = sim.member_ids();
    // Host timing of the benchmark itself, not of the simulation.
    #[allow(clippy::disallowed_methods)]
    let began = std::time::Instant::now();
    let mut i = 0u64;
    let mut t = start_ms;
    let (mut pending, mut failed) = (Vec::new(), 0u64);
    while t < start_ms + 600_000 {
        let ep = members[(i % members.len() as u64) as usize];
        let id = sim.submit(ep, put(i), CallOptions::default());
        pending.push(id);
        i += 1;
        t += 10;
        sim.run_until(t, |_| false);
        if i.is_multiple_of(1_000) {
            pending.retain(|&id| match sim.result(id) {
                Some(r) => {
                    if r.is_err() {
                        failed += 1;
                    }
                    false
                }
                None => true,
            });
            sim.forget_resolved();
        }
    }
    let secs = began.elapsed().as_secs_f64();
    let rev = sim.member(members[0]).map_or(0, |m| m.store().current_revision());
    println!(
        "ten_virtual_minutes: 5 members, {i} writes ({failed} failed), {} steps, revision {rev}: {secs:.2} s of host time ({:.0}x real time)",
        sim.steps(),
        600.0 / secs
    );
    secs
}

/// CPU seconds this process has used (user and system, from /proc on
/// Linux; 0 elsewhere). Unlike wall time it hardly depends on what else
/// runs on the machine.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // After the command name: state is field 3, utime 14, stime 15.
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

/// Committed puts per CPU second (the same pipelines as `committed_puts`,
/// each on a fresh clone of an elected cluster, for two CPU seconds each),
/// beside the MVCC store alone.
fn committed_puts_per_cpu_second() {
    let rate = |f: &mut dyn FnMut()| {
        let start = cpu_seconds();
        let mut n = 0u64;
        while cpu_seconds() - start < 2.0 {
            f();
            n += PUTS;
        }
        n as f64 / (cpu_seconds() - start).max(0.01)
    };
    let mut line = String::from("committed puts per CPU second:");
    for members in [3, 5] {
        let (sim, leader) = elected(members, LinkSettings::instant(), false);
        let r = rate(&mut || pipeline(&mut sim.clone(), leader, PUTS));
        line += &format!(" {members} members {:.0}K/s;", r / 1000.0);
    }
    let r = rate(&mut || {
        let mut s = Store::new(StoreConfig::default());
        for i in 0..PUTS {
            if let Request::Put(p) = put(i) {
                let _ = black_box(s.put(&p));
            }
        }
    });
    line += &format!(" mvcc only {:.2}M/s", r / 1e6);
    println!("{line}");
}

fn rss_bytes() -> u64 {
    // Resident pages from /proc (Linux); 0 elsewhere.
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    statm.split_whitespace().nth(1).and_then(|p| p.parse::<u64>().ok()).unwrap_or(0) * 4096
}

fn memory() {
    let before = rss_bytes();
    let mut map: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
    for i in 0..10_000 {
        map.insert(format!("key-{i:08}").into_bytes(), vec![b'v'; 100]);
    }
    let map_bytes = rss_bytes().saturating_sub(before);
    let before = rss_bytes();
    let (mut sim, leader) = elected(3, LinkSettings::instant(), true);
    pipeline(&mut sim, leader, 10_000);
    sim.run_for(2_000);
    sim.forget_resolved();
    let sim_bytes = rss_bytes().saturating_sub(before);
    let heap: usize =
        sim.member_ids().iter().filter_map(|&id| sim.member(id)).map(|m| m.store().heap_bytes()).sum();
    let disk: u64 =
        sim.member_ids().iter().filter_map(|&id| sim.disk(id)).map(server::Disk::size_bytes).sum();
    println!(
        "memory: 3 members with 10,000 keys of 100 bytes: {:.1} MiB resident (stores' heap estimate {:.1} MiB, disks {:.1} MiB); \
         a BTreeMap of the same pairs: {:.1} MiB; ratio {:.1}x (per member {:.1}x)",
        sim_bytes as f64 / 1048576.0,
        heap as f64 / 1048576.0,
        disk as f64 / 1048576.0,
        map_bytes as f64 / 1048576.0,
        sim_bytes as f64 / map_bytes.max(1) as f64,
        sim_bytes as f64 / 3.0 / map_bytes.max(1) as f64
    );
    black_box((map, sim));
}

fn main() {
    memory();
    committed_puts_per_cpu_second();
    let mut c = Criterion::default().configure_from_args();
    bench_committed_puts(&mut c);
    c.final_summary();
    ten_virtual_minutes();
}
