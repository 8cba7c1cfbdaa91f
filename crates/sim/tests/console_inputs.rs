//! Inputs the console's playground commands need: `cluster campaign NAME`
//! (fire an election timer now), `cluster reset --data-dir DIR` (start from
//! restored disks), a joined member publishing its client URLs, and
//! `run_for` leaving the clock at its end.

use server::MemberEventKind;
use sim::{EventLog, Fault, Sim, SimError, SimEvent, SimOptions};

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
