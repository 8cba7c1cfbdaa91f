//! `cargo xtask fuzz --inputs N [--seed S] [--jobs J] [--session L]`
//! (`--only I`: session I alone; `--replay FILE`: one regression): the
//! fuzz campaign (crates/ctl/tests/fuzz.rs), built optimised with overflow
//! checks and debug assertions on (a debug build's panics, at a release
//! build's speed) and unwinding (each input's panic is caught). It prints
//! inputs per second, counts per generator and a digest that is the same
//! for the same seed; a failure is minimized and written to
//! crates/ctl/tests/fuzz/regressions/ (`--write` is passed for you), which
//! `cargo test -p ctl --test fuzz_regressions` replays.

use crate::run::{self, Result};

/// Runs the campaign with `args` (the flags after `fuzz`).
pub fn campaign(args: &[&str]) -> Result {
    let mut i = 0;
    while i < args.len() {
        match args[i] {
            "--front" => i += 1,
            "--replay" => {
                if args.get(i + 1).is_none() {
                    return Err("--replay needs a regression file".into());
                }
                i += 2;
            }
            "--inputs" | "--seed" | "--jobs" | "--session" | "--only" => {
                let ok = args.get(i + 1).is_some_and(|v| v.replace('_', "").parse::<u64>().is_ok());
                if !ok {
                    return Err(format!("{} needs a number", args[i]));
                }
                i += 2;
            }
            other => {
                return Err(format!(
                    "unknown flag {other}; usage: cargo xtask fuzz --inputs N [--seed S] [--jobs J] [--session L] [--only I] [--front] | --replay FILE"
                ));
            }
        }
    }
    // The test runs in crates/ctl: a regression file's path is made absolute.
    let args: Vec<String> = args
        .iter()
        .enumerate()
        .map(|(i, a)| match i.checked_sub(1).map(|p| args[p]) {
            Some("--replay") => {
                std::env::current_dir().map(|d| d.join(a).display().to_string()).unwrap_or(a.to_string())
            }
            _ => a.to_string(),
        })
        .collect();
    let mut cargo_args = vec!["test"];
    cargo_args.extend_from_slice(&PROFILE);
    cargo_args.extend_from_slice(&["-p", "ctl", "--test", "fuzz", "--", "--write"]);
    cargo_args.extend(args.iter().map(String::as_str));
    run::status(&mut run::cmd("cargo", &cargo_args))
}

/// The `fuzz` profile: the release one tuned for speed rather than size,
/// with unwinding, overflow checks and debug assertions.
const PROFILE: [&str; 17] = [
    "--profile",
    "fuzz",
    "--config",
    "profile.fuzz.inherits=\"release\"",
    "--config",
    "profile.fuzz.opt-level=3",
    "--config",
    "profile.fuzz.lto=false",
    "--config",
    "profile.fuzz.codegen-units=16",
    "--config",
    "profile.fuzz.panic=\"unwind\"",
    "--config",
    "profile.fuzz.overflow-checks=true",
    "--config",
    "profile.fuzz.debug-assertions=true",
    "--config=profile.fuzz.incremental=true",
];
