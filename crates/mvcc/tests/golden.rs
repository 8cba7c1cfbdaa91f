//! Golden transcripts: runs every `testdata/*.txt` script against a fresh
//! store and compares each command's output with the expected text inline.
//! `REWRITE=1 cargo test -p mvcc --test golden` rewrites the expectations.
//!
//! A script is a list of blocks, separated by blank lines; `#` starts a
//! comment line between blocks:
//!
//! ```text
//! put foo bar          <- the command
//! ----
//! rev=2                <- what it printed
//! ```
//!
//! `txn` takes its compares and operations as input lines between the
//! command and `----`. The commands are documented in `golden/commands.md`
//! style at the top of each handler file.

mod golden {
    pub mod env;
    pub mod kv_cmds;
    pub mod lease_cmds;
    pub mod render;
    pub mod script;
    pub mod snapshot_cmds;
    pub mod txn_cmds;
    pub mod watch_cmds;
}

use std::path::PathBuf;

#[test]
fn golden_transcripts() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let rewrite = std::env::var("REWRITE").is_ok_and(|v| v == "1");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("testdata exists")
        .map(|e| e.expect("readable dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no golden files in {}", dir.display());
    let mut failures = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("readable golden file");
        let (actual, diffs) = golden::script::run_file(&text);
        if rewrite {
            if actual != text {
                std::fs::write(path, &actual).expect("writable golden file");
            }
        } else {
            for d in diffs {
                failures.push(format!("{}: {d}", path.display()));
            }
        }
    }
    assert!(failures.is_empty(), "golden mismatches:\n{}", failures.join("\n"));
}
