//! etcdctl v3.5's argument checks and error texts, command by command, in its exact words.
//!
//! Each case is a line, the expected stderr and exit code (128 is
//! etcdctl's ExitBadArgs, 3 ExitInvalidInput), as etcdctl's
//! `ctlv3/command/*_command.go` print them; a refused command changes
//! nothing on the cluster.

use ctl::{Console, ConsoleOptions, Output};

fn con() -> Console {
    Console::new(7, ConsoleOptions::bare_etcd())
}

fn run(c: &mut Console, line: &str) -> Output {
    c.run_to_end(line)
}

/// Runs every case on one console and reports all mismatches at once.
fn check(c: &mut Console, cases: &[(&str, &str, i32)]) {
    let mut wrong = Vec::new();
    for (line, stderr, exit) in cases {
        let out = run(c, line);
        if out.stderr != format!("Error: {stderr}\n") || out.exit != *exit || !out.stdout.is_empty() {
            wrong.push(format!(
                "{line}\n  want {exit} Error: {stderr}\n  got  {} {:?} {:?}",
                out.exit, out.stderr, out.stdout
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn argument_counts_are_checked_as_etcdctl_does() {
    let mut c = con();
    run(&mut c, "etcdctl put a 1");
    run(&mut c, "etcdctl put b 2");
    let del = "del command needs one argument as key and an optional argument as range_end";
    let get = "get command needs one argument as key and an optional argument as range_end";
    let too_many = "too many arguments, only accept one argument when `--prefix` or `--from-key` is set";
    check(
        &mut c,
        &[
            ("etcdctl del a b c", del, 128),
            ("etcdctl del", del, 128),
            ("etcdctl del a c --prefix", too_many, 128),
            ("etcdctl get", get, 128),
            ("etcdctl get a c --from-key", too_many, 128),
            ("etcdctl txn x", "txn command does not accept argument", 128),
            ("etcdctl compaction", "compaction command needs 1 argument", 128),
            ("etcdctl compaction 1 2", "compaction command needs 1 argument", 128),
            ("etcdctl move-leader", "move-leader command needs 1 argument", 128),
            ("etcdctl lease grant", "lease grant command needs TTL argument", 128),
            ("etcdctl lease grant 10 20", "lease grant command needs TTL argument", 128),
            ("etcdctl lease revoke", "lease revoke command needs 1 argument", 128),
            ("etcdctl lease timetolive 1 2", "lease timetolive command needs lease ID as argument", 128),
            ("etcdctl lease keep-alive", "lease keep-alive command needs lease ID as argument", 128),
            ("etcdctl alarm list x", "alarm list command accepts no arguments", 128),
            ("etcdctl alarm disarm x", "alarm disarm command accepts no arguments", 128),
            ("etcdctl member add", "member name not provided", 128),
            ("etcdctl member add a b", "too many arguments", 128),
            (
                "etcdctl member add n http://10.0.0.9:2380 HTTPS://x",
                "too many arguments, did you mean --peer-urls=http://10.0.0.9:2380, did you mean --peer-urls=HTTPS://x",
                128,
            ),
            ("etcdctl member remove", "member ID is not provided", 128),
            ("etcdctl member update 1 2", "member ID is not provided", 128),
            ("etcdctl member promote", "member ID is not provided", 128),
            ("etcdctl snapshot save", "snapshot save expects one argument", 128),
            ("etcdctl snapshot save a b", "snapshot save expects one argument", 128),
            (
                "etcdctl elect",
                "elect takes one election name argument and an optional proposal argument",
                128,
            ),
            (
                "etcdctl elect a b c",
                "elect takes one election name argument and an optional proposal argument",
                128,
            ),
            ("etcdctl elect a", "no proposal argument but -l not set", 128),
            ("etcdctl elect -l a b", "proposal given but -l is set", 128),
            ("etcdctl lock", "lock takes a lock name argument and an optional command to execute", 128),
            ("etcdctl user add", "user add command requires user name as its argument", 128),
            ("etcdctl user add :pw", "empty user name is not allowed", 128),
            ("etcdctl user list x", "user list command requires no arguments", 128),
            (
                "etcdctl user grant-role u",
                "user grant command requires user name and role name as its argument",
                128,
            ),
            ("etcdctl role list x", "role list command requires no arguments", 128),
            (
                "etcdctl role grant-permission r read",
                "role grant command requires role name, permission type, and key [endkey] as its argument",
                128,
            ),
            ("etcdctl auth enable x", "auth enable command does not accept any arguments", 128),
            ("etcdctl watch", "bad number of arguments", 128),
            ("etcdctl watch a --", "bad number of arguments (found separator --, but no commands)", 128),
            ("etcdctl watch a b --prefix", "`range_end` and `--prefix` are mutually exclusive", 128),
            (
                "ETCDCTL_WATCH_KEY=a etcdctl watch b",
                "bad number of arguments (found conflicting environment key)",
                128,
            ),
            (
                "ETCDCTL_WATCH_RANGE_END=z etcdctl watch a",
                "ETCDCTL_WATCH_KEY is empty but got ETCDCTL_WATCH_RANGE_END=\"z\"",
                128,
            ),
        ],
    );
    // `del a b c` deleted nothing.
    assert_eq!(run(&mut c, "etcdctl get a --print-value-only").stdout, "1\n");
    assert_eq!(run(&mut c, "etcdctl get b --print-value-only").stdout, "2\n");
}

#[test]
fn txn_compare_errors_in_etcdctls_words() {
    let mut c = con();
    check(
        &mut c,
        &[
            (
                "etcdctl txn <<EOF\nmod(\"k\") = \"x\"\n\n\n\nEOF",
                "invalid txn compare request: mod(\"k\") = \"x\"",
                3,
            ),
            (
                "etcdctl txn <<EOF\nmod(k) = 1\n\n\n\nEOF",
                "malformed comparison: mod(k) = 1; got mod(\"\")  \"\"",
                3,
            ),
        ],
    );
}

#[test]
fn endpoint_status_without_a_leader_shows_etcds_error() {
    let mut c = con();
    run(&mut c, "cluster stop etcd-2");
    run(&mut c, "cluster stop etcd-3");
    run(&mut c, "sleep 5");
    let out = run(&mut c, "etcdctl endpoint status");
    assert!(out.stdout.starts_with("127.0.0.1:2379, "), "{out:?}");
    assert!(out.stdout.ends_with(", 20 kB, false, false, 2, 2, 2, etcdserver: no leader\n"), "{out:?}");
    let out = run(&mut c, "etcdctl endpoint status -w table");
    assert!(out.stdout.contains("| etcdserver: no leader |\n"), "{out:?}");
    // protobuf's JSON leaves out the zero leader.
    let out = run(&mut c, "etcdctl endpoint status -w json");
    assert!(
        !out.stdout.contains("\"leader\"") && out.stdout.contains("\"errors\":[\"etcdserver: no leader\"]"),
        "{out:?}"
    );
    let out = run(&mut c, "etcdctl endpoint status -w fields");
    assert!(
        out.stdout.contains("\"Leader\" : 0\n")
            && out.stdout.contains("\"Errors\" : [etcdserver: no leader]\n"),
        "{out:?}"
    );
    // Back in quorum, the column is empty again.
    run(&mut c, "cluster start etcd-2");
    run(&mut c, "sleep 5");
    let out = run(&mut c, "etcdctl endpoint status");
    assert!(out.stdout.ends_with(", \n"), "{out:?}");
}

#[test]
fn hashkv_at_a_future_revision_ends_with_etcdctls_error() {
    let mut c = con();
    let future = "etcdserver: mvcc: required revision is a future revision";
    for line in ["etcdctl endpoint hashkv --rev=1000", "etcdctl endpoint hashkv --rev=1000 -w table"] {
        let out = run(&mut c, line);
        let lines: Vec<&str> = out.stderr.lines().collect();
        assert_eq!(lines.len(), 3, "{out:?}");
        // clientv3's warning, etcdctl's line per endpoint, then its final error.
        assert!(
            lines[0].contains(&format!("\"error\":\"rpc error: code = OutOfRange desc = {future}\"")),
            "{out:?}"
        );
        assert_eq!(lines[1], format!("Failed to get the hash of endpoint 127.0.0.1:2379 ({future})"));
        assert_eq!(lines[2], format!("Error: {future}"));
        assert_eq!(out.exit, 1);
    }
    let out = run(&mut c, "etcdctl endpoint hashkv --cluster --rev=1000");
    assert_eq!(out.stderr.matches("Failed to get the hash of endpoint").count(), 3, "{out:?}");
    assert_eq!(out.stderr.matches("retrying of unary invoker failed").count(), 3, "{out:?}");
    assert!(out.stderr.ends_with(&format!(")\nError: {future}\n")), "{out:?}");
    assert_eq!(out.exit, 1);
}

#[test]
fn endpoint_health_prints_etcd_35s_fields() {
    let mut c = con();
    let out = run(&mut c, "etcdctl endpoint health -w fields");
    assert_eq!(out.exit, 0, "{out:?}");
    let took =
        out.stdout.lines().nth(2).and_then(|l| l.strip_prefix("\"Took\" : ")).unwrap_or("?").to_string();
    assert!(took.ends_with("ms") || took.ends_with("µs"), "{out:?}");
    assert_eq!(
        out.stdout,
        format!("\"Endpoint\" : \"127.0.0.1:2379\"\n\"Health\" : true\n\"Took\" : {took}\n\"Error\" : \n\n")
    );
    run(&mut c, "cluster stop etcd-2");
    run(&mut c, "cluster stop etcd-3");
    let out = run(&mut c, "etcdctl endpoint health -w fields --command-timeout=1s");
    assert_eq!(out.exit, 1, "{out:?}");
    assert!(
        out.stdout.starts_with("\"Endpoint\" : \"127.0.0.1:2379\"\n\"Health\" : false\n\"Took\" : "),
        "{out:?}"
    );
    assert!(out.stdout.ends_with("\n\"Error\" : context deadline exceeded\n\n"), "{out:?}");
    assert!(out.stderr.ends_with("Error: unhealthy cluster\n"), "{out:?}");
}

#[test]
fn user_add_takes_the_password_flag_before_the_colon() {
    let mut c = con();
    let out = run(&mut c, "etcdctl user add a:b --new-user-password=pw");
    assert_eq!(out.stdout, "User a:b created\n", "{out:?}");
    let out = run(&mut c, "etcdctl user add c:pw");
    assert_eq!(out.stdout, "User c created\n", "{out:?}");
    assert_eq!(run(&mut c, "etcdctl user list").stdout, "a:b\nc\n");
}

#[test]
fn role_permission_ranges_are_checked_as_etcdctls_perm_range() {
    let mut c = con();
    run(&mut c, "etcdctl role add r");
    check(
        &mut c,
        &[
            (
                "etcdctl role grant-permission r read k e --prefix",
                "unexpected endkey argument with --prefix flag",
                128,
            ),
            (
                "etcdctl role grant-permission r read k e --from-key",
                "unexpected endkey argument with --from-key flag",
                128,
            ),
            // With an END, --prefix is named first even when both are set.
            (
                "etcdctl role grant-permission r read k e --prefix --from-key",
                "unexpected endkey argument with --prefix flag",
                128,
            ),
            (
                "etcdctl role grant-permission r read k --prefix --from-key",
                "--from-key and --prefix flags are mutually exclusive",
                128,
            ),
            (
                "etcdctl role revoke-permission r k e --prefix",
                "unexpected endkey argument with --prefix flag",
                128,
            ),
            (
                "etcdctl role revoke-permission r k e --from-key",
                "unexpected endkey argument with --from-key flag",
                128,
            ),
            ("etcdctl role grant-permission r bad k", "invalid permission type: bad", 128),
            ("etcdctl make-mirror", "make-mirror takes one destination argument", 128),
            ("etcdctl make-mirror a b", "make-mirror takes one destination argument", 128),
        ],
    );
    // An empty key is the whole key space: `\0`, open ended with a flag.
    let out = run(&mut c, "etcdctl role grant-permission r read '' --prefix");
    assert_eq!(out.stdout, "Role r updated\n", "{out:?}");
    let out = run(&mut c, "etcdctl role revoke-permission r '' --from-key");
    assert_eq!(out.stdout, "Permission of range [, <open ended> is revoked from role r\n", "{out:?}");
    // Nothing was granted by the refused lines.
    assert_eq!(run(&mut c, "etcdctl role get r").stdout, "Role r\nKV Read:\nKV Write:\n");
}

#[test]
fn server_errors_carry_etcds_grpc_codes() {
    let mut c = con();
    // (line, the code in clientv3's warning, the final error)
    let cases = [
        ("etcdctl user get nosuch", "FailedPrecondition", "etcdserver: user name not found"),
        ("etcdctl user delete nosuch", "FailedPrecondition", "etcdserver: user name not found"),
        ("etcdctl role get nosuch", "FailedPrecondition", "etcdserver: role name not found"),
        ("etcdctl role revoke-permission nosuch k", "FailedPrecondition", "etcdserver: role name not found"),
        ("etcdctl move-leader 1", "FailedPrecondition", "etcdserver: bad leader transferee"),
        ("etcdctl member remove 1", "NotFound", "etcdserver: member not found"),
        ("etcdctl get a --rev=100", "OutOfRange", "etcdserver: mvcc: required revision is a future revision"),
        (
            "etcdctl role grant-permission r read k a",
            "InvalidArgument",
            "etcdserver: invalid auth management",
        ),
    ];
    let mut wrong = Vec::new();
    for (line, code, err) in cases {
        let out = run(&mut c, line);
        let warning = format!("\"error\":\"rpc error: code = {code} desc = {err}\"");
        if !out.stderr.contains(&warning)
            || !out.stderr.ends_with(&format!("\nError: {err}\n"))
            || out.exit != 1
        {
            wrong.push(format!("{line}: {out:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn endpoint_health_names_the_clusters_alarms_as_etcd_35() {
    let mut c = con();
    run(&mut c, "cluster reset --plain --quota-bytes 8192");
    let v = "0".repeat(1000);
    for i in 0..30 {
        run(&mut c, &format!("etcdctl put k{i} {v}"));
    }
    assert!(run(&mut c, "etcdctl alarm list").stdout.contains("alarm:NOSPACE"));
    // The alarm list is the cluster's: every member is unhealthy, not only
    // the one that raised it, and each alarm is named with a space after it.
    let out = run(&mut c, "etcdctl endpoint health --cluster");
    assert_eq!(out.exit, 1, "{out:?}");
    assert_eq!(out.stdout, "", "{out:?}");
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 4, "{out:?}");
    for l in &lines[..3] {
        assert!(
            l.ends_with(":2379 is unhealthy: failed to commit proposal: Active Alarm(s): NOSPACE "),
            "{out:?}"
        );
    }
    assert_eq!(lines[3], "Error: unhealthy cluster");
    let out = run(&mut c, "etcdctl endpoint health -w json");
    assert!(
        out.stdout.contains("\"health\":false,")
            && out.stdout.contains("\"error\":\"Active Alarm(s): NOSPACE \"}]"),
        "{out:?}"
    );
    run(&mut c, "etcdctl alarm disarm");
    let out = run(&mut c, "etcdctl endpoint health");
    assert_eq!(out.exit, 0, "{out:?}");
}

/// Runs `etcdctl txn` with `body` (its three sections) on standard input.
fn txn(c: &mut Console, body: &str) -> Output {
    run(c, &format!("etcdctl txn <<EOF\n{body}\nEOF"))
}

#[test]
fn txn_parse_errors_follow_etcdctls_sscanf_and_argify() {
    let mut c = con();
    let cases = [
        // A space in Sscanf's format needs one in the input.
        (
            "value(\"k\")=\"x\"\n\n\n",
            "Error: malformed comparison: value(\"k\")=\"x\"; got value(\"k\")  \"\"\n",
            3,
        ),
        // strconv.Unquote refuses an unknown escape: nothing was scanned.
        (
            "value(\"a\\qb\") = \"x\"\n\n\n",
            "Error: malformed comparison: value(\"a\\qb\") = \"x\"; got value(\"\")  \"\"\n",
            3,
        ),
        ("\nput a \"b\\q\"\n\n", "Error: invalid syntax\n", 3),
        ("\nput a\n\n", "Error: put command needs 1 argument and input from stdin or 2 arguments\n", 128),
        (
            "\ndel a b c\n\n",
            "Error: del command needs one argument as key and an optional argument as range_end\n",
            128,
        ),
        ("\nfoo a\n\n", "Error: invalid txn request: foo a\n", 3),
        ("\nput\n\n", "Error: invalid txn compare request: put\n", 3),
    ];
    let mut wrong = Vec::new();
    for (body, stderr, exit) in cases {
        let out = txn(&mut c, body);
        if out.stderr != stderr || out.exit != exit || !out.stdout.is_empty() {
            wrong.push(format!(
                "{body:?}\n  want {exit} {stderr:?}\n  got  {} {:?} {:?}",
                out.exit, out.stderr, out.stdout
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Escapes Go knows, single quotes kept as they are (3.4's argify cut them short).
    run(&mut c, "etcdctl put k v");
    let out = txn(&mut c, "value(\"\\x6b\") = \"\\166\"\n\n\n");
    assert_eq!(out.stdout, "SUCCESS\n", "{out:?}");
    let out = txn(&mut c, "\nput a 'b c'\nput d \"e\\x41\"\n\n");
    assert_eq!(out.stdout, "SUCCESS\n\nOK\n\nOK\n", "{out:?}");
    assert_eq!(run(&mut c, "etcdctl get a --print-value-only").stdout, "b c\n");
    assert_eq!(run(&mut c, "etcdctl get d --print-value-only").stdout, "eA\n");
}

#[test]
fn txn_compares_clientv3_cannot_build_panic_as_etcdctl_does() {
    let mut c = con();
    for (body, msg) in [
        ("mod(\"k\") == \"1\"", "Unknown result op"),
        ("value(\"k\") ~ \"x\"", "Unknown result op"),
        // etcdctl passes a lease compare's value to clientv3 as a string.
        ("lease(\"k\") = \"1\"", "bad value"),
    ] {
        let out = txn(&mut c, &format!("{body}\n\n\n"));
        assert_eq!(out.exit, 2, "{out:?}");
        assert!(out.stderr.starts_with(&format!("panic: {msg}\n\ngoroutine 1 [running]:\n")), "{out:?}");
        assert!(out.stderr.contains("ctlv3/command.parseCompare("), "{out:?}");
    }
    // The number is read before the operator: a bad one is etcdctl's error.
    let out = txn(&mut c, "mod(\"k\") == \"x\"\n\n\n");
    assert_eq!(out.stderr, "Error: invalid txn compare request: mod(\"k\") == \"x\"\n");
}

#[test]
fn watch_interactive_reports_bad_lines_as_etcdctl() {
    let mut c = con();
    let out = run(
        &mut c,
        "etcdctl watch -i <<EOF\nwatch a\nfoo\n\nwatch\nwatch a b --prefix\nprogress\nwatch -- echo hi\nEOF",
    );
    assert_eq!(
        out.stderr,
        "Invalid command foo (only support watch)\n\
         Invalid command:  (watch and progress supported)\n\
         Invalid command watch (command type or key is not provided)\n\
         Invalid command watch a b --prefix (`range_end` and `--prefix` are mutually exclusive)\n\
         Invalid command watch -- echo hi (bad number of arguments)\n\
         Error: error reading watch request line: EOF\n"
    );
    assert_eq!(out.exit, 3);
    let out = run(&mut c, "etcdctl watch -i <<EOF\nwatch a --bogus\nfoo\nEOF");
    assert_eq!((out.stderr.as_str(), out.exit), ("Error: unknown flag: --bogus\n", 128));
    let out = run(&mut c, "etcdctl watch -i <<EOF\nwatch a --\nEOF");
    assert_eq!(out.stderr, "Error: bad number of arguments (found separator --, but no commands)\n");
    // Standard input from a file reaches it (the redirection used to drop the stream).
    let out = run(&mut c, "etcdctl watch -i < /dev/null");
    assert_eq!((out.stderr.as_str(), out.exit), ("Error: error reading watch request line: EOF\n", 3));
}

#[test]
fn etcdutl_and_snapshot_restore_check_as_35() {
    let mut c = con();
    run(&mut c, "etcdctl put k v");
    run(&mut c, "etcdctl snapshot save s.db");
    let bump = "--mark-compacted required if --revision-bump > 0";
    check(
        &mut c,
        &[
            ("etcdutl snapshot restore s.db --data-dir r1 --mark-compacted", bump, 128),
            ("etcdutl snapshot restore s.db --data-dir r1 --bump-revision 9", bump, 128),
            // The argument count comes first.
            (
                "etcdutl snapshot restore a b --data-dir r1 --mark-compacted",
                "snapshot restore requires exactly one argument",
                128,
            ),
            // The file is looked at before the output format.
            ("etcdutl snapshot status nosuch.db -w bogus", "stat nosuch.db: no such file or directory", 1),
            (
                "etcdutl defrag --data-dir nosuch",
                "Failed to defragment etcd data[nosuch] (stat nosuch/member/snap/db: no such file or directory)",
                1,
            ),
        ],
    );
    // etcdctl 3.5's restore has the revision flags too (after its deprecation line).
    let out =
        run(&mut c, "etcdctl snapshot restore s.db --data-dir r2 --bump-revision 1000 --mark-compacted");
    assert_eq!(out.exit, 0, "{out:?}");
    assert!(out.stderr.starts_with("Deprecated: Use `etcdutl snapshot restore` instead.\n\n"), "{out:?}");
    assert!(out.stderr.contains("\"initial-memory-map-size\": 0}"), "{out:?}");
    let out = run(&mut c, "etcdctl snapshot restore s.db --data-dir r3 --mark-compacted");
    assert!(out.stderr.ends_with(&format!("\nError: {bump}\n")), "{out:?}");
    // The hidden `snapshot save`: cobra's deprecation, then where saving went.
    let out = run(&mut c, "etcdutl snapshot save x.db");
    assert_eq!(
        (out.stderr.as_str(), out.exit),
        (
            "Command \"save\" is deprecated, Use `etcdctl snapshot save` to download snapshot\n\
             Error: In order to download snapshot use: `etcdctl snapshot save ...`\n",
            128
        )
    );
    assert!(!run(&mut c, "etcdutl snapshot --help").stdout.contains("save"));
    // defrag of a data dir: the backend's log lines, nothing on stdout; etcdctl says to use etcdutl.
    let out = run(&mut c, "etcdutl defrag --data-dir r2");
    assert_eq!((out.stdout.as_str(), out.exit), ("", 0), "{out:?}");
    assert!(out.stderr.contains("\tinfo\tbackend/backend.go:579\tfinished defragmenting directory\t{\"path\": \"r2/member/snap/db\""), "{out:?}");
    let out = run(&mut c, "etcdctl defrag --data-dir nosuch");
    assert_eq!(
        out.stderr,
        "Use `etcdutl defrag` instead. The --data-dir is going to be decomissioned in v3.6.\n\n\
         Error: stat nosuch/member/snap/db: no such file or directory\n"
    );
}

#[test]
fn environment_and_tls_flags_as_etcdctl_35_reads_them() {
    let mut c = con();
    run(&mut c, "etcdctl put a 1");
    // pkg/flags through zap: a shadowed variable is fatal, an unknown one a warning.
    let out = run(&mut c, "ETCDCTL_WRITE_OUT=json etcdctl get a -w simple");
    assert_eq!(out.exit, 1, "{out:?}");
    assert!(out.stderr.starts_with("{\"level\":\"fatal\",\"ts\":\""), "{out:?}");
    assert!(out.stderr.contains("\"caller\":\"flags/flag.go:85\",\"msg\":\"conflicting environment variable is shadowed by corresponding command-line flag (either unset environment variable or disable flag))\",\"environment-variable\":\"ETCDCTL_WRITE_OUT\""), "{out:?}");
    let out = run(&mut c, "ETCDCTL_BOGUS=1 etcdctl get a --print-value-only");
    assert_eq!(out.stdout, "1\n");
    assert!(
        out.stderr.contains(
            "\"msg\":\"unrecognized environment variable\",\"environment-variable\":\"ETCDCTL_BOGUS=1\"}\n"
        ),
        "{out:?}"
    );
    // ... but not where etcdctl never builds a client, nor before a refused command's own error.
    assert_eq!(run(&mut c, "ETCDCTL_BOGUS=1 etcdctl version").stderr, "");
    assert_eq!(
        run(&mut c, "ETCDCTL_BOGUS=1 etcdctl del").stderr,
        "Error: del command needs one argument as key and an optional argument as range_end\n"
    );
    // A value the flag refuses is dropped (etcdctl ignores SetPflagsFromEnv's error).
    let out = run(&mut c, "ETCDCTL_COMMAND_TIMEOUT=x etcdctl get a --print-value-only");
    assert_eq!((out.stdout.as_str(), out.stderr.as_str(), out.exit), ("1\n", "", 0));
    check(
        &mut c,
        &[
            ("etcdctl --cert= get a", "empty string is passed to --cert option", 128),
            ("etcdctl --key= get a", "empty string is passed to --key option", 128),
            ("etcdctl --cacert= --cert= get a", "empty string is passed to --cert option", 128),
            ("etcdctl --cert= -w bogus get a", "empty string is passed to --cert option", 128),
        ],
    );
    // --insecure-skip-tls-verify alone makes no TLS config: plain http stays plain.
    let out = run(&mut c, "etcdctl --insecure-skip-tls-verify get a --print-value-only");
    assert_eq!((out.stdout.as_str(), out.exit), ("1\n", 0), "{out:?}");
}

#[test]
fn endpoint_printers_after_failed_endpoints_as_etcdctl_35() {
    let mut c = con();
    run(&mut c, "etcdctl put a 1");
    // 3.5's fields printer has no HashRevision (3.6 added it).
    let out = run(&mut c, "etcdctl endpoint hashkv -w fields");
    assert!(out.stdout.contains("\"Endpoint\" : \"127.0.0.1:2379\"\n\"Hash\" : "), "{out:?}");
    assert!(!out.stdout.contains("HashRevision"), "{out:?}");
    run(&mut c, "cluster stop etcd-2");
    let eps = "--endpoints=127.0.0.1:2379,127.0.0.2:2379 --command-timeout=1s";
    for (cmd, failed) in [("status", Some("status")), ("hashkv", Some("hash")), ("health", None)] {
        let out = run(&mut c, &format!("etcdctl endpoint {cmd} {eps} -w protobuf"));
        // The endpoint's failure is printed, then the printer refuses (exit 4), no final error.
        assert_eq!(out.exit, 4, "{cmd}: {out:?}");
        assert!(out.stderr.ends_with("\nError: protobuf not supported as output format\n"), "{cmd}: {out:?}");
        if let Some(what) = failed {
            assert!(
                out.stderr.contains(&format!(
                    "Failed to get the {what} of endpoint 127.0.0.2:2379 (context deadline exceeded)\n"
                )),
                "{out:?}"
            );
        }
    }
}

#[test]
fn get_checks_its_printer_flags_after_the_read() {
    let mut c = con();
    run(&mut c, "etcdctl put a 1");
    check(
        &mut c,
        &[(
            "etcdctl get a -w json --print-value-only",
            "print-value-only is only for `--write-out=simple`",
            128,
        )],
    );
    run(&mut c, "cluster stop etcd-2");
    run(&mut c, "cluster stop etcd-3");
    // Without quorum the read fails first: its error, not the printer's.
    let out = run(&mut c, "etcdctl get a -w json --print-value-only --command-timeout=1s");
    assert_eq!(out.exit, 1, "{out:?}");
    assert!(out.stderr.ends_with("Error: context deadline exceeded\n"), "{out:?}");
}

#[test]
fn lock_runs_its_command_as_etcdctl_35() {
    let mut c = con();
    // 3.5 passes the command's exit status through, after Go's exec error.
    let out = run(&mut c, "etcdctl lock l1 false");
    assert_eq!((out.stderr.as_str(), out.exit), ("Error: exit status 1\n", 1));
    let out = run(&mut c, "etcdctl lock l1 -- sh -c 'echo $ETCD_LOCK_KEY $ETCD_LOCK_REV; false; nosuch'");
    assert_eq!(out.exit, 127, "{out:?}");
    // The first lock put and deleted its key at revisions 2 and 3: this one is 4.
    assert!(out.stdout.starts_with("l1/") && out.stdout.ends_with(" 4\n"), "{out:?}");
    assert!(out.stderr.ends_with("\nError: exit status 127\n"), "{out:?}");
    let out = run(&mut c, "etcdctl lock l1 nosuchcmd");
    assert_eq!(
        (out.stderr.as_str(), out.exit),
        ("Error: exec: \"nosuchcmd\": executable file not found in $PATH\n", 1)
    );
    // The lock's variables are the command's only.
    assert_eq!(run(&mut c, "echo \"[$ETCD_LOCK_KEY]\"").stdout, "[]\n");
    assert_eq!(run(&mut c, "etcdctl lock l1 echo ran").stdout, "ran\n");
}

#[test]
fn printers_etcdctl_35_has_for_membership_leader_and_alarms() {
    let mut c = con();
    // move-leader: JSON prints the response, table and fields have no printer (after the move).
    let out = run(&mut c, "etcdctl move-leader 23284278a2d8a0e6 -w json");
    assert!(out.stdout.starts_with("{\"header\":{\"cluster_id\":7855965530579937127,"), "{out:?}");
    let out = run(&mut c, "etcdctl --endpoints=127.0.0.2:2379 move-leader b71f75320dc06a6c -w fields");
    assert_eq!((out.stderr.as_str(), out.exit), ("Error: fields not supported as output format\n", 4));
    assert!(run(&mut c, "etcdctl endpoint status").stdout.contains(", true, false, "), "etcd-1 leads again");
    // member add/update: no fields printer (the member is added all the same).
    let out = run(&mut c, "etcdctl member add m --peer-urls=http://10.0.0.9:2380 -w fields");
    assert_eq!((out.stderr.as_str(), out.exit), ("Error: fields not supported as output format\n", 4));
    assert!(run(&mut c, "etcdctl member list").stdout.contains(", unstarted, , http://10.0.0.9:2380, "));
    // member list has a protobuf printer: the response's bytes, starting with the header (field 1).
    let out = run(&mut c, "etcdctl member list -w protobuf");
    assert_eq!((out.exit, out.stdout.as_bytes().first()), (0, Some(&0x0a)), "{out:?}");
    // alarms: 3.5 fills the header; fields prints it even without alarms.
    let out = run(&mut c, "etcdctl alarm list -w json");
    assert!(
        out.stdout.starts_with(
            "{\"header\":{\"cluster_id\":7855965530579937127,\"member_id\":13195394291058371180,"
        ),
        "{out:?}"
    );
    let out = run(&mut c, "etcdctl alarm list -w fields");
    assert!(out.stdout.starts_with("\"ClusterID\" : 7855965530579937127\n"), "{out:?}");
}
