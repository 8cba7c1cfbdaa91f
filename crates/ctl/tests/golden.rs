//! Golden comparison: the corpus recorded from a real etcd (tests/golden) run through the console, masking only what varies.
//!
//! Every entry of `recorded.jsonl` (preferring `overrides-3.5.jsonl` where
//! etcd 3.5 differs) is typed into one [`Console`]; `cluster ...` entries
//! only drive the cluster. Stdout, stderr and exit code are compared after
//! the masks the golden README lists (lease and added-member IDs, TTLs,
//! timings, hashes, sizes, raft terms and indices, log timestamps). Every
//! entry must match except the few pinned in [`KNOWN`] with their reason
//! (`cargo test -p ctl --test golden -- --nocapture` prints the match per
//! section; `GOLDEN_DIFF=1` prints every mismatch); a missing recording or
//! a malformed line fails. Every command runs on the
//! simulated cluster (crates/sim: real Raft members from crates/server).

use std::collections::BTreeMap;
use std::path::PathBuf;

use ctl::{Console, ConsoleOptions};
use serde_json::Value;

/// The entries known to differ from the recording, by their line number
/// in `recorded.jsonl`, with the reason. Each must still differ in exactly
/// that way (same stdout and exit code; the recorded stderr followed by the
/// playground's addition), and every other entry must match.
const KNOWN: &[(usize, &str)] = &[
    (
        333,
        "ETCDCTL_API=2: after etcdctl's own error the console adds a note that the v2 API is not served, with the v3 commands",
    ),
    (
        334,
        "ETCDCTL_API=2: after etcdctl's own error the console adds a note that the v2 API is not served, with the v3 commands",
    ),
];

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden")
}

