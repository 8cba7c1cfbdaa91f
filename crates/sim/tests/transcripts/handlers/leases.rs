//! Leases, by alias: `lease-grant etcd-1 ttl=5 as=L1`, then `put ...
//! lease=L1`; only the leader expires leases, by proposing their revoke.

use mvcc::lease::LeaseId;
use server::{Request, Response};

use super::{arg, call, endpoint};
use crate::transcripts::env::Env;
use datadriven::TestCase;

/// `lease-grant NAME ttl=SECONDS as=ALIAS`.
pub fn grant(env: &mut Env, tc: &TestCase) -> String {
    const USAGE: &str = "lease-grant NAME ttl=SECONDS as=ALIAS";
    let (id, _) = match endpoint(env, tc, USAGE) {
        Ok(e) => e,
        Err(e) => return e,
    };
    let ttl = tc.get_u64("ttl").unwrap_or_else(|| panic!("line {}: usage: {USAGE}", tc.line));
    let alias = tc.get("as").and_then(|v| v.first()).cloned().unwrap_or_else(|| "L1".to_string());
    let a = call(env, tc, id, Request::LeaseGrant { ttl_seconds: ttl as i64, id: 0 });
    if let Ok(Response::LeaseGrant(r)) = &a.result {
        env.leases.insert(alias.clone(), r.id);
    }
    a.line(|r| match r {
        Response::LeaseGrant(r) => format!("lease {alias} granted with TTL({}s)", r.ttl),
        other => format!("unexpected {other:?}"),
    })
}

/// `lease-ttl NAME ALIAS`: seconds left and the attached keys.
pub fn ttl(env: &mut Env, tc: &TestCase) -> String {
    const USAGE: &str = "lease-ttl NAME ALIAS";
    let (id, _) = match endpoint(env, tc, USAGE) {
        Ok(e) => e,
        Err(e) => return e,
    };
    let alias = arg(tc, 1, USAGE).to_string();
    let lease: LeaseId =
        *env.leases.get(&alias).unwrap_or_else(|| panic!("line {}: unknown lease {alias}", tc.line));
    call(env, tc, id, Request::LeaseTimeToLive { id: lease, keys: true }).line(|r| match r {
        Response::LeaseTimeToLive(r) if r.ttl < 0 => format!("lease {alias} already expired"),
        Response::LeaseTimeToLive(r) => {
            let keys: Vec<String> = r.keys.iter().map(|k| String::from_utf8_lossy(k).into_owned()).collect();
            format!(
                "lease {alias} granted with TTL({}s), remaining({}s), attached keys([{}])",
                r.granted_ttl,
                r.ttl,
                keys.join(" ")
            )
        }
        other => format!("unexpected {other:?}"),
    })
}
