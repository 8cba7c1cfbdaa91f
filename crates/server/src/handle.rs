//! The front of a member (etcd's `v3_server.go` and gRPC interceptors):
//! each client request is checked (auth token, learner, quota) and then
//! proposed, read by ReadIndex, or answered locally.

use sha2::{Digest, Sha256};

use crate::apply::{Forwarded, Op, txn_read_only};
use crate::auth::{AuthInfo, hash_password};
use crate::config::{SERVER_VERSION, STORAGE_VERSION, member_id};
use crate::error::{Error, Result};
use crate::events::MemberEventKind;
use crate::member::{Member, Queued, WaitKind};
use crate::membership::Change;
use crate::quota;
use crate::read_index::ReadOp;
use crate::request::{AlarmType, AuthRequest, ClientRequest, Request};
use crate::response::{MemberListResponse, Response, SnapshotResponse, StatusResponse};

/// What a configuration change entry carries besides the raft change.
#[derive(Clone, Debug)]
pub(crate) struct ConfContext {
    /// The proposal ID the proposing member answers.
    pub(crate) id: u64,
    /// The change to the membership.
    pub(crate) change: Change,
}

impl Member {
    /// Routes one client request.
    pub(crate) fn dispatch(&mut self, req: ClientRequest) {
        let client = req.id;
        let auth = match self.state.auth.auth_info(req.token.as_deref()) {
            Ok(a) => a,
            Err(e) => return self.reply(client, Err(e)),
        };
        if self.conf_state.learners.contains(&self.cfg.id) && !learner_allowed(&req.op) {
            return self.reply(client, Err(Error::NotSupportedForLearner));
        }
        if let Err(e) = self.handle(client, req.op, auth) {
            self.reply(client, Err(e));
        }
    }

