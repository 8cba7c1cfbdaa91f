//! The simulated cluster behind the console: `crates/sim` (real Raft members from `crates/server`) with `crates/kube` on top.
//!
//! Every request goes through [`sim::Sim`]: it enters at the member serving
//! the endpoint, carries the client's command timeout in virtual time, and
//! resolves to a `server::Response` or to the error etcdctl prints.
//!
//! ```text
//! Backend::new(seed, 3)       etcd-1..3 at http://127.0.0.N:2379, run until a leader is elected
//! call(etcd-2, Put foo)       -> (Ok(Response::Put), 12 ms)      virtual time ran
//! call(etcd-2, Put foo)       -> (Err(DeadlineExceeded), 5000 ms)  no quorum
//! advance(ms)                 the console's clock moves on: the sim and kube's controllers follow
//! ```
//!
//! A call's own time is spent inside [`Backend::call`]; the console's clock
//! ([`Backend::clock_ms`]) never falls behind the sim's, so `sleep 5s` after
//! a call lets 5 s pass from where the call ended.
//!
//! In page mode a command's run carries a journal (`journal.rs`): `call`,
//! `fault`, `open_stream` and `advance` answer from it or, for what it
//! has not answered yet, submit and suspend the run instead of running
//! time; `Backend::run_page` is how the page's clock moves the sim.

use kube::Kube;
use server::{Request, Response};
use sim::{CallOptions, CallResult, ClientError, Fault, Sim, SimOptions};
use slim::VecMap;

use crate::journal::{Entry, Journal, Wait};

/// The most virtual time one command may wait for an answer (as `sleep`'s
/// cap): a huge `--command-timeout` cannot stall the page. An hour: a day
/// of a five-member cluster with a campaign's lease kept alive took over
/// three minutes of host time in the REPL (the fuzz campaign's watchdog,
/// crates/ctl/tests/fuzz/regressions/hang-sleep-1e308.json).
pub(crate) const MAX_WAIT_MS: u64 = 3_600_000;

/// How often kube's controllers step (kube's own `STEP_MS`).
const KUBE_STEP_MS: u64 = 100;

/// How long a new cluster may take to elect its first leader (virtual ms).
const FIRST_LEADER_MS: u64 = 10_000;

/// How long a new cluster has been up when the console opens: etcd's health
/// interval (5 s), so membership changes pass the strict connectivity check
/// as they do on a cluster that has been running for a moment.
const WARM_UP_MS: u64 = 5_000;

/// One member as the console addresses it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// Its member ID.
    pub id: u64,
    /// `etcd-N` (or the name `member add` gave it).
    pub name: String,
    /// `host:port` of its client URL, without a scheme.
    pub host: String,
    /// Whether its process runs.
    pub running: bool,
}

/// The simulated cluster and the Kubernetes object layer over it.
#[derive(Clone)]
pub struct Backend {
    /// The cluster.
    pub sim: Sim,
    /// kube-apiserver and the controllers, writing through `sim`.
    pub kube: Kube,
    /// The console's virtual clock in the sim's time (ms).
    clock_ms: u64,
    /// Members `member add` announced and `cluster start NAME` will join:
    /// name -> (ID, peer URLs).
    pub pending: VecMap<String, (u64, Vec<String>)>,
    /// The console plays a kubeadm-style cluster: clients must speak TLS, and
    /// the members' URLs are shown with `https://` (the sim itself has no
    /// TLS; certificates are the console's).
    pub tls: bool,
    /// Kubernetes is in use (a kubectl command ran): its controllers run as
    /// time passes. Until then the keyspace holds only what etcdctl wrote.
    pub(crate) kube_active: bool,
    /// Page mode: the page's clock drives virtual time (see `journal.rs`).
    pub(crate) page: bool,
    /// The journal of the command running in page mode, if one is.
    pub(crate) journal: Option<Journal>,
    /// kube-apiserver is down (the node's kubelet says so): kube's
    /// controllers and heartbeats, which go through it, do not run.
    pub(crate) apiserver_down: bool,
}

