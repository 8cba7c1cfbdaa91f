//! Cluster scenarios through the simulator: elections, writes and reads,
//! crashes, partitions, client timeouts, streams.

use mvcc::{PutRequest, RangeRequest, WatchCreateRequest};
use server::{Request, Response, StreamItem};
use sim::{CallOptions, ClientError, Fault, Sim, SimOptions};

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

fn elect(sim: &mut Sim) -> u64 {
    let until = sim.now_ms() + 10_000;
    assert!(sim.run_until(until, |s| s.leader().is_some()), "no leader within 10 s");
    sim.leader().unwrap()
}

#[test]
fn a_leader_is_elected_and_a_put_is_read_back_everywhere() {
    let mut sim = Sim::new(1, SimOptions::default());
    let leader = elect(&mut sim);
    assert!(sim.now_ms() >= 1000, "elected at {} ms, before an election timeout", sim.now_ms());
    let r = sim.call(leader, put("foo", "bar"));
    assert!(matches!(r, Ok(Response::Put(_))), "{r:?}");
    for id in sim.member_ids() {
        assert_eq!(value(&sim.call(id, get("foo"))).as_deref(), Some("bar"));
    }
    assert_eq!(sim.safety_violation(), None);
    assert!(sim.safety().checks() > 0);
}

#[test]
fn losing_the_leader_elects_another_and_quorum_loss_times_out() {
    let mut sim = Sim::new(2, SimOptions::default());
    let leader = elect(&mut sim);
    sim.apply(Fault::Stop { member: leader }).unwrap();
    let until = sim.now_ms() + 10_000;
    assert!(sim.run_until(until, |s| s.leader().is_some_and(|l| l != leader)));
    let second = sim.leader().unwrap();
    assert!(sim.call(second, put("a", "1")).is_ok());
    sim.apply(Fault::Stop { member: second }).unwrap();
    let third = sim.running()[0];
    let t0 = sim.now_ms();
    let r = sim.call(third, put("a", "2"));
    assert_eq!(r.as_ref().unwrap_err().to_string(), "context deadline exceeded", "{r:?}");
    assert_eq!(sim.now_ms() - t0, 5_000);
    // Serializable reads still work without quorum.
    let ser =
        Request::Range { req: RangeRequest { key: b"a".to_vec(), ..Default::default() }, serializable: true };
    assert_eq!(value(&sim.call(third, ser)).as_deref(), Some("1"));
    // A stopped endpoint fails at the dial timeout.
    let t0 = sim.now_ms();
    let r = sim.call(leader, get("a"));
    assert_eq!(r, Err(ClientError::DeadlineExceeded));
    assert_eq!(sim.now_ms() - t0, 2_000);
    // Restarting brings the data back from disk.
    sim.apply(Fault::Start { member: leader }).unwrap();
    sim.apply(Fault::Start { member: second }).unwrap();
    elect(&mut sim);
    assert_eq!(value(&sim.call(leader, get("a"))).as_deref(), Some("1"));
    assert_eq!(sim.safety_violation(), None);
}

#[test]
fn a_minority_partition_cannot_write_and_heals() {
    let mut sim = Sim::new(3, SimOptions::default());
    let leader = elect(&mut sim);
    sim.apply(Fault::Isolate { member: leader }).unwrap();
    let r = sim.call(leader, put("x", "1"));
    assert!(r.is_err(), "{r:?}");
    let others: Vec<u64> = sim.member_ids().into_iter().filter(|&m| m != leader).collect();
    let until = sim.now_ms() + 10_000;
    assert!(sim.run_until(until, |s| others.iter().any(|&o| s.member(o).unwrap().is_leader())));
    assert!(sim.call(others[0], put("x", "2")).is_ok());
    sim.apply(Fault::Heal).unwrap();
    sim.run_for(3_000);
    assert_eq!(value(&sim.call(leader, get("x"))).as_deref(), Some("2"));
    assert_eq!(sim.safety_violation(), None);
}

#[test]
fn a_watch_streams_until_cancelled() {
    let mut sim = Sim::new(4, SimOptions::default());
    let leader = elect(&mut sim);
    let w = sim.submit(
        leader,
        Request::Watch(WatchCreateRequest { key: b"w".to_vec(), ..Default::default() }),
        CallOptions::default(),
    );
    for i in 0..3 {
        assert!(sim.call(leader, put("w", &i.to_string())).is_ok());
    }
    sim.run_for(100);
    let items = sim.take_stream(w);
    let events: usize =
        items.iter().map(|i| if let StreamItem::Watch(r) = i { r.events.len() } else { 0 }).sum();
    assert_eq!(events, 3, "{items:?}");
    assert!(sim.result(w).is_none());
    sim.cancel(w);
    assert_eq!(sim.result(w), Some(&Err(ClientError::Canceled)));
}

#[test]
fn requests_take_a_few_network_round_trips() {
    let mut sim = Sim::new(5, SimOptions::default());
    let leader = elect(&mut sim);
    let follower = sim.member_ids().into_iter().find(|&m| m != leader).unwrap();
    for (ep, req, max_ms) in
        [(leader, put("p", "1"), 30), (follower, put("p", "2"), 40), (follower, get("p"), 40)]
    {
        let t0 = sim.now_ms();
        let r = sim.call(ep, req);
        assert!(r.is_ok(), "{r:?}");
        let took = sim.now_ms() - t0;
        assert!(took <= max_ms, "took {took} ms");
    }
}
