//! The control plane's static pod manifests as `kubeadm init` (v1.30)
//! writes them into `/etc/kubernetes/manifests`, and the mirror pods the
//! kubelet makes of them in `kube-system`: one source for both, so the
//! file a learner edits and the pod `kubectl get pod etcd-controlplane -o
//! yaml` shows never disagree.
//!
//! ```text
//!   manifests(&etcd)           [("etcd.yaml", Pod), ("kube-apiserver.yaml", Pod), ...]
//!   manifest_yaml(&pod)        the file's text (sigs.k8s.io/yaml: keys sorted, status: {})
//!   mirror_pod(&pod, hash, ts) etcd-controlplane: nodeName, config.* annotations, Running
//! ```
//!
//! As kubeadm's `etcd/local.go` and `controlplane/manifests.go`: flags
//! sorted, certificates under /etc/kubernetes/pki, hostPath volumes
//! (`etcd-data` at /var/lib/etcd, `etcd-certs` at /etc/kubernetes/pki/etcd),
//! probes on the health ports. The etcd member is the playground's first
//! member (its name and URLs), served over https.

use serde_json::{Value, json};

use super::{CONTROL_PLANE, CONTROL_PLANE_IP, running_pod};
use crate::controllers::kubelet::KUBELET_VERSION;

/// etcd's image in kubeadm v1.30.
pub const ETCD_IMAGE: &str = "registry.k8s.io/etcd:3.5.12-0";

/// Where kubeadm puts etcd's data (`etcd-data`'s hostPath and `--data-dir`).
pub const ETCD_DATA_DIR: &str = "/var/lib/etcd";

/// The directory the kubelet reads static pods from.
pub const MANIFEST_DIR: &str = "/etc/kubernetes/manifests";

/// The etcd member a manifest describes: its name and URLs (https), and
/// the cluster it was started in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EtcdMember {
    /// `--name`.
    pub name: String,
    /// Its client URL (`https://127.0.0.1:2379`).
    pub client_url: String,
    /// Its peer URL (`https://127.0.0.1:2380`).
    pub peer_url: String,
    /// `--initial-cluster`: `name=peerURL` of every member, comma-separated.
    pub initial_cluster: String,
    /// The apiserver's `--etcd-servers`: the member's client URL, or every
    /// member's for an external etcd.
    pub etcd_servers: String,
    /// etcd runs outside the control plane (under systemd): kubeadm writes
    /// no etcd manifest.
    pub external: bool,
}

impl EtcdMember {
    /// A single `etcd-1` at 127.0.0.1, as kubeadm's one-node cluster runs it.
    pub fn lone() -> EtcdMember {
        EtcdMember {
            name: "etcd-1".into(),
            client_url: "https://127.0.0.1:2379".into(),
            peer_url: "https://127.0.0.1:2380".into(),
            initial_cluster: "etcd-1=https://127.0.0.1:2380".into(),
            etcd_servers: "https://127.0.0.1:2379".into(),
            external: false,
        }
    }

    /// The first member of `sim` as a kubeadm node runs it (https URLs);
    /// a single `etcd-1` at 127.0.0.1 when the sim has none.
    pub fn of(sim: &sim::Sim) -> EtcdMember {
        let https = |u: &str| u.replacen("http://", "https://", 1);
        let first = sim.member_id(1).and_then(|id| sim.node(id));
        let Some(node) = first else { return EtcdMember::lone() };
        let cfg = &node.config;
        let me = cfg.initial_cluster.iter().find(|p| p.id == cfg.id);
        let peer =
            me.and_then(|p| p.peer_urls.first()).cloned().unwrap_or_else(|| "http://127.0.0.1:2380".into());
        let client =
            me.and_then(|p| p.client_urls.first()).cloned().unwrap_or_else(|| peer.replace(":2380", ":2379"));
        let initial_cluster = cfg
            .initial_cluster
            .iter()
            .filter(|p| !p.is_learner)
            .filter_map(|p| Some(format!("{}={}", p.name, https(p.peer_urls.first()?))))
            .collect::<Vec<_>>()
            .join(",");
        let client_url = https(&client);
        EtcdMember {
            name: cfg.name.clone(),
            etcd_servers: client_url.clone(),
            client_url,
            peer_url: https(&peer),
            initial_cluster,
            external: false,
        }
    }

