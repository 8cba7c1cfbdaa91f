//! The swarm runner: for one seed, draw a random fault schedule (crash,
//! restart, partition, one-way partition, loss, delay, duplication,
//! reordering, slow disk, a membership change, frequent snapshots), run a
//! safety phase under client load with those faults, heal everything, and
//! require liveness: every member converges to the same KV hash within a
//! bound. Then check the client history for linearizability and the
//! watches for their guarantees.
//!
//! ```text
//!   seed ──► schedule ──► safety phase (faults + clients + watch)
//!                          │ safety checker after every step
//!                          ▼
//!                        heal, start all ──► liveness (a write, equal hashes)
//!                          ▼
//!                        linearizability ──► watch guarantees ──► pass / fail
//! ```
//!
//! Everything derives from the seed, so a failing seed replays exactly.

use mvcc::{
    Compare, CompareResult, CompareTarget, PutRequest, RangeRequest, RequestOp, TxnRequest,
    WatchCreateRequest,
};
use raft::Rng;
use server::{Request, Response, StreamItem};

use crate::checker::{self, Verdict, WatchRecord};
use crate::client::{CallOptions, ClientError};
use crate::faults::Fault;
use crate::network::LinkSettings;
use crate::sim::{Sim, SimOptions, derive_seed};

/// How a swarm seed runs.
#[derive(Clone, Debug, PartialEq)]
pub struct SwarmOptions {
    /// Members at the start.
    pub nodes: u64,
    /// Length of the safety phase (virtual ms).
    pub safety_ms: u64,
    /// Time allowed for convergence after healing (virtual ms).
    pub liveness_ms: u64,
    /// Concurrent clients.
    pub clients: usize,
    /// Distinct keys the clients use.
    pub keys: usize,
    /// Search budget per key for the linearizability checker.
    pub lin_budget: u64,
    /// Run with the deliberately broken read path (to show the checker
    /// catches it).
    pub unsafe_local_reads: bool,
}

impl Default for SwarmOptions {
    fn default() -> Self {
        SwarmOptions {
            nodes: 3,
            safety_ms: 12_000,
            liveness_ms: 30_000,
            clients: 3,
            keys: 4,
            lin_budget: 2_000_000,
            unsafe_local_reads: false,
        }
    }
}

/// What became of one seed.
#[derive(Clone, Debug, PartialEq)]
pub struct SeedReport {
    /// The seed.
    pub seed: u64,
    /// Why it failed, if it did.
    pub failure: Option<String>,
    /// The faults applied, with their times.
    pub faults: Vec<(u64, Fault)>,
    /// Client operations completed OK.
    pub ops_ok: u64,
    /// Client operations that failed or timed out.
    pub ops_failed: u64,
    /// Operations the linearizability checker checked.
    pub checked_ops: usize,
    /// Watch events received and checked.
    pub watch_events: usize,
    /// Steps simulated.
    pub steps: u64,
    /// Virtual time at the end (ms).
    pub virtual_ms: u64,
    /// The final state hash.
    pub state_hash: String,
}

impl SeedReport {
    /// True if every check passed.
    pub fn passed(&self) -> bool {
        self.failure.is_none()
    }
}

/// A planned action of the schedule.
#[derive(Clone, Debug, PartialEq)]
enum Action {
    Fault(Fault),
    /// Remove a member, then add and start a new one in its place.
    ReplaceMember,
    /// Compact the key space a little behind the current revision.
    Compact,
    /// Start one stopped member (a repair in the middle of the chaos).
    StartStopped,
}

struct Client {
    request: Option<u64>,
    next_at_ms: u64,
    counter: u64,
}

struct Watcher {
    request: u64,
    record: WatchRecord,
}

/// The simulation options a seed runs with.
pub fn sim_options(seed: u64, opts: &SwarmOptions) -> SimOptions {
    let mut rng = Rng::new(derive_seed(seed, 1001));
    SimOptions {
        members: opts.nodes,
        network: LinkSettings { delay_min_ms: 1, delay_max_ms: 1 + rng.below(20), ..LinkSettings::default() },
        snapshot_count: Some(5 + rng.below(40)),
        message_log_capacity: 0,
        event_log_capacity: 200,
        unsafe_local_reads: opts.unsafe_local_reads,
        ..SimOptions::default()
    }
}

