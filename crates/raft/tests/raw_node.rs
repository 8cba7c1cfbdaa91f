//! The `RawNode` API contract: the Ready/advance cycle and its obligations,
//! errors returned for bad calls and messages, status, cloning, restart
//! from storage and determinism.

use raft::{
    ConfChange, ConfChangeType, ConfState, Config, Error, HardState, MemoryStorage, Message, MessageType,
    RawNode, Ready, StateRole,
};

fn single_node() -> RawNode<MemoryStorage> {
    RawNode::new(&Config::new(1), MemoryStorage::new_with_conf_state(ConfState::from_voters([1])))
        .expect("node")
}

/// Handles one Ready as an application must; returns it for inspection.
fn handle(n: &mut RawNode<MemoryStorage>) -> Ready {
    let rd = n.ready();
    let store = n.store_mut();
    if let Some(s) = &rd.snapshot {
        store.apply_snapshot(s.clone()).expect("snapshot");
    }
    store.append(&rd.entries).expect("append");
    if let Some(hs) = rd.hard_state {
        store.set_hard_state(hs);
    }
    n.advance();
    rd
}

#[test]
fn ready_cycle_on_a_single_node() {
    let mut n = single_node();
    assert!(!n.has_ready());
    n.campaign().expect("campaign");
    assert!(n.has_ready());
    let rd = handle(&mut n);
    assert_eq!(rd.soft_state.map(|s| (s.lead, s.raft_state)), Some((1, StateRole::Leader)));
    assert_eq!(rd.hard_state, Some(HardState { term: 1, vote: 1, commit: 1 }));
    assert_eq!(rd.entries.len(), 1, "the leader's empty entry");
    assert_eq!(rd.committed_entries.len(), 1, "committed in the same Ready: persist first, then apply");
    assert!(rd.must_sync);
    assert!(!n.has_ready(), "advance acknowledged everything");

    n.propose(b"x".to_vec()).expect("propose");
    let rd = handle(&mut n);
    assert_eq!(rd.committed_entries.iter().map(|e| e.data.clone()).collect::<Vec<_>>(), vec![b"x".to_vec()]);
    let st = n.status();
    assert_eq!((st.hard_state.commit, st.applied, st.last_index), (2, 2, 2));
    assert!(!n.has_ready());
    let ents = n.log_entries(2, 100).expect("entries");
    assert_eq!(ents.iter().map(|e| (e.index, e.data.to_vec())).collect::<Vec<_>>(), vec![(2, b"x".to_vec())]);
    assert_eq!(n.log_entries(5, 3), Ok(Vec::new()));
}

#[test]
fn must_sync_only_for_entries_term_or_vote() {
    let mut a = single_node();
    a.campaign().expect("campaign");
    handle(&mut a);
    // A follower that only learns a new commit index need not fsync.
    let mut f =
        RawNode::new(&Config::new(2), MemoryStorage::new_with_conf_state(ConfState::from_voters([1, 2])))
            .expect("node");
    let app = Message {
        msg_type: MessageType::MsgApp,
        from: 1,
        to: 2,
        term: 1,
        entries: vec![raft::Entry { term: 1, index: 1, ..Default::default() }],
        ..Default::default()
    };
    f.step(app).expect("append");
    assert!(handle(&mut f).must_sync);
    let hb = Message {
        msg_type: MessageType::MsgHeartbeat,
        from: 1,
        to: 2,
        term: 1,
        commit: 1,
        ..Default::default()
    };
    f.step(hb).expect("heartbeat");
    let rd = handle(&mut f);
    assert_eq!(rd.hard_state.map(|h| h.commit), Some(1));
    assert!(!rd.must_sync);
}

#[test]
fn errors_for_bad_calls_and_messages() {
    let mut n =
        RawNode::new(&Config::new(1), MemoryStorage::new_with_conf_state(ConfState::from_voters([1, 2, 3])))
            .expect("node");
    assert_eq!(n.propose(b"x".to_vec()), Err(Error::ProposalDropped), "no leader");
    let local = Message { msg_type: MessageType::MsgHup, from: 1, to: 1, ..Default::default() };
    assert_eq!(n.step(local), Err(Error::StepLocalMsg));
    let stranger =
        Message { msg_type: MessageType::MsgAppResp, from: 9, to: 1, term: 1, ..Default::default() };
    assert_eq!(n.step(stranger), Err(Error::StepPeerNotFound));
    let termless = Message { msg_type: MessageType::MsgVote, from: 2, to: 1, ..Default::default() };
    assert!(matches!(n.step(termless), Err(Error::MalformedMessage(_))));
    assert!(matches!(RawNode::new(&Config::new(0), MemoryStorage::new()), Err(Error::ConfigInvalid(_))));
    let bad = ConfChange { change_type: ConfChangeType::RemoveNode, node_id: 1, context: Vec::new() };
    let mut one = single_node();
    assert!(matches!(one.apply_conf_change(&bad), Err(Error::ConfChangeInvalid(_))), "removing all voters");
    let add = ConfChange { change_type: ConfChangeType::AddLearnerNode, node_id: 2, context: Vec::new() };
    assert_eq!(one.apply_conf_change(&add).expect("add").learners, vec![2]);
}