    /// An external etcd: the apiserver reaches every member of `sim`.
    pub fn external(sim: &sim::Sim) -> EtcdMember {
        let mut m = EtcdMember::of(sim);
        // In member order (etcd-1, etcd-2, ...), as the cluster was set up.
        let servers: Vec<String> = (1..=sim.member_ids().len() as u64)
            .filter_map(|n| sim.member_id(n))
            .filter_map(|id| {
                let cfg = &sim.node(id)?.config;
                let me = cfg.initial_cluster.iter().find(|p| p.id == id)?;
                let url = me
                    .client_urls
                    .first()
                    .cloned()
                    .or_else(|| me.peer_urls.first().map(|u| u.replace(":2380", ":2379")))?;
                Some(url.replacen("http://", "https://", 1))
            })
            .collect();
        if !servers.is_empty() {
            m.etcd_servers = servers.join(",");
        }
        m.external = true;
        m
    }
}

/// The manifests as kubeadm v1.30 writes them (its `etcd/local.go` and
/// `controlplane/manifests.go`, keys sorted as sigs.k8s.io/yaml writes
/// them), the member's values as `__NAME__`, `__CLIENT__`, `__PEER__`,
/// `__CLUSTER__`, `__SERVERS__`, the node's as `__IP__` and `__VERSION__`.
/// Text rather than code: the wasm carries the YAML reader anyway.
const TEMPLATES: [(&str, &str); 4] = [
    ("etcd.yaml", include_str!("manifests/etcd.yaml")),
    ("kube-apiserver.yaml", include_str!("manifests/kube-apiserver.yaml")),
    ("kube-controller-manager.yaml", include_str!("manifests/kube-controller-manager.yaml")),
    ("kube-scheduler.yaml", include_str!("manifests/kube-scheduler.yaml")),
];

fn fill(template: &str, m: &EtcdMember) -> Value {
    let text = template
        .replace("__NAME__", &m.name)
        .replace("__CLIENT__", &m.client_url)
        .replace("__PEER__", &m.peer_url)
        .replace("__CLUSTER__", &m.initial_cluster)
        .replace("__SERVERS__", &m.etcd_servers)
        .replace("__IP__", CONTROL_PLANE_IP)
        .replace("__VERSION__", KUBELET_VERSION);
    // The templates are ours and a test reads each one.
    crate::yaml::parse_document(&text).ok().flatten().unwrap_or(Value::Null)
}

/// The four manifests kubeadm writes, by file name, in the order the
/// kubelet lists the directory.
pub fn manifests(etcd_member: &EtcdMember) -> Vec<(&'static str, Value)> {
    TEMPLATES
        .iter()
        .filter(|(file, _)| !(etcd_member.external && *file == "etcd.yaml"))
        .map(|(file, t)| (*file, fill(t, etcd_member)))
        .collect()
}

/// A manifest's text as kubeadm writes the file.
pub fn manifest_yaml(pod: &Value) -> String {
    crate::yaml_emit::to_yaml(pod)
}

/// The kubelet's hash of a static pod's file (`kubernetes.io/config.hash`):
/// 32 hex digits that change with the file.
pub fn config_hash(text: &str) -> String {
    let h = |seed: u64| slim::fnv1a(seed, text.as_bytes());
    format!("{:016x}{:016x}", h(slim::FNV_OFFSET), h(0x8422_2325_cbf2_9ce4))
}

