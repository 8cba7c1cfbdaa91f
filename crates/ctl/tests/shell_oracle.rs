//! The shell against real bash and GNU coreutils/sed/diff on this machine:
//! every case of `shell_oracle/cases.sh` runs in `/bin/bash` in a fresh
//! temporary directory and in a fresh console (in `/root`), and the two
//! must print the same standard output, the same standard error and end
//! with the same exit status.
//!
//! Cases are separated by blank lines; `#` lines are comments. Nothing is
//! recorded: the oracle runs every time, so a change on either side shows.
//! The one thing masked is bash's `line N: ` in its own messages (and the
//! copy of the line after a syntax error), which a non-interactive bash
//! adds and an interactive one (the console's model) does not. The machine's tools must be there: a missing bash fails.

use std::path::PathBuf;
use std::process::Command;

use ctl::{Console, ConsoleOptions};

/// The cases: each a few lines of shell.
fn cases() -> Vec<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/shell_oracle/cases.sh");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut cases = Vec::new();
    let mut cur = String::new();
    for line in text.lines().chain(std::iter::once("")) {
        if line.starts_with('#') && cur.is_empty() {
            continue;
        }
        if line.trim().is_empty() && !cur.is_empty() && !Console::needs_more(cur.trim_end()) {
            cases.push(std::mem::take(&mut cur));
            continue;
        }
        if line.trim().is_empty() && cur.is_empty() {
            continue;
        }
        cur.push_str(line);
        cur.push('\n');
    }
    cases
}

/// (stdout, stderr, exit) of `script` in bash, in a new directory.
fn bash(script: &str, n: usize) -> (String, String, i32) {
    let dir = std::env::temp_dir().join(format!("shell-oracle-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let out = Command::new("/bin/bash")
        .args(["--norc", "--noprofile", "-c", script, "bash"])
        .current_dir(&dir)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", &dir)
        .env("LC_ALL", "C")
        .output()
        .expect("/bin/bash runs (the oracle needs bash, coreutils, sed and diff)");
    let _ = std::fs::remove_dir_all(&dir);
    // `bash: line 3: x: ...` and `bash: -c: line 1: syntax error ...` read
    // `bash: x: ...` as an interactive bash prints them; the copy of the
    // line a non-interactive bash adds after a syntax error is dropped.
    let unline = |s: &[u8]| {
        let s = String::from_utf8_lossy(s).into_owned();
        s.lines()
            .filter_map(|l| {
                let Some(rest) = l.strip_prefix("bash: ") else { return Some(l.to_string()) };
                let rest = rest.strip_prefix("-c: ").unwrap_or(rest);
                let Some(rest) = rest.strip_prefix("line ") else { return Some(l.to_string()) };
                match rest.split_once(": ") {
                    Some((_, msg)) if msg.starts_with('`') => None,
                    Some((n, msg)) if n.chars().all(|c| c.is_ascii_digit()) => Some(format!("bash: {msg}")),
                    _ => Some(l.to_string()),
                }
            })
            .map(|l| l + "\n")
            .collect::<String>()
    };
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    (stdout, unline(&out.stderr), out.status.code().unwrap_or(-1))
}

/// The same script in a fresh console, entry by entry.
fn console(script: &str) -> (String, String, i32) {
    let mut c = Console::new(1, ConsoleOptions::bare_etcd());
    let (mut stdout, mut stderr, mut exit) = (String::new(), String::new(), 0);
    let mut entry = String::new();
    for line in script.lines() {
        if !entry.is_empty() {
            entry.push('\n');
        }
        entry.push_str(line);
        if Console::needs_more(&entry) {
            continue;
        }
        let out = c.run_to_end(&std::mem::take(&mut entry));
        stdout.push_str(&out.stdout);
        stderr.push_str(&out.stderr);
        exit = out.exit;
    }
    (stdout, stderr, exit)
}

#[test]
fn the_shell_matches_bash_and_gnu_tools() {
    let cases = cases();
    assert!(!cases.is_empty(), "shell_oracle/cases.sh holds no case");
    let mut failures = Vec::new();
    for (n, case) in cases.iter().enumerate() {
        let want = bash(case, n);
        let got = console(case);
        if want != got {
            failures.push(format!("case {}:\n{case}--- bash:\n{want:?}\n--- console:\n{got:?}\n", n + 1));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
