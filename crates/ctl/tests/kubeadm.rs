//! The playground opens on a kubeadm cluster (ConsoleOptions::default):
//! what a learner's first commands show, the same in every run of a seed;
//! `cluster reset --storage protobuf` stores the objects as a real
//! apiserver does and `--bare` gives etcd alone.

use ctl::{Console, ConsoleOptions};

/// Runs `line`; its `etcdctl` carries kubeadm's certificate flags, as on
/// the node (etcd serves TLS with client-certificate auth).
fn run(c: &mut Console, line: &str) -> ctl::Output {
    c.run_to_end(&line.replacen("etcdctl ", &format!("etcdctl{} ", ctl::pki::ETCDCTL_FLAGS), 1))
}

#[test]
fn a_fresh_playground_is_a_kubeadm_cluster() {
    let mut c = Console::new(1, ConsoleOptions::default());
    let keys = run(&mut c, "etcdctl get / --prefix --keys-only | grep -v '^$' | wc -l");
    assert_eq!(keys.stdout, "340\n");
    let pods = run(&mut c, "kubectl get pods -n kube-system -o name | grep controlplane");
    assert_eq!(
        pods.stdout,
        "pod/etcd-controlplane\npod/kube-apiserver-controlplane\npod/kube-controller-manager-controlplane\npod/kube-scheduler-controlplane\n"
    );
    let lease = run(&mut c, "etcdctl get /registry/leases/kube-node-lease/controlplane --print-value-only");
    assert!(
        lease.stdout.starts_with("{\"kind\":\"Lease\",\"apiVersion\":\"coordination.k8s.io/v1\""),
        "{lease:?}"
    );
    // The renewals are there for a watch to see.
    let w = run(&mut c, "timeout 3 etcdctl watch /registry/leases/kube-system/kube-scheduler");
    assert_eq!(w.stdout.matches("PUT\n").count(), 1, "{w:?}");
}

#[test]
fn the_same_seed_opens_the_same_cluster() {
    let dump = |seed| {
        let mut c = Console::new(seed, ConsoleOptions::default());
        run(&mut c, "sleep 5s");
        run(&mut c, "etcdctl get / --prefix -w json").stdout
    };
    assert_eq!(dump(4), dump(4));
}

#[test]
fn reset_chooses_protobuf_json_or_bare_etcd() {
    let mut c = Console::new(2, ConsoleOptions::default());
    assert_eq!(run(&mut c, "cluster reset --storage protobuf").exit, 0);
    let ns = run(&mut c, "etcdctl get /registry/namespaces/default --print-value-only");
    assert!(ns.stdout.starts_with("k8s\0\n\u{f}\n\u{2}v1\u{12}\tNamespace"), "{ns:?}");
    assert!(run(&mut c, "kubectl get ns default").stdout.contains("Active"));
    run(&mut c, "kubectl create configmap pb --from-literal=a=b");
    let cm = run(&mut c, "etcdctl get /registry/configmaps/default/pb --print-value-only");
    assert!(cm.stdout.starts_with("k8s\0"), "{cm:?}");
    let yaml = run(&mut c, "kubectl get cm pb -o yaml");
    assert!(yaml.stdout.starts_with("apiVersion: v1\ndata:\n  a: b\nkind: ConfigMap\n"), "{yaml:?}");
    assert_eq!(run(&mut c, "cluster reset --storage json").exit, 0);
    let ns = run(&mut c, "etcdctl get /registry/namespaces/default --print-value-only");
    assert!(ns.stdout.starts_with("{\"kind\":\"Namespace\""), "{ns:?}");
    assert_eq!(run(&mut c, "cluster reset --bare").exit, 0);
    assert_eq!(run(&mut c, "etcdctl get / --prefix --keys-only").stdout, "");
    let bad = run(&mut c, "cluster reset --storage xml");
    assert_eq!((bad.stderr.as_str(), bad.exit), ("cluster: --storage takes json or protobuf\n", 1));
}
