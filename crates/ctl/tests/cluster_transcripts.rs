//! Golden transcripts of the playground's fault commands
//! (`tests/cluster/*.txt`): `cluster disk NAME full|slow DURATION|ok`,
//! `cluster slow-disk`, `cluster partition A -/-> B` and what a learner
//! sees through etcdctl while they hold. Datadriven, as
//! `shell_transcripts.rs`: `REWRITE=1 cargo test -p ctl --test
//! cluster_transcripts` re-records them.
//!
//! Each transcript runs in one fresh console on a bare three-member etcd
//! cluster over plain http (the golden corpus's console), the REPL's mode.

mod common;

use common::run_case;
use ctl::{Console, ConsoleOptions};

fn new_console() -> Console {
    Console::new(1, ConsoleOptions::bare_etcd())
}

/// The transcripts, each its own test; `testdata is listed` checks this
/// list against the folder.
const TRANSCRIPTS: &[&str] = &["disk.txt", "net.txt", "one_way.txt"];

fn main() -> std::process::ExitCode {
    datadriven::walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cluster"),
        TRANSCRIPTS,
        new_console,
        run_case,
    )
}
