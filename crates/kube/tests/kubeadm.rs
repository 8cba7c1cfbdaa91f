//! The kubeadm cluster the playground starts with, end to end through the
//! simulated cluster: the same seed stores the same bytes at the same
//! revisions and renews them on the same schedule; the heartbeats keep to
//! their periods; without quorum nothing piles up, and after healing the
//! renewals resume; the apiserver's compactor keeps history about five
//! minutes long.

use kube::Kube;
use mvcc::RangeRequest;
use server::{Request, Response};
use sim::{Fault, Sim, SimOptions};

fn cluster(seed: u64) -> (Sim, Kube) {
    let mut sim = Sim::new(seed, SimOptions::default());
    assert!(sim.run_until(10_000, |s| s.leader().is_some()), "no leader");
    let mut kube = Kube::new(seed);
    kube.kubeadm_init(&mut sim).expect("stored");
    (sim, kube)
}

/// Every key with its value and revisions, as one member holds them.
fn dump(sim: &Sim) -> Vec<(Vec<u8>, Vec<u8>, i64, i64)> {
    let id = sim.member_id(1).expect("etcd-1");
    let store = sim.member(id).expect("running").store();
    let req = RangeRequest { key: vec![0], range_end: vec![0], ..Default::default() };
    let r = store.range(&req).expect("range");
    r.kvs.into_iter().map(|kv| (kv.key, kv.value, kv.create_revision, kv.mod_revision)).collect()
}

fn revision(sim: &Sim) -> i64 {
    let id = sim.member_id(1).expect("etcd-1");
    sim.member(id).expect("running").store().current_revision()
}

#[test]
fn the_same_seed_stores_the_same_cluster_byte_for_byte() {
    let run = |seed| {
        let (mut sim, mut kube) = cluster(seed);
        kube.run_for(&mut sim, 30_000);
        (dump(&sim), revision(&sim))
    };
    let (a, ra) = run(7);
    let (b, rb) = run(7);
    assert_eq!(ra, rb);
    assert!(a == b, "same seed, different keyspace");
    let (c, _) = run(8);
    assert_ne!(a, c, "another seed draws other uids");
    assert_eq!(a.iter().filter(|(k, ..)| k.starts_with(b"/registry/")).count(), 340);
}

/// When `key` was written during `ms` of virtual time (its watch read
/// every 100 ms, as the controllers step).
fn writes_during(sim: &mut Sim, kube: &mut Kube, key: &[u8], ms: u64) -> Vec<u64> {
    let req = mvcc::WatchCreateRequest { key: key.to_vec(), ..Default::default() };
    let ep = kube::client::endpoint(sim);
    let id = sim.submit(ep, Request::Watch(req), sim::CallOptions::default());
    let mut at = Vec::new();
    let mut left = ms;
    while left > 0 {
        let step = left.min(100);
        left -= step;
        kube.run_for(sim, step);
        for item in sim.take_stream(id) {
            if let server::StreamItem::Watch(w) = item {
                at.extend(w.events.iter().map(|_| sim.now_ms()));
            }
        }
    }
    sim.cancel(id);
    at
}

/// The gaps between writes, to the 100 ms the watch is read at.
fn gaps(at: &[u64]) -> Vec<u64> {
    at.windows(2).map(|w| (w[1] - w[0] + 50) / 100 * 100).collect()
}

#[test]
fn heartbeats_keep_their_periods_and_resume_after_quorum_returns() {
    let (mut sim, mut kube) = cluster(3);
    let leader_lease = b"/registry/leases/kube-system/kube-scheduler";
    let node_lease = b"/registry/leases/kube-node-lease/node-1";
    let leader = writes_during(&mut sim, &mut kube, leader_lease, 60_000);
    assert!((29..=30).contains(&leader.len()) && gaps(&leader).iter().all(|&g| g == 2_000), "{leader:?}");
    let node = writes_during(&mut sim, &mut kube, node_lease, 60_000);
    assert!((5..=6).contains(&node.len()) && gaps(&node).iter().all(|&g| g == 10_000), "{node:?}");
    let ids: Vec<u64> = (1..=3).filter_map(|n| sim.member_id(n)).collect();
    sim.apply(Fault::Stop { member: ids[1] }).expect("stop");
    sim.apply(Fault::Stop { member: ids[2] }).expect("stop");
    kube.run_for(&mut sim, 30_000);
    sim.apply(Fault::Start { member: ids[1] }).expect("start");
    sim.apply(Fault::Start { member: ids[2] }).expect("start");
    kube.run_for(&mut sim, 10_000);
    // One renewal every 2 s again: no burst of writes queued while down.
    let after = writes_during(&mut sim, &mut kube, leader_lease, 20_000);
    assert!((9..=10).contains(&after.len()) && gaps(&after).iter().all(|&g| g == 2_000), "{after:?}");
}

#[test]
fn the_apiservers_compactor_keeps_about_five_minutes_of_history() {
    let (mut sim, mut kube) = cluster(5);
    kube.run_for(&mut sim, 4 * 60_000);
    let compacted = |sim: &Sim| {
        let id = sim.member_id(1).expect("etcd-1");
        sim.member(id).expect("running").status().compact_revision
    };
    assert_eq!(compacted(&sim), 0, "nothing compacted in the first five minutes");
    kube.run_for(&mut sim, 2 * 60_000);
    let at_five = revision(&sim);
    assert_eq!(compacted(&sim), 0, "the first round only takes the clock");
    kube.run_for(&mut sim, 5 * 60_000);
    let c = compacted(&sim);
    assert!(c > 0 && c <= at_five, "compacted at the revision of five minutes before: {c} vs {at_five}");
    let ep = kube::client::endpoint(&sim);
    let get = Request::Range {
        req: RangeRequest { key: kube::controllers::compactor::COMPACT_REV_KEY.into(), ..Default::default() },
        serializable: false,
    };
    match sim.call(ep, get) {
        Ok(Response::Range(r)) => assert_eq!(r.kvs[0].version, 2, "two rounds"),
        other => panic!("{other:?}"),
    }
}
