//! `raft-state`: every node's role, membership kind, term and leader.

use crate::env::InteractionEnv;
use datadriven::TestCase;

pub fn handle(env: &mut InteractionEnv, _tc: &TestCase) {
    for id in env.ids() {
        let st = env.node(id).raw.status();
        let kind = if st.is_learner {
            "Learner"
        } else if st.conf_state.voters.contains(&id) || st.conf_state.voters_outgoing.contains(&id) {
            "Voter"
        } else {
            "Non-Voter"
        };
        env.line(&format!(
            "{id}: {} ({kind}) Term:{} Lead:{}",
            st.soft_state.raft_state, st.hard_state.term, st.soft_state.lead
        ));
    }
}