impl Backend {
    /// A fresh cluster of `nodes` members made from `seed`, run until it has a leader.
    pub fn new(seed: u64, nodes: usize) -> Backend {
        Backend::with_quota(seed, nodes, None)
    }

    /// [`Backend::new`] with a backend quota in bytes (`None`: the members' default).
    pub fn with_quota(seed: u64, nodes: usize, quota_bytes: Option<u64>) -> Backend {
        let options = SimOptions { members: nodes.clamp(1, 7) as u64, quota_bytes, ..SimOptions::default() };
        // A cluster started in order is led by etcd-1 at term 2, as the
        // recorded one is: take the first simulation seed derived from
        // `seed` whose first election etcd-1 wins (elections are random, so
        // one of a few does); should none, hand leadership over.
        let mut sim = first_led_by_etcd1(seed, &options);
        if let (Some(leader), Some(first)) = (sim.leader(), sim.member_id(1))
            && leader != first
        {
            let _ = sim.call(leader, Request::MoveLeader { target: first });
        }
        Backend::started(seed, sim)
    }

    /// A cluster started from restored disks (`cluster reset --data-dir`):
    /// [`Sim::from_disks`], run until it has a leader.
    pub fn from_disks(
        seed: u64,
        disks: Vec<(server::PeerInfo, server::Disk)>,
        quota_bytes: Option<u64>,
    ) -> Backend {
        Backend::from_disks_at(seed, disks, quota_bytes, 0)
    }

    /// [`Backend::from_disks`] with the clock starting at `start_ms` (the
    /// node's kubelet starting etcd on another data dir while time goes on).
    pub fn from_disks_at(
        seed: u64,
        disks: Vec<(server::PeerInfo, server::Disk)>,
        quota_bytes: Option<u64>,
        start_ms: u64,
    ) -> Backend {
        let options = SimOptions { members: disks.len() as u64, quota_bytes, ..SimOptions::default() };
        let mut sim = Sim::from_disks_at(seed, options, disks, start_ms);
        let until = sim.now_ms() + FIRST_LEADER_MS;
        sim.run_until(until, |s| s.leader().is_some());
        Backend::started(seed, sim)
    }

    /// The console's backend over `sim`, once it has run for [`WARM_UP_MS`].
    fn started(seed: u64, mut sim: Sim) -> Backend {
        let until = sim.now_ms() + WARM_UP_MS;
        sim.run_until(until, |_| false);
        let clock_ms = sim.now_ms();
        Backend {
            sim,
            kube: Kube::new(seed),
            clock_ms,
            pending: VecMap::new(),
            tls: false,
            kube_active: false,
            page: false,
            journal: None,
            apiserver_down: false,
        }
    }

    /// Every member, in ID order: name, client host:port, running or not.
    pub fn endpoints(&self) -> Vec<Endpoint> {
        self.sim
            .member_ids()
            .into_iter()
            .filter_map(|id| {
                let node = self.sim.node(id)?;
                let me = node.config.initial_cluster.iter().find(|p| p.id == id);
                let url = me
                    .and_then(|p| p.client_urls.first().cloned())
                    .or_else(|| me.and_then(|p| p.peer_urls.first()).map(|u| u.replace(":2380", ":2379")))
                    .unwrap_or_else(|| format!("http://127.0.0.{}:2379", node.number));
                Some(Endpoint {
                    id,
                    name: node.config.name.clone(),
                    host: strip_scheme(&url).to_string(),
                    running: node.is_running(),
                })
            })
            .collect()
    }