    fn handle(&mut self, client: u64, op: Request, auth: Option<AuthInfo>) -> Result<()> {
        match op {
            Request::Range { mut req, serializable } => {
                req.serializable |= serializable;
                if req.serializable || self.cfg.unsafe_local_reads {
                    let r = self.read_now(&ReadOp::Range(req), auth.as_ref());
                    self.reply(client, r);
                } else {
                    self.start_read(client, ReadOp::Range(req), auth);
                }
            }
            Request::Put(p) => {
                self.check_quota(quota::put_cost(&p))?;
                self.propose(Some((client, WaitKind::Reply)), Op::Put(p), auth);
            }
            Request::DeleteRange(d) => {
                self.propose(Some((client, WaitKind::Reply)), Op::DeleteRange(d), auth);
            }
            Request::Txn(t) if txn_depth(&t) > MAX_TXN_DEPTH => {
                return Err(Error::Mvcc(mvcc::Error::TooManyOps));
            }
            Request::Txn(t) => match txn_read_only(&t) {
                (true, ser) if ser || self.cfg.unsafe_local_reads => {
                    let r = self.read_now(&ReadOp::Txn(t), auth.as_ref());
                    self.reply(client, r);
                }
                (true, false) => self.start_read(client, ReadOp::Txn(t), auth),
                _ => {
                    self.check_quota(quota::txn_cost(&t))?;
                    self.propose(Some((client, WaitKind::Reply)), Op::Txn(t), auth);
                }
            },
            Request::Compact { revision, physical: _ } => {
                self.propose(Some((client, WaitKind::Reply)), Op::Compact { revision }, auth);
            }
            Request::LeaseGrant { ttl_seconds, id } => {
                self.state.auth.require_user(auth.as_ref())?;
                self.check_quota(quota::lease_cost())?;
                let mut id = id;
                while id == 0 {
                    id = (self.next_id() & (i64::MAX as u64)) as i64;
                }
                self.propose(Some((client, WaitKind::Reply)), Op::LeaseGrant { id, ttl: ttl_seconds }, auth);
            }
            Request::LeaseRevoke { id } => {
                self.state.auth.require_user(auth.as_ref())?;
                self.propose(Some((client, WaitKind::Reply)), Op::LeaseRevoke { id }, auth);
            }
            Request::LeaseKeepAlive { id } => {
                self.check_lease_keys(auth.as_ref(), &[id], true)?;
                self.keepalive_open(client, id);
            }
            Request::LeaseTimeToLive { id, keys } => {
                self.state.auth.require_user(auth.as_ref())?;
                if keys {
                    self.check_lease_keys(auth.as_ref(), &[id], false)?;
                }
                if self.is_leader() {
                    let r = self.lease_ttl_local(id, keys);
                    self.reply(client, r);
                } else {
                    self.forward_lease(
                        client,
                        WaitKind::Reply,
                        Forwarded::LeaseTimeToLive { id, keys },
                        auth,
                    );
                }
            }
            Request::LeaseLeases => {
                let all = self.state.store.lease_leases().leases;
                self.check_lease_keys(auth.as_ref(), &all, false)?;
                let r = self.state.store.lease_leases();
                self.reply(client, Ok(Response::LeaseLeases(r)));
            }
            Request::Watch(w) => {
                // etcdctl watches with `WithRequireLeader`.
                if self.soft.lead == 0 {
                    return Err(Error::NoLeader);
                }
                self.state.auth.check(auth.as_ref(), &w.key, &w.range_end, false)?;
                self.open_watch(client, w);
            }
            Request::WatchProgress { watch_request } => self.watch_progress(client, watch_request),
            Request::MemberList => {
                let r = self.member_list();
                self.reply(client, Ok(Response::MemberList(r)));
            }
            Request::MemberAdd { peer_urls, is_learner } => self.member_add(client, peer_urls, is_learner)?,
            Request::MemberRemove { id } => self.member_remove(client, id)?,
            Request::MemberUpdate { id, peer_urls } => {
                check_urls(&peer_urls)?;
                self.state.cluster.validate(&Change::Update(id, peer_urls.clone()))?;
                let cc = self.conf_change(
                    raft::ConfChangeType::UpdateNode,
                    id,
                    Change::Update(id, peer_urls),
                    client,
                );
                self.submit(cc);
            }
            Request::MemberPromote { id } => {
                self.state.cluster.validate(&Change::Promote(id))?;
                if self.is_leader() {
                    let cc = self.check_promote(id, None)?;
                    let pid = self.next_id();
                    self.wait(pid, client, WaitKind::Reply);
                    self.submit(Queued::Conf(pid, with_id(cc, pid)));
                } else {
                    self.propose(
                        Some((client, WaitKind::Reply)),
                        Op::Forward(Forwarded::Promote { id }),
                        auth,
                    );
                }
            }
            Request::Status => {
                self.state.auth.require_user(auth.as_ref())?;
                let r = self.status_response();
                self.reply(client, Ok(Response::Status(r)));
            }
            Request::HashKv { revision } => {
                self.state.auth.check_admin(auth.as_ref())?;
                let r = self.state.store.hash_kv(revision)?;
                self.reply(client, Ok(Response::HashKv(r)));
            }
            Request::Defrag => {
                self.state.auth.check_admin(auth.as_ref())?;
                let db_size = self.state.store.defrag();
                self.event(MemberEventKind::Defragmented { db_size });
                let h = self.header();
                self.reply(client, Ok(Response::Defrag(h)));
            }
            Request::AlarmList => {
                self.state.auth.require_user(auth.as_ref())?;
                let op = Op::Alarm { activate: None, member_id: 0, alarm: AlarmType::None };
                self.propose(Some((client, WaitKind::Reply)), op, auth);
            }
            Request::AlarmDisarm { member_id, alarm } => {
                self.state.auth.check_admin(auth.as_ref())?;
                let op = Op::Alarm { activate: Some(false), member_id, alarm };
                self.propose(Some((client, WaitKind::Reply)), op, auth);
            }
            Request::MoveLeader { target } => self.move_leader(client, target, auth.as_ref())?,
            Request::Snapshot => {
                self.state.auth.check_admin(auth.as_ref())?;
                let blob = crate::backup::backup(&self.state);
                let sha256 = Sha256::digest(&blob).iter().map(|b| format!("{b:02x}")).collect();
                let header = self.header();
                self.reply(client, Ok(Response::Snapshot(SnapshotResponse { header, blob, sha256 })));
            }
            Request::Authenticate { name, password } => {
                if name.is_empty() {
                    return Err(Error::UserEmpty);
                }
                self.state.auth.check_password(&name, &password)?;
                let pid = self.next_id();
                let token = simple_token_prefix(self.cfg.id, pid);
                let op = Op::Authenticate { password_hash: hash_password(&name, &password), name, token };
                self.propose(Some((client, WaitKind::Reply)), op, None);
            }
            Request::Auth(a) => {
                let a = match a {
                    AuthRequest::UserAdd { name, password, no_password } => {
                        let password =
                            if no_password { String::new() } else { hash_password(&name, &password) };
                        AuthRequest::UserAdd { name, password, no_password }
                    }
                    AuthRequest::UserChangePassword { name, password } => {
                        let password = hash_password(&name, &password);
                        AuthRequest::UserChangePassword { name, password }
                    }
                    a => a,
                };
                self.propose(Some((client, WaitKind::Reply)), Op::Auth(a), auth);
            }
        }
        Ok(())
    }

