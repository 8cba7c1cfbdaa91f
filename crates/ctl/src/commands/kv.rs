//! `get`, `put` and `del`: argument checks, the request, and every output format.

use mvcc::{
    DeleteRangeRequest, DeleteRangeResponse, KeyValue, PutRequest, PutResponse, RangeRequest, RangeResponse,
    SortOrder, SortTarget, prefix_end,
};

use server::{Request, Response};

use super::{Conn, bad_args, protobuf_out, send};
use crate::console::{Console, Exec};
use crate::flags::{Parsed, parse_hex_i64};
use crate::output::{Output, exit};
use crate::printers::{Format, bytes_str, fields, json, protobuf};

/// The simple printer's key/value lines.
pub(crate) fn simple_kv(out: &mut String, kv: &KeyValue, hex: bool, value_only: bool) {
    if !value_only {
        out.push_str(&bytes_str(&kv.key, hex));
        out.push('\n');
    }
    out.push_str(&bytes_str(&kv.value, hex));
    out.push('\n');
}

/// Builds the range request of `get` (and txn's `get`) from its flags and args.
pub(crate) fn range_request(p: &Parsed, args: &[String]) -> Result<RangeRequest, Output> {
    let bad = |m: &str| Output::error(m, exit::BAD_ARGS);
    if args.is_empty() {
        return Err(bad("get command needs one argument as key and an optional argument as range_end"));
    }
    let (prefix, from_key) = (p.bool("prefix"), p.bool("from-key"));
    if prefix && from_key {
        return Err(bad("`--prefix` and `--from-key` cannot be set at the same time, choose one"));
    }
    if p.bool("keys-only") && p.bool("count-only") {
        return Err(bad("`--keys-only` and `--count-only` cannot be set at the same time, choose one"));
    }
    let serializable = match p.get("consistency") {
        "s" => true,
        "l" => false,
        other => return Err(Output::error(format!("unknown consistency flag {other:?}"), exit::BAD_FEATURE)),
    };
    let mut req = RangeRequest { key: args[0].clone().into_bytes(), serializable, ..RangeRequest::default() };
    if args.len() > 1 {
        if prefix || from_key {
            return Err(bad(
                "too many arguments, only accept one argument when `--prefix` or `--from-key` is set",
            ));
        }
        req.range_end = args[1].clone().into_bytes();
    }
    req.limit = p.int("limit");
    req.revision = p.int("rev").max(0);
    let order = match p.get("order").to_uppercase().as_str() {
        "ASCEND" => SortOrder::Ascend,
        "DESCEND" => SortOrder::Descend,
        "" => SortOrder::None,
        _ => return Err(Output::error(format!("bad sort order {}", p.get("order")), exit::BAD_FEATURE)),
    };
    let target = match p.get("sort-by").to_uppercase().as_str() {
        "CREATE" => SortTarget::Create,
        "KEY" | "" => SortTarget::Key,
        "MODIFY" => SortTarget::Mod,
        "VALUE" => SortTarget::Value,
        "VERSION" => SortTarget::Version,
        _ => return Err(Output::error(format!("bad sort target {}", p.get("sort-by")), exit::BAD_FEATURE)),
    };
    // clientv3.WithSort drops an ascending key sort; the server sorts other
    // targets ascending when no order is given.
    req.sort_target = target;
    req.sort_order = match (target, order) {
        (SortTarget::Key, SortOrder::Ascend) => SortOrder::None,
        (t, SortOrder::None) if t != SortTarget::Key => SortOrder::Ascend,
        (_, o) => o,
    };
    if prefix {
        if req.key.is_empty() {
            req.key = vec![0];
            req.range_end = vec![0];
        } else {
            req.range_end = prefix_end(&req.key);
        }
    }
    if from_key {
        if req.key.is_empty() {
            req.key = vec![0];
        }
        req.range_end = vec![0];
    }
    req.keys_only = p.bool("keys-only");
    req.count_only = p.bool("count-only");
    Ok(req)
}

/// `etcdctl get`.
pub(crate) fn get(con: &mut Console, p: &Parsed) -> Exec {
    let req = match range_request(p, &p.args) {
        Ok(r) => r,
        Err(o) => return o.into(),
    };
    get_sim(con, p, req)
}

