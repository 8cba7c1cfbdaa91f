//! Crash, restart and partition a cluster at random (seeded) while clients
//! write: every acknowledged write survives, members agree on the key space
//! afterwards, and no member's revision ever goes backwards.

// The durability test uses only part of the shared harness.
#[allow(dead_code)]
mod harness {
    pub mod cluster;
}

use std::collections::BTreeMap;

use harness::cluster::Cluster;
use server::{ReplyBody, Request, Response};

/// splitmix64, seeded per run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn run(seed: u64, steps: usize) {
    let mut rng = Rng(seed);
    let mut c = Cluster::new(3, |cfg| cfg.snapshot_count = 7);
    let mut sent: BTreeMap<u64, (Vec<u8>, Vec<u8>)> = BTreeMap::new();
    let mut acked: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
    let mut seen_replies = 0;
    let mut last_rev: BTreeMap<u64, i64> = BTreeMap::new();
    for step in 0..steps {
        match rng.below(20) {
            0 => {
                let n = rng.below(3) + 1;
                if c.members.len() > 1 || !c.members.contains_key(&n) {
                    c.crash(n);
                    last_rev.remove(&n);
                }
            }
            1 | 2 => c.restart(rng.below(3) + 1),
            3 => {
                let a = rng.below(3) + 1;
                c.groups = vec![[a].into(), (1..=3).filter(|&x| x != a).collect()];
            }
            4 => c.groups.clear(),
            5..=11 => {
                let n = rng.below(3) + 1;
                let key = format!("k{step}").into_bytes();
                let value = format!("v{seed}-{step}").into_bytes();
                let req = mvcc::PutRequest { key: key.clone(), value: value.clone(), ..Default::default() };
                let id = c.request(n, Request::Put(req), None);
                sent.insert(id, (key, value));
                c.stabilize();
            }
            _ => c.tick(),
        }
        for (_, r) in &c.replies[seen_replies..] {
            if let ReplyBody::Done(Ok(Response::Put(_))) = &r.body
                && let Some((k, v)) = sent.get(&r.id)
            {
                acked.insert(k.clone(), v.clone());
            }
        }
        seen_replies = c.replies.len();
        for (&n, m) in &c.members {
            let rev = m.store().current_revision();
            let prev = last_rev.insert(n, rev).unwrap_or(0);
            assert!(rev >= prev, "seed {seed}: etcd-{n} revision went back from {prev} to {rev}");
        }
    }
    c.groups.clear();
    for n in 1..=3 {
        c.restart(n);
    }
    for _ in 0..200 {
        c.tick();
    }
    assert!(c.leader().is_some(), "seed {seed}: no leader after healing");
    let hashes: Vec<u32> = c
        .members
        .values()
        .map(|m| m.store().hash_kv(0).expect("hash_kv at the current revision").hash)
        .collect();
    assert!(hashes.windows(2).all(|w| w[0] == w[1]), "seed {seed}: members disagree: {hashes:?}");
    for m in c.members.values() {
        for (k, v) in &acked {
            let r = m.store().range(&mvcc::RangeRequest { key: k.clone(), ..Default::default() }).unwrap();
            assert_eq!(
                r.kvs.first().map(|kv| &kv.value),
                Some(v),
                "seed {seed}: acknowledged write {} lost on {:x}",
                String::from_utf8_lossy(k),
                m.id()
            );
        }
    }
    assert!(!acked.is_empty() || steps < 50, "seed {seed}: nothing was acknowledged");
}

#[test]
fn acknowledged_writes_survive_crashes_restarts_and_partitions() {
    for seed in 0..40 {
        run(seed, 400);
    }
}

/// The network may deliver a forwarded proposal twice; the entry is then in
/// the log twice, and only the first is applied (on every member).
#[test]
fn a_duplicated_forwarded_proposal_is_applied_once() {
    let mut c = Cluster::new(3, |_| {});
    let leader = c.elect(100).expect("a leader");
    let follower = if leader == 1 { 2 } else { 1 };
    let req = mvcc::PutRequest { key: b"k".to_vec(), value: b"v".to_vec(), ..Default::default() };
    c.request(follower, Request::Put(req), None);
    let out = c.members.get_mut(&follower).unwrap().drain();
    for m in out.messages {
        if m.msg_type == raft::MessageType::MsgProp {
            c.inbox.push_back(m.clone());
        }
        c.inbox.push_back(m);
    }
    c.stabilize();
    for m in c.members.values() {
        assert_eq!(m.store().current_revision(), 2, "applied once on {:x}", m.id());
        assert_eq!(
            m.store().range(&mvcc::RangeRequest { key: b"k".to_vec(), ..Default::default() }).unwrap().kvs[0]
                .version,
            1
        );
    }
    let oks = c.replies.iter().filter(|(_, r)| matches!(r.body, ReplyBody::Done(Ok(_)))).count();
    assert_eq!(oks, 1);
}
