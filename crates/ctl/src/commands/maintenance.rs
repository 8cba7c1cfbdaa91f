//! `compaction`, `alarm list|disarm`, `defrag`, `move-leader`, `version` and `check perf|datascale`.

use mvcc::PutRequest;

use mvcc::ResponseHeader;
use server::{AlarmType, Request, Response};

use super::{Conn, bad_args, send};
use crate::client::Client;
use crate::cluster::{API_VERSION, VERSION};
use crate::console::{Console, Exec};
use crate::flags::{Parsed, parse_dec_i64, parse_hex_u64};
use crate::output::{Output, exit};
use crate::printers::{Format, json};

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
    if con.sim_backed {
        let mut conn = match Conn::open_sim(con, p) {
            Ok(c) => c,
            Err(e) => return e,
        };
        send!(conn, con, Request::Compact { revision: rev, physical: p.bool("physical") }, Response::Compact);
        return conn.ok(Output::ok(format!("compacted revision {rev}\n")));
    }
    let conn = match Conn::open(con, p, true) {
        Ok(c) => c,
        Err(e) => return e,
    };
    if let Err(e) = conn.check_admin(con) {
        return e;
    }
    if let Err(e) = con.cluster.store.compact(rev) {
        return conn.mvcc_fail(con, &e);
    }
    con.cluster.commit();
    conn.ok(Output::ok(format!("compacted revision {rev}\n")))
}

fn alarms_out(con: &Console, conn: &Conn, alarms: &[crate::cluster::Alarm]) -> Exec {
    alarms_print(conn, &con.cluster.header(conn.member), alarms)
}

fn alarms_of(r: &server::AlarmResponse) -> Vec<crate::cluster::Alarm> {
    let kind = |a: AlarmType| a.to_string();
    r.alarms.iter().map(|a| crate::cluster::Alarm { member_id: a.member_id, kind: kind(a.alarm) }).collect()
}

fn alarms_print(conn: &Conn, header: &ResponseHeader, alarms: &[crate::cluster::Alarm]) -> Exec {
    let out = match conn.format() {
        Format::Json => {
            if alarms.is_empty() {
                "{}\n".to_string()
            } else {
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
                format!("{{\"header\":{},\"alarms\":[{}]}}\n", json::header(header), items.join(","))
            }
        }
        Format::Table => return conn.unsupported(),
        _ => alarms.iter().map(|a| format!("memberID:{} alarm:{} \n", a.member_id, a.kind)).collect(),
    };
    conn.ok(Output::ok(out))
}

/// `alarm list`.
pub(crate) fn alarm_list(con: &mut Console, p: &Parsed) -> Exec {
    if con.sim_backed {
        let mut conn = match Conn::open_sim(con, p) {
            Ok(c) => c,
            Err(e) => return e,
        };
        let r = send!(conn, con, Request::AlarmList, Response::Alarm);
        return alarms_print(&conn, &r.header, &alarms_of(&r));
    }
    let conn = match Conn::open(con, p, true) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let alarms = con.cluster.alarms.clone();
    alarms_out(con, &conn, &alarms)
}

/// `alarm disarm`.
pub(crate) fn alarm_disarm(con: &mut Console, p: &Parsed) -> Exec {
    if con.sim_backed {
        let mut conn = match Conn::open_sim(con, p) {
            Ok(c) => c,
            Err(e) => return e,
        };
        let disarm = Request::AlarmDisarm { member_id: 0, alarm: AlarmType::None };
        let r = send!(conn, con, disarm, Response::Alarm);
        return alarms_print(&conn, &r.header, &alarms_of(&r));
    }
    let conn = match Conn::open(con, p, true) {
        Ok(c) => c,
        Err(e) => return e,
    };
    if let Err(e) = conn.check_admin(con) {
        return e;
    }
    let alarms = std::mem::take(&mut con.cluster.alarms);
    if !alarms.is_empty() {
        con.cluster.commit();
    }
    alarms_out(con, &conn, &alarms)
}

