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
    /// The first member of `sim` as a kubeadm node runs it (https URLs);
    /// a single `etcd-1` at 127.0.0.1 when the sim has none.
    pub fn of(sim: &sim::Sim) -> EtcdMember {
        let https = |u: &str| u.replacen("http://", "https://", 1);
        let first = sim.member_id(1).and_then(|id| sim.node(id));
        let Some(node) = first else {
            return EtcdMember {
                name: "etcd-1".into(),
                client_url: "https://127.0.0.1:2379".into(),
                peer_url: "https://127.0.0.1:2380".into(),
                initial_cluster: "etcd-1=https://127.0.0.1:2380".into(),
                etcd_servers: "https://127.0.0.1:2379".into(),
                external: false,
            };
        };
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

fn command(bin: &str, flags: &[(&str, &str)]) -> Value {
    let mut v = vec![bin.to_string()];
    v.extend(flags.iter().map(|(k, val)| format!("--{k}={val}")));
    json!(v)
}

fn host_path(name: &str, path: &str, kind: &str) -> Value {
    json!({"hostPath": {"path": path, "type": kind}, "name": name})
}

fn mount(name: &str, path: &str, read_only: bool) -> Value {
    if read_only {
        json!({"mountPath": path, "name": name, "readOnly": true})
    } else {
        json!({"mountPath": path, "name": name})
    }
}

fn probe(host: &str, path: &str, port: u16, scheme: &str, failures: u32) -> Value {
    json!({"failureThreshold": failures,
        "httpGet": {"host": host, "path": path, "port": port, "scheme": scheme},
        "initialDelaySeconds": 10, "periodSeconds": 10, "timeoutSeconds": 15})
}

/// The CA bundles every control-plane component but etcd mounts read-only.
fn ca_volumes() -> (Vec<Value>, Vec<Value>) {
    let dirs = [
        ("ca-certs", "/etc/ssl/certs"),
        ("etc-ca-certificates", "/etc/ca-certificates"),
        ("k8s-certs", "/etc/kubernetes/pki"),
        ("usr-local-share-ca-certificates", "/usr/local/share/ca-certificates"),
        ("usr-share-ca-certificates", "/usr/share/ca-certificates"),
    ];
    let volumes = dirs.iter().map(|(n, p)| host_path(n, p, "DirectoryOrCreate")).collect();
    let mounts = dirs.iter().map(|(n, p)| mount(n, p, true)).collect();
    (volumes, mounts)
}

/// A static pod as kubeadm writes it.
fn pod(component: &str, annotations: Value, container: Value, volumes: Vec<Value>) -> Value {
    let mut meta = json!({"creationTimestamp": null, "labels": {"component": component, "tier": "control-plane"},
        "name": component, "namespace": "kube-system"});
    if annotations.as_object().is_some_and(|a| !a.is_empty()) {
        meta["annotations"] = annotations;
    }
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta,
        "spec": {"containers": [container], "hostNetwork": true, "priority": 2000001000,
            "priorityClassName": "system-node-critical",
            "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}, "volumes": volumes},
        "status": {}})
}

fn etcd(m: &EtcdMember) -> Value {
    let client = format!("{},https://{CONTROL_PLANE_IP}:2379", m.client_url);
    let flags = command(
        "etcd",
        &[
            ("advertise-client-urls", &m.client_url),
            ("cert-file", "/etc/kubernetes/pki/etcd/server.crt"),
            ("client-cert-auth", "true"),
            ("data-dir", ETCD_DATA_DIR),
            ("experimental-initial-corrupt-check", "true"),
            ("experimental-watch-progress-notify-interval", "5s"),
            ("initial-advertise-peer-urls", &m.peer_url),
            ("initial-cluster", &m.initial_cluster),
            ("key-file", "/etc/kubernetes/pki/etcd/server.key"),
            ("listen-client-urls", &client),
            ("listen-metrics-urls", "http://127.0.0.1:2381"),
            ("listen-peer-urls", &m.peer_url),
            ("name", &m.name),
            ("peer-cert-file", "/etc/kubernetes/pki/etcd/peer.crt"),
            ("peer-client-cert-auth", "true"),
            ("peer-key-file", "/etc/kubernetes/pki/etcd/peer.key"),
            ("peer-trusted-ca-file", "/etc/kubernetes/pki/etcd/ca.crt"),
            ("snapshot-count", "10000"),
            ("trusted-ca-file", "/etc/kubernetes/pki/etcd/ca.crt"),
        ],
    );
    let container = json!({"command": flags, "image": ETCD_IMAGE, "imagePullPolicy": "IfNotPresent",
        "livenessProbe": probe("127.0.0.1", "/health?exclude=NOSPACE&serializable=true", 2381, "HTTP", 8),
        "name": "etcd", "resources": {"requests": {"cpu": "100m", "memory": "100Mi"}},
        "startupProbe": probe("127.0.0.1", "/health?serializable=false", 2381, "HTTP", 24),
        "volumeMounts": [mount("etcd-data", ETCD_DATA_DIR, false), mount("etcd-certs", "/etc/kubernetes/pki/etcd", false)]});
    let volumes = vec![
        host_path("etcd-certs", "/etc/kubernetes/pki/etcd", "DirectoryOrCreate"),
        host_path("etcd-data", ETCD_DATA_DIR, "DirectoryOrCreate"),
    ];
    pod("etcd", json!({"kubeadm.kubernetes.io/etcd.advertise-client-urls": m.client_url}), container, volumes)
}

