//! Lease checkpoints across leader changes: with them on, a new leader
//! restarts a lease from the remaining TTL the old leader checkpointed;
//! off (etcd 3.5's default), from the full TTL. A renewal clears the
//! checkpoint, and a checkpoint survives every member restarting.

// Only part of the shared harness is used here.
#[allow(dead_code)]
mod harness {
    pub mod cluster;
}

use harness::cluster::Cluster;
use server::{Reply, ReplyBody, Request, Response};

const TTL: i64 = 60;

/// A cluster with checkpoints every 10 s (or none) and a 60 s lease
/// granted through the leader; returns the cluster, the leader and the
/// lease.
fn cluster_with_lease(checkpoint: bool) -> (Cluster, u64, i64) {
    let mut c = Cluster::new(3, |cfg| {
        cfg.lease_checkpoint = checkpoint;
        cfg.lease_checkpoint_interval_ms = 10_000;
        cfg.snapshot_count = 5;
    });
    let leader = c.elect(200).expect("a leader");
    let req = c.request(leader, Request::LeaseGrant { ttl_seconds: TTL, id: 0 }, None);
    c.stabilize();
    let id = match done(&c, req) {
        Some(Ok(Response::LeaseGrant(g))) => g.id,
        other => panic!("grant: {other:?}"),
    };
    (c, leader, id)
}

fn done(c: &Cluster, req: u64) -> Option<server::Result<Response>> {
    c.replies.iter().rev().find_map(|(_, r): &(u64, Reply)| match &r.body {
        ReplyBody::Done(res) if r.id == req => Some(res.clone()),
        _ => None,
    })
}

fn ticks(c: &mut Cluster, n: u64) {
    for _ in 0..n {
        c.tick();
    }
}

/// The TTL the (new) leader reports for `id`.
fn ttl_on_leader(c: &mut Cluster, id: i64) -> i64 {
    let leader = c.elect(300).expect("a leader");
    let req = c.request(leader, Request::LeaseTimeToLive { id, keys: false }, None);
    c.stabilize();
    match done(c, req) {
        Some(Ok(Response::LeaseTimeToLive(t))) => t.ttl,
        other => panic!("time to live: {other:?}"),
    }
}

/// 30 s after the grant the leader dies; the next one reports the TTL.
fn ttl_after_leader_change(checkpoint: bool) -> i64 {
    let (mut c, leader, id) = cluster_with_lease(checkpoint);
    ticks(&mut c, 300);
    c.crash(leader);
    ttl_on_leader(&mut c, id)
}

#[test]
fn with_checkpoints_a_new_leader_keeps_the_remaining_ttl() {
    let ttl = ttl_after_leader_change(true);
    // Checkpointed at 20 s (40 s left) or 30 s (30 s left), then an
    // election and its one-election-timeout extension.
    assert!((28..=42).contains(&ttl), "ttl {ttl}");
}

#[test]
fn without_checkpoints_a_new_leader_starts_over_as_etcd_3_5_does() {
    let ttl = ttl_after_leader_change(false);
    assert!(ttl >= TTL - 2, "ttl {ttl}");
}

#[test]
fn a_renewal_clears_the_checkpoint_everywhere() {
    let (mut c, leader, id) = cluster_with_lease(true);
    ticks(&mut c, 300);
    // A keep-alive stream renews at once (and every TTL/3 after).
    let ka = c.request(leader, Request::LeaseKeepAlive { id }, None);
    c.stabilize();
    assert!(c.replies.iter().any(|(_, r)| r.id == ka), "a renewal came back");
    c.crash(leader);
    let ttl = ttl_on_leader(&mut c, id);
    assert!(ttl >= TTL - 3, "ttl {ttl}");
}

#[test]
fn a_checkpoint_survives_every_member_restarting() {
    let (mut c, _, id) = cluster_with_lease(true);
    ticks(&mut c, 300);
    for n in 1..=3 {
        c.crash(n);
    }
    for n in 1..=3 {
        c.restart(n);
    }
    let ttl = ttl_on_leader(&mut c, id);
    assert!((28..=42).contains(&ttl), "ttl {ttl}");
}
