//! `endpoint health|status|hashkv` (with `--cluster`) and their printers.

use mvcc::ResponseHeader;
use server::{Request, Response};
use sim::ClientError;

use super::Conn;
use crate::client::{Client, retry_warning};
use crate::console::{Console, Exec};
use crate::flags::Parsed;
use crate::output::{Output, exit};
use crate::printers::{Format, go_quote, humanize_bytes, json, table};

/// The endpoints a command visits: `--endpoints`, or every member's client URL with `--cluster`.
/// etcdctl's endpointsFromCluster: `--endpoints`, or with `--cluster` every
/// member's client URLs from `member list`.
pub(crate) fn targets(con: &mut Console, p: &Parsed, client: &Client) -> Result<Vec<String>, Exec> {
    if !p.bool("cluster") {
        return Ok(client.endpoints.clone());
    }
    // etcdctl's endpointsFromCluster words its failure itself.
    let fetch = |ex: Exec| {
        super::remote::wrap_error_as(ex, |e| {
            format!("failed to fetch endpoints from etcd cluster member list: {e}")
        })
    };
    let mut conn = Conn::open_sim(con, p).map_err(fetch)?;
    match conn.send(con, Request::MemberList) {
        Ok(Response::MemberList(r)) => {
            Ok(r.members.iter().flat_map(|m| m.client_urls.iter().map(|u| con.backend.url(u))).collect())
        }
        Ok(other) => Err(conn.unexpected(&other)),
        Err(e) => Err(fetch(e)),
    }
}

/// The client settings of an endpoint command; etcdctl asks for `--user`'s
/// password here (and again when `--cluster` lists the members).
fn client_for(p: &Parsed, con: &mut Console) -> Result<Client, Exec> {
    let client = Client::from_flags(p, &con.vfs).map_err(Exec::done)?;
    super::remote::ask_password(con, &client);
    Ok(client)
}

/// Go's `time.Duration.String()` for a small duration given in microseconds.
fn go_duration_us(us: u64) -> String {
    if us < 1000 {
        format!("{us}µs")
    } else if us < 1_000_000 {
        let s = format!("{:.6}", us as f64 / 1000.0);
        format!("{}ms", s.trim_end_matches('0').trim_end_matches('.'))
    } else {
        let s = format!("{:.9}", us as f64 / 1e6);
        format!("{}s", s.trim_end_matches('0').trim_end_matches('.'))
    }
}

