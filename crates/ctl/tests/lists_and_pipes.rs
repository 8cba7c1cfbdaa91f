//! Command lists (`;`, `&&`, `||`) and pipes into the playground's filters, in blocking and page mode.

use ctl::{Console, ConsoleOptions, Output, Run};

fn run(c: &mut Console, line: &str) -> Output {
    match c.run_line(line) {
        Run::Done(o) => o,
        Run::Streaming(mut o) => {
            // Page mode: let virtual time run until the entry is done.
            for _ in 0..10_000 {
                for (t, r) in c.poll_tabs(10) {
                    if t == 0 {
                        o.append(r.output().clone());
                        if let Run::Done(_) = r {
                            return o;
                        }
                    }
                }
            }
            panic!("{line:?} still pending: {o:?}");
        }
    }
}

fn consoles() -> [Console; 2] {
    let blocking = Console::new(3, ConsoleOptions::bare_etcd());
    let mut page = Console::new(3, ConsoleOptions::bare_etcd());
    page.set_page_mode(true);
    [blocking, page]
}

#[test]
fn lists_run_left_to_right_with_and_or_and_status() {
    for mut c in consoles() {
        let o = run(&mut c, "etcdctl put a 1; etcdctl get a --print-value-only");
        assert_eq!((o.stdout.as_str(), o.exit), ("OK\n1\n", 0));
        let o = run(&mut c, "etcdctl get nosuch --print-value-only | grep x && echo found || echo missing");
        assert_eq!((o.stdout.as_str(), o.exit), ("missing\n", 0));
        let o = run(&mut c, "false; echo $?");
        assert_eq!(o.stdout, "1\n");
        let o = run(&mut c, "true && false");
        assert_eq!(o.exit, 1);
        let o = run(&mut c, "etcdctl put b 2 && etcdctl get b --print-value-only && etcdctl del b");
        assert_eq!(o.stdout, "OK\n2\n1\n");
    }
}

#[test]
fn pipes_feed_filters_and_commands_reading_stdin() {
    for mut c in consoles() {
        run(&mut c, "etcdctl put /app/one 1; etcdctl put /app/two 2; etcdctl put /other x");
        let o = run(&mut c, "etcdctl get /app --prefix --keys-only | grep -v '^$' | wc -l");
        assert_eq!(o.stdout, "2\n");
        let o = run(&mut c, "etcdctl get / --prefix --keys-only | grep '^/app' | sort -r | head -n 1");
        assert_eq!(o.stdout, "/app/two\n");
        let o = run(&mut c, "echo -n v3 | etcdctl put /app/three");
        assert_eq!(o.stdout, "OK\n");
        assert_eq!(run(&mut c, "etcdctl get /app/three --print-value-only").stdout, "v3\n");
        let o = run(&mut c, "kubectl get pods -n kube-system | grep etcd");
        assert!(o.stdout.starts_with("etcd-controlplane "), "{o:?}");
        let o = run(&mut c, "etcdctl get /app/one | jq .");
        assert_eq!(o.exit, 127, "{o:?}");
    }
}

#[test]
fn syntax_errors_and_streams_in_pipes_are_refused() {
    for mut c in consoles() {
        let o = run(&mut c, "| grep a");
        assert_eq!((o.stderr.as_str(), o.exit), ("bash: syntax error near unexpected token `|'\n", 2));
        let o = run(&mut c, "etcdctl get a &&");
        assert_eq!(o.exit, 2);
        let o = run(&mut c, "etcdctl watch a | grep PUT");
        assert!(o.stderr.contains("cannot be piped"), "{o:?}");
        let o = run(&mut c, "sleep 1 &");
        assert!(o.stderr.contains("not supported"), "{o:?}");
    }
}

#[test]
fn page_mode_reruns_a_list_without_repeating_its_side_effects() {
    let [_, mut c] = consoles();
    // The put waits for the cluster, so the list runs again once it is
    // answered; the export and the kubectl apply before it happen once.
    let o = run(
        &mut c,
        "export N=1 && kubectl apply -f - <<EOF && etcdctl put after 1 && echo $N\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  k: v\nEOF",
    );
    assert_eq!(o.stdout, "configmap/cfg created\nOK\n1\n", "{o:?}");
    let o = run(&mut c, "rm -f nothing; etcdctl put x 1 && etcdctl get x --print-value-only");
    assert_eq!(o.stdout, "OK\n1\n", "{o:?}");
}

#[test]
fn a_list_shows_each_commands_streams_in_the_order_they_ran() {
    for mut c in consoles() {
        let o = run(&mut c, "echo a; etcdctl put k; echo b");
        let shown: Vec<(bool, &str)> = o.chunks();
        let want = "Error: put command needs 1 argument and input from stdin or 2 arguments\n";
        assert_eq!(shown, [(false, "a\n"), (true, want), (false, "b\n")]);
        // etcdctl logs the download on stderr before it says where it saved.
        let o = run(&mut c, "etcdctl snapshot save s.db");
        let shown = o.chunks();
        assert!(
            shown.len() == 2 && shown[0].0 && shown[1] == (false, "Snapshot saved at s.db\n"),
            "{shown:?}"
        );
    }
}

#[test]
fn a_bad_flag_shows_cobras_error_the_usage_then_etcdctls_error() {
    // As `etcdctl get --bad 2>&1` shows them (etcdctl 3.4.23 on this machine).
    let mut c = Console::new(3, ConsoleOptions::bare_etcd());
    let o = run(&mut c, "etcdctl get --bad");
    let shown = o.chunks();
    assert_eq!(shown.len(), 3, "{shown:?}");
    assert_eq!(shown[0], (true, "Error: unknown flag: --bad\n"));
    assert!(!shown[1].0 && shown[1].1.starts_with("NAME:\n\tget - Gets the key"), "{shown:?}");
    assert_eq!(shown[2], (true, "\nError: unknown flag: --bad\n"));
}
