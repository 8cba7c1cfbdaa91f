//! `status ID`: the node's basic state and, on a leader, every member's
//! progress in etcd's form (`2: StateReplicate match=11 next=12`).

use crate::env::InteractionEnv;
use datadriven::TestCase;

pub fn handle(env: &mut InteractionEnv, tc: &TestCase) {
    let id = tc.ids()[0];
    let st = env.node(id).raw.status();
    env.line(&format!(
        "{id}: {} Term:{} Vote:{} Lead:{} Commit:{} Applied:{} Log:[{}, {}] Config:{}",
        st.soft_state.raft_state,
        st.hard_state.term,
        st.hard_state.vote,
        st.soft_state.lead,
        st.hard_state.commit,
        st.applied,
        st.first_index,
        st.last_index,
        st.config
    ));
    let prs: Vec<(u64, String)> =
        env.node(id).raw.raft().trk.progress.iter().map(|(&pid, p)| (pid, p.to_string())).collect();
    if !st.progress.is_empty() {
        for (pid, p) in prs {
            env.line(&format!("{pid}: {p}"));
        }
    }
    if st.lead_transferee != 0 {
        env.line(&format!("lead transferee: {}", st.lead_transferee));
    }
    if st.pending_read_index_messages > 0 {
        env.line(&format!(
            "read requests waiting for a commit in this term: {}",
            st.pending_read_index_messages
        ));
    }
    for r in &st.pending_reads {
        env.line(&format!(
            "pending read {:?} at {} acks {:?}",
            String::from_utf8_lossy(&r.ctx),
            r.index,
            r.acks
        ));
    }
}
