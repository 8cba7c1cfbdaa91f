//! Renders replies and statuses in a compact, etcdctl-like form for the
//! transcripts. Member IDs print as the member's name where known.

use server::{AuthResponse, Reply, ReplyBody, Response, StreamItem};

use crate::harness::cluster::Cluster;

fn s(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn kv(kv: &mvcc::KeyValue) -> String {
    let lease = if kv.lease != 0 { format!(" lease={:x}", kv.lease) } else { String::new() };
    format!(
        "{} = {} (create={} mod={} ver={}{lease})",
        s(&kv.key),
        s(&kv.value),
        kv.create_revision,
        kv.mod_revision,
        kv.version
    )
}

/// The member's name for an ID.
pub fn name(c: &Cluster, id: u64) -> String {
    match c.num(id) {
        0 if id == 0 => "none".to_string(),
        0 => format!("{id:x}"),
        n => format!("etcd-{n}"),
    }
}

fn event(ev: &mvcc::Event) -> String {
    match ev.kind {
        mvcc::EventType::Put => {
            format!("PUT {} = {} (mod={})", s(&ev.kv.key), s(&ev.kv.value), ev.kv.mod_revision)
        }
        mvcc::EventType::Delete => format!("DELETE {} (mod={})", s(&ev.kv.key), ev.kv.mod_revision),
    }
}

fn txn_ops(out: &mut Vec<String>, depth: usize, ops: &[mvcc::ResponseOp]) {
    let pad = "  ".repeat(depth);
    for op in ops {
        match op {
            mvcc::ResponseOp::Range(r) => {
                out.push(format!("{pad}range count={}", r.count));
                out.extend(r.kvs.iter().map(|k| format!("{pad}  {}", kv(k))));
            }
            mvcc::ResponseOp::Put(_) => out.push(format!("{pad}put OK")),
            mvcc::ResponseOp::DeleteRange(d) => out.push(format!("{pad}deleted {}", d.deleted)),
            mvcc::ResponseOp::Txn(t) => {
                out.push(format!("{pad}txn succeeded={}", t.succeeded));
                txn_ops(out, depth + 1, &t.responses);
            }
        }
    }
}

/// One reply as lines.
pub fn reply(c: &Cluster, r: &Reply) -> Vec<String> {
    let p = format!("req {}:", r.id);
    let resp = match &r.body {
        ReplyBody::Done(Err(e)) => return vec![format!("{p} Error: {e}")],
        ReplyBody::Stream(StreamItem::LeaseKeepAlive(k)) => {
            return vec![format!("{p} lease {:x} keepalived with TTL({})", k.id, k.ttl)];
        }
        ReplyBody::Stream(StreamItem::Watch(w)) => {
            let mut line = format!("{p} watch {}", w.watch_id);
            if w.created {
                line += " created";
            }
            if w.canceled {
                line += &format!(" canceled compact_revision={}", w.compact_revision);
            }
            if w.watch_id == -1 || (!w.created && !w.canceled && w.events.is_empty()) {
                line += &format!(" progress rev={}", w.header.revision);
            }
            let mut out = vec![line];
            out.extend(w.events.iter().map(|e| format!("  {}", event(e))));
            return out;
        }
        ReplyBody::Done(Ok(resp)) => resp,
    };
    let h = resp.header();
    let mut out = Vec::new();
    match resp {
        Response::Range(r) => {
            out.push(format!("{p} rev={} count={} more={}", h.revision, r.count, r.more));
            out.extend(r.kvs.iter().map(|k| format!("  {}", kv(k))));
        }
        Response::Put(r) => {
            out.push(format!("{p} OK rev={}", h.revision));
            if let Some(prev) = &r.prev_kv {
                out.push(format!("  prev: {}", kv(prev)));
            }
        }
        Response::DeleteRange(r) => {
            out.push(format!("{p} deleted {} rev={}", r.deleted, h.revision));
            out.extend(r.prev_kvs.iter().map(|k| format!("  prev: {}", kv(k))));
        }
        Response::Txn(t) => {
            out.push(format!("{p} txn succeeded={} rev={}", t.succeeded, h.revision));
            txn_ops(&mut out, 1, &t.responses);
        }
        Response::Compact(_) => out.push(format!("{p} compacted rev={}", h.revision)),
        Response::LeaseGrant(l) => out.push(format!("{p} lease {:x} granted with TTL({}s)", l.id, l.ttl)),
        Response::LeaseRevoke(_) => out.push(format!("{p} lease revoked rev={}", h.revision)),
        Response::LeaseKeepAlive(k) => out.push(format!("{p} lease {:x} expired or revoked.", k.id)),
        Response::LeaseTimeToLive(t) => {
            if t.ttl == -1 {
                out.push(format!("{p} lease {:x} already expired", t.id));
            } else {
                let keys: Vec<String> = t.keys.iter().map(|k| s(k)).collect();
                out.push(format!(
                    "{p} lease {:x} granted with TTL({}s), remaining({}s) keys={keys:?}",
                    t.id, t.granted_ttl, t.ttl
                ));
            }
        }
        Response::LeaseLeases(l) => {
            let ids: Vec<String> = l.leases.iter().map(|i| format!("{i:x}")).collect();
            out.push(format!("{p} found {} leases {ids:?}", l.leases.len()));
        }
        Response::WatchEnded(_) => out.push(format!("{p} watch ended")),
        Response::WatchProgress(_) => out.push(format!("{p} progress requested")),
        Response::MemberList(l)
        | Response::MemberRemove(l)
        | Response::MemberUpdate(l)
        | Response::MemberPromote(l) => {
            out.push(format!("{p} {} members", l.members.len()));
            for m in &l.members {
                out.push(format!(
                    "  {}, {}, {:?}, {:?}, {:?}, learner={}",
                    name(c, m.id),
                    if m.is_started() { "started" } else { "unstarted" },
                    m.name,
                    m.peer_urls,
                    m.client_urls,
                    m.is_learner
                ));
            }
        }
        Response::MemberAdd(a) => {
            out.push(format!(
                "{p} Member {} added to cluster, {} members",
                name(c, a.member.id),
                a.members.len()
            ));
        }
        Response::Status(st) => out.push(format!(
            "{p} version={} leader={} term={} index={} applied={} db={} in_use={} learner={} errors={:?}",
            st.version,
            name(c, st.leader),
            st.raft_term,
            st.raft_index,
            st.raft_applied_index,
            st.db_size,
            st.db_size_in_use,
            st.is_learner,
            st.errors
        )),
        Response::HashKv(hk) => out.push(format!(
            "{p} hash={} compact_revision={} hash_revision={}",
            hk.hash, hk.compact_revision, hk.hash_revision
        )),
        Response::Defrag(_) => out.push(format!("{p} Finished defragmenting etcd member")),
        Response::Alarm(a) => {
            out.push(format!("{p} {} alarms", a.alarms.len()));
            out.extend(
                a.alarms.iter().map(|x| format!("  memberID:{} alarm:{}", name(c, x.member_id), x.alarm)),
            );
        }
        Response::MoveLeader(_) => out.push(format!("{p} Leadership transferred")),
        Response::Snapshot(sn) => out.push(format!("{p} snapshot {} bytes", sn.blob.len())),
        Response::Authenticate { token, .. } => out.push(format!("{p} token {token}")),
        Response::Auth { resp, .. } => out.push(match resp {
            AuthResponse::Ok => format!("{p} OK"),
            AuthResponse::Status(st) => {
                format!("{p} Authentication Status: {} AuthRevision: {}", st.enabled, st.auth_revision)
            }
            AuthResponse::UserGet { roles } => format!("{p} Roles: {}", roles.join(" ")),
            AuthResponse::UserList { users } => format!("{p} users: {}", users.join(" ")),
            AuthResponse::RoleList { roles } => format!("{p} roles: {}", roles.join(" ")),
            AuthResponse::RoleGet { perm } => {
                let ps: Vec<String> = perm
                    .iter()
                    .map(|x| format!("{} [{}, {})", x.perm_type, s(&x.key), s(&x.range_end)))
                    .collect();
                format!("{p} perms: {}", ps.join("; "))
            }
        }),
    }
    out
}
