//! Tests named after the rules of the Raft paper ("In Search of an
//! Understandable Consensus Algorithm", extended version), in the manner of
//! etcd-io/raft's `raft_paper_test.go`: each test states the rule it checks.
//! They drive `Raft` directly, with a tiny synchronous network.

mod election;
mod replication;

use crate::confchange_types::ConfState;
use crate::config::Config;
use crate::message::{Entry, Message, MessageType};
use crate::raft::Raft;
use crate::storage::MemoryStorage;

/// A raft with PreVote and CheckQuorum off (the paper's algorithm).
pub(crate) fn new_test_raft(
    id: u64,
    peers: &[u64],
    election: u64,
    heartbeat: u64,
    store: MemoryStorage,
) -> Raft<MemoryStorage> {
    let mut store = store;
    if crate::storage::Storage::initial_state(&store).expect("state").1 == ConfState::default() {
        let mut s = MemoryStorage::new_with_conf_state(ConfState::from_voters(peers.iter().copied()));
        s.append(store.all_entries()).expect("append");
        s.set_hard_state(store.hard_state());
        store = s;
    }
    let cfg = Config {
        id,
        election_tick: election,
        heartbeat_tick: heartbeat,
        pre_vote: false,
        check_quorum: false,
        max_size_per_msg: u64::MAX,
        seed: id * 7919,
        ..Config::default()
    };
    Raft::new(&cfg, store).expect("new raft")
}

/// A storage holding entries with these terms at indexes 1, 2, ...
pub(crate) fn store_with_terms(terms: &[u64]) -> MemoryStorage {
    let mut s = MemoryStorage::new();
    let ents: Vec<Entry> = terms
        .iter()
        .enumerate()
        .map(|(i, &t)| Entry { term: t, index: i as u64 + 1, ..Default::default() })
        .collect();
    s.append(&ents).expect("append");
    s
}

/// Takes the raft's outgoing messages.
pub(crate) fn read_messages<S>(r: &mut Raft<S>) -> Vec<Message> {
    std::mem::take(&mut r.msgs)
}

/// A message of type `t` from `from` to `to` at `term`.
pub(crate) fn msg(from: u64, to: u64, t: MessageType, term: u64) -> Message {
    Message { msg_type: t, from, to, term, ..Default::default() }
}

/// Makes `r` leader and commits its empty entry with acks from everyone.
pub(crate) fn commit_noop_entry(r: &mut Raft<MemoryStorage>) {
    assert!(r.state != crate::message::StateRole::Leader);
    r.become_candidate();
    r.become_leader();
    r.bcast_append();
    for m in read_messages(r) {
        assert_eq!(m.msg_type, MessageType::MsgApp);
        assert_eq!(m.entries.len(), 1);
        assert!(m.entries[0].data.is_empty());
        let mut resp = msg(m.to, r.id, MessageType::MsgAppResp, r.term);
        resp.index = m.entries[0].index;
        r.step(resp).expect("step");
    }
    read_messages(r);
    persist(r);
}

/// Persists the unstable entries and applies everything committed.
pub(crate) fn persist(r: &mut Raft<MemoryStorage>) {
    let ents = r.raft_log.unstable_entries().to_vec();
    r.raft_log.store.append(&ents).expect("append");
    if let Some(e) = ents.last() {
        r.raft_log.stable_to(e.index, e.term);
    }
    let committed = r.raft_log.committed;
    r.raft_log.applied_to(committed);
}

/// A synchronous network: messages are delivered until none are left;
/// messages to ids not in `nodes` (or listed in `dropped`) vanish.
pub(crate) struct Network {
    pub nodes: std::collections::BTreeMap<u64, Raft<MemoryStorage>>,
    pub dropped: std::collections::BTreeSet<u64>,
}

impl Network {
    pub fn send(&mut self, first: Message) {
        let mut queue = std::collections::VecDeque::from([first]);
        while let Some(m) = queue.pop_front() {
            if self.dropped.contains(&m.to) {
                continue;
            }
            let Some(r) = self.nodes.get_mut(&m.to) else { continue };
            let _ = r.step(m);
            queue.extend(read_messages(r));
        }
    }
}
