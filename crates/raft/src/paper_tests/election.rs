//! Paper §5.1 (terms), §5.2 (leader election), §5.4.1 (election
//! restriction).

use super::{msg, new_test_raft, read_messages, store_with_terms};
use crate::message::{Entry, MessageType, StateRole};
use crate::storage::MemoryStorage;

fn update_term_from_message(state: StateRole) {
    let mut r = new_test_raft(1, &[1, 2, 3], 10, 1, MemoryStorage::new());
    match state {
        StateRole::Follower => r.become_follower(1, 2),
        StateRole::Candidate => r.become_candidate(),
        StateRole::Leader => {
            r.become_candidate();
            r.become_leader();
        }
        StateRole::PreCandidate => unreachable!(),
    }
    r.step(msg(0, 1, MessageType::MsgApp, 2)).expect("step");
    assert_eq!(r.term, 2);
    assert_eq!(r.state, StateRole::Follower);
}

/// §5.1: "if one server's current term is smaller than the other's, then it
/// updates its current term to the larger value. If a candidate or leader
/// discovers that its term is out of date, it immediately reverts to
/// follower state."
#[test]
fn follower_update_term_from_message() {
    update_term_from_message(StateRole::Follower);
}

/// §5.1, as above, for a candidate.
#[test]
fn candidate_update_term_from_message() {
    update_term_from_message(StateRole::Candidate);
}

/// §5.1, as above, for a leader.
#[test]
fn leader_update_term_from_message() {
    update_term_from_message(StateRole::Leader);
}

/// §5.1: "If a server receives a request with a stale term number, it
/// rejects the request" (without CheckQuorum/PreVote: ignores it).
#[test]
fn reject_stale_term_message() {
    let mut r = new_test_raft(1, &[1, 2, 3], 10, 1, MemoryStorage::new());
    r.term = 2;
    let before = (r.term, r.vote, r.state, r.raft_log.last_index());
    r.step(msg(2, 1, MessageType::MsgApp, 1)).expect("step");
    assert_eq!(before, (r.term, r.vote, r.state, r.raft_log.last_index()));
    assert!(read_messages(&mut r).is_empty());
}

/// §5.2: "When servers start up, they begin as followers."
#[test]
fn start_as_follower() {
    let r = new_test_raft(1, &[1, 2, 3], 10, 1, MemoryStorage::new());
    assert_eq!(r.state, StateRole::Follower);
}

/// §5.2: "If a leader receives a heartbeat tick, it will send a heartbeat
/// (an AppendEntries RPC that carries no log entries) to all followers."
#[test]
fn leader_bcast_beat() {
    let hi = 1;
    let mut r = new_test_raft(1, &[1, 2, 3], 10, hi, MemoryStorage::new());
    r.become_candidate();
    r.become_leader();
    for i in 0..10 {
        let mut e = [Entry::normal(vec![i as u8])];
        assert!(r.append_entry(&mut e));
    }
    read_messages(&mut r);
    for _ in 0..hi {
        r.tick();
    }
    let mut msgs = read_messages(&mut r);
    msgs.sort_by_key(|m| m.to);
    assert_eq!(msgs.len(), 2);
    for (m, to) in msgs.iter().zip([2, 3]) {
        assert_eq!((m.msg_type, m.to, m.term, m.index, m.log_term), (MessageType::MsgHeartbeat, to, 1, 0, 0));
        assert!(m.entries.is_empty());
    }
}

fn nonleader_start_election(state: StateRole) {
    let et = 10;
    let mut r = new_test_raft(1, &[1, 2, 3], et, 1, MemoryStorage::new());
    match state {
        StateRole::Follower => r.become_follower(1, 2),
        StateRole::Candidate => r.become_candidate(),
        _ => unreachable!(),
    }
    for _ in 1..2 * et {
        r.tick();
    }
    assert_eq!(r.term, 2);
    assert_eq!(r.state, StateRole::Candidate);
    assert!(r.trk.votes[&r.id], "votes for itself");
    let mut msgs = read_messages(&mut r);
    msgs.sort_by_key(|m| m.to);
    assert_eq!(
        msgs.iter().map(|m| (m.msg_type, m.to, m.term)).collect::<Vec<_>>(),
        vec![(MessageType::MsgVote, 2, 2), (MessageType::MsgVote, 3, 2)]
    );
}

