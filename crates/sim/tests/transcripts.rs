//! Golden transcripts of cluster scenarios, one story per
//! `testdata/*.txt` (the datadriven format of etcd-io/raft's testdata): a
//! command, `----`, what it printed. The commands drive the public `Sim`
//! API (see `transcripts/handlers.rs` for the vocabulary); everything is
//! seeded, so the outputs are exact.
//!
//! `REWRITE=1 cargo test -p sim --test transcripts` re-records them; read
//! the diff before committing it.

mod transcripts {
    pub mod env;
    pub mod handlers;
}

use std::path::PathBuf;

fn testdata() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata")
}

/// Runs one transcript; panics with every mismatch.
fn run(name: &str) {
    let path = testdata().join(name);
    let mut env = transcripts::env::Env::new();
    let failures = datadriven::run_file(&path, |tc| transcripts::handlers::handle(&mut env, tc));
    assert!(
        failures.is_empty(),
        "{} mismatches (REWRITE=1 re-records them):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The scenarios, one test each so they run in parallel and fail by name.
const SCENARIOS: &[&str] = &[
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

#[test]
fn every_transcript_is_listed() {
    let mut files: Vec<String> = std::fs::read_dir(testdata())
        .expect("testdata dir")
        .map(|e| e.expect("dir entry").file_name().to_string_lossy().into_owned())
        .filter(|f| f.ends_with(".txt"))
        .collect();
    files.sort();
    let mut listed: Vec<String> = SCENARIOS.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(files, listed, "add new transcripts to SCENARIOS");
}

macro_rules! scenarios {
    ($($test:ident => $file:literal,)*) => {
        $(
            #[test]
            fn $test() {
                run($file);
            }
        )*
    };
}

scenarios! {
    compaction => "compaction.txt",
    leader_crash => "leader_crash.txt",
    leader_partitioned => "leader_partitioned.txt",
    leader_transfer => "leader_transfer.txt",
    lease_expiry => "lease_expiry.txt",
    lease_keepalive => "lease_keepalive.txt",
    lossy_network => "lossy_network.txt",
    membership => "membership.txt",
    minority_partition => "minority_partition.txt",
    prevote => "prevote.txt",
    quorum_loss => "quorum_loss.txt",
    snapshot_catch_up => "snapshot_catch_up.txt",
    watch => "watch.txt",
}