/// `etcdctl get` on the simulated cluster: ReadIndex for a linearizable
/// read, the local store for `--consistency=s`.
fn get_sim(con: &mut Console, p: &Parsed, req: RangeRequest) -> Exec {
    let mut conn = match Conn::open_sim(con, p) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let count_only = req.count_only;
    let serializable = req.serializable;
    let resp = send!(conn, con, Request::Range { req, serializable }, Response::Range);
    // etcdctl checks these against the printer after the read came back.
    if count_only && conn.format() != Format::Fields {
        return bad_args("--count-only is only for `--write-out=fields`");
    }
    if p.bool("print-value-only") && conn.format() != Format::Simple {
        return bad_args("print-value-only is only for `--write-out=simple`");
    }
    print_range(&conn, &resp, p.bool("print-value-only"))
}

fn print_range(conn: &Conn, r: &RangeResponse, value_only: bool) -> Exec {
    let hex = conn.client.hex;
    let out = match conn.format() {
        Format::Simple => {
            let mut s = String::new();
            for kv in &r.kvs {
                simple_kv(&mut s, kv, hex, value_only);
            }
            s
        }
        Format::Json => format!("{}\n", range_json(r)),
        Format::Fields => {
            let mut s = String::new();
            fields::header(&mut s, &r.header);
            for kv in &r.kvs {
                fields::kv(&mut s, kv, hex);
            }
            s.push_str(&format!("\"More\" : {}\n\"Count\" : {}\n", r.more, r.count));
            s
        }
        Format::Table => return conn.unsupported(),
        Format::Protobuf => return conn.ok(protobuf_out(range_pb(r).end())),
    };
    conn.ok(Output::ok(out))
}

/// `RangeResponse` as JSON.
pub(crate) fn range_json(r: &RangeResponse) -> String {
    json::Obj::new()
        .raw("header", json::header(&r.header))
        .arr("kvs", r.kvs.iter().map(json::kv).collect())
        .flag("more", r.more)
        .num("count", r.count as i128)
        .end()
}

/// `RangeResponse` in protobuf.
pub(crate) fn range_pb(r: &RangeResponse) -> protobuf::Msg {
    let mut m = protobuf::Msg::new().msg(1, protobuf::header(&r.header));
    for kv in &r.kvs {
        m = m.msg(2, protobuf::kv(kv));
    }
    m.boolean(3, r.more).int(4, r.count)
}

/// Builds `put`'s request; `stdin` supplies a missing value.
pub(crate) fn put_request(p: &Parsed, args: &[String], stdin: Option<&str>) -> Result<PutRequest, Output> {
    let need =
        || Output::error("put command needs 1 argument and input from stdin or 2 arguments", exit::BAD_ARGS);
    let Some(key) = args.first() else { return Err(need()) };
    let ignore_value = p.bool("ignore-value");
    if ignore_value && args.len() > 1 {
        return Err(Output::error(
            "put command needs only 1 argument when 'ignore-value' is set",
            exit::BAD_ARGS,
        ));
    }
    let mut value = String::new();
    if !ignore_value {
        value = match (args.get(1), stdin) {
            (Some(v), _) => v.clone(),
            (None, Some(s)) if !s.is_empty() => s.to_string(),
            _ => return Err(need()),
        };
    }
    let lease = parse_hex_i64(p.get("lease"))
        .map_err(|e| Output::error(format!("bad lease ID ({e}), expecting ID in Hex"), exit::BAD_ARGS))?;
    Ok(PutRequest {
        key: key.clone().into_bytes(),
        value: value.into_bytes(),
        lease,
        prev_kv: p.bool("prev-kv"),
        ignore_value,
        ignore_lease: p.bool("ignore-lease"),
    })
}

/// `etcdctl put`.
pub(crate) fn put(con: &mut Console, p: &Parsed, stdin: Option<&str>) -> Exec {
    let req = match put_request(p, &p.args, stdin) {
        Ok(r) => r,
        Err(o) => return o.into(),
    };
    let mut conn = match Conn::open_sim(con, p) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let resp = send!(conn, con, Request::Put(req), Response::Put);
    print_put(&conn, &resp)
}

fn print_put(conn: &Conn, r: &PutResponse) -> Exec {
    let hex = conn.client.hex;
    let out = match conn.format() {
        Format::Simple => {
            let mut s = String::from("OK\n");
            if let Some(kv) = &r.prev_kv {
                simple_kv(&mut s, kv, hex, false);
            }
            s
        }
        Format::Json => format!("{}\n", put_json(r)),
        Format::Fields => {
            let mut s = String::new();
            fields::header(&mut s, &r.header);
            if let Some(kv) = &r.prev_kv {
                prefixed_kv(&mut s, "Prev", kv);
            }
            s
        }
        Format::Table => return conn.unsupported(),
        Format::Protobuf => return conn.ok(protobuf_out(put_pb(r).end())),
    };
    conn.ok(Output::ok(out))
}

