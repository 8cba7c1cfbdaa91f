//! A thin console adapter: turns an etcdctl line into a request for the
//! simulator and formats the answer as etcdctl prints it.
//!
//! It stands in for `crates/ctl` until that crate drives `crates/sim`
//! (today it keeps a cluster model of its own, so the page could not draw
//! what the console changes). It knows the commands the page needs most:
//!
//! ```text
//!   etcdctl put foo bar            -> Request::Put        -> "OK"
//!   etcdctl get foo [--prefix]     -> Request::Range      -> "foo\nbar"
//!   etcdctl del foo [--prefix]     -> Request::DeleteRange-> "1"
//!   etcdctl watch foo [--prefix]   -> Request::Watch      -> "PUT\nfoo\nbar" ...
//!   etcdctl member list            -> Request::MemberList -> "8e9e05c52164694d, started, ..."
//!   etcdctl endpoint status|health -> Request::Status / a linearizable get
//! ```
//!
//! Plain data: no signals, no browser API.

use mvcc::{DeleteRangeRequest, Event, EventType, KeyValue, PutRequest, RangeRequest, WatchCreateRequest};
use server::{Request, Response};
use sim::{CallResult, ClientError};

/// What a line asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum Parsed {
    /// Nothing to do (blank line, comment).
    Nothing,
    /// Clear the console.
    Clear,
    /// Print this text at once (help, version, errors).
    Print {
        /// Standard output.
        stdout: String,
        /// Standard error.
        stderr: String,
    },
    /// Send a request; format its answer with `format`.
    Call {
        /// The member the request enters through (None: the tab's endpoint).
        endpoint: Option<String>,
        /// The request.
        request: Request,
        /// How to print the answer.
        format: Format,
        /// `--command-timeout` in ms, when given.
        timeout_ms: Option<u64>,
        /// A file name the command writes (`snapshot save FILE`), or empty.
        file: String,
    },
    /// Submit puts at `rate` per virtual second until Ctrl+C.
    Load {
        /// Writes per second of virtual time.
        rate: u64,
    },
}

/// How an answer is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `OK`.
    Put,
    /// key, value lines.
    Get {
        /// `--keys-only`.
        keys_only: bool,
        /// `--print-value-only`.
        value_only: bool,
        /// `--count-only`.
        count_only: bool,
    },
    /// The number deleted.
    Del,
    /// Watch events as they come.
    Watch,
    /// `member list`.
    MemberList,
    /// `endpoint status`.
    EndpointStatus,
    /// `endpoint health`.
    EndpointHealth,
    /// `compaction REV`.
    Compaction(i64),
    /// `snapshot save FILE`: the page offers the file as a download.
    SnapshotSave,
}

const HELP: &str = "etcdctl commands on this page:
  put KEY VALUE            get KEY [--prefix] [--keys-only] [--print-value-only]
  del KEY [--prefix]       watch KEY [--prefix]        (Ctrl+C stops it)
  member list              endpoint status | health    compaction REV
  snapshot save FILE       (the file is downloaded)    version
  --endpoints=etcd-2  --command-timeout=5s  --consistency=s
page commands: clear (or Ctrl+L), load RATE (puts per second until Ctrl+C), help
values may come from a heredoc:  etcdctl put key <<EOF ... EOF";

/// Splits a line into words: single and double quotes group, a backslash
/// escapes the next character. `Err` on an unterminated quote.
pub fn split_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                in_word = true;
                let mut closed = false;
                for q in chars.by_ref() {
                    if q == c {
                        closed = true;
                        break;
                    }
                    cur.push(q);
                }
                if !closed {
                    return Err("unexpected EOF while looking for matching quote".to_string());
                }
            }
            '\\' => {
                in_word = true;
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

/// The heredoc delimiter a line opens (`<<EOF` or `<< 'EOF'`), if any.
pub fn heredoc_delimiter(first_line: &str) -> Option<String> {
    let at = first_line.find("<<")?;
    let rest = first_line[at + 2..].trim_start_matches('-').trim();
    let word: String =
        rest.chars().filter(|c| *c != '\'' && *c != '"').take_while(|c| !c.is_whitespace()).collect();
    (!word.is_empty()).then_some(word)
}

/// Whether `entry` (possibly several lines) still waits for its heredoc's end.
pub fn needs_more(entry: &str) -> bool {
    let mut lines = entry.split('\n');
    let Some(first) = lines.next() else { return false };
    match heredoc_delimiter(first) {
        Some(delim) => !lines.any(|l| l.trim() == delim),
        None => false,
    }
}

fn prefix_end(key: &[u8]) -> Vec<u8> {
    let mut end = key.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return end;
        }
    }
    vec![0]
}

