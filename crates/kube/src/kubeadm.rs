//! What `kubeadm init` leaves in etcd besides the apiserver's own objects:
//! the Nodes (a control-plane node and the workers whose kubelets run in
//! [`crate::controllers`]) and the control plane's static pods, mirrored
//! into `kube-system` as Running, so that the seeds' first look at a
//! cluster works:
//!
//! ```text
//!   kubectl get nodes                          controlplane (control-plane), node-1, node-2
//!   kubectl get pods -n kube-system | grep etcd     etcd-controlplane   1/1   Running
//!   /registry/minions/controlplane
//!   /registry/pods/kube-system/etcd-controlplane
//! ```
//!
//! The etcd pod stands for the playground's cluster as a kubeadm user sees
//! it: its flags are kubeadm's (certificates under /etc/kubernetes/pki/etcd),
//! its member name is the first member's. The pods are mirrors: no kubelet
//! of the playground moves them, they are Running from the start.

use serde_json::{Value, json};

use crate::controllers::kubelet::{KUBELET_VERSION, node_object, node_with_ip};

/// The control-plane node's name (as on the CKA exam's kubeadm clusters).
pub const CONTROL_PLANE: &str = "controlplane";

/// The control-plane node's address.
pub const CONTROL_PLANE_IP: &str = "172.18.0.10";

/// The control-plane Node: Ready, labelled and tainted as kubeadm does.
pub fn control_plane_node(ts: &str) -> Value {
    let mut node = node_with_ip(CONTROL_PLANE, CONTROL_PLANE_IP, "10.244.0.0/24".to_string(), ts);
    if let Some(labels) = node.pointer_mut("/metadata/labels").and_then(Value::as_object_mut) {
        labels.insert("node-role.kubernetes.io/control-plane".into(), json!(""));
        labels.insert("node.kubernetes.io/exclude-from-external-load-balancers".into(), json!(""));
    }
    if let Some(spec) = node.get_mut("spec").and_then(Value::as_object_mut) {
        spec.insert(
            "taints".into(),
            json!([{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]),
        );
    }
    node
}

/// A static pod of the control plane, mirrored as Running since `ts`.
fn static_pod(component: &str, image: &str, command: &[String], ts: &str) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": format!("{component}-{CONTROL_PLANE}"),
            "namespace": "kube-system",
            "labels": {"component": component, "tier": "control-plane"},
            "annotations": {
                "kubernetes.io/config.source": "file",
                "kubernetes.io/config.mirror": format!("{component}-{CONTROL_PLANE}"),
            },
            "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": CONTROL_PLANE, "controller": true}],
        },
        "spec": {
            "nodeName": CONTROL_PLANE,
            "hostNetwork": true,
            "priorityClassName": "system-node-critical",
            "priority": 2000001000,
            "restartPolicy": "Always",
            "tolerations": [{"operator": "Exists", "effect": "NoExecute"}],
            "containers": [{"name": component, "image": image, "command": command, "imagePullPolicy": "IfNotPresent"}],
        },
        "status": {
            "phase": "Running",
            "hostIP": CONTROL_PLANE_IP,
            "podIP": CONTROL_PLANE_IP,
            "startTime": ts,
            "qosClass": "Burstable",
            "conditions": [
                {"type": "Initialized", "status": "True", "lastProbeTime": null, "lastTransitionTime": ts},
                {"type": "Ready", "status": "True", "lastProbeTime": null, "lastTransitionTime": ts},
                {"type": "ContainersReady", "status": "True", "lastProbeTime": null, "lastTransitionTime": ts},
                {"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": ts}
            ],
            "containerStatuses": [{"name": component, "image": image, "imageID": "", "ready": true,
                "restartCount": 0, "started": true, "state": {"running": {"startedAt": ts}}}],
        }
    })
}

fn flags(bin: &str, flags: &[(&str, &str)]) -> Vec<String> {
    std::iter::once(bin.to_string()).chain(flags.iter().map(|(k, v)| format!("--{k}={v}"))).collect()
}