/// The mirror pod of static pod `manifest` (any pod the kubelet read from
/// a file): named after the node, the config annotations carrying `hash`,
/// owned by the Node, Running since `ts` with `restarts` restarts.
pub fn mirror_pod(manifest: &Value, hash: &str, ts: &str, restarts: u64) -> Value {
    let component = manifest.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("static");
    let name = format!("{component}-{CONTROL_PLANE}");
    let mut meta = manifest.get("metadata").cloned().unwrap_or_else(|| json!({}));
    if let Some(m) = meta.as_object_mut() {
        m.remove("creationTimestamp");
        m.insert("name".into(), json!(name));
        // A static pod without a namespace is in `default`, as the kubelet has it.
        let ns = m.get("namespace").and_then(Value::as_str).filter(|n| !n.is_empty()).unwrap_or("default");
        m.insert("namespace".into(), json!(ns));
        let mut annotations = m.get("annotations").cloned().unwrap_or_else(|| json!({}));
        annotations["kubernetes.io/config.hash"] = json!(hash);
        annotations["kubernetes.io/config.mirror"] = json!(hash);
        annotations["kubernetes.io/config.seen"] = json!(ts);
        annotations["kubernetes.io/config.source"] = json!("file");
        m.insert("annotations".into(), annotations);
        m.insert(
            "ownerReferences".into(),
            json!([{"apiVersion": "v1", "kind": "Node", "name": CONTROL_PLANE, "controller": true}]),
        );
    }
    let mut spec = manifest.get("spec").cloned().unwrap_or_else(|| json!({}));
    spec["nodeName"] = json!(CONTROL_PLANE);
    spec["restartPolicy"] = json!("Always");
    spec["tolerations"] = json!([{"operator": "Exists", "effect": "NoExecute"}]);
    let mut pod = running_pod(meta, spec, CONTROL_PLANE_IP, ts, "Burstable");
    if let Some(statuses) = pod.pointer_mut("/status/containerStatuses").and_then(Value::as_array_mut) {
        for s in statuses {
            s["restartCount"] = json!(restarts);
        }
    }
    pod
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etcd_yaml_reads_as_kubeadm_writes_it() {
        let ms = manifests(&EtcdMember::lone());
        let text = manifest_yaml(&ms[0].1);
        assert!(text.starts_with("apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n    kubeadm.kubernetes.io/etcd.advertise-client-urls: https://127.0.0.1:2379\n  creationTimestamp: null\n"), "{text}");
        for line in [
            "    - --data-dir=/var/lib/etcd\n",
            "    image: registry.k8s.io/etcd:3.5.12-0\n",
            "  - hostPath:\n      path: /var/lib/etcd\n      type: DirectoryOrCreate\n    name: etcd-data\n",
            "    - mountPath: /etc/kubernetes/pki/etcd\n      name: etcd-certs\n",
        ] {
            assert!(text.contains(line), "{line} in\n{text}");
        }
        assert!(text.ends_with("status: {}\n"), "{text}");
        // It reads back as the same pod.
        let back = crate::yaml::parse_document(&text).unwrap().unwrap();
        assert_eq!(back, ms[0].1);
    }

    #[test]
    fn every_template_reads_as_a_pod() {
        for (file, pod) in manifests(&EtcdMember::lone()) {
            assert_eq!(pod["kind"], "Pod", "{file}");
            assert!(!manifest_yaml(&pod).contains("__"), "{file}: a placeholder left");
        }
    }

    #[test]
    fn a_mirror_pod_is_its_manifest_on_the_node() {
        let ms = manifests(&EtcdMember::lone());
        let yaml = manifest_yaml(&ms[1].1);
        let pod = mirror_pod(&ms[1].1, &config_hash(&yaml), "2025-01-01T00:00:00Z", 2);
        assert_eq!(pod.pointer("/metadata/name"), Some(&json!("kube-apiserver-controlplane")));
        assert_eq!(pod.pointer("/spec/containers/0/command"), ms[1].1.pointer("/spec/containers/0/command"));
        assert_eq!(pod.pointer("/status/containerStatuses/0/restartCount"), Some(&json!(2)));
        assert_ne!(config_hash("a"), config_hash("b"));
    }
}
