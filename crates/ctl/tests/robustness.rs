//! Parser and console robustness: arbitrary lines, flags and heredocs never panic, and the console stays usable.

use ctl::{Console, ConsoleOptions, Run};
use proptest::prelude::*;

const WORDS: &[&str] = &[
    "etcdctl",
    "etcdutl",
    "cluster",
    "get",
    "put",
    "del",
    "txn",
    "watch",
    "lease",
    "grant",
    "revoke",
    "keep-alive",
    "timetolive",
    "list",
    "member",
    "add",
    "remove",
    "update",
    "promote",
    "endpoint",
    "health",
    "status",
    "hashkv",
    "alarm",
    "disarm",
    "defrag",
    "snapshot",
    "save",
    "restore",
    "move-leader",
    "auth",
    "enable",
    "disable",
    "user",
    "role",
    "grant-permission",
    "lock",
    "elect",
    "version",
    "check",
    "perf",
    "compaction",
    "help",
    "foo",
    "bar",
    "--prefix",
    "--from-key",
    "--rev=2",
    "--rev",
    "-w",
    "json",
    "table",
    "fields",
    "protobuf",
    "simple",
    "--hex",
    "--limit=1",
    "--keys-only",
    "--count-only",
    "--prev-kv",
    "--lease=1",
    "--ttl=5",
    "--once",
    "--cluster",
    "--endpoints=127.0.0.2:2379",
    "--user=root:pw",
    "--command-timeout=1s",
    "--",
    "-",
    "'a b'",
    "\"x\"",
    "$LEASE",
    "stop",
    "start",
    "etcd-1",
    "etcd-2",
    "partition",
    "/",
    "heal",
    "isolate",
    "reset",
    "--nodes",
    "5",
    "timeout",
    "2",
    "sleep",
    "1s",
    "echo",
    "export",
    "A=1",
    "ls",
    "cat",
    "rm",
    "-r",
    "snap.db",
    "<<EOF",
    "|",
    ">",
    "#",
];

/// Pieces of shell lines: the file tools, sed scripts, redirections.
const SHELL_WORDS: &[&str] = &[
    "sed",
    "-n",
    "-i",
    "-i.bak",
    "-e",
    "-E",
    "-s",
    "'s/a/b/g'",
    "'s|x|y|2p'",
    "'$p'",
    "'1~0p'",
    "'2,+99999999999999999999d'",
    "'0,/a/d'",
    "'/a/,/b/{p;d}'",
    "'y/ab/c/'",
    "'a\\'",
    "'s/\\(a/b/'",
    "'s/[[:nope:]]//'",
    "'s/a\\{9999999\\}//'",
    "q5",
    "'$!N'",
    "grep",
    "-A",
    "-B9999999999",
    "-C",
    "-c",
    "-v",
    "-w",
    "-E",
    "'(a|b)*'",
    "'\\<'",
    "'[a-'",
    "head",
    "tail",
    "wc",
    "diff",
    "cp",
    "-r",
    "mv",
    "rm",
    "-rf",
    "/",
    "mkdir",
    "-p",
    "touch",
    "tee",
    "-a",
    "ls",
    "-la",
    "cat",
    "cd",
    "-",
    "..",
    "pwd",
    "printf",
    "'%99999999999s'",
    "'%d\\n'",
    "x",
    "seq",
    "0",
    "-1",
    "watch",
    "-n",
    "1e308",
    "0.01",
    "vi",
    "nano",
    "editor-save",
    "f",
    "d/f",
    "/dev/null",
    ">",
    ">>",
    "2>",
    "2>&1",
    ">&2",
    "&>",
    "<",
    "|",
    ";",
    "&&",
    "<<EOF",
    "a",
    "$X",
    "\"\"",
    "''",
];

