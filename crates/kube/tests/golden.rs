//! Golden transcripts of kubectl sessions (`testdata/*.txt`), in the
//! datadriven style of etcd-io/raft: a command, `----`, what it printed.
//! `REWRITE=1 cargo test -p kube --test golden` rewrites the expectations.
//!
//! Commands:
//! - `kubectl ARGS...` (with an optional `<<EOF` heredoc as stdin)
//! - `file NAME <<EOF` writes a file `kubectl -f NAME` can read
//! - `init`: stores what a fresh kubeadm cluster holds (`Kube::kubeadm_init`)
//! - `etcdctl get KEY [--prefix] [--keys-only]`: the raw keys and values,
//!   non-printable bytes as `\xNN`
//! - `etcdctl watch PREFIX DURATION`: the keys written under PREFIX as
//!   virtual time passes, one `SECONDS PUT|DELETE KEY` line each
//! - `count PREFIX`: how many keys start with PREFIX
//! - `run DURATION` lets virtual time pass with the controllers stepping
//! - `watch DURATION`: polls the last `kubectl get -w` for that long
//! - `stop N` / `start N` / `heal`: member faults by member number
//! - `encryption on|off`
//! - `storage protobuf|json`: how new writes are stored
//!
//! Output that holds blank lines is fenced by `----`/`----` twice; the
//! format and the runner are the `datadriven` crate's.

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

/// A duration of the script (`250ms`, `3s`, `2m`, or milliseconds).
fn ms(d: &str) -> u64 {
    let (n, unit) = if let Some(n) = d.strip_suffix("ms") {
        (n, 1)
    } else if let Some(n) = d.strip_suffix('s') {
        (n, 1000)
    } else if let Some(n) = d.strip_suffix('m') {
        (n, 60_000)
    } else {
        (d, 1)
    };
    n.parse::<u64>().unwrap_or_else(|_| panic!("{d:?} is not a duration")) * unit
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
            "init" => match self.kube.kubeadm_init(&mut self.sim) {
                Ok(()) => "ok\n".to_string(),
                Err(e) => format!("{}\n", e.message),
            },
            "count" => {
                let prefix = w[1].as_bytes().to_vec();
                let req = RangeRequest {
                    range_end: mvcc::kv::prefix_end(&prefix),
                    key: prefix,
                    count_only: true,
                    ..Default::default()
                };
                let ep = kube::client::endpoint(&self.sim);
                match self.sim.call(ep, Request::Range { req, serializable: false }) {
                    Ok(Response::Range(r)) => format!("{}\n", r.count),
                    other => format!("unexpected {other:?}\n"),
                }
            }
            "etcdctl" if w.get(1).is_some_and(|c| c == "watch") => {
                let prefix = w[2].as_bytes().to_vec();
                let req = mvcc::WatchCreateRequest {
                    range_end: mvcc::kv::prefix_end(&prefix),
                    key: prefix,
                    ..Default::default()
                };
                let ep = kube::client::endpoint(&self.sim);
                let id = self.sim.submit(ep, Request::Watch(req), sim::CallOptions::default());
                let start = self.sim.now_ms();
                let mut left = ms(&w[3]);
                let mut s = String::new();
                while left > 0 {
                    let step = left.min(100);
                    left -= step;
                    self.kube.run_for(&mut self.sim, step);
                    for item in self.sim.take_stream(id) {
                        let server::StreamItem::Watch(resp) = item else { continue };
                        for ev in resp.events {
                            let t = (self.sim.now_ms() - start) as f64 / 1000.0;
                            let kind = if ev.kind == mvcc::EventType::Put { "PUT" } else { "DELETE" };
                            s.push_str(&format!("{t:.1}s {kind} {}\n", printable(&ev.kv.key)));
                        }
                    }
                }
                self.sim.cancel(id);
                s
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
                let n: u64 = w[1].parse().unwrap_or_else(|_| panic!("{:?} is not a member number", w[1]));
                let member = self.sim.member_id(n).unwrap_or_else(|| panic!("no member {n}"));
                let f = if first == "stop" { Fault::Stop { member } } else { Fault::Start { member } };
                match self.sim.apply(f) {
                    Ok(()) => String::new(),
                    Err(e) => format!("{e}\n"),
                }
            }
            "storage" => {
                self.kube.set_protobuf(w.get(1).is_some_and(|v| v == "protobuf"));
                String::new()
            }
            "encryption" => {
                self.kube.set_encryption(w.get(1).is_some_and(|v| v == "on"));
                String::new()
            }
            other => format!("unknown command {other}\n"),
        }
    }
}

/// A command with its heredoc (`CMD <<EOF`, the body as input lines up to
/// the terminator) handed to [`Env::run`].
fn run_case(env: &mut Env, tc: &datadriven::TestCase) -> String {
    match tc.raw_cmd.find("<<") {
        Some(pos) => {
            let tag = tc.raw_cmd[pos + 2..].trim().trim_matches('\'');
            let (terminator, body) = tc.input.split_last().expect("a heredoc has lines");
            assert_eq!(terminator, tag, "line {}: the heredoc ends with {tag}", tc.line);
            let stdin: String = body.iter().map(|l| format!("{l}\n")).collect();
            env.run(tc.raw_cmd[..pos].trim_end(), Some(&stdin))
        }
        None => {
            assert!(tc.input.is_empty(), "line {}: input lines need a heredoc", tc.line);
            env.run(&tc.raw_cmd, None)
        }
    }
}

/// The transcripts, each its own test; `testdata is listed` checks this
/// list against the folder.
const TRANSCRIPTS: &[&str] = &[
    "configmap.txt",
    "conflict.txt",
    "crd.txt",
    "deployment.txt",
    "kubeadm.txt",
    "protobuf.txt",
    "secrets.txt",
    "validation.txt",
];

fn main() -> std::process::ExitCode {
    datadriven::walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata"),
        TRANSCRIPTS,
        Env::new,
        run_case,
    )
}
