//! The kubeadm node on the page's clock and in the REPL: the kubelet acts
//! at the same virtual times whatever the size of the page's steps, and
//! the CKA drill typed into `etcdplay` ends with the cluster at the backup.

use ctl::{Console, ConsoleOptions, Output, Run};

const TLS: &str = "--endpoints=https://127.0.0.1:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/server.crt --key=/etc/kubernetes/pki/etcd/server.key";

/// The drill, one console entry per line.
fn drill() -> Vec<String> {
    vec![
        format!("ETCDCTL_API=3 etcdctl {TLS} snapshot save /opt/snap.db"),
        "kubectl run after-backup --image=nginx".into(),
        "etcdutl --data-dir /var/lib/etcd-from-backup snapshot restore /opt/snap.db".into(),
        "sed -i 's|/var/lib/etcd|/var/lib/etcd-from-backup|' /etc/kubernetes/manifests/etcd.yaml".into(),
        "sleep 30".into(),
        "crictl ps -a --name etcd".into(),
        "kubectl get pods".into(),
        format!("etcdctl {TLS} member list"),
    ]
}

/// Runs `line` in page mode, letting the page's clock run in `step_ms` steps until it is done.
fn run_page(c: &mut Console, line: &str, step_ms: u64) -> Output {
    let mut out = match c.run_line_in(0, line) {
        Run::Done(o) => return o,
        Run::Streaming(o) => o,
    };
    let start = c.now_ms();
    while c.now_ms() < start + 120_000 {
        for (t, run) in c.poll_tabs(step_ms) {
            if t == 0 {
                out.append(run.output().clone());
                if let Run::Done(_) = run {
                    return out;
                }
            }
        }
    }
    panic!("{line}: still pending: {out:?}");
}

/// The drill's outputs and when each etcd container was created.
fn page_drill(step_ms: u64) -> (Vec<Output>, Vec<u64>) {
    let mut c = Console::new(3, ConsoleOptions::default());
    c.set_page_mode(true);
    let outs = drill().iter().map(|l| run_page(&mut c, l, step_ms)).collect();
    let etcd = c.node().containers().iter().filter(|k| k.name == "etcd").map(|k| k.created_ms).collect();
    (outs, etcd)
}

#[test]
fn on_the_page_the_kubelet_restarts_etcd_on_the_restored_dir() {
    let (outs, etcd) = page_drill(50);
    // Edited at about 6 s, read at the kubelet's check at 20 s.
    assert_eq!(etcd, [0, 20_000]);
    let ps = &outs[5].stdout;
    assert_eq!(ps.lines().count(), 3, "a new etcd container and the exited one:\n{ps}");
    assert!(ps.lines().nth(1).is_some_and(|l| l.contains("Running")), "{ps}");
    assert!(ps.lines().nth(2).is_some_and(|l| l.contains("Exited")), "{ps}");
    assert_eq!(outs[6].stderr, "No resources found in default namespace.\n", "{:?}", outs[6]);
    assert!(
        outs[7].stdout.contains(", started, default, https://localhost:2380, https://127.0.0.1:2379, false"),
        "{:?}",
        outs[7]
    );
    // The page's steps do not change when the kubelet acts.
    let (coarse, coarse_etcd) = page_drill(1_000);
    assert_eq!(coarse_etcd, etcd);
    assert_eq!(coarse[7], outs[7]);
}

#[test]
fn the_drill_in_the_repl() {
    let input: String = drill().iter().map(|l| format!("{l}\n")).collect();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_etcdplay"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("etcdplay runs");
    {
        use std::io::Write;
        child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write");
    }
    let out = child.wait_with_output().expect("etcdplay ends");
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("Snapshot saved at /opt/snap.db"), "{text}");
    assert!(text.contains("pod/after-backup created"), "{text}");
    assert!(text.contains("No resources found in default namespace."), "{text}");
    assert!(
        text.contains(", started, default, https://localhost:2380, https://127.0.0.1:2379, false"),
        "{text}"
    );
    assert!(!text.contains("after-backup   "), "the pod made after the backup is gone:\n{text}");
}

