//! Golden transcripts of the kubeadm node (`tests/node/*.txt`): the static
//! pods of /etc/kubernetes/manifests, the kubelet restarting them, crictl,
//! systemctl and journalctl, and the CKA exam's etcd backup and restore
//! drill typed as on the exam. Datadriven, as `shell_transcripts.rs`:
//! `REWRITE=1 cargo test -p ctl --test node_transcripts` re-records them.
//!
//! Each transcript runs in one fresh default console (what a learner
//! meets: a kubeadm cluster, etcd over TLS with client certificates), the
//! REPL's mode, so `sleep` lets the kubelet's virtual time pass.

use ctl::{Console, ConsoleOptions};

fn new_console() -> Console {
    Console::new(1, ConsoleOptions::default())
}

/// Runs the case's entry to its end, as the REPL does.
fn run_case(con: &mut Console, tc: &datadriven::TestCase) -> String {
    let mut entry = tc.raw_cmd.clone();
    for l in &tc.input {
        entry.push('\n');
        entry.push_str(l);
    }
    let out = con.run_to_end(&entry);
    let mut s: String = out.chunks().into_iter().map(|(_, t)| t).collect();
    if out.exit != 0 {
        if !s.is_empty() && !s.ends_with('\n') {
            s.push('\n');
        }
        s.push_str(&format!("[exit {}]\n", out.exit));
    }
    s
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