fn apiserver(m: &EtcdMember) -> Value {
    let flags = command(
        "kube-apiserver",
        &[
            ("advertise-address", CONTROL_PLANE_IP),
            ("allow-privileged", "true"),
            ("authorization-mode", "Node,RBAC"),
            ("client-ca-file", "/etc/kubernetes/pki/ca.crt"),
            ("enable-admission-plugins", "NodeRestriction"),
            ("enable-bootstrap-token-auth", "true"),
            ("etcd-cafile", "/etc/kubernetes/pki/etcd/ca.crt"),
            ("etcd-certfile", "/etc/kubernetes/pki/apiserver-etcd-client.crt"),
            ("etcd-keyfile", "/etc/kubernetes/pki/apiserver-etcd-client.key"),
            ("etcd-servers", &m.etcd_servers),
            ("kubelet-client-certificate", "/etc/kubernetes/pki/apiserver-kubelet-client.crt"),
            ("kubelet-client-key", "/etc/kubernetes/pki/apiserver-kubelet-client.key"),
            ("kubelet-preferred-address-types", "InternalIP,ExternalIP,Hostname"),
            ("proxy-client-cert-file", "/etc/kubernetes/pki/front-proxy-client.crt"),
            ("proxy-client-key-file", "/etc/kubernetes/pki/front-proxy-client.key"),
            ("requestheader-allowed-names", "front-proxy-client"),
            ("requestheader-client-ca-file", "/etc/kubernetes/pki/front-proxy-ca.crt"),
            ("requestheader-extra-headers-prefix", "X-Remote-Extra-"),
            ("requestheader-group-headers", "X-Remote-Group"),
            ("requestheader-username-headers", "X-Remote-User"),
            ("secure-port", "6443"),
            ("service-account-issuer", "https://kubernetes.default.svc.cluster.local"),
            ("service-account-key-file", "/etc/kubernetes/pki/sa.pub"),
            ("service-account-signing-key-file", "/etc/kubernetes/pki/sa.key"),
            ("service-cluster-ip-range", "10.96.0.0/12"),
            ("tls-cert-file", "/etc/kubernetes/pki/apiserver.crt"),
            ("tls-private-key-file", "/etc/kubernetes/pki/apiserver.key"),
        ],
    );
    let (volumes, mounts) = ca_volumes();
    let mut readiness = probe(CONTROL_PLANE_IP, "/readyz", 6443, "HTTPS", 3);
    readiness["periodSeconds"] = json!(1);
    readiness.as_object_mut().map(|o| o.remove("initialDelaySeconds"));
    let container = json!({"command": flags, "image": format!("registry.k8s.io/kube-apiserver:{KUBELET_VERSION}"),
        "imagePullPolicy": "IfNotPresent", "livenessProbe": probe(CONTROL_PLANE_IP, "/livez", 6443, "HTTPS", 8),
        "name": "kube-apiserver", "readinessProbe": readiness, "resources": {"requests": {"cpu": "250m"}},
        "startupProbe": probe(CONTROL_PLANE_IP, "/livez", 6443, "HTTPS", 24), "volumeMounts": mounts});
    let endpoint = format!("{CONTROL_PLANE_IP}:6443");
    pod(
        "kube-apiserver",
        json!({"kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint": endpoint}),
        container,
        volumes,
    )
}

