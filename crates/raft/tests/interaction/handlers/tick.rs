//! `tick-election ID` ticks node ID until its election timer fires once
//! (a follower's randomized timeout, a leader's CheckQuorum interval);
//! `tick-heartbeat ID` ticks one heartbeat interval.

use crate::env::InteractionEnv;
use datadriven::TestCase;

pub fn handle_election(env: &mut InteractionEnv, tc: &TestCase) {
    let id = tc.ids()[0];
    let st = env.node(id).raw.status();
    let timeout = if st.soft_state.raft_state == raft::StateRole::Leader {
        st.election_timeout
    } else {
        st.randomized_election_timeout
    };
    let n = timeout.saturating_sub(st.election_elapsed).max(1);
    for _ in 0..n {
        env.with(id, |r| r.tick());
    }
}

pub fn handle_heartbeat(env: &mut InteractionEnv, tc: &TestCase) {
    let id = tc.ids()[0];
    let n = env.node(id).raw.status().heartbeat_timeout;
    for _ in 0..n {
        env.with(id, |r| r.tick());
    }
}
