//! `cargo xtask bench-load [--base REV]`: the load benchmark
//! (`tests/e2e/budgets/load.mjs`) of this tree against the build it starts
//! from, both built in the same run so their figures share a machine.
//!
//! ```text
//! base = REV (default: the merge-base of HEAD and main)
//!   git archive base | tar -x  ->  target/bench-load/<sha>/       (once per commit)
//!   its own `cargo xtask dist` there, its own target dir          (once per commit)
//! head = cargo xtask dist (this tree)
//! node budgets/load.mjs  BASE_DIST=...  HEAD_DIST=dist/
//! ```
//!
//! The base is a commit, so its build is kept under `target/bench-load/`
//! and reused by later runs; the figures are measured again every run.
//! `RUNS`, `PROFILES` and `TRACE` pass through to the script.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::run::{Result, cmd, output, root, status};
use crate::setup::{self, Needs};
use crate::site;

/// Builds both sites and runs the benchmark.
pub fn load(args: &[&str]) -> Result {
    let rev = match args {
        [] => {
            let base =
                output("git", &["merge-base", "HEAD", "main"]).ok_or("no merge-base of HEAD and main")?;
            base.trim().to_owned()
        }
        ["--base", rev] => (*rev).to_owned(),
        _ => return Err("usage: cargo xtask bench-load [--base REV]".to_owned()),
    };
    setup::ensure(Needs::Browser)?;
    let base = base_dist(&rev)?;
    let head = site::dist()?;
    let mut node = cmd("node", &["budgets/load.mjs"]);
    node.current_dir(root().join("tests/e2e")).env("BASE_DIST", &base).env("HEAD_DIST", &head);
    status(&mut node)
}

/// The release build of commit `rev`, built once into
/// `target/bench-load/<sha>/dist`.
fn base_dist(rev: &str) -> Result<PathBuf> {
    let spec = format!("{rev}^{{commit}}");
    let sha = output("git", &["rev-parse", "--verify", &spec]).ok_or(format!("no commit {rev}"))?;
    let sha = sha.trim();
    let bench = root().join("target/bench-load");
    let tree = bench.join(&sha[..12]);
    let dist = tree.join("dist");
    if dist.join("index.html").exists() {
        eprintln!("xtask: base {} already built in {}", &sha[..12], dist.display());
        return Ok(dist);
    }
    eprintln!("xtask: building base {} in {}", &sha[..12], tree.display());
    let _ = std::fs::remove_dir_all(&tree);
    std::fs::create_dir_all(&tree).map_err(|e| format!("cannot create {}: {e}", tree.display()))?;
    // The commit's files alone (no worktree to register in the repository).
    let mut archive = cmd("git", &["archive", "--format=tar", sha])
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git archive: {e}"))?;
    let tar = Command::new("tar")
        .arg("-x")
        .current_dir(&tree)
        .stdin(archive.stdout.take().expect("piped"))
        .status()
        .map_err(|e| format!("cannot run tar: {e}"))?;
    let archived = archive.wait().map_err(|e| e.to_string())?;
    if !tar.success() || !archived.success() {
        return Err(format!("cannot unpack {sha} into {}", tree.display()));
    }
    // Built as it ships: by its own `cargo xtask dist` (precompressed or
    // not, as that commit did), in its own target dir (the two builds'
    // artifacts share names), with this tree's npm packages (wasm-opt).
    let modules = root().join("tests/e2e/node_modules");
    let link = tree.join("tests/e2e/node_modules");
    std::os::unix::fs::symlink(&modules, &link)
        .map_err(|e| format!("cannot link {}: {e}", link.display()))?;
    let mut build = cmd("cargo", &["xtask", "dist"]);
    build.current_dir(&tree).env("CARGO_TARGET_DIR", bench.join("target"));
    status(&mut build)?;
    Ok(dist)
}
