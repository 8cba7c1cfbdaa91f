//! Bad input never panics: random, malformed and hostile messages (unknown
//! peers, wrong terms, non-contiguous or conflicting entries, bogus
//! snapshots, read requests without context) are stepped into the nodes of
//! a live cluster, interleaved with normal traffic.

use proptest::prelude::*;
use raft::{ConfState, Config, Entry, EntryType, MemoryStorage, Message, MessageType, RawNode, Snapshot};

const TYPES: [MessageType; 19] = [
    MessageType::MsgHup,
    MessageType::MsgBeat,
    MessageType::MsgProp,
    MessageType::MsgApp,
    MessageType::MsgAppResp,
    MessageType::MsgVote,
    MessageType::MsgVoteResp,
    MessageType::MsgSnap,
    MessageType::MsgHeartbeat,
    MessageType::MsgHeartbeatResp,
    MessageType::MsgUnreachable,
    MessageType::MsgSnapStatus,
    MessageType::MsgCheckQuorum,
    MessageType::MsgTransferLeader,
    MessageType::MsgTimeoutNow,
    MessageType::MsgReadIndex,
    MessageType::MsgReadIndexResp,
    MessageType::MsgPreVote,
    MessageType::MsgPreVoteResp,
];

fn arb_entry() -> impl Strategy<Value = Entry> {
    (0u64..4, 0u64..30, 0usize..3, proptest::collection::vec(any::<u8>(), 0..8)).prop_map(
        |(term, index, t, data)| {
            let entry_type =
                [EntryType::EntryNormal, EntryType::EntryConfChange, EntryType::EntryConfChangeV2][t];
            Entry { term, index, entry_type, data: data.into() }
        },
    )
}

fn arb_message() -> impl Strategy<Value = Message> {
    (
        (0usize..19, 0u64..6, 1u64..4, 0u64..6, 0u64..6, prop_oneof![0u64..30, Just(u64::MAX)]),
        (
            proptest::collection::vec(arb_entry(), 0..4),
            any::<bool>(),
            0u64..30,
            prop_oneof![0u64..30, Just(u64::MAX)],
        ),
        (any::<bool>(), 0u64..30, any::<bool>(), proptest::collection::vec(any::<u8>(), 0..4)),
    )
        .prop_map(
            |(
                (t, from, to, term, log_term, index),
                (mut entries, contiguous, commit, hint),
                (reject, snap_index, snap, context),
            )| {
                if contiguous {
                    for (i, e) in entries.iter_mut().enumerate() {
                        e.index = index.saturating_add(i as u64 + 1);
                    }
                }
                let snapshot = snap.then(|| {
                    let mut s = Snapshot::default();
                    s.metadata.index = snap_index;
                    s.metadata.term = term;
                    s.metadata.conf_state =
                        ConfState { voters: vec![1, 2, from], learners: vec![from], ..Default::default() };
                    s
                });
                Message {
                    msg_type: TYPES[t],
                    from,
                    to,
                    term,
                    log_term,
                    index,
                    entries,
                    commit,
                    snapshot: snapshot.map(Box::new),
                    reject,
                    reject_hint: hint,
                    context,
                }
            },
        )
}

struct Cluster {
    nodes: Vec<RawNode<MemoryStorage>>,
}

impl Cluster {
    fn new() -> Self {
        let nodes = (1..=3)
            .map(|id| {
                let cfg = Config { id, election_tick: 5, seed: id, ..Config::default() };
                RawNode::new(&cfg, MemoryStorage::new_with_conf_state(ConfState::from_voters([1, 2, 3])))
                    .expect("node")
            })
            .collect();
        let mut c = Cluster { nodes };
        let _ = c.nodes[0].campaign();
        c.settle();
        for i in 0..5 {
            let _ = c.nodes[0].propose(vec![i]);
        }
        c.settle();
        c
    }

    fn settle(&mut self) {
        for _ in 0..50 {
            let mut msgs = Vec::new();
            for n in &mut self.nodes {
                if !n.has_ready() {
                    continue;
                }
                let rd = n.ready();
                let store = n.store_mut();
                if let Some(s) = rd.snapshot {
                    let _ = store.apply_snapshot(s);
                }
                let _ = store.append(&rd.entries);
                if let Some(hs) = rd.hard_state {
                    store.set_hard_state(hs);
                }
                for e in &rd.committed_entries {
                    if e.entry_type != EntryType::EntryNormal
                        && let Ok(cc) = raft::decode_conf_change(e)
                    {
                        let _ = n.apply_conf_change(&cc);
                    }
                }
                msgs.extend(rd.messages);
                n.advance();
            }
            if msgs.is_empty() {
                return;
            }
            for m in msgs {
                if let Some(n) = self.nodes.get_mut((m.to as usize).wrapping_sub(1)) {
                    let _ = n.step(m);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn hostile_messages_never_panic(msgs in proptest::collection::vec(arb_message(), 1..40), ticks in 0usize..30) {
        let mut c = Cluster::new();
        for (i, m) in msgs.into_iter().enumerate() {
            let to = m.to as usize - 1;
            let _ = c.nodes[to].step(m);
            if i % 3 == 0 {
                c.settle();
            }
            for _ in 0..(ticks % 4) {
                c.nodes[i % 3].tick();
            }
            let _ = c.nodes[i % 3].status();
        }
        c.settle();
    }
}
