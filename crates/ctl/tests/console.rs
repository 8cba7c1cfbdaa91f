//! Console scenarios a learner goes through: quorum loss, environment, heredocs, streams, TLS, backup and restore.
//!
//! Every scenario runs on the simulated cluster (crates/sim: real Raft
//! members from crates/server), as the page and the REPL do.

use ctl::{Console, ConsoleOptions, Output, Run};

fn console(seed: u64, options: ConsoleOptions) -> Console {
    Console::new(seed, options)
}

fn con() -> Console {
    console(7, ConsoleOptions::bare_etcd())
}

/// The current revision of the cluster's data.
fn revision(c: &Console) -> i64 {
    let s = c.sim();
    s.leader().and_then(|l| s.member(l)).map_or(0, |m| m.store().current_revision())
}

fn run(c: &mut Console, line: &str) -> Output {
    c.run_to_end(line)
}

#[test]
fn quorum_loss_times_out_in_virtual_time() {
    let mut c = con();
    assert_eq!(run(&mut c, "etcdctl put q before").stdout, "OK\n");
    run(&mut c, "cluster stop etcd-2");
    assert_eq!(run(&mut c, "etcdctl put q one-down").stdout, "OK\n");
    run(&mut c, "cluster stop etcd-3");
    let t0 = c.now_ms();
    let out = run(&mut c, "etcdctl --command-timeout=2s put q no-quorum");
    assert_eq!(out.exit, 1);
    assert!(out.stderr.ends_with("Error: context deadline exceeded\n"), "{out:?}");
    assert!(c.now_ms() >= t0 + 2000);
    // A serializable read is still served by the member that is up.
    let out = run(&mut c, "etcdctl get q --consistency=s");
    assert_eq!(out.stdout, "q\none-down\n");
    run(&mut c, "cluster start etcd-2");
    assert_eq!(run(&mut c, "etcdctl put q back").stdout, "OK\n");
}

#[test]
fn environment_and_assignments() {
    let mut c = con();
    run(&mut c, "etcdctl put foo bar");
    let out = run(&mut c, "ETCDCTL_WRITE_OUT=json etcdctl get foo");
    assert!(out.stdout.starts_with("{\"header\""), "{out:?}");
    // The assignment applied to that command only.
    assert_eq!(run(&mut c, "etcdctl get foo").stdout, "foo\nbar\n");
    run(&mut c, "export ETCDCTL_ENDPOINTS=127.0.0.2:2379");
    let out = run(&mut c, "etcdctl endpoint status");
    // etcd's SHA-1 member ID, as the members derive it.
    let id2 = "23284278a2d8a0e6";
    assert_eq!(format!("{:x}", c.sim().member_id(2).unwrap_or(0)), id2);
    assert!(out.stdout.starts_with(&format!("127.0.0.2:2379, {id2}")), "{out:?}");
    let out = run(&mut c, "etcdctl --endpoints=127.0.0.3:2379 get foo");
    assert_eq!(out.exit, 1);
    // etcd 3.5's pkg/flags logs it through zap.
    assert!(out.stderr.starts_with("{\"level\":\"fatal\""), "{out:?}");
    assert!(out.stderr.contains("\"msg\":\"conflicting environment variable is shadowed by corresponding command-line flag (either unset environment variable or disable flag))\",\"environment-variable\":\"ETCDCTL_ENDPOINTS\""), "{out:?}");
    let out = run(&mut c, "ETCDCTL_API=2 etcdctl ls /");
    assert!(out.stderr.contains("etcdctl get DIR --prefix --keys-only"));
    assert_eq!(run(&mut c, "echo \"$ETCDCTL_ENDPOINTS\" 'x  y'").stdout, "127.0.0.2:2379 x  y\n");
}

#[test]
fn heredoc_txn_and_put_from_stdin() {
    let mut c = con();
    run(&mut c, "etcdctl put foo bar");
    let out = run(&mut c, "etcdctl txn <<EOF\nvalue(\"foo\") = \"bar\"\n\nput foo yes\n\nput foo no\n\nEOF");
    assert_eq!(out.stdout, "SUCCESS\n\nOK\n");
    assert_eq!(run(&mut c, "etcdctl get foo --print-value-only").stdout, "yes\n");
    assert!(Console::needs_more("etcdctl put k <<EOF\nline"));
    assert!(!Console::needs_more("etcdctl put k <<EOF\nline\nEOF"));
    run(&mut c, "etcdctl put k <<EOF\nline\nEOF");
    assert_eq!(run(&mut c, "etcdctl get k --print-value-only").stdout, "line\n\n");
}

