//! Carrying out a schedule's [`Action`]s: faults through [`Sim::apply`],
//! the rest as client requests (compaction, membership, leader transfer,
//! leases) or as the watcher moving, each noted in the seed's report.

use mvcc::PutRequest;
use raft::Rng;
use server::{Request, Response};

use crate::client::CallOptions;
use crate::faults::Fault;
use crate::sim::Sim;
use crate::swarm::load::{Watcher, move_watch};
use crate::swarm::schedule::Action;
use crate::swarm::{Profile, SeedReport};

/// What an action needs besides the simulation.
pub(crate) struct Ctx<'a> {
    pub(crate) rng: &'a mut Rng,
    pub(crate) removed: &'a mut Vec<u64>,
    pub(crate) watchers: &'a mut Vec<Watcher>,
    pub(crate) report: &'a mut SeedReport,
    /// Leases granted so far (their keys are `kl0`, `kl1`, ...).
    pub(crate) leases: &'a mut u64,
    /// The classic profile kills a removed member at once; the wide one
    /// lets it stop itself a second after it applied its removal, as etcd
    /// does (a removed leader's heartbeats carry the commit of its removal
    /// to the others).
    pub(crate) profile: Profile,
}

pub(crate) fn run(sim: &mut Sim, action: Action, cx: &mut Ctx<'_>) {
    let now = sim.now_ms();
    match action {
        Action::Fault(f) => {
            if sim.apply(f.clone()).is_ok() {
                cx.report.faults.push((now, f));
            }
        }
        Action::StartStopped => {
            let stopped: Vec<u64> = sim
                .member_ids()
                .into_iter()
                .filter(|id| !cx.removed.contains(id) && sim.member(*id).is_none())
                .collect();
            if !stopped.is_empty() {
                let f = Fault::Start { member: stopped[cx.rng.below(stopped.len() as u64) as usize] };
                if sim.apply(f.clone()).is_ok() {
                    cx.report.faults.push((now, f));
                }
            }
        }
        Action::Compact { behind } => {
            let Some(ep) = sim.running().first().copied() else { return };
            let rev = sim.member(ep).map_or(0, |m| m.store().current_revision());
            if rev - behind > 0 {
                let req = Request::Compact { revision: rev - behind, physical: false };
                sim.submit(ep, req, CallOptions::default());
                cx.report.requests.push((now, format!("compact {} via {ep:x}", rev - behind)));
            }
        }
        Action::ReplaceMember => replace_member(sim, cx, now),
        Action::MoveLeader => {
            let Some(leader) = sim.leader() else { return };
            let voters: Vec<u64> = sim
                .running()
                .into_iter()
                .filter(|id| *id != leader && !cx.removed.contains(id))
                .filter(|id| sim.member(*id).is_some_and(|m| !m.status().is_learner))
                .collect();
            if voters.is_empty() {
                return;
            }
            let target = voters[cx.rng.below(voters.len() as u64) as usize];
            sim.submit(leader, Request::MoveLeader { target }, CallOptions::default());
            cx.report.requests.push((now, format!("move-leader {leader:x} -> {target:x}")));
        }
        Action::Lease { ttl_seconds, keep_alive } => {
            let live: Vec<u64> = sim.running().into_iter().filter(|id| !cx.removed.contains(id)).collect();
            if live.is_empty() {
                return;
            }
            let ep = live[cx.rng.below(live.len() as u64) as usize];
            let Ok(Response::LeaseGrant(g)) = sim.call(ep, Request::LeaseGrant { ttl_seconds, id: 0 }) else {
                return;
            };
            let key = format!("kl{}", *cx.leases).into_bytes();
            *cx.leases += 1;
            let put = PutRequest { key, value: b"leased".to_vec(), lease: g.id, ..Default::default() };
            sim.submit(ep, Request::Put(put), CallOptions::default());
            if keep_alive {
                sim.submit(ep, Request::LeaseKeepAlive { id: g.id }, CallOptions::default());
            }
            let how = if keep_alive { "kept alive" } else { "left to expire" };
            cx.report.requests.push((now, format!("lease {:x} ttl {ttl_seconds}s via {ep:x}, {how}", g.id)));
        }
        Action::MoveWatch => {
            move_watch(sim, cx.rng, cx.watchers, cx.removed);
            cx.report.requests.push((now, "watch moved to another member".to_string()));
        }
    }
}

/// Removes a random member, then adds and starts a new one in its place.
fn replace_member(sim: &mut Sim, cx: &mut Ctx<'_>, now: u64) {
    let running = sim.running();
    let Some(&via) = running.first() else { return };
    let ids: Vec<u64> = sim.member_ids().into_iter().filter(|i| !cx.removed.contains(i)).collect();
    let victim = ids[cx.rng.below(ids.len() as u64) as usize];
    if sim.call(via, Request::MemberRemove { id: victim }).is_err() {
        return;
    }
    cx.removed.push(victim);
    if cx.profile == Profile::Classic {
        if sim.member(victim).is_some() {
            let _ = sim.apply(Fault::Stop { member: victim });
        }
        cx.report.faults.push((now, Fault::Stop { member: victim }));
    } else {
        cx.report.requests.push((now, format!("member remove {victim:x}")));
    }
    let n = sim.member_ids().len() as u64 + 1;
    let peer_urls = vec![format!("http://127.0.0.{n}:2380")];
    let via = sim.running().into_iter().find(|i| !cx.removed.contains(i)).unwrap_or(via);
    let add = Request::MemberAdd { peer_urls: peer_urls.clone(), is_learner: false };
    if let Ok(Response::MemberAdd(r)) = sim.call(via, add) {
        let join = Fault::Join { member: r.member.id, name: format!("etcd-{n}"), peer_urls };
        if sim.apply(join.clone()).is_ok() {
            cx.report.faults.push((sim.now_ms(), join));
        }
    }
}