    /// Partition groups as the network has them now (whoever cut the links:
    /// a console command or the page): members that can talk both ways
    /// share a group, numbered from 1 in member order; 0 for everyone while
    /// no link is cut.
    pub fn partition_groups(&self) -> VecMap<u64, u64> {
        let st = self.sim.status();
        let ids: Vec<u64> = st.members.iter().map(|n| n.id).collect();
        if st.blocked.is_empty() {
            let mut groups = VecMap::new();
            groups.extend(ids.into_iter().map(|id| (id, 0)));
            return groups;
        }
        let cut = |a: u64, b: u64| st.blocked.contains(&(a, b)) || st.blocked.contains(&(b, a));
        let mut by_number: Vec<(u64, u64)> = st.members.iter().map(|n| (n.number, n.id)).collect();
        slim::sort(&mut by_number);
        let mut group: VecMap<u64, u64> = VecMap::new();
        let mut next = 0;
        for &(_, id) in &by_number {
            if group.contains_key(&id) {
                continue;
            }
            next += 1;
            // Everyone reachable from `id` over uncut links.
            let mut todo = vec![id];
            while let Some(m) = todo.pop() {
                if group.insert(m, next).is_some() {
                    continue;
                }
                todo.extend(ids.iter().copied().filter(|&o| !group.contains_key(&o) && !cut(m, o)));
            }
        }
        group
    }

    /// The member serving `endpoint` (`host:port` or a URL).
    pub fn member_at(&self, endpoint: &str) -> Option<Endpoint> {
        let host = strip_scheme(endpoint).trim_end_matches('/');
        self.endpoints().into_iter().find(|e| e.host == host)
    }

    /// A member by name or hex ID.
    pub fn member_named(&self, name: &str) -> Option<Endpoint> {
        self.endpoints().into_iter().find(|e| e.name == name || format!("{:x}", e.id) == name)
    }

    /// Sends `request` to member `endpoint` and runs virtual time until it
    /// resolves or `timeout_ms` runs out. Returns the result and the time spent.
    ///
    /// In a page-mode run the journal answers instead: a request it has not
    /// answered yet is submitted and the run suspended (a placeholder error
    /// comes back; the console throws that run's output away).
    pub fn call(
        &mut self,
        endpoint: u64,
        request: Request,
        timeout_ms: u64,
        token: Option<String>,
    ) -> (CallResult, u64) {
        let timeout_ms = timeout_ms.min(MAX_WAIT_MS);
        if let Some(j) = self.journal.as_mut() {
            if j.suspended() {
                return (Err(ClientError::DeadlineExceeded), 0);
            }
            let same = |e: &Entry| {
                matches!(e, Entry::Call { endpoint: ep, request: r, token: t, .. }
                    if *ep == endpoint && *r == request && *t == token)
            };
            if let Some(Entry::Call { result, took_ms, .. }) = j.next(same) {
                return (result, took_ms);
            }
            let sent_ms = self.sim.now_ms();
            let options = CallOptions { timeout_ms: Some(timeout_ms), token: token.clone() };
            let id = self.sim.submit(endpoint, request.clone(), options);
            j.waiting = Some(Wait::Request { id, endpoint, request: Box::new(request), token, sent_ms });
            return (Err(ClientError::DeadlineExceeded), 0);
        }
        // The sim's clock rests at its last event (at most a tick behind the
        // console's): the call's duration counts from the console's clock.
        let console_start = self.clock_ms();
        let start = self.sim.now_ms();
        let id = self.sim.submit(endpoint, request, CallOptions { timeout_ms: Some(timeout_ms), token });
        let result = self.sim.wait(id).unwrap_or(Err(sim::ClientError::DeadlineExceeded));
        let done = self.sim.request_state(id).and_then(|c| c.done_ms).unwrap_or(self.sim.now_ms());
        self.forget_resolved();
        let took = done.saturating_sub(start);
        self.clock_ms = (console_start + took).max(self.sim.now_ms());
        (result, took)
    }

    /// A request a stream step needs answered (`lock` and `elect` reading
    /// their prefix). Blocking: the answer now. In page mode the request is
    /// submitted into `slot` and its answer picked up on a later step
    /// (`None` meanwhile), so a stream never runs the clock itself.
    pub fn probe(
        &mut self,
        slot: &mut Option<u64>,
        endpoint: u64,
        request: Request,
        timeout_ms: u64,
    ) -> Option<CallResult> {
        if !self.page {
            return Some(self.call(endpoint, request, timeout_ms, None).0);
        }
        let Some(id) = *slot else {
            let options = CallOptions { timeout_ms: Some(timeout_ms.min(MAX_WAIT_MS)), token: None };
            *slot = Some(self.sim.submit(endpoint, request, options));
            return None;
        };
        match self.sim.request_state(id) {
            Some(call) if call.result.is_none() => None,
            Some(call) => {
                *slot = None;
                call.result.clone()
            }
            None => {
                *slot = None;
                None
            }
        }
    }

