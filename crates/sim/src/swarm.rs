//! The swarm runner: for one seed, draw a random fault schedule (crash,
//! restart, partition, one-way partition, loss, delay, duplication,
//! reordering, slow disk, full disk, membership changes, leader
//! transfers, leases, compaction, frequent snapshots; `swarm/schedule.rs`),
//! run a safety phase under client load with those faults (`swarm/load.rs`,
//! `swarm/actions.rs`), heal everything, and require liveness: every
//! member converges to the same KV hash within a bound. Then check the
//! client history for linearizability and the watches for their guarantees.
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

mod actions;
mod load;
mod schedule;

use mvcc::PutRequest;
use raft::Rng;
use server::Request;

use crate::checker::{self, Verdict};
use crate::faults::Fault;
use crate::network::LinkSettings;
use crate::sim::{Sim, SimOptions, derive_seed};
use load::{Client, Watcher, drive_clients, drive_watchers};

/// Which schedules a seed draws (`swarm/schedule.rs`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Profile {
    /// The swarm until issue 17: three members, crashes, cut links, slow
    /// disks, one replaced member, compaction. Seeds found with it replay
    /// with it.
    Classic,
    /// Classic's faults and full disks, 3 or 5 members, membership changes
    /// under partitions, leader transfers, leases, compaction at the head,
    /// moved watches.
    #[default]
    Wide,
}

impl Profile {
    /// `classic` or `wide`.
    pub fn parse(s: &str) -> Option<Profile> {
        match s {
            "classic" => Some(Profile::Classic),
            "wide" => Some(Profile::Wide),
            _ => None,
        }
    }
}

/// How a swarm seed runs.
#[derive(Clone, Debug, PartialEq)]
pub struct SwarmOptions {
    /// Members at the start (`None`: drawn per seed, 3 or 5 in the wide
    /// profile, 3 in the classic one).
    pub nodes: Option<u64>,
    /// The schedules drawn.
    pub profile: Profile,
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
            nodes: None,
            profile: Profile::Wide,
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
    /// Members at the start.
    pub nodes: u64,
    /// The faults applied, with their times.
    pub faults: Vec<(u64, Fault)>,
    /// The schedule's client-side actions (compaction, leader transfer,
    /// leases, moved watches), with their times.
    pub requests: Vec<(u64, String)>,
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

/// Members a seed starts with: `opts.nodes`, or drawn (wide: 3 or 5).
pub fn nodes(seed: u64, opts: &SwarmOptions) -> u64 {
    match (opts.nodes, opts.profile) {
        (Some(n), _) => n,
        (None, Profile::Classic) => 3,
        (None, Profile::Wide) => {
            if Rng::new(derive_seed(seed, 1003)).chance(2, 5) {
                5
            } else {
                3
            }
        }
    }
}

/// The simulation options a seed runs with.
pub fn sim_options(seed: u64, opts: &SwarmOptions) -> SimOptions {
    let mut rng = Rng::new(derive_seed(seed, 1001));
    SimOptions {
        members: nodes(seed, opts),
        network: LinkSettings { delay_min_ms: 1, delay_max_ms: 1 + rng.below(20), ..LinkSettings::default() },
        snapshot_count: Some(5 + rng.below(40)),
        message_log_capacity: 0,
        event_log_capacity: 200,
        unsafe_local_reads: opts.unsafe_local_reads,
        ..SimOptions::default()
    }
}

/// Runs one seed; see the module docs.
pub fn run_seed(seed: u64, opts: &SwarmOptions) -> SeedReport {
    run_seed_with_sim(seed, opts).0
}

/// Runs one seed and returns the simulation too (to replay a failure and
/// look inside).
pub fn run_seed_with_sim(seed: u64, opts: &SwarmOptions) -> (SeedReport, Sim) {
    let nodes = nodes(seed, opts);
    let mut sim = Sim::new(seed, sim_options(seed, opts));
    let mut rng = Rng::new(derive_seed(seed, 1002));
    // Member numbers in the schedule map to ids now.
    let plan: Vec<(u64, schedule::Action)> = schedule::draw(&mut rng, opts, nodes)
        .into_iter()
        .map(|(at, a)| (at, schedule::map_ids(&sim, a)))
        .collect();
    let relist = opts.profile == Profile::Wide;
    let mut leases = 0;
    let mut report = SeedReport {
        seed,
        failure: None,
        nodes,
        faults: Vec::new(),
        requests: Vec::new(),
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
            let mut cx = actions::Ctx {
                rng: &mut rng,
                removed: &mut removed,
                watchers: &mut watchers,
                report: &mut report,
                leases: &mut leases,
                profile: opts.profile,
            };
            actions::run(&mut sim, action, &mut cx);
        }
        drive_clients(&mut sim, &mut rng, &mut clients, opts, &removed, &mut report, Some(t));
        drive_watchers(&mut sim, &mut rng, &mut watchers, &removed, relist);
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
            if sim.disk(id).is_some_and(server::Disk::is_full) {
                let _ = sim.apply(Fault::DiskFull { member: id, full: false });
            }
            if !removed.contains(&id) && sim.member(id).is_none() {
                let _ = sim.apply(Fault::Start { member: id });
            }
        }
        let deadline = t + opts.liveness_ms;
        // Let clients finish (or time out), then one write must commit.
        loop {
            drive_clients(&mut sim, &mut rng, &mut clients, opts, &removed, &mut report, None);
            drive_watchers(&mut sim, &mut rng, &mut watchers, &removed, relist);
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
        drive_watchers(&mut sim, &mut rng, &mut watchers, &removed, relist);
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
