//! Golden transcripts of member-level scenarios: `testdata/*.txt`, each a
//! list of commands with their expected output (`REWRITE=1` regenerates
//! them). The language is in `harness/script.rs`; the format and runner
//! are the `datadriven` crate's.

mod harness {
    pub mod cluster;
    pub mod render;
    pub mod script;
}

use harness::script;

/// The transcripts, each its own test; `testdata is listed` checks this
/// list against the folder.
const TRANSCRIPTS: &[&str] = &[
    "auth.txt",
    "backup_restore.txt",
    "crash_restart.txt",
    "failures.txt",
    "kv.txt",
    "lease.txt",
    "membership.txt",
    "membership_strict.txt",
    "quota.txt",
    "watch.txt",
];

fn main() -> std::process::ExitCode {
    datadriven::walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata"),
        TRANSCRIPTS,
        script::Env::default,
        |env, tc| {
            assert!(tc.input.is_empty(), "line {}: server commands take no input lines", tc.line);
            env.run(&tc.raw_cmd)
        },
    )
}