    /// Sends `request` without waiting for the answer (page mode's Ctrl+C
    /// of a `lock`: the session lease is revoked as the clock runs on).
    pub fn send(&mut self, endpoint: u64, request: Request, timeout_ms: u64) {
        let options = CallOptions { timeout_ms: Some(timeout_ms.min(MAX_WAIT_MS)), token: None };
        self.sim.submit(endpoint, request, options);
    }

    /// Lets the sim forget resolved requests (their results were read).
    /// Not in page mode: another tab's pending command may not have read
    /// its answer yet (the console forgets once none waits).
    pub fn forget_resolved(&mut self) {
        if !self.page {
            self.sim.forget_resolved();
        }
    }

    /// Whether the page-mode run in progress is suspended (its operations
    /// are placeholders from here on).
    pub fn suspended(&self) -> bool {
        self.journal.as_ref().is_some_and(Journal::suspended)
    }

    /// Opens a stream (watch, keep-alive) at member `endpoint`: no deadline,
    /// items arrive through `sim.take_stream` as time runs. The request is
    /// submitted now; no virtual time passes.
    pub fn open_stream(&mut self, endpoint: u64, request: Request, token: Option<String>) -> u64 {
        if let Some(j) = self.journal.as_mut() {
            if j.suspended() {
                return 0;
            }
            let same = |e: &Entry| matches!(e, Entry::Stream { endpoint: ep, request: r, .. } if *ep == endpoint && *r == request);
            if let Some(Entry::Stream { id, .. }) = j.next(same) {
                return id;
            }
            let id = self.sim.submit(endpoint, request.clone(), CallOptions { timeout_ms: None, token });
            j.push(Entry::Stream { endpoint, request, id });
            return id;
        }
        self.sim.submit(endpoint, request, CallOptions { timeout_ms: None, token })
    }

    /// The keys under `prefix` as member `endpoint` reads them linearizably
    /// (`None` when the read fails, e.g. without quorum).
    pub fn range_prefix(
        &mut self,
        endpoint: u64,
        prefix: &[u8],
        timeout_ms: u64,
    ) -> Option<Vec<mvcc::KeyValue>> {
        match self.call(endpoint, prefix_read(prefix), timeout_ms, None).0 {
            Ok(Response::Range(r)) => Some(r.kvs),
            _ => None,
        }
    }

    /// [`Backend::range_prefix`] for a stream step, through [`Backend::probe`]:
    /// `None` while the answer is not there (page mode) or the read failed.
    pub fn probe_prefix(
        &mut self,
        slot: &mut Option<u64>,
        endpoint: u64,
        prefix: &[u8],
        timeout_ms: u64,
    ) -> Option<Vec<mvcc::KeyValue>> {
        match self.probe(slot, endpoint, prefix_read(prefix), timeout_ms)? {
            Ok(Response::Range(r)) => Some(r.kvs),
            _ => None,
        }
    }

    /// Like [`Backend::call`], unwrapping the response.
    pub fn call_ok(&mut self, endpoint: u64, request: Request, timeout_ms: u64) -> Option<Response> {
        self.call(endpoint, request, timeout_ms, None).0.ok()
    }

    /// The console's virtual clock (ms of the sim's time).
    pub fn clock_ms(&self) -> u64 {
        self.clock_ms.max(self.sim.now_ms())
    }

