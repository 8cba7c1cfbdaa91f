//! Golden transcripts of kubectl sessions (`testdata/*.txt`), in the
//! datadriven style of etcd-io/raft: a command, `----`, what it printed.
//! `REWRITE=1 cargo test -p kube --test golden` rewrites the expectations.
//!
//! Commands:
//! - `kubectl ARGS...` (with an optional `<<EOF` heredoc as stdin)
//! - `file NAME <<EOF` writes a file `kubectl -f NAME` can read
//! - `etcdctl get KEY [--prefix] [--keys-only]`: the raw keys and values,
//!   non-printable bytes as `\xNN`
//! - `run DURATION` lets virtual time pass with the controllers stepping
//! - `watch DURATION`: polls the last `kubectl get -w` for that long
//! - `stop N` / `start N` / `heal`: member faults by member number
//! - `encryption on|off`
//!
//! Output that holds blank lines is fenced by `----`/`----` twice.

use std::collections::BTreeMap;

use kube::{Kube, KubeWatch};
use mvcc::RangeRequest;
use server::{Request, Response};
use sim::{Fault, Sim, SimOptions};

struct Env {
    sim: Sim,
    kube: Kube,
    files: BTreeMap<String, String>,
    watch: Option<KubeWatch>,
}

fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut any = false;
    for c in line.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => cur.push(c),
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                any = true;
            }
            None if c.is_whitespace() => {
                if any || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            None => cur.push(c),
        }
    }
    if any || !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn ms(d: &str) -> u64 {
    if let Some(n) = d.strip_suffix("ms") {
        n.parse().unwrap_or(0)
    } else if let Some(n) = d.strip_suffix('s') {
        n.parse::<u64>().unwrap_or(0) * 1000
    } else if let Some(n) = d.strip_suffix('m') {
        n.parse::<u64>().unwrap_or(0) * 60_000
    } else {
        d.parse().unwrap_or(0)
    }
}

fn printable(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) if !s.chars().any(|c| c.is_control() && c != '\n') => s.to_string(),
        _ => bytes
            .iter()
            .map(|&b| if (0x20..0x7f).contains(&b) { (b as char).to_string() } else { format!("\\x{b:02x}") })
            .collect(),
    }
}

impl Env {
    fn new() -> Env {
        let mut sim = Sim::new(1, SimOptions::default());
        assert!(sim.run_until(10_000, |s| s.leader().is_some()), "no leader");
        Env { sim, kube: Kube::new(1), files: BTreeMap::new(), watch: None }
    }

    fn run(&mut self, cmd: &str, stdin: Option<&str>) -> String {
        let w = words(cmd);
        let Some(first) = w.first() else { return String::new() };
        match first.as_str() {
            "kubectl" => {
                let files = self.files.clone();
                let read = move |p: &str| files.get(p).cloned();
                let out = kube::kubectl(&mut self.kube, &mut self.sim, &w[1..], stdin, &read);
                if let Some(watch) = out.watch.clone() {
                    self.watch = Some(watch);
                }
                let mut s = out.stdout + &out.stderr;
                if out.exit != 0 {
                    s.push_str(&format!("[exit {}]\n", out.exit));
                }
                s
            }
            "file" => {
                self.files.insert(w[1].clone(), stdin.unwrap_or("").to_string());
                String::new()
            }
            "etcdctl" => {
                let key = w.get(2).cloned().unwrap_or_default();
                let prefix = w.iter().any(|a| a == "--prefix");
                let keys_only = w.iter().any(|a| a == "--keys-only");
                let req = RangeRequest {
                    key: key.as_bytes().to_vec(),
                    range_end: if prefix { mvcc::kv::prefix_end(key.as_bytes()) } else { vec![] },
                    ..Default::default()
                };
                let ep = kube::client::endpoint(&self.sim);
                match self.sim.call(ep, Request::Range { req, serializable: false }) {
                    Ok(Response::Range(r)) => {
                        let mut s = String::new();
                        for kv in r.kvs {
                            s.push_str(&printable(&kv.key));
                            s.push('\n');
                            if !keys_only {
                                let v = printable(&kv.value);
                                s.push_str(v.trim_end_matches('\n'));
                                s.push('\n');
                            }
                        }
                        s
                    }
                    Ok(other) => format!("unexpected {other:?}\n"),
                    Err(e) => format!("Error: {e}\n"),
                }
            }
            "run" => {
                self.kube.run_for(&mut self.sim, ms(&w[1]));
                String::new()
            }
            "watch" => {
                let Some(mut watch) = self.watch.take() else { return "no watch\n".into() };
                let mut left = ms(&w[1]);
                let mut s = String::new();
                while left > 0 {
                    let step = left.min(100);
                    left -= step;
                    self.kube.run_for(&mut self.sim, step);
                    s.push_str(&self.kube.poll_watch(&mut self.sim, &mut watch).stdout);
                }
                self.kube.stop_watch(&mut self.sim, &watch);
                s
            }
            "stop" | "start" => {
                let n: u64 = w[1].parse().unwrap_or(0);
                let member = self.sim.member_id(n).unwrap_or(0);
                let f = if first == "stop" { Fault::Stop { member } } else { Fault::Start { member } };
                match self.sim.apply(f) {
                    Ok(()) => String::new(),
                    Err(e) => format!("{e}\n"),
                }
            }
            "encryption" => {
                self.kube.set_encryption(w.get(1).is_some_and(|v| v == "on"));
                String::new()
            }
            other => format!("unknown command {other}\n"),
        }
    }
}

