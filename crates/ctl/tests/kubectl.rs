//! kubectl lines in the console: crates/kube writing through the simulated cluster, controllers advancing as virtual time passes.

use ctl::{Console, ConsoleOptions, Run};

fn out(c: &mut Console, line: &str) -> ctl::Output {
    c.run_to_end(line)
}

#[test]
fn a_deployment_gets_running_pods_as_virtual_time_passes() {
    let mut c = Console::new(3, ConsoleOptions::bare_etcd());
    assert!(c.sim().leader().is_some(), "the simulated cluster elected a leader");
    let o = out(&mut c, "kubectl create deployment web --image=nginx --replicas=2");
    assert_eq!((o.stdout.as_str(), o.exit), ("deployment.apps/web created\n", 0));
    out(&mut c, "sleep 10s");
    let pods = out(&mut c, "kubectl get pods");
    assert_eq!(pods.stdout.matches("Running").count(), 2, "{}", pods.stdout);
    // The objects are etcd keys in the simulated cluster.
    let ids = c.sim().member_ids();
    assert!(c.sim().member(ids[0]).is_some());
}

#[test]
fn in_page_mode_the_page_clock_runs_the_controllers_too() {
    // The page's clock moves the sim in small steps; the controllers' answers
    // must survive between their own steps (a Deployment gets its pods).
    let mut c = Console::new(3, ConsoleOptions::bare_etcd());
    c.set_page_mode(true);
    let o = match c.run_line("kubectl create deployment web --image=nginx --replicas=2") {
        Run::Done(o) => o,
        Run::Streaming(o) => panic!("kubectl does not wait on the page's clock: {o:?}"),
    };
    assert_eq!(o.stdout, "deployment.apps/web created\n");
    for _ in 0..1_000 {
        c.poll_tabs(10);
    }
    let Run::Done(pods) = c.run_line("kubectl get pods") else { panic!("kubectl get is immediate") };
    assert_eq!(pods.stdout.matches("Running").count(), 2, "{}", pods.stdout);
}

#[test]
fn kubectl_errors_and_heredoc_manifests() {
    let mut c = Console::new(5, ConsoleOptions::bare_etcd());
    let o = out(&mut c, "kubectl get nope");
    assert_eq!(o.exit, 1);
    assert!(o.stderr.contains("the server doesn't have a resource type \"nope\""), "{}", o.stderr);
    let o = out(
        &mut c,
        "kubectl apply -f - <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  k: v\nEOF",
    );
    assert_eq!((o.stdout.as_str(), o.exit), ("configmap/app created\n", 0), "{}", o.stderr);
    let o = out(&mut c, "kubectl get configmap app");
    assert!(o.stdout.starts_with("NAME"), "{}", o.stdout);
}

#[test]
fn kubectl_get_watch_streams_until_interrupted_or_timed_out() {
    let mut c = Console::new(9, ConsoleOptions::bare_etcd());
    out(&mut c, "kubectl create deployment web --image=nginx --replicas=1");
    let first = c.run_line("kubectl get pods -w");
    assert!(matches!(first, Run::Streaming(_)), "{first:?}");
    let mut seen = first.output().stdout.clone();
    for _ in 0..100 {
        seen.push_str(&c.poll(100).output().stdout);
    }
    assert!(seen.contains("Running"), "{seen}");
    assert_eq!(c.interrupt().exit, 130);
    let o = out(&mut c, "timeout 2s kubectl get deploy -w");
    assert_eq!(o.exit, 124);
    assert!(o.stdout.contains("web"), "{}", o.stdout);
}
