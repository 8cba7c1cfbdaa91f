//! Benchmarks of the store beside a plain `BTreeMap<Vec<u8>, Vec<u8>>`
//! doing the same work in the same run, with the ratios printed, and the
//! memory each takes per live key.
//!
//! Run with `cargo bench -p mvcc`. Workloads (16-byte keys, 100-byte
//! values, keys in a pseudo-random order):
//!
//! - `put_1m`: 1,000,000 puts of distinct keys into an empty store;
//! - `get`: point reads in a store of 1,000,000 keys;
//! - `range_1000`: reads of 1,000 consecutive keys in that store.
//!
//! The store's reads return owned pairs (etcd's responses own their data),
//! so the baseline clones the keys and values it returns too.
//!
//! Memory is measured two ways: the resident set of a child process that
//! builds one structure and nothing else (real bytes, allocator overhead
//! included), and an estimate from lengths and capacities
//! (`Store::heap_bytes`), which is the only one that can show what a
//! compaction frees (freed heap is not returned to the OS).

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{BatchSize, Criterion, SamplingMode};
use mvcc::{PutRequest, RangeRequest, Store, StoreConfig};

const N: u64 = 1_000_000;
const VALUE: [u8; 100] = [b'v'; 100];

/// The `i`th key: 16 hex digits of a bijective mix of `i`.
fn key(i: u64) -> [u8; 16] {
    let mut z = i.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    let mut out = [0u8; 16];
    for (j, b) in out.iter_mut().enumerate() {
        *b = b"0123456789abcdef"[((z >> (60 - 4 * j)) & 0xf) as usize];
    }
    out
}

fn fill_store(store: &mut Store, n: u64, revisions: u64) {
    let mut req = PutRequest { key: vec![0; 16], value: VALUE.to_vec(), ..PutRequest::default() };
    for _ in 0..revisions {
        for i in 0..n {
            req.key.copy_from_slice(&key(i));
            // Keys are non-empty and no lease is named: puts cannot fail.
            let _ = black_box(store.put(&req));
        }
    }
}

fn fill_map(map: &mut BTreeMap<Vec<u8>, Vec<u8>>, n: u64) {
    for i in 0..n {
        map.insert(key(i).to_vec(), VALUE.to_vec());
    }
}