fn schedule(rng: &mut Rng, opts: &SwarmOptions) -> Vec<(u64, Action)> {
    let n = 3 + rng.below(8);
    let mut plan: Vec<(u64, Action)> = Vec::new();
    let mut replaced = false;
    for _ in 0..n {
        // Faults begin once a first leader is likely elected.
        let at = 1_500 + rng.below(opts.safety_ms.saturating_sub(2_000).max(1));
        let member = 1 + rng.below(opts.nodes);
        let other = 1 + (member + rng.below(opts.nodes.saturating_sub(1).max(1))) % opts.nodes;
        let action = match rng.below(18) {
            0 | 1 => Action::Fault(Fault::Stop { member }),
            2 => Action::Fault(Fault::Restart { member }),
            3 | 4 => Action::StartStopped,
            5 | 6 => {
                let mut a = Vec::new();
                let mut b = Vec::new();
                for m in 1..=opts.nodes {
                    if rng.chance(1, 2) { a.push(m) } else { b.push(m) }
                }
                Action::Fault(Fault::Partition { groups: vec![a, b] })
            }
            7 => Action::Fault(Fault::OneWay { from: member, to: other }),
            8 => Action::Fault(Fault::Isolate { member }),
            9 | 10 => Action::Fault(Fault::Heal),
            11 | 12 => Action::Fault(Fault::NetworkSettings(LinkSettings {
                delay_min_ms: rng.below(5),
                delay_max_ms: 5 + rng.below(150),
                drop_rate: rng.below(20) as f64 / 100.0,
                duplicate_rate: rng.below(10) as f64 / 100.0,
                reorder_rate: rng.below(30) as f64 / 100.0,
            })),
            13 => Action::Fault(Fault::SlowDisk { member, delay_ms: 10 + rng.below(300) }),
            14 if !replaced => {
                replaced = true;
                Action::ReplaceMember
            }
            _ => Action::Compact,
        };
        plan.push((at, action));
    }
    plan.sort_by_key(|(at, _)| *at);
    plan
}

/// Runs one seed; see the module docs.
pub fn run_seed(seed: u64, opts: &SwarmOptions) -> SeedReport {
    run_seed_with_sim(seed, opts).0
}

