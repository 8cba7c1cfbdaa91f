//! `lock` and `elect`: etcd's concurrency recipes (a key per session lease under a prefix; the oldest wins).

use mvcc::PutRequest;
use server::{Request, Response};

use super::{Conn, bad_args};
use crate::console::{Console, Exec};
use crate::flags::Parsed;
use crate::output::{Output, exit};
use crate::stream::{Kind, Session, Stream};

/// On the simulated cluster: grants the session lease, keeps it alive, and
/// puts the contender key `prefix/<lease>` under it.
fn contend_sim(
    con: &mut Console,
    conn: &mut Conn,
    name: &str,
    ttl: i64,
    value: &[u8],
) -> Result<Session, Exec> {
    let lease = match conn.send(con, Request::LeaseGrant { ttl_seconds: ttl, id: 0 })? {
        Response::LeaseGrant(r) => r.id,
        other => return Err(conn.unexpected(&other)),
    };
    let key = format!("{name}/{lease:x}").into_bytes();
    let put = PutRequest { key: key.clone(), value: value.to_vec(), lease, ..PutRequest::default() };
    conn.send(con, Request::Put(put))?;
    let keepalive =
        con.backend.open_stream(conn.endpoint, Request::LeaseKeepAlive { id: lease }, conn.token.clone());
    let mut prefix = name.as_bytes().to_vec();
    prefix.push(b'/');
    Ok(Session { endpoint: conn.endpoint, key, lease, keepalive, prefix })
}

/// `lock` and `elect` on the simulated cluster.
fn sync_sim(con: &mut Console, p: &Parsed, elect: bool) -> Exec {
    let mut conn = match Conn::open_sim(con, p) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let name = p.args[0].clone();
    if elect && p.bool("listen") {
        let mut prefix = name.into_bytes();
        prefix.push(b'/');
        let kind = Kind::SimObserve { endpoint: conn.endpoint, prefix, last: None, probe: None };
        return Exec { out: Output::default(), elapsed_ms: 0, stream: Some(Stream::new(kind)) };
    }
    let (ttl, value) = if elect {
        (if p.values.contains_key("ttl") { p.int("ttl").max(1) } else { 60 }, p.args[1].clone())
    } else {
        (p.int("ttl").max(1), String::new())
    };
    let session = match contend_sim(con, &mut conn, &name, ttl, value.as_bytes()) {
        Ok(s) => s,
        Err(e) => return e,
    };
    if !elect && p.args.len() > 1 {
        let timeout = conn.client.command_timeout_ms;
        let kvs = con.backend.range_prefix(session.endpoint, &session.prefix, timeout).unwrap_or_default();
        let mine = kvs.iter().find(|kv| kv.key == session.key).map_or(i64::MAX, |kv| kv.create_revision);
        let held_by_other = kvs.iter().any(|kv| kv.create_revision < mine);
        if held_by_other {
            session.end(con, timeout);
            return conn.ok(Output::error(
                "the lock is held by another session; the playground runs one command at a time",
                exit::ERROR,
            ));
        }
        // exec.Command with the lock's key and revision added to the environment.
        let key = String::from_utf8_lossy(&session.key).into_owned();
        let saved: Vec<(String, Option<String>)> = ["ETCD_LOCK_KEY", "ETCD_LOCK_REV"]
            .iter()
            .map(|k| (k.to_string(), con.env.get(*k).cloned()))
            .collect();
        con.env.insert("ETCD_LOCK_KEY".to_string(), key);
        con.env.insert("ETCD_LOCK_REV".to_string(), mine.to_string());
        con.not_found = None;
        let exec = crate::shell::run_words(con, &p.args[1..], None);
        let missing = con.not_found.take().is_some_and(|n| n == p.args[1]);
        for (k, v) in saved {
            match v {
                Some(v) => con.env.insert(k, v),
                None => con.env.remove(&k),
            };
        }
        session.end(con, timeout);
        // 3.5 passes the command's exit status through, with Go's error for it.
        let out = match exec.out.exit {
            0 => exec.out,
            _ if missing => Output::error(
                format!("exec: {:?}: executable file not found in $PATH", p.args[1]),
                exit::ERROR,
            ),
            code => {
                let mut out = exec.out;
                out.append(Output::error(format!("exit status {code}"), code));
                out
            }
        };
        return Exec::took(out, exec.elapsed_ms);
    }
    let proposal = elect.then_some(value);
    let kind = Kind::SimHold { session, announced: false, proposal, probe: None };
    Exec { out: Output::default(), elapsed_ms: 0, stream: Some(Stream::new(kind)) }
}

/// `lock NAME [COMMAND ...]`.
pub(crate) fn lock(con: &mut Console, p: &Parsed) -> Exec {
    if p.args.is_empty() {
        return bad_args("lock takes a lock name argument and an optional command to execute");
    }
    sync_sim(con, p, false)
}

/// `elect NAME [PROPOSAL]` or `elect -l NAME`.
pub(crate) fn elect(con: &mut Console, p: &Parsed) -> Exec {
    let listen = p.bool("listen");
    if p.args.is_empty() || p.args.len() > 2 {
        return bad_args("elect takes one election name argument and an optional proposal argument");
    }
    if p.args.len() == 1 && !listen {
        return bad_args("no proposal argument but -l not set");
    }
    if p.args.len() == 2 && listen {
        return bad_args("proposal given but -l is set");
    }
    sync_sim(con, p, true)
}