fn b64decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes().filter_map(val) {
        acc = (acc << 6) | u32::from(c);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// Replaces every match of a simple pattern: `prefix` followed by a run of chars in `class`.
fn mask_after(s: &str, prefix: &str, class: fn(char) -> bool, with: &str) -> String {
    mask_after_min(s, prefix, class, with, 1)
}

/// [`mask_after`] for runs of at least `min` characters.
fn mask_after_min(s: &str, prefix: &str, class: fn(char) -> bool, with: &str, min: usize) -> String {
    assert!(!prefix.is_empty(), "mask_after needs a prefix");
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find(prefix) {
        out.push_str(&rest[..i + prefix.len()]);
        rest = &rest[i + prefix.len()..];
        let n = rest.find(|c: char| !class(c)).unwrap_or(rest.len());
        if n >= min {
            out.push_str(with);
            rest = &rest[n..];
        }
    }
    out.push_str(rest);
    out
}

fn is_hex(c: char) -> bool {
    c.is_ascii_hexdigit()
}

fn is_num(c: char) -> bool {
    c.is_ascii_digit() || c == '.' || c == '-'
}

/// Masks what differs between two runs of the same corpus (tests/golden/README.md, "Masking").
fn mask(input: &str, s: &str) -> String {
    let masked_term;
    let s = if input.contains("protobuf") {
        masked_term = mask_protobuf_term(s);
        masked_term.as_str()
    } else {
        s
    };
    let mut lines: Vec<String> = Vec::new();
    for line in s.lines() {
        let l = if line.starts_with("{\"level\":") {
            // A zap log line: compare level and msg only.
            let v: Value = serde_json::from_str(line).unwrap_or(Value::Null);
            format!("LOG {} {}", v["level"].as_str().unwrap_or("?"), v["msg"].as_str().unwrap_or("?"))
        } else if line.len() > 20 && line.as_bytes()[4] == b'-' && line.contains("\tinfo\t") {
            let parts: Vec<&str> = line.split('\t').collect();
            format!("LOG info {}", parts.get(3).unwrap_or(&"?"))
        } else if line.len() > 27 && line.as_bytes()[4] == b'-' && line.as_bytes()[10] == b' ' {
            format!("<TS>{}", &line[26..])
        } else {
            line.to_string()
        };
        lines.push(l);
    }
    if input.contains("endpoint health") && input.contains("--cluster") {
        lines.sort();
    }
    // Added members get random IDs, so member lists and ETCD_INITIAL_CLUSTER come in a varying order.
    if input.contains("member ") {
        lines = lines.into_iter().map(|l| sort_member_json(&sort_initial_cluster(&l))).collect();
        let rows: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].starts_with("| ") && i > 2).collect();
        let mut sorted: Vec<String> =
            rows.iter().map(|&i| mask_after(&lines[i], "| ", is_hex, "<ID>")).collect();
        sorted.sort();
        for (k, &i) in rows.iter().enumerate() {
            lines[i] = sorted[k].clone();
        }
        let simple: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].contains(", started, ") || lines[i].contains(", unstarted, "))
            .collect();
        let mut sorted: Vec<String> = simple
            .iter()
            .map(|&i| {
                let l = &lines[i];
                let n = l.find(|c: char| !c.is_ascii_hexdigit()).unwrap_or(l.len());
                format!("<ID>{}", &l[n..])
            })
            .collect();
        sorted.sort();
        for (k, &i) in simple.iter().enumerate() {
            lines[i] = sorted[k].clone();
        }
    }
    // Tables of timings, sizes and indices change width with their values.
    if input.contains("endpoint health")
        || input.contains("endpoint status")
        || input.contains("endpoint hashkv")
    {
        lines = lines.into_iter().map(|l| squeeze(&mask_numbers(&mask_units(&l)))).collect();
    }
    let mut s = lines.join("\n");
    if !s.is_empty() {
        s.push('\n');
    }
    // Lease IDs and IDs of added members (16 hex digits, or 15 padded with a space).
    for p in ["lease ", "/", "Member ", "Member  ", "member ", "from ", "to ", "cluster ", "\n"] {
        s = mask_after_min(&s, p, is_hex, "<ID>", 12);
    }
    if let Some(head) = s.get(..16)
        && head.chars().all(is_hex)
    {
        s = format!("<ID>{}", &s[16..]);
    }
    for p in [
        "\"ID\":",
        "\"id\":",
        "\"lease\":",
        "\"ttl\":",
        "\"hash\":",
        "\"dbSize\":",
        "\"dbSizeInUse\":",
        "\"raft_term\":",
        "\"raftTerm\":",
        "\"raftIndex\":",
        "\"raftAppliedIndex\":",
        "\"totalSize\":",
        "\"RaftTerm\" : ",
        "\"RaftIndex\" : ",
        "\"RaftAppliedIndex\" : ",
        "\"DBSize\" : ",
        "\"Hash\" : ",
        "remaining(",
        "took = ",
        "\"took\":\"",
        "ID\":\"",
        "\"member_id\":\"",
    ] {
        s = mask_after(
            &s,
            p,
            |c| is_num(c) || c.is_ascii_hexdigit() || c == 'µ' || c == 'm' || c == 's',
            "<N>",
        );
    }
    // Durations and sizes wherever they appear (`1.15975ms`, `25 kB`).
    s = mask_units(&s);
    // Status, hash and snapshot rows are made of sizes, hashes and raft indices.
    if ["endpoint status", "endpoint hashkv", "snapshot status"].iter().any(|c| input.contains(c)) {
        s = mask_numbers(&s);
    }
    s = s.replace(
        "Error: rpc error: code = Unknown desc = context deadline exceeded",
        "Error: context deadline exceeded",
    );
    s
}

/// `-w protobuf`: the response header's raft_term (field 4, tag 0x20) is a
/// raw varint byte after the revision (tag 0x18); elections make it vary,
/// like the terms masked in every other format. Only the first header.
fn mask_protobuf_term(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let at = (0..chars.len().saturating_sub(3))
        .find(|&i| chars[i] == '\x18' && (chars[i + 1] as u32) < 0x80 && chars[i + 2] == ' ');
    match at {
        Some(i) => {
            let mut out = chars.clone();
            out[i + 3] = '#';
            out.into_iter().collect()
        }
        None => s.to_string(),
    }
}