/// Runs one seed and returns the simulation too (to replay a failure and
/// look inside).
pub fn run_seed_with_sim(seed: u64, opts: &SwarmOptions) -> (SeedReport, Sim) {
    let mut sim = Sim::new(seed, sim_options(seed, opts));
    let mut rng = Rng::new(derive_seed(seed, 1002));
    // Member numbers in the schedule map to ids now.
    let plan: Vec<(u64, Action)> =
        schedule(&mut rng, opts).into_iter().map(|(at, a)| (at, map_ids(&sim, a))).collect();
    let mut report = SeedReport {
        seed,
        failure: None,
        faults: Vec::new(),
        ops_ok: 0,
        ops_failed: 0,
        checked_ops: 0,
        watch_events: 0,
        steps: 0,
        virtual_ms: 0,
        state_hash: String::new(),
    };
    let mut clients: Vec<Client> =
        (0..opts.clients).map(|i| Client { request: None, next_at_ms: i as u64 * 7, counter: 0 }).collect();
    let mut removed: Vec<u64> = Vec::new();
    let mut watchers: Vec<Watcher> = Vec::new();
    let mut next = 0;
    let slice_ms = 10;
    // The driver's own time: the simulator's clock stays at its last event.
    let mut t = 0;
    // Safety phase.
    while t < opts.safety_ms {
        while next < plan.len() && plan[next].0 <= t {
            let action = plan[next].1.clone();
            next += 1;
            run_action(&mut sim, &mut rng, action, &mut removed, &mut report);
        }
        drive_clients(&mut sim, &mut rng, &mut clients, opts, &removed, &mut report, Some(t));
        drive_watchers(&mut sim, &mut rng, &mut watchers, &removed);
        t = t.max(sim.now_ms()) + slice_ms;
        sim.run_until(t, |_| false);
        if sim.safety_violation().is_some() {
            break;
        }
    }
    // Heal everything and start every member that is still in the cluster.
    if sim.safety_violation().is_none() {
        let ids = sim.member_ids();
        let _ = sim.apply(Fault::Heal);
        let _ = sim.apply(Fault::NetworkSettings(LinkSettings::default()));
        for &id in &ids {
            let _ = sim.apply(Fault::SlowDisk { member: id, delay_ms: 0 });
            if !removed.contains(&id) && sim.member(id).is_none() {
                let _ = sim.apply(Fault::Start { member: id });
            }
        }
        let deadline = t + opts.liveness_ms;
        // Let clients finish (or time out), then one write must commit.
        loop {
            drive_clients(&mut sim, &mut rng, &mut clients, opts, &removed, &mut report, None);
            drive_watchers(&mut sim, &mut rng, &mut watchers, &removed);
            if clients.iter().all(|c| c.request.is_none()) || t > deadline {
                break;
            }
            t = t.max(sim.now_ms()) + slice_ms;
            sim.run_until(t, |_| false);
        }
        let candidates: Vec<u64> = sim.member_ids().into_iter().filter(|id| !removed.contains(id)).collect();
        let mut wrote = false;
        while !wrote && sim.now_ms() < deadline {
            let ep = candidates[rng.below(candidates.len() as u64) as usize];
            let put = Request::Put(PutRequest {
                key: b"liveness".to_vec(),
                value: b"ok".to_vec(),
                ..Default::default()
            });
            wrote = sim.call(ep, put).is_ok();
        }
        // The members are those the most advanced member lists (a removal
        // whose request timed out may still have committed).
        // A member added by a request that timed out was never started:
        // only the members the simulator runs can converge.
        let known = sim.member_ids();
        let live: Vec<u64> = current_members(&sim).into_iter().filter(|id| known.contains(id)).collect();
        let converged = sim.run_until(deadline, |s| {
            s.now_ms() % 100 == 0 && {
                let h = s.kv_hashes();
                live.iter().all(|id| h.contains_key(id))
                    && h.iter()
                        .filter(|(id, _)| live.contains(id))
                        .map(|(_, v)| *v)
                        .collect::<Vec<_>>()
                        .windows(2)
                        .all(|w| w[0] == w[1])
            }
        });
        if !wrote {
            report.failure =
                Some(format!("liveness: no write committed within {} ms of healing", opts.liveness_ms));
        } else if !converged {
            report.failure = Some(format!(
                "liveness: members did not converge within {} ms of healing: {:?}",
                opts.liveness_ms,
                sim.kv_hashes()
            ));
        }
        drive_watchers(&mut sim, &mut rng, &mut watchers, &removed);
    }
    if let Some(v) = sim.safety_violation() {
        report.failure = Some(format!("safety: {v}"));
    }
    if report.failure.is_none() {
        let mut history = sim.history().clone();
        history.close();
        match checker::check_linearizable(&history, opts.lin_budget) {
            Verdict::Ok { ops, .. } => report.checked_ops = ops,
            Verdict::Violation { key, ops } => {
                report.failure = Some(format!(
                    "linearizability: key {:?} has no linearization:\n{}",
                    String::from_utf8_lossy(&key),
                    checker::linearizability::describe(&ops, opts.lin_budget, 12)
                ));
            }
            Verdict::Inconclusive { key } => {
                report.failure = Some(format!(
                    "linearizability: search budget exhausted on key {:?}",
                    String::from_utf8_lossy(&key)
                ));
            }
        }
    }
    if report.failure.is_none() {
        let best = sim
            .running()
            .into_iter()
            .filter(|id| !removed.contains(id))
            .max_by_key(|id| sim.member(*id).map_or(0, |m| m.store().current_revision()));
        if let Some(store) = best.and_then(|id| sim.member(id)).map(|m| m.store()) {
            let (reference, from) = checker::reference_history(store);
            for w in &watchers {
                report.watch_events += w.record.responses.iter().map(|r| r.events.len()).sum::<usize>();
                if let Err(e) = checker::check_watch(&w.record, &reference, from) {
                    report.failure = Some(format!("watch: {e}"));
                    break;
                }
            }
        }
    }
    report.steps = sim.steps();
    report.virtual_ms = sim.now_ms();
    report.state_hash = sim.state_hash();
    (report, sim)
}

