//! `check perf` on the simulated cluster: the load's writes really go through Raft, and latencies are the requests' own virtual times.
//!
//! ```text
//! load s: 150 writes/s for 60 s from 50 clients
//!   every 10 ms: submit the puts due by then (at most one in flight per client), run the sim 10 ms
//!   latency = done_ms - sent_ms of each put; then the prefix is deleted (and compacted, defragmented)
//! ```
//!
//! Loads above s's rate are sampled: one put in `stride` (m 7, l 54, xl 100)
//! goes through Raft, from as many fewer clients, and each counts `stride`
//! times. A full xl load (900,000 puts) took over 20 minutes of host time,
//! which a console entry must not (the fuzz campaign's hang bound).

use mvcc::{DeleteRangeRequest, PutRequest, prefix_end};
use server::{Request, Response};
use sim::CallOptions;

use super::Conn;
use super::maintenance::perf_report;
use crate::console::{Console, Exec};
use crate::flags::Parsed;
use crate::output::{Output, exit};

const SLOT_MS: u64 = 10;
const DURATION_S: u64 = 60;
/// The most puts per second that go through the simulated cluster.
const SIM_RATE_MAX: u64 = 150;

/// Runs the workload: `rate` puts per second of `size` bytes from `clients` clients.
pub(crate) fn check_perf(
    con: &mut Console,
    p: &Parsed,
    rate: u64,
    clients: u64,
    size: usize,
    expected: u64,
) -> Exec {
    let mut conn = match Conn::open_sim(con, p) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let prefix = p.get("prefix").to_string();
    let value = vec![b'x'; size];
    let timeout = conn.client.command_timeout_ms;
    let mut in_flight: Vec<u64> = Vec::new();
    let (mut done, mut worst_ms, mut sum, mut sum_sq, mut n) = (0u64, 0u64, 0f64, 0f64, 0u64);
    let slots = DURATION_S * 1000 / SLOT_MS;
    let stride = rate.div_ceil(SIM_RATE_MAX).max(1);
    let clients = (clients / stride).max(1);
    for slot in 0..slots {
        // The puts due by the end of this slot at `rate` per second.
        let (from, to) = (slot * SLOT_MS * rate / 1000, (slot + 1) * SLOT_MS * rate / 1000);
        for k in (from..to).filter(|k| k % stride == 0) {
            if in_flight.len() as u64 >= clients {
                break;
            }
            let key = format!("{prefix}{:08}", k % 10_000).into_bytes();
            let put = Request::Put(PutRequest { key, value: value.clone(), ..PutRequest::default() });
            let options = CallOptions { timeout_ms: Some(timeout), token: conn.token.clone() };
            in_flight.push(con.backend.sim.submit(conn.endpoint, put, options));
        }
        con.backend.advance(SLOT_MS);
        in_flight.retain(|&id| {
            let Some(call) = con.backend.sim.request_state(id) else { return false };
            let (Some(result), Some(at)) = (&call.result, call.done_ms) else { return true };
            let lat = at.saturating_sub(call.sent_ms);
            worst_ms = worst_ms.max(lat);
            sum += lat as f64;
            sum_sq += (lat * lat) as f64;
            n += 1;
            done += u64::from(result.is_ok()) * stride;
            false
        });
        con.backend.forget_resolved();
    }
    let del = DeleteRangeRequest {
        key: prefix.clone().into_bytes(),
        range_end: prefix_end(prefix.as_bytes()),
        ..Default::default()
    };
    let _ = conn.send(con, Request::DeleteRange(del));
    if p.bool("auto-compact")
        && let Ok(Response::Range(r)) = conn.send(
            con,
            Request::Range {
                req: mvcc::RangeRequest { key: b"\0".to_vec(), count_only: true, ..Default::default() },
                serializable: false,
            },
        )
    {
        let _ = conn.send(con, Request::Compact { revision: r.header.revision, physical: true });
    }
    if p.bool("auto-defrag") {
        let _ = conn.send(con, Request::Defrag);
    }
    let count = n.max(1) as f64;
    let mean = sum / count;
    let stddev = (sum_sq / count - mean * mean).max(0.0).sqrt();
    perf_report(DURATION_S, done, expected, worst_ms, stddev).into()
}

/// The store's memory on the member the client talks to.
fn heap_bytes(con: &Console, member: u64) -> usize {
    con.sim().member(member).map_or(0, |m| m.store().heap_bytes())
}

/// `check datascale`: writes the load's keys through Raft (up to 20,000 of
/// them, scaled to the load) and reports the memory the member's store grew by.
pub(crate) fn check_datascale(con: &mut Console, p: &Parsed) -> Exec {
    let mut conn = match Conn::open_sim(con, p) {
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
    let prefix = p.get("prefix").to_string();
    let n = keys.min(20_000);
    let before = heap_bytes(con, conn.endpoint);
    let timeout = conn.client.command_timeout_ms;
    let mut in_flight: Vec<u64> = Vec::new();
    let mut failure = None;
    let mut next = 0;
    while (next < n || !in_flight.is_empty()) && failure.is_none() {
        while next < n && in_flight.len() < 50 {
            let key = format!("{prefix}{next:08}").into_bytes();
            let put = Request::Put(PutRequest { key, value: vec![b'x'; size], ..PutRequest::default() });
            let options = CallOptions { timeout_ms: Some(timeout), token: conn.token.clone() };
            in_flight.push(con.backend.sim.submit(conn.endpoint, put, options));
            next += 1;
        }
        con.backend.advance(SLOT_MS);
        in_flight.retain(|&id| match con.backend.sim.result(id) {
            None => true,
            Some(Ok(_)) => false,
            Some(Err(e)) => {
                failure.get_or_insert_with(|| e.clone());
                false
            }
        });
        con.backend.forget_resolved();
    }
    let after = heap_bytes(con, conn.endpoint);
    let del = DeleteRangeRequest {
        key: prefix.clone().into_bytes(),
        range_end: prefix_end(prefix.as_bytes()),
        ..Default::default()
    };
    let _ = conn.send(con, Request::DeleteRange(del));
    let head = format!(
        "Start data scale check for work load [{keys} key-value pairs, {size} bytes per key-value, 50 concurrent clients].\n"
    );
    if let Some(e) = failure {
        let mut out = Output::ok(head);
        out.eprint(format!("Error: {e}\n"));
        out.exit = exit::ERROR;
        return out.into();
    }
    let per_key = after.saturating_sub(before) as f64 / n as f64;
    let mb = per_key * keys as f64 / 1e6;
    Output::ok(format!("{head}PASS: Approximate system memory used : {mb:.2} MB.\n")).into()
}
