//! `compaction`, `alarm list|disarm`, `defrag`, `move-leader`, `version` and `check perf|datascale`.

use mvcc::ResponseHeader;
use server::{AlarmType, Request, Response};

use super::{Conn, bad_args, send};
use crate::client::Client;
use crate::console::{Console, Exec};
use crate::flags::{Parsed, parse_dec_i64, parse_hex_u64};
use crate::output::{Output, exit};
use crate::printers::{Format, json, protobuf};
use crate::{API_VERSION, VERSION};

/// `etcdctl version`.
pub(crate) fn version() -> Exec {
    Output::ok(format!("etcdctl version: {VERSION}\nAPI version: {API_VERSION}\n")).into()
}

/// `compaction REV [--physical]`.
pub(crate) fn compaction(con: &mut Console, p: &Parsed) -> Exec {
    if p.args.len() != 1 {
        return bad_args("compaction command needs 1 argument");
    }
    let rev = match parse_dec_i64(&p.args[0]) {
        Ok(r) => r,
        Err(e) => return Output::error(e, exit::ERROR).into(),
    };
    let mut conn = match Conn::open_sim(con, p) {
        Ok(c) => c,
        Err(e) => return e,
    };
    send!(conn, con, Request::Compact { revision: rev, physical: p.bool("physical") }, Response::Compact);
    conn.ok(Output::ok(format!("compacted revision {rev}\n")))
}

/// One raised alarm as etcdctl prints it.
struct Alarm {
    member_id: u64,
    kind: String,
}

fn alarms_of(r: &server::AlarmResponse) -> Vec<Alarm> {
    let kind = |a: AlarmType| a.to_string();
    r.alarms.iter().map(|a| Alarm { member_id: a.member_id, kind: kind(a.alarm) }).collect()
}

fn alarms_print(conn: &Conn, header: &ResponseHeader, alarms: &[Alarm]) -> Exec {
    let out = match conn.format() {
        // 3.5's maintenance server fills the header (3.4.23's sent none: `{}`).
        Format::Json => {
            let items: Vec<String> = alarms
                .iter()
                .map(|a| {
                    format!(
                        "{{\"memberID\":{},\"alarm\":{}}}",
                        a.member_id,
                        if a.kind == "NOSPACE" { 1 } else { 2 }
                    )
                })
                .collect();
            let mut o = json::Obj::new().raw("header", json::header(header));
            if !items.is_empty() {
                o = o.arr("alarms", items);
            }
            format!("{}\n", o.end())
        }
        Format::Fields => {
            let mut s = String::new();
            crate::printers::fields::header(&mut s, header);
            for a in alarms {
                s.push_str(&format!("\"MemberID\" : {}\n\"AlarmType\" : {}\n\n", a.member_id, a.kind));
            }
            s
        }
        Format::Protobuf => {
            let mut m = protobuf::Msg::new().msg(1, protobuf::header(header));
            for a in alarms {
                let kind = if a.kind == "NOSPACE" { 1 } else { 2 };
                m = m.msg(2, protobuf::Msg::new().uint(1, a.member_id).uint(2, kind));
            }
            return conn.ok(super::protobuf_out(m.end()));
        }
        Format::Table => return conn.unsupported(),
        Format::Simple => {
            alarms.iter().map(|a| format!("memberID:{} alarm:{} \n", a.member_id, a.kind)).collect()
        }
    };
    conn.ok(Output::ok(out))
}

/// `alarm list`.
pub(crate) fn alarm_list(con: &mut Console, p: &Parsed) -> Exec {
    if !p.args.is_empty() {
        return bad_args("alarm list command accepts no arguments");
    }
    let mut conn = match Conn::open_sim(con, p) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let r = send!(conn, con, Request::AlarmList, Response::Alarm);
    alarms_print(&conn, &r.header, &alarms_of(&r))
}

