//! Paper §5.3 (log replication) and §5.4.2 (committing entries from previous
//! terms).

use std::collections::{BTreeMap, BTreeSet};

use super::{Network, commit_noop_entry, msg, new_test_raft, persist, read_messages, store_with_terms};
use crate::message::{Entry, HardState, MessageType, StateRole};
use crate::storage::MemoryStorage;

fn ent(term: u64, index: u64) -> Entry {
    Entry { term, index, ..Default::default() }
}

fn prop(data: &str) -> crate::message::Message {
    let mut m = msg(1, 1, MessageType::MsgProp, 0);
    m.entries = vec![Entry::normal(data)];
    m
}

/// §5.3: "The leader appends the command to its log as a new entry, then
/// issues AppendEntries RPCs in parallel to each of the other servers to
/// replicate the entry."
#[test]
fn leader_start_replication() {
    let mut r = new_test_raft(1, &[1, 2, 3], 10, 1, MemoryStorage::new());
    r.become_candidate();
    r.become_leader();
    commit_noop_entry_acked(&mut r);
    let li = r.raft_log.last_index();
    r.step(prop("some data")).expect("propose");
    assert_eq!(r.raft_log.last_index(), li + 1);
    assert_eq!(r.raft_log.committed, li);
    let mut msgs = read_messages(&mut r);
    msgs.sort_by_key(|m| m.to);
    assert_eq!(msgs.len(), 2);
    for (m, to) in msgs.iter().zip([2, 3]) {
        assert_eq!((m.msg_type, m.to, m.index, m.log_term, m.commit), (MessageType::MsgApp, to, li, 1, li));
        assert_eq!(
            m.entries,
            vec![Entry { term: 1, index: li + 1, data: b"some data".to_vec().into(), ..Default::default() }]
        );
    }
    assert_eq!(r.raft_log.unstable_entries().last().map(|e| e.index), Some(li + 1));
}

fn commit_noop_entry_acked(r: &mut crate::raft::Raft<MemoryStorage>) {
    r.bcast_append();
    for m in read_messages(r) {
        let mut resp = msg(m.to, 1, MessageType::MsgAppResp, r.term);
        resp.index = m.entries[0].index;
        r.step(resp).expect("ack");
    }
    read_messages(r);
    persist(r);
}

/// §5.3: "When the entry has been safely replicated, the leader applies the
/// entry to its state machine ... The leader keeps track of the highest
/// index it knows to be committed, and it includes that index in future
/// AppendEntries RPCs."
#[test]
fn leader_commit_entry() {
    let mut r = new_test_raft(1, &[1, 2, 3], 10, 1, MemoryStorage::new());
    commit_noop_entry(&mut r);
    let li = r.raft_log.last_index();
    r.step(prop("some data")).expect("propose");
    for m in read_messages(&mut r) {
        let mut resp = msg(m.to, 1, MessageType::MsgAppResp, m.term);
        resp.index = m.index + m.entries.len() as u64;
        r.step(resp).expect("ack");
    }
    assert_eq!(r.raft_log.committed, li + 1);
    let next = r.raft_log.next_committed_entries();
    assert_eq!(next.iter().map(|e| e.data.clone()).collect::<Vec<_>>(), vec![b"some data".to_vec()]);
    let mut msgs = read_messages(&mut r);
    msgs.sort_by_key(|m| m.to);
    for (m, to) in msgs.iter().zip([2, 3]) {
        assert_eq!((m.to, m.msg_type, m.commit), (to, MessageType::MsgApp, li + 1));
    }
}

/// §5.3: "A log entry is committed once the leader that created the entry
/// has replicated it on a majority of the servers."
#[test]
fn leader_acknowledge_commit() {
    let cases: &[(u64, &[u64], bool)] = &[
        (1, &[], true),
        (3, &[], false),
        (3, &[2], true),
        (3, &[2, 3], true),
        (5, &[], false),
        (5, &[2], false),
        (5, &[2, 3], true),
        (5, &[2, 3, 4], true),
        (5, &[2, 3, 4, 5], true),
    ];
    for (i, &(size, acceptors, want)) in cases.iter().enumerate() {
        let peers: Vec<u64> = (1..=size).collect();
        let mut r = new_test_raft(1, &peers, 10, 1, MemoryStorage::new());
        commit_noop_entry(&mut r);
        let li = r.raft_log.last_index();
        r.step(prop("some data")).expect("propose");
        for m in read_messages(&mut r) {
            if acceptors.contains(&m.to) {
                let mut resp = msg(m.to, 1, MessageType::MsgAppResp, m.term);
                resp.index = m.index + m.entries.len() as u64;
                r.step(resp).expect("ack");
            }
        }
        assert_eq!(r.raft_log.committed > li, want, "case {i}");
    }
}