struct Case {
    cmd: String,
    stdin: Option<String>,
    expected: String,
}

fn parse(text: &str) -> (Vec<(Vec<String>, Case)>, Vec<String>) {
    let lines: Vec<&str> = text.lines().collect();
    let mut cases = Vec::new();
    let mut pre: Vec<String> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        if l.trim().is_empty() || l.starts_with('#') {
            pre.push(l.to_string());
            i += 1;
            continue;
        }
        let mut cmd = l.to_string();
        let mut stdin = None;
        i += 1;
        if let Some(pos) = cmd.find("<<") {
            let tag = cmd[pos + 2..].trim().trim_matches('\'').to_string();
            cmd = cmd[..pos].trim_end().to_string();
            let mut body = String::new();
            while i < lines.len() && lines[i] != tag {
                body.push_str(lines[i]);
                body.push('\n');
                i += 1;
            }
            i += 1;
            stdin = Some(body);
        }
        assert_eq!(lines.get(i).copied(), Some("----"), "expected ---- after {cmd:?}");
        i += 1;
        let mut expected = String::new();
        if lines.get(i).copied() == Some("----") {
            i += 1;
            while i + 1 < lines.len() && !(lines[i] == "----" && lines[i + 1] == "----") {
                expected.push_str(lines[i]);
                expected.push('\n');
                i += 1;
            }
            i += 2;
        } else {
            while i < lines.len() && !lines[i].is_empty() {
                expected.push_str(lines[i]);
                expected.push('\n');
                i += 1;
            }
        }
        cases.push((std::mem::take(&mut pre), Case { cmd, stdin, expected }));
    }
    (cases, pre)
}

fn render(cases: &[(Vec<String>, Case, String)], tail: &[String]) -> String {
    let mut out = String::new();
    for (pre, c, actual) in cases {
        for p in pre {
            out.push_str(p);
            out.push('\n');
        }
        out.push_str(&c.cmd);
        if let Some(stdin) = &c.stdin {
            out.push_str(" <<EOF\n");
            out.push_str(stdin);
            out.push_str("EOF");
        }
        out.push_str("\n----\n");
        if actual.contains("\n\n") || actual.starts_with('\n') {
            out.push_str("----\n");
            out.push_str(actual);
            out.push_str("----\n----\n");
        } else {
            out.push_str(actual);
        }
    }
    for p in tail {
        out.push_str(p);
        out.push('\n');
    }
    out
}

fn run_file(path: &std::path::Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let (cases, tail) = parse(&text);
    let mut env = Env::new();
    let mut results = Vec::new();
    let mut failures = Vec::new();
    for (pre, c) in cases {
        let actual = env.run(&c.cmd, c.stdin.as_deref());
        if actual != c.expected {
            failures.push(format!(
                "{}: {}\n--- expected\n{}--- actual\n{}",
                path.display(),
                c.cmd,
                c.expected,
                actual
            ));
        }
        results.push((pre, c, actual));
    }
    if std::env::var("REWRITE").is_ok_and(|v| v == "1") {
        std::fs::write(path, render(&results, &tail)).map_err(|e| e.to_string())?;
        return Ok(());
    }
    if failures.is_empty() { Ok(()) } else { Err(failures.join("\n")) }
}

#[test]
fn transcripts() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut paths: Vec<_> =
        std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok()).map(|e| e.path()).collect();
    paths.sort();
    assert!(!paths.is_empty());
    let mut failures = Vec::new();
    for p in paths.iter().filter(|p| p.extension().is_some_and(|e| e == "txt")) {
        if let Err(e) = run_file(p) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
