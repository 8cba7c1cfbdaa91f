//! Golden transcripts of the console's shell tools (`testdata/*.txt`), in
//! the datadriven style of etcd-io/raft: a console entry (its first line,
//! then any heredoc lines), `----`, what it printed, both streams in the
//! order written and `[exit N]` when it failed.
//! `REWRITE=1 cargo test -p ctl --test shell_transcripts` re-records them.
//!
//! Each transcript runs in one fresh console (a bare three-member cluster,
//! the REPL's mode: `vi` prints its hint). The format and the runner are
//! the `datadriven` crate's.

mod common;

use common::run_case;
use ctl::{Console, ConsoleOptions};

fn new_console() -> Console {
    Console::new(1, ConsoleOptions::bare_etcd())
}

/// The transcripts, each its own test; `testdata is listed` checks this
/// list against the folder.
const TRANSCRIPTS: &[&str] =
    &["diff.txt", "editor.txt", "files.txt", "grep.txt", "redirect.txt", "sed.txt", "watch.txt"];

fn main() -> std::process::ExitCode {
    datadriven::walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata"),
        TRANSCRIPTS,
        new_console,
        run_case,
    )
}
