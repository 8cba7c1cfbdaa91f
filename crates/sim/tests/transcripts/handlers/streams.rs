//! Streams by alias: watches and lease keep-alives deliver items until
//! cancelled or until their member goes away.
//!
//! ```text
//! watch etcd-3 foo as=W1        -> W1: watching foo through etcd-3
//! stream W1                     -> created
//!                                  PUT foo=v1 mod_revision=2
//! keepalive etcd-2 L1 as=K1     -> K1: keeping L1 alive through etcd-2
//! stream K1                     -> TTL=5 ... (one line per renewal)
//! cancel W1                     -> W1: Error: context canceled
//! ```

use std::fmt::Write as _;

use mvcc::{EventType, WatchCreateRequest};
use server::{Request, StreamItem};
use sim::CallOptions;

use super::{arg, endpoint};
use crate::transcripts::env::Env;
use datadriven::TestCase;

fn alias(tc: &TestCase) -> String {
    tc.get("as").and_then(|v| v.first()).cloned().unwrap_or_else(|| panic!("line {}: as=ALIAS", tc.line))
}

fn open(env: &mut Env, tc: &TestCase, id: u64, request: Request, what: String) -> String {
    let alias = alias(tc);
    let sim = env.sim();
    let call = sim.submit(id, request, CallOptions::default());
    env.streams.insert(alias.clone(), call);
    format!("{alias}: {what} through {}", env.name(id))
}

/// `watch NAME KEY [rev=N] as=W1`: a watch on KEY from revision N (default:
/// the next one).
pub fn watch(env: &mut Env, tc: &TestCase) -> String {
    const USAGE: &str = "watch NAME KEY [rev=N] as=W1";
    let (id, _) = match endpoint(env, tc, USAGE) {
        Ok(e) => e,
        Err(e) => return e,
    };
    let key = arg(tc, 1, USAGE).to_string();
    let start_revision = tc.get_u64("rev").map_or(0, |r| r as i64);
    let req = WatchCreateRequest { key: key.clone().into(), start_revision, ..Default::default() };
    let from = if start_revision > 0 { format!(" from revision {start_revision}") } else { String::new() };
    open(env, tc, id, Request::Watch(req), format!("watching {key}{from}"))
}

/// `keepalive NAME LEASE as=K1`: a keep-alive stream for a lease alias.
pub fn keepalive(env: &mut Env, tc: &TestCase) -> String {
    const USAGE: &str = "keepalive NAME LEASE as=K1";
    let (id, _) = match endpoint(env, tc, USAGE) {
        Ok(e) => e,
        Err(e) => return e,
    };
    let lease = arg(tc, 1, USAGE).to_string();
    let lease_id =
        *env.leases.get(&lease).unwrap_or_else(|| panic!("line {}: unknown lease {lease}", tc.line));
    open(env, tc, id, Request::LeaseKeepAlive { id: lease_id }, format!("keeping {lease} alive"))
}

/// The stream named by the first argument; `Err` if it was never opened
/// (its `watch` or `keepalive` failed).
fn stream_id(env: &Env, tc: &TestCase) -> Result<(String, u64), String> {
    let alias = arg(tc, 0, "stream|cancel ALIAS").to_string();
    match env.streams.get(&alias) {
        Some(&id) => Ok((alias, id)),
        None => Err(format!("no stream {alias}")),
    }
}

/// `stream ALIAS`: the items that arrived since the last look, then how
/// the stream ended, if it has.
pub fn stream(env: &mut Env, tc: &TestCase) -> String {
    let (alias, id) = match stream_id(env, tc) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let sim = env.sim();
    let items = sim.take_stream(id);
    let ended = sim.result(id).cloned();
    let mut out = String::new();
    for item in items {
        match item {
            StreamItem::Watch(w) => {
                if w.created {
                    out.push_str("created\n");
                }
                for e in &w.events {
                    let key = String::from_utf8_lossy(&e.kv.key);
                    let _ = match e.kind {
                        EventType::Put => writeln!(
                            out,
                            "PUT {key}={} mod_revision={}",
                            String::from_utf8_lossy(&e.kv.value),
                            e.kv.mod_revision
                        ),
                        EventType::Delete => writeln!(out, "DELETE {key} mod_revision={}", e.kv.mod_revision),
                    };
                }
                if w.canceled {
                    let why = if w.compact_revision > 0 {
                        format!("compacted at revision {}", w.compact_revision)
                    } else {
                        w.cancel_reason.clone()
                    };
                    let _ = writeln!(out, "canceled: {why}");
                }
            }
            StreamItem::LeaseKeepAlive(k) => {
                let _ = writeln!(out, "TTL={}", k.ttl);
            }
        }
    }
    if let Some(r) = ended {
        let _ = match r {
            Ok(_) => writeln!(out, "{alias} ended"),
            Err(e) => writeln!(out, "{alias} ended: Error: {e}"),
        };
    }
    if out.is_empty() { "nothing new".to_string() } else { out }
}

/// `cancel ALIAS`: the client closes the stream.
pub fn cancel(env: &mut Env, tc: &TestCase) -> String {
    let (alias, id) = match stream_id(env, tc) {
        Ok(s) => s,
        Err(e) => return e,
    };
    env.sim().cancel(id);
    format!("{alias} canceled")
}
