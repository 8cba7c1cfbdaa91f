//! `txn`: compares and two request lists read from standard input (a heredoc), and the txn printers.
//!
//! ```text
//! etcdctl txn <<EOF
//! mod("key1") > "0"          <- compares, up to an empty line
//!
//! put key1 "overwrote"       <- success requests, up to an empty line
//!
//! put key1 "created"         <- failure requests, up to an empty line
//!
//! EOF
//! ```

use mvcc::{
    Compare, CompareResult, CompareTarget, RequestOp, ResponseHeader, ResponseOp, TxnRequest, TxnResponse,
};
use slim::VecMap;

use super::kv::{self, del_json, del_pb, prefixed_kv, put_json, put_pb, range_json, range_pb, simple_kv};
use super::{Conn, protobuf_out};
use crate::console::{Console, Exec};
use crate::flags::{self, Parsed, parse_dec_i64, parse_hex_i64};
use crate::output::{Output, exit};
use crate::printers::{Format, fields, go_quote, json, protobuf};
use crate::shell::lexer;

/// Reads lines like Go's `bufio.Reader.ReadString('\n')`: a line without its newline is EOF.
struct Lines<'a> {
    rest: &'a str,
}

impl<'a> Lines<'a> {
    fn next_line(&mut self) -> Result<&'a str, Output> {
        match self.rest.find('\n') {
            Some(i) => {
                let line = &self.rest[..i];
                self.rest = &self.rest[i + 1..];
                Ok(line.trim())
            }
            None => Err(Output::error("EOF", exit::INVALID_INPUT)),
        }
    }
}

/// `etcdctl txn`.
pub(crate) fn run(con: &mut Console, p: &Parsed, stdin: Option<&str>) -> Exec {
    if !p.args.is_empty() {
        return super::bad_args("txn command does not accept argument");
    }
    let mut conn = match Conn::open_sim(con, p) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let interactive = p.bool("interactive");
    let mut prompts = String::new();
    let mut lines = Lines { rest: stdin.unwrap_or("") };
    let mut req = TxnRequest::default();
    let fail = |mut o: Output, prompts: &str| {
        o.stdout.insert_str(0, prompts);
        Exec::done(o)
    };
    if interactive {
        prompts.push_str("compares:\n");
    }
    loop {
        let line = match lines.next_line() {
            Ok(l) => l,
            Err(o) => return fail(o, &prompts),
        };
        if line.is_empty() {
            break;
        }
        match parse_compare(line) {
            Ok(c) => req.compare.push(c),
            Err(e) => return fail(Output::error(e, exit::INVALID_INPUT), &prompts),
        }
    }
    for (label, list) in
        [("success requests (get, put, del):\n", 0), ("failure requests (get, put, del):\n", 1)]
    {
        if interactive {
            prompts.push_str(label);
        }
        loop {
            let line = match lines.next_line() {
                Ok(l) => l,
                Err(o) => return fail(o, &prompts),
            };
            if line.is_empty() {
                break;
            }
            match parse_op(con, line) {
                Ok(op) => {
                    if list == 0 {
                        req.success.push(op)
                    } else {
                        req.failure.push(op)
                    }
                }
                Err(o) => return fail(o, &prompts),
            }
        }
    }
    let mut ex = match conn.send(con, server::Request::Txn(req)) {
        Ok(server::Response::Txn(resp)) => print(&conn, &resp),
        Ok(other) => conn.unexpected(&other),
        Err(e) => e,
    };
    ex.out.stdout.insert_str(0, &prompts);
    ex
}

/// Parses one compare line (`value("foo") = "bar"`) with etcdctl's errors.
pub(crate) fn parse_compare(line: &str) -> Result<Compare, String> {
    let Some((target, rest)) = line.split_once('(') else {
        return Err(format!("malformed comparison: {line}"));
    };
    // fmt.Sscanf(rest, "%q) %s %q", &key, &op, &val): on a failure etcdctl
    // prints the operands scanned so far, the others empty.
    let (mut key, mut op, mut val) = (String::new(), "", String::new());
    let scanned = (|| {
        let (k, rest) = go_quoted(rest.trim_start())?;
        key = k;
        let rest = rest.strip_prefix(')')?.trim_start();
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        (end > 0).then_some(())?;
        op = &rest[..end];
        let (v, _) = go_quoted(rest[end..].trim_start())?;
        val = v;
        Some(())
    })();
    if scanned.is_none() {
        return Err(format!(
            "malformed comparison: {line}; got {target}({}) {op} {}",
            go_quote(&key),
            go_quote(&val)
        ));
    }
    let int = |v: &str| parse_dec_i64(v).map_err(|_| format!("invalid txn compare request: {line}"));
    let t = match target {
        "ver" | "version" => CompareTarget::Version(int(&val)?),
        "c" | "create" => CompareTarget::Create(int(&val)?),
        "m" | "mod" => CompareTarget::Mod(int(&val)?),
        "val" | "value" => CompareTarget::Value(val.into_bytes()),
        "lease" => CompareTarget::Lease(
            parse_hex_i64(&val).map_err(|e| format!("invalid txn compare request: {line} ({e})"))?,
        ),
        _ => return Err(format!("malformed comparison: {line} (unknown target {target})")),
    };
    let result = match op {
        "=" | "==" => CompareResult::Equal,
        "!=" => CompareResult::NotEqual,
        ">" => CompareResult::Greater,
        "<" => CompareResult::Less,
        _ => return Err(format!("invalid txn compare request: {line} (unknown result op {op:?})")),
    };
    Ok(Compare { result, target: t, key: key.into_bytes(), range_end: Vec::new() })
}

