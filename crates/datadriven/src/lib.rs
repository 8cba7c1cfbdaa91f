//! A small reader/runner for datadriven transcripts (the format of
//! etcd-io/raft's `testdata/*.txt`): a command line, optional input lines,
//! `----`, the expected output, a blank line. `REWRITE=1` regenerates the
//! expected output in place. Shared by the golden tests of the core crates
//! (raft's interaction tests, the simulator's scenario transcripts) as a
//! dev-dependency.
//!
//! ```text
//! campaign 1                      <- a command with its arguments (`key=value`, `key=(a,b)`)
//! ----
//! 1 became candidate at term 1    <- what the harness printed (`ok` when nothing)
//! ```

use std::fmt::Write as _;

/// One parsed command.
pub struct TestCase {
    /// Line number of the command (1-based), for error messages.
    pub line: usize,
    /// The command name.
    pub cmd: String,
    /// `key=value` or bare arguments, in order.
    pub args: Vec<Arg>,
    /// Lines between the command and `----`.
    pub input: Vec<String>,
    expected: String,
    raw_cmd: String,
}

/// An argument: `key` alone or `key=value`, `key=(a,b)` split into values.
#[derive(Clone, Debug)]
pub struct Arg {
    /// The key (or the bare word).
    pub key: String,
    /// Values (empty for a bare word).
    pub vals: Vec<String>,
}

impl TestCase {
    /// Bare words (positional arguments).
    pub fn positional(&self) -> Vec<&str> {
        self.args.iter().filter(|a| a.vals.is_empty()).map(|a| a.key.as_str()).collect()
    }

    /// Values of `key=...`.
    pub fn get(&self, key: &str) -> Option<&[String]> {
        self.args.iter().find(|a| a.key == key && !a.vals.is_empty()).map(|a| a.vals.as_slice())
    }

    /// `key=N` as a number.
    pub fn get_u64(&self, key: &str) -> Option<u64> {
        self.get(key)
            .and_then(|v| v.first())
            .map(|s| s.parse().unwrap_or_else(|_| panic!("line {}: bad number {s}", self.line)))
    }

    /// `key=true|false`.
    pub fn get_bool(&self, key: &str) -> Option<bool> {
        self.get(key).and_then(|v| v.first()).map(|s| s == "true")
    }

    /// `key=(1,2,3)` as ids.
    pub fn get_ids(&self, key: &str) -> Vec<u64> {
        self.get(key).map(|v| v.iter().map(|s| s.parse().expect("id")).collect()).unwrap_or_default()
    }

    /// Positional arguments as ids.
    pub fn ids(&self) -> Vec<u64> {
        self.positional()
            .iter()
            .map(|s| s.parse().unwrap_or_else(|_| panic!("line {}: bad id {s}", self.line)))
            .collect()
    }
}

fn parse_args(words: &[&str]) -> Vec<Arg> {
    words
        .iter()
        .map(|w| match w.split_once('=') {
            None => Arg { key: w.to_string(), vals: Vec::new() },
            Some((k, v)) => {
                let v = v.trim_start_matches('(').trim_end_matches(')');
                Arg {
                    key: k.to_string(),
                    vals: v.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect(),
                }
            }
        })
        .collect()
}

enum Item {
    Verbatim(String),
    Case(TestCase),
}

fn parse(text: &str) -> Vec<Item> {
    let lines: Vec<&str> = text.lines().collect();
    let mut items = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        if l.trim().is_empty() || l.starts_with('#') {
            items.push(Item::Verbatim(l.to_string()));
            i += 1;
            continue;
        }
        let line = i + 1;
        let words: Vec<&str> = l.split_whitespace().collect();
        i += 1;
        let mut input = Vec::new();
        while i < lines.len() && lines[i] != "----" {
            input.push(lines[i].to_string());
            i += 1;
        }
        assert!(i < lines.len(), "line {line}: missing ---- after command");
        i += 1;
        let mut expected = Vec::new();
        while i < lines.len() && !lines[i].is_empty() {
            expected.push(lines[i]);
            i += 1;
        }
        items.push(Item::Case(TestCase {
            line,
            cmd: words[0].to_string(),
            args: parse_args(&words[1..]),
            input,
            expected: expected.join("\n"),
            raw_cmd: l.to_string(),
        }));
    }
    items
}

/// Runs every command of `path` through `run`, comparing (or with
/// `REWRITE=1`, rewriting) the expected output; returns the mismatches.
pub fn run_file(path: &std::path::Path, mut run: impl FnMut(&TestCase) -> String) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let rewrite = std::env::var("REWRITE").is_ok_and(|v| v == "1");
    let mut out = String::new();
    let mut failures = Vec::new();
    for item in parse(&text) {
        match item {
            Item::Verbatim(l) => {
                out.push_str(&l);
                out.push('\n');
            }
            Item::Case(tc) => {
                let mut actual: String =
                    run(&tc).lines().filter(|l| !l.trim().is_empty()).collect::<Vec<_>>().join("\n");
                if actual.is_empty() {
                    actual = "ok".to_string();
                }
                if actual != tc.expected {
                    failures.push(format!(
                        "{}:{}: {}\n--- expected:\n{}\n--- actual:\n{}\n",
                        path.display(),
                        tc.line,
                        tc.raw_cmd,
                        tc.expected,
                        actual
                    ));
                }
                let _ = writeln!(out, "{}", tc.raw_cmd);
                for l in &tc.input {
                    let _ = writeln!(out, "{l}");
                }
                let _ = writeln!(out, "----\n{actual}");
            }
        }
    }
    if rewrite {
        if out != text {
            std::fs::write(path, out).expect("rewrite transcript");
        }
        return Vec::new();
    }
    failures
}

/// [`run_file`], panicking with the first mismatch (and how many there were).
pub fn assert_file(path: &std::path::Path, run: impl FnMut(&TestCase) -> String) {
    let failures = run_file(path, run);
    if let Some(first) = failures.first() {
        panic!("{} mismatches; first:\n{first}\n(run with REWRITE=1 to regenerate)", failures.len());
    }
}