/// Masks `<number><unit>` tokens: durations (`1.2ms`, `500µs`, `2s`) and sizes (`25 kB`).
fn mask_units(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let starts = chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_ascii_alphanumeric());
        if starts {
            let mut j = i;
            while j < chars.len() && (chars[j].is_ascii_digit() || chars[j] == '.') {
                j += 1;
            }
            let rest: String = chars[j..chars.len().min(j + 3)].iter().collect();
            let unit = ["ms", "µs", " kB", " MB", " B"]
                .iter()
                .find(|u| rest.starts_with(*u))
                .map(|u| u.chars().count());
            let secs = rest.starts_with('s') && !rest[1..].starts_with(|c: char| c.is_ascii_alphanumeric());
            if let Some(n) = unit.or(secs.then_some(1)) {
                out.push_str("<N>");
                i = j + n;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// Masks every run of digits (and hex words of 8 characters) bounded by non-alphanumerics.
fn mask_numbers(s: &str) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |w: &mut String, out: &mut String| {
        let digits = !w.is_empty() && w.chars().all(|c| c.is_ascii_digit());
        let hash = w.len() == 8 && w.chars().all(|c| c.is_ascii_hexdigit());
        out.push_str(if digits || hash { "<N>" } else { w });
        w.clear();
    };
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Collapses runs of spaces and dashes (table padding).
fn squeeze(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if (c == ' ' || c == '-') && out.ends_with(c) {
            continue;
        }
        out.push(c);
    }
    out
}

fn sort_initial_cluster(line: &str) -> String {
    match line.strip_prefix("ETCD_INITIAL_CLUSTER=\"").and_then(|r| r.strip_suffix('"')) {
        Some(list) => {
            let mut items: Vec<&str> = list.split(',').collect();
            items.sort_unstable();
            format!("ETCD_INITIAL_CLUSTER=\"{}\"", items.join(","))
        }
        None => line.to_string(),
    }
}

fn sort_member_json(line: &str) -> String {
    let Ok(mut v) = serde_json::from_str::<Value>(line) else { return line.to_string() };
    let Some(members) = v.get_mut("members").and_then(Value::as_array_mut) else { return line.to_string() };
    for m in members.iter_mut() {
        if let Some(id) = m.get_mut("ID") {
            *id = Value::from(0);
        }
    }
    members.sort_by_key(|m| m.to_string());
    v.to_string()
}

struct Entry {
    input: String,
    stdout: String,
    stderr: String,
    exit: i64,
}

/// One recorded entry; a field missing from the recording is an error.
fn entry(n: usize, v: &Value) -> Entry {
    let text = |field: &str| {
        v[field].as_str().unwrap_or_else(|| panic!("recording line {n}: no {field:?}")).to_string()
    };
    let stdout = match v.get("stdout_base64").and_then(Value::as_str) {
        Some(b) => String::from_utf8_lossy(&b64decode(b)).into_owned(),
        None => text("stdout"),
    };
    Entry {
        input: text("input"),
        stdout,
        stderr: text("stderr"),
        exit: v["exit"].as_i64().unwrap_or_else(|| panic!("recording line {n}: no exit code")),
    }
}

fn id_after(text: &str, marker: &str) -> Option<String> {
    let i = text.find(marker)? + marker.len();
    let id: String = text[i..].trim_start().chars().take_while(|c| c.is_ascii_hexdigit()).collect();
    (!id.is_empty()).then_some(id)
}

/// How one entry compared: the line number in `recorded.jsonl`, its
/// section (the command's first word), and the outcome.
struct Compared {
    line: usize,
    section: String,
    input: String,
    outcome: Outcome,
}

#[derive(PartialEq, Eq, Debug)]
enum Outcome {
    /// Stdout, stderr and exit code all match after masking.
    Same,
    /// Same stdout and exit code; stderr is the recorded one with more after it.
    StderrAdds,
    /// Anything else.
    Differs,
}

fn read(name: &str) -> String {
    let path = golden_dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Runs the corpus through one console and compares every entry.
fn run_corpus(page: bool) -> Vec<Compared> {
    let recorded = read("recorded.jsonl");
    let parse = |n: usize, l: &str| -> Value {
        serde_json::from_str(l).unwrap_or_else(|e| panic!("line {n} is not JSON: {e}"))
    };
    let mut overrides: BTreeMap<usize, Value> = BTreeMap::new();
    for (n, l) in read("overrides-3.5.jsonl").lines().enumerate() {
        let v = parse(n + 1, l);
        let index = v["index"].as_u64().unwrap_or_else(|| panic!("override line {}: no index", n + 1));
        overrides.insert(index as usize, v);
    }
    let mut con = Console::new(1, ConsoleOptions::bare_etcd());
    con.set_page_mode(page);
    let show = std::env::var("GOLDEN_DIFF").is_ok();
    let mut results = Vec::new();
    for (n, line) in recorded.lines().enumerate() {
        let line_no = n + 1;
        let v = parse(line_no, line);
        let want = match overrides.remove(&line_no) {
            Some(o) => entry(line_no, &o),
            None => entry(line_no, &v),
        };
        let got = con.run_to_end(&want.input);
        if want.input.starts_with("cluster ") {
            continue;
        }
        if want.input.contains("lease grant")
            && let Some(id) = id_after(&got.stdout, "lease ")
        {
            con.set_env("LEASE", &id);
        }
        if want.input.contains("member add")
            && let Some(id) = id_after(&got.stdout, "Member ")
        {
            con.set_env("MEMBER", &id);
        }
        let section = want
            .input
            .split_whitespace()
            .find(|w| {
                *w != "etcdctl"
                    && !w.contains('=')
                    && !w.starts_with('-')
                    && *w != "timeout"
                    && w.parse::<f64>().is_err()
            })
            .unwrap_or("")
            .to_string();
        let m = |s: &str| mask(&want.input, s);
        let (stdout_same, exit_same) = (m(&want.stdout) == m(&got.stdout), want.exit == i64::from(got.exit));
        let (want_err, got_err) = (m(&want.stderr), m(&got.stderr));
        let outcome = if stdout_same && exit_same && want_err == got_err {
            Outcome::Same
        } else if stdout_same && exit_same && got_err.starts_with(&want_err) {
            Outcome::StderrAdds
        } else {
            Outcome::Differs
        };
        if outcome != Outcome::Same && show {
            println!("=== MISMATCH #{line_no}: {}", want.input);
            println!("--- want exit {}\n{}{}", want.exit, want.stdout, want.stderr);
            println!("--- got exit {}\n{}{}", got.exit, got.stdout, got.stderr);
        }
        results.push(Compared { line: line_no, section, input: want.input, outcome });
    }
    assert!(overrides.is_empty(), "overrides for lines the recording does not have: {:?}", overrides.keys());
    results
}

/// Prints the match per section, then fails unless every entry matches but
/// the [`KNOWN`] ones, which must differ only as recorded there.
fn check(label: &str, results: &[Compared]) {
    let mut by_section: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for r in results {
        let s = by_section.entry(&r.section).or_default();
        s.0 += 1;
        s.1 += usize::from(r.outcome == Outcome::Same);
    }
    let same = results.iter().filter(|r| r.outcome == Outcome::Same).count();
    println!("{label}: {same}/{} entries match", results.len());
    for (k, (c, m)) in &by_section {
        println!("  {k:<14} {m}/{c}");
    }
    let mut wrong = Vec::new();
    for r in results {
        let known = KNOWN.iter().find(|(line, _)| *line == r.line);
        match (known, &r.outcome) {
            (None, Outcome::Same) | (Some(_), Outcome::StderrAdds) => {}
            (None, _) => wrong.push(format!("#{} {}: differs from the recording", r.line, r.input)),
            (Some((_, why)), Outcome::Same) => {
                wrong.push(format!("#{} {}: now matches; unpin it ({why})", r.line, r.input))
            }
            (Some((_, why)), Outcome::Differs) => {
                wrong.push(format!("#{} {}: differs in more than the known way ({why})", r.line, r.input))
            }
        }
    }
    for (line, _) in KNOWN {
        if !results.iter().any(|r| r.line == *line) {
            wrong.push(format!("#{line} is pinned but was not compared"));
        }
    }
    assert!(wrong.is_empty(), "{label} (GOLDEN_DIFF=1 shows each):\n{}", wrong.join("\n"));
}

#[test]
fn golden_corpus_matches() {
    check("golden", &run_corpus(false));
}

/// The same corpus in page mode (the page's clock drives virtual time;
/// `run_to_end` lets it run until each command is done).
#[test]
fn golden_corpus_in_page_mode() {
    check("golden (page mode)", &run_corpus(true));
}