#[test]
fn status_exposes_timers_and_progress() {
    let mut n = RawNode::new(
        &Config { election_tick: 10, seed: 42, ..Config::new(1) },
        MemoryStorage::new_with_conf_state(ConfState::from_voters([1, 2, 3])),
    )
    .expect("node");
    let st = n.status();
    assert!((10..20).contains(&st.randomized_election_timeout));
    assert!(st.progress.is_empty(), "progress is the leader's view");
    n.tick();
    assert_eq!(n.status().election_elapsed, 1);
    assert!(st.pre_vote && st.check_quorum, "etcd 3.5 server defaults");
    // Win an election by hand.
    n.campaign().expect("campaign");
    handle(&mut n);
    for from in [2, 3] {
        let resp =
            Message { msg_type: MessageType::MsgPreVoteResp, from, to: 1, term: 1, ..Default::default() };
        let _ = n.step(resp);
    }
    handle(&mut n);
    for from in [2, 3] {
        let resp = Message { msg_type: MessageType::MsgVoteResp, from, to: 1, term: 1, ..Default::default() };
        let _ = n.step(resp);
    }
    handle(&mut n);
    let st = n.status();
    assert_eq!(st.soft_state.raft_state, StateRole::Leader);
    assert_eq!(st.progress.len(), 3);
    assert!(st.progress[&2].paused, "probe sent, awaiting response");
    assert_eq!(st.entries.len(), 1);
    assert!(!st.has_pending_conf);
}

#[test]
fn restart_from_storage_keeps_term_vote_commit() {
    let mut n = single_node();
    n.campaign().expect("campaign");
    handle(&mut n);
    n.propose(b"a".to_vec()).expect("propose");
    handle(&mut n);
    let store = n.store().clone();
    let r = RawNode::new(&Config::new(1), store).expect("restart");
    let st = r.status();
    assert_eq!((st.hard_state.term, st.hard_state.vote, st.hard_state.commit), (1, 1, 2));
    assert_eq!(st.soft_state.raft_state, StateRole::Follower);
    assert_eq!(st.last_index, 2);
}

#[test]
fn clones_evolve_identically() {
    let mut a = RawNode::new(
        &Config { seed: 7, ..Config::new(1) },
        MemoryStorage::new_with_conf_state(ConfState::from_voters([1, 2, 3])),
    )
    .expect("node");
    let mut b = a.clone();
    let trace = |n: &mut RawNode<MemoryStorage>| {
        let mut out = Vec::new();
        for _ in 0..100 {
            n.tick();
            if n.has_ready() {
                out.push(serde_json::to_string(&handle(n)).expect("serialize"));
            }
        }
        out
    };
    let (ta, tb) = (trace(&mut a), trace(&mut b));
    assert!(!ta.is_empty(), "an election started");
    assert_eq!(ta, tb);
}

#[test]
fn read_index_on_a_single_node_is_immediate() {
    let mut n = single_node();
    n.campaign().expect("campaign");
    handle(&mut n);
    n.read_index(b"ctx".to_vec());
    let rd = handle(&mut n);
    assert_eq!(rd.read_states.len(), 1);
    assert_eq!((rd.read_states[0].index, rd.read_states[0].request_ctx.as_slice()), (1, &b"ctx"[..]));
}

/// A bootstrapped cluster driven by hand: `deliver` filters which
/// messages arrive.
struct Cluster {
    nodes: Vec<RawNode<MemoryStorage>>,
    queue: Vec<Message>,
}

impl Cluster {
    fn new(n: u64, cfg: impl Fn(u64) -> Config) -> Self {
        let ids: Vec<u64> = (1..=n).collect();
        let nodes = ids
            .iter()
            .map(|&id| {
                let mut r = RawNode::new(&cfg(id), MemoryStorage::new()).expect("node");
                r.bootstrap(&ids).expect("bootstrap");
                r
            })
            .collect();
        let mut c = Cluster { nodes, queue: Vec::new() };
        c.run(|_| true);
        c.nodes[0].campaign().expect("campaign");
        c.run(|_| true);
        c
    }

    /// Handles Readies and delivers the messages `keep` accepts, until quiet.
    fn run(&mut self, keep: impl Fn(&Message) -> bool) -> Vec<Message> {
        let mut delivered = Vec::new();
        loop {
            for n in self.nodes.iter_mut() {
                if n.has_ready() {
                    let rd = n.ready();
                    let store = n.store_mut();
                    if let Some(s) = &rd.snapshot {
                        store.apply_snapshot(s.clone()).expect("snapshot");
                    }
                    store.append(&rd.entries).expect("append");
                    if let Some(hs) = rd.hard_state {
                        store.set_hard_state(hs);
                    }
                    for e in &rd.committed_entries {
                        if e.entry_type != raft::EntryType::EntryNormal {
                            let cc = raft::decode_conf_change(e).expect("cc");
                            n.apply_conf_change(&cc).expect("apply");
                        }
                    }
                    self.queue.extend(rd.messages);
                    n.advance();
                }
            }
            let msgs: Vec<Message> =
                std::mem::take(&mut self.queue).into_iter().filter(|m| keep(m)).collect();
            if msgs.is_empty() {
                return delivered;
            }
            for m in msgs {
                delivered.push(m.clone());
                let _ = self.nodes[m.to as usize - 1].step(m);
            }
        }
    }
}

