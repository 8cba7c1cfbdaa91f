//! Handlers for the lease commands (time is the script's virtual clock):
//!
//! - `clock <ms>`: sets the clock;
//! - `lease grant <ttl> [id=N]`, `lease revoke <id>`, `lease renew <id>`,
//!   `lease ttl <id> [keys]`, `lease list`, `lease expired`,
//!   `lease promote [extend=MS]`, `lease demote`.

use mvcc::LeaseGrantRequest;

use super::env::{Env, err};
use super::render;
use super::script::Args;

type Out = Result<Vec<String>, String>;

pub fn clock(env: &mut Env, args: &Args) -> Out {
    env.now_ms = args.text(0).ok_or("missing ms")?.parse().map_err(|_| "bad ms")?;
    Ok(vec![format!("now={}ms", env.now_ms)])
}

fn id_arg(args: &Args) -> Result<i64, String> {
    args.text(1).ok_or("missing lease id")?.parse().map_err(|_| "bad lease id".to_string())
}

pub fn lease(env: &mut Env, args: &Args) -> Out {
    let now = env.now_ms;
    let s = &mut env.store;
    let sub = args.text(0).ok_or("missing lease subcommand")?;
    let out = match sub.as_str() {
        "grant" => {
            let ttl = id_arg(args)?;
            let req = LeaseGrantRequest { ttl, id: args.int("id")?.unwrap_or(0) };
            s.lease_grant(&req, now)
                .map(|r| vec![format!("lease {:016x} granted with TTL({}s)", r.id, r.ttl)])
        }
        "revoke" => {
            let id = id_arg(args)?;
            s.lease_revoke(id).map(|r| vec![format!("lease {id:016x} revoked rev={}", r.header.revision)])
        }
        "renew" => s
            .lease_renew(id_arg(args)?, now)
            .map(|r| vec![format!("lease {:016x} keepalived with TTL({})", r.id, r.ttl)]),
        "ttl" => s.lease_time_to_live(id_arg(args)?, args.has("keys"), now).map(|r| {
            let mut line =
                format!("lease {:016x} granted with TTL({}s), remaining({}s)", r.id, r.granted_ttl, r.ttl);
            if args.has("keys") {
                let keys: Vec<String> = r.keys.iter().map(|k| render::bytes(k)).collect();
                line.push_str(&format!(", attached keys([{}])", keys.join(" ")));
            }
            vec![line]
        }),
        "list" => {
            let r = s.lease_leases();
            let mut out = vec![format!("found {} leases", r.leases.len())];
            out.extend(r.leases.iter().map(|id| format!("{id:016x}")));
            Ok(out)
        }
        "expired" => {
            let ids: Vec<String> = s.lessor().expired(now).iter().map(|id| format!("{id:016x}")).collect();
            Ok(vec![format!("expired: [{}]", ids.join(" "))])
        }
        "promote" => {
            s.lessor_mut().promote(now, args.int("extend")?.unwrap_or(0).max(0) as u64);
            Ok(vec![])
        }
        "demote" => {
            s.lessor_mut().demote();
            Ok(vec![])
        }
        other => return Err(format!("unknown lease subcommand {other}")),
    };
    Ok(out.unwrap_or_else(|e| vec![err(e)]))
}