/// The control plane's static pods: etcd, kube-apiserver,
/// kube-controller-manager and kube-scheduler, with kubeadm's flags.
pub fn static_pods(ts: &str) -> Vec<Value> {
    let etcd = flags(
        "etcd",
        &[
            ("advertise-client-urls", "https://127.0.0.1:2379"),
            ("cert-file", "/etc/kubernetes/pki/etcd/server.crt"),
            ("client-cert-auth", "true"),
            ("data-dir", "/var/lib/etcd"),
            ("key-file", "/etc/kubernetes/pki/etcd/server.key"),
            ("listen-client-urls", "https://127.0.0.1:2379"),
            ("name", "etcd-1"),
            ("peer-cert-file", "/etc/kubernetes/pki/etcd/peer.crt"),
            ("peer-key-file", "/etc/kubernetes/pki/etcd/peer.key"),
            ("snapshot-count", "10000"),
            ("trusted-ca-file", "/etc/kubernetes/pki/etcd/ca.crt"),
        ],
    );
    let apiserver = flags(
        "kube-apiserver",
        &[
            ("advertise-address", CONTROL_PLANE_IP),
            ("etcd-cafile", "/etc/kubernetes/pki/etcd/ca.crt"),
            ("etcd-certfile", "/etc/kubernetes/pki/apiserver-etcd-client.crt"),
            ("etcd-keyfile", "/etc/kubernetes/pki/apiserver-etcd-client.key"),
            ("etcd-servers", "https://127.0.0.1:2379"),
            ("service-cluster-ip-range", "10.96.0.0/12"),
            ("tls-cert-file", "/etc/kubernetes/pki/apiserver.crt"),
        ],
    );
    let cm = flags(
        "kube-controller-manager",
        &[("cluster-cidr", "10.244.0.0/16"), ("kubeconfig", "/etc/kubernetes/controller-manager.conf")],
    );
    let sched = flags("kube-scheduler", &[("kubeconfig", "/etc/kubernetes/scheduler.conf")]);
    let k8s = |c: &str| format!("registry.k8s.io/{c}:{KUBELET_VERSION}");
    vec![
        static_pod("etcd", "registry.k8s.io/etcd:3.5.12-0", &etcd, ts),
        static_pod("kube-apiserver", &k8s("kube-apiserver"), &apiserver, ts),
        static_pod("kube-controller-manager", &k8s("kube-controller-manager"), &cm, ts),
        static_pod("kube-scheduler", &k8s("kube-scheduler"), &sched, ts),
    ]
}

/// Everything `kubeadm init` and the workers' joins leave, in creation
/// order: the Nodes first, then the static pods.
pub fn objects(workers: &[String], ts: &str) -> Vec<Value> {
    let mut out = vec![control_plane_node(ts)];
    out.extend(workers.iter().enumerate().map(|(i, w)| node_object(i, w, ts)));
    out.extend(static_pods(ts));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_plane_is_tainted_and_labelled() {
        let n = control_plane_node("2025-01-01T00:00:00Z");
        assert_eq!(n.pointer("/metadata/labels/node-role.kubernetes.io~1control-plane"), Some(&json!("")));
        assert_eq!(n.pointer("/spec/taints/0/effect"), Some(&json!("NoSchedule")));
    }

    #[test]
    fn objects_are_nodes_then_static_pods() {
        let objs = objects(&["node-1".to_string()], "2025-01-01T00:00:00Z");
        let names: Vec<&str> =
            objs.iter().filter_map(|o| o.pointer("/metadata/name").and_then(Value::as_str)).collect();
        assert_eq!(
            names,
            [
                "controlplane",
                "node-1",
                "etcd-controlplane",
                "kube-apiserver-controlplane",
                "kube-controller-manager-controlplane",
                "kube-scheduler-controlplane"
            ]
        );
    }
}
