//! The fault schedules a swarm seed draws: `classic` (the swarm as it was
//! until issue 17, kept so that seeds found then replay exactly) and
//! `wide`, which adds what a cluster in production meets besides crashes
//! and cut links:
//!
//! ```text
//!   classic  3..10 actions: stop, restart, repair, partition, one-way,
//!            isolate, heal, lossy network, slow disk, one member
//!            replaced, compaction
//!   wide     4..13 actions, 3 or 5 members: all of classic, plus
//!            full disks (the member exits at its next write) and space
//!            again, up to two membership changes, some of them under a
//!            partition drawn just before, leader transfers under the
//!            clients' load, leases with short TTLs (kept alive or left to
//!            expire, while partitions come and go), compaction at the
//!            head of the log, and watches moved to another member
//!            (resumed from their last revision + 1, as clientv3 does)
//! ```
//!
//! Times are drawn in the safety phase after a first leader is likely
//! (1.5 s); members are numbers `1..=N` until [`map_ids`] turns them into ids.

use raft::Rng;

use crate::faults::Fault;
use crate::network::LinkSettings;
use crate::sim::Sim;
use crate::swarm::{Profile, SwarmOptions};

/// A planned action of the schedule.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Action {
    Fault(Fault),
    /// Remove a member, then add and start a new one in its place.
    ReplaceMember,
    /// Compact the key space `behind` revisions behind the current one.
    Compact {
        behind: i64,
    },
    /// Start one stopped member (a repair in the middle of the chaos).
    StartStopped,
    /// Ask the leader to hand leadership to another voter
    /// (`etcdctl move-leader`), under whatever load the clients make.
    MoveLeader,
    /// Grant a lease of `ttl_seconds`, attach a key in the watched range,
    /// and keep the lease alive or let it expire.
    Lease {
        ttl_seconds: i64,
        keep_alive: bool,
    },
    /// End the watch stream and resume it on another member from its
    /// last revision + 1.
    MoveWatch,
}

/// Draws the schedule of `profile` for a cluster of `nodes`.
pub(crate) fn draw(rng: &mut Rng, opts: &SwarmOptions, nodes: u64) -> Vec<(u64, Action)> {
    let mut plan = match opts.profile {
        Profile::Classic => classic(rng, opts, nodes),
        Profile::Wide => wide(rng, opts, nodes),
    };
    plan.sort_by_key(|(at, _)| *at);
    plan
}

/// A time in the safety phase, after a first election.
fn when(rng: &mut Rng, opts: &SwarmOptions) -> u64 {
    1_500 + rng.below(opts.safety_ms.saturating_sub(2_000).max(1))
}

/// Two members: a random one and another (the same one if there is one).
fn two(rng: &mut Rng, nodes: u64) -> (u64, u64) {
    let member = 1 + rng.below(nodes);
    let other = 1 + (member + rng.below(nodes.saturating_sub(1).max(1))) % nodes;
    (member, other)
}

fn split(rng: &mut Rng, nodes: u64) -> Fault {
    let mut a = Vec::new();
    let mut b = Vec::new();
    for m in 1..=nodes {
        if rng.chance(1, 2) { a.push(m) } else { b.push(m) }
    }
    Fault::Partition { groups: vec![a, b] }
}

fn lossy(rng: &mut Rng) -> Fault {
    Fault::NetworkSettings(LinkSettings {
        delay_min_ms: rng.below(5),
        delay_max_ms: 5 + rng.below(150),
        drop_rate: rng.below(20) as f64 / 100.0,
        duplicate_rate: rng.below(10) as f64 / 100.0,
        reorder_rate: rng.below(30) as f64 / 100.0,
    })
}