    /// etcd's `checkLeaseRenew` / `checkLeaseTimeToLive`: with auth on, a
    /// user who is not admin needs write (renew) or read permission on
    /// every key attached to the leases.
    fn check_lease_keys(&self, auth: Option<&AuthInfo>, ids: &[i64], write: bool) -> Result<()> {
        let a = &self.state.auth;
        if !a.is_enabled() {
            return Ok(());
        }
        a.require_user(auth)?;
        if a.check_admin(auth).is_ok() {
            return Ok(());
        }
        for id in ids {
            for k in self.state.store.lessor().lookup(*id).map(|l| l.keys.iter()).into_iter().flatten() {
                a.check(auth, k, b"", write)?;
            }
        }
        Ok(())
    }

    /// etcd's quota check before a write: over quota, raise NOSPACE.
    fn check_quota(&mut self, cost: u64) -> Result<()> {
        if quota::available(self.state.store.size(), cost, self.cfg.quota_bytes) {
            return Ok(());
        }
        let op = Op::Alarm { activate: Some(true), member_id: self.cfg.id, alarm: AlarmType::NoSpace };
        self.propose(None, op, None);
        Err(Error::NoSpace)
    }

    pub(crate) fn member_list(&self) -> MemberListResponse {
        MemberListResponse { header: self.header(), members: self.state.cluster.members() }
    }

    /// etcd's maintenance `Status`: with no leader the errors start with
    /// `etcdserver: no leader`, then one entry per active alarm.
    fn status_response(&self) -> StatusResponse {
        let mut errors = Vec::new();
        if self.soft.lead == 0 {
            errors.push(Error::NoLeader.to_string());
        }
        errors.extend(self.state.alarms.errors());
        StatusResponse {
            header: self.header(),
            version: SERVER_VERSION.to_string(),
            db_size: self.state.store.size() as i64,
            leader: self.soft.lead,
            raft_index: self.commit,
            raft_term: self.term,
            raft_applied_index: self.applied,
            errors,
            db_size_in_use: self.state.store.size_in_use() as i64,
            is_learner: self.conf_state.learners.contains(&self.cfg.id),
            storage_version: STORAGE_VERSION.to_string(),
        }
    }

    fn conf_change(&mut self, t: raft::ConfChangeType, node: u64, change: Change, client: u64) -> Queued {
        let pid = self.next_id();
        self.wait(pid, client, WaitKind::Reply);
        let context = wire::to_vec(&ConfContext { id: pid, change });
        Queued::Conf(pid, raft::ConfChange { change_type: t, node_id: node, context })
    }

    fn member_add(&mut self, client: u64, peer_urls: Vec<String>, is_learner: bool) -> Result<()> {
        check_urls(&peer_urls)?;
        let salt = self.seq + 1 + (self.disk.boots << 32);
        let id = member_id(&peer_urls, &self.cfg.cluster_token, salt ^ self.cfg.id);
        let m = crate::config::PeerInfo {
            id,
            name: String::new(),
            peer_urls,
            client_urls: Vec::new(),
            is_learner,
        };
        self.state.cluster.validate(&Change::Add(m.clone()))?;
        // etcd's `mayAddMember`: a voter needs enough started members; any
        // new member needs every voter connected for the health interval
        // (5 s), which only the leader observes here.
        if self.cfg.strict_reconfig_check {
            if !is_learner && !self.state.cluster.ready_to_add_voter() {
                return Err(Error::NotEnoughStartedMembers);
            }
            if self.is_leader() {
                let since = self.ticks.saturating_sub(self.cfg.ms_to_ticks(5000));
                if self.ticks < self.cfg.ms_to_ticks(5000)
                    || self.state.cluster.voters().any(|v| !self.connected_since(v.id, since))
                {
                    return Err(Error::Unhealthy);
                }
            }
        }
        let t = if is_learner { raft::ConfChangeType::AddLearnerNode } else { raft::ConfChangeType::AddNode };
        let cc = self.conf_change(t, id, Change::Add(m), client);
        self.submit(cc);
        Ok(())
    }