/// A Go `%q` operand at the start of `s`: the unquoted text and the rest.
fn go_quoted(s: &str) -> Option<(String, &str)> {
    if let Some(body) = s.strip_prefix('`') {
        let end = body.find('`')?;
        return Some((body[..end].to_string(), &body[end + 1..]));
    }
    let body = s.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, &body[i + 1..])),
            '\\' => match chars.next()?.1 {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                '\\' => out.push('\\'),
                '"' => out.push('"'),
                '\'' => out.push('\''),
                c => {
                    out.push('\\');
                    out.push(c)
                }
            },
            c => out.push(c),
        }
    }
    None
}

/// Parses one request line (`put k v`, `get k --prefix`, `del k`) as etcdctl's inner cobra commands do.
fn parse_op(con: &Console, line: &str) -> Result<RequestOp, Output> {
    let args = lexer::split_words(line, &VecMap::new()).unwrap_or_default();
    if args.len() < 2 {
        return Err(Output::error(format!("invalid txn compare request: {line}"), exit::INVALID_INPUT));
    }
    let invalid = || Output::error(format!("invalid txn request: {line}"), exit::INVALID_INPUT);
    let name = match args[0].as_str() {
        "get" | "put" | "del" => args[0].clone(),
        other => {
            let matches: Vec<&str> =
                ["put", "get", "del"].into_iter().filter(|c| c.starts_with(other)).collect();
            if matches.len() != 1 {
                return Err(invalid());
            }
            matches[0].to_string()
        }
    };
    let mut spec = (*con.spec).clone();
    spec.global.clear();
    let cmd = spec.command(&name).cloned().ok_or_else(invalid)?;
    let p = flags::parse_flags(&spec, &cmd, &args[1..]).map_err(|_| {
        // The inner cobra command prints its default usage (to stderr) before the error.
        let mut o = invalid();
        let usage = format!("Usage:\n   {}\n\nFlags:\n{}\n", cmd.use_line(), cmd.flag_usages());
        o.stderr.insert_str(0, &usage);
        o
    })?;
    match name.as_str() {
        "get" => kv::range_request(&p, &p.args).map(RequestOp::Range),
        "put" => kv::put_request(&p, &p.args, None).map(RequestOp::Put),
        _ => kv::del_request(&p, &p.args).map(RequestOp::DeleteRange),
    }
}

fn print(conn: &Conn, r: &TxnResponse) -> Exec {
    let hex = conn.client.hex;
    let out = match conn.format() {
        Format::Simple => {
            let mut s = String::new();
            simple(&mut s, r, hex);
            s
        }
        Format::Json => format!("{}\n", txn_json(r)),
        Format::Fields => {
            let mut s = String::new();
            txn_fields(&mut s, r);
            s
        }
        Format::Table => return conn.unsupported(),
        Format::Protobuf => return conn.ok(protobuf_out(txn_pb(r).end())),
    };
    conn.ok(Output::ok(out))
}

fn simple(s: &mut String, r: &TxnResponse, hex: bool) {
    s.push_str(if r.succeeded { "SUCCESS\n" } else { "FAILURE\n" });
    for resp in &r.responses {
        s.push('\n');
        match resp {
            ResponseOp::Range(g) => g.kvs.iter().for_each(|kv| simple_kv(s, kv, hex, false)),
            ResponseOp::Put(pr) => {
                s.push_str("OK\n");
                if let Some(kv) = &pr.prev_kv {
                    simple_kv(s, kv, hex, false);
                }
            }
            ResponseOp::DeleteRange(d) => {
                s.push_str(&format!("{}\n", d.deleted));
                d.prev_kvs.iter().for_each(|kv| simple_kv(s, kv, hex, false));
            }
            ResponseOp::Txn(t) => simple(s, t, hex),
        }
    }
}