/// `endpoint health`.
pub(crate) fn health(con: &mut Console, p: &Parsed) -> Exec {
    let client = match client_for(p, con) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let eps = match targets(con, p, &client) {
        Ok(e) => e,
        Err(e) => return e,
    };
    let mut rows = Vec::new();
    let mut warnings = String::new();
    for ep in &eps {
        let one = Client { endpoints: vec![ep.clone()], ..client.clone() };
        let get = Request::Range {
            req: mvcc::RangeRequest { key: b"health".to_vec(), ..Default::default() },
            serializable: false,
        };
        let dials = super::remote::pick(con, &one).is_some();
        let (probe, took_ms) = sim_request(con, &one, get);
        // Permission denied is healthy: the read went through consensus.
        let probe = match probe {
            Ok(_) | Err(ClientError::Server(server::Error::PermissionDenied)) => Ok(()),
            Err(e) => Err(e.to_string()),
        };
        let took_us = measured_us(con, took_ms);
        let (ok, err) = match probe {
            // etcd 3.5: any alarm of the cluster (the list is cluster-wide)
            // makes every endpoint unhealthy, named one after another.
            Ok(()) => match sim_call(con, &one, Request::AlarmList) {
                Ok(Response::Alarm(a)) if !a.alarms.is_empty() => {
                    let mut e = String::from("Active Alarm(s): ");
                    for x in &a.alarms {
                        e.push_str(match x.alarm {
                            server::AlarmType::NoSpace => "NOSPACE ",
                            server::AlarmType::Corrupt => "CORRUPT ",
                            server::AlarmType::None => "UNKNOWN ",
                        });
                    }
                    (false, e)
                }
                Ok(_) => (true, String::new()),
                Err(_) => (false, "Unable to fetch the alarm list".to_string()),
            },
            Err(why) => {
                let desc = if dials { why.as_str() } else { crate::client::DIAL_FAILED };
                warnings.push_str(&retry_warning(con.backend.clock_ms(), ep, "DeadlineExceeded", desc));
                (false, why)
            }
        };
        rows.push((ep.clone(), ok, go_duration_us(took_us), err));
    }
    let mut out = Output { stderr: warnings, ..Output::default() };
    match client.format {
        Format::Simple => {
            for (ep, ok, took, err) in &rows {
                if *ok {
                    out.println(format!("{ep} is healthy: successfully committed proposal: took = {took}"));
                } else {
                    out.eprintln(format!("{ep} is unhealthy: failed to commit proposal: {err}"));
                }
            }
        }
        Format::Json => {
            let items: Vec<String> = rows
                .iter()
                .map(|(ep, ok, took, err)| {
                    json::Obj::new()
                        .raw("endpoint", json::string(ep))
                        .raw("health", ok.to_string())
                        .raw("took", json::string(took))
                        .str("error", err)
                        .end()
                })
                .collect();
            out.println(format!("[{}]", items.join(",")));
        }
        Format::Table => {
            let rows: Vec<Vec<String>> = rows
                .iter()
                .map(|(ep, ok, took, err)| vec![ep.clone(), ok.to_string(), took.clone(), err.clone()])
                .collect();
            out.print(table::render(&["ENDPOINT", "HEALTH", "TOOK", "ERROR"], &rows));
        }
        // etcdctl 3.5's fieldsPrinter.EndpointHealth: fmt.Println puts a
        // space after each name, even before an empty error.
        Format::Fields => {
            for (ep, ok, took, err) in &rows {
                out.print(format!(
                    "\"Endpoint\" : {}\n\"Health\" : {ok}\n\"Took\" : {took}\n\"Error\" : {err}\n\n",
                    go_quote(ep)
                ));
            }
        }
        _ => {
            // The clients' warnings came first; the printer refuses and etcdctl exits there.
            let name = &client.format_name;
            out.append(Output::error(format!("{name} not supported as output format"), exit::BAD_FEATURE));
            return Exec::took(out, 1);
        }
    }
    if rows.iter().any(|r| !r.1) {
        out.eprint("Error: unhealthy cluster\n");
        out.exit = exit::ERROR;
    }
    Exec::took(out, 1)
}

/// One member's `endpoint status` as the printers take it.
struct Stat {
    header: ResponseHeader,
    id: u64,
    version: String,
    db_size: u64,
    db_size_in_use: u64,
    leader: u64,
    is_learner: bool,
    term: u64,
    index: u64,
    applied: u64,
    errors: Vec<String>,
}

/// A simulated member's status response.
fn sim_stat(st: server::StatusResponse) -> Stat {
    Stat {
        id: st.header.member_id,
        version: st.version,
        db_size: st.db_size.max(0) as u64,
        db_size_in_use: st.db_size_in_use.max(0) as u64,
        leader: st.leader,
        is_learner: st.is_learner,
        term: st.raft_term,
        index: st.raft_index,
        applied: st.raft_applied_index,
        errors: st.errors,
        header: st.header,
    }
}

/// `endpoint status`.
pub(crate) fn status(con: &mut Console, p: &Parsed) -> Exec {
    let client = match client_for(p, con) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let eps = match targets(con, p, &client) {
        Ok(e) => e,
        Err(e) => return e,
    };
    let mut out = Output::default();
    let mut rows: Vec<(String, Stat)> = Vec::new();
    for ep in &eps {
        let one = Client { endpoints: vec![ep.clone()], ..client.clone() };
        let refused =
            super::remote::pick(con, &one).is_none().then(|| super::remote::direct_dial_error(con, &one, ep));
        let got = sim_call(con, &one, Request::Status).map(|r| match r {
            Response::Status(st) => Some(sim_stat(st)),
            _ => None,
        });
        match got {
            Ok(Some(st)) => rows.push((ep.clone(), st)),
            Ok(None) => {}
            Err(why) => {
                let now = con.backend.clock_ms();
                out.eprint(retry_warning(now, ep, "DeadlineExceeded", refused.unwrap_or(&why)));
                out.eprintln(format!("Failed to get the status of endpoint {ep} ({why})"));
                out.exit = exit::ERROR;
            }
        }
    }
    print_status(&client, &rows, &mut out);
    Exec::done(out)
}