    /// Lets `ms` of virtual time pass, kube's controllers stepping. In a
    /// page-mode run: waits until the clock is `ms` further (the run is
    /// suspended until then).
    pub fn advance(&mut self, ms: u64) {
        let now = self.clock_ms();
        if let Some(j) = self.journal.as_mut() {
            if j.suspended() {
                return;
            }
            let until_ms = match j.next(|e| matches!(e, Entry::Wait { .. })) {
                Some(Entry::Wait { until_ms }) => until_ms,
                _ => {
                    let until_ms = now.saturating_add(ms.min(MAX_WAIT_MS));
                    j.push(Entry::Wait { until_ms });
                    until_ms
                }
            };
            if now < until_ms {
                j.waiting = Some(Wait::Until { until_ms });
            }
            return;
        }
        self.clock_ms = now.saturating_add(ms.min(MAX_WAIT_MS));
        let now = self.sim.now_ms();
        if self.clock_ms > now {
            if self.kube_active && !self.apiserver_down {
                self.kube.run_for(&mut self.sim, self.clock_ms - now);
            } else {
                let until = self.clock_ms;
                self.sim.run_until(until, |_| false);
            }
        }
    }

    /// Makes the cluster a kubeadm node's: writes what a fresh kubeadm
    /// cluster holds in one batch and lets its controllers and heartbeats
    /// run from now on (`ConsoleOptions::kubernetes`).
    pub fn start_kubernetes(&mut self) {
        // Without quorum the objects come with the first kubectl command.
        let _ = self.kube.kubeadm_init(&mut self.sim);
        self.kube_active = true;
        self.clock_ms = self.clock_ms.max(self.sim.now_ms());
    }

    /// Runs `f` on the sim and kube (a kubectl command), keeping the clock.
    pub fn with_kube<T>(&mut self, f: impl FnOnce(&mut Kube, &mut Sim) -> T) -> T {
        self.kube_active = true;
        let out = f(&mut self.kube, &mut self.sim);
        self.clock_ms = self.clock_ms.max(self.sim.now_ms());
        out
    }

    /// Applies a fault (stop, start, partition, ...), recorded for replay.
    /// In a page-mode run a fault is applied once: a rerun reads its result
    /// from the journal.
    pub fn fault(&mut self, fault: Fault) -> Result<(), String> {
        if let Some(j) = self.journal.as_mut() {
            if j.suspended() {
                return Ok(());
            }
            if let Some(Entry::Fault { result, .. }) =
                j.next(|e| matches!(e, Entry::Fault { fault: f, .. } if *f == fault))
            {
                return result;
            }
            let result = self.sim.apply(fault.clone()).map_err(|e| e.to_string());
            j.push(Entry::Fault { fault, result: result.clone() });
            return result;
        }
        self.sim.apply(fault).map_err(|e| e.to_string())
    }

    /// Page mode: runs the simulator (and kube's controllers once kubectl
    /// ran) up to `until_ms`, stopping early right after the event that
    /// makes `stop` hold. The console's clock follows.
    ///
    /// kube's controllers read their answers when they step, so resolved
    /// requests are forgotten right after a step, and only while no console
    /// command waits (`awaited`): forgetting between the steps would lose
    /// the controllers' answers (a Deployment would never get its pods).
    pub(crate) fn run_page(&mut self, until_ms: u64, awaited: &[u64]) {
        let stop =
            |sim: &Sim| awaited.iter().any(|id| sim.request_state(*id).is_none_or(|c| c.result.is_some()));
        loop {
            let now = self.sim.now_ms();
            if now >= until_ms {
                break;
            }
            // kube's controllers step on their own grid.
            let kube = self.kube_active && !self.apiserver_down;
            let next = if kube { ((now / KUBE_STEP_MS + 1) * KUBE_STEP_MS).min(until_ms) } else { until_ms };
            let stopped = self.sim.run_until(next, &stop);
            if kube && !stopped && self.sim.now_ms().is_multiple_of(KUBE_STEP_MS) {
                self.kube.step(&mut self.sim);
                if awaited.is_empty() {
                    self.sim.forget_resolved();
                }
            }
            if stopped || stop(&self.sim) {
                break;
            }
        }
        self.clock_ms = self.clock_ms.max(self.sim.now_ms());
    }
}

impl Backend {
    /// A member URL as the console shows it (`https://` on a TLS cluster).
    pub fn url(&self, url: &str) -> String {
        match url.strip_prefix("http://") {
            Some(rest) if self.tls => format!("https://{rest}"),
            _ => url.to_string(),
        }
    }
}