/// `alarm disarm`.
pub(crate) fn alarm_disarm(con: &mut Console, p: &Parsed) -> Exec {
    if !p.args.is_empty() {
        return bad_args("alarm disarm command accepts no arguments");
    }
    let mut conn = match Conn::open_sim(con, p) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let disarm = Request::AlarmDisarm { member_id: 0, alarm: AlarmType::None };
    let r = send!(conn, con, disarm, Response::Alarm);
    alarms_print(&conn, &r.header, &alarms_of(&r))
}

/// `defrag [--cluster]`.
pub(crate) fn defrag(con: &mut Console, p: &Parsed) -> Exec {
    let dir = p.get("data-dir");
    if !dir.is_empty() {
        // 3.5 defragments the directory as etcdutl does, and says so first.
        let mut out = Output::fail(
            "Use `etcdutl defrag` instead. The --data-dir is going to be decomissioned in v3.6.\n\n",
            0,
        );
        match crate::etcdutl::defrag_data(con, dir) {
            Ok(logs) => out.append(logs),
            Err(e) => out.append(Output::error(e, exit::ERROR)),
        }
        return out.into();
    }
    let client = match Client::from_flags(p, &con.vfs) {
        Ok(c) => c,
        Err(o) => return o.into(),
    };
    defrag_sim(con, p, client)
}

/// `defrag` on the simulated cluster: one Defragment request per endpoint
/// (`--cluster`: every member's client URL from `member list`).
fn defrag_sim(con: &mut Console, p: &Parsed, client: Client) -> Exec {
    // mustClientFromCmd asks for --user's password, endpointsFromCluster again.
    super::remote::ask_password(con, &client);
    let eps = match super::endpoint::targets(con, p, &client) {
        Ok(eps) => eps,
        Err(e) => return e,
    };
    let mut out = Output::default();
    for ep in eps {
        let one = Client { endpoints: vec![ep.clone()], ..client.clone() };
        let target = con.backend.member_at(&ep).filter(|m| m.running);
        let result = match target {
            Some(m) => con.backend.call(m.id, Request::Defrag, one.command_timeout_ms, None).0,
            None => {
                con.backend.advance(one.command_timeout_ms);
                Err(sim::ClientError::DeadlineExceeded)
            }
        };
        match result {
            Ok(_) => out.println(format!("Finished defragmenting etcd member[{ep}]")),
            Err(e) => {
                let code = match &e {
                    sim::ClientError::Server(err) => crate::client::grpc_code(err),
                    _ => "DeadlineExceeded",
                };
                out.eprint(crate::client::retry_warning(con.backend.clock_ms(), &ep, code, &e.to_string()));
                out.eprintln(format!("Failed to defragment etcd member[{ep}] ({e})"));
                out.exit = exit::ERROR;
            }
        }
    }
    out.into()
}

/// `move-leader ID`.
pub(crate) fn move_leader(con: &mut Console, p: &Parsed) -> Exec {
    if p.args.len() != 1 {
        return bad_args("move-leader command needs 1 argument");
    }
    let target = match parse_hex_u64(&p.args[0]) {
        Ok(t) => t,
        Err(e) => return bad_args(e),
    };
    let client = match Client::from_flags(p, &con.vfs) {
        Ok(c) => c,
        Err(o) => return o.into(),
    };
    let password = super::remote::ask_password(con, &client);
    move_leader_sim(con, p, client, target, password)
}

