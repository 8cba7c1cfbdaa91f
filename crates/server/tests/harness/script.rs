//! The transcript language: one command per block, run against a
//! [`Cluster`], printing what the command did and every reply that arrived
//! meanwhile. See `testdata/*.txt`.

use std::collections::{BTreeMap, BTreeSet};

use server::{AlarmType, AuthRequest, MemberEventKind, Permission, PermissionType, Request, RestoreOptions};

use crate::harness::cluster::Cluster;
use crate::harness::render;

/// The state of one transcript.
#[derive(Default)]
pub struct Env {
    c: Option<Cluster>,
    tokens: BTreeMap<String, String>,
    backup: Vec<u8>,
    events_seen: usize,
    /// Inside `concurrent`: send without waiting.
    defer: bool,
}

fn opt<'a>(args: &'a [&'a str], k: &str) -> Option<&'a str> {
    args.iter().find_map(|a| a.strip_prefix(k).and_then(|r| r.strip_prefix('=')))
}

fn flag(args: &[&str], k: &str) -> bool {
    args.contains(&k)
}

/// The first positional word as a member number, for the commands that
/// take one (it is read for every command: 0 where it is not a number).
fn num(s: Option<&&str>) -> u64 {
    s.and_then(|x| x.parse().ok()).unwrap_or(0)
}

fn pos<'a>(args: &'a [&'a str]) -> Vec<&'a str> {
    args.iter().copied().filter(|a| !a.contains('=')).collect()
}

fn lease_id(s: &str) -> i64 {
    i64::from_str_radix(s, 16).unwrap_or_else(|_| panic!("{s:?} is not a lease ID in hex"))
}

impl Env {
    fn c(&mut self) -> &mut Cluster {
        self.c.get_or_insert_with(|| Cluster::new(3, |_| {}))
    }

    /// Runs one command and returns its output.
    pub fn run(&mut self, line: &str) -> String {
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some((&cmd, args)) = words.split_first() else { return String::new() };
        let before = self.c.as_ref().map_or(0, |c| c.replies.len());
        let mut out: Vec<String> = Vec::new();
        let token = opt(args, "as").and_then(|u| self.tokens.get(u).cloned());
        let p = pos(args);
        let m = num(p.first());
        let send = |env: &mut Env, op: Request| {
            let defer = env.defer;
            let c = env.c();
            c.request(m, op, token.clone());
            if !defer {
                c.stabilize();
            }
        };
        match cmd {
            "concurrent" => {
                // concurrent <cmd> ; <cmd> ; ...: all sent before any is
                // delivered.
                self.defer = true;
                for sub in line.trim_start_matches("concurrent").split(';') {
                    let r = self.run(sub.trim());
                    if r != "ok" && !r.starts_with("req ") {
                        out.push(r);
                    }
                }
                self.defer = false;
                self.c().stabilize();
            }
            "cluster" => {
                let n = opt(args, "n").and_then(|x| x.parse().ok()).unwrap_or(3);
                let snap = opt(args, "snapshot-count").and_then(|x| x.parse().ok());
                let quota = opt(args, "quota").and_then(|x| x.parse().ok());
                let unsafe_reads = flag(args, "unsafe-local-reads");
                self.c = Some(Cluster::new(n, |cfg| {
                    if let Some(s) = snap {
                        cfg.snapshot_count = s;
                    }
                    if let Some(q) = quota {
                        cfg.quota_bytes = q;
                    }
                    cfg.unsafe_local_reads = unsafe_reads;
                }));
                self.events_seen = 0;
                return "ok".into();
            }
            "elect" => {
                let max = opt(args, "max").and_then(|x| x.parse().ok()).unwrap_or(300);
                let c = self.c();
                match c.elect(max) {
                    Some(l) => {
                        let term = c.members[&l].status().term;
                        out.push(format!("leader etcd-{l} term {term}"));
                    }
                    None => out.push("no leader".into()),
                }
            }
            "campaign" => {
                // campaign N: member N starts an election now and wins it if
                // it can, whatever the seeded election timeouts say. As a
                // follower it gets a MsgTimeoutNow, as in a leader transfer,
                // so followers still in a leader's lease vote too; as a
                // (pre-)candidate it alone ticks until its next election.
                let c = self.c();
                c.stabilize();
                let peer = c.members.iter().find(|(n, _)| **n != m).map_or(0, |(_, x)| x.id());
                for _ in 0..100 {
                    let Some(x) = c.members.get_mut(&m) else { break };
                    if x.is_leader() {
                        break;
                    }
                    let st = x.status();
                    if st.raft.soft_state.raft_state == raft::StateRole::Follower {
                        x.step(raft::Message {
                            msg_type: raft::MessageType::MsgTimeoutNow,
                            to: st.id,
                            from: peer,
                            term: st.term,
                            ..Default::default()
                        });
                    } else {
                        x.tick();
                    }
                    c.stabilize();
                }
                match c.leader() {
                    Some(l) => {
                        let term = c.members[&l].status().term;
                        out.push(format!("leader etcd-{l} term {term}"));
                    }
                    None => out.push("no leader".into()),
                }
            }
            "tick" => {
                let n = p.first().and_then(|x| x.parse().ok()).unwrap_or(1);
                let c = self.c();
                for _ in 0..n {
                    c.tick();
                }
            }
            "stabilize" => self.c().stabilize(),
            "put" => {
                let req = mvcc::PutRequest {
                    key: p.get(1).unwrap_or(&"").as_bytes().to_vec(),
                    value: p.get(2).unwrap_or(&"").as_bytes().to_vec(),
                    lease: opt(args, "lease").map_or(0, lease_id),
                    prev_kv: flag(args, "prev-kv"),
                    ..Default::default()
                };
                send(self, Request::Put(req));
            }
            "get" => {
                let mut key = p.get(1).unwrap_or(&"").as_bytes().to_vec();
                if key == b"\"\"" {
                    key = vec![0];
                }
                let range_end = if flag(args, "prefix") {
                    if key == [0] { vec![0] } else { mvcc::prefix_end(&key) }
                } else {
                    Vec::new()
                };
                let req = mvcc::RangeRequest {
                    key,
                    range_end,
                    revision: opt(args, "rev").and_then(|x| x.parse().ok()).unwrap_or(0),
                    limit: opt(args, "limit").and_then(|x| x.parse().ok()).unwrap_or(0),
                    keys_only: flag(args, "keys-only"),
                    count_only: flag(args, "count-only"),
                    ..Default::default()
                };
                send(self, Request::Range { req, serializable: flag(args, "serializable") });
            }
            "del" => {
                let key = p.get(1).unwrap_or(&"").as_bytes().to_vec();
                let range_end = if flag(args, "prefix") { mvcc::prefix_end(&key) } else { Vec::new() };
                send(
                    self,
                    Request::DeleteRange(mvcc::DeleteRangeRequest {
                        key,
                        range_end,
                        prev_kv: flag(args, "prev-kv"),
                    }),
                );
            }
            "txn-cas" => {
                // txn-cas <m> <key> <expected> <new>: if value(key) == expected then put new else get key
                let key = p.get(1).unwrap_or(&"").as_bytes().to_vec();
                let t = mvcc::TxnRequest {
                    compare: vec![mvcc::Compare {
                        result: mvcc::CompareResult::Equal,
                        target: mvcc::CompareTarget::Value(p.get(2).unwrap_or(&"").as_bytes().to_vec()),
                        key: key.clone(),
                        range_end: Vec::new(),
                    }],
                    success: vec![mvcc::RequestOp::Put(mvcc::PutRequest {
                        key: key.clone(),
                        value: p.get(3).unwrap_or(&"").as_bytes().to_vec(),
                        ..Default::default()
                    })],
                    failure: vec![mvcc::RequestOp::Range(mvcc::RangeRequest { key, ..Default::default() })],
                };
                send(self, Request::Txn(t));
            }
            "fill" => {
                // fill <m> <n>: n puts of 1 KiB to key k, one after another.
                // fill <m> <n> concurrent: all n sent before any is
                // delivered (each passes the quota check on the store as it
                // is before any of them applies); every reply is printed.
                let n = num(p.get(1));
                if flag(args, "concurrent") {
                    let c = env_c(self);
                    for _ in 0..n {
                        let req = mvcc::PutRequest {
                            key: b"k".to_vec(),
                            value: vec![b'x'; 1024],
                            ..Default::default()
                        };
                        c.request(m, Request::Put(req), token.clone());
                    }
                    c.stabilize();
                    // The replies are printed below with everything else
                    // that arrived meanwhile.
                    out.push(format!("{n} concurrent puts"));
                } else {
                    let mut last = String::new();
                    for _ in 0..n {
                        let c = env_c(self);
                        let before = c.replies.len();
                        let req = mvcc::PutRequest {
                            key: b"k".to_vec(),
                            value: vec![b'x'; 1024],
                            ..Default::default()
                        };
                        c.request(m, Request::Put(req), token.clone());
                        c.stabilize();
                        if let Some((_, r)) = c.replies.get(before) {
                            last = render::reply(c, r).join(" ");
                        }
                        c.replies.truncate(before);
                    }
                    out.push(format!("{n} puts, last: {last}"));
                }
            }
            "compact" => send(
                self,
                Request::Compact { revision: num(p.get(1)) as i64, physical: flag(args, "physical") },
            ),
            "lease-grant" => {
                let id = opt(args, "id").map_or(0, lease_id);
                send(self, Request::LeaseGrant { ttl_seconds: num(p.get(1)) as i64, id });
            }
            "lease-revoke" => send(self, Request::LeaseRevoke { id: lease_id(p.get(1).unwrap_or(&"0")) }),
            "lease-ttl" => send(
                self,
                Request::LeaseTimeToLive { id: lease_id(p.get(1).unwrap_or(&"0")), keys: flag(args, "keys") },
            ),
            "lease-list" => send(self, Request::LeaseLeases),
            "keepalive" => send(self, Request::LeaseKeepAlive { id: lease_id(p.get(1).unwrap_or(&"0")) }),
            "cancel" => {
                let req = num(p.first());
                let c = self.c();
                if let Some(&mem) = c.req_member.get(&req)
                    && let Some(x) = c.members.get_mut(&mem)
                {
                    x.cancel(req);
                }
                c.stabilize();
            }
            "watch" => {
                let key = p.get(1).unwrap_or(&"").as_bytes().to_vec();
                let range_end = if flag(args, "prefix") { mvcc::prefix_end(&key) } else { Vec::new() };
                let start_revision = opt(args, "rev").and_then(|x| x.parse().ok()).unwrap_or(0);
                let w = mvcc::WatchCreateRequest {
                    key,
                    range_end,
                    start_revision,
                    prev_kv: flag(args, "prev-kv"),
                    ..Default::default()
                };
                send(self, Request::Watch(w));
            }
            "progress" => send(self, Request::WatchProgress { watch_request: num(p.get(1)) }),
            "member-list" => send(self, Request::MemberList),
            "member-add" => {
                let n = num(p.get(1));
                let url = format!("http://127.0.0.{n}:2380");
                let learner = flag(args, "learner");
                send(self, Request::MemberAdd { peer_urls: vec![url.clone()], is_learner: learner });
                // Record the new member's configuration for `start`.
                let c = self.c();
                let added = c.replies.iter().rev().find_map(|(_, r)| match &r.body {
                    server::ReplyBody::Done(Ok(server::Response::MemberAdd(a))) => Some(a.clone()),
                    _ => None,
                });
                if let Some(a) = added
                    && a.member.peer_urls == vec![url]
                {
                    let mut all = a.members.clone();
                    for x in &mut all {
                        if x.id == a.member.id {
                            x.name = format!("etcd-{n}");
                            x.client_urls = vec![format!("http://127.0.0.{n}:2379")];
                        }
                    }
                    c.add_config(n, a.member.clone(), all);
                }
            }
            "member-remove" => {
                let id = self.c().id(num(p.get(1)));
                send(self, Request::MemberRemove { id });
            }
            "member-promote" => {
                let id = self.c().id(num(p.get(1)));
                send(self, Request::MemberPromote { id });
            }
            "member-update" => {
                let id = self.c().id(num(p.get(1)));
                let urls = vec![p.get(2).unwrap_or(&"").to_string()];
                send(self, Request::MemberUpdate { id, peer_urls: urls });
            }
            "crash" => {
                self.c().crash(m);
                out.push(format!("etcd-{m} crashed"));
            }
            "restart" | "start" => {
                let c = self.c();
                c.restart(m);
                c.stabilize();
                out.push(format!("etcd-{m} started"));
            }
            "partition" => {
                let c = self.c();
                c.groups = line
                    .trim_start_matches("partition")
                    .split('|')
                    .map(|g| g.split_whitespace().filter_map(|x| x.parse().ok()).collect::<BTreeSet<u64>>())
                    .collect();
                out.push("ok".into());
            }
            "heal" => {
                self.c().groups.clear();
                out.push("ok".into());
            }
            "status" => send(self, Request::Status),
            "hashkv" => send(self, Request::HashKv { revision: num(p.get(1)) as i64 }),
            "defrag" => send(self, Request::Defrag),
            "alarm-list" => send(self, Request::AlarmList),
            "alarm-disarm" => send(self, Request::AlarmDisarm { member_id: 0, alarm: AlarmType::None }),
            "move-leader" => {
                let id = self.c().id(num(p.get(1)));
                send(self, Request::MoveLeader { target: id });
            }
            "snapshot-save" => {
                send(self, Request::Snapshot);
                if let Some(server::ReplyBody::Done(Ok(server::Response::Snapshot(sn)))) =
                    self.c().replies.last().map(|(_, r)| r.body.clone())
                {
                    self.backup = sn.blob;
                }
            }
            "restore" => {
                let n = opt(args, "n").and_then(|x| x.parse().ok()).unwrap_or(3);
                let (peers, _) = server::default_cluster(n);
                let opts = RestoreOptions {
                    initial_cluster: peers,
                    bump_revision: opt(args, "bump").and_then(|x| x.parse().ok()).unwrap_or(0),
                    mark_compacted: flag(args, "mark-compacted"),
                    ..RestoreOptions::default()
                };
                match server::restore_disks(&self.backup, opts) {
                    Err(e) => out.push(format!("Error: {e}")),
                    Ok(disks) => {
                        let mut c = Cluster::new(n, |_| {});
                        c.members.clear();
                        for (i, (p, disk)) in disks.into_iter().enumerate() {
                            let num = i as u64 + 1;
                            let cfg = c.configs[&num].clone();
                            assert_eq!(cfg.id, p.id);
                            c.members.insert(num, server::Member::start(cfg, disk));
                        }
                        self.c = Some(c);
                        self.events_seen = 0;
                        out.push(format!("restored {n} members"));
                    }
                }
            }
            "login" => {
                let (user, pass) = (p.get(1).unwrap_or(&"").to_string(), p.get(2).unwrap_or(&"").to_string());
                send(self, Request::Authenticate { name: user.clone(), password: pass });
                if let Some(server::ReplyBody::Done(Ok(server::Response::Authenticate { token, .. }))) =
                    self.c().replies.last().map(|(_, r)| r.body.clone())
                {
                    self.tokens.insert(user, token);
                }
            }
            "auth" => {
                let a = |i: usize| {
                    p.get(i)
                        .map_or(String::new(), |x| if *x == "\"\"" { String::new() } else { x.to_string() })
                };
                let req = match a(1).as_str() {
                    "enable" => AuthRequest::Enable,
                    "disable" => AuthRequest::Disable,
                    "status" => AuthRequest::Status,
                    "user-add" => AuthRequest::UserAdd { name: a(2), password: a(3), no_password: false },
                    "user-get" => AuthRequest::UserGet { name: a(2) },
                    "user-list" => AuthRequest::UserList,
                    "user-delete" => AuthRequest::UserDelete { name: a(2) },
                    "passwd" => AuthRequest::UserChangePassword { name: a(2), password: a(3) },
                    "grant-role" => AuthRequest::UserGrantRole { user: a(2), role: a(3) },
                    "revoke-role" => AuthRequest::UserRevokeRole { name: a(2), role: a(3) },
                    "role-add" => AuthRequest::RoleAdd { name: a(2) },
                    "role-get" => AuthRequest::RoleGet { role: a(2) },
                    "role-list" => AuthRequest::RoleList,
                    "role-delete" => AuthRequest::RoleDelete { role: a(2) },
                    "grant-perm" => {
                        let perm_type = match a(3).as_str() {
                            "read" => PermissionType::Read,
                            "write" => PermissionType::Write,
                            _ => PermissionType::ReadWrite,
                        };
                        let key = a(4).into_bytes();
                        let range_end =
                            if flag(args, "prefix") { mvcc::prefix_end(&key) } else { a(5).into_bytes() };
                        AuthRequest::RoleGrantPermission {
                            name: a(2),
                            perm: Some(Permission { perm_type, key, range_end }),
                        }
                    }
                    "revoke-perm" => AuthRequest::RoleRevokePermission {
                        role: a(2),
                        key: a(3).into_bytes(),
                        range_end: a(4).into_bytes(),
                    },
                    other => return format!("unknown auth command {other}"),
                };
                send(self, Request::Auth(req));
            }
            "events" => {
                let kinds: Vec<&str> = p.clone();
                let c = self.c.as_ref();
                let evs =
                    c.map(|c| c.events[self.events_seen.min(c.events.len())..].to_vec()).unwrap_or_default();
                self.events_seen += evs.len();
                for e in evs {
                    let text = format!("{:?}", e.kind);
                    let kind = text.split([' ', '{']).next().unwrap_or("").to_string();
                    if kinds.is_empty() || kinds.contains(&kind.as_str()) {
                        let who = c.map_or(0, |c| c.num(e.member));
                        out.push(format!("etcd-{who}: {}", describe(&e.kind, c)));
                    }
                }
            }
            "disk" => {
                let c = self.c();
                let d = c
                    .members
                    .get(&m)
                    .map(|x| x.disk().clone())
                    .or_else(|| c.down.get(&m).cloned())
                    .unwrap_or_default();
                let ents: Vec<u64> = d.entries().iter().map(|e| e.index).collect();
                let (lo, hi) = (ents.first().copied().unwrap_or(0), ents.last().copied().unwrap_or(0));
                out.push(format!(
                    "snapshot={} wal={}..{} ({} entries) hard_state={:?}",
                    d.snapshot_index(),
                    lo,
                    hi,
                    ents.len(),
                    d.hard_state()
                ));
            }
            "raft-status" => {
                let c = self.c();
                for (n, x) in &c.members {
                    let st = x.status();
                    out.push(format!(
                        "etcd-{n}: {:?} term={} commit={} applied={} rev={} snap={} first_index={}",
                        st.raft.soft_state.raft_state,
                        st.term,
                        st.commit,
                        st.applied,
                        st.revision,
                        st.last_snapshot_index,
                        st.raft.first_index
                    ));
                }
            }
            other => return format!("unknown command {other}"),
        }
        if let Some(c) = &self.c {
            for (_, r) in &c.replies[before.min(c.replies.len())..] {
                out.extend(render::reply(c, r));
            }
        }
        if out.is_empty() { "ok".into() } else { out.join("\n") }
    }
}

fn env_c(e: &mut Env) -> &mut Cluster {
    e.c()
}

fn describe(k: &MemberEventKind, c: Option<&Cluster>) -> String {
    let name = |id: u64| c.map_or(format!("{id:x}"), |c| render::name(c, id));
    match k {
        MemberEventKind::BecameLeader { term } => format!("became leader at term {term}"),
        MemberEventKind::BecameFollower { term, leader } => {
            format!("became follower at term {term}, leader {}", name(*leader))
        }
        MemberEventKind::LeaderChanged { term, leader } => {
            format!("leader is {} at term {term}", name(*leader))
        }
        MemberEventKind::VoteGranted { to, term, pre_vote } => {
            format!("granted {}vote to {} at term {term}", if *pre_vote { "pre-" } else { "" }, name(*to))
        }
        MemberEventKind::MembershipChanged { what, id } => format!("{what} {}", name(*id)),
        MemberEventKind::AlarmRaised { member_id, alarm } => {
            format!("alarm {alarm} raised by {}", name(*member_id))
        }
        MemberEventKind::AlarmCleared { member_id, alarm } => {
            format!("alarm {alarm} of {} cleared", name(*member_id))
        }
        MemberEventKind::LeaseExpired { id } => format!("lease {id:x} expired, revoke proposed"),
        MemberEventKind::LeaseRevoked { id } => format!("lease {id:x} revoked"),
        MemberEventKind::SnapshotSent { to, index } => {
            format!("sent snapshot at index {index} to {}", name(*to))
        }
        other => format!("{other:?}"),
    }
}
