//! Golden transcripts of the console's shell tools (`testdata/*.txt`), in
//! the datadriven style of etcd-io/raft: a console entry (its first line,
//! then any heredoc lines), `----`, what it printed, both streams in the
//! order written and `[exit N]` when it failed.
//! `REWRITE=1 cargo test -p ctl --test shell_transcripts` re-records them.
//!
//! Each transcript runs in one fresh console (a bare three-member cluster,
//! the REPL's mode: `vi` prints its hint). The format and the runner are
//! the `datadriven` crate's.

use ctl::{Console, ConsoleOptions};

fn new_console() -> Console {
    Console::new(1, ConsoleOptions::bare_etcd())
}

/// Runs the case's entry to its end, as the REPL does.
fn run_case(con: &mut Console, tc: &datadriven::TestCase) -> String {
    let mut entry = tc.raw_cmd.clone();
    for l in &tc.input {
        entry.push('\n');
        entry.push_str(l);
    }
    let out = con.run_to_end(&entry);
    let mut s: String = out.chunks().into_iter().map(|(_, t)| t).collect();
    if out.exit != 0 {
        if !s.is_empty() && !s.ends_with('\n') {
            s.push('\n');
        }
        s.push_str(&format!("[exit {}]\n", out.exit));
    }
    s
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
