//! Inputs the console's playground commands need: `cluster campaign NAME`
//! (fire an election timer now), `cluster reset --data-dir DIR` (start from
//! restored disks), a joined member publishing its client URLs, and
//! `run_for` leaving the clock at its end.

use mvcc::{PutRequest, RangeRequest};
use server::{MemberEventKind, Request, Response, RestoreOptions};
use sim::{ClientError, EventLog, Fault, Sim, SimError, SimEvent, SimOptions};

fn elect(sim: &mut Sim) -> u64 {
    let until = sim.now_ms() + 10_000;
    assert!(sim.run_until(until, |s| s.leader().is_some()), "no leader within 10 s");
    sim.leader().unwrap()
}

/// Times at which member `id`'s election timer fired.
fn timer_fired(events: &EventLog, id: u64) -> Vec<u64> {
    events
        .records()
        .filter(|r| {
            matches!(&r.event, SimEvent::Member(e)
                if e.member == id && matches!(e.kind, MemberEventKind::ElectionTimerFired { .. }))
        })
        .map(|r| r.at_ms)
        .collect()
}

#[test]
fn campaign_fires_a_followers_election_timer_now_and_a_healthy_leader_keeps_its_lease() {
    let mut sim = Sim::new(11, SimOptions::default());
    let leader = elect(&mut sim);
    sim.run_for(300);
    let follower = sim.member_ids().into_iter().find(|&m| m != leader).unwrap();
    let before = timer_fired(sim.events(), follower).len();
    let at = sim.now_ms();
    sim.apply(Fault::Campaign { member: follower }).unwrap();
    let fired = timer_fired(sim.events(), follower);
    assert_eq!(fired.len(), before + 1, "the timer did not fire");
    assert_eq!(fired.last(), Some(&at), "it fired later than now");
    // Pre-vote: the other follower heard from the leader within its
    // election timeout, so it refuses and the leader stays.
    sim.run_for(2_000);
    assert_eq!(sim.leader(), Some(leader));
    assert_eq!(sim.safety_violation(), None);
    // A leader ignores it (raft ignores MsgHup on a leader).
    let before = timer_fired(sim.events(), leader).len();
    sim.apply(Fault::Campaign { member: leader }).unwrap();
    assert_eq!(timer_fired(sim.events(), leader).len(), before);
    // Recorded: a replay does the same.
    let again = Sim::replay(11, SimOptions::default(), sim.inputs());
    assert_eq!(timer_fired(again.events(), follower), timer_fired(sim.events(), follower));
    assert_eq!(again.now_ms(), sim.now_ms());
}

#[test]
fn campaign_after_the_leader_died_elects_a_new_one_and_a_stopped_member_refuses() {
    let mut sim = Sim::new(12, SimOptions::default());
    let leader = elect(&mut sim);
    sim.apply(Fault::Stop { member: leader }).unwrap();
    assert_eq!(sim.apply(Fault::Campaign { member: leader }), Err(SimError::AlreadyStopped(leader)));
    let next = sim.member_ids().into_iter().find(|&m| m != leader).unwrap();
    sim.apply(Fault::Campaign { member: next }).unwrap();
    let until = sim.now_ms() + 10_000;
    assert!(sim.run_until(until, |s| s.leader().is_some_and(|l| l != leader)), "no new leader");
    assert_eq!(sim.safety_violation(), None);
}

fn put(k: &str, v: &str) -> Request {
    Request::Put(PutRequest { key: k.into(), value: v.into(), ..Default::default() })
}

fn get(k: &str) -> Request {
    Request::Range { req: RangeRequest { key: k.into(), ..Default::default() }, serializable: false }
}

fn value(r: &Result<Response, ClientError>) -> Option<String> {
    match r {
        Ok(Response::Range(r)) => r.kvs.first().map(|kv| String::from_utf8_lossy(&kv.value).into_owned()),
        _ => None,
    }
}

fn events_of(sim: &Sim) -> Vec<String> {
    sim.events().records().map(|r| format!("{r:?}")).collect()
}

