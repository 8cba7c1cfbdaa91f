//! Every lesson's reference solution ("show me") run through the console language passes every check of every step; a wrong path fails the right check with its message.

use ctl::{Console, ConsoleOptions};

fn console() -> Console {
    Console::new(7, ConsoleOptions::default())
}

/// Runs an entry to its end; returns stdout + stderr.
fn run(c: &mut Console, line: &str) -> (String, i32) {
    let o = c.run_to_end(line);
    (format!("{}{}", o.stdout, o.stderr), o.exit)
}

/// Starts `name` and runs its show-me entries step by step, asserting
/// that every check passes after each step; stops before step `until`
/// (1-based; `usize::MAX`: the whole lesson).
fn walk(c: &mut Console, name: &str, until: usize) {
    let (out, code) = run(c, &format!("lesson start {name}"));
    assert_eq!(code, 0, "lesson start {name}:\n{out}");
    let steps = ctl::lesson::find(name).expect("lesson").steps.len();
    for step in 0..steps.min(until.saturating_sub(1)) {
        let view = c.lesson().expect("under way");
        assert_eq!(view.step, step);
        for i in 0..view.show.len() {
            // Expanded now: `{id:NAME}` needs what the earlier lines did.
            let line = c.lesson().expect("under way").show[i].clone();
            run(c, &line);
        }
        let (out, code) = run(c, "lesson check");
        assert_eq!(code, 0, "{name} step {}: the reference solution fails:\n{out}", step + 1);
        assert!(c.lesson().expect("under way").steps[step].1, "{name} step {} marked passed", step + 1);
        if step + 1 < steps {
            run(c, "lesson next");
        }
    }
}

/// A wrong path: from the start of step `step`, `inputs` run, then
/// `lesson check` fails and prints `missing`.
fn wrong(name: &str, step: usize, inputs: &[&str], missing: &str) {
    let mut c = console();
    walk(&mut c, name, step);
    assert_eq!(c.lesson().expect("under way").step, step - 1);
    for i in inputs {
        run(&mut c, i);
    }
    let (out, code) = run(&mut c, "lesson check");
    assert_eq!(code, 1, "{name} step {step} passed after a wrong path:\n{out}");
    assert!(out.contains(missing), "{name} step {step}: wanted {missing:?} in:\n{out}");
    assert!(!c.lesson().expect("under way").steps[step - 1].1);
}

#[test]
fn every_lesson_file_parses_and_names_are_unique() {
    let mut names = Vec::new();
    for l in ctl::lesson::catalog() {
        let l = l.as_ref().expect("a lesson file that parses");
        assert!(!l.steps.is_empty());
        assert!(!names.contains(&l.name), "{} twice", l.name);
        names.push(l.name.clone());
    }
    assert_eq!(names.len(), 10);
}

fn passes_whole(name: &str) {
    passes_whole_on(console(), name);
}

fn passes_whole_on(mut c: Console, name: &str) {
    walk(&mut c, name, usize::MAX);
    assert!(c.lesson_progress().finished().contains(&name.to_string()), "{name} finished");
    let (out, _) = run(&mut c, "lesson list");
    assert!(out.lines().any(|l| l.contains(name) && l.contains("done")), "{out}");
}

#[test]
fn keys_reference_solution_passes() {
    passes_whole("keys");
}

#[test]
fn keys_wrong_paths_fail_with_what_is_missing() {
    // The certificates named by flags on one line do not make the tab's
    // environment: the step is about the variables.
    wrong(
        "keys",
        1,
        &["export ETCDCTL_CACERT=/etc/kubernetes/pki/etcd/ca.crt"],
        "ETCDCTL_CERT is not set in this console tab",
    );
    wrong("keys", 2, &["etcdctl put greeting hi"], "greeting holds \"hi\", not \"hello\"");
    // A key with a typo in its name is not the key asked for.
    wrong(
        "keys",
        3,
        &["etcdctl put /app/config/color blue", "etcdctl put /app/config/colour large"],
        "the key /app/config/size is not there",
    );
}

#[test]
fn registry_reference_solution_passes() {
    passes_whole("registry");
}

#[test]
fn registry_wrong_path_names_the_missing_object() {
    // A ConfigMap in the wrong namespace is not the one asked for.
    wrong(
        "registry",
        2,
        &["kubectl create configmap app-config --from-literal=color=blue"],
        "the key /registry/configmaps/shop/app-config is not there",
    );
    // Deleting the wrong object: the pod is still there.
    wrong(
        "registry",
        4,
        &["kubectl delete configmap app-config -n shop"],
        "the key /registry/pods/shop/web is still there",
    );
}

#[test]
fn raft_reference_solution_passes() {
    passes_whole("raft");
}

#[test]
fn raft_wrong_path_a_follower_still_down() {
    wrong("raft", 2, &["cluster stop etcd-3", "etcdctl put raft/late 1"], "etcd-3 is stopped");
    wrong("raft", 3, &["cluster stop etcd-2", "sleep 2"], "etcd-1 is still running");
}

#[test]
fn quorum_reference_solution_passes() {
    passes_whole("quorum");
}

#[test]
fn quorum_wrong_paths() {
    // Two members stopped is the next step, not this one.
    wrong("quorum", 1, &["cluster stop etcd-3", "cluster stop etcd-2"], "only 1 of 3 voting members run");
    wrong("quorum", 2, &["cluster stop etcd-1"], "etcd-2 is still running");
}

