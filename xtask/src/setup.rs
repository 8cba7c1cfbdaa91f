//! Installs whatever the build and the tests need and is missing, using only
//! the package registries: rustup's wasm32 target, pinned `trunk` and
//! `wasm-bindgen-cli` from crates.io, Playwright and binaryen's `wasm-opt`
//! from the npm registry, Chromium and its driver from Debian's packages,
//! and every crate of Cargo.lock into cargo's cache.
//! Each step first checks what is there, so a second run costs seconds.

use std::path::Path;

use crate::run::{Result, cargo_bin, cmd, output, root, status};

/// Trunk 0.22 needs a newer rustc than this machine has; 0.21.14 builds.
pub const TRUNK_VERSION: &str = "0.21.14";
/// Where Debian's Chromium and ChromeDriver are installed.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// See [`CHROMIUM`].
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// What a command needs beyond the build tools.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Building and serving the site.
    Build,
    /// Also Chromium, for the browser and end-to-end tests.
    Browser,
}

/// Installs what is missing for `needs`.
pub fn ensure(needs: Needs) -> Result {
    ensure_wasm_target()?;
    // Every crate Cargo.lock names, for every target: the wasm build, the
    // native tests and `cargo metadata` then find them all in the cache.
    status(&mut cmd("cargo", &["fetch", "--locked", "--quiet"]))?;
    ensure_cargo_tool("trunk", "trunk", TRUNK_VERSION, &["--locked"])?;
    // wasm-bindgen-cli does not resolve with --locked on this toolchain;
    // the version pin is exact, so resolution stays within that release.
    let wasm_bindgen = wasm_bindgen_version()?;
    ensure_cargo_tool("wasm-bindgen", "wasm-bindgen-cli", &wasm_bindgen, &[])?;
    ensure_npm_packages()?;
    if needs == Needs::Browser {
        ensure_chromium()?;
    }
    Ok(())
}

/// The wasm-bindgen version Cargo.lock resolved; the CLI must match it.
pub fn wasm_bindgen_version() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    locked_version(&lock, "wasm-bindgen").ok_or_else(|| "Cargo.lock has no wasm-bindgen".to_owned())
}

/// The version of package `name` in the text of a Cargo.lock.
pub fn locked_version(lock: &str, name: &str) -> Option<String> {
    let wanted = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == wanted {
            let version = lines.next()?.strip_prefix("version = \"")?.strip_suffix('"')?;
            return Some(version.to_owned());
        }
    }
    None
}

fn ensure_wasm_target() -> Result {
    let installed = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed.lines().any(|t| t.trim() == "wasm32-unknown-unknown") {
        return Ok(());
    }
    status(&mut cmd("rustup", &["target", "add", "wasm32-unknown-unknown"]))
}

/// Installs crate `krate` at exactly `version` unless `bin --version` already
/// reports it.
fn ensure_cargo_tool(bin: &str, krate: &str, version: &str, extra: &[&str]) -> Result {
    let path = cargo_bin().join(bin);
    let found = output(&path.to_string_lossy(), &["--version"]).unwrap_or_default();
    if found.split_whitespace().nth(1) == Some(version) {
        return Ok(());
    }
    eprintln!("xtask: installing {krate} {version} (a few minutes, once)");
    let mut args = vec!["install", krate, "--version", version];
    args.extend_from_slice(extra);
    status(&mut cmd("cargo", &args))
}

/// `npm ci` in tests/e2e when node_modules is missing or older than the lockfile.
fn ensure_npm_packages() -> Result {
    let dir = root().join("tests/e2e");
    if output("npm", &["--version"]).is_none() {
        apt_install(&["nodejs", "npm"])?;
    }
    let installed = dir.join("node_modules/.package-lock.json");
    if is_newer(&installed, &dir.join("package-lock.json")) {
        return Ok(());
    }
    status(
        cmd("npm", &["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"),
    )
}

fn ensure_chromium() -> Result {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    apt_install(&["chromium", "chromium-driver"])
}

fn apt_install(packages: &[&str]) -> Result {
    let sudo = output("id", &["-u"]).is_some_and(|uid| uid.trim() != "0");
    let run = |args: &[&str]| {
        if sudo {
            let mut all = vec!["apt-get"];
            all.extend_from_slice(args);
            status(cmd("sudo", &all).env("DEBIAN_FRONTEND", "noninteractive"))
        } else {
            status(cmd("apt-get", args).env("DEBIAN_FRONTEND", "noninteractive"))
        }
    };
    run(&["update"])?;
    let mut args = vec!["install", "-y"];
    args.extend_from_slice(packages);
    run(&args)
}

/// Whether `a` exists and was modified no earlier than `b`.
fn is_newer(a: &Path, b: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (modified(a), modified(b)) {
        (Some(a), Some(b)) => a >= b,
        _ => false,
    }
}
