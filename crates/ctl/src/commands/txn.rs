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

use super::kv::{self, del_json, del_pb, prefixed_kv, put_json, put_pb, range_json, range_pb, simple_kv};
use super::{Conn, protobuf_out};
use crate::console::{Console, Exec};
use crate::flags::{self, Parsed, parse_dec_i64};
use crate::output::{Output, exit};
use crate::printers::{Format, fields, go_quote_bytes, json, protobuf};

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
            Err(CompareError::Invalid(e)) => return fail(Output::error(e, exit::INVALID_INPUT), &prompts),
            Err(CompareError::Panic(msg)) => {
                let target = line.split_once('(').map_or("", |(t, _)| t);
                return fail(compare_panic(msg, target), &prompts);
            }
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

/// Why a compare line was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum CompareError {
    /// etcdctl's error (`Error: ...`, exit 3).
    Invalid(String),
    /// clientv3's `Compare` panics (an operator it does not know, or a
    /// lease compare, whose value etcdctl passes as a string): the message.
    Panic(&'static str),
}

/// Parses one compare line (`value("foo") = "bar"`) as etcdctl's `parseCompare`.
pub(crate) fn parse_compare(line: &str) -> Result<Compare, CompareError> {
    let invalid = CompareError::Invalid;
    let Some((target, rest)) = line.split_once('(') else {
        return Err(invalid(format!("malformed comparison: {line}")));
    };
    // fmt.Sscanf(rest, "%q) %s %q", &key, &op, &val): on a failure etcdctl
    // prints the operands scanned so far, the others empty.
    let sc = crate::goscan::scan_compare(rest);
    if sc.n != 3 {
        return Err(invalid(format!(
            "malformed comparison: {line}; got {target}({}) {} {}",
            go_quote_bytes(&sc.key),
            sc.op,
            go_quote_bytes(&sc.val)
        )));
    }
    let (key, op, val) = (sc.key, sc.op.as_str(), sc.val);
    // clientv3.Compare checks the operator first (a panic), then the value.
    let result = || match op {
        "=" => Ok(CompareResult::Equal),
        "!=" => Ok(CompareResult::NotEqual),
        ">" => Ok(CompareResult::Greater),
        "<" => Ok(CompareResult::Less),
        _ => Err(CompareError::Panic("Unknown result op")),
    };
    let int = || {
        std::str::from_utf8(&val)
            .ok()
            .and_then(|v| parse_dec_i64(v).ok())
            .ok_or_else(|| invalid(format!("invalid txn compare request: {line}")))
    };
    let t = match target {
        "ver" | "version" => CompareTarget::Version(int()?),
        "c" | "create" => CompareTarget::Create(int()?),
        "m" | "mod" => CompareTarget::Mod(int()?),
        "val" | "value" => CompareTarget::Value(val.clone()),
        "lease" => {
            result()?;
            return Err(CompareError::Panic("bad value"));
        }
        _ => return Err(invalid(format!("malformed comparison: {line} (unknown target {target})"))),
    };
    Ok(Compare { result: result()?, target: t, key, range_end: Vec::new() })
}

