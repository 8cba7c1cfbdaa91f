//! Golden transcripts of cluster scenarios, one story per
//! `testdata/*.txt` (the datadriven format of etcd-io/raft's testdata): a
//! command, `----`, what it printed. The commands drive the public `Sim`
//! API (see `transcripts/handlers.rs` for the vocabulary); everything is
//! seeded, so the outputs are exact. Every file in `testdata/` is its own
//! test (`datadriven::walk`): nothing lists them.
//!
//! `REWRITE=1 cargo test -p sim --test transcripts` re-records them; read
//! the diff before committing it.

mod transcripts {
    pub mod env;
    pub mod handlers;
}

/// The transcripts, each its own test; `testdata is listed` checks this
/// list against the folder.
const TRANSCRIPTS: &[&str] = &[
    "compaction.txt",
    "leader_crash.txt",
    "leader_partitioned.txt",
    "leader_transfer.txt",
    "lease_expiry.txt",
    "lease_keepalive.txt",
    "lossy_network.txt",
    "membership.txt",
    "minority_partition.txt",
    "prevote.txt",
    "quorum_loss.txt",
    "snapshot_catch_up.txt",
    "watch.txt",
];

fn main() -> std::process::ExitCode {
    datadriven::walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata"),
        TRANSCRIPTS,
        transcripts::env::Env::new,
        transcripts::handlers::handle,
    )
}