fn print_status(client: &Client, rows: &[(String, Stat)], out: &mut Output) {
    match client.format {
        Format::Simple => {
            for (ep, m) in rows {
                out.println(format!(
                    "{ep}, {:x}, {}, {}, {}, {}, {}, {}, {}, {}",
                    m.id,
                    m.version,
                    humanize_bytes(m.db_size),
                    m.leader == m.id,
                    m.is_learner,
                    m.term,
                    m.index,
                    m.applied,
                    m.errors.join(", ")
                ));
            }
        }
        Format::Table => {
            let t: Vec<Vec<String>> = rows
                .iter()
                .map(|(ep, m)| {
                    vec![
                        ep.clone(),
                        format!("{:x}", m.id),
                        m.version.clone(),
                        humanize_bytes(m.db_size),
                        (m.leader == m.id).to_string(),
                        m.is_learner.to_string(),
                        m.term.to_string(),
                        m.index.to_string(),
                        m.applied.to_string(),
                        m.errors.join(", "),
                    ]
                })
                .collect();
            out.print(table::render(
                &[
                    "ENDPOINT",
                    "ID",
                    "VERSION",
                    "DB SIZE",
                    "IS LEADER",
                    "IS LEARNER",
                    "RAFT TERM",
                    "RAFT INDEX",
                    "RAFT APPLIED INDEX",
                    "ERRORS",
                ],
                &t,
            ));
        }
        Format::Json => {
            let items: Vec<String> = rows
                .iter()
                .map(|(ep, m)| {
                    let st = json::Obj::new()
                        .raw("header", json::header(&m.header))
                        .str("version", &m.version)
                        .num("dbSize", m.db_size as i128)
                        .num("leader", m.leader as i128)
                        .num("raftIndex", m.index as i128)
                        .num("raftTerm", m.term as i128)
                        .num("raftAppliedIndex", m.applied as i128)
                        .arr("errors", m.errors.iter().map(|e| json::string(e)).collect())
                        .num("dbSizeInUse", m.db_size_in_use as i128)
                        .flag("isLearner", m.is_learner)
                        .end();
                    format!("{{\"Endpoint\":{},\"Status\":{st}}}", json::string(ep))
                })
                .collect();
            out.println(format!("[{}]", items.join(",")));
        }
        Format::Fields => {
            for (ep, m) in rows {
                crate::printers::fields::header(&mut out.stdout, &m.header);
                out.print(format!(
                    "\"Version\" : {}\n\"DBSize\" : {}\n\"Leader\" : {}\n\"IsLearner\" : {}\n\"RaftIndex\" : {}\n\"RaftTerm\" : {}\n\"RaftAppliedIndex\" : {}\n\"Errors\" : [{}]\n\"Endpoint\" : {}\n\n",
                    go_quote(&m.version),
                    m.db_size,
                    m.leader,
                    m.is_learner,
                    m.index,
                    m.term,
                    m.applied,
                    m.errors.join(" "),
                    go_quote(ep)
                ));
            }
        }
        // After the endpoints' failures, the printer refuses and etcdctl exits there.
        Format::Protobuf => {
            out.append(Output::error("protobuf not supported as output format", exit::BAD_FEATURE))
        }
    }
}

/// One request to the single endpoint of `one` on the simulated cluster;
/// a failure as the text etcdctl puts in parentheses.
fn sim_call(con: &mut Console, one: &Client, req: Request) -> Result<Response, String> {
    sim_call_timed(con, one, req).0
}

/// [`sim_call`] and the virtual ms it took.
fn sim_call_timed(con: &mut Console, one: &Client, req: Request) -> (Result<Response, String>, u64) {
    let (r, took) = sim_request(con, one, req);
    (r.map_err(|e| e.to_string()), took)
}