#[test]
fn watch_streams_until_timeout_or_ctrl_c() {
    let mut c = con();
    run(&mut c, "etcdctl put w 1");
    let out = run(&mut c, "timeout 2 etcdctl watch w --rev=1");
    assert_eq!((out.stdout.as_str(), out.exit), ("PUT\nw\n1\n", 124));
    let Run::Streaming(_) = c.run_line("etcdctl watch w") else { panic!("watch streams") };
    assert!(c.is_streaming());
    assert_eq!(c.interrupt().exit, 130);
    // Keep-alive renews every TTL/3 of virtual time.
    let lease = run(&mut c, "etcdctl lease grant 9").stdout;
    let id = lease.split_whitespace().nth(1).unwrap().to_string();
    let out = run(&mut c, &format!("timeout 7 etcdctl lease keep-alive {id}"));
    assert_eq!(out.exit, 124);
    assert_eq!(out.stdout.lines().count(), 3, "{out:?}");
}

#[test]
fn leases_expire_as_virtual_time_passes() {
    let mut c = con();
    let out = run(&mut c, "etcdctl lease grant 5");
    let id = out.stdout.split_whitespace().nth(1).unwrap().to_string();
    run(&mut c, &format!("etcdctl put tmp x --lease={id}"));
    assert_eq!(run(&mut c, "etcdctl get tmp").stdout, "tmp\nx\n");
    run(&mut c, "sleep 6s");
    assert_eq!(run(&mut c, "etcdctl get tmp").stdout, "");
    assert_eq!(
        run(&mut c, &format!("etcdctl lease timetolive {id}")).stdout,
        format!("lease {id} already expired\n")
    );
}

#[test]
fn kubeadm_tls_cluster() {
    let mut c = console(3, ConsoleOptions::default());
    assert!(run(&mut c, "ls /etc/kubernetes/pki/etcd").stdout.contains("healthcheck-client.key"));
    let ok = "ETCDCTL_API=3 etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/server.crt --key=/etc/kubernetes/pki/etcd/server.key";
    assert_eq!(run(&mut c, &format!("{ok} put k v")).stdout, "OK\n");
    let out = run(&mut c, "etcdctl --endpoints=https://127.0.0.1:2379 get k");
    assert!(out.stderr.ends_with("Error: context deadline exceeded\n"), "{out:?}");
    let out = run(&mut c, "etcdctl --cert=/nope.crt --key=/nope.key get k");
    assert_eq!((out.stderr.as_str(), out.exit), ("Error: open /nope.crt: no such file or directory\n", 128));
}

#[test]
fn backup_and_restore_end_to_end() {
    let mut c = con();
    run(&mut c, "etcdctl put /registry/configmaps/default/app v1");
    let out = run(&mut c, "etcdctl snapshot save /var/backups/snap.db");
    assert_eq!(out.stdout, "Snapshot saved at /var/backups/snap.db\n");
    assert_eq!(run(&mut c, "etcdutl snapshot status /var/backups/snap.db -w table").exit, 0);
    run(&mut c, "etcdctl put /registry/configmaps/default/app v2-bad");
    let out =
        run(&mut c, "etcdutl snapshot restore /var/backups/snap.db --data-dir /var/lib/etcd-from-backup");
    assert_eq!(out.exit, 0, "{out:?}");
    let again =
        run(&mut c, "etcdutl snapshot restore /var/backups/snap.db --data-dir /var/lib/etcd-from-backup");
    assert!(again.stderr.contains("not empty"), "{again:?}");
    // The restored data starts a new cluster (Sim::from_disks): etcdutl's
    // default member `default` at localhost, reached on 127.0.0.1:2379.
    let out = run(&mut c, "cluster reset --data-dir /var/lib/etcd-from-backup");
    assert_eq!(out.exit, 0, "{out:?}");
    assert!(out.stdout.contains("| default ") && out.stdout.contains("leader"), "{out:?}");
    assert_eq!(run(&mut c, "etcdctl get /registry/configmaps/default/app --print-value-only").stdout, "v1\n");
    assert_eq!(run(&mut c, "etcdctl put after-restore ok").stdout, "OK\n");
    // A data dir that was never restored is refused.
    let out = run(&mut c, "cluster reset --data-dir /var/lib/nothing-here");
    assert_eq!(out.exit, 1, "{out:?}");
    let out = run(&mut c, "etcdctl snapshot save /nodir/snap.db");
    assert_eq!(out.exit, 5);
}

