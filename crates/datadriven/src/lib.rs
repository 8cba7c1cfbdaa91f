//! The one reader and runner of datadriven transcripts (the format of
//! etcd-io/raft's `testdata/*.txt`) for the golden tests of every core
//! crate: a command line, optional input lines, `----`, the expected
//! output, a blank line. `REWRITE=1` re-records the expected output in
//! place. Shared by raft's interaction tests, mvcc's, the server's, the
//! simulator's and kube's transcripts as a dev-dependency.
//!
//! ```text
//! campaign 1                      <- a command with its arguments (`key=value`, `key=(a,b)`)
//! ----
//! 1 became candidate at term 1    <- what the handler printed (`ok` when nothing)
//!
//! kubectl apply -f - <<EOF        <- input lines run up to `----`
//! kind: ConfigMap
//! EOF
//! ----
//! ----
//! an output that holds            <- output with blank lines is fenced by
//!                                    `----` twice on both sides
//! a blank line
//! ----
//! ----
//! ```
//!
//! [`walk`] gives every transcript its own test, as etcd-io/raft's
//! `datadriven.Walk` gives each file a subtest, so the first failing file
//! does not hide the rest. The test target names its transcripts in one
//! list, and one more test holds that list and the folder to each other:
//! a listed file that is missing fails, and so does a file in the folder
//! that no list names (it would never run).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

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
    /// The whole command line, as written.
    pub raw_cmd: String,
    expected: String,
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

    /// The input lines as one text, each line ending in `\n`.
    pub fn input_text(&self) -> String {
        self.input.iter().map(|l| format!("{l}\n")).collect()
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

/// The separator between a command and its output; twice, it fences an
/// output that holds blank lines.
const SEP: &str = "----";

fn parse(text: &str) -> Result<Vec<Item>, String> {
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
        while i < lines.len() && lines[i] != SEP {
            input.push(lines[i].to_string());
            i += 1;
        }
        if i == lines.len() {
            return Err(format!("line {line}: `{l}` has no {SEP} after it"));
        }
        i += 1;
        let mut expected = Vec::new();
        if lines.get(i) == Some(&SEP) {
            // Fenced: everything up to `----` `----`, blank lines included.
            i += 1;
            while i < lines.len() && !(lines[i] == SEP && lines.get(i + 1) == Some(&SEP)) {
                expected.push(lines[i]);
                i += 1;
            }
            if i == lines.len() {
                return Err(format!(
                    "line {line}: the output of `{l}` opens a {SEP} {SEP} fence it never closes"
                ));
            }
            i += 2;
        } else {
            while i < lines.len() && !lines[i].is_empty() {
                expected.push(lines[i]);
                i += 1;
            }
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
    Ok(items)
}

/// What a handler printed, as a transcript holds it: leading and trailing
/// blank lines dropped, `ok` for nothing at all. Every other line is kept
/// to the byte, blank ones too (the caller fences them), and white space at
/// a line's end.
fn normalize(output: &str) -> String {
    let lines: Vec<&str> = output.lines().collect();
    let end = lines.iter().rposition(|l| !l.is_empty()).map_or(0, |i| i + 1);
    let start = lines.iter().position(|l| !l.is_empty()).unwrap_or(end);
    let text = lines[start..end].join("\n");
    if text.is_empty() { "ok".to_string() } else { text }
}

/// Runs every command of `path` through `run`, comparing (or with
/// `REWRITE=1`, rewriting) the expected output; returns the mismatches.
/// A missing or unreadable file, or one that is not a transcript, is one
/// failure, never an empty pass.
pub fn run_file(path: &Path, mut run: impl FnMut(&TestCase) -> String) -> Vec<String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => return vec![format!("{}: {e}", path.display())],
    };
    let items = match parse(&text) {
        Ok(items) => items,
        Err(e) => return vec![format!("{}: {e}", path.display())],
    };
    if !items.iter().any(|i| matches!(i, Item::Case(_))) {
        return vec![format!("{}: holds no command", path.display())];
    }
    let rewrite = std::env::var("REWRITE").is_ok_and(|v| v == "1");
    let mut out = String::new();
    let mut failures = Vec::new();
    for item in items {
        match item {
            Item::Verbatim(l) => {
                out.push_str(&l);
                out.push('\n');
            }
            Item::Case(tc) => {
                let actual = normalize(&run(&tc));
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
                if actual.lines().any(str::is_empty) {
                    let _ = writeln!(out, "{SEP}\n{SEP}\n{actual}\n{SEP}\n{SEP}");
                } else {
                    let _ = writeln!(out, "{SEP}\n{actual}");
                }
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

/// [`run_file`], panicking with every mismatch.
pub fn assert_file(path: &Path, run: impl FnMut(&TestCase) -> String) {
    let failures = run_file(path, run);
    assert!(
        failures.is_empty(),
        "{} mismatches (REWRITE=1 re-records them):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The file names in `dir`, sorted.
fn names_in(dir: &Path) -> Result<Vec<String>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    Ok(names)
}

/// Whether `listed` names exactly the files in `dir`; what differs, if not.
fn check_listing(dir: &Path, listed: &[&str]) -> Result<(), String> {
    let present = names_in(dir)?;
    let missing: Vec<&str> = listed.iter().copied().filter(|n| !present.iter().any(|p| p == n)).collect();
    let unlisted: Vec<&str> = present.iter().map(String::as_str).filter(|p| !listed.contains(p)).collect();
    let twice: Vec<&str> =
        listed.iter().enumerate().filter(|(i, n)| listed[..*i].contains(n)).map(|(_, n)| *n).collect();
    if missing.is_empty() && unlisted.is_empty() && twice.is_empty() && !listed.is_empty() {
        return Ok(());
    }
    Err(format!(
        "{}: listed but missing {missing:?}; present but never run {unlisted:?}; listed twice {twice:?}{}",
        dir.display(),
        if listed.is_empty() { "; nothing listed" } else { "" }
    ))
}

/// The main of a transcript test target (`harness = false`): one test per
/// file of `listed` in `dir`, each with a fresh environment from `new_env`,
/// each command handed to `run`; and the test `testdata is listed`, which
/// fails unless `listed` names every file in `dir` and nothing else.
/// Takes libtest's arguments (a name filter, `--nocapture`, ...).
pub fn walk<E: 'static>(
    dir: &Path,
    listed: &'static [&'static str],
    new_env: fn() -> E,
    run: fn(&mut E, &TestCase) -> String,
) -> std::process::ExitCode {
    let args = libtest_mimic::Arguments::from_args();
    let folder = dir.to_path_buf();
    let mut trials =
        vec![libtest_mimic::Trial::test("testdata is listed", move || Ok(check_listing(&folder, listed)?))];
    for name in listed {
        let path: PathBuf = dir.join(name);
        trials.push(libtest_mimic::Trial::test(*name, move || {
            let mut env = new_env();
            let failures = run_file(&path, |tc| run(&mut env, tc));
            if failures.is_empty() {
                return Ok(());
            }
            Err(format!(
                "{} mismatches (REWRITE=1 re-records them):\n{}",
                failures.len(),
                failures.join("\n")
            )
            .into())
        }));
    }
    libtest_mimic::run(&args, trials).exit_code()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("datadriven-test-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("t.txt");
        std::fs::write(&path, text).expect("write");
        path
    }

    #[test]
    fn blank_lines_in_an_output_are_kept_and_fenced() {
        let path =
            temp("fence", "say\n----\n----\na\n\nb\n----\n----\n\nsay\n----\n----\na\n\nb\n----\n----\n");
        assert!(run_file(&path, |_| "a\n\nb\n".into()).is_empty());
        // Dropping the blank line is a mismatch, not a pass.
        assert_eq!(run_file(&path, |_| "a\nb\n".into()).len(), 2);
    }

    #[test]
    fn the_listing_must_name_every_file_and_nothing_else() {
        let path = temp("listing", "say\n----\nok\n");
        let dir = path.parent().expect("dir");
        assert!(check_listing(dir, &["t.txt"]).is_ok());
        assert!(check_listing(dir, &["t.txt", "gone.txt"]).is_err());
        assert!(check_listing(dir, &[]).is_err());
        assert!(check_listing(dir, &["t.txt", "t.txt"]).is_err());
        std::fs::write(dir.join("new.txt"), "say\n----\nok\n").expect("write");
        assert!(check_listing(dir, &["t.txt"]).is_err());
    }

    #[test]
    fn a_missing_or_empty_file_fails() {
        assert_eq!(run_file(Path::new("/no/such/transcript.txt"), |_| String::new()).len(), 1);
        let path = temp("empty", "# only a comment\n");
        assert_eq!(run_file(&path, |_| String::new()).len(), 1);
    }

    #[test]
    fn an_unclosed_fence_or_a_missing_separator_fails() {
        let path = temp("open", "say\n----\n----\na\n");
        assert_eq!(run_file(&path, |_| "a".into()).len(), 1);
        let path = temp("nosep", "say\n");
        assert_eq!(run_file(&path, |_| "a".into()).len(), 1);
    }

    #[test]
    fn nothing_printed_reads_ok_and_input_lines_reach_the_handler() {
        // Lines up to `----` are input, blank ones included.
        let path = temp("input", "cat\nx\n\ny\n----\n----\nx\n\ny\n----\n----\n");
        assert!(run_file(&path, |tc| tc.input_text()).is_empty());
        let path = temp("ok", "nothing\n----\nok\n");
        assert!(run_file(&path, |_| String::new()).is_empty());
    }
}