#[test]
fn a_cluster_starts_from_restored_disks_and_replays_from_them() {
    let mut old = Sim::new(21, SimOptions::default());
    let leader = elect(&mut old);
    assert!(old.call(leader, put("a", "1")).is_ok());
    assert!(old.call(leader, put("b", "2")).is_ok());
    let Ok(Response::Snapshot(backup)) = old.call(leader, Request::Snapshot) else { panic!("no snapshot") };
    let (initial_cluster, _) = server::default_cluster(3);
    let opts = RestoreOptions { initial_cluster, ..RestoreOptions::default() };
    let disks = server::restore_disks(&backup.blob, opts).unwrap();

    let mut sim = Sim::from_disks(22, SimOptions::default(), disks.clone());
    assert_eq!(sim.member_ids().len(), 3);
    assert_eq!(sim.member_id(1), Some(disks[0].0.id));
    assert_eq!(sim.node(disks[1].0.id).unwrap().config.name, disks[1].0.name);
    assert_eq!(Some(sim.cluster_id()), disks[0].1.identity().map(|i| i.cluster_id));
    assert_eq!(sim.initial_disks().map(<[_]>::len), Some(3));
    let leader = elect(&mut sim);
    for id in sim.member_ids() {
        assert_eq!(value(&sim.call(id, get("a"))).as_deref(), Some("1"));
    }
    assert!(sim.call(leader, put("c", "3")).is_ok());
    sim.apply(Fault::Restart { member: leader }).unwrap();
    sim.run_for(3_000);
    assert_eq!(sim.safety_violation(), None);

    // The disks are part of the start: a replay from them is the same run.
    let again = Sim::replay_from_disks(22, SimOptions::default(), disks, sim.inputs());
    let mut again = again;
    again.run_until(sim.now_ms(), |_| false);
    assert_eq!(events_of(&again), events_of(&sim));
    assert_eq!(again.state_hash(), sim.state_hash());
    let mut rerun = sim.rerun(sim.inputs());
    rerun.run_until(sim.now_ms(), |_| false);
    assert_eq!(events_of(&rerun), events_of(&sim));
    assert_eq!(rerun.state_hash(), sim.state_hash());
    // A fresh cluster reruns as a fresh cluster.
    assert!(old.initial_disks().is_none());
    let mut fresh = old.rerun(old.inputs());
    fresh.run_until(old.now_ms(), |_| false);
    assert_eq!(fresh.state_hash(), old.state_hash());
}

#[test]
fn a_joined_member_publishes_its_name_and_client_urls() {
    let mut sim = Sim::new(31, SimOptions::default());
    let leader = elect(&mut sim);
    // etcd adds a member only once every voter has been connected for its
    // health interval (5 s).
    sim.run_for(6_000);
    let peer_urls = vec!["http://127.0.0.4:2380".to_string()];
    let added = sim.call(leader, Request::MemberAdd { peer_urls: peer_urls.clone(), is_learner: false });
    let Ok(Response::MemberAdd(added)) = added else { panic!("{added:?}") };
    let id = added.member.id;
    sim.apply(Fault::Join { member: id, name: "etcd-4".into(), peer_urls }).unwrap();
    let published = |s: &Sim| {
        s.member(leader)
            .and_then(|m| m.status().members.into_iter().find(|p| p.id == id))
            .filter(|p| p.is_started())
    };
    let until = sim.now_ms() + 10_000;
    assert!(sim.run_until(until, |s| published(s).is_some()), "etcd-4 never published");
    let me = published(&sim).unwrap();
    assert_eq!(me.name, "etcd-4");
    assert_eq!(me.client_urls, vec!["http://127.0.0.4:2379".to_string()]);
    // Every member agrees once it is applied everywhere.
    sim.run_for(1_000);
    for m in sim.running() {
        let list = sim.member(m).unwrap().status().members;
        let p = list.iter().find(|p| p.id == id).unwrap();
        assert_eq!((p.name.as_str(), p.client_urls.len()), ("etcd-4", 1), "on {m:x}");
    }
    assert_eq!(sim.safety_violation(), None);
}

#[test]
fn run_for_leaves_the_clock_at_its_end_and_inputs_made_there_replay() {
    let mut sim = Sim::new(41, SimOptions::default());
    let leader = elect(&mut sim);
    // Ticks come every 100 ms: a 250 ms run ends between two of them.
    let t0 = sim.now_ms();
    sim.run_for(250);
    assert_eq!(sim.now_ms(), t0 + 250);
    let end = sim.now_ms() + 30;
    assert!(!sim.run_until(end, |_| false));
    assert_eq!(sim.now_ms(), end);
    // Never backwards: a deadline already passed leaves the clock alone.
    assert!(!sim.run_until(end - 10, |_| false));
    assert_eq!(sim.now_ms(), end);
    // An input made after idling is recorded at the idle time and replays there.
    let id = sim.submit(leader, put("k", "v"), Default::default());
    assert_eq!(sim.inputs().last().map(|r| r.at_ms), Some(end));
    sim.run_for(1_234);
    assert!(sim.result(id).is_some_and(|r| r.is_ok()));
    let mut again = Sim::replay(41, SimOptions::default(), sim.inputs());
    again.run_until(sim.now_ms(), |_| false);
    assert_eq!(again.now_ms(), sim.now_ms());
    assert_eq!(events_of(&again), events_of(&sim));
    assert_eq!(again.state_hash(), sim.state_hash());
}
