//! The fuzz campaign: random and mutated console input, grammar-aware,
//! through the console language and the simulator natively.
//!
//! ```text
//! cargo xtask fuzz --inputs N [--seed S] [--jobs J] [--session L]
//! cargo test -p ctl --test fuzz              a short campaign (CI)
//! ```
//!
//! Sessions of `L` inputs (default 64) each start a fresh console (one in
//! four in page mode, one in 200 on a kubeadm cluster); each input comes
//! from one generator (`fuzz/gen.rs`). Every input must not panic, must
//! stay under a bound of simulator steps (and a wall-clock watchdog), must
//! exit 0..=255; after a session the cluster's safety and linearizability
//! checkers must pass; one session in 16 is played twice and must give the
//! same bytes. The campaign prints inputs per second, counts per
//! generator and a digest of every output, the same for the same seed. A
//! failure is minimized and written to `tests/fuzz/regressions/`, which
//! `tests/fuzz_regressions.rs` replays.

// Each test target uses part of the shared harness.
#[allow(dead_code)]
mod fuzz {
    pub mod r#gen;
    pub mod run;
}

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use fuzz::r#gen::{Gen, Grammar, Step};
use fuzz::run::{Case, Failure, install_panic_hook, minimize, play, write_regression};
use raft::Rng;

struct Args {
    inputs: u64,
    seed: u64,
    jobs: usize,
    session: usize,
    write: bool,
    /// Play only this session of the campaign (a failure's replay).
    only: Option<u64>,
    /// Play this regression file and nothing else.
    replay: Option<String>,
    /// The front ends only (`run::play_front`), no console.
    front: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        inputs: 300,
        seed: 0,
        jobs: 1,
        session: 64,
        write: false,
        only: None,
        replay: None,
        front: false,
    };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < argv.len() {
        let flag = argv[i].as_str();
        // libtest's own flags, which `cargo test` passes to every target.
        if matches!(flag, "--nocapture" | "--quiet" | "-q" | "--ignored" | "--include-ignored" | "--exact") {
            i += 1;
            continue;
        }
        if flag == "--write" {
            a.write = true;
            i += 1;
            continue;
        }
        if flag == "--front" {
            a.front = true;
            i += 1;
            continue;
        }
        if flag == "--replay" {
            let Some(path) = argv.get(i + 1) else { return Err("--replay needs a regression file".into()) };
            a.replay = Some(path.clone());
            i += 2;
            continue;
        }
        let value = argv.get(i + 1).and_then(|v| v.replace('_', "").parse::<u64>().ok());
        let Some(v) = value else { return Err(format!("{flag} needs a number")) };
        match flag {
            "--inputs" => a.inputs = v,
            "--seed" => a.seed = v,
            "--jobs" => a.jobs = v.clamp(1, 64) as usize,
            "--session" => a.session = v.clamp(1, 10_000) as usize,
            "--only" => a.only = Some(v),
            _ => return Err(format!("unknown flag {flag}")),
        }
        i += 2;
    }
    Ok(a)
}

/// A seed for session `index` of the campaign from `seed` (splitmix64).
fn mix(seed: u64, index: u64) -> u64 {
    let mut z = seed ^ index.wrapping_mul(0x9e37_79b9_7f4a_7c15).wrapping_add(0x6a09_e667_f3bc_c909);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The case of session `index` of the campaign from `seed`, and which
/// generator made each step.
/// A front-end campaign (`front`) leaves out the generators that need a
/// console (snapshot files, Ctrl+C and time).
fn session(grammar: &Grammar, seed: u64, index: u64, len: usize, front: bool) -> (Case, Vec<Gen>) {
    let mut rng = Rng::new(mix(seed, index));
    let page = rng.chance(1, 4);
    let kube = rng.chance(1, 200);
    let mut steps = Vec::new();
    let mut gens = Vec::new();
    let snapshots = rng.chance(1, 4);
    if snapshots && !front {
        steps.push(Step::Line("etcdctl put a 1 && etcdctl put b 2 && etcdctl snapshot save s.db".into()));
        gens.push(Gen::Snapshot);
    }
    while steps.len() < len {
        let mut g = Grammar::pick_gen(&mut rng);
        if g == Gen::Snapshot && !snapshots {
            g = Gen::Etcdutl;
        }
        if front && matches!(g, Gen::Snapshot | Gen::Control) {
            continue;
        }
        for s in grammar.generate(g, &mut rng) {
            steps.push(s);
            gens.push(g);
        }
    }
    steps.truncate(len);
    gens.truncate(len);
    (Case { seed: rng.next_u64() % 1_000_000, page, kube, front, steps }, gens)
}

/// Plays the regression file at `path` and exits: 0 if it passes now.
fn replay_file(path: &str) -> ! {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        eprintln!("fuzz: {path}: {e}");
        std::process::exit(2)
    });
    let r: fuzz::run::Regression = serde_json::from_str(&text).unwrap_or_else(|e| {
        eprintln!("fuzz: {path}: {e}");
        std::process::exit(2)
    });
    report_play(&r.case)
}