fn run_all(con: &mut Console, line: &str) {
    let out = con.run_to_end(line);
    assert!(out.exit >= 0 && out.exit <= 255, "exit {} for {line:?}", out.exit);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(line in "\\PC{0,80}") {
        // Parsing is what is exercised: a bare etcd (a kubeadm cluster's
        // batch of objects per case would cost minutes of a debug build).
        let mut con = Console::new(3, ConsoleOptions::bare_etcd());
        run_all(&mut con, &line);
        let _ = con.complete(&line);
        let _ = Console::needs_more(&line);
    }

    #[test]
    fn command_like_lines_never_panic(words in proptest::collection::vec(proptest::sample::select(WORDS), 0..9), page in any::<bool>()) {
        let mut con = Console::new(5, ConsoleOptions::bare_etcd());
        con.set_page_mode(page);
        let line = words.join(" ");
        run_all(&mut con, &line);
        run_all(&mut con, &format!("etcdctl {line}"));
        let _ = con.complete(&line);
        // The console still works afterwards.
        let ok = con.run_to_end("etcdctl put after ok");
        prop_assert!(ok.exit == 0 || ok.stderr.contains("deadline") || ok.stderr.contains("user name"),
            "console broken after {line:?}: {ok:?}");
    }

    #[test]
    fn shell_tool_lines_never_panic(words in proptest::collection::vec(proptest::sample::select(SHELL_WORDS), 0..9), page in any::<bool>()) {
        // The shell tools need no Kubernetes: the bare cluster boots fast.
        let mut con = Console::new(6, ConsoleOptions::bare_etcd());
        con.set_page_mode(page);
        con.run_to_end("printf 'a\\nb\\n' > f; mkdir d; cp f d/f");
        let line = words.join(" ");
        run_all(&mut con, &format!("timeout 3 {line}"));
        run_all(&mut con, &format!("{line} <<EOF\na\nEOF"));
        let ok = con.run_to_end("cd /root; echo still > ok.txt; cat ok.txt");
        prop_assert!(ok.stdout.ends_with("still\n"), "console broken after {line:?}: {ok:?}");
    }

    #[test]
    fn sed_scripts_never_panic(script in "[ -~\\n]{0,24}", input in "[a-c\\n]{0,12}") {
        let mut con = Console::new(7, ConsoleOptions::bare_etcd());
        con.write_file("/root/in", input.into_bytes());
        let quoted = script.replace('\'', "'\\''");
        run_all(&mut con, &format!("sed -e '{quoted}' in; sed -n -E '{quoted}' in; sed -i '{quoted}' in"));
    }

    #[test]
    fn heredocs_never_panic(body in proptest::collection::vec("[ -~]{0,30}", 0..6), cmd in proptest::sample::select(&["etcdctl txn", "etcdctl put k", "etcdctl txn -i", "cat", "etcdctl watch -i"][..])) {
        let mut con = Console::new(9, ConsoleOptions::bare_etcd());
        let input = format!("{cmd} <<EOF\n{}\nEOF", body.join("\n"));
        run_all(&mut con, &input);
    }
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let mut con = Console::new(1, ConsoleOptions::bare_etcd());
    let line = "timeout 1 ".repeat(5000) + "echo hi";
    let out = con.run_to_end(&line);
    assert!(out.stderr.contains("nested too deeply"), "{out:?}");
    let out = con.run_to_end("sh -c 'echo hi'");
    assert_eq!(out.stdout, "hi\n");
}

#[test]
fn streams_can_be_polled_and_interrupted() {
    let mut con = Console::new(1, ConsoleOptions::bare_etcd());
    con.run_to_end("etcdctl put k v1");
    let Run::Streaming(_) = con.run_line("etcdctl watch k") else { panic!("watch should stream") };
    let _ = con.poll(500);
    // A write while the watch runs is what it prints next.
    // (The console runs one line at a time, so the write goes through the cluster directly.)
    let out = con.interrupt();
    assert_eq!(out.exit, 130);
    assert!(!con.is_streaming());
}