#[test]
fn help_and_errors_in_etcdctl_words() {
    let mut c = con();
    let help = run(&mut c, "etcdctl put --help");
    assert!(help.stdout.starts_with("NAME:\n\tput - Puts the given key into the store\n"));
    assert_eq!(run(&mut c, "etcdctl help put").stdout, help.stdout);
    let out = run(&mut c, "etcdctl gett foo");
    assert!(out.stderr.contains("Did you mean this?\n\tget\n"));
    assert_eq!(out.exit, 1);
    assert_eq!(run(&mut c, "etcdctl put").exit, 128);
    assert_eq!(run(&mut c, "etcdctl get foo -w yaml").exit, 4);
    assert_eq!(run(&mut c, "etcdctl version").stdout, "etcdctl version: 3.5.33\nAPI version: 3.5\n");
    assert_eq!(run(&mut c, "etcdctl get a -w table").stderr, "Error: table not supported as output format\n");
    assert_eq!(run(&mut c, "nosuchcmd").exit, 127);
    assert!(run(&mut c, "echo $(etcdctl get a)").stderr.contains("not supported in the playground"));
    // Redirections write into the playground's files.
    assert_eq!(run(&mut c, "etcdctl put a 1").stdout, "OK\n");
    assert_eq!(run(&mut c, "etcdctl get a > out.txt").stdout, "");
    assert_eq!(run(&mut c, "cat out.txt").stdout, "a\n1\n");
    assert!(run(&mut c, "etcdctl get a | awk '{print}'").stderr.contains("not supported in the playground"));
}

#[test]
fn auth_flow() {
    let mut c = con();
    run(&mut c, "etcdctl user add root:rootpw");
    run(&mut c, "etcdctl user add alice:alicepw");
    run(&mut c, "etcdctl role add reader");
    run(&mut c, "etcdctl role grant-permission reader --prefix=true read /app/");
    run(&mut c, "etcdctl user grant-role alice reader");
    assert_eq!(run(&mut c, "etcdctl auth enable").stdout, "Authentication Enabled\n");
    run(&mut c, "etcdctl --user=root:rootpw put /app/x 1");
    assert_eq!(run(&mut c, "etcdctl --user=alice:alicepw get /app/x").stdout, "/app/x\n1\n");
    let denied = run(&mut c, "etcdctl --user=alice:alicepw put /app/x 2");
    assert!(denied.stderr.ends_with("Error: etcdserver: permission denied\n"));
    let wrong = run(&mut c, "etcdctl --user=alice:nope get /app/x");
    assert_eq!(wrong.exit, 2);
    let status = run(&mut c, "etcdctl --user=root:rootpw auth status");
    assert!(status.stdout.starts_with("Authentication Status: true\n"));
}

