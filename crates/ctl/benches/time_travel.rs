//! Time travel's figures (issue 16), each beside a baseline measured in the
//! same run. Run with `cargo bench -p ctl --bench time_travel`
//! (`TT_MINUTES=N` for a shorter session while iterating).
//!
//! - the session: 10 virtual minutes of 5 members as the page starts them
//!   (kubeadm's objects and controllers, etcd serving TLS), 50 `etcdctl
//!   put`s a second typed into two hidden tabs as the page's `load 50` does;
//! - `jump`: host time to show 100 random moments of it, p50/p95/max, with
//!   checkpoints (every 2 s, 32 MiB) against the baseline, rebuilding the
//!   moment from t=0 (measured on 10 of the same targets);
//! - memory: the checkpoints' estimated bytes, and the resident memory one
//!   clone of the final state really takes (five clones held, /proc/self/statm).

use std::hint::black_box;
use std::time::Duration;

use criterion::Criterion;
use ctl::ConsoleOptions;
use ctl::history::terminal::{Act, Terminal};
use ctl::history::{History, Machine, Options};

/// Wall time, for a benchmark's own measurement (the core never reads it).
#[allow(clippy::disallowed_methods)]
fn now() -> std::time::Instant {
    std::time::Instant::now()
}

/// Resident memory of this process (bytes), from /proc/self/statm.
fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm.split_whitespace().nth(1).and_then(|p| p.parse().ok()).unwrap_or(0);
    pages * 4096
}

/// The page's cluster: `members` members of a kubeadm node serving TLS.
fn page_terminal(members: usize) -> Terminal {
    Terminal::new(1, ConsoleOptions { nodes: members, ..ConsoleOptions::default() })
}

/// `minutes` of 50 writes a second, into `h`.
fn session(h: &mut History<Terminal>, minutes: u64) {
    let start = h.now_ms();
    let writes = minutes * 60 * 50;
    for k in 0..writes {
        h.advance_to(start + k * 20);
        let text = format!(
            "etcdctl --endpoints=https://127.0.0.1:2379{} put load/{k:06} v{k}",
            ctl::pki::ETCDCTL_FLAGS
        );
        h.input(Act::Line { tab: 6 + (k % 2) as usize, text });
    }
    h.advance_to(start + minutes * 60_000);
}

/// A splitmix64 stream: the targets are the same every run.
struct Targets(u64);

impl Iterator for Targets {
    type Item = u64;
    fn next(&mut self) -> Option<u64> {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Some(z ^ (z >> 31))
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn figures(c: &mut Criterion) {
    let minutes: u64 = std::env::var("TT_MINUTES").ok().and_then(|m| m.parse().ok()).unwrap_or(10);
    let budget_mib: u64 = std::env::var("TT_BUDGET_MIB").ok().and_then(|m| m.parse().ok()).unwrap_or(32);
    let opts = Options { budget_bytes: budget_mib << 20, ..Options::default() };
    let t = now();
    let mut h = History::new(page_terminal(5), opts);
    session(&mut h, minutes);
    let built = t.elapsed();
    let (s, e) = (h.start_ms(), h.end_ms());
    let rev = {
        let sim = h.state().console().sim();
        sim.leader().and_then(|l| sim.member(l)).map_or(0, |m| m.status().revision)
    };
    println!(
        "session: {minutes} virtual min, 5 members, {} inputs, revision {rev}, built in {:.1} s ({:.0}x real time)",
        h.inputs().len(),
        built.as_secs_f64(),
        (e - s) as f64 / 1000.0 / built.as_secs_f64()
    );
    println!(
        "checkpoints: {} kept (every {} ms, budget {} MiB), estimated {:.1} MiB; the final state alone {:.1} MiB estimated",
        h.checkpoint_count(),
        opts.every_ms,
        opts.budget_bytes >> 20,
        h.checkpoint_bytes() as f64 / 1048576.0,
        h.state().footprint_bytes() as f64 / 1048576.0
    );

    // Real sizes: five clones of each part held at once (nothing freed
    // in between, so the allocator cannot hand freed memory back).
    let held_before = rss_bytes();
    let sims: Vec<sim::Sim> = (0..5).map(|_| h.state().console().sim().clone()).collect();
    let after_sims = rss_bytes();
    let kubes: Vec<kube::Kube> = (0..5).map(|_| h.state().console().kube().clone()).collect();
    let after_kubes = rss_bytes();
    let clones: Vec<Terminal> = (0..5).map(|_| h.state().clone()).collect();
    let after_all = rss_bytes();
    let mib = |b: u64| b as f64 / 1048576.0;
    let per_clone = after_all.saturating_sub(after_kubes) / 5;
    println!(
        "one clone of the final state: {:.1} MiB resident (estimate {:.1} MiB, ratio {:.2}); the simulator alone {:.1} MiB, kube alone {:.1} MiB",
        mib(per_clone),
        mib(h.state().footprint_bytes()),
        per_clone as f64 / h.state().footprint_bytes().max(1) as f64,
        mib(after_sims.saturating_sub(held_before) / 5),
        mib(after_kubes.saturating_sub(after_sims) / 5)
    );
    drop((sims, kubes, clones));

    let targets: Vec<u64> = Targets(16).take(100).map(|r| s + r % (e - s)).collect();
    let mut jumps = Vec::new();
    for &t in &targets {
        let began = now();
        h.jump(t);
        jumps.push(ms(began.elapsed()));
        black_box(h.now_ms());
    }
    let mut sorted = jumps.clone();
    sorted.sort_by(f64::total_cmp);
    let mut base = Vec::new();
    for &t in targets.iter().take(10) {
        let began = now();
        black_box(h.replay_from_start(t).now_ms());
        base.push(ms(began.elapsed()));
    }
    let mut base_sorted = base.clone();
    base_sorted.sort_by(f64::total_cmp);
    let same: Vec<f64> = jumps.iter().take(10).copied().collect();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    println!(
        "jump, 100 random moments: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        percentile(&sorted, 0.5),
        percentile(&sorted, 0.95),
        sorted[sorted.len() - 1]
    );
    println!(
        "baseline, rebuilt from t=0, first 10 of the same moments: mean {:.1} ms, max {:.1} ms (jump on those: mean {:.1} ms; {:.0}x faster)",
        mean(&base),
        base_sorted[base_sorted.len() - 1],
        mean(&same),
        mean(&base) / mean(&same).max(1e-9)
    );

    let mut g = c.benchmark_group("time travel");
    g.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(5));
    let mut i = 0;
    g.bench_function("jump to a random moment (checkpoints)", |b| {
        b.iter(|| {
            i = (i + 1) % targets.len();
            h.jump(targets[i]);
            black_box(h.now_ms())
        })
    });
    g.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    figures(&mut c);
    c.final_summary();
}