/// §5.3: "When the leader commits a log entry, it also commits all
/// preceding entries in the leader's log, including entries created by
/// previous leaders."
#[test]
fn leader_commit_preceding_entries() {
    for terms in [&[][..], &[2], &[1, 2], &[1]] {
        let mut store = store_with_terms(terms);
        store.set_hard_state(HardState { term: 2, ..Default::default() });
        let mut r = new_test_raft(1, &[1, 2, 3], 10, 1, store);
        r.become_candidate();
        r.become_leader();
        r.step(prop("some data")).expect("propose");
        for m in read_messages(&mut r) {
            let mut resp = msg(m.to, 1, MessageType::MsgAppResp, m.term);
            resp.index = m.index + m.entries.len() as u64;
            r.step(resp).expect("ack");
        }
        let li = terms.len() as u64;
        let got: Vec<(u64, u64)> =
            r.raft_log.next_committed_entries().iter().map(|e| (e.term, e.index)).collect();
        let mut want: Vec<(u64, u64)> = terms.iter().enumerate().map(|(i, &t)| (t, i as u64 + 1)).collect();
        want.push((3, li + 1));
        want.push((3, li + 2));
        assert_eq!(got, want, "terms {terms:?}");
    }
}

/// §5.3: "Once a follower learns that a log entry is committed, it applies
/// the entry to its local state machine (in log order)."
#[test]
fn follower_commit_entry() {
    let ents = vec![ent(1, 1), ent(1, 2)];
    for commit in [1, 2] {
        let mut r = new_test_raft(1, &[1, 2, 3], 10, 1, MemoryStorage::new());
        r.become_follower(1, 2);
        let mut m = msg(2, 1, MessageType::MsgApp, 1);
        m.entries = ents.clone();
        m.commit = commit;
        r.step(m).expect("step");
        assert_eq!(r.raft_log.committed, commit);
        let got: Vec<u64> = r.raft_log.next_committed_entries().iter().map(|e| e.index).collect();
        assert_eq!(got, (1..=commit).collect::<Vec<_>>());
    }
}

/// §5.3: "When sending an AppendEntries RPC, the leader includes the index
/// and term of the entry in its log that immediately precedes the new
/// entries. If the follower does not find an entry in its log with the same
/// index and term, then it refuses the new entries."
#[test]
fn follower_check_msg_app() {
    let cases = [
        (0, 0, 1, false, 0),
        (1, 1, 1, false, 0),
        (2, 2, 2, false, 0),
        (1, 1, 1, false, 0),
        // The hint points at the last entry whose term is <= the probe's.
        (1, 2, 2, true, 1),
        (3, 3, 3, true, 2),
    ];
    for (i, (term, index, windex, wreject, whint)) in cases.into_iter().enumerate() {
        let mut store = store_with_terms(&[1, 2]);
        store.set_hard_state(HardState { commit: 1, ..Default::default() });
        let mut r = new_test_raft(1, &[1, 2, 3], 10, 1, store);
        r.become_follower(2, 2);
        let mut m = msg(2, 1, MessageType::MsgApp, 2);
        m.log_term = term;
        m.index = index;
        r.step(m).expect("step");
        let msgs = read_messages(&mut r);
        assert_eq!(msgs.len(), 1, "case {i}");
        let resp = &msgs[0];
        assert_eq!(
            (resp.msg_type, resp.index, resp.reject, resp.reject_hint),
            (MessageType::MsgAppResp, windex, wreject, whint),
            "case {i}"
        );
    }
}