fn bench_put(c: &mut Criterion) {
    let mut g = c.benchmark_group("put_1m");
    g.sample_size(10).sampling_mode(SamplingMode::Flat).warm_up_time(Duration::from_millis(500));
    g.measurement_time(Duration::from_secs(8));
    g.bench_function("mvcc", |b| {
        b.iter_batched(
            || Store::new(StoreConfig::default()),
            |mut s| {
                fill_store(&mut s, N, 1);
                s
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function("btreemap", |b| {
        b.iter_batched(
            BTreeMap::new,
            |mut m| {
                fill_map(&mut m, N);
                m
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

fn bench_reads(c: &mut Criterion) {
    let mut store = Store::new(StoreConfig::default());
    fill_store(&mut store, N, 1);
    let mut map = BTreeMap::new();
    fill_map(&mut map, N);
    let sorted: Vec<Vec<u8>> = map.keys().take(N as usize - 1000).step_by(997).cloned().collect();

    let mut g = c.benchmark_group("get");
    g.measurement_time(Duration::from_secs(2)).warm_up_time(Duration::from_millis(500));
    let mut i = 0u64;
    let mut req = RangeRequest { key: vec![0; 16], ..RangeRequest::default() };
    g.bench_function("mvcc", |b| {
        b.iter(|| {
            i = (i + 7919) % N;
            req.key.copy_from_slice(&key(i));
            black_box(store.range(&req).map(|r| r.kvs))
        })
    });
    let mut i = 0u64;
    g.bench_function("btreemap", |b| {
        b.iter(|| {
            i = (i + 7919) % N;
            let k = key(i);
            black_box(map.get_key_value(k.as_slice()).map(|(k, v)| (k.clone(), v.clone())))
        })
    });
    g.finish();

    let mut g = c.benchmark_group("range_1000");
    g.measurement_time(Duration::from_secs(2)).warm_up_time(Duration::from_millis(500));
    let mut j = 0usize;
    g.bench_function("mvcc", |b| {
        b.iter(|| {
            j = (j + 1) % sorted.len();
            let start = &sorted[j];
            let end = map.range(start.clone()..).nth(1000).map(|(k, _)| k.clone()).unwrap_or_default();
            let req = RangeRequest { key: start.clone(), range_end: end, ..RangeRequest::default() };
            black_box(store.range(&req).map(|r| r.kvs.len()))
        })
    });
    let mut j = 0usize;
    g.bench_function("btreemap", |b| {
        b.iter(|| {
            j = (j + 1) % sorted.len();
            let start = &sorted[j];
            let end = map.range(start.clone()..).nth(1000).map(|(k, _)| k.clone()).unwrap_or_default();
            let kvs: Vec<(Vec<u8>, Vec<u8>)> =
                map.range(start.clone()..end).map(|(k, v)| (k.clone(), v.clone())).collect();
            black_box(kvs.len())
        })
    });
    g.finish();
}

/// Resident pages of this process, from `/proc/self/statm`.
fn rss_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// In a child process: builds one structure, prints its RSS growth per key.
fn memory_child(what: &str) {
    let keys: u64 = 100_000;
    let before = rss_bytes().unwrap_or(0);
    let per_key = |after: Option<u64>| after.unwrap_or(0).saturating_sub(before) as f64 / keys as f64;
    match what {
        "btreemap" => {
            let mut m = BTreeMap::new();
            fill_map(&mut m, keys);
            println!("{:.0}", per_key(rss_bytes()));
            black_box(m);
        }
        "mvcc1" | "mvcc10" => {
            let mut s = Store::new(StoreConfig::default());
            fill_store(&mut s, keys, if what == "mvcc1" { 1 } else { 10 });
            println!("{:.0}", per_key(rss_bytes()));
            black_box(s);
        }
        _ => {}
    }
}

fn rss_per_key(what: &str) -> String {
    let Ok(exe) = std::env::current_exe() else { return "n/a".into() };
    match std::process::Command::new(exe).env("MVCC_BENCH_MEMORY", what).output() {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_string(),
        _ => "n/a".into(),
    }
}

/// Bytes per live key: RSS of isolated builds, and capacity estimates
/// before and after compaction.
fn memory_report() {
    let keys = 100_000u64;
    let map_est = {
        let mut m = BTreeMap::new();
        fill_map(&mut m, keys);
        // Same node assumption as `Store::heap_bytes`: two-thirds-full nodes.
        let node = (std::mem::size_of::<Vec<u8>>() * 2) * 3 / 2;
        m.iter().map(|(k, v)| node + k.capacity() + v.capacity()).sum::<usize>() as f64 / keys as f64
    };
    let mut one = Store::new(StoreConfig::default());
    fill_store(&mut one, keys, 1);
    let one_est = one.heap_bytes() as f64 / keys as f64;
    drop(one);
    let mut ten = Store::new(StoreConfig::default());
    fill_store(&mut ten, keys, 10);
    let ten_est = ten.heap_bytes() as f64 / keys as f64;
    let rev = ten.current_revision();
    let _ = ten.compact(rev);
    let compacted_est = ten.heap_bytes() as f64 / keys as f64;
    println!("memory per live key ({keys} keys, 16-byte keys, 100-byte values):");
    println!("  {:<42} {:>10} {:>14}", "structure", "RSS B/key", "estimate B/key");
    println!("  {:<42} {:>10} {:>14.0}", "BTreeMap<Vec<u8>, Vec<u8>>", rss_per_key("btreemap"), map_est);
    println!("  {:<42} {:>10} {:>14.0}", "mvcc, 1 revision per key", rss_per_key("mvcc1"), one_est);
    println!("  {:<42} {:>10} {:>14.0}", "mvcc, 10 revisions per key", rss_per_key("mvcc10"), ten_est);
    println!("  {:<42} {:>10} {:>14.0}", "mvcc, 10 revisions, after compact(current)", "-", compacted_est);
    println!(
        "  ratios (estimate): 1 rev {:.2}x, 10 revs {:.2}x, compacted {:.2}x the BTreeMap",
        one_est / map_est,
        ten_est / map_est,
        compacted_est / map_est
    );
}

fn criterion_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir).join("criterion"),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/criterion"),
    }
}

/// The time per iteration of one benchmark from criterion's
/// `estimates.json`: the slope where criterion fitted one (the figure it
/// prints for linear sampling), else the mean (flat sampling).
fn time_ns(dir: &std::path::Path, group: &str, function: &str) -> Option<f64> {
    let path = dir.join(group).join(function).join("new").join("estimates.json");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    json["slope"]["point_estimate"].as_f64().or_else(|| json["mean"]["point_estimate"].as_f64())
}

fn ratio_report(dir: &std::path::Path) {
    println!("ratios against the BTreeMap baseline (time per iteration, same run):");
    for (group, target) in [("put_1m", 3.0), ("get", 2.0), ("range_1000", 3.0)] {
        match (time_ns(dir, group, "mvcc"), time_ns(dir, group, "btreemap")) {
            (Some(m), Some(b)) => println!(
                "  {group:<11} mvcc {:>14} btreemap {:>14} ratio {:.2}x (target <= {target}x)",
                fmt_ns(m),
                fmt_ns(b),
                m / b
            ),
            _ => println!("  {group:<11} (not measured in this run)"),
        }
    }
}

fn fmt_ns(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.3} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.3} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.3} us", ns / 1e3)
    } else {
        format!("{ns:.1} ns")
    }
}

fn main() {
    if let Ok(what) = std::env::var("MVCC_BENCH_MEMORY") {
        memory_child(&what);
        return;
    }
    let dir = criterion_dir();
    let mut c = Criterion::default().output_directory(&dir).configure_from_args();
    bench_put(&mut c);
    bench_reads(&mut c);
    c.final_summary();
    memory_report();
    ratio_report(&dir);
}