fn parse_duration_ms(s: &str) -> Option<u64> {
    let (num, mult) = if let Some(n) = s.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1000.0)
    } else if let Some(n) = s.strip_suffix('m') {
        (n, 60_000.0)
    } else {
        (s, 1000.0)
    };
    let v: f64 = num.parse().ok()?;
    (v >= 0.0).then_some((v * mult) as u64)
}

fn print_err(msg: impl Into<String>) -> Parsed {
    Parsed::Print { stdout: String::new(), stderr: msg.into() }
}

/// Parses one console entry (a heredoc's body becomes the last argument).
pub fn parse(entry: &str) -> Parsed {
    let mut lines = entry.split('\n');
    let first = lines.next().unwrap_or("");
    let (line, heredoc) = match heredoc_delimiter(first) {
        Some(delim) => {
            let at = first.find("<<").unwrap_or(first.len());
            let body: Vec<&str> = lines.take_while(|l| l.trim() != delim).collect();
            (&first[..at], Some(body.join("\n")))
        }
        None => (first, None),
    };
    let mut words = match split_words(line) {
        Ok(w) => w,
        Err(e) => return print_err(format!("bash: {e}")),
    };
    if let Some(body) = heredoc {
        words.push(body);
    }
    if words.first().is_some_and(|w| w.starts_with('#')) || words.is_empty() {
        return Parsed::Nothing;
    }
    match words[0].as_str() {
        "clear" => return Parsed::Clear,
        "help" => return Parsed::Print { stdout: HELP.to_string(), stderr: String::new() },
        "load" => {
            let rate = words.get(1).and_then(|r| r.parse().ok()).unwrap_or(50u64).clamp(1, 1000);
            return Parsed::Load { rate };
        }
        "etcdctl" => {}
        other if !other.contains('=') => {
            return print_err(format!("bash: {other}: command not found (try: help)"));
        }
        _ => return Parsed::Nothing,
    }
    parse_etcdctl(&words[1..])
}