/// One request to the single endpoint of `one`, its failure kept as a value.
fn sim_request(con: &mut Console, one: &Client, req: Request) -> (Result<Response, ClientError>, u64) {
    match super::remote::pick(con, one) {
        Some(id) => con.backend.call(id, req, one.command_timeout_ms, None),
        None => {
            con.backend.advance(one.command_timeout_ms);
            (Err(ClientError::DeadlineExceeded), one.command_timeout_ms)
        }
    }
}

/// A duration the client measured, in µs: the simulator counts whole
/// virtual ms, the client's clock reads finer, so the part below a ms comes
/// from the simulation's seeded randomness (deterministic per run).
fn measured_us(con: &Console, ms: u64) -> u64 {
    let salt = con.backend.sim.seed() ^ con.backend.sim.steps().wrapping_mul(0x9E37_79B9_7F4A_7C15);
    ms * 1000 + (salt >> 7) % 1000
}

/// `endpoint hashkv [--rev]`.
pub(crate) fn hashkv(con: &mut Console, p: &Parsed) -> Exec {
    let client = match client_for(p, con) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let eps = match targets(con, p, &client) {
        Ok(e) => e,
        Err(e) => return e,
    };
    let rev = p.int("rev");
    let mut out = Output::default();
    let mut rows = Vec::new();
    let mut last_error = None;
    for ep in &eps {
        let one = Client { endpoints: vec![ep.clone()], ..client.clone() };
        let refused =
            super::remote::pick(con, &one).is_none().then(|| super::remote::direct_dial_error(con, &one, ep));
        match sim_request(con, &one, Request::HashKv { revision: rev }).0 {
            Ok(Response::HashKv(h)) => rows.push((ep.clone(), h.header.clone(), h)),
            Ok(_) => {}
            Err(e) => {
                let why = e.to_string();
                let now = con.backend.clock_ms();
                // clientv3's retry interceptor logs every failed unary call.
                if let Some(desc) = refused {
                    out.eprint(retry_warning(now, ep, "DeadlineExceeded", desc));
                } else if let ClientError::Server(err) = &e {
                    out.eprint(retry_warning(now, ep, crate::client::grpc_code(err), &why));
                }
                out.eprintln(format!("Failed to get the hash of endpoint {ep} ({why})"));
                out.exit = exit::ERROR;
                last_error = Some(why);
            }
        }
    }
    match client.format {
        Format::Simple => {
            for (ep, _, h) in &rows {
                out.println(format!("{ep}, {}", h.hash));
            }
        }
        Format::Table => {
            let t: Vec<Vec<String>> =
                rows.iter().map(|(ep, _, h)| vec![ep.clone(), h.hash.to_string()]).collect();
            out.print(table::render(&["ENDPOINT", "HASH"], &t));
        }
        Format::Json => {
            let items: Vec<String> = rows
                .iter()
                .map(|(ep, i, h)| {
                    let hk = json::Obj::new()
                        .raw("header", json::header(i))
                        .num("hash", h.hash as i128)
                        .num("compact_revision", h.compact_revision as i128)
                        .end();
                    format!("{{\"Endpoint\":{},\"HashKV\":{hk}}}", json::string(ep))
                })
                .collect();
            out.println(format!("[{}]", items.join(",")));
        }
        Format::Fields => {
            for (ep, i, h) in &rows {
                crate::printers::fields::header(&mut out.stdout, i);
                // (3.6 adds "HashRevision".)
                out.print(format!("\"Endpoint\" : {}\n\"Hash\" : {}\n\n", go_quote(ep), h.hash));
            }
        }
        // After the endpoints' failures, the printer refuses and etcdctl exits there.
        Format::Protobuf => {
            out.append(Output::error("protobuf not supported as output format", exit::BAD_FEATURE))
        }
    }
    // etcdctl ends with the last endpoint's error.
    if let Some(why) = last_error
        && client.format != Format::Protobuf
    {
        out.eprintln(format!("Error: {why}"));
    }
    Exec::took(out, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(go_duration_us(1159), "1.159ms");
        assert_eq!(go_duration_us(1000), "1ms");
        assert_eq!(go_duration_us(500), "500µs");
        assert_eq!(go_duration_us(2_000_000), "2s");
    }
}