#[test]
fn playground_commands_and_completion() {
    let mut c = con();
    let st = run(&mut c, "cluster status");
    assert!(st.stdout.contains("| etcd-1 ") && st.stdout.contains("leader"), "{st:?}");
    run(&mut c, "cluster isolate etcd-1");
    run(&mut c, "sleep 3s");
    let s = c.sim();
    let leaders: Vec<u64> = s
        .running()
        .into_iter()
        .filter(|id| s.member(*id).is_some_and(|m| m.is_leader()) && Some(*id) != s.member_id(1))
        .collect();
    assert_eq!(leaders.len(), 1, "the majority elected a leader of its own");
    run(&mut c, "cluster heal");
    run(&mut c, "sleep 3s");
    // `cluster campaign` fires etcd-3's election timer (sim::Fault::Campaign,
    // a recorded input). Under a live leader its pre-vote is refused, as
    // etcd's raft refuses it (check quorum: the others are in the leader's lease).
    let st = run(&mut c, "cluster campaign etcd-3");
    assert_eq!(st.exit, 0, "{st:?}");
    assert!(format!("{:?}", c.sim().inputs()).contains("Campaign"), "recorded as a sim input");
    assert!(st.stdout.contains("| etcd-3 "), "{st:?}");
    assert_eq!(run(&mut c, "cluster campaign etcd-9").exit, 1);

    assert_eq!(run(&mut c, "cluster net --delay 5-20ms --drop 1% --duplicate 0%").exit, 0);
    assert_eq!(run(&mut c, "cluster stop etcd-9").exit, 1);
    run(&mut c, "cluster reset --nodes 5 --seed 3");
    assert_eq!(c.sim().member_ids().len(), 5);

    run(&mut c, "etcdctl put /registry/pods/default/nginx x");
    assert_eq!(c.complete("etcdctl get /registry/pods/d"), ["/registry/pods/default/nginx"]);
    assert!(c.complete("etcdctl mem").contains(&"member".to_string()));
    assert_eq!(c.complete("./etcdctl mem"), c.complete("etcdctl mem"));
    assert_eq!(c.complete("ETCDCTL_API=3 etcdctl mem"), c.complete("etcdctl mem"));
    assert!(c.complete("etcdctl get foo --pre").contains(&"--prefix".to_string()));
    assert!(c.complete("cluster stop etcd-").contains(&"etcd-5".to_string()));
    assert!(c.complete("etcdctl --endpoints=127.0.0.2").contains(&"--endpoints=127.0.0.2:2379".to_string()));
}

#[test]
fn same_seed_same_run() {
    let lines = [
        "etcdctl put a 1",
        "etcdctl lease grant 60",
        "cluster stop etcd-1",
        "etcdctl endpoint status --cluster -w json",
        "etcdctl member list",
    ];
    let outs = |seed| {
        let mut c = console(seed, ConsoleOptions::bare_etcd());
        lines.iter().map(|l| c.run_to_end(l)).collect::<Vec<_>>()
    };
    assert_eq!(outs(11), outs(11));
}

#[test]
fn watch_in_one_tab_sees_puts_of_another() {
    let mut c = con();
    let Run::Streaming(_) = c.run_line_in(1, "etcdctl watch demo --prefix") else { panic!("watch streams") };
    assert_eq!(c.run_line_in(0, "etcdctl put demo/a 1"), Run::Done(Output::ok("OK\n")));
    c.run_line_in(0, "etcdctl del demo/a");
    let polled = c.poll_tabs(200);
    assert_eq!(polled.len(), 1);
    let (tab, Run::Streaming(out)) = &polled[0] else { panic!("still streaming") };
    assert_eq!((*tab, out.stdout.as_str()), (1, "PUT\ndemo/a\n1\nDELETE\ndemo/a\n\n"));
    // Each tab keeps its own environment.
    c.run_line_in(0, "export ETCDCTL_WRITE_OUT=json");
    assert_eq!(c.interrupt_in(1).exit, 130);
    assert_eq!(c.run_line_in(1, "etcdctl put x y"), Run::Done(Output::ok("OK\n")));
}

#[test]
fn cka_commands_from_the_guides() {
    let mut c = console(3, ConsoleOptions::default());
    let certs = "--cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/server.crt --key=/etc/kubernetes/pki/etcd/server.key";
    assert_eq!(
        run(&mut c, &format!("ETCDCTL_API=3 etcdctl {certs} put /registry/configmaps/default/app-config hi"))
            .stdout,
        "OK\n"
    );
    let out = run(
        &mut c,
        &format!("ETCDCTL_API=3 etcdctl \\\n{certs} \\\nget /registry/configmaps/default/app-config"),
    );
    assert_eq!(out.stdout, "/registry/configmaps/default/app-config\nhi\n");
    let mk = "--cacert=/var/lib/minikube/certs/etcd/ca.crt --cert=/var/lib/minikube/certs/etcd/server.crt --key=/var/lib/minikube/certs/etcd/server.key";
    let out = run(
        &mut c,
        &format!("etcdctl --endpoints=https://127.0.0.1:2379 {mk} get --prefix /registry/ --keys-only"),
    );
    // Ours, and what the kubeadm cluster stored from the start.
    let keys: Vec<&str> = out.stdout.lines().filter(|l| !l.is_empty()).collect();
    assert!(keys.contains(&"/registry/configmaps/default/app-config"), "{keys:?}");
    assert!(keys.contains(&"/registry/pods/kube-system/etcd-controlplane"), "{keys:?}");
    assert!(
        run(&mut c, &format!("etcdctl --endpoints=https://127.0.0.1:2379 {certs} endpoint health"))
            .stdout
            .contains("is healthy")
    );
    assert_eq!(run(&mut c, &format!("ETCDCTL_API=3 etcdctl {certs} snapshot save snapshot.db")).exit, 0);
    let out = run(&mut c, "ETCDCTL_API=3 etcdctl snapshot restore snapshot.db");
    assert!(out.stderr.starts_with("Deprecated: Use `etcdutl snapshot restore` instead.\n\n"), "{out:?}");
    assert_eq!(out.exit, 0);
    assert!(run(&mut c, "ls").stdout.contains("default.etcd"));
    // On a plain cluster the kubeadm files do not exist, as on a machine without them.
    let mut plain = con();
    let out = run(&mut plain, &format!("etcdctl {certs} get a"));
    assert_eq!(
        (out.stderr.as_str(), out.exit),
        ("Error: open /etc/kubernetes/pki/etcd/server.crt: no such file or directory\n", 128)
    );
}