fn parse_etcdctl(args: &[String]) -> Parsed {
    let mut positional: Vec<&str> = Vec::new();
    let mut flags: Vec<(String, Option<String>)> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if let Some(f) = a.strip_prefix("--").filter(|f| !f.is_empty()) {
            match f.split_once('=') {
                Some((k, v)) => flags.push((k.to_string(), Some(v.to_string()))),
                None => {
                    let takes_value = matches!(
                        f,
                        "endpoints" | "command-timeout" | "dial-timeout" | "rev" | "limit" | "consistency"
                    );
                    if takes_value && i + 1 < args.len() {
                        flags.push((f.to_string(), Some(args[i + 1].clone())));
                        i += 1;
                    } else {
                        flags.push((f.to_string(), None));
                    }
                }
            }
        } else if a == "-w" && i + 1 < args.len() {
            flags.push(("write-out".to_string(), Some(args[i + 1].clone())));
            i += 1;
        } else {
            positional.push(a);
        }
        i += 1;
    }
    let flag = |name: &str| flags.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone().unwrap_or_default());
    let has = |name: &str| flag(name).is_some_and(|v| v.is_empty() || v == "true");
    let endpoint = flag("endpoints").map(|e| e.split(',').next().unwrap_or("").to_string());
    let timeout_ms = match flag("command-timeout") {
        Some(t) => match parse_duration_ms(&t) {
            Some(ms) => Some(ms),
            None => {
                return print_err(format!("Error: invalid argument \"{t}\" for \"--command-timeout\" flag"));
            }
        },
        None => None,
    };
    if let Some(w) = flag("write-out").filter(|w| w != "simple") {
        return print_err(format!("Error: -w {w}: this page's console prints the simple format only"));
    }
    let call = |request: Request, format: Format| Parsed::Call {
        endpoint: endpoint.clone(),
        request,
        format,
        timeout_ms,
        file: String::new(),
    };
    let Some(&cmd) = positional.first() else {
        return Parsed::Print { stdout: HELP.to_string(), stderr: String::new() };
    };
    let rest = &positional[1..];
    match cmd {
        "version" => {
            Parsed::Print { stdout: "etcdctl version: 3.5.0\nAPI version: 3.5".into(), stderr: String::new() }
        }
        "put" => match rest {
            [key, value] => call(
                Request::Put(PutRequest {
                    key: key.as_bytes().to_vec(),
                    value: value.as_bytes().to_vec(),
                    ..Default::default()
                }),
                Format::Put,
            ),
            [_] => print_err("Error: put command needs 1 argument and input from stdin or 2 arguments"),
            _ => print_err("Error: put command needs 1 argument and input from stdin or 2 arguments"),
        },
        "get" => {
            let (key, end) = match rest {
                [k] => (k.as_bytes().to_vec(), Vec::new()),
                [k, e] => (k.as_bytes().to_vec(), e.as_bytes().to_vec()),
                _ => {
                    return print_err(
                        "Error: get command needs one argument as key and an optional argument as range_end",
                    );
                }
            };
            let range_end = if has("prefix") {
                prefix_end(&key)
            } else if has("from-key") {
                vec![0]
            } else {
                end
            };
            let serializable = match flag("consistency").as_deref() {
                None | Some("l") => false,
                Some("s") => true,
                Some(other) => return print_err(format!("Error: unknown consistency flag \"{other}\"")),
            };
            let req = RangeRequest {
                key,
                range_end,
                limit: flag("limit").and_then(|l| l.parse().ok()).unwrap_or(0),
                revision: flag("rev").and_then(|l| l.parse().ok()).unwrap_or(0),
                serializable,
                keys_only: has("keys-only"),
                count_only: has("count-only"),
                ..Default::default()
            };
            let format = Format::Get {
                keys_only: has("keys-only"),
                value_only: has("print-value-only"),
                count_only: has("count-only"),
            };
            call(Request::Range { req, serializable }, format)
        }
        "del" | "delete" => match rest {
            [k, ..] => {
                let key = k.as_bytes().to_vec();
                let range_end = if has("prefix") {
                    prefix_end(&key)
                } else {
                    rest.get(1).map(|e| e.as_bytes().to_vec()).unwrap_or_default()
                };
                call(Request::DeleteRange(DeleteRangeRequest { key, range_end, prev_kv: false }), Format::Del)
            }
            [] => print_err(
                "Error: del command needs one argument as key and an optional argument as range_end",
            ),
        },
        "watch" => match rest {
            [k, ..] => {
                let key = k.as_bytes().to_vec();
                let range_end = if has("prefix") { prefix_end(&key) } else { Vec::new() };
                let req = WatchCreateRequest { key, range_end, ..Default::default() };
                call(Request::Watch(req), Format::Watch)
            }
            [] => print_err(
                "Error: watch in non-interactive mode requires one or two arguments as key or prefix, with range end",
            ),
        },
        "member" => match rest.first() {
            Some(&"list") => call(Request::MemberList, Format::MemberList),
            _ => {
                print_err("Error: this page's console knows `member list` (add/remove: the stage's buttons)")
            }
        },
        "endpoint" => match rest.first() {
            Some(&"status") => call(Request::Status, Format::EndpointStatus),
            Some(&"health") => call(
                Request::Range {
                    req: RangeRequest { key: b"health".to_vec(), ..Default::default() },
                    serializable: false,
                },
                Format::EndpointHealth,
            ),
            _ => print_err("Error: unknown endpoint subcommand (status, health)"),
        },
        "snapshot" => match rest {
            ["save", file] => Parsed::Call {
                endpoint: endpoint.clone(),
                request: Request::Snapshot,
                format: Format::SnapshotSave,
                timeout_ms,
                file: (*file).to_string(),
            },
            _ => print_err("Error: snapshot save expects one argument"),
        },
        "compaction" => match rest.first().and_then(|r| r.parse::<i64>().ok()) {
            Some(revision) => {
                call(Request::Compact { revision, physical: false }, Format::Compaction(revision))
            }
            None => print_err("Error: compaction command needs 1 argument"),
        },
        other => print_err(format!(
            "Error: unknown command \"{other}\" for \"etcdctl\"\nRun 'etcdctl --help' for usage."
        )),
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn push_kv(out: &mut Vec<String>, kv: &KeyValue, keys_only: bool, value_only: bool) {
    if !value_only {
        out.push(text(&kv.key));
    }
    if !keys_only {
        out.push(text(&kv.value));
    }
}

/// Lines a watch prints for `events`.
pub fn watch_lines(events: &[Event]) -> Vec<String> {
    let mut out = Vec::new();
    for e in events {
        match e.kind {
            EventType::Put => {
                out.push("PUT".to_string());
                out.push(text(&e.kv.key));
                out.push(text(&e.kv.value));
            }
            EventType::Delete => {
                out.push("DELETE".to_string());
                out.push(text(&e.kv.key));
            }
        }
    }
    out
}

/// What a finished call prints: (stdout lines, stderr lines).
/// `endpoint_url` names the endpoint for `endpoint status|health`.
pub fn format_result(
    format: Format,
    result: &CallResult,
    endpoint_url: &str,
    took_ms: u64,
) -> (Vec<String>, Vec<String>) {
    let resp = match result {
        Ok(r) => r,
        Err(e) => {
            return match format {
                Format::EndpointHealth => (
                    Vec::new(),
                    vec![
                        format!("{endpoint_url} is unhealthy: failed to commit proposal: {e}"),
                        "Error: unhealthy cluster".to_string(),
                    ],
                ),
                Format::EndpointStatus => (
                    Vec::new(),
                    vec![format!(
                        "Failed to get the status of endpoint {endpoint_url} (context deadline exceeded)"
                    )],
                ),
                _ => (Vec::new(), vec![format!("Error: {e}")]),
            };
        }
    };
    let mut out = Vec::new();
    match (format, resp) {
        (Format::Put, Response::Put(_)) => out.push("OK".to_string()),
        (Format::Get { keys_only, value_only, count_only }, Response::Range(r)) => {
            if count_only {
                out.push(r.count.to_string());
            } else {
                for kv in &r.kvs {
                    push_kv(&mut out, kv, keys_only, value_only);
                }
            }
        }
        (Format::Del, Response::DeleteRange(r)) => out.push(r.deleted.to_string()),
        (Format::MemberList, Response::MemberList(r)) => {
            for m in &r.members {
                let started = if m.name.is_empty() { "unstarted" } else { "started" };
                out.push(format!(
                    "{:x}, {started}, {}, {}, {}, {}",
                    m.id,
                    m.name,
                    m.peer_urls.join(","),
                    m.client_urls.join(","),
                    m.is_learner
                ));
            }
        }
        (Format::EndpointStatus, Response::Status(s)) => out.push(format!(
            "{endpoint_url}, {:x}, {}, {}, {}, {}, {}, {}, {}, {}",
            s.header.member_id,
            s.version,
            human_bytes(s.db_size),
            s.leader == s.header.member_id,
            s.is_learner,
            s.raft_term,
            s.raft_index,
            s.raft_applied_index,
            s.errors.join(", ")
        )),
        (Format::EndpointHealth, _) => out.push(format!(
            "{endpoint_url} is healthy: successfully committed proposal: took = {}.{:03}ms",
            took_ms,
            (took_ms * 137) % 1000
        )),
        (Format::SnapshotSave, Response::Snapshot(_)) => {}
        (Format::Compaction(rev), Response::Compact(_)) => out.push(format!("compacted revision {rev}")),
        (Format::Watch, _) => {}
        (_, _) => out.push("Error: unexpected response".to_string()),
    }
    (out, Vec::new())
}

/// etcd's humanized sizes (`20 kB`).
pub fn human_bytes(n: i64) -> String {
    let n = n.max(0) as f64;
    if n < 1000.0 {
        format!("{n} B")
    } else if n < 1_000_000.0 {
        format!("{:.0} kB", n / 1000.0)
    } else {
        format!("{:.1} MB", n / 1_000_000.0)
    }
}

/// The error etcdctl prints when a stream's member goes away.
pub fn stream_end(err: &ClientError) -> String {
    format!("Error: {err}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn words_quotes_and_heredocs() {
        assert_eq!(split_words(r#"put "a b" 'c' d\ e"#).unwrap(), ["put", "a b", "c", "d e"]);
        assert!(split_words("put 'a").is_err());
        assert!(needs_more("etcdctl put k <<EOF\n{\"a\": 1}"));
        assert!(!needs_more("etcdctl put k <<EOF\nv\nEOF"));
        match parse("etcdctl put k <<EOF\nline1\nline2\nEOF") {
            Parsed::Call { request: Request::Put(p), .. } => assert_eq!(p.value, b"line1\nline2"),
            other => panic!("{other:?}"),
        }
    }
}
