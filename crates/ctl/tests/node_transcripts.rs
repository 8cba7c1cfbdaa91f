//! Golden transcripts of the kubeadm node (`tests/node/*.txt`): the static
//! pods of /etc/kubernetes/manifests, the kubelet restarting them, crictl,
//! systemctl and journalctl, and the CKA exam's etcd backup and restore
//! drill typed as on the exam. Datadriven, as `shell_transcripts.rs`:
//! `REWRITE=1 cargo test -p ctl --test node_transcripts` re-records them.
//!
//! Each transcript runs in one fresh default console (what a learner
//! meets: a kubeadm cluster, etcd over TLS with client certificates), the
//! REPL's mode, so `sleep` lets the kubelet's virtual time pass.

mod common;

use common::run_case;
use ctl::{Console, ConsoleOptions};

fn new_console() -> Console {
    Console::new(1, ConsoleOptions::default())
}

/// The transcripts, each its own test; `testdata is listed` checks this
/// list against the folder.
const TRANSCRIPTS: &[&str] = &["apiserver.txt", "bad_input.txt", "drill.txt", "tools.txt", "topology.txt"];

fn main() -> std::process::ExitCode {
    datadriven::walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/node"),
        TRANSCRIPTS,
        new_console,
        run_case,
    )
}