fn sub_header(h: &ResponseHeader) -> ResponseHeader {
    ResponseHeader { revision: h.revision, ..ResponseHeader::default() }
}

fn txn_json(r: &TxnResponse) -> String {
    let items = r
        .responses
        .iter()
        .map(|resp| {
            let (name, body) = match resp {
                ResponseOp::Range(g) => (
                    "ResponseRange",
                    range_json(&mvcc::RangeResponse { header: sub_header(&g.header), ..g.clone() }),
                ),
                ResponseOp::Put(pr) => (
                    "ResponsePut",
                    put_json(&mvcc::PutResponse { header: sub_header(&pr.header), ..pr.clone() }),
                ),
                ResponseOp::DeleteRange(d) => (
                    "ResponseDeleteRange",
                    del_json(&mvcc::DeleteRangeResponse { header: sub_header(&d.header), ..d.clone() }),
                ),
                ResponseOp::Txn(t) => {
                    ("ResponseTxn", txn_json(&TxnResponse { header: sub_header(&t.header), ..t.clone() }))
                }
            };
            format!("{{\"Response\":{{\"{name}\":{body}}}}}")
        })
        .collect();
    json::Obj::new()
        .raw("header", json::header(&r.header))
        .flag("succeeded", r.succeeded)
        .arr("responses", items)
        .end()
}

fn txn_fields(s: &mut String, r: &TxnResponse) {
    fields::header(s, &r.header);
    s.push_str(&format!("\"Succeeded\" : {}\n", r.succeeded));
    for resp in &r.responses {
        match resp {
            ResponseOp::Range(g) => {
                fields::header(s, &sub_header(&g.header));
                for kv in &g.kvs {
                    fields::kv(s, kv, false);
                }
                s.push_str(&format!("\"More\" : {}\n\"Count\" : {}\n", g.more, g.count));
            }
            ResponseOp::Put(pr) => {
                fields::header(s, &sub_header(&pr.header));
                if let Some(kv) = &pr.prev_kv {
                    prefixed_kv(s, "Prev", kv);
                }
            }
            ResponseOp::DeleteRange(d) => {
                fields::header(s, &sub_header(&d.header));
                s.push_str(&format!("\"Deleted\" : {}\n", d.deleted));
                for kv in &d.prev_kvs {
                    prefixed_kv(s, "Prev", kv);
                }
            }
            ResponseOp::Txn(t) => s.push_str(&format!("\"Unknown\" : {:?}\n", format!("{:?}", t.succeeded))),
        }
    }
}

fn txn_pb(r: &TxnResponse) -> protobuf::Msg {
    let mut m = protobuf::Msg::new().msg(1, protobuf::header(&r.header)).boolean(2, r.succeeded);
    for resp in &r.responses {
        let op = match resp {
            ResponseOp::Range(g) => protobuf::Msg::new()
                .msg(1, range_pb(&mvcc::RangeResponse { header: sub_header(&g.header), ..g.clone() })),
            ResponseOp::Put(pr) => protobuf::Msg::new()
                .msg(2, put_pb(&mvcc::PutResponse { header: sub_header(&pr.header), ..pr.clone() })),
            ResponseOp::DeleteRange(d) => protobuf::Msg::new()
                .msg(3, del_pb(&mvcc::DeleteRangeResponse { header: sub_header(&d.header), ..d.clone() })),
            ResponseOp::Txn(t) => protobuf::Msg::new()
                .msg(4, txn_pb(&TxnResponse { header: sub_header(&t.header), ..t.clone() })),
        };
        m = m.msg(3, op);
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares() {
        let c = parse_compare("value(\"foo\") = \"bar\"").unwrap();
        assert_eq!(c.key, b"foo");
        assert_eq!(c.target, CompareTarget::Value(b"bar".to_vec()));
        assert_eq!(
            parse_compare("bogus(\"foo\") = \"bar\"").unwrap_err(),
            "malformed comparison: bogus(\"foo\") = \"bar\" (unknown target bogus)"
        );
        assert!(matches!(parse_compare("mod(\"foo\") > \"0\"").unwrap().target, CompareTarget::Mod(0)));
        // etcdctl prints no strconv detail for a bad number.
        assert_eq!(
            parse_compare("mod(\"k\") = \"x\"").unwrap_err(),
            "invalid txn compare request: mod(\"k\") = \"x\""
        );
        // Sscanf's operands so far, the rest empty: `%s(%q) %s %q` keeps both spaces.
        assert_eq!(
            parse_compare("mod(k) = 1").unwrap_err(),
            "malformed comparison: mod(k) = 1; got mod(\"\")  \"\""
        );
        assert_eq!(
            parse_compare("value(\"k\") = v").unwrap_err(),
            "malformed comparison: value(\"k\") = v; got value(\"k\") = \"\""
        );
    }
}