/// What a Go panic in clientv3's `Compare` prints (exit 2), with the stack
/// of etcdctl 3.5's txn command (addresses as one run printed them).
fn compare_panic(msg: &str, target: &str) -> Output {
    let v = crate::VERSION;
    let cmd = "go.etcd.io/etcd/etcdctl/v3/ctlv3/command";
    let (line, frames) = if msg == "bad value" {
        (
            198,
            format!(
                "go.etcd.io/etcd/client/v3.mustInt64(...)\n\tgo.etcd.io/etcd/client/v3@v{v}/compare.go:130\n\
                 go.etcd.io/etcd/client/v3.mustInt64orLeaseID(...)\n\tgo.etcd.io/etcd/client/v3@v{v}/compare.go:139\n\
                 go.etcd.io/etcd/client/v3.Compare({{0x0, 0x4, {{0x0, 0x0, 0x0}}, {{0x0, 0x0}}, {{0x0, 0x0, 0x0}}}}, ...)\n\
                 \tgo.etcd.io/etcd/client/v3@v{v}/compare.go:64 +0x385\n"
            ),
        )
    } else {
        let (line, t) = match target {
            "ver" | "version" => (185, 0),
            "c" | "create" => (189, 1),
            "m" | "mod" => (193, 2),
            "lease" => (198, 4),
            _ => (196, 3),
        };
        (
            line,
            format!(
                "go.etcd.io/etcd/client/v3.Compare({{0x0, 0x{t:x}, {{0xc000216850, 0x1, 0x8}}, {{0x0, 0x0}}, {{0x0, 0x0, 0x0}}}}, ...)\n\
                 \tgo.etcd.io/etcd/client/v3@v{v}/compare.go:46 +0x3f1\n"
            ),
        )
    };
    Output::fail(
        format!(
            "panic: {msg}\n\ngoroutine 1 [running]:\n{frames}\
             {cmd}.parseCompare({{0xc000216830, 0xf}})\n\t{cmd}/txn_command.go:{line} +0x408\n\
             {cmd}.readCompares(0xc000235260?)\n\t{cmd}/txn_command.go:88 +0xa5\n\
             {cmd}.txnCommandFunc(0xc0001f2900?, {{0x1492a88?, 0x0?, 0x0?}})\n\t{cmd}/txn_command.go:55 +0x1f2\n\
             github.com/spf13/cobra.(*Command).execute(0xc0001f2900, {{0x1492a88, 0x0, 0x0}})\n\
             \tgithub.com/spf13/cobra@v1.1.3/command.go:856 +0x2c2\n\
             github.com/spf13/cobra.(*Command).ExecuteC(0x13b9920)\n\tgithub.com/spf13/cobra@v1.1.3/command.go:960 +0x375\n\
             github.com/spf13/cobra.(*Command).Execute(...)\n\tgithub.com/spf13/cobra@v1.1.3/command.go:897\n\
             go.etcd.io/etcd/etcdctl/v3/ctlv3.Start(...)\n\tgo.etcd.io/etcd/etcdctl/v3/ctlv3/ctl.go:107\n\
             go.etcd.io/etcd/etcdctl/v3/ctlv3.MustStart()\n\tgo.etcd.io/etcd/etcdctl/v3/ctlv3/ctl.go:111 +0x31\n\
             main.main()\n\tgo.etcd.io/etcd/etcdctl/v3/main.go:59 +0x1a5\n"
        ),
        exit::GO_PANIC,
    )
}

/// Parses one request line (`put k v`, `get k --prefix`, `del k`) as etcdctl's inner cobra commands do.
fn parse_op(con: &Console, line: &str) -> Result<RequestOp, Output> {
    let args = crate::goscan::argify(line).map_err(|e| Output::error(e, exit::INVALID_INPUT))?;
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

    fn err(line: &str) -> String {
        match parse_compare(line) {
            Err(CompareError::Invalid(e)) => e,
            other => panic!("{line}: {other:?}"),
        }
    }

    #[test]
    fn compares() {
        let c = parse_compare("value(\"foo\") = \"bar\"").unwrap();
        assert_eq!(c.key, b"foo");
        assert_eq!(c.target, CompareTarget::Value(b"bar".to_vec()));
        assert_eq!(
            err("bogus(\"foo\") = \"bar\""),
            "malformed comparison: bogus(\"foo\") = \"bar\" (unknown target bogus)"
        );
        assert!(matches!(parse_compare("mod(\"foo\") > \"0\"").unwrap().target, CompareTarget::Mod(0)));
        // etcdctl prints no strconv detail for a bad number.
        assert_eq!(err("mod(\"k\") = \"x\""), "invalid txn compare request: mod(\"k\") = \"x\"");
        // Sscanf's operands so far, the rest empty: `%s(%q) %s %q` keeps both spaces.
        assert_eq!(err("mod(k) = 1"), "malformed comparison: mod(k) = 1; got mod(\"\")  \"\"");
        assert_eq!(
            err("value(\"k\") = v"),
            "malformed comparison: value(\"k\") = v; got value(\"k\") = \"\""
        );
        assert_eq!(
            err("value(\"k\")=\"x\""),
            "malformed comparison: value(\"k\")=\"x\"; got value(\"k\")  \"\""
        );
        assert_eq!(
            err("value(\"a\\qb\") = \"x\""),
            "malformed comparison: value(\"a\\qb\") = \"x\"; got value(\"\")  \"\""
        );
        // A bad number is checked before the operator; then clientv3 panics.
        assert_eq!(err("mod(\"k\") == \"x\""), "invalid txn compare request: mod(\"k\") == \"x\"");
        assert_eq!(
            parse_compare("mod(\"k\") == \"1\"").unwrap_err(),
            CompareError::Panic("Unknown result op")
        );
        assert_eq!(
            parse_compare("value(\"k\") ~ \"1\"").unwrap_err(),
            CompareError::Panic("Unknown result op")
        );
        assert_eq!(parse_compare("lease(\"k\") = \"1\"").unwrap_err(), CompareError::Panic("bad value"));
        assert_eq!(
            parse_compare("lease(\"k\") == \"1\"").unwrap_err(),
            CompareError::Panic("Unknown result op")
        );
    }
}
