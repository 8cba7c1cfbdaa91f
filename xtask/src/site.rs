//! Building and serving the site with Trunk, and measuring what it ships.

use std::path::PathBuf;
use std::process::Command;

use crate::compress;
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
pub fn trunk(args: &[&str]) -> Command {
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

/// Builds the release site into `dist/`, writes the precompressed copies
/// (`.br`, `.gz`) next to every file, and returns that folder.
pub fn dist() -> Result<PathBuf> {
    Ok(built()?.0)
}

/// [`dist`], also returning the sizes of each file.
fn built() -> Result<(PathBuf, Vec<compress::Sizes>)> {
    setup::ensure(Needs::Build)?;
    status(&mut trunk(&["build", "--release"]))?;
    let dir = root().join("dist");
    let sizes = compress::precompress(&dir)?;
    eprintln!("xtask: wrote .br and .gz next to the {} files of {}", sizes.len(), dir.display());
    Ok((dir, sizes))
}

/// Builds the release site and prints each file's size, raw and as the
/// `.gz` and `.br` it ships with, and the totals of wasm and JS; then the
/// core crates alone (ctl's `core_wasm` probe), to show how much of the
/// total the page adds.
pub fn size() -> Result {
    let (_, sizes) = built()?;
    let row = |name: &str, raw: u64, gz: u64, br: u64| println!("{name:<44} {raw:>12} {gz:>12} {br:>12}");
    println!("{:<44} {:>12} {:>12} {:>12}", "file", "raw bytes", "gzip -9", "brotli 11");
    let (mut raw, mut gz, mut br) = (0, 0, 0);
    for s in &sizes {
        row(&s.path.file_name().unwrap_or_default().to_string_lossy(), s.raw, s.gzip, s.brotli);
        if s.path.extension().is_some_and(|ext| ext == "wasm" || ext == "js") {
            (raw, gz, br) = (raw + s.raw, gz + s.gzip, br + s.brotli);
        }
    }
    row("total (wasm + js)", raw, gz, br);
    let core = std::fs::read(core_wasm()?).map_err(|e| e.to_string())?;
    let core = (core.len() as u64, compress::gzip(&core).len() as u64, compress::brotli(&core).len() as u64);
    row("core crates alone (ctl/src/bin/core_wasm.rs)", core.0, core.1, core.2);
    row(
        "the page's own share (total - core)",
        raw.saturating_sub(core.0),
        gz.saturating_sub(core.1),
        br.saturating_sub(core.2),
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