/// §5.2: "If a follower receives no communication over a period of time
/// called the election timeout, then it assumes there is no viable leader
/// and begins an election ... it increments its current term and
/// transitions to candidate state. It then votes for itself and issues
/// RequestVote RPCs in parallel to each of the other servers."
#[test]
fn follower_start_election() {
    nonleader_start_election(StateRole::Follower);
}

/// §5.2: "if many followers become candidates at the same time ... each
/// candidate will time out and start a new election by incrementing its
/// term and initiating another round of RequestVote RPCs."
#[test]
fn candidate_start_new_election() {
    nonleader_start_election(StateRole::Candidate);
}

/// §5.2: "A candidate wins an election if it receives votes from a majority
/// of the servers in the full cluster for the same term. ... Once a
/// candidate wins an election, it becomes leader." Also: it stays a
/// candidate without a majority, and loses on a majority of rejections.
#[test]
fn leader_election_in_one_round_rpc() {
    type Case = (usize, &'static [(u64, bool)], StateRole);
    let cases: &[Case] = &[
        (1, &[], StateRole::Leader),
        (3, &[(2, true), (3, true)], StateRole::Leader),
        (3, &[(2, true)], StateRole::Leader),
        (5, &[(2, true), (3, true), (4, true), (5, true)], StateRole::Leader),
        (5, &[(2, true), (3, true), (4, true)], StateRole::Leader),
        (5, &[(2, true), (3, true)], StateRole::Leader),
        (3, &[(2, false), (3, false)], StateRole::Follower),
        (5, &[(2, false), (3, false), (4, false), (5, false)], StateRole::Follower),
        (5, &[(2, true), (3, false), (4, false), (5, false)], StateRole::Follower),
        (3, &[], StateRole::Candidate),
        (5, &[(2, true)], StateRole::Candidate),
        (5, &[(2, false), (3, false)], StateRole::Candidate),
        (5, &[], StateRole::Candidate),
    ];
    for (i, (size, votes, want)) in cases.iter().enumerate() {
        let peers: Vec<u64> = (1..=*size as u64).collect();
        let mut r = new_test_raft(1, &peers, 10, 1, MemoryStorage::new());
        r.step(msg(1, 1, MessageType::MsgHup, 0)).expect("hup");
        for &(id, granted) in *votes {
            let mut m = msg(id, 1, MessageType::MsgVoteResp, r.term);
            m.reject = !granted;
            r.step(m).expect("step");
        }
        assert_eq!(r.state, *want, "case {i}");
        assert_eq!(r.term, 1, "case {i}");
    }
}

/// §5.2: "Each server will vote for at most one candidate in a given term,
/// on a first-come-first-served basis."
#[test]
fn follower_vote() {
    let cases = [(0, 2, false), (0, 3, false), (2, 2, false), (3, 3, false), (2, 3, true), (3, 2, true)];
    for (i, (vote, nvote, want_reject)) in cases.into_iter().enumerate() {
        let mut r = new_test_raft(1, &[1, 2, 3], 10, 1, MemoryStorage::new());
        r.term = 1;
        r.vote = vote;
        r.step(msg(nvote, 1, MessageType::MsgVote, 1)).expect("step");
        let msgs = read_messages(&mut r);
        assert_eq!(msgs.len(), 1, "case {i}");
        assert_eq!(
            (msgs[0].msg_type, msgs[0].to, msgs[0].reject),
            (MessageType::MsgVoteResp, nvote, want_reject),
            "case {i}"
        );
    }
}

/// §5.2: "While waiting for votes, a candidate may receive an AppendEntries
/// RPC from another server claiming to be leader. If the leader's term is
/// at least as large as the candidate's current term, then the candidate
/// recognizes the leader as legitimate and returns to follower state."
#[test]
fn candidate_fallback() {
    for term in [1, 2] {
        let mut r = new_test_raft(1, &[1, 2, 3], 10, 1, MemoryStorage::new());
        r.step(msg(1, 1, MessageType::MsgHup, 0)).expect("hup");
        assert_eq!(r.state, StateRole::Candidate);
        r.step(msg(2, 1, MessageType::MsgApp, term)).expect("step");
        assert_eq!(r.state, StateRole::Follower);
        assert_eq!(r.term, term);
        assert_eq!(r.lead, 2);
    }
}

fn election_timeout_randomized(state: StateRole) {
    let et = 10;
    let mut r = new_test_raft(1, &[1, 2, 3], et, 1, MemoryStorage::new());
    let mut timeouts = std::collections::BTreeSet::new();
    for round in 0..50 * et {
        match state {
            StateRole::Follower => r.become_follower(r.term + 1, 2),
            _ => r.become_candidate(),
        }
        let mut time = 0;
        while read_messages(&mut r).is_empty() {
            r.tick();
            time += 1;
        }
        assert!((et..2 * et).contains(&time), "round {round}: timeout {time} outside [{et}, {})", 2 * et);
        timeouts.insert(time);
    }
    assert_eq!(timeouts.len() as u64, et, "every timeout in [et, 2et) should occur: {timeouts:?}");
}

/// §5.2: "Raft uses randomized election timeouts ... chosen randomly from a
/// fixed interval (e.g., 150-300ms)."
#[test]
fn follower_election_timeout_randomized() {
    election_timeout_randomized(StateRole::Follower);
}

/// §5.2, as above, for a candidate.
#[test]
fn candidate_election_timeout_randomized() {
    election_timeout_randomized(StateRole::Candidate);
}

/// §5.2: "This spreads out the servers so that in most cases only a single
/// server will time out."
#[test]
fn follower_election_timeout_nonconflict() {
    let et = 10;
    let size = 5;
    let rounds = 1000;
    let ids: Vec<u64> = (1..=size).collect();
    let mut rs: Vec<_> = ids.iter().map(|&id| new_test_raft(id, &ids, et, 1, MemoryStorage::new())).collect();
    let mut conflicts = 0;
    for _ in 0..rounds {
        for r in rs.iter_mut() {
            r.become_follower(r.term + 1, 0);
        }
        let mut timed_out = 0;
        while timed_out == 0 {
            for r in rs.iter_mut() {
                r.tick();
                if !read_messages(r).is_empty() {
                    timed_out += 1;
                }
            }
        }
        if timed_out > 1 {
            conflicts += 1;
        }
    }
    assert!(f64::from(conflicts) / f64::from(rounds) <= 0.3, "{conflicts} conflicts in {rounds} rounds");
}

/// §5.4.1: "The RequestVote RPC includes information about the candidate's
/// log" (the last index and term).
#[test]
fn vote_request() {
    for (terms, wterm) in [(&[1u64][..], 2u64), (&[1, 2][..], 3)] {
        let mut r = new_test_raft(1, &[1, 2, 3], 10, 1, MemoryStorage::new());
        let mut m = msg(2, 1, MessageType::MsgApp, wterm - 1);
        m.entries = terms
            .iter()
            .enumerate()
            .map(|(i, &t)| Entry { term: t, index: i as u64 + 1, ..Default::default() })
            .collect();
        r.step(m).expect("step");
        read_messages(&mut r);
        for _ in 1..2 * r.election_timeout {
            r.tick();
        }
        let mut msgs = read_messages(&mut r);
        msgs.sort_by_key(|m| m.to);
        assert_eq!(msgs.len(), 2);
        for m in msgs {
            assert_eq!(m.msg_type, MessageType::MsgVote);
            assert_eq!(m.term, wterm);
            assert_eq!((m.index, m.log_term), (terms.len() as u64, *terms.last().expect("term")));
        }
    }
}

/// §5.4.1: "the voter denies its vote if its own log is more up-to-date
/// than that of the candidate."
#[test]
fn voter() {
    let cases: &[(&[u64], u64, u64, bool)] = &[
        // same log term
        (&[1], 1, 1, false),
        (&[1], 1, 2, false),
        (&[1, 1], 1, 1, true),
        // candidate higher log term
        (&[1], 2, 1, false),
        (&[1], 2, 2, false),
        (&[1, 1], 2, 1, false),
        // voter higher log term
        (&[2], 1, 1, true),
        (&[2], 1, 2, true),
        (&[2, 1], 1, 1, true),
    ];
    for (i, &(terms, log_term, index, want_reject)) in cases.iter().enumerate() {
        let mut r = new_test_raft(1, &[1, 2], 10, 1, store_with_terms(terms));
        let mut m = msg(2, 1, MessageType::MsgVote, 3);
        m.log_term = log_term;
        m.index = index;
        r.step(m).expect("step");
        let msgs = read_messages(&mut r);
        assert_eq!(msgs.len(), 1, "case {i}");
        assert_eq!((msgs[0].msg_type, msgs[0].reject), (MessageType::MsgVoteResp, want_reject), "case {i}");
    }
}