/// `move-leader` on the simulated cluster: etcdctl asks each endpoint's
/// status for the leader and sends MoveLeader to the leader's endpoint.
fn move_leader_sim(
    con: &mut Console,
    p: &Parsed,
    client: Client,
    target: u64,
    password: Option<String>,
) -> Exec {
    let mut leader_ep = None;
    for ep in &client.endpoints {
        let Some(m) = con.backend.member_at(ep).filter(|m| m.running) else { continue };
        if let (Ok(Response::Status(st)), _) =
            con.backend.call(m.id, Request::Status, client.command_timeout_ms, None)
            && st.leader == m.id
        {
            leader_ep = Some((ep.clone(), m.id, st.leader));
            break;
        }
    }
    let Some((ep, leader, from)) = leader_ep else {
        if con.backend.sim.leader().is_none() {
            let mut conn = match Conn::open_sim_asked(con, p, password.clone()) {
                Ok(c) => c,
                Err(e) => return e,
            };
            if let Err(e) = conn.send(con, Request::MoveLeader { target }) {
                return e;
            }
        }
        return bad_args(format!("no leader endpoint given at [{}]", client.endpoints.join(" ")));
    };
    let mut conn = match Conn::open_sim_asked(con, p, password.clone()) {
        Ok(c) => c,
        Err(e) => return e,
    };
    conn.client = Client { endpoints: vec![ep], ..client };
    conn.endpoint = leader;
    let h = send!(conn, con, Request::MoveLeader { target }, Response::MoveLeader);
    // The leadership moved; then the printer: JSON and protobuf print the
    // response (its header), the table and fields printers have no MoveLeader.
    match conn.format() {
        Format::Simple => {
            conn.ok(Output::ok(format!("Leadership transferred from {from:x} to {target:x}\n")))
        }
        Format::Json => {
            conn.ok(Output::ok(format!("{}\n", json::Obj::new().raw("header", json::header(&h)).end())))
        }
        Format::Protobuf => {
            conn.ok(super::protobuf_out(protobuf::Msg::new().msg(1, protobuf::header(&h)).end()))
        }
        Format::Table | Format::Fields => conn.unsupported(),
    }
}

/// `check perf [--load] [--prefix] [--auto-compact] [--auto-defrag]`: runs the workload in virtual time.
pub(crate) fn check_perf(con: &mut Console, p: &Parsed) -> Exec {
    let (rate, clients, size, expected) = match p.get("load") {
        "s" => (150u64, 50u64, 256usize, 150u64),
        "m" => (1000, 200, 256, 1000),
        "l" => (8000, 500, 256, 8000),
        "xl" => (15000, 1000, 256, 15000),
        other => {
            return Output::error(format!("unknown load option {other}"), exit::BAD_FEATURE).into();
        }
    };
    at_once(con, |con| super::perf::check_perf(con, p, rate, clients, size, expected))
}

/// `check perf`'s verdict: throughput, slowest request and stddev (ms) against the load's bars.
pub(crate) fn perf_report(duration_s: u64, done: u64, expected: u64, worst_ms: u64, stddev: f64) -> Output {
    let throughput = done / duration_s;
    let bar = "o".repeat(74);
    let mut out = Output::ok(format!(" {duration_s} / {duration_s} B{bar}! 100.00% 1m0s\n"));
    let mut ok = true;
    if throughput < expected * 9 / 10 {
        ok = false;
        out.println(format!("FAIL: Throughput too low: {throughput} writes/s"));
    } else {
        out.println(format!("PASS: Throughput is {throughput} writes/s"));
    }
    if worst_ms > 500 {
        ok = false;
        out.println(format!("Slowest request took too long: {:.6}s", worst_ms as f64 / 1000.0));
    } else {
        out.println(format!("PASS: Slowest request took {:.6}s", worst_ms as f64 / 1000.0));
    }
    if stddev > 100.0 {
        ok = false;
        out.println(format!("Stddev too high: {:.6}s", stddev / 1000.0));
    } else {
        out.println(format!("PASS: Stddev is {:.6}s", stddev / 1000.0));
    }
    if ok {
        out.println("PASS");
    } else {
        out.println("FAIL");
        out.exit = exit::ERROR;
    }
    out
}

/// `check datascale`: memory a workload takes, measured on the store.
pub(crate) fn check_datascale(con: &mut Console, p: &Parsed) -> Exec {
    at_once(con, |con| super::perf::check_datascale(con, p))
}

/// Runs a workload (`check perf`, `check datascale`) in virtual time at
/// once, also in page mode: the page's journal is set aside meanwhile.
fn at_once(con: &mut Console, f: impl FnOnce(&mut Console) -> Exec) -> Exec {
    let journal = con.backend.journal.take();
    let exec = f(con);
    con.backend.journal = journal;
    exec
}
