//! Interaction transcripts: `testdata/*.txt` scripted with etcd-raft's
//! command vocabulary (add-nodes, campaign, propose, deliver-msgs,
//! process-ready, stabilize, ...), expected output inline.
//! `REWRITE=1 cargo test -p raft --test interaction` regenerates them.

mod env;
mod handlers;

use std::path::PathBuf;

fn testdata() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("testdata dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    files
}

#[test]
fn interaction_transcripts() {
    let files = testdata();
    assert!(!files.is_empty(), "no transcripts found");
    for f in files {
        let mut env = env::InteractionEnv::default();
        datadriven::assert_file(&f, |tc| env.handle(tc));
    }
}