#[test]
fn snapshot_status_reports_move_the_follower_out_of_snapshot_state() {
    let mut c = Cluster::new(3, |id| Config { pre_vote: false, ..Config::new(id) });
    for i in 0..5 {
        c.nodes[0].propose(vec![i]).expect("propose");
    }
    c.run(|m| m.to != 3 && m.from != 3);
    let st = c.nodes[0].status();
    let applied = st.applied;
    let store = c.nodes[0].store_mut();
    // The snapshot records the configuration as of `applied`.
    store.create_snapshot(applied, Some(st.conf_state), Vec::new()).expect("snapshot");
    store.compact(applied).expect("compact");
    // 3 is probed, rejects, and is sent a snapshot, which we lose.
    c.nodes[0].tick();
    let sent = c.run(|m| m.msg_type != MessageType::MsgSnap);
    assert!(sent.iter().any(|m| m.msg_type == MessageType::MsgAppResp && m.reject && m.from == 3));
    let pr = c.nodes[0].status().progress[&3].clone();
    assert_eq!((pr.state, pr.pending_snapshot, pr.paused), (raft::ProgressState::Snapshot, applied, true));
    c.nodes[0].report_snapshot(3, raft::SnapshotStatus::Failure);
    let pr = c.nodes[0].status().progress[&3].clone();
    assert_eq!((pr.state, pr.pending_snapshot, pr.paused), (raft::ProgressState::Probe, 0, true));
    // The next heartbeat response resumes probing; this time the snapshot
    // arrives and the follower catches up.
    c.nodes[0].tick();
    c.run(|_| true);
    let st3 = c.nodes[2].status();
    assert_eq!(st3.hard_state.commit, c.nodes[0].status().hard_state.commit);
    assert_eq!(c.nodes[0].status().progress[&3].state, raft::ProgressState::Replicate);
}

#[test]
fn appends_respect_max_size_per_msg() {
    let mut c = Cluster::new(3, |id| Config { max_size_per_msg: 1, pre_vote: false, ..Config::new(id) });
    for i in 0..6 {
        c.nodes[0].propose(vec![i; 10]).expect("propose");
    }
    c.run(|m| m.to != 3 && m.from != 3);
    // 3 catches up: every append carries a single entry (the size limit
    // always lets one entry through).
    c.nodes[0].tick();
    let sent = c.run(|_| true);
    let apps: Vec<&Message> =
        sent.iter().filter(|m| m.msg_type == MessageType::MsgApp && m.to == 3).collect();
    assert!(apps.iter().all(|m| m.entries.len() <= 1), "{apps:?}");
    assert!(apps.iter().filter(|m| !m.entries.is_empty()).count() >= 6);
    assert_eq!(c.nodes[2].status().last_index, c.nodes[0].status().last_index);
}

#[test]
fn bootstrap_writes_the_membership_into_the_log() {
    let mut n = RawNode::new(&Config::new(1), MemoryStorage::new()).expect("node");
    n.bootstrap(&[1, 2, 3]).expect("bootstrap");
    let rd = n.ready();
    assert_eq!(rd.entries.len(), 3);
    assert_eq!(rd.committed_entries.len(), 3);
    assert_eq!(rd.hard_state, Some(HardState { term: 1, vote: 0, commit: 3 }));
    assert_eq!(n.status().conf_state.voters, vec![1, 2, 3]);
    assert!(matches!(n.bootstrap(&[1]), Err(Error::StoreInvalid(_))), "storage not empty");
    let mut m = RawNode::new(&Config::new(1), MemoryStorage::new()).expect("node");
    assert!(matches!(m.bootstrap(&[]), Err(Error::ConfigInvalid(_))));
}

#[test]
fn committed_entries_are_batched_by_max_committed_size_per_ready() {
    let cfg = Config { max_committed_size_per_ready: 30, ..Config::new(1) };
    let mut n =
        RawNode::new(&cfg, MemoryStorage::new_with_conf_state(ConfState::from_voters([1]))).expect("node");
    n.campaign().expect("campaign");
    handle(&mut n);
    for i in 0..5 {
        n.propose(vec![i; 10]).expect("propose");
    }
    let mut batches = Vec::new();
    while n.has_ready() {
        let rd = handle(&mut n);
        if !rd.committed_entries.is_empty() {
            batches.push(rd.committed_entries.len());
        }
    }
    // Each entry counts 10 bytes of payload plus a fixed overhead: at most
    // one fits in 30 bytes, and a Ready always carries at least one.
    assert_eq!(batches, vec![1, 1, 1, 1, 1]);
    assert_eq!(n.status().applied, 6);
}