/// Live watch events as a real etcdctl 3.4.23 printed them (IDs replaced by ours, revisions aligned).
#[test]
fn live_watch_events_print_like_etcdctl() {
    let mut c = console(1, ConsoleOptions { nodes: 1, ..ConsoleOptions::bare_etcd() });
    for _ in 0..9 {
        c.run_to_end("etcdctl put pad x");
    }
    c.run_line_in(1, "etcdctl watch live -w json");
    c.run_line_in(2, "etcdctl watch live --prev-kv -w fields");
    c.run_line_in(0, "etcdctl put live 1");
    c.run_line_in(0, "etcdctl put live 2");
    c.run_line_in(0, "etcdctl del live");
    let polled = c.poll_tabs(300);
    let (cid, mid) = (c.sim().cluster_id(), c.sim().member_id(1).unwrap_or(0));
    let h =
        |rev: u32| format!("{{\"cluster_id\":{cid},\"member_id\":{mid},\"revision\":{rev},\"raft_term\":2}}");
    let json = format!(
        "{{\"Header\":{},\"Events\":[{{\"kv\":{{\"key\":\"bGl2ZQ==\",\"create_revision\":11,\"mod_revision\":11,\"version\":1,\"value\":\"MQ==\"}}}}],\"CompactRevision\":0,\"Canceled\":false,\"Created\":false}}\n\
         {{\"Header\":{},\"Events\":[{{\"kv\":{{\"key\":\"bGl2ZQ==\",\"create_revision\":11,\"mod_revision\":12,\"version\":2,\"value\":\"Mg==\"}}}}],\"CompactRevision\":0,\"Canceled\":false,\"Created\":false}}\n\
         {{\"Header\":{},\"Events\":[{{\"type\":1,\"kv\":{{\"key\":\"bGl2ZQ==\",\"mod_revision\":13}}}}],\"CompactRevision\":0,\"Canceled\":false,\"Created\":false}}\n",
        h(11),
        h(12),
        h(13)
    );
    assert_eq!(polled[0].1.output().stdout, json);
    let fields = polled[1].1.output().stdout.clone();
    assert!(fields.contains("\"Revision\" : 12\n\"RaftTerm\" : 2\n\"Type\" : PUT\n\"PrevKey\" : \"live\"\n\"PrevCreateRevision\" : 11\n\"PrevModRevision\" : 11\n\"PrevVersion\" : 1\n\"PrevValue\" : \"1\"\n\"PrevLease\" : 0\n\"Key\" : \"live\"\n"), "{fields}");
    assert!(fields.contains("\"Type\" : DELETE\n\"PrevKey\" : \"live\"\n"), "{fields}");
}

/// Runs virtual time until a serializable read of `key` on `endpoint`
/// prints `want` (at most 10 s of virtual time).
fn await_serializable(c: &mut Console, endpoint: &str, key: &str, want: &str) {
    let line = format!("etcdctl --endpoints={endpoint} get {key} --consistency=s");
    for _ in 0..1000 {
        if run(c, &line).stdout == want {
            return;
        }
        c.sim_mut().run_for(10);
    }
    panic!("{endpoint} never served {want:?} for {key}");
}

