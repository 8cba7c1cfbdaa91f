//! `watch`: key, range or prefix, from a revision, with previous values; `-i` reads watch requests from standard input.

use mvcc::{WatchCreateRequest, WatchResponse, prefix_end};

use super::Conn;
use crate::console::{Console, Exec};
use crate::flags::Parsed;
use crate::output::{Output, exit};
use crate::printers::{Format, fields, json, protobuf};
use crate::stream::{Kind, Resume, Stream};

/// `etcdctl watch`.
pub(crate) fn run(con: &mut Console, p: &Parsed, stdin: Option<&str>) -> Exec {
    let (env_key, env_range) = p.watch_env.clone();
    if env_key.is_empty() && !env_range.is_empty() {
        return super::bad_args(format!(
            "ETCDCTL_WATCH_KEY is empty but got ETCDCTL_WATCH_RANGE_END={env_range:?}"
        ));
    }
    if p.bool("interactive") {
        return interactive(con, p, stdin);
    }
    let mut args: Vec<String> = p.args.clone();
    let mut exec = Vec::new();
    if let Some(i) = p.args_at_dash {
        exec = args.split_off(i.min(args.len()));
        if exec.is_empty() {
            return super::bad_args("bad number of arguments (found separator --, but no commands)");
        }
    }
    if args.is_empty() && env_key.is_empty() && exec.is_empty() {
        return super::bad_args("bad number of arguments");
    }
    if !args.is_empty() && !env_key.is_empty() {
        return super::bad_args("bad number of arguments (found conflicting environment key)");
    }
    if !env_key.is_empty() {
        args.push(env_key);
        if !env_range.is_empty() {
            args.push(env_range);
        }
    }
    let client = match crate::client::Client::from_flags(p, &con.vfs) {
        Ok(c) => c,
        Err(out) => return out.into(),
    };
    // etcdctl's getWatchChan: the key is required, a range end only when exactly two are given.
    if args.is_empty() {
        return super::bad_args("bad number of arguments");
    }
    let range_end = (args.len() == 2).then(|| args[1].clone());
    if range_end.is_some() && p.bool("prefix") {
        return super::bad_args("`range_end` and `--prefix` are mutually exclusive");
    }
    // No member takes the connection: clientv3's watch waits for one, with no deadline.
    if super::remote::pick(con, &client).is_none() {
        return Exec { out: Output::default(), elapsed_ms: 0, stream: Some(Stream::new(Kind::Dialing)) };
    }
    let conn = match Conn::open_sim(con, p) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let mut req = WatchCreateRequest {
        key: args[0].clone().into_bytes(),
        start_revision: p.int("rev"),
        prev_kv: p.bool("prev-kv"),
        progress_notify: p.bool("progress-notify"),
        ..WatchCreateRequest::default()
    };
    if let Some(end) = range_end {
        req.range_end = end.into_bytes();
    }
    if p.bool("prefix") {
        req.range_end = if req.key.is_empty() { vec![0] } else { prefix_end(&req.key) };
        if req.key.is_empty() {
            req.key = vec![0];
        }
    }
    let request =
        con.backend.open_stream(conn.endpoint, server::Request::Watch(req.clone()), conn.token.clone());
    let resume =
        Box::new(Resume { endpoint: conn.endpoint, token: conn.token.clone(), req, next_revision: 0 });
    let kind = Kind::SimWatch { request, format: conn.format(), hex: conn.client.hex, exec, resume };
    Exec { out: Output::default(), elapsed_ms: 0, stream: Some(Stream::new(kind)) }
}

/// `watch -i`: reads request lines (etcdctl's `watchInteractiveFunc`). A
/// bad line is reported on stderr and skipped; a bad `watch` line's
/// arguments end the command (exit 128); at the end of input etcdctl stops
/// with its read error (exit 3). The watches a good line opens print
/// nothing before that: etcdctl reads the whole heredoc at once.
fn interactive(con: &mut Console, p: &Parsed, stdin: Option<&str>) -> Exec {
    if let Err(e) = Conn::open_sim(con, p) {
        return e;
    }
    let (env_key, env_range) = p.watch_env.clone();
    let mut spec = (*con.spec).clone();
    spec.global.clear();
    let Some(cmd) = spec.command("watch").cloned() else {
        return Output::error("internal: command spec missing", exit::ERROR).into();
    };
    let mut notes = String::new();
    let mut rest = stdin.unwrap_or("");
    // bufio's ReadString('\n'): a last line without its newline is EOF.
    while let Some(i) = rest.find('\n') {
        let l = &rest[..i];
        rest = &rest[i + 1..];
        let args = match crate::goscan::argify(l) {
            Ok(a) => a,
            Err(e) => return failed(notes, Output::error(e, exit::INVALID_INPUT)),
        };
        match args.first().map(String::as_str) {
            None => notes.push_str(&format!("Invalid command: {l} (watch and progress supported)\n")),
            Some("watch") if args.len() < 2 && env_key.is_empty() => {
                notes.push_str(&format!("Invalid command {l} (command type or key is not provided)\n"))
            }
            Some("watch") => match watch_line(&spec, &cmd, &args[1..], &env_key, &env_range) {
                Ok(Ok(())) => {}
                Ok(Err(why)) => notes.push_str(&format!("Invalid command {l} ({why})\n")),
                Err(bad) => return failed(notes, Output::error(bad, exit::BAD_ARGS)),
            },
            Some("progress") => {}
            Some(_) => notes.push_str(&format!("Invalid command {l} (only support watch)\n")),
        }
    }
    failed(notes, Output::error("error reading watch request line: EOF", exit::INVALID_INPUT))
}

