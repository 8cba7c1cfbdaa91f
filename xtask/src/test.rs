//! `cargo xtask test`: every test layer, then one summary line.
//!
//! Layers, in order: tidy (rustfmt, clippy natively and for wasm32), native
//! tests of the workspace (which include xtask's tidy tests), the
//! simulator's swarm over 1,000 seeds, the app's
//! `wasm-bindgen-test` tests in headless Chromium, and Playwright specs
//! against the release build. Every layer runs even when an earlier one
//! failed, so one run shows everything that is wrong; the last line is
//! `N passed, N failed`.

use std::process::Command;

use crate::run::{Result, cmd, root, tee};
use crate::setup::{self, CHROMEDRIVER, Needs};
use crate::site;

/// Counted outcome of one layer.
struct Layer {
    name: &'static str,
    passed: u64,
    failed: u64,
    /// The layer's commands all exited 0.
    ok: bool,
}

/// Runs every layer and prints the summary; fails if any layer failed.
pub fn all() -> Result {
    setup::ensure(Needs::Browser)?;
    let layers = vec![
        tidy(),
        counted("native", cmd("cargo", &["test", "--workspace", "--exclude", "etcd-playground"])),
        swarm(),
        counted("browser glue", wasm_tests()),
        e2e(),
    ];
    summarize(&layers)
}

/// Only the end-to-end layer: release build plus Playwright.
pub fn e2e_only() -> Result {
    setup::ensure(Needs::Browser)?;
    summarize(&[e2e()])
}

fn summarize(layers: &[Layer]) -> Result {
    println!();
    println!("layer          passed  failed  status");
    for l in layers {
        let status = if l.ok { "ok" } else { "FAILED" };
        println!("{:<14} {:>6}  {:>6}  {status}", l.name, l.passed, l.failed);
    }
    let passed: u64 = layers.iter().map(|l| l.passed).sum();
    // A layer whose command failed without a failing test (a build error)
    // still counts as one failure.
    let failed: u64 = layers.iter().map(|l| if l.ok { l.failed } else { l.failed.max(1) }).sum();
    println!("{passed} passed, {failed} failed");
    if failed == 0 { Ok(()) } else { Err(format!("{failed} failed")) }
}

/// rustfmt and clippy, natively for the core and for wasm32 for the app.
fn tidy() -> Layer {
    let steps = [
        cmd("cargo", &["fmt", "--all", "--check"]),
        cmd(
            "cargo",
            &[
                "clippy",
                "--workspace",
                "--exclude",
                "etcd-playground",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        ),
        cmd(
            "cargo",
            &[
                "clippy",
                "-p",
                "etcd-playground",
                "--target",
                "wasm32-unknown-unknown",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        ),
    ];
    let mut layer = Layer { name: "tidy", passed: 0, failed: 0, ok: true };
    for mut step in steps {
        match tee(&mut step) {
            Ok((_, true)) => layer.passed += 1,
            _ => {
                layer.failed += 1;
                layer.ok = false;
            }
        }
    }
    layer
}

/// The simulator's swarm: 1,000 random fault schedules, each checked for
/// safety, linearizability and convergence (issue: CI runs at least 1,000).
fn swarm() -> Layer {
    match crate::sim::swarm_command(&["--seeds", "1000"]) {
        Ok(command) => counted("swarm", command),
        Err(err) => {
            eprintln!("xtask: {err}");
            Layer { name: "swarm", passed: 0, failed: 1, ok: false }
        }
    }
}

/// The app's tests, compiled to wasm32 and run by wasm-bindgen-test-runner
/// in headless Chromium (options in `webdriver.json`).
fn wasm_tests() -> Command {
    let mut command = cmd("cargo", &["test", "-p", "etcd-playground", "--target", "wasm32-unknown-unknown"]);
    command.env("CHROMEDRIVER", CHROMEDRIVER).env("WASM_BINDGEN_TEST_TIMEOUT", "120");
    command
}

/// Builds the release site (through wasm-opt, as hosted) and runs the
/// Playwright specs against it.
fn e2e() -> Layer {
    if let Err(err) = site::dist() {
        eprintln!("xtask: {err}");
        return Layer { name: "end to end", passed: 0, failed: 1, ok: false };
    }
    let mut command = cmd("npx", &["playwright", "test"]);
    command.current_dir(root().join("tests/e2e")).env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    counted("end to end", command)
}

/// Runs a test command and counts what its runner reports.
fn counted(name: &'static str, mut command: Command) -> Layer {
    match tee(&mut command) {
        Ok((out, ok)) => {
            let (passed, failed) = count(&out);
            Layer { name, passed, failed, ok }
        }
        Err(err) => {
            eprintln!("xtask: {err}");
            Layer { name, passed: 0, failed: 1, ok: false }
        }
    }
}

/// Adds up the tests a runner reports as passed and failed: cargo's and
/// wasm-bindgen-test's `test result: ok. 3 passed; 0 failed; ...` lines,
/// and Playwright's `  3 passed (2.1s)` / `  1 failed` lines.
fn count(output: &str) -> (u64, u64) {
    let (mut passed, mut failed) = (0, 0);
    for line in output.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("test result: ") {
            for part in rest.split(['.', ';']).map(str::trim) {
                // A count that does not read as a number counts as a failure.
                if let Some(n) = part.strip_suffix(" passed") {
                    passed += n.parse::<u64>().unwrap_or_else(|_| {
                        failed += 1;
                        0
                    });
                } else if let Some(n) = part.strip_suffix(" failed") {
                    failed += n.parse::<u64>().unwrap_or(1);
                }
            }
        } else {
            // A summary line starts with a count: Playwright's `3 passed
            // (2.1s)`, or the plain `1000 passed, 0 failed` of our runners.
            let words: Vec<&str> = line.split_whitespace().collect();
            if words.first().is_none_or(|w| w.parse::<u64>().is_err()) {
                continue;
            }
            for pair in words.windows(2) {
                if let Ok(n) = pair[0].parse::<u64>() {
                    match pair[1].trim_end_matches([',', ';', '.']) {
                        "passed" => passed += n,
                        "failed" => failed += n,
                        _ => {}
                    }
                }
            }
        }
    }
    (passed, failed)
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn counts_cargo_and_playwright_summaries() {
        let out = "running 2 tests\n\
                   test result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n\
                   test result: FAILED. 5 passed; 1 failed; 0 ignored\n\
                   \x20 4 passed (3.1s)\n\
                   \x20 2 failed\n\
                   1000 passed, 1 failed\n\
                   [chromium] > spec.ts:3:1 > 12 passed fixtures\n";
        assert_eq!(count(out), (1011, 4));
    }
}
