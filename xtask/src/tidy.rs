//! Tidy checks, run as tests (rust-analyzer's idea): facts about the tree
//! that no compiler checks for us.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::run::root;
use crate::setup::locked_version;

/// Crates only the web app may depend on.
const BROWSER_CRATES: [&str; 5] = ["leptos", "web-sys", "wasm-bindgen", "js-sys", "gloo-timers"];

/// Every tracked or new Rust source file, outside build output.
fn rust_files() -> Vec<PathBuf> {
    let out = Command::new("git")
        .args(["ls-files", "--cached", "--others", "--exclude-standard", "*.rs"])
        .current_dir(root())
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git ls-files: {}", String::from_utf8_lossy(&out.stderr));
    let files: Vec<PathBuf> =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| root().join(l)).filter(|p| p.exists()).collect();
    assert!(files.len() > 100, "git ls-files found only {} Rust files", files.len());
    files
}

#[test]
fn every_rust_file_starts_with_a_module_doc() {
    let missing: Vec<_> = rust_files()
        .into_iter()
        .filter(|p| {
            !std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())).starts_with("//!")
        })
        .map(|p| p.strip_prefix(root()).unwrap_or(&p).display().to_string())
        .collect();
    assert!(missing.is_empty(), "these files do not start with a `//!` line: {missing:?}");
}

#[test]
fn core_crates_do_not_depend_on_the_browser() {
    let out = Command::new(env!("CARGO"))
        // Not --offline: the graph covers every target's crates, and a
        // fresh cargo cache holds only those the builds so far fetched.
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(root())
        .output()
        .expect("cargo metadata runs");
    assert!(out.status.success(), "cargo metadata: {}", String::from_utf8_lossy(&out.stderr));
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata is JSON");
    let crates_dir = root().join("crates");
    let packages = meta["packages"].as_array().expect("packages");
    let name_of = |id: &str| {
        let package = packages.iter().find(|p| p["id"] == id).unwrap_or_else(|| panic!("no package {id}"));
        package["name"].as_str().expect("a package has a name").to_owned()
    };
    let nodes = meta["resolve"]["nodes"].as_array().expect("resolve graph");
    // Edges of the resolved graph, for every target, except dev-dependencies:
    // tests and benchmarks may use what they like (proptest pulls getrandom,
    // which has a wasm32-only wasm-bindgen edge); what ships may not.
    let shipped = |d: &&serde_json::Value| {
        d["dep_kinds"].as_array().into_iter().flatten().any(|k| k["kind"].as_str() != Some("dev"))
    };
    let deps_of = |id: &str| -> Vec<String> {
        let node = nodes
            .iter()
            .find(|n| n["id"] == id)
            .unwrap_or_else(|| panic!("{id} is not in the resolve graph"));
        node["deps"]
            .as_array()
            .unwrap_or_else(|| panic!("{id} has no deps list"))
            .iter()
            .filter(shipped)
            .map(|d| d["pkg"].as_str().expect("a dependency names its package").to_owned())
            .collect()
    };
    let mut core = 0;
    for package in packages {
        let manifest = Path::new(package["manifest_path"].as_str().expect("a package has a manifest path"));
        if !manifest.starts_with(&crates_dir) {
            continue;
        }
        core += 1;
        let root_id = package["id"].as_str().expect("id").to_owned();
        let mut seen = std::collections::BTreeSet::new();
        let mut stack = vec![root_id];
        while let Some(id) = stack.pop() {
            if !seen.insert(id.clone()) {
                continue;
            }
            let name = name_of(&id);
            assert!(
                !BROWSER_CRATES.contains(&name.as_str()),
                "core crate {} depends on {name}, which only the web app may use",
                package["name"]
            );
            stack.extend(deps_of(&id));
        }
    }
    // The check must have walked every crate under crates/.
    let dirs = std::fs::read_dir(&crates_dir).expect("crates/ is readable").count();
    assert_eq!(core, dirs, "cargo metadata saw {core} core crates, crates/ holds {dirs}");
}

#[test]
fn clippy_bans_wall_clocks_global_randomness_and_hash_maps() {
    let config = std::fs::read_to_string(root().join("clippy.toml")).expect("clippy.toml exists");
    for banned in [
        "std::time::Instant::now",
        "std::time::SystemTime::now",
        "rand::thread_rng",
        "rand::random",
        "std::collections::HashMap",
        "std::collections::HashSet",
    ] {
        assert!(config.contains(&format!("\"{banned}\"")), "clippy.toml does not ban {banned}");
    }
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).expect("Cargo.toml");
    assert!(manifest.contains("disallowed_methods = \"deny\""), "the workspace must deny disallowed_methods");
    assert!(manifest.contains("disallowed_types = \"deny\""), "the workspace must deny disallowed_types");
    for entry in std::fs::read_dir(root().join("crates")).expect("crates/ is readable") {
        let entry = entry.expect("a readable entry of crates/");
        let crate_manifest = std::fs::read_to_string(entry.path().join("Cargo.toml"))
            .unwrap_or_else(|e| panic!("{}: {e}", entry.path().display()));
        assert!(
            crate_manifest.contains("[lints]") && crate_manifest.contains("workspace = true"),
            "{} must inherit the workspace lints",
            entry.path().display()
        );
    }
}

#[test]
fn trunk_pins_the_wasm_bindgen_of_cargo_lock() {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).expect("Cargo.lock is committed");
    let locked = locked_version(&lock, "wasm-bindgen").expect("wasm-bindgen is locked");
    let trunk = std::fs::read_to_string(root().join("Trunk.toml")).expect("Trunk.toml");
    assert!(
        trunk.contains(&format!("wasm_bindgen = \"{locked}\"")),
        "Trunk.toml must pin wasm_bindgen = \"{locked}\", the version in Cargo.lock"
    );
}

#[test]
fn sources_are_formatted() {
    let out = Command::new(env!("CARGO"))
        .args(["fmt", "--all", "--check"])
        .current_dir(root())
        .output()
        .expect("cargo fmt runs");
    assert!(out.status.success(), "cargo fmt --check:\n{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn locked_version_reads_a_cargo_lock() {
    let lock = "[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n";
    assert_eq!(locked_version(lock, "wasm-bindgen").as_deref(), Some("0.2.130"));
    assert_eq!(locked_version(lock, "leptos"), None);
}