#[test]
fn a_partitioned_member_serves_stale_serializable_reads() {
    let mut c = con();
    run(&mut c, "etcdctl put k old");
    // The premise: etcd-3 has applied "old" before it is cut off (a put
    // returns once a majority commits it, which need not include etcd-3).
    await_serializable(&mut c, "127.0.0.3:2379", "k", "k\nold\n");
    run(&mut c, "cluster isolate etcd-3");
    run(&mut c, "etcdctl put k new");
    let stale = run(&mut c, "etcdctl --endpoints=127.0.0.3:2379 get k --consistency=s");
    assert_eq!(stale.stdout, "k\nold\n");
    let lin = run(&mut c, "etcdctl --endpoints=127.0.0.3:2379 --command-timeout=1s get k");
    assert!(lin.stderr.ends_with("Error: context deadline exceeded\n"));
    run(&mut c, "cluster heal");
    assert_eq!(run(&mut c, "etcdctl --endpoints=127.0.0.3:2379 get k --consistency=s").stdout, "k\nnew\n");
}

#[test]
fn add_start_and_promote_a_learner() {
    let mut c = con();
    let out = run(&mut c, "etcdctl member add etcd-4 --learner --peer-urls=http://127.0.0.4:2380");
    let id = out.stdout.split_whitespace().nth(1).unwrap().to_string();
    let early = run(&mut c, &format!("etcdctl member promote {id}"));
    assert!(
        early.stderr.contains("can only promote a learner member which is in sync with leader"),
        "{early:?}"
    );
    assert_eq!(run(&mut c, "cluster start etcd-4").exit, 0);
    let list = run(&mut c, "etcdctl member list").stdout;
    // Once started, a joined member publishes its client URLs, as a real
    // etcd member does, so member list shows them.
    assert!(list.contains(", started, etcd-4, http://127.0.0.4:2380, http://127.0.0.4:2379, true"), "{list}");
    // The cluster ID real etcd printed for this cluster; the sim derives the
    // same one with etcd's SHA-1 scheme from its members' IDs.
    let cid = "6d05ff0701ee2767";
    assert_eq!(format!("{:x}", c.sim().cluster_id()), cid);

    assert_eq!(
        run(&mut c, &format!("etcdctl member promote {id}")).stdout,
        format!("Member {id} promoted in cluster {cid}\n")
    );
    assert_eq!(run(&mut c, "etcdctl --endpoints=127.0.0.4:2379 get k --consistency=s").exit, 0);
}

#[test]
fn quota_exceeded_raises_nospace_until_compact_defrag_disarm() {
    // A bare etcd: a kubeadm cluster's objects alone pass a 40 kB quota.
    let mut c = console(7, ConsoleOptions::bare_etcd());
    run(&mut c, "cluster reset --quota-bytes 40000");
    let mut failed = None;
    for i in 0..200 {
        let out = run(&mut c, &format!("etcdctl put big{} {}", i % 3, "x".repeat(1000)));
        if out.exit != 0 {
            failed = Some(out);
            break;
        }
    }
    let out = failed.expect("the quota is reached");
    assert!(out.stderr.ends_with("Error: etcdserver: mvcc: database space exceeded\n"), "{out:?}");
    assert!(run(&mut c, "etcdctl alarm list").stdout.contains("alarm:NOSPACE"));
    assert!(run(&mut c, "etcdctl put small x").stderr.contains("database space exceeded"));
    let rev = revision(&c);
    run(&mut c, &format!("etcdctl compaction {rev}"));
    run(&mut c, "etcdctl defrag --cluster");
    run(&mut c, "etcdctl alarm disarm");
    assert_eq!(run(&mut c, "etcdctl put small x").stdout, "OK\n");
}

#[test]
fn watch_runs_its_exec_command_per_event() {
    let mut c = con();
    c.run_line_in(1, "etcdctl watch cfg -- sh -c 'echo changed $ETCD_WATCH_KEY'");
    c.run_line_in(0, "etcdctl put cfg v1");
    let polled = c.poll_tabs(100);
    assert_eq!(polled[0].1.output().stdout, "PUT\ncfg\nv1\nchanged \"cfg\"\n");
}

