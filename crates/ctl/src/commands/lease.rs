//! `lease grant|revoke|timetolive|list|keep-alive` and their printers.

use mvcc::{LeaseKeepAliveResponse, ResponseHeader};

use server::{Request, Response};

use super::{Conn, bad_args, protobuf_out, send};
use crate::console::{Console, Exec};
use crate::flags::{Parsed, parse_dec_i64, parse_hex_i64};
use crate::output::{Output, exit};
use crate::printers::{Format, fields, json, protobuf};
use crate::stream::{Kind, Stream};

fn lease_arg(p: &Parsed, need: &str) -> Result<i64, Exec> {
    if p.args.len() != 1 {
        return Err(bad_args(need));
    }
    parse_hex_i64(&p.args[0]).map_err(|e| bad_args(format!("bad lease ID arg ({e}), expecting ID in Hex")))
}

fn flat_header(h: &ResponseHeader) -> json::Obj {
    json::header_fields(h)
}

/// `lease grant TTL`.
pub(crate) fn grant(con: &mut Console, p: &Parsed) -> Exec {
    if p.args.len() != 1 {
        return bad_args("lease grant command needs TTL argument");
    }
    let ttl = match parse_dec_i64(&p.args[0]) {
        Ok(t) => t,
        Err(e) => return bad_args(format!("bad TTL ({e})")),
    };
    let mut conn = match Conn::open_sim_for(con, p, "failed to grant lease") {
        Ok(c) => c,
        Err(e) => return e,
    };
    let (conn, h, r) = match conn.send(con, Request::LeaseGrant { ttl_seconds: ttl, id: 0 }) {
        Ok(Response::LeaseGrant(r)) => (conn, r.header.clone(), r),
        Ok(other) => return conn.unexpected(&other),
        Err(e) => return super::remote::wrap_error(e, "failed to grant lease"),
    };
    print_grant(&conn, &h, &r)
}

fn print_grant(conn: &Conn, h: &ResponseHeader, r: &mvcc::LeaseGrantResponse) -> Exec {
    let h = h.clone();
    let out = match conn.format() {
        Format::Simple => format!("lease {:016x} granted with TTL({}s)\n", r.id, r.ttl),
        Format::Json => format!(
            "{}\n",
            flat_header(&h)
                .num_always("ID", r.id as i128)
                .num_always("TTL", r.ttl as i128)
                .raw("Error", "\"\"")
                .end()
        ),
        Format::Fields => {
            let mut s = String::new();
            fields::header(&mut s, &h);
            s.push_str(&format!("\"ID\" : {}\n\"TTL\" : {}\n", r.id, r.ttl));
            s
        }
        Format::Table => return conn.unsupported(),
        Format::Protobuf => {
            return conn.ok(protobuf_out(
                protobuf::Msg::new().msg(1, protobuf::header(&h)).int(2, r.id).int(3, r.ttl).end(),
            ));
        }
    };
    conn.ok(Output::ok(out))
}

/// `lease revoke ID`.
pub(crate) fn revoke(con: &mut Console, p: &Parsed) -> Exec {
    let id = match lease_arg(p, "lease revoke command needs 1 argument") {
        Ok(id) => id,
        Err(e) => return e,
    };
    let mut conn = match Conn::open_sim_for(con, p, "failed to revoke lease") {
        Ok(c) => c,
        Err(e) => return e,
    };
    let (conn, h) = match conn.send(con, Request::LeaseRevoke { id }) {
        Ok(Response::LeaseRevoke(r)) => (conn, r.header),
        Ok(other) => return conn.unexpected(&other),
        Err(e) => return super::remote::wrap_error(e, "failed to revoke lease"),
    };
    let out = match conn.format() {
        Format::Simple => format!("lease {id:016x} revoked\n"),
        Format::Json => format!("{{\"header\":{}}}\n", json::header(&h)),
        Format::Fields => {
            let mut s = String::new();
            fields::header(&mut s, &h);
            s
        }
        Format::Table => return conn.unsupported(),
        Format::Protobuf => {
            return conn.ok(protobuf_out(protobuf::Msg::new().msg(1, protobuf::header(&h)).end()));
        }
    };
    conn.ok(Output::ok(out))
}

/// `lease timetolive ID [--keys]`.
pub(crate) fn timetolive(con: &mut Console, p: &Parsed) -> Exec {
    let id = match lease_arg(p, "lease timetolive command needs lease ID as argument") {
        Ok(id) => id,
        Err(e) => return e,
    };
    let keys_wanted = p.bool("keys");
    let mut conn = match Conn::open_sim(con, p) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let r = send!(conn, con, Request::LeaseTimeToLive { id, keys: keys_wanted }, Response::LeaseTimeToLive);
    let (conn, h, ttl, granted, keys) = (conn, r.header, r.ttl, r.granted_ttl, r.keys);
    let out = match conn.format() {
        Format::Simple => {
            if granted == 0 && ttl == -1 {
                format!("lease {id:016x} already expired\n")
            } else {
                let mut s = format!("lease {id:016x} granted with TTL({granted}s), remaining({ttl}s)");
                if keys_wanted {
                    let names: Vec<String> =
                        keys.iter().map(|k| String::from_utf8_lossy(k).into_owned()).collect();
                    s.push_str(&format!(", attached keys([{}])", names.join(" ")));
                }
                s.push('\n');
                s
            }
        }
        Format::Json => {
            let ks = if keys.is_empty() {
                "null".to_string()
            } else {
                format!(
                    "[{}]",
                    keys.iter()
                        .map(|k| json::string(&crate::printers::base64(k)))
                        .collect::<Vec<_>>()
                        .join(",")
                )
            };
            format!(
                "{}\n",
                flat_header(&h)
                    .num_always("id", id as i128)
                    .num_always("ttl", ttl as i128)
                    .num_always("granted-ttl", granted as i128)
                    .raw("keys", ks)
                    .end()
            )
        }
        Format::Fields => {
            let mut s = String::new();
            fields::header(&mut s, &h);
            s.push_str(&format!("\"ID\" : {id}\n\"TTL\" : {ttl}\n\"GrantedTTL\" : {granted}\n"));
            for k in &keys {
                s.push_str(&format!("\"Key\" : {}\n", crate::printers::go_quote_bytes(k)));
            }
            s
        }
        Format::Table => return conn.unsupported(),
        Format::Protobuf => {
            let mut m =
                protobuf::Msg::new().msg(1, protobuf::header(&h)).int(2, id).int(3, ttl).int(4, granted);
            for k in &keys {
                m = m.bytes(5, k);
            }
            return conn.ok(protobuf_out(m.end()));
        }
    };
    conn.ok(Output::ok(out))
}