#[test]
fn pod_flow_reference_solution_passes() {
    passes_whole("pod-flow");
}

#[test]
fn pod_flow_wrong_path_a_pod_under_another_name() {
    wrong(
        "pod-flow",
        1,
        &["kubectl run tset --image=nginx", "sleep 5"],
        "the key /registry/pods/default/test is not there",
    );
}

#[test]
fn configmap_reference_solution_passes() {
    passes_whole("configmap");
}

#[test]
fn configmap_wrong_path_an_etcdctl_put_is_not_an_update() {
    // Writing something else under the key: not the JSON the apiserver stores.
    wrong(
        "configmap",
        3,
        &["etcdctl put /registry/configmaps/default/settings mode=green"],
        "/registry/configmaps/default/settings does not hold JSON",
    );
    wrong(
        "configmap",
        1,
        &["kubectl create configmap settings --from-literal=mode=red"],
        "data.mode of /registry/configmaps/default/settings is \"red\", not \"blue\"",
    );
}

#[test]
fn export_reference_solution_passes() {
    passes_whole("export");
}

#[test]
fn export_wrong_path_configmap_recreated_by_hand_is_not_what_apply_brings_back() {
    wrong(
        "export",
        4,
        &[
            "kubectl create namespace test",
            "kubectl apply -f /root/backup.yaml",
            "kubectl create configmap settings -n test --from-literal=mode=prod",
            "sleep 3",
        ],
        "the ConfigMap, never exported, did not come back: the key /registry/configmaps/test/settings is still there",
    );
}

#[test]
fn failures_reference_solution_passes() {
    passes_whole("failures");
}

#[test]
fn failures_wrong_paths() {
    // Disarming without making room: the alarm comes back with the next write.
    wrong(
        "failures",
        2,
        &["etcdctl alarm disarm", "etcdctl put after-fix 1"],
        "the store was last compacted at revision",
    );
    // Isolating a follower is not isolating the leader.
    wrong(
        "failures",
        4,
        &["cluster slow-disk etcd-1 0", "cluster isolate etcd-1", "sleep 3"],
        "the leader, can still talk to other members",
    );
}

#[test]
fn membership_reference_solution_passes() {
    passes_whole("membership");
}

#[test]
fn membership_wrong_paths() {
    // A voter, not a learner.
    wrong(
        "membership",
        1,
        &["etcdctl member add etcd-4 --peer-urls=https://127.0.0.4:2380", "cluster start etcd-4", "sleep 2"],
        "etcd-4 is a voting member, not a learner",
    );
    // Removing the never-started voter needs the quorum back first.
    wrong("membership", 5, &["etcdctl member remove {id:etcd-5}"], "etcd-5 is still a member of the cluster");
}

/// On the page the console is in page mode: a check that reads the
/// cluster waits for its answer on the page's clock (the command is
/// pending, then rerun from its journal), and the lesson's state changes
/// once, when the check finishes.
#[test]
fn lessons_run_in_page_mode_as_on_the_page() {
    for name in ["quorum", "configmap"] {
        let mut c = Console::new(7, ConsoleOptions { tls: false, ..ConsoleOptions::default() });
        c.set_page_mode(true);
        passes_whole_on(c, name);
    }
}

#[test]
fn a_lesson_starts_at_a_step_and_hints_come_one_at_a_time() {
    let mut c = console();
    let (out, code) = run(&mut c, "lesson start quorum 3");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("step 3 of 4: Quorum back"), "{out}");
    let (h1, _) = run(&mut c, "lesson hint");
    assert!(h1.starts_with("Hint 1 of 1"), "{h1}");
    assert_eq!(c.lesson().expect("under way").hints.len(), 1);
    assert!(!c.lesson().expect("under way").more_hints);
    let (out, code) = run(&mut c, "lesson start nosuch");
    assert_eq!((out.as_str(), code), ("lesson: no lesson named \"nosuch\" (lesson list shows them)\n", 1));
    let (out, code) = run(&mut c, "lesson start quorum 9");
    assert_eq!((out.as_str(), code), ("lesson: quorum has 4 steps\n", 1));
    let (out, _) = run(&mut c, "lesson stop");
    assert_eq!(out, "Left the lesson quorum.\n");
    let (out, code) = run(&mut c, "lesson check");
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("lesson: no lesson under way"), "{out}");
}

#[test]
fn backup_reference_solution_passes() {
    passes_whole("backup");
}

#[test]
fn backup_wrong_paths() {
    // A save without the certificates writes nothing.
    wrong(
        "backup",
        2,
        &["ETCDCTL_API=3 etcdctl --endpoints=https://127.0.0.1:2379 snapshot save /opt/backup.db"],
        "there is no file /opt/backup.db",
    );
    // A restore etcd never runs on: the cluster serving is still the old one.
    wrong(
        "backup",
        5,
        &["etcdutl --data-dir /var/lib/etcd-restored snapshot restore /opt/backup.db"],
        "the pod created after the backup is gone: the key /registry/pods/default/after is still there",
    );
    // The manifest edited, but the kubelet has not yet acted on it.
    wrong(
        "backup",
        5,
        &["sed -i 's|/var/lib/etcd|/var/lib/etcd-from-backup|' /etc/kubernetes/manifests/etcd.yaml"],
        "the pod created after the backup is gone: the key /registry/pods/default/after is still there",
    );
}
