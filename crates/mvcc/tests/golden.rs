//! Golden transcripts: runs every `testdata/*.txt` script against a fresh
//! store and compares each command's output with the expected text inline.
//! `REWRITE=1 cargo test -p mvcc --test golden` rewrites the expectations.
//!
//! A script is a list of blocks in the `datadriven` format, separated by
//! blank lines; `#` starts a comment line between blocks:
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

/// The transcripts, each its own test; `testdata is listed` checks this
/// list against the folder.
const TRANSCRIPTS: &[&str] = &[
    "compaction.txt",
    "kv.txt",
    "lease.txt",
    "range.txt",
    "size.txt",
    "snapshot.txt",
    "txn.txt",
    "watch.txt",
];

fn main() -> std::process::ExitCode {
    datadriven::walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata"),
        TRANSCRIPTS,
        golden::env::Env::new,
        |env, tc| env.run(&tc.raw_cmd, &tc.input).join("\n"),
    )
}