#[test]
fn a_watch_cancelled_by_compaction_prints_the_cancellation_in_json_and_fields() {
    // etcdctl hands every response to its printer, the cancellation too.
    let mut c = con();
    run(&mut c, "etcdctl put wk a");
    run(&mut c, "etcdctl put wk b");
    let rev = revision(&c);
    run(&mut c, &format!("etcdctl compaction {rev}"));
    let o = run(&mut c, "timeout 2 etcdctl watch wk --rev=1 -w json");
    assert_eq!(o.exit, 5, "{o:?}");
    assert!(o.stdout.starts_with("{\"Header\":{\"cluster_id\":"), "{o:?}");
    assert!(!o.stdout.contains("\"revision\""), "a compaction's header has no revision: {o:?}");
    assert!(
        o.stdout.ends_with(&format!(
            "\"Events\":[],\"CompactRevision\":{rev},\"Canceled\":true,\"Created\":false}}\n"
        )),
        "{o:?}"
    );
    assert!(o.stderr.contains("watch was canceled (etcdserver: mvcc: required revision has been compacted)"));
    let o = run(&mut c, "timeout 2 etcdctl watch wk --rev=1 -w fields");
    assert!(o.stdout.starts_with("\"ClusterID\" : ") && o.stdout.contains("\"Revision\" : 0\n"), "{o:?}");
    let o = run(&mut c, "timeout 2 etcdctl watch wk --rev=1");
    assert_eq!(o.stdout, "");
}

#[test]
fn cobra_finds_subcommands_past_their_flags() {
    let mut c = con();
    run(&mut c, "etcdctl put /registry/a 1");
    let out = run(&mut c, "etcdctl --endpoints=127.0.0.1:2379 snapshot save snap.db");
    assert_eq!((out.stdout.as_str(), out.exit), ("Snapshot saved at snap.db\n", 0));
    // The Kubernetes docs' form: restore's local flag before `snapshot restore`.
    let out = run(&mut c, "etcdutl --data-dir /var/lib/etcd-from-backup snapshot restore snap.db");
    assert_eq!(out.exit, 0, "{out:?}");
    assert!(c.vfs().is_dir("/var/lib/etcd-from-backup/member"));
    let out = run(&mut c, "etcdutl -w table snapshot status snap.db");
    assert!(out.stdout.starts_with("+---"), "{out:?}");
    let out = run(&mut c, "etcdutl snapshot restore snap.db");
    assert_eq!(out.exit, 1);
    assert!(out.stderr.starts_with("Error: required flag(s) \"data-dir\" not set\n"), "{out:?}");
    let out = run(&mut c, "etcdutl snapshot status snap.db --bogus");
    assert!(out.stderr.starts_with("Error: unknown flag: --bogus\n"), "{out:?}");
    // As cobra guesses: an unknown flag before the command takes the next word as its value.
    let out = run(&mut c, "etcdutl --bogus snapshot status snap.db");
    assert!(out.stderr.starts_with("Error: unknown command \"status\" for \"etcdutl\"\n"), "{out:?}");
    let out = run(&mut c, "etcdutl /var/lib/x snapshot restore snap.db");
    assert!(out.stderr.starts_with("Error: unknown command \"/var/lib/x\" for \"etcdutl\"\n"), "{out:?}");
    assert_eq!(run(&mut c, "etcdutl snap stat snap.db -w json").exit, 0, "cobra's prefix matching");
}

#[test]
fn etcd_tools_run_from_a_release_folder_and_say_their_version() {
    let mut c = con();
    let v = ctl::VERSION;
    assert_eq!(run(&mut c, "./etcdctl version").stdout, format!("etcdctl version: {v}\nAPI version: 3.5\n"));
    assert_eq!(run(&mut c, "./etcdutl version").stdout, format!("etcdutl version: {v}\nAPI version: 3.5\n"));
    assert_eq!(run(&mut c, "/usr/local/bin/etcdctl put k v").stdout, "OK\n");
    // 3.5's v3 etcdctl has no --version flag; the v2 one (seed 000) does.
    let out = run(&mut c, "./etcdctl --version");
    assert!(out.stderr.starts_with("Error: unknown flag: --version\n"), "{out:?}");
    let out = run(&mut c, "ETCDCTL_API=2 ./etcdctl --version");
    assert_eq!(out.stdout, format!("etcdctl version: {v}\nAPI version: 2\n"));
}

