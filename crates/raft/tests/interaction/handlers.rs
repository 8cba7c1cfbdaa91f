//! Command dispatch: one handler per command, each in its own file.

mod add_nodes;
mod campaign;
mod compact;
mod deliver_msgs;
mod log_level;
mod process_ready;
mod propose;
mod propose_conf_change;
mod raft_log;
mod raft_state;
mod read_index;
mod report_unreachable;
mod set_randomized_election_timeout;
mod stabilize;
mod status;
mod tick;
mod transfer_leadership;

use crate::env::InteractionEnv;
use datadriven::TestCase;

pub fn dispatch(env: &mut InteractionEnv, tc: &TestCase) {
    match tc.cmd.as_str() {
        "add-nodes" => add_nodes::handle(env, tc),
        "campaign" => campaign::handle(env, tc),
        "compact" => compact::handle(env, tc),
        "deliver-msgs" => deliver_msgs::handle(env, tc),
        "log-level" => log_level::handle(env, tc),
        "process-ready" => process_ready::handle(env, tc),
        "propose" => propose::handle(env, tc),
        "propose-conf-change" => propose_conf_change::handle(env, tc),
        "raft-log" => raft_log::handle(env, tc),
        "raft-state" => raft_state::handle(env, tc),
        "read-index" => read_index::handle(env, tc),
        "report-unreachable" => report_unreachable::handle(env, tc),
        "set-randomized-election-timeout" => set_randomized_election_timeout::handle(env, tc),
        "stabilize" => stabilize::handle(env, tc),
        "status" => status::handle(env, tc),
        "tick-election" => tick::handle_election(env, tc),
        "tick-heartbeat" => tick::handle_heartbeat(env, tc),
        "transfer-leadership" => transfer_leadership::handle(env, tc),
        other => panic!("line {}: unknown command {other}", tc.line),
    }
}