    fn member_remove(&mut self, client: u64, id: u64) -> Result<()> {
        self.state.cluster.validate(&Change::Remove(id))?;
        let is_learner = self.state.cluster.member(id).is_some_and(|m| m.is_learner);
        if self.cfg.strict_reconfig_check && !is_learner {
            if !self.state.cluster.ready_to_remove_voter(id) {
                return Err(Error::NotEnoughStartedMembers);
            }
            if self.is_leader() && (id == self.cfg.id || self.peers_seen.contains_key(&id)) {
                let since = self.ticks.saturating_sub(self.cfg.ms_to_ticks(5000));
                let voters: Vec<u64> = self.state.cluster.voters().map(|v| v.id).collect();
                let active = voters.iter().filter(|&&v| self.connected_since(v, since)).count();
                if active.saturating_sub(1) < 1 + voters.len().saturating_sub(1) / 2 {
                    return Err(Error::NotEnoughStartedMembers);
                }
            }
        }
        let cc = self.conf_change(raft::ConfChangeType::RemoveNode, id, Change::Remove(id), client);
        self.submit(cc);
        Ok(())
    }

    /// On the leader: etcd's `isLearnerReady` (the learner's match index is
    /// at least 90% of the leader's) and the strict check; the conf change
    /// to propose (its context ID is set by the caller).
    /// `asked_at` is the log index the request was made at, when it was
    /// forwarded through the log (the learner is compared with what the
    /// leader had then).
    pub(crate) fn check_promote(&self, id: u64, asked_at: Option<u64>) -> Result<raft::ConfChange> {
        self.state.cluster.validate(&Change::Promote(id))?;
        let prs = &self.node.status().progress;
        let mut leader_match = prs.get(&self.cfg.id).map_or(0, |p| p.matched);
        if let Some(at) = asked_at {
            leader_match = leader_match.min(at.saturating_sub(1));
        }
        let learner_match = prs.get(&id).map_or(0, |p| p.matched);
        if (learner_match as f64) < (leader_match as f64) * 0.9 {
            return Err(Error::LearnerNotReady);
        }
        if self.cfg.strict_reconfig_check && !self.state.cluster.ready_to_promote(id) {
            return Err(Error::NotEnoughStartedMembers);
        }
        Ok(raft::ConfChange { change_type: raft::ConfChangeType::AddNode, node_id: id, context: Vec::new() })
    }

    fn move_leader(&mut self, client: u64, target: u64, auth: Option<&AuthInfo>) -> Result<()> {
        self.state.auth.check_admin(auth)?;
        if !self.is_leader() {
            return Err(Error::NotLeader);
        }
        if self.state.cluster.member(target).is_none_or(|m| m.is_learner) {
            return Err(Error::BadLeaderTransferee);
        }
        if target == self.cfg.id {
            let h = self.header();
            self.reply(client, Ok(Response::MoveLeader(h)));
            return Ok(());
        }
        self.node.transfer_leader(target);
        self.move_leader = Some((client, target, self.ticks + self.cfg.request_timeout_ticks()));
        Ok(())
    }

    /// Applies a committed configuration change entry.
    pub(crate) fn apply_conf_change(&mut self, mut cc: raft::ConfChange) {
        let ctx: Option<ConfContext> = wire::from_slice(&cc.context).ok();
        let Some(ctx) = ctx else {
            if let Ok(cs) = self.node.apply_conf_change(&cc) {
                self.conf_state = cs;
            }
            return;
        };
        let r = match self.state.cluster.apply(&ctx.change) {
            Ok(what) => {
                if let Change::Add(m) = &ctx.change {
                    cc.node_id = m.id;
                }
                if let Ok(cs) = self.node.apply_conf_change(&cc) {
                    self.conf_state = cs;
                }
                self.force_snapshot = true;
                self.event(MemberEventKind::MembershipChanged { what: what.to_string(), id: cc.node_id });
                if matches!(ctx.change, Change::Remove(id) if id == self.cfg.id) {
                    // etcd's applyEntries: `go s.stopWithDelay(10*100ms,
                    // "the member has been permanently removed from the
                    // cluster")`: it goes on for a second, so a removed
                    // leader's heartbeats tell the others the removal is
                    // committed (else the last voter may wait for it forever).
                    let delay = self.cfg.ms_to_ticks(crate::member::REMOVED_STOP_DELAY_MS);
                    self.stop_at_tick.get_or_insert(self.ticks + delay);
                }
                let list = self.member_list();
                Ok(match &ctx.change {
                    Change::Add(m) => Response::MemberAdd(crate::response::MemberAddResponse {
                        header: list.header,
                        member: m.clone(),
                        members: list.members,
                    }),
                    Change::Remove(_) => Response::MemberRemove(list),
                    Change::Update(..) => Response::MemberUpdate(list),
                    Change::Promote(_) => Response::MemberPromote(list),
                })
            }
            Err(e) => Err(e),
        };
        self.answer(ctx.id, r);
    }
}

