//! `endpoint health|status|hashkv` (with `--cluster`) and their printers.

use super::Conn;
use crate::client::{Client, retry_warning};
use crate::cluster::VERSION;
use crate::console::{Console, Exec};
use crate::flags::Parsed;
use crate::output::{Output, exit};
use crate::printers::{Format, go_quote, humanize_bytes, json, table};

/// The endpoints a command visits: `--endpoints`, or every member's client URL with `--cluster`.
fn targets(con: &mut Console, p: &Parsed, client: &Client) -> Result<Vec<String>, Exec> {
    if !p.bool("cluster") {
        return Ok(client.endpoints.clone());
    }
    let conn = Conn::open(con, p, false)?;
    let _ = conn;
    let mut ms = con.cluster.members.clone();
    ms.sort_by_key(|m| m.id);
    Ok(ms.iter().flat_map(|m| m.client_urls.clone()).collect())
}

fn client_for(p: &Parsed, con: &Console) -> Result<Client, Exec> {
    Client::from_flags(p, &con.vfs).map_err(Exec::done)
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
    let mut elapsed = 0;
    let mut warnings = String::new();
    for ep in &eps {
        let one = Client { endpoints: vec![ep.clone()], ..client.clone() };
        let (ok, err, took_us) = match one.reach(&mut con.cluster, true) {
            Ok(i) => {
                let lat = con.cluster.latency_ms();
                let us = lat * 1000 + con.cluster.random() % 900;
                let alarms: Vec<String> = con
                    .cluster
                    .alarms
                    .iter()
                    .filter(|a| a.member_id == con.cluster.members[i].id)
                    .map(|a| format!("Active Alarm(s): {}", a.kind))
                    .collect();
                if alarms.is_empty() { (true, String::new(), us) } else { (false, alarms.join(","), us) }
            }
            Err(f) => {
                elapsed = elapsed.max(f.elapsed_ms);
                warnings.push_str(&retry_warning(
                    con.cluster.now_ms + f.elapsed_ms,
                    ep,
                    "DeadlineExceeded",
                    "context deadline exceeded",
                ));
                (false, "context deadline exceeded".to_string(), f.elapsed_ms * 1000)
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
            out.stdout.push_str(&table::render(&["ENDPOINT", "HEALTH", "TOOK", "ERROR"], &rows));
        }
        _ => {
            return Exec::took(
                Output::error(
                    format!("{} not supported as output format", client.format_name),
                    exit::BAD_FEATURE,
                ),
                elapsed,
            );
        }
    }
    if rows.iter().any(|r| !r.1) {
        out.stderr.push_str("Error: unhealthy cluster\n");
        out.exit = exit::ERROR;
    }
    Exec::took(out, elapsed.max(1))
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
    let mut rows = Vec::new();
    let mut elapsed = 1;
    for ep in &eps {
        let one = Client { endpoints: vec![ep.clone()], ..client.clone() };
        match one.reach(&mut con.cluster, false) {
            Ok(i) => rows.push((ep.clone(), i)),
            Err(f) => {
                elapsed += f.elapsed_ms;
                out.stderr.push_str(&retry_warning(
                    con.cluster.now_ms + elapsed,
                    ep,
                    "DeadlineExceeded",
                    "context deadline exceeded",
                ));
                out.eprintln(format!(
                    "Failed to get the status of endpoint {ep} (context deadline exceeded)"
                ));
                out.exit = exit::ERROR;
            }
        }
    }
    let c = &con.cluster;
    let size = c.store.size();
    let in_use = c.store.size_in_use();
    let info = |i: usize| {
        let m = &c.members[i];
        let errors: Vec<String> = c
            .alarms
            .iter()
            .filter(|a| a.member_id == m.id)
            .map(|a| format!("memberID:{} alarm:{}", a.member_id, a.kind))
            .collect();
        let leader =
            if c.leader.is_some() && Some(m.group) == c.quorum_group() { c.leader.unwrap_or(0) } else { 0 };
        (m, leader, errors)
    };
    match client.format {
        Format::Simple => {
            for (ep, i) in &rows {
                let (m, leader, errors) = info(*i);
                out.println(format!(
                    "{ep}, {:x}, {VERSION}, {}, {}, {}, {}, {}, {}, {}",
                    m.id,
                    humanize_bytes(size),
                    leader == m.id,
                    m.is_learner,
                    m.term,
                    m.applied,
                    m.applied,
                    errors.join(", ")
                ));
            }
        }
        Format::Table => {
            let t: Vec<Vec<String>> = rows
                .iter()
                .map(|(ep, i)| {
                    let (m, leader, errors) = info(*i);
                    vec![
                        ep.clone(),
                        format!("{:x}", m.id),
                        VERSION.to_string(),
                        humanize_bytes(size),
                        (leader == m.id).to_string(),
                        m.is_learner.to_string(),
                        m.term.to_string(),
                        m.applied.to_string(),
                        m.applied.to_string(),
                        errors.join(", "),
                    ]
                })
                .collect();
            out.stdout.push_str(&table::render(
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
                .map(|(ep, i)| {
                    let (m, leader, errors) = info(*i);
                    let mut h = c.header(*i);
                    h.raft_term = m.term;
                    let st = json::Obj::new()
                        .raw("header", json::header(&h))
                        .str("version", VERSION)
                        .num("dbSize", size as i128)
                        .num("leader", leader as i128)
                        .num("raftIndex", m.applied as i128)
                        .num("raftTerm", m.term as i128)
                        .num("raftAppliedIndex", m.applied as i128)
                        .arr("errors", errors.iter().map(|e| json::string(e)).collect())
                        .num("dbSizeInUse", in_use as i128)
                        .flag("isLearner", m.is_learner)
                        .end();
                    format!("{{\"Endpoint\":{},\"Status\":{st}}}", json::string(ep))
                })
                .collect();
            out.println(format!("[{}]", items.join(",")));
        }
        Format::Fields => {
            for (ep, i) in &rows {
                let (m, leader, errors) = info(*i);
                let mut h = c.header(*i);
                h.raft_term = m.term;
                crate::printers::fields::header(&mut out.stdout, &h);
                out.stdout.push_str(&format!(
                    "\"Version\" : {}\n\"DBSize\" : {size}\n\"Leader\" : {leader}\n\"IsLearner\" : {}\n\"RaftIndex\" : {}\n\"RaftTerm\" : {}\n\"RaftAppliedIndex\" : {}\n\"Errors\" : [{}]\n\"Endpoint\" : {}\n\n",
                    go_quote(VERSION),
                    m.is_learner,
                    m.applied,
                    m.term,
                    m.applied,
                    errors.join(" "),
                    go_quote(ep)
                ));
            }
        }
        Format::Protobuf => {
            out = Output::error("protobuf not supported as output format", exit::BAD_FEATURE);
        }
    }
    Exec::took(out, elapsed)
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
    let mut elapsed = 1;
    for ep in &eps {
        let one = Client { endpoints: vec![ep.clone()], ..client.clone() };
        match one.reach(&mut con.cluster, false) {
            Ok(i) => match con.cluster.store.hash_kv(rev) {
                Ok(h) => rows.push((ep.clone(), i, h)),
                Err(e) => {
                    out.eprintln(format!(
                        "Failed to get the hash of endpoint {ep} ({})",
                        crate::client::etcd_message(&e)
                    ));
                    out.exit = exit::ERROR;
                }
            },
            Err(f) => {
                elapsed += f.elapsed_ms;
                out.eprintln(format!("Failed to get the hash of endpoint {ep} (context deadline exceeded)"));
                out.exit = exit::ERROR;
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
            out.stdout.push_str(&table::render(&["ENDPOINT", "HASH"], &t));
        }
        Format::Json => {
            let items: Vec<String> = rows
                .iter()
                .map(|(ep, i, h)| {
                    let hk = json::Obj::new()
                        .raw("header", json::header(&con.cluster.header(*i)))
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
                crate::printers::fields::header(&mut out.stdout, &con.cluster.header(*i));
                out.stdout.push_str(&format!(
                    "\"Endpoint\" : {}\n\"Hash\" : {}\n\"HashRevision\" : {}\n\n",
                    go_quote(ep),
                    h.hash,
                    h.hash_revision
                ));
            }
        }
        Format::Protobuf => out = Output::error("protobuf not supported as output format", exit::BAD_FEATURE),
    }
    Exec::took(out, elapsed)
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
