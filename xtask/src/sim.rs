//! `cargo xtask sim --seeds N [--start S] [--nodes K] [--profile wide|classic]`:
//! the simulator's swarm runner, built optimised (wide, the default, draws 3
//! or 5 members per seed; classic is the swarm before issue 17). Each seed draws a random fault schedule, runs a
//! safety phase under client load, heals and requires liveness; a failure
//! prints `SIM_SEED=...` (replay it with `SIM_SEED=s cargo xtask sim`). The
//! last line is `N passed, N failed`. `--unsafe-local-reads` runs the
//! deliberately broken read path, which the checkers must catch.

use crate::run::{self, Result};

/// Runs the swarm with `args` (the flags after `sim`).
pub fn swarm(args: &[&str]) -> Result {
    run::status(&mut swarm_command(args)?)
}

/// The command that runs the swarm with `args`, after checking them.
pub fn swarm_command(args: &[&str]) -> Result<std::process::Command> {
    let mut i = 0;
    while i < args.len() {
        match args[i] {
            "--unsafe-local-reads" => i += 1,
            "--profile" => {
                if !matches!(args.get(i + 1), Some(&"wide" | &"classic")) {
                    return Err("--profile takes wide or classic".to_string());
                }
                i += 2;
            }
            "--seeds" | "--start" | "--nodes" | "--jobs" => {
                let ok = args.get(i + 1).is_some_and(|v| v.parse::<u64>().is_ok());
                if !ok {
                    return Err(format!("{} needs a number", args[i]));
                }
                i += 2;
            }
            other => {
                return Err(format!(
                    "unknown flag {other}; usage: cargo xtask sim --seeds N [--start S] [--nodes K] [--profile wide|classic]"
                ));
            }
        }
    }
    // Speed, not size: the workspace's release profile is tuned for wasm.
    let mut cargo_args = vec![
        "run",
        "--release",
        "--config",
        "profile.release.opt-level=3",
        "--config",
        "profile.release.lto=false",
        "--config",
        "profile.release.codegen-units=16",
        "-p",
        "sim",
        "--bin",
        "swarm",
        "--",
    ];
    cargo_args.extend_from_slice(args);
    Ok(run::cmd("cargo", &cargo_args))
}