/// `lease list`.
pub(crate) fn list(con: &mut Console, p: &Parsed) -> Exec {
    let mut conn = match Conn::open_sim(con, p) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let r = send!(conn, con, Request::LeaseLeases, Response::LeaseLeases);
    let (conn, h, ids) = (conn, r.header, r.leases);
    let out = match conn.format() {
        Format::Simple => {
            let mut s = format!("found {} leases\n", ids.len());
            for id in &ids {
                s.push_str(&format!("{id:016x}\n"));
            }
            s
        }
        Format::Json => {
            let items: Vec<String> = ids.iter().map(|id| format!("{{\"id\":{id}}}")).collect();
            format!("{}\n", flat_header(&h).arr("leases", items).end())
        }
        Format::Fields => {
            let mut s = String::new();
            fields::header(&mut s, &h);
            for id in &ids {
                s.push_str(&format!("\"ID\" : {id}\n"));
            }
            s
        }
        Format::Table => return conn.unsupported(),
        Format::Protobuf => {
            let mut m = protobuf::Msg::new().msg(1, protobuf::header(&h));
            for id in &ids {
                m = m.msg(2, protobuf::Msg::new().int(1, *id));
            }
            return conn.ok(protobuf_out(m.end()));
        }
    };
    conn.ok(Output::ok(out))
}

/// One keep-alive response in a format.
pub(crate) fn keepalive_text(r: &LeaseKeepAliveResponse, format: Format) -> String {
    match format {
        Format::Json => format!(
            "{}\n",
            flat_header(&r.header).num_always("ID", r.id as i128).num_always("TTL", r.ttl as i128).end()
        ),
        Format::Fields => {
            let mut s = String::new();
            fields::header(&mut s, &r.header);
            s.push_str(&format!("\"ID\" : {}\n\"TTL\" : {}\n", r.id, r.ttl));
            s
        }
        Format::Protobuf => String::from_utf8_lossy(
            &protobuf::Msg::new().msg(1, protobuf::header(&r.header)).int(2, r.id).int(3, r.ttl).end(),
        )
        .into_owned(),
        _ => format!("lease {:016x} keepalived with TTL({})\n", r.id, r.ttl),
    }
}

/// `lease keep-alive [--once] ID`.
pub(crate) fn keep_alive(con: &mut Console, p: &Parsed) -> Exec {
    let id = match lease_arg(p, "lease keep-alive command needs lease ID as argument") {
        Ok(id) => id,
        Err(e) => return e,
    };
    keep_alive_sim(con, p, id)
}

/// `lease keep-alive` on the simulated cluster: a keep-alive stream to the
/// member; `--once` waits for its first answer.
fn keep_alive_sim(con: &mut Console, p: &Parsed, id: i64) -> Exec {
    let conn = match Conn::open_sim(con, p) {
        Ok(c) => c,
        Err(e) => return e,
    };
    if conn.format() == Format::Table {
        return conn.unsupported();
    }
    let request = con.backend.open_stream(conn.endpoint, Request::LeaseKeepAlive { id }, conn.token.clone());
    if !p.bool("once") {
        let kind = Kind::SimKeepAlive {
            request,
            lease: id,
            format: conn.format(),
            endpoint: conn.endpoint,
            token: conn.token.clone(),
            renewed_ms: con.backend.clock_ms(),
            ttl_ms: 60_000,
        };
        return Exec { out: Output::default(), elapsed_ms: 0, stream: Some(Stream::new(kind)) };
    }
    let deadline = con.backend.clock_ms() + conn.client.command_timeout_ms;
    let sim = &mut con.backend.sim;
    sim.run_until(deadline, |s| {
        s.request_state(request).is_some_and(|c| !c.stream.is_empty() || c.is_done())
    });
    let first = sim.take_stream(request).into_iter().find_map(|i| match i {
        server::StreamItem::LeaseKeepAlive(r) => Some(r),
        server::StreamItem::Watch(_) => None,
    });
    let ended = sim.result(request).cloned();
    sim.cancel(request);
    match (first, ended) {
        (Some(r), _) if r.ttl > 0 => conn.ok(Output::ok(keepalive_text(&r, conn.format()))),
        (_, Some(Err(e))) => {
            let mut ex = conn.client_error(con, e);
            ex.out.exit = exit::BAD_CONNECTION;
            ex
        }
        _ => conn.ok(Output::error("etcdserver: requested lease not found", exit::BAD_CONNECTION)),
    }
}