fn controller_manager() -> Value {
    let conf = "/etc/kubernetes/controller-manager.conf";
    let flags = command(
        "kube-controller-manager",
        &[
            ("allocate-node-cidrs", "true"),
            ("authentication-kubeconfig", conf),
            ("authorization-kubeconfig", conf),
            ("bind-address", "127.0.0.1"),
            ("client-ca-file", "/etc/kubernetes/pki/ca.crt"),
            ("cluster-cidr", "10.244.0.0/16"),
            ("cluster-name", "kubernetes"),
            ("cluster-signing-cert-file", "/etc/kubernetes/pki/ca.crt"),
            ("cluster-signing-key-file", "/etc/kubernetes/pki/ca.key"),
            ("controllers", "*,bootstrapsigner,tokencleaner"),
            ("kubeconfig", conf),
            ("leader-elect", "true"),
            ("requestheader-client-ca-file", "/etc/kubernetes/pki/front-proxy-ca.crt"),
            ("root-ca-file", "/etc/kubernetes/pki/ca.crt"),
            ("service-account-private-key-file", "/etc/kubernetes/pki/sa.key"),
            ("service-cluster-ip-range", "10.96.0.0/12"),
            ("use-service-account-credentials", "true"),
        ],
    );
    let (mut volumes, mut mounts) = ca_volumes();
    let flex = "/usr/libexec/kubernetes/kubelet-plugins/volume/exec";
    volumes.insert(2, host_path("flexvolume-dir", flex, "DirectoryOrCreate"));
    mounts.insert(2, mount("flexvolume-dir", flex, false));
    volumes.insert(4, host_path("kubeconfig", conf, "FileOrCreate"));
    mounts.insert(4, mount("kubeconfig", conf, true));
    let container = json!({"command": flags,
        "image": format!("registry.k8s.io/kube-controller-manager:{KUBELET_VERSION}"),
        "imagePullPolicy": "IfNotPresent", "livenessProbe": probe("127.0.0.1", "/healthz", 10257, "HTTPS", 8),
        "name": "kube-controller-manager", "resources": {"requests": {"cpu": "200m"}},
        "startupProbe": probe("127.0.0.1", "/healthz", 10257, "HTTPS", 24), "volumeMounts": mounts});
    pod("kube-controller-manager", json!({}), container, volumes)
}

fn scheduler() -> Value {
    let conf = "/etc/kubernetes/scheduler.conf";
    let flags = command(
        "kube-scheduler",
        &[
            ("authentication-kubeconfig", conf),
            ("authorization-kubeconfig", conf),
            ("bind-address", "127.0.0.1"),
            ("kubeconfig", conf),
            ("leader-elect", "true"),
        ],
    );
    let container = json!({"command": flags, "image": format!("registry.k8s.io/kube-scheduler:{KUBELET_VERSION}"),
        "imagePullPolicy": "IfNotPresent", "livenessProbe": probe("127.0.0.1", "/healthz", 10259, "HTTPS", 8),
        "name": "kube-scheduler", "resources": {"requests": {"cpu": "100m"}},
        "startupProbe": probe("127.0.0.1", "/healthz", 10259, "HTTPS", 24),
        "volumeMounts": [mount("kubeconfig", conf, true)]});
    pod("kube-scheduler", json!({}), container, vec![host_path("kubeconfig", conf, "FileOrCreate")])
}

/// The four manifests kubeadm writes, by file name, in the order the
/// kubelet lists the directory.
pub fn manifests(etcd_member: &EtcdMember) -> Vec<(&'static str, Value)> {
    let mut out = vec![
        ("etcd.yaml", etcd(etcd_member)),
        ("kube-apiserver.yaml", apiserver(etcd_member)),
        ("kube-controller-manager.yaml", controller_manager()),
        ("kube-scheduler.yaml", scheduler()),
    ];
    if etcd_member.external {
        out.remove(0);
    }
    out
}

/// A manifest's text as kubeadm writes the file.
pub fn manifest_yaml(pod: &Value) -> String {
    crate::yaml_emit::to_yaml(pod)
}

/// The kubelet's hash of a static pod's file (`kubernetes.io/config.hash`):
/// 32 hex digits that change with the file.
pub fn config_hash(text: &str) -> String {
    let h = |seed: u64| text.bytes().fold(seed, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    format!("{:016x}{:016x}", h(0xcbf2_9ce4_8422_2325), h(0x8422_2325_cbf2_9ce4))
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
        m.insert("namespace".into(), json!("kube-system"));
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

    fn member() -> EtcdMember {
        EtcdMember {
            name: "etcd-1".into(),
            client_url: "https://127.0.0.1:2379".into(),
            peer_url: "https://127.0.0.1:2380".into(),
            initial_cluster: "etcd-1=https://127.0.0.1:2380".into(),
            etcd_servers: "https://127.0.0.1:2379".into(),
            external: false,
        }
    }

    #[test]
    fn etcd_yaml_reads_as_kubeadm_writes_it() {
        let ms = manifests(&member());
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
    fn a_mirror_pod_is_its_manifest_on_the_node() {
        let ms = manifests(&member());
        let yaml = manifest_yaml(&ms[1].1);
        let pod = mirror_pod(&ms[1].1, &config_hash(&yaml), "2025-01-01T00:00:00Z", 2);
        assert_eq!(pod.pointer("/metadata/name"), Some(&json!("kube-apiserver-controlplane")));
        assert_eq!(pod.pointer("/spec/containers/0/command"), ms[1].1.pointer("/spec/containers/0/command"));
        assert_eq!(pod.pointer("/status/containerStatuses/0/restartCount"), Some(&json!(2)));
        assert_ne!(config_hash("a"), config_hash("b"));
    }
}