/// §5.3: "If an existing entry conflicts with a new one (same index but
/// different terms), delete the existing entry and all that follow it;
/// append any new entries not already in the log."
#[test]
fn follower_append_entries() {
    type Case = (u64, u64, Vec<Entry>, Vec<(u64, u64)>);
    let cases: Vec<Case> = vec![
        (2, 2, vec![ent(3, 3)], vec![(1, 1), (2, 2), (3, 3)]),
        (1, 1, vec![ent(3, 2), ent(4, 3)], vec![(1, 1), (3, 2), (4, 3)]),
        (0, 0, vec![ent(1, 1)], vec![(1, 1), (2, 2)]),
        (0, 0, vec![ent(3, 1)], vec![(3, 1)]),
    ];
    for (i, (index, term, ents, want)) in cases.into_iter().enumerate() {
        let mut r = new_test_raft(1, &[1, 2, 3], 10, 1, store_with_terms(&[1, 2]));
        r.become_follower(2, 2);
        let mut m = msg(2, 1, MessageType::MsgApp, 2);
        m.log_term = term;
        m.index = index;
        m.entries = ents;
        r.step(m).expect("step");
        let got: Vec<(u64, u64)> = r.raft_log.all_entries().iter().map(|e| (e.term, e.index)).collect();
        assert_eq!(got, want, "case {i}");
    }
}

/// §5.3 (Figure 7): "the leader must find the latest log entry where the
/// two logs agree, delete any entries in the follower's log after that
/// point, and send the follower all of the leader's entries after that
/// point." Every follower log of Figure 7 is brought in line.
#[test]
fn leader_sync_follower_log() {
    let leader_terms: &[u64] = &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
    let followers: &[&[u64]] = &[
        &[1, 1, 1, 4, 4, 5, 5, 6, 6],
        &[1, 1, 1, 4],
        &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
        &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
        &[1, 1, 1, 4, 4, 4, 4],
        &[1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
    ];
    for (i, fterms) in followers.iter().enumerate() {
        let term = 8;
        let mut ls = store_with_terms(leader_terms);
        ls.set_hard_state(HardState {
            term: term - 1,
            commit: leader_terms.len() as u64,
            ..Default::default()
        });
        let mut lead = new_test_raft(1, &[1, 2, 3], 10, 1, ls);
        let mut fs = store_with_terms(fterms);
        fs.set_hard_state(HardState { term: term - 1, ..Default::default() });
        let follower = new_test_raft(2, &[1, 2, 3], 10, 1, fs);
        // The leader needs a vote from node 3, a black hole afterwards.
        lead.step(msg(1, 1, MessageType::MsgHup, 0)).expect("hup");
        read_messages(&mut lead);
        let mut net = Network { nodes: BTreeMap::from([(2, follower)]), dropped: BTreeSet::from([3]) };
        let mut vote = msg(3, 1, MessageType::MsgVoteResp, term);
        vote.to = 1;
        lead.step(vote).expect("vote");
        assert_eq!(lead.state, StateRole::Leader);
        let msgs = read_messages(&mut lead);
        net.nodes.insert(1, lead);
        for m in msgs {
            net.send(m);
        }
        net.send(prop_to(1));
        let l: Vec<(u64, u64)> =
            net.nodes[&1].raft_log.all_entries().iter().map(|e| (e.term, e.index)).collect();
        let f: Vec<(u64, u64)> =
            net.nodes[&2].raft_log.all_entries().iter().map(|e| (e.term, e.index)).collect();
        assert_eq!(l, f, "follower {i}");
    }
}

fn prop_to(id: u64) -> crate::message::Message {
    let mut m = msg(id, id, MessageType::MsgProp, 0);
    m.entries = vec![Entry::default()];
    m
}

/// §5.4.2: "Raft never commits log entries from previous terms by counting
/// replicas. Only log entries from the leader's current term are committed
/// by counting replicas."
#[test]
fn leader_only_commits_log_from_current_term() {
    // (index acked by a majority, expected commit)
    for (index, wcommit) in [(1, 0), (2, 0), (3, 3)] {
        let mut store = store_with_terms(&[1, 2]);
        store.set_hard_state(HardState { term: 2, ..Default::default() });
        let mut r = new_test_raft(1, &[1, 2], 10, 1, store);
        // Leader of term 3; its empty entry is at index 3.
        r.become_candidate();
        r.become_leader();
        read_messages(&mut r);
        let mut resp = msg(2, 1, MessageType::MsgAppResp, r.term);
        resp.index = index;
        r.step(resp).expect("ack");
        assert_eq!(r.raft_log.committed, wcommit, "acked {index}");
    }
}
