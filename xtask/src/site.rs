//! Building and serving the site with Trunk, and measuring what it ships.

use std::path::PathBuf;
use std::process::Command;

use crate::run::{Result, cmd, root, status};
use crate::setup::{self, Needs};

/// Which Cargo profile Trunk builds with.
#[derive(Clone, Copy)]
pub enum Profile {
    /// Optimised for size, through wasm-opt: what is hosted.
    Release,
    /// Quick to rebuild while working on the app.
    Dev,
}

/// Trunk with the environment that keeps it offline: the version check
/// skipped, and PATH leading to the pinned tools.
fn trunk(args: &[&str]) -> Command {
    let mut command = cmd("trunk", args);
    command.env("TRUNK_SKIP_VERSION_CHECK", "true");
    command
}

/// Sets up what is missing, then serves the site on http://127.0.0.1:8080,
/// rebuilding when sources change.
pub fn serve(profile: Profile) -> Result {
    setup::ensure(Needs::Build)?;
    let mut args = vec!["serve"];
    if let Profile::Release = profile {
        args.push("--release");
    }
    eprintln!("xtask: serving on http://127.0.0.1:8080 (Ctrl+C stops)");
    status(&mut trunk(&args))
}

/// Builds the release site into `dist/` and returns that folder.
pub fn dist() -> Result<PathBuf> {
    setup::ensure(Needs::Build)?;
    status(&mut trunk(&["build", "--release"]))?;
    Ok(root().join("dist"))
}

/// Builds the release site and prints each wasm and JS file's size, raw and
/// compressed with `gzip -9`, and their totals; then the core crates alone
/// (ctl's `core_wasm` probe), to show how much of the total the page adds.
pub fn size() -> Result {
    let dist = dist()?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dist)
        .map_err(|e| format!("cannot read {}: {e}", dist.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|ext| ext == "wasm" || ext == "js"))
        .collect();
    files.sort();
    let (mut raw_total, mut gz_total) = (0, 0);
    println!("{:<44} {:>12} {:>12}", "file", "raw bytes", "gzip -9");
    for file in &files {
        let raw = std::fs::metadata(file).map_err(|e| e.to_string())?.len();
        let gz = gzip9_len(file)?;
        raw_total += raw;
        gz_total += gz;
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        println!("{name:<44} {raw:>12} {gz:>12}");
    }
    println!("{:<44} {raw_total:>12} {gz_total:>12}", "total (wasm + js)");
    let core = core_wasm()?;
    let (raw, gz) = (std::fs::metadata(&core).map_err(|e| e.to_string())?.len(), gzip9_len(&core)?);
    println!("{:<44} {raw:>12} {gz:>12}", "core crates alone (ctl/src/bin/core_wasm.rs)");
    println!(
        "{:<44} {:>12} {:>12}",
        "the page's own share (total - core)",
        raw_total.saturating_sub(raw),
        gz_total.saturating_sub(gz)
    );
    Ok(())
}

/// Builds the core crates alone for wasm with the release profile, runs
/// them through `wasm-opt -Oz` as Trunk does, and returns the result's path.
fn core_wasm() -> Result<PathBuf> {
    let target = "wasm32-unknown-unknown";
    let args = [
        "build",
        "--release",
        "--target",
        target,
        "-p",
        "ctl",
        "--features",
        "core-wasm",
        "--bin",
        "core_wasm",
    ];
    status(&mut cmd("cargo", &args))?;
    let target_dir =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from);
    let built = target_dir.join(target).join("release/core_wasm.wasm");
    let out = target_dir.join(target).join("release/core_wasm.opt.wasm");
    let features = [
        "--enable-bulk-memory",
        "--enable-nontrapping-float-to-int",
        "--enable-sign-ext",
        "--enable-mutable-globals",
        "--enable-reference-types",
        "--enable-multivalue",
    ];
    let mut opt = cmd("wasm-opt", &["-Oz", "--strip-debug", "--strip-producers"]);
    opt.args(features).arg(&built).arg("-o").arg(&out);
    status(&mut opt)?;
    Ok(out)
}

fn gzip9_len(file: &std::path::Path) -> Result<u64> {
    let out = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(file)
        .output()
        .map_err(|e| format!("cannot run gzip: {e}"))?;
    if !out.status.success() {
        return Err(format!("gzip failed on {}", file.display()));
    }
    Ok(out.stdout.len() as u64)
}