/// One `watch ...` line of `watch -i` (its words after `watch`): `Err` is a
/// bad-arguments error that ends etcdctl, `Ok(Err)` what `getWatchChan`
/// refused (the line is skipped).
fn watch_line(
    spec: &crate::spec::Spec,
    cmd: &crate::spec::CommandSpec,
    words: &[String],
    env_key: &str,
    env_range: &str,
) -> Result<Result<(), String>, String> {
    let sep = words.iter().position(|w| w == "--");
    if sep.is_some_and(|i| i + 1 == words.len()) {
        return Err("bad number of arguments (found separator --, but no commands)".to_string());
    }
    let parsed = crate::flags::parse_flags(spec, cmd, words)?;
    let positional = parsed.args.len();
    if sep.is_none() && env_key.is_empty() && positional < 1 {
        return Err("bad number of arguments".to_string());
    }
    if sep.is_none() && positional > 0 && !env_key.is_empty() {
        return Err("bad number of arguments (found conflicting environment key)".to_string());
    }
    let mut args: Vec<String> = Vec::new();
    if !env_key.is_empty() {
        args.push(env_key.to_string());
        if !env_range.is_empty() {
            args.push(env_range.to_string());
        }
    }
    args.extend(parsed.args.iter().cloned());
    if let Some(i) = sep {
        // Up to the last word that is the command's first.
        let first = &words[i + 1];
        let end = args.iter().rposition(|a| a == first).unwrap_or(0);
        args.truncate(end);
    }
    Ok(match args.len() {
        0 => Err("bad number of arguments".to_string()),
        2 if parsed.bool("prefix") => Err("`range_end` and `--prefix` are mutually exclusive".to_string()),
        _ => Ok(()),
    })
}

/// `watch -i`'s end: the notes it printed on stderr, then `last`.
fn failed(notes: String, last: Output) -> Exec {
    let mut out = Output::fail(notes, last.exit);
    out.append(last);
    Exec { out: Output::default(), elapsed_ms: 0, stream: Some(Stream::new(Kind::Failed(out))) }
}

/// One watch response in a format.
pub(crate) fn print_watch(r: &WatchResponse, format: Format, hex: bool) -> String {
    let mut s = String::new();
    match format {
        Format::Simple | Format::Table => {
            // (Table never gets here with events: the stream ends with etcdctl's error.)
            for e in &r.events {
                s.push_str(if e.kind == mvcc::EventType::Delete { "DELETE\n" } else { "PUT\n" });
                if let Some(prev) = &e.prev_kv {
                    super::kv::simple_kv(&mut s, prev, hex, false);
                }
                super::kv::simple_kv(&mut s, &e.kv, hex, false);
            }
        }
        Format::Json => {
            let events: Vec<String> = r
                .events
                .iter()
                .map(|e| {
                    let mut o = json::Obj::new().num("type", i128::from(e.kind == mvcc::EventType::Delete));
                    o = o.raw("kv", json::kv(&e.kv));
                    if let Some(p) = &e.prev_kv {
                        o = o.raw("prev_kv", json::kv(p));
                    }
                    o.end()
                })
                .collect();
            // A cancellation carries an empty list, other empty responses none.
            let events = match (events.is_empty(), r.canceled) {
                (true, true) => "[]".to_string(),
                (true, false) => "null".to_string(),
                _ => format!("[{}]", events.join(",")),
            };
            s.push_str(&format!(
                "{{\"Header\":{},\"Events\":{events},\"CompactRevision\":{},\"Canceled\":{},\"Created\":{}}}\n",
                json::header(&r.header),
                r.compact_revision,
                r.canceled,
                r.created
            ));
        }
        Format::Fields => {
            fields::header(&mut s, &r.header);
            for e in &r.events {
                s.push_str(&format!(
                    "\"Type\" : {}\n",
                    if e.kind == mvcc::EventType::Delete { "DELETE" } else { "PUT" }
                ));
                if let Some(prev) = &e.prev_kv {
                    super::kv::prefixed_kv(&mut s, "Prev", prev);
                }
                fields::kv(&mut s, &e.kv, hex);
            }
        }
        Format::Protobuf => {
            let mut m = protobuf::Msg::new().msg(1, protobuf::header(&r.header));
            for e in &r.events {
                m = m.msg(11, protobuf::event(e));
            }
            s.push_str(&String::from_utf8_lossy(&m.end()));
        }
    }
    s
}