/// The member ids in the membership of the running member that applied
/// the most.
fn current_members(sim: &Sim) -> Vec<u64> {
    let best = sim
        .running()
        .into_iter()
        .filter_map(|id| sim.member(id))
        .map(|m| m.status())
        .max_by_key(|s| s.applied);
    best.map(|s| s.members.iter().map(|p| p.id).collect()).unwrap_or_default()
}

fn map_ids(sim: &Sim, action: Action) -> Action {
    let id = |n: u64| sim.member_id(n).unwrap_or(n);
    match action {
        Action::Fault(f) => Action::Fault(match f {
            Fault::Stop { member } => Fault::Stop { member: id(member) },
            Fault::Restart { member } => Fault::Restart { member: id(member) },
            Fault::Isolate { member } => Fault::Isolate { member: id(member) },
            Fault::SlowDisk { member, delay_ms } => Fault::SlowDisk { member: id(member), delay_ms },
            Fault::OneWay { from, to } => Fault::OneWay { from: id(from), to: id(to) },
            Fault::Partition { groups } => Fault::Partition {
                groups: groups.into_iter().map(|g| g.into_iter().map(id).collect()).collect(),
            },
            other => other,
        }),
        other => other,
    }
}

fn run_action(sim: &mut Sim, rng: &mut Rng, action: Action, removed: &mut Vec<u64>, report: &mut SeedReport) {
    let now = sim.now_ms();
    match action {
        Action::Fault(f) => {
            if sim.apply(f.clone()).is_ok() {
                report.faults.push((now, f));
            }
        }
        Action::StartStopped => {
            let stopped: Vec<u64> = sim
                .member_ids()
                .into_iter()
                .filter(|id| !removed.contains(id) && sim.member(*id).is_none())
                .collect();
            if !stopped.is_empty() {
                let f = Fault::Start { member: stopped[rng.below(stopped.len() as u64) as usize] };
                if sim.apply(f.clone()).is_ok() {
                    report.faults.push((now, f));
                }
            }
        }
        Action::Compact => {
            let Some(ep) = sim.running().first().copied() else { return };
            let rev = sim.member(ep).map_or(0, |m| m.store().current_revision());
            if rev > 5 {
                let id = sim.submit(
                    ep,
                    Request::Compact { revision: rev - 5, physical: false },
                    CallOptions::default(),
                );
                let _ = id;
            }
        }
        Action::ReplaceMember => {
            let running = sim.running();
            let Some(&via) = running.first() else { return };
            let ids: Vec<u64> = sim.member_ids().into_iter().filter(|i| !removed.contains(i)).collect();
            let victim = ids[rng.below(ids.len() as u64) as usize];
            if sim.call(via, Request::MemberRemove { id: victim }).is_err() {
                return;
            }
            removed.push(victim);
            if sim.member(victim).is_some() {
                let _ = sim.apply(Fault::Stop { member: victim });
            }
            report.faults.push((now, Fault::Stop { member: victim }));
            let n = sim.member_ids().len() as u64 + 1;
            let peer_urls = vec![format!("http://127.0.0.{n}:2380")];
            let via = sim.running().into_iter().find(|i| !removed.contains(i)).unwrap_or(via);
            let add = Request::MemberAdd { peer_urls: peer_urls.clone(), is_learner: false };
            if let Ok(Response::MemberAdd(r)) = sim.call(via, add) {
                let join = Fault::Join { member: r.member.id, name: format!("etcd-{n}"), peer_urls };
                if sim.apply(join.clone()).is_ok() {
                    report.faults.push((sim.now_ms(), join));
                }
            }
        }
    }
}

