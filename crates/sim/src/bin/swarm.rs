//! `swarm`: runs the simulator's swarm over a range of seeds and reports
//! `N passed, N failed`. `cargo xtask sim --seeds N [--start S] [--nodes K]
//! [--profile wide|classic]` runs it; `SIM_SEED=s` replays one seed and
//! prints its faults and events. Without `--nodes` the wide profile (the
//! default) draws 3 or 5 members per seed; `--profile classic` is the
//! swarm before issue 17, for the seeds found with it.

use std::process::ExitCode;

use sim::swarm::{Profile, SeedReport, SwarmOptions, run_seed};

fn usage() -> ExitCode {
    eprintln!(
        "usage: swarm --seeds N [--start S] [--nodes K] [--jobs J] [--profile wide|classic] [--unsafe-local-reads]   (or SIM_SEED=s swarm)"
    );
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut seeds = 100u64;
    let mut start = 0u64;
    let mut opts = SwarmOptions::default();
    let mut jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        if flag == "--unsafe-local-reads" {
            // The deliberately broken read path: the checkers must fail.
            opts.unsafe_local_reads = true;
            continue;
        }
        if flag == "--profile" {
            match it.next().and_then(|v| Profile::parse(v)) {
                Some(p) => opts.profile = p,
                None => return usage(),
            }
            continue;
        }
        let Some(value) = it.next().and_then(|v| v.parse::<u64>().ok()) else { return usage() };
        match flag.as_str() {
            "--seeds" => seeds = value,
            "--start" => start = value,
            "--nodes" => opts.nodes = Some(value.clamp(1, 9)),
            "--jobs" => jobs = value.max(1) as usize,
            _ => return usage(),
        }
    }
    if let Some(seed) = std::env::var("SIM_SEED").ok().and_then(|s| s.parse::<u64>().ok()) {
        let r = run_seed(seed, &opts);
        println!(
            "seed {seed} ({} members): {} steps, {} virtual ms, {} ops ok, {} failed, {} checked for linearizability, {} watch events",
            r.nodes, r.steps, r.virtual_ms, r.ops_ok, r.ops_failed, r.checked_ops, r.watch_events
        );
        print_schedule(&r, "  ");
        println!("state hash {}", r.state_hash);
        return match r.failure {
            None => {
                println!("1 passed, 0 failed");
                ExitCode::SUCCESS
            }
            Some(f) => {
                println!("SIM_SEED={seed} failed: {f}");
                println!("0 passed, 1 failed");
                ExitCode::FAILURE
            }
        };
    }
    // Wall-clock timing of the host, not of the simulation.
    #[allow(clippy::disallowed_methods)]
    let began = std::time::Instant::now();
    let all: Vec<u64> = (start..start + seeds).collect();
    let chunks: Vec<Vec<u64>> =
        (0..jobs).map(|j| all.iter().copied().skip(j).step_by(jobs).collect()).collect();
    let mut reports: Vec<sim::swarm::SeedReport> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|chunk| {
                let opts = opts.clone();
                s.spawn(move || chunk.iter().map(|&seed| run_seed(seed, &opts)).collect::<Vec<_>>())
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("a swarm worker panicked")).collect()
    });
    reports.sort_by_key(|r| r.seed);
    let mut failed = 0;
    let (mut ops, mut steps) = (0, 0);
    for r in &reports {
        ops += r.ops_ok + r.ops_failed;
        steps += r.steps;
        if let Some(f) = &r.failure {
            failed += 1;
            let mut flags = opts.nodes.map(|n| format!(" --nodes {n}")).unwrap_or_default();
            if opts.profile == Profile::Classic {
                flags.push_str(" --profile classic");
            }
            println!(
                "SIM_SEED={} failed ({} members; replay: SIM_SEED={} cargo xtask sim{flags}): {f}",
                r.seed, r.nodes, r.seed
            );
            print_schedule(r, "    ");
        }
    }
    let five = reports.iter().filter(|r| r.nodes == 5).count();
    let profile = match opts.profile {
        Profile::Classic => "classic",
        Profile::Wide => "wide",
    };
    println!(
        "{} seeds from {start} ({profile}; {} with 3 members, {five} with 5, {} other): {steps} steps, {ops} client ops, {:.1} s",
        reports.len(),
        reports.iter().filter(|r| r.nodes == 3).count(),
        reports.iter().filter(|r| r.nodes != 3 && r.nodes != 5).count(),
        began.elapsed().as_secs_f64()
    );
    println!("{} passed, {failed} failed", reports.len() - failed);
    if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// The faults and the client-side actions of a seed, in time order.
fn print_schedule(r: &SeedReport, indent: &str) {
    let mut lines: Vec<(u64, String)> = r.faults.iter().map(|(at, f)| (*at, f.to_string())).collect();
    lines.extend(r.requests.iter().cloned());
    lines.sort_by_key(|(at, _)| *at);
    for (at, line) in lines {
        println!("{indent}{at:>6} ms  {line}");
    }
}