/// The deepest nesting of transactions accepted. etcd bounds nesting by its
/// `--max-txn-ops` budget (each level spends at least one op); the entry
/// encoding here bounds it further, so deeper requests fail the same way up
/// front instead of never applying.
const MAX_TXN_DEPTH: usize = 32;

/// How deeply transactions nest in `t` (1: no nested txn), without
/// recursing, so no input can overflow the stack.
fn txn_depth(t: &mvcc::TxnRequest) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(t, 1usize)];
    while let Some((t, d)) = stack.pop() {
        deepest = deepest.max(d);
        if d > MAX_TXN_DEPTH {
            break;
        }
        for op in t.success.iter().chain(&t.failure) {
            if let mvcc::RequestOp::Txn(n) = op {
                stack.push((n, d + 1));
            }
        }
    }
    deepest
}

/// Sets the context of a promote conf change.
pub(crate) fn with_id(mut cc: raft::ConfChange, pid: u64) -> raft::ConfChange {
    let ctx = ConfContext { id: pid, change: Change::Promote(cc.node_id) };
    cc.context = wire::to_vec(&ctx);
    cc
}

/// What a learner serves (etcd's `isRPCSupportedForLearner`).
/// (Snapshot is a stream, which learners serve too.)
fn learner_allowed(op: &Request) -> bool {
    match op {
        Request::Range { req, serializable } => *serializable || req.serializable,
        Request::Status | Request::Snapshot => true,
        _ => false,
    }
}

/// etcd's `ValidateURLs`-like check: `scheme://host:port`.
fn check_urls(urls: &[String]) -> Result<()> {
    let ok = |u: &String| {
        let Some((scheme, rest)) = u.split_once("://") else { return false };
        matches!(scheme, "http" | "https" | "unix" | "unixs")
            && rest.rsplit_once(':').is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok())
    };
    if urls.is_empty() || !urls.iter().all(ok) {
        return Err(Error::MemberBadUrls);
    }
    Ok(())
}

/// A simple token's random part: 16 letters, derived from the member and
/// the request, so runs replay exactly.
fn simple_token_prefix(member: u64, pid: u64) -> String {
    let d = Sha256::digest([member.to_be_bytes(), pid.to_be_bytes()].concat());
    d.iter().take(16).map(|b| (if b % 52 < 26 { b'a' + b % 26 } else { b'A' + b % 26 }) as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_txns_are_refused_without_recursion() {
        let mut t = mvcc::TxnRequest::default();
        for _ in 0..10_000 {
            t = mvcc::TxnRequest { success: vec![mvcc::RequestOp::Txn(t)], ..Default::default() };
        }
        assert!(txn_depth(&t) > MAX_TXN_DEPTH);
        assert_eq!(txn_depth(&mvcc::TxnRequest::default()), 1);
        // Dropping a deep tree recurses in the std library; unwind it by hand.
        let mut cur = Some(t);
        while let Some(mut x) = cur.take() {
            cur = match x.success.pop() {
                Some(mvcc::RequestOp::Txn(n)) => Some(n),
                _ => None,
            };
        }
    }

    #[test]
    fn urls_are_checked_like_etcd() {
        assert!(check_urls(&["http://127.0.0.1:2380".into()]).is_ok());
        assert!(check_urls(&["https://h:1".into(), "http://x:2".into()]).is_ok());
        for bad in ["", "127.0.0.1:2380", "http://:2380", "http://h", "ftp://h:1", "http://h:99999"] {
            assert_eq!(check_urls(&[bad.into()]), Err(Error::MemberBadUrls), "{bad}");
        }
        assert_eq!(check_urls(&[]), Err(Error::MemberBadUrls));
    }

    #[test]
    fn tokens_are_sixteen_letters_and_deterministic() {
        let t = simple_token_prefix(1, 2);
        assert_eq!(t.len(), 16);
        assert!(t.chars().all(|c| c.is_ascii_alphabetic()));
        assert_eq!(t, simple_token_prefix(1, 2));
        assert_ne!(t, simple_token_prefix(1, 3));
    }

    #[test]
    fn learners_serve_only_serializable_reads_and_status() {
        let r = mvcc::RangeRequest { key: b"a".to_vec(), ..Default::default() };
        assert!(learner_allowed(&Request::Range { req: r.clone(), serializable: true }));
        assert!(!learner_allowed(&Request::Range { req: r, serializable: false }));
        assert!(learner_allowed(&Request::Status));
        assert!(!learner_allowed(&Request::Watch(mvcc::WatchCreateRequest::default())));
    }
}