/// Plays session `index` of the campaign `args` describes and exits.
fn replay_session(grammar: &Grammar, args: &Args, index: u64) -> ! {
    let (case, _) = session(grammar, args.seed, index, args.session, args.front);
    report_play(&case)
}

/// Plays `case`, prints each step and the outcome, and exits 0 if it passed.
fn report_play(case: &Case) -> ! {
    for (i, s) in case.steps.iter().enumerate() {
        println!("step {i}: {}", serde_json::to_string(s).unwrap_or_default());
    }
    match play(case, &|_| {}).failure {
        None => {
            println!("fuzz: passes");
            std::process::exit(0)
        }
        Some(f) => {
            println!("fuzz: FAIL: {f}");
            std::process::exit(1)
        }
    }
}

/// What one worker found.
#[derive(Default)]
struct Tally {
    inputs: u64,
    per_gen: std::collections::BTreeMap<Gen, u64>,
    sim_steps: u64,
    digests: Vec<(u64, u64)>,
    failures: Vec<(u64, Case, Failure)>,
}

/// The watchdog's view of one worker: when its current step began
/// (wall-clock ms since the campaign began) and which step of which session.
struct Progress {
    since_ms: AtomicU64,
    session: AtomicU64,
    step: AtomicUsize,
}

// Wall-clock time measures the host (rate, watchdog), never the simulation.
#[allow(clippy::disallowed_methods)]
fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!(
                "fuzz: {e}\nusage: fuzz --inputs N [--seed S] [--jobs J] [--session L] [--write] [--only I] [--replay FILE]"
            );
            std::process::exit(2);
        }
    };
    install_panic_hook();
    if let Some(path) = &args.replay {
        replay_file(path);
    }
    let grammar = Grammar::new();
    if let Some(index) = args.only {
        replay_session(&grammar, &args, index);
    }
    let began = std::time::Instant::now();
    let sessions = args.inputs.div_ceil(args.session as u64);
    let progress: Vec<Progress> = (0..args.jobs)
        .map(|_| Progress {
            since_ms: AtomicU64::new(0),
            session: AtomicU64::new(u64::MAX),
            step: AtomicUsize::new(0),
        })
        .collect();
    let done = AtomicUsize::new(0);
    let finished = AtomicU64::new(0);
    let log = Mutex::new(());
    let tallies: Vec<Tally> = std::thread::scope(|s| {
        // The watchdog: a step that runs for minutes of wall time is a hang
        // the step bound cannot see (a loop that never returns).
        s.spawn(|| {
            let hang_ms = 180_000;
            let mut reported_ms = 0;
            while done.load(Ordering::Relaxed) < args.jobs {
                std::thread::sleep(std::time::Duration::from_millis(500));
                let now = began.elapsed().as_millis() as u64;
                for p in &progress {
                    let since = p.since_ms.load(Ordering::Relaxed);
                    let sess = p.session.load(Ordering::Relaxed);
                    if sess != u64::MAX && now.saturating_sub(since) > hang_ms {
                        let (case, _) = session(&grammar, args.seed, sess, args.session, args.front);
                        let at = p.step.load(Ordering::Relaxed);
                        let mut case = case;
                        case.steps.truncate(at + 1);
                        eprintln!(
                            "fuzz: HANG: session {sess} step {at} ran {} s of wall time: {}\n  replay: cargo xtask fuzz --seed {} --session {} --only {sess}{}",
                            (now - since) / 1000,
                            serde_json::to_string(&case.steps[at]).unwrap_or_default(),
                            args.seed,
                            args.session,
                            if args.front { " --front" } else { "" }
                        );
                        if args.write {
                            let path = write_regression(&case, &Failure::Hang { at, steps: 0 });
                            eprintln!("fuzz: wrote {}", path.display());
                        }
                        std::process::exit(3);
                    }
                }
                let f = finished.load(Ordering::Relaxed);
                // Progress once a minute.
                if now - reported_ms >= 60_000 {
                    reported_ms = now;
                    let _g = log.lock();
                    eprintln!(
                        "fuzz: {f}/{sessions} sessions, {:.0} inputs/s",
                        (f * args.session as u64) as f64 / (now as f64 / 1000.0)
                    );
                }
            }
        });
        let workers: Vec<_> = (0..args.jobs)
            .map(|j| {
                let (grammar, progress, done, finished, log) = (&grammar, &progress, &done, &finished, &log);
                let args = &args;
                s.spawn(move || {
                    // Counted done even if the harness itself panics, so the watchdog ends.
                    struct Done<'a>(&'a AtomicUsize);
                    impl Drop for Done<'_> {
                        fn drop(&mut self) {
                            self.0.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    let _done = Done(done);
                    let mut t = Tally::default();
                    let p = &progress[j];
                    let mut index = j as u64;
                    while index < sessions {
                        let (case, gens) = session(grammar, args.seed, index, args.session, args.front);
                        p.session.store(index, Ordering::Relaxed);
                        let on_step = |i: usize| {
                            p.step.store(i, Ordering::Relaxed);
                            p.since_ms.store(began.elapsed().as_millis() as u64, Ordering::Relaxed);
                        };
                        let out = play(&case, &on_step);
                        let mut failure = out.failure.clone();
                        if failure.is_none() && index.is_multiple_of(16) {
                            let again = play(&case, &on_step);
                            if again.digest != out.digest {
                                failure = Some(Failure::Nondeterministic);
                            }
                        }
                        let ran = match failure.as_ref().and_then(Failure::at) {
                            Some(at) => at + 1,
                            None => case.steps.len(),
                        };
                        t.inputs += ran as u64;
                        for g in &gens[..ran] {
                            *t.per_gen.entry(*g).or_default() += 1;
                        }
                        t.sim_steps += out.sim_steps;
                        t.digests.push((index, out.digest));
                        if let Some(f) = failure {
                            let _g = log.lock();
                            eprintln!("fuzz: session {index}: {f}");
                            t.failures.push((index, case, f));
                        }
                        finished.fetch_add(1, Ordering::Relaxed);
                        index += args.jobs as u64;
                    }
                    p.session.store(u64::MAX, Ordering::Relaxed);
                    t
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().expect("a fuzz worker failed outside a case")).collect()
    });
    let secs = began.elapsed().as_secs_f64();
    let mut total = Tally::default();
    for t in tallies {
        total.inputs += t.inputs;
        total.sim_steps += t.sim_steps;
        for (g, n) in t.per_gen {
            *total.per_gen.entry(g).or_default() += n;
        }
        total.digests.extend(t.digests);
        total.failures.extend(t.failures);
    }
    total.digests.sort();
    let digest = total
        .digests
        .iter()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, (_, d)| (h ^ d).wrapping_mul(0x100_0000_01b3));
    println!(
        "fuzz{}: {} inputs in {sessions} sessions of {} (seed {}, {} jobs): {secs:.1} s, {:.0} inputs/s, {} simulator steps",
        if args.front { " --front" } else { "" },
        total.inputs,
        args.session,
        args.seed,
        args.jobs,
        total.inputs as f64 / secs.max(1e-9),
        total.sim_steps
    );
    for g in Gen::ALL {
        println!("  {:<9} {}", g.name(), total.per_gen.get(&g).copied().unwrap_or(0));
    }
    let count = |k: &str| total.failures.iter().filter(|(_, _, f)| f.signature().starts_with(k)).count();
    println!(
        "{} panics, {} hangs, {} bad exit codes, {} broken properties, {} checker failures, {} nondeterministic; digest {digest:016x}",
        count("panic"),
        count("hang"),
        count("exit"),
        count("property"),
        count("checker"),
        count("nondeterministic")
    );
    if total.failures.is_empty() {
        return;
    }
    // One regression per distinct failure, minimized.
    let mut seen = std::collections::BTreeSet::new();
    total.failures.sort_by_key(|(i, _, _)| *i);
    for (index, case, f) in &total.failures {
        if !seen.insert(f.signature()) {
            continue;
        }
        println!("FAIL session {index}: {f}");
        if let Some(at) = f.at() {
            println!("  input: {}", serde_json::to_string(&case.steps[at]).unwrap_or_default());
        }
        let front = if args.front { " --front" } else { "" };
        println!(
            "  replay: cargo xtask fuzz --seed {} --session {} --only {index}{front}",
            args.seed, args.session
        );
        let small = minimize(case, f, 400);
        println!("  minimized: {}", serde_json::to_string(&small.steps).unwrap_or_default());
        if args.write {
            let path = write_regression(&small, f);
            println!("  wrote {}; replay: cargo xtask fuzz --replay {}", path.display(), path.display());
        }
    }
    std::process::exit(1);
}