/// `defrag [--cluster]`.
pub(crate) fn defrag(con: &mut Console, p: &Parsed) -> Exec {
    let client = match Client::from_flags(p, &con.vfs) {
        Ok(c) => c,
        Err(o) => return o.into(),
    };
    if con.sim_backed {
        return defrag_sim(con, p, client);
    }
    let eps: Vec<String> = if p.bool("cluster") {
        let mut ms = con.cluster.members.clone();
        ms.sort_by_key(|m| m.id);
        ms.iter().flat_map(|m| m.client_urls.clone()).collect()
    } else {
        client.endpoints.clone()
    };
    let mut out = Output::default();
    let mut elapsed = 1;
    for ep in eps {
        let one = Client { endpoints: vec![ep.clone()], ..client.clone() };
        match one.reach(&mut con.cluster, false) {
            Ok(_) => {
                con.cluster.store.defrag();
                out.println(format!("Finished defragmenting etcd member[{ep}]"));
            }
            Err(f) => {
                elapsed += f.elapsed_ms;
                out.stderr.push_str(&crate::client::retry_warning(
                    con.cluster.now_ms + elapsed,
                    &ep,
                    "DeadlineExceeded",
                    "context deadline exceeded",
                ));
                out.eprintln(format!("Failed to defragment etcd member[{ep}] (context deadline exceeded)"));
                out.exit = exit::ERROR;
            }
        }
    }
    Exec::took(out, elapsed)
}

