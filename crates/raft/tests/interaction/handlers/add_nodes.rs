//! `add-nodes N [voters=(..)] [learners=(..)] [index=I] [content=X]
//! [prevote=B] [checkquorum=B] [read-only=lease-based] [inflight=N]
//! [max-committed-size-per-ready=N] [uncommitted-size=N]
//! [step-down-on-removal=B]`: adds N nodes whose storage holds a snapshot at
//! `index` (term 1) with that configuration. Election 3 ticks, heartbeat 1,
//! as in etcd-raft's interaction tests; PreVote and CheckQuorum default to
//! off there, so transcripts state them.

use raft::{ConfState, Config, MemoryStorage, RawNode, ReadOnlyOption};

use crate::env::{InteractionEnv, Node};
use datadriven::TestCase;

pub fn handle(env: &mut InteractionEnv, tc: &TestCase) {
    let n: u64 = tc.positional().first().and_then(|s| s.parse().ok()).expect("add-nodes N");
    let cs =
        ConfState { voters: tc.get_ids("voters"), learners: tc.get_ids("learners"), ..Default::default() };
    let index = tc.get_u64("index").unwrap_or(0);
    let content = tc.get("content").and_then(|v| v.first().cloned()).unwrap_or_default().into_bytes();
    for _ in 0..n {
        let id = env.nodes.len() as u64 + 1;
        let mut store = MemoryStorage::new_with_conf_state(cs.clone());
        if index > 0 {
            let mut snap = raft::Snapshot::default();
            snap.metadata.index = index;
            snap.metadata.term = 1;
            snap.metadata.conf_state = cs.clone();
            snap.data = content.clone();
            store.apply_snapshot(snap).expect("initial snapshot");
        }
        let mut cfg = Config::new(id);
        cfg.election_tick = 3;
        cfg.heartbeat_tick = 1;
        cfg.max_size_per_msg = u64::MAX;
        cfg.applied = index;
        cfg.pre_vote = tc.get_bool("prevote").unwrap_or(false);
        cfg.check_quorum = tc.get_bool("checkquorum").unwrap_or(false);
        cfg.max_inflight_msgs = tc.get_u64("inflight").map_or(1 << 20, |v| v as usize);
        cfg.max_committed_size_per_ready = tc.get_u64("max-committed-size-per-ready").unwrap_or(u64::MAX);
        cfg.max_uncommitted_entries_size = tc.get_u64("uncommitted-size").unwrap_or(0);
        cfg.step_down_on_removal = tc.get_bool("step-down-on-removal").unwrap_or(false);
        if tc.get("read-only").is_some_and(|v| v[0] == "lease-based") {
            cfg.read_only_option = ReadOnlyOption::LeaseBased;
        }
        cfg.seed = id;
        cfg.log_level = env.log_level;
        let raw = RawNode::new(&cfg, store).expect("RawNode::new");
        env.nodes.push(Node { raw, data: content.clone(), conf_state: cs.clone() });
        env.flush_logs(id);
    }
}