#[test]
fn a_kubeadm_node_keeps_tls_across_resets_and_serves_every_member_over_https() {
    let mut c = console(3, ConsoleOptions::default());
    let certs = "--cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt --key=/etc/kubernetes/pki/etcd/healthcheck-client.key";
    let out = run(&mut c, &format!("etcdctl {certs} member list"));
    assert!(out.stdout.contains(", https://127.0.0.2:2380, https://127.0.0.2:2379, false"), "{out:?}");
    let out = run(&mut c, &format!("etcdctl {certs} endpoint health --cluster"));
    assert_eq!(out.stdout.matches("is healthy").count(), 3, "{out:?}");
    run(&mut c, "cluster reset --nodes 1");
    let out = run(&mut c, "etcdctl put k v");
    assert!(out.stderr.ends_with("Error: context deadline exceeded\n"), "{out:?}");
    assert_eq!(run(&mut c, &format!("etcdctl {certs} put k v")).stdout, "OK\n");
    run(&mut c, "cluster reset --plain");
    assert_eq!(run(&mut c, "etcdctl put k v").stdout, "OK\n");
    // etcdctl speaks TLS (with the system's roots) to an http member: no answer.
    let out = run(&mut c, "etcdctl --insecure-transport=false put k v");
    assert!(out.stderr.ends_with("Error: context deadline exceeded\n"), "{out:?}");
    run(&mut c, "cluster reset --tls");
    assert_eq!(run(&mut c, "etcdctl put k v").exit, 1);
    assert_eq!(run(&mut c, "cluster reset --tls=maybe").exit, 1);
}

#[test]
fn etcdutl_prints_cobras_usage() {
    let mut c = con();
    let out = run(&mut c, "etcdutl --help");
    assert!(out.stdout.starts_with("Usage:\n  etcdutl [command]\n\nAvailable Commands:\n  defrag      Defragments the storage of the etcd\n"), "{out:?}");
    assert!(
        out.stdout.ends_with("\n\nUse \"etcdutl [command] --help\" for more information about a command.\n")
    );
    let restore = run(&mut c, "etcdutl snapshot restore -h").stdout;
    assert!(restore.starts_with("Usage:\n  etcdutl snapshot restore <filename> --data-dir {output dir} [options] [flags]\n\nFlags:\n      --bump-revision uint "), "{restore}");
    assert!(
        restore.contains("\n  -h, --help                                 help for restore\n"),
        "{restore}"
    );
    assert_eq!(run(&mut c, "etcdutl help snapshot restore").stdout, restore);
    assert_eq!(run(&mut c, "etcdutl snapshot").stdout, run(&mut c, "etcdutl snapshot --help").stdout);
    let out = run(&mut c, "etcdutl snapshot restore snap.db --bump-revision=-1 --data-dir x");
    assert!(out.stderr.starts_with("Error: invalid argument \"-1\" for \"--bump-revision\" flag: strconv.ParseUint: parsing \"-1\": invalid syntax\nUsage:\n"), "{out:?}");
    let out = run(&mut c, "etcdutl snapshott");
    assert!(out.stderr.contains("Did you mean this?\n\tsnapshot\n"), "{out:?}");
}

#[test]
fn the_exams_backup_and_restore_on_a_tls_node() {
    let mut c = console(3, ConsoleOptions::default());
    let certs = "--cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/server.crt --key=/etc/kubernetes/pki/etcd/server.key";
    let ctl = format!("ETCDCTL_API=3 etcdctl --endpoints=https://127.0.0.1:2379 {certs}");
    assert_eq!(run(&mut c, &format!("{ctl} put /registry/x before")).stdout, "OK\n");
    let out = run(&mut c, &format!("{ctl} snapshot save /opt/snapshot.db"));
    assert_eq!((out.stdout.as_str(), out.exit), ("Snapshot saved at /opt/snapshot.db\n", 0), "{out:?}");
    assert_eq!(run(&mut c, &format!("{ctl} put /registry/x after")).stdout, "OK\n");
    let out = run(&mut c, "etcdutl --data-dir /var/lib/etcd-from-backup snapshot restore /opt/snapshot.db");
    assert_eq!(out.exit, 0, "{out:?}");
    assert_eq!(run(&mut c, "cluster reset --data-dir /var/lib/etcd-from-backup").exit, 0);
    assert_eq!(run(&mut c, &format!("{ctl} get /registry/x --print-value-only")).stdout, "before\n");
    // The restored member still serves TLS with client-certificate auth.
    assert_eq!(run(&mut c, "etcdctl get /registry/x").exit, 1);
}