/// A linearizable read of every key under `prefix`.
fn prefix_read(prefix: &[u8]) -> Request {
    let req = mvcc::RangeRequest {
        key: prefix.to_vec(),
        range_end: mvcc::prefix_end(prefix),
        ..Default::default()
    };
    Request::Range { req, serializable: false }
}

/// Seeds tried for a first election won by etcd-1.
const SEED_TRIES: u64 = 16;

/// A new simulation run until its first leader; the first of the seeds
/// derived from `seed` whose first leader is etcd-1 (else the last tried).
fn first_led_by_etcd1(seed: u64, options: &SimOptions) -> Sim {
    let mut k: u64 = 0;
    loop {
        let s = seed.wrapping_add(k.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut sim = Sim::new(s, options.clone());
        let until = sim.now_ms() + FIRST_LEADER_MS;
        sim.run_until(until, |s| s.leader().is_some());
        k += 1;
        if sim.leader() == sim.member_id(1) || k >= SEED_TRIES {
            return sim;
        }
    }
}

/// `host:port` of a URL.
pub fn strip_scheme(url: &str) -> &str {
    url.trim_start_matches("http://").trim_start_matches("https://")
}

#[cfg(test)]
mod tests {
    use super::*;
    use mvcc::{PutRequest, RangeRequest};

    #[test]
    fn a_new_cluster_has_a_leader_and_serves_requests_through_raft() {
        let mut b = Backend::new(7, 3);
        assert_eq!(b.sim.leader(), b.sim.member_id(1), "etcd-1 leads a new cluster");
        let eps = b.endpoints();
        assert_eq!(eps.len(), 3);
        assert_eq!(eps.iter().map(|e| e.name.as_str()).collect::<Vec<_>>().len(), 3);
        let e2 = b.member_at("http://127.0.0.2:2379").expect("etcd-2");
        assert_eq!(e2.name, "etcd-2");
        assert_eq!(b.member_named("etcd-2").map(|e| e.id), Some(e2.id));
        let put =
            Request::Put(PutRequest { key: b"foo".to_vec(), value: b"bar".to_vec(), ..Default::default() });
        let (r, took) = b.call(e2.id, put, 5000, None);
        assert!(matches!(r, Ok(Response::Put(_))), "{r:?}");
        assert!(took < 5000);
        let get = Request::Range {
            req: RangeRequest { key: b"foo".to_vec(), ..Default::default() },
            serializable: false,
        };
        let e3 = b.member_named("etcd-3").expect("etcd-3").id;
        match b.call(e3, get, 5000, None).0 {
            Ok(Response::Range(r)) => assert_eq!(r.kvs[0].value, b"bar"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn without_quorum_a_write_runs_out_the_command_timeout() {
        let mut b = Backend::new(1, 3);
        let ids: Vec<u64> = b.endpoints().iter().map(|e| e.id).collect();
        b.fault(Fault::Stop { member: ids[0] }).unwrap();
        b.fault(Fault::Stop { member: ids[1] }).unwrap();
        let put = Request::Put(PutRequest { key: b"k".to_vec(), value: b"v".to_vec(), ..Default::default() });
        let (r, took) = b.call(ids[2], put, 5000, None);
        assert_eq!(r, Err(sim::ClientError::DeadlineExceeded));
        assert!((4900..=5000).contains(&took), "{took}");
    }

    #[test]
    fn partition_groups_follow_the_cut_links() {
        let mut b = Backend::new(3, 3);
        let ids: Vec<u64> = (1..=3).map(|n| b.sim.member_id(n).unwrap()).collect();
        assert!(b.partition_groups().values().all(|&g| g == 0));
        b.fault(Fault::Partition { groups: vec![vec![ids[0]], vec![ids[1], ids[2]]] }).unwrap();
        let g = b.partition_groups();
        assert_eq!((g[&ids[0]], g[&ids[1]], g[&ids[2]]), (1, 2, 2));
        b.fault(Fault::Heal).unwrap();
        assert!(b.partition_groups().values().all(|&g| g == 0));
    }
}