fn drive_clients(
    sim: &mut Sim,
    rng: &mut Rng,
    clients: &mut [Client],
    opts: &SwarmOptions,
    removed: &[u64],
    report: &mut SeedReport,
    submit_at: Option<u64>,
) {
    let members: Vec<u64> = sim.member_ids().into_iter().filter(|id| !removed.contains(id)).collect();
    for (i, c) in clients.iter_mut().enumerate() {
        if let Some(id) = c.request {
            match sim.result(id) {
                None => continue,
                Some(Ok(_)) => report.ops_ok += 1,
                Some(Err(_)) => report.ops_failed += 1,
            }
            c.request = None;
            c.next_at_ms = submit_at.unwrap_or(0) + rng.below(30);
        }
        let Some(now) = submit_at else { continue };
        if now < c.next_at_ms || members.is_empty() {
            continue;
        }
        c.counter += 1;
        let key = format!("k{}", rng.below(opts.keys as u64)).into_bytes();
        let value = format!("c{i}-{}", c.counter).into_bytes();
        let req = match rng.below(10) {
            0..=3 => Request::Range { req: RangeRequest { key, ..Default::default() }, serializable: false },
            4..=6 => Request::Put(PutRequest { key, value, ..Default::default() }),
            7 => Request::DeleteRange(mvcc::DeleteRangeRequest { key, ..Default::default() }),
            _ => {
                let expected = if rng.chance(1, 3) {
                    None
                } else {
                    Some(format!("c{}-{}", rng.below(3), rng.below(c.counter + 1)))
                };
                let target = match &expected {
                    None => CompareTarget::Version(0),
                    Some(v) => CompareTarget::Value(v.clone().into_bytes()),
                };
                Request::Txn(TxnRequest {
                    compare: vec![Compare {
                        result: CompareResult::Equal,
                        target,
                        key: key.clone(),
                        range_end: vec![],
                    }],
                    success: vec![RequestOp::Put(PutRequest { key, value, ..Default::default() })],
                    failure: vec![],
                })
            }
        };
        let ep = members[rng.below(members.len() as u64) as usize];
        let timeout = Some(500 + rng.below(2_500));
        c.request = Some(sim.submit(ep, req, CallOptions { timeout_ms: timeout, token: None }));
    }
}

fn drive_watchers(sim: &mut Sim, rng: &mut Rng, watchers: &mut Vec<Watcher>, removed: &[u64]) {
    let live: Vec<u64> = sim.running().into_iter().filter(|id| !removed.contains(id)).collect();
    if live.is_empty() {
        return;
    }
    if watchers.is_empty() {
        let record = WatchRecord {
            key: b"k".to_vec(),
            range_end: b"l".to_vec(),
            start_revision: 1,
            responses: vec![],
        };
        let ep = live[rng.below(live.len() as u64) as usize];
        let request = start_watch(sim, ep, &record, record.start_revision);
        watchers.push(Watcher { request, record });
    }
    for w in watchers.iter_mut() {
        for item in sim.take_stream(w.request) {
            if let StreamItem::Watch(resp) = item {
                if std::env::var("SIM_DEBUG").is_ok() {
                    let revs: Vec<i64> = resp.events.iter().map(|e| e.kv.mod_revision).collect();
                    eprintln!(
                        "{} ms req {} member {:x}: created {} canceled {} hdr {} revs {revs:?}",
                        sim.now_ms(),
                        w.request,
                        resp.header.member_id,
                        resp.created,
                        resp.canceled,
                        resp.header.revision
                    );
                }
                w.record.responses.push(resp);
            }
        }
        // A stream ends when its member goes away (or refuses it, e.g. with
        // no leader): resume elsewhere.
        let ended = matches!(sim.result(w.request), Some(Err(e)) if *e != ClientError::Canceled);
        let compacted = w.record.responses.iter().any(|r| r.canceled);
        if ended && !compacted {
            // Resume on another member, from where the stream stopped.
            let ep = live[rng.below(live.len() as u64) as usize];
            let from = w.record.resume_revision();
            w.request = start_watch(sim, ep, &w.record, from);
        }
    }
}

fn start_watch(sim: &mut Sim, ep: u64, record: &WatchRecord, from: i64) -> u64 {
    let req = WatchCreateRequest {
        key: record.key.clone(),
        range_end: record.range_end.clone(),
        start_revision: from,
        ..Default::default()
    };
    sim.submit(ep, Request::Watch(req), CallOptions::default())
}