#[test]
fn a_removed_manifest_removes_its_pod_and_a_restored_one_brings_it_back() {
    let mut c = Console::new(1, ConsoleOptions::default());
    let run = |c: &mut Console, l: &str| c.run_to_end(l);
    run(&mut c, "mv /etc/kubernetes/manifests/kube-scheduler.yaml /root/");
    run(&mut c, "sleep 20");
    assert_eq!(run(&mut c, "crictl ps --name kube-scheduler -q").stdout, "");
    // Its mirror pod goes with it.
    run(&mut c, "sleep 1");
    let get = run(&mut c, "kubectl get pod kube-scheduler-controlplane -n kube-system");
    assert_eq!(get.stderr, "Error from server (NotFound): pods \"kube-scheduler-controlplane\" not found\n");
    run(&mut c, "mv /root/kube-scheduler.yaml /etc/kubernetes/manifests/");
    run(&mut c, "sleep 20");
    assert_eq!(run(&mut c, "crictl ps --name kube-scheduler -q").stdout.lines().count(), 1);
    run(&mut c, "sleep 1");
    let get = run(&mut c, "kubectl get pod kube-scheduler-controlplane -n kube-system");
    assert!(get.stdout.contains("Running"), "{get:?}");
    let pods = run(&mut c, "crictl pods --name kube-scheduler");
    assert!(pods.stdout.contains("NotReady") && pods.stdout.contains("Ready"), "{pods:?}");
}

#[test]
fn a_bare_etcd_has_no_node() {
    let mut c = Console::new(1, ConsoleOptions::bare_etcd());
    let ps = c.run_to_end("crictl ps");
    assert_eq!(ps.exit, 1);
    assert!(ps.stderr.starts_with("FATA[0000] validate service connection"), "{ps:?}");
    assert_eq!(c.run_to_end("systemctl status kubelet").stderr, "Unit kubelet.service could not be found.\n");
    assert_eq!(c.run_to_end("ls /etc/kubernetes/manifests").exit, 2);
}

#[test]
fn a_deleted_mirror_pod_comes_back() {
    let mut c = Console::new(1, ConsoleOptions::default());
    let del = c.run_to_end("kubectl delete pod etcd-controlplane -n kube-system");
    assert_eq!(del.stdout, "pod \"etcd-controlplane\" deleted\n", "{del:?}");
    c.run_to_end("sleep 21");
    let get = c.run_to_end("kubectl get pod etcd-controlplane -n kube-system");
    assert!(get.stdout.contains("Running"), "{get:?}");
    // The static pod itself never stopped.
    assert_eq!(c.run_to_end("crictl ps -a --name etcd -q").stdout.lines().count(), 1);
}

#[test]
fn a_restored_cluster_keeps_kube_system_as_the_backup_had_it() {
    let mut c = Console::new(2, ConsoleOptions::default());
    let count = |c: &mut Console| c.run_to_end("kubectl get pods -n kube-system -o name").stdout;
    let before = count(&mut c);
    assert_eq!(before.lines().count(), 9, "{before}");
    c.run_to_end(&format!("etcdctl {TLS} snapshot save /opt/snap.db"));
    c.run_to_end("etcdutl --data-dir /var/lib/etcd-from-backup snapshot restore /opt/snap.db");
    c.run_to_end("sed -i 's|/var/lib/etcd|/var/lib/etcd-from-backup|' /etc/kubernetes/manifests/etcd.yaml");
    c.run_to_end("sleep 40");
    assert_eq!(count(&mut c), before);
}

#[test]
fn a_kubeadm_node_over_plain_http_keeps_its_apiserver() {
    // The page's console: kubeadm's objects and node, etcd over http.
    let mut c = Console::new(1, ConsoleOptions { tls: false, ..ConsoleOptions::default() });
    let cm = c.run_to_end("kubectl create configmap app --from-literal=a=b");
    assert_eq!(cm.stdout, "configmap/app created\n", "{cm:?}");
    c.run_to_end("sleep 100");
    assert_eq!(c.run_to_end("kubectl get cm app -o name").stdout, "configmap/app\n");
    assert_eq!(c.run_to_end("crictl ps -a --name kube-apiserver -q").stdout.lines().count(), 1);
}