/// The swarm's schedule until issue 17, draw for draw.
fn classic(rng: &mut Rng, opts: &SwarmOptions, nodes: u64) -> Vec<(u64, Action)> {
    let n = 3 + rng.below(8);
    let mut plan = Vec::new();
    let mut replaced = false;
    for _ in 0..n {
        let at = when(rng, opts);
        let (member, other) = two(rng, nodes);
        let action = match rng.below(18) {
            0 | 1 => Action::Fault(Fault::Stop { member }),
            2 => Action::Fault(Fault::Restart { member }),
            3 | 4 => Action::StartStopped,
            5 | 6 => Action::Fault(split(rng, nodes)),
            7 => Action::Fault(Fault::OneWay { from: member, to: other }),
            8 => Action::Fault(Fault::Isolate { member }),
            9 | 10 => Action::Fault(Fault::Heal),
            11 | 12 => Action::Fault(lossy(rng)),
            13 => Action::Fault(Fault::SlowDisk { member, delay_ms: 10 + rng.below(300) }),
            14 if !replaced => {
                replaced = true;
                Action::ReplaceMember
            }
            _ => Action::Compact { behind: 5 },
        };
        plan.push((at, action));
    }
    plan
}

/// The wider schedule (see the module docs).
fn wide(rng: &mut Rng, opts: &SwarmOptions, nodes: u64) -> Vec<(u64, Action)> {
    let n = 4 + rng.below(10);
    let mut plan = Vec::new();
    let mut memberships = 0;
    for _ in 0..n {
        let at = when(rng, opts);
        let (member, other) = two(rng, nodes);
        let action = match rng.below(30) {
            0 | 1 => Action::Fault(Fault::Stop { member }),
            2 => Action::Fault(Fault::Restart { member }),
            3 | 4 => Action::StartStopped,
            5 | 6 => Action::Fault(split(rng, nodes)),
            7..=9 => Action::Fault(Fault::OneWay { from: member, to: other }),
            10 => Action::Fault(Fault::Isolate { member }),
            11 | 12 => Action::Fault(Fault::Heal),
            13 => Action::Fault(lossy(rng)),
            14 | 15 => Action::Fault(Fault::SlowDisk { member, delay_ms: 10 + rng.below(300) }),
            16 | 17 => Action::Fault(Fault::DiskFull { member, full: true }),
            18 => Action::Fault(Fault::DiskFull { member, full: false }),
            19 | 20 if memberships < 2 => {
                memberships += 1;
                if rng.chance(1, 2) {
                    // A partition just before: the change commits (or
                    // not) with part of the cluster cut off.
                    plan.push((at.saturating_sub(1 + rng.below(300)), Action::Fault(split(rng, nodes))));
                }
                Action::ReplaceMember
            }
            21 | 22 => Action::MoveLeader,
            23 | 24 => Action::Lease { ttl_seconds: 1 + rng.below(4) as i64, keep_alive: rng.chance(1, 2) },
            25 | 26 => Action::MoveWatch,
            27 => Action::Compact { behind: rng.below(3) as i64 },
            _ => Action::Compact { behind: 5 },
        };
        plan.push((at, action));
    }
    plan
}

/// The schedule's member numbers as the simulation's ids.
pub(crate) fn map_ids(sim: &Sim, action: Action) -> Action {
    let id = |n: u64| sim.member_id(n).unwrap_or(n);
    match action {
        Action::Fault(f) => Action::Fault(match f {
            Fault::Stop { member } => Fault::Stop { member: id(member) },
            Fault::Restart { member } => Fault::Restart { member: id(member) },
            Fault::Isolate { member } => Fault::Isolate { member: id(member) },
            Fault::SlowDisk { member, delay_ms } => Fault::SlowDisk { member: id(member), delay_ms },
            Fault::DiskFull { member, full } => Fault::DiskFull { member: id(member), full },
            Fault::OneWay { from, to } => Fault::OneWay { from: id(from), to: id(to) },
            Fault::Partition { groups } => Fault::Partition {
                groups: groups.into_iter().map(|g| g.into_iter().map(id).collect()).collect(),
            },
            other => other,
        }),
        other => other,
    }
}
