//! Key-value commands through a chosen member, and `hashkv`, which compares
//! the members' stores.
//!
//! ```text
//! put etcd-2 foo bar          -> OK revision=2 [8ms]
//! get etcd-3 foo serializable -> foo=bar mod_revision=2 revision=2 [0ms]
//! put etcd-1 foo baz          -> Error: context deadline exceeded [5000ms]
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;

use mvcc::{PutRequest, RangeRequest};
use server::{Request, Response};

use super::{arg, call, endpoint};
use crate::transcripts::env::Env;
use datadriven::TestCase;

fn revision(r: &Response) -> String {
    format!("OK revision={}", r.header().revision)
}

fn put_request(env: &Env, tc: &TestCase, key: &str, value: &str) -> Request {
    let lease = match tc.get("lease").and_then(|v| v.first()) {
        Some(alias) => {
            *env.leases.get(alias).unwrap_or_else(|| panic!("line {}: unknown lease {alias}", tc.line))
        }
        None => 0,
    };
    Request::Put(PutRequest { key: key.into(), value: value.into(), lease, ..Default::default() })
}

/// `put NAME KEY VALUE [timeout=5s] [lease=L1]`.
pub fn put(env: &mut Env, tc: &TestCase) -> String {
    const USAGE: &str = "put NAME KEY VALUE [timeout=5s] [lease=L1]";
    let (id, said) = match endpoint(env, tc, USAGE) {
        Ok(e) => e,
        Err(e) => return e,
    };
    let req = put_request(env, tc, arg(tc, 1, USAGE), arg(tc, 2, USAGE));
    let line = call(env, tc, id, req).line(revision);
    prefixed(tc, &said, line)
}

/// Prefixes the resolved member when the script used a pseudoname.
fn prefixed(tc: &TestCase, said: &str, line: String) -> String {
    if tc.positional().first().is_some_and(|w| *w != said) { format!("via {said}: {line}") } else { line }
}

/// `get NAME KEY [serializable] [rev=N] [timeout=5s]`.
pub fn get(env: &mut Env, tc: &TestCase) -> String {
    const USAGE: &str = "get NAME KEY [serializable] [rev=N]";
    let (id, said) = match endpoint(env, tc, USAGE) {
        Ok(e) => e,
        Err(e) => return e,
    };
    let key = arg(tc, 1, USAGE).to_string();
    let serializable = tc.positional().contains(&"serializable");
    let revision = tc.get_u64("rev").map_or(0, |r| r as i64);
    let req = Request::Range {
        req: RangeRequest { key: key.clone().into(), revision, ..Default::default() },
        serializable,
    };
    let line = call(env, tc, id, req).line(|r| match r {
        Response::Range(r) => match r.kvs.first() {
            Some(kv) => format!(
                "{key}={} mod_revision={} revision={}",
                String::from_utf8_lossy(&kv.value),
                kv.mod_revision,
                r.header.revision
            ),
            None => format!("{key} not found, revision={}", r.header.revision),
        },
        other => format!("unexpected {other:?}"),
    });
    prefixed(tc, &said, line)
}

/// `put-many NAME n=100 [prefix=k]`: `n` puts one after the other
/// (`k0001`=`v1`, ...); prints how many succeeded and the last revision,
/// or stops at the first error.
pub fn put_many(env: &mut Env, tc: &TestCase) -> String {
    const USAGE: &str = "put-many NAME n=100 [prefix=k]";
    let (id, said) = match endpoint(env, tc, USAGE) {
        Ok(e) => e,
        Err(e) => return e,
    };
    let n = tc.get_u64("n").unwrap_or_else(|| panic!("line {}: usage: {USAGE}", tc.line));
    let prefix = tc.get("prefix").and_then(|v| v.first()).cloned().unwrap_or_else(|| "k".to_string());
    let start = env.sim_ref().now_ms();
    let mut last = 0;
    for i in 1..=n {
        let req = put_request(env, tc, &format!("{prefix}{i:04}"), &format!("v{i}"));
        let a = call(env, tc, id, req);
        match a.result {
            Ok(r) => last = r.header().revision,
            Err(e) => return prefixed(tc, &said, format!("put {i} of {n}: Error: {e} [{}ms]", a.took_ms)),
        }
    }
    let took = env.sim_ref().now_ms() - start;
    prefixed(tc, &said, format!("{n} puts OK, last revision={last} [{took}ms]"))
}

/// `compact NAME [revision=N]`: compacts at N (default: the member's
/// current revision).
pub fn compact(env: &mut Env, tc: &TestCase) -> String {
    let (id, said) = match endpoint(env, tc, "compact NAME [revision=N]") {
        Ok(e) => e,
        Err(e) => return e,
    };
    let current = env.sim_ref().member(id).map_or(0, |m| m.store().current_revision());
    let revision = tc.get_u64("revision").map_or(current, |r| r as i64);
    let line = call(env, tc, id, Request::Compact { revision, physical: true })
        .line(|_| format!("compacted revision {revision}"));
    prefixed(tc, &said, line)
}

/// `hashkv`: every running member's revision and KV hash (a removed member
/// is left out: etcd stops it); equal hashes share a letter, and the last
/// line says whether all agree.
pub fn hashkv(env: &mut Env) -> String {
    let sim = env.sim_ref();
    let mut hashes = sim.kv_hashes();
    hashes.retain(|id, _| sim.member(*id).is_some_and(|m| !m.status().removed));
    let mut letters: BTreeMap<(i64, u32), char> = BTreeMap::new();
    let mut out = String::new();
    for id in env.ids_by_number() {
        let Some((rev, hash)) = hashes.get(&id) else { continue };
        let next = char::from(b'A' + letters.len() as u8);
        let letter = *letters.entry((*rev, *hash)).or_insert(next);
        let _ = writeln!(out, "{} revision={rev} hash={letter}", env.name(id));
    }
    out.push_str(if letters.len() <= 1 { "all equal" } else { "differ" });
    out
}