/// The fields printer's `kv` with a prefix (`PrevKey`, ...).
pub(crate) fn prefixed_kv(s: &mut String, pfx: &str, kv: &KeyValue) {
    let mut inner = String::new();
    fields::kv(&mut inner, kv, false);
    for line in inner.lines() {
        s.push_str(&format!("\"{pfx}{}\n", &line[1..]));
    }
}

/// `PutResponse` as JSON.
pub(crate) fn put_json(r: &PutResponse) -> String {
    let mut o = json::Obj::new().raw("header", json::header(&r.header));
    if let Some(kv) = &r.prev_kv {
        o = o.raw("prev_kv", json::kv(kv));
    }
    o.end()
}

/// `PutResponse` in protobuf.
pub(crate) fn put_pb(r: &PutResponse) -> protobuf::Msg {
    let mut m = protobuf::Msg::new().msg(1, protobuf::header(&r.header));
    if let Some(kv) = &r.prev_kv {
        m = m.msg(2, protobuf::kv(kv));
    }
    m
}

/// Builds `del`'s request.
pub(crate) fn del_request(p: &Parsed, args: &[String]) -> Result<DeleteRangeRequest, Output> {
    let bad = |m: &str| Output::error(m, exit::BAD_ARGS);
    if args.is_empty() || args.len() > 2 {
        return Err(bad("del command needs one argument as key and an optional argument as range_end"));
    }
    let (prefix, from_key) = (p.bool("prefix"), p.bool("from-key"));
    if prefix && from_key {
        return Err(bad("`--prefix` and `--from-key` cannot be set at the same time, choose one"));
    }
    let mut req = DeleteRangeRequest {
        key: args[0].clone().into_bytes(),
        prev_kv: p.bool("prev-kv"),
        ..Default::default()
    };
    if args.len() > 1 {
        if prefix || from_key {
            return Err(bad(
                "too many arguments, only accept one argument when `--prefix` or `--from-key` is set",
            ));
        }
        req.range_end = args[1].clone().into_bytes();
    }
    if prefix {
        if req.key.is_empty() {
            req.key = vec![0];
            req.range_end = vec![0];
        } else {
            req.range_end = prefix_end(&req.key);
        }
    }
    if from_key {
        if req.key.is_empty() {
            req.key = vec![0];
        }
        req.range_end = vec![0];
    }
    Ok(req)
}

/// `etcdctl del`.
pub(crate) fn del(con: &mut Console, p: &Parsed) -> Exec {
    let req = match del_request(p, &p.args) {
        Ok(r) => r,
        Err(o) => return o.into(),
    };
    let warning = if p.args.len() == 2 {
        "In etcd v3.6, the operation will be suspended for a few seconds to provide the user time to verify range.\n"
    } else {
        ""
    };
    let mut conn = match Conn::open_sim(con, p) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let resp = send!(conn, con, Request::DeleteRange(req), Response::DeleteRange);
    let mut exec = print_del(&conn, &resp);
    exec.out.stderr.insert_str(0, warning);
    exec
}

fn print_del(conn: &Conn, r: &DeleteRangeResponse) -> Exec {
    let hex = conn.client.hex;
    let out = match conn.format() {
        Format::Simple => {
            let mut s = format!("{}\n", r.deleted);
            for kv in &r.prev_kvs {
                simple_kv(&mut s, kv, hex, false);
            }
            s
        }
        Format::Json => format!("{}\n", del_json(r)),
        Format::Fields => {
            let mut s = String::new();
            fields::header(&mut s, &r.header);
            s.push_str(&format!("\"Deleted\" : {}\n", r.deleted));
            for kv in &r.prev_kvs {
                prefixed_kv(&mut s, "Prev", kv);
            }
            s
        }
        Format::Table => return conn.unsupported(),
        Format::Protobuf => return conn.ok(protobuf_out(del_pb(r).end())),
    };
    conn.ok(Output::ok(out))
}

/// `DeleteRangeResponse` as JSON.
pub(crate) fn del_json(r: &DeleteRangeResponse) -> String {
    json::Obj::new()
        .raw("header", json::header(&r.header))
        .num("deleted", r.deleted as i128)
        .arr("prev_kvs", r.prev_kvs.iter().map(json::kv).collect())
        .end()
}

/// `DeleteRangeResponse` in protobuf.
pub(crate) fn del_pb(r: &DeleteRangeResponse) -> protobuf::Msg {
    let mut m = protobuf::Msg::new().msg(1, protobuf::header(&r.header)).int(2, r.deleted);
    for kv in &r.prev_kvs {
        m = m.msg(3, protobuf::kv(kv));
    }
    m
}
