//! Interaction transcripts: `testdata/*.txt` scripted with etcd-raft's
//! command vocabulary (add-nodes, campaign, propose, deliver-msgs,
//! process-ready, stabilize, ...), expected output inline.
//! `REWRITE=1 cargo test -p raft --test interaction` regenerates them.

mod env;
mod handlers;

/// The transcripts, each its own test; `testdata is listed` checks this
/// list against the folder.
const TRANSCRIPTS: &[&str] = &[
    "checkquorum.txt",
    "confchange_learner_promote.txt",
    "confchange_remove_leader.txt",
    "confchange_v1_add_single.txt",
    "confchange_v2_joint.txt",
    "partitioned_leader.txt",
    "prevote.txt",
    "prevote_checkquorum.txt",
    "probe_and_replicate.txt",
    "proposals.txt",
    "read_index.txt",
    "read_index_lease.txt",
    "replicate_pause.txt",
    "single_node.txt",
    "snapshot_slow_follower.txt",
    "transfer_leader.txt",
];

fn main() -> std::process::ExitCode {
    datadriven::walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata"),
        TRANSCRIPTS,
        env::InteractionEnv::default,
        |env, tc| env.handle(tc),
    )
}
