//! Golden comparison of the TLS corpus (tests/golden/tls): what etcdctl prints against a kubeadm-style etcd, recorded from a real etcd 3.4.23, run through the console.
//!
//! The console is a fresh one-member playground serving https with
//! client-certificate auth and kubeadm's files in /etc/kubernetes/pki. Every
//! entry must match: stdout, stderr and the exit code, after the masks of
//! tests/golden/tls/README.md (D3-D6; D1 and D2, ports and temp paths, are
//! undone by the recorder). `GOLDEN_DIFF=1` prints every mismatch.

use std::path::PathBuf;

use ctl::{Console, ConsoleOptions};
use serde_json::Value;

fn read(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden/tls").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The corpus's entries as record.py splits them (this corpus has no heredocs).
fn corpus_entries() -> Vec<String> {
    let text = read("corpus.txt");
    let mut lines = text.lines();
    let mut entries = Vec::new();
    while let Some(line) = lines.next() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let mut entry = line.to_string();
        while entry.ends_with('\\') {
            let Some(next) = lines.next() else { break };
            entry.push('\n');
            entry.push_str(next);
        }
        entries.push(entry);
    }
    entries
}

/// The fields of a zap log line that two runs share (README D3-D6): level,
/// message, the endpoint a retry targets, and the error, path, endpoint and
/// attempt it reports.
fn log_line(line: &str) -> String {
    let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not a zap line ({e}): {line}"));
    let mut kept = serde_json::Map::new();
    for field in ["level", "msg", "attempt", "error", "path", "endpoint"] {
        if let Some(x) = v.get(field) {
            kept.insert(field.to_string(), x.clone());
        }
    }
    if let Some(target) = v.get("target").and_then(Value::as_str) {
        let endpoint = target.rsplit('/').next().unwrap_or(target);
        kept.insert("target".to_string(), Value::from(endpoint));
    }
    format!("LOG {}", Value::Object(kept))
}

/// What etcd 3.5's pkg/flags logs where 3.4.23's printed capnslog's
/// `C | pkg/flags: conflicting environment variable "X" is shadowed ...`
/// (flag.go:85; compared by level and message as every log line).
const PKG_FLAGS_CONFLICT_35: &str = "{\"level\":\"fatal\",\"msg\":\"conflicting environment variable is shadowed by corresponding command-line flag (either unset environment variable or disable flag))\"}";

/// Masks what varies between runs (README "Masking").
fn mask(s: &str) -> String {
    let mut out = String::new();
    for line in s.lines() {
        let b = line.as_bytes();
        if line.starts_with("{\"level\":") {
            out.push_str(&log_line(line));
        } else if b.len() > 27 && b[4] == b'-' && b[10] == b' ' && b[19] == b'.' {
            // capnslog: `2026-12-04 18:06:24.026651 C | pkg/flags: ...`; 3.5's
            // pkg/flags logs the conflict through zap (README "Where etcd 3.5 differs").
            if line[26..].starts_with(" C | pkg/flags: conflicting environment variable ") {
                out.push_str(&log_line(PKG_FLAGS_CONFLICT_35));
            } else {
                out.push_str("<TS>");
                out.push_str(&line[26..]);
            }
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

fn compare(page: bool) -> Vec<String> {
    let options = ConsoleOptions { nodes: 1, tls: true, ..ConsoleOptions::bare_etcd() };
    let mut con = Console::new(1, options);
    con.set_page_mode(page);
    let mut failures = Vec::new();
    let mut inputs = Vec::new();
    for (n, line) in read("recorded.jsonl").lines().enumerate() {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("line {}: {e}", n + 1));
        let field = |f: &str| v[f].as_str().unwrap_or_else(|| panic!("line {}: no {f}", n + 1)).to_string();
        let input = field("input");
        let want_exit = v["exit"].as_i64().unwrap_or_else(|| panic!("line {}: no exit", n + 1));
        let got = con.run_to_end(&input);
        inputs.push(input.clone());
        let want = (mask(&field("stdout")), mask(&field("stderr")), want_exit);
        let have = (mask(&got.stdout), mask(&got.stderr), i64::from(got.exit));
        if want != have {
            if std::env::var("GOLDEN_DIFF").is_ok() {
                eprintln!("--- line {}: {input}\nwant {want:#?}\nhave {have:#?}", n + 1);
            }
            failures.push(format!("line {}: {input}", n + 1));
        }
    }
    assert_eq!(
        inputs,
        corpus_entries(),
        "the recording is not of tests/golden/tls/corpus.txt: run record.sh"
    );
    failures
}

fn assert_matches(page: bool) {
    let failures = compare(page);
    assert!(
        failures.is_empty(),
        "{} entries differ (GOLDEN_DIFF=1 shows them):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn tls_corpus_matches_the_recording() {
    assert_matches(false);
}

#[test]
fn tls_corpus_matches_the_recording_in_page_mode() {
    assert_matches(true);
}

#[test]
fn masks_keep_what_runs_share() {
    let a = r#"{"level":"warn","ts":"2026-12-04T18:06:38.756Z","caller":"clientv3/retry_interceptor.go:62","msg":"retrying of unary invoker failed","target":"endpoint://client-6db2ae11/127.0.0.1:2379","attempt":0,"error":"rpc error: code = DeadlineExceeded desc = x"}"#;
    let b = r#"{"level":"warn","ts":"2027-01-01T00:00:00.000Z","logger":"etcd-client","caller":"v3@v3.5.33/retry_interceptor.go:62","msg":"retrying of unary invoker failed","target":"etcd-endpoints://0xc000238000/127.0.0.1:2379","attempt":0,"error":"rpc error: code = DeadlineExceeded desc = x"}"#;
    assert_eq!(mask(a), mask(b));
    assert_ne!(mask(a), mask(&b.replace("desc = x", "desc = y")));
    assert_ne!(mask(a), mask(&b.replace("127.0.0.1:2379", "127.0.0.2:2379")));
    assert_eq!(
        mask("2026-12-04 18:06:24.026651 C | pkg/flags: x"),
        mask("2027-01-01 00:00:00.000000 C | pkg/flags: x")
    );
}