/// `defrag` on the simulated cluster: one Defragment request per endpoint
/// (`--cluster`: every member's client URL from `member list`).
fn defrag_sim(con: &mut Console, p: &Parsed, client: Client) -> Exec {
    let eps: Vec<String> = if p.bool("cluster") {
        let mut conn = match Conn::open_sim(con, p) {
            Ok(c) => c,
            Err(e) => return e,
        };
        let r = send!(conn, con, Request::MemberList, Response::MemberList);
        r.members.iter().flat_map(|m| m.client_urls.iter().map(|u| con.backend.url(u))).collect()
    } else {
        client.endpoints.clone()
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
                out.stderr.push_str(&crate::client::retry_warning(
                    con.backend.clock_ms(),
                    &ep,
                    "DeadlineExceeded",
                    &e.to_string(),
                ));
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
    if con.sim_backed {
        return move_leader_sim(con, p, client, target);
    }
    let leader = con.cluster.leader_index();
    let leader_ep =
        client.endpoints.iter().find(|ep| con.cluster.member_at(ep).is_some_and(|i| Some(i) == leader));
    let Some(leader_ep) = leader_ep.cloned() else {
        if leader.is_none() {
            let f = client.reach(&mut con.cluster, true).err();
            if let Some(f) = f {
                return Exec::took(f.out, f.elapsed_ms);
            }
        }
        return bad_args(format!("no leader endpoint given at [{}]", client.endpoints.join(" ")));
    };
    let one = Client { endpoints: vec![leader_ep], ..client };
    let conn = match Conn::open(con, p, true) {
        Ok(mut c) => {
            c.client = one;
            c
        }
        Err(e) => return e,
    };
    if let Err(e) = conn.check_admin(con) {
        return e;
    }
    let Some(t) = con.cluster.members.iter().position(|m| m.id == target && !m.is_learner && m.up) else {
        return conn.fail(con, "FailedPrecondition", "etcdserver: bad leader transferee");
    };
    let from = con.cluster.leader.unwrap_or(0);
    if from != target {
        let _ = con.cluster.campaign(t);
    }
    conn.ok(Output::ok(format!("Leadership transferred from {from:x} to {target:x}\n")))
}

/// `move-leader` on the simulated cluster: etcdctl asks each endpoint's
/// status for the leader and sends MoveLeader to the leader's endpoint.
fn move_leader_sim(con: &mut Console, p: &Parsed, client: Client, target: u64) -> Exec {
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
            let mut conn = match Conn::open_sim(con, p) {
                Ok(c) => c,
                Err(e) => return e,
            };
            if let Err(e) = conn.send(con, Request::MoveLeader { target }) {
                return e;
            }
        }
        return bad_args(format!("no leader endpoint given at [{}]", client.endpoints.join(" ")));
    };
    let mut conn = match Conn::open_sim(con, p) {
        Ok(c) => c,
        Err(e) => return e,
    };
    conn.client = Client { endpoints: vec![ep], ..client };
    conn.endpoint = leader;
    send!(conn, con, Request::MoveLeader { target }, Response::MoveLeader);
    conn.ok(Output::ok(format!("Leadership transferred from {from:x} to {target:x}\n")))
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
    if con.sim_backed {
        return super::perf::check_perf(con, p, rate, clients, size, expected);
    }
    let conn = match Conn::open(con, p, true) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let prefix = p.get("prefix").to_string();
    let duration_s = 60u64;
    let total = rate * duration_s;
    let mut worst_ms = 0u64;
    let mut sum = 0f64;
    let mut sum_sq = 0f64;
    let mut done = 0u64;
    let value = vec![b'x'; size];
    for n in 0..total {
        if con.cluster.leader.is_none() {
            break;
        }
        let lat = con.cluster.latency_ms() + (n % clients) / 50;
        worst_ms = worst_ms.max(lat);
        sum += lat as f64;
        sum_sq += (lat * lat) as f64;
        let key = format!("{prefix}{:08}", n % 10_000).into_bytes();
        if con.cluster.store.put(&PutRequest { key, value: value.clone(), ..PutRequest::default() }).is_err()
        {
            break;
        }
        con.cluster.commit();
        done += 1;
        if n % rate == rate - 1 {
            con.advance(1000);
        }
    }
    let del = mvcc::DeleteRangeRequest {
        key: prefix.clone().into_bytes(),
        range_end: mvcc::prefix_end(prefix.as_bytes()),
        ..Default::default()
    };
    let _ = con.cluster.store.delete_range(&del);
    if p.bool("auto-compact") {
        let rev = con.cluster.store.current_revision();
        let _ = con.cluster.store.compact(rev);
    }
    if p.bool("auto-defrag") {
        con.cluster.store.defrag();
    }
    let n = done.max(1) as f64;
    let mean = sum / n;
    let stddev = (sum_sq / n - mean * mean).max(0.0).sqrt();
    let _ = conn;
    Exec::took(perf_report(duration_s, done, expected, worst_ms, stddev), 1)
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
    if con.sim_backed {
        return super::perf::check_datascale(con, p);
    }
    let conn = match Conn::open(con, p, true) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let (keys, size) = match p.get("load") {
        "s" => (10_000usize, 1024usize),
        "m" => (100_000, 1024),
        "l" => (1_000_000, 1024),
        "xl" => (3_000_000, 1000),
        other => return Output::error(format!("unknown load option {other}"), exit::BAD_FEATURE).into(),
    };
    let before = con.cluster.store.heap_bytes();
    let n = keys.min(20_000);
    let prefix = p.get("prefix").to_string();
    for i in 0..n {
        let key = format!("{prefix}{i:08}").into_bytes();
        let _ = con.cluster.store.put(&PutRequest { key, value: vec![b'x'; size], ..PutRequest::default() });
    }
    let after = con.cluster.store.heap_bytes();
    let del = mvcc::DeleteRangeRequest {
        key: prefix.clone().into_bytes(),
        range_end: mvcc::prefix_end(prefix.as_bytes()),
        ..Default::default()
    };
    let _ = con.cluster.store.delete_range(&del);
    con.cluster.commit();
    let per_key = (after.saturating_sub(before)) as f64 / n as f64;
    let mb = per_key * keys as f64 / 1e6;
    let _ = conn;
    Exec::took(
        Output::ok(format!(
            "Start data scale check for work load [{keys} key-value pairs, {size} bytes per key-value, 50 concurrent clients].\nPASS: Approximate system memory used : {mb:.2} MB.\n"
        )),
        1000,
    )
}
