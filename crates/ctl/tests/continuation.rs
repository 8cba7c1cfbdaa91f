//! A command pasted as the CKA guides print it, one flag per line with a
//! trailing `\`: the console asks for more until the last line, then runs
//! the joined command as a shell does (the page pastes line by line, the
//! REPL reads line by line; both go through `Console::needs_more`).

use ctl::{Console, ConsoleOptions};

const GUIDE: &str = "ETCDCTL_API=3 etcdctl --endpoints=https://127.0.0.1:2379 \\
  --cacert=/etc/kubernetes/pki/etcd/ca.crt \\
  --cert=/etc/kubernetes/pki/etcd/server.crt \\
  --key=/etc/kubernetes/pki/etcd/server.key \\
  snapshot save /opt/snapshot-pre-boot.db";

#[test]
fn a_backslash_continued_snapshot_save_runs_as_one_command() {
    let lines: Vec<&str> = GUIDE.split('\n').collect();
    let mut entry = String::new();
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            entry.push('\n');
        }
        entry.push_str(line);
        assert_eq!(Console::needs_more(&entry), i + 1 < lines.len(), "after line {}: {entry:?}", i + 1);
    }
    let mut c = Console::new(3, ConsoleOptions::default());
    let out = c.run_to_end(&entry);
    assert_eq!(out.exit, 0, "{out:?}");
    assert!(out.stdout.ends_with("Snapshot saved at /opt/snapshot-pre-boot.db\n"), "{out:?}");
}

#[test]
fn an_escaped_backslash_or_a_backslash_space_does_not_continue() {
    // `\\` at the end is a literal backslash; `\ ` escapes the space.
    assert!(!Console::needs_more("echo a\\\\"));
    assert!(!Console::needs_more("echo a\\ "));
    assert_eq!(Console::new(3, ConsoleOptions::bare_etcd()).run_to_end("echo a\\\nb").stdout, "ab\n");
}
