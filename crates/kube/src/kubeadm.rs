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
//! its member name is the first member's. The pods are the mirrors of the
//! manifests in `manifests.rs`; the console's kubelet (crates/ctl's
//! `node`) writes them again when it restarts a pod.

pub mod addons;
pub mod manifests;
pub mod rbac;
pub mod system;

use serde_json::{Value, json};

use crate::controllers::kubelet::{node_object, node_with_ip};
use crate::meta::Rng;

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

/// A pod as its kubelet reports it once it runs: `meta` and `spec` as
/// stored, Running and Ready since `ts` at `ip`.
pub(crate) fn running_pod(meta: Value, spec: Value, ip: &str, ts: &str, qos: &str) -> Value {
    let statuses: Vec<Value> = spec
        .get("containers")
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .map(|c| {
                    let image = c.get("image").cloned().unwrap_or(json!(""));
                    json!({"name": c.get("name").cloned().unwrap_or(json!("")), "image": image.clone(),
                        "imageID": format!("{}@sha256:playground", image.as_str().unwrap_or("")),
                        "ready": true, "restartCount": 0, "started": true, "state": {"running": {"startedAt": ts}}})
                })
                .collect()
        })
        .unwrap_or_default();
    let host_ip = if spec.get("hostNetwork") == Some(&json!(true)) { ip } else { CONTROL_PLANE_IP };
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta,
        "spec": spec,
        "status": {
            "phase": "Running",
            "hostIP": host_ip,
            "hostIPs": [{"ip": host_ip}],
            "podIP": ip,
            "podIPs": [{"ip": ip}],
            "startTime": ts,
            "qosClass": qos,
            "conditions": [
                {"type": "PodReadyToStartContainers", "status": "True", "lastProbeTime": null, "lastTransitionTime": ts},
                {"type": "Initialized", "status": "True", "lastProbeTime": null, "lastTransitionTime": ts},
                {"type": "Ready", "status": "True", "lastProbeTime": null, "lastTransitionTime": ts},
                {"type": "ContainersReady", "status": "True", "lastProbeTime": null, "lastTransitionTime": ts},
                {"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": ts}
            ],
            "containerStatuses": statuses,
        }
    })
}

/// The control plane's static pods, mirrored as Running since `ts`: the
/// manifests kubeadm writes ([`manifests::manifests`]) as the kubelet
/// mirrors them into `kube-system`.
pub fn static_pods(ts: &str, etcd: &manifests::EtcdMember) -> Vec<Value> {
    manifests::manifests(etcd)
        .iter()
        .map(|(_, pod)| {
            let hash = manifests::config_hash(&manifests::manifest_yaml(pod));
            manifests::mirror_pod(pod, &hash, ts, 0)
        })
        .collect()
}

/// A Lease in `ns` held by `holder` for `duration_seconds`, renewed at `micro`.
fn lease(ns: &str, name: &str, holder: &str, duration_seconds: i64, micro: &str) -> Value {
    json!({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
        "metadata": {"name": name, "namespace": ns},
        "spec": {"holderIdentity": holder, "leaseDurationSeconds": duration_seconds, "renewTime": micro}})
}

/// A node's heartbeat Lease in kube-node-lease (40 s, renewed every 10 s).
pub fn node_lease(node: &str, micro: &str) -> Value {
    let mut l = lease("kube-node-lease", node, node, 40, micro);
    l["metadata"]["ownerReferences"] = json!([{"apiVersion": "v1", "kind": "Node", "name": node}]);
    l
}

/// The leader-election Lease of kube-controller-manager or kube-scheduler
/// (15 s, renewed every 2 s by the leader `holder`).
pub fn leader_lease(component: &str, holder: &str, micro: &str) -> Value {
    let mut l = lease("kube-system", component, holder, 15, micro);
    l["spec"]["acquireTime"] = json!(micro);
    l["spec"]["leaseTransitions"] = json!(0);
    l
}

/// A Normal event about the object `(kind, ns, name)` of `api_version`,
/// reported by `component` (on `host` for the kubelet and kube-proxy).
fn event(
    target: (&str, &str, &str, &str),
    reason: &str,
    message: String,
    component: &str,
    host: &str,
    ts: &str,
) -> Value {
    let (api_version, kind, ns, name) = target;
    let mut source = json!({"component": component});
    if !host.is_empty() {
        source["host"] = json!(host);
    }
    json!({"apiVersion": "v1", "kind": "Event",
        "metadata": {"name": name, "namespace": if ns.is_empty() { "default" } else { ns }},
        "involvedObject": {"apiVersion": api_version, "kind": kind, "namespace": ns, "name": name},
        "reason": reason, "message": message, "source": source, "firstTimestamp": ts, "lastTimestamp": ts,
        "count": 1, "type": "Normal", "eventTime": null, "reportingComponent": component,
        "reportingInstance": host})
}

/// What a fresh kubeadm cluster holds, in the order it was written.
#[derive(Clone, Debug, Default)]
pub struct Cluster {
    /// Objects of the catalogue's kinds, in creation order.
    pub objects: Vec<Value>,
    /// Keys the apiserver keeps for itself (the allocators' ranges).
    pub raw: Vec<(String, Value)>,
    /// The events of the first minute, written under one 1 h lease.
    pub events: Vec<Value>,
}

/// Names and holders the cluster's objects share: which pods are where,
/// the leaders' identities.
struct Names {
    /// (node, address) for every node, the control plane first.
    nodes: Vec<(String, String)>,
}

fn node_events(out: &mut Vec<Value>, node: &str, ts: &str) {
    let t = ("v1", "Node", "", node);
    for (reason, msg) in [
        ("Starting", "Starting kubelet.".to_string()),
        ("NodeHasSufficientMemory", format!("Node {node} status is now: NodeHasSufficientMemory")),
        ("NodeHasNoDiskPressure", format!("Node {node} status is now: NodeHasNoDiskPressure")),
        ("NodeHasSufficientPID", format!("Node {node} status is now: NodeHasSufficientPID")),
        ("NodeAllocatableEnforced", "Updated Node Allocatable limit across pods".to_string()),
    ] {
        out.push(event(t, reason, msg, "kubelet", node, ts));
    }
    out.push(event(
        t,
        "RegisteredNode",
        format!("Node {node} event: Registered Node {node} in Controller"),
        "node-controller",
        "",
        ts,
    ));
    out.push(event(t, "Starting", String::new(), "kube-proxy", node, ts));
    out.push(event(t, "NodeReady", format!("Node {node} status is now: NodeReady"), "kubelet", node, ts));
}

/// The kubelet's events for a pod it started: pulled, created, started.
fn pod_events(out: &mut Vec<Value>, pod: &Value, ts: &str, scheduled: bool) {
    let name = crate::meta::name(pod);
    let node = pod.pointer("/spec/nodeName").and_then(Value::as_str).unwrap_or("");
    let t = ("v1", "Pod", "kube-system", name);
    if scheduled {
        let msg = format!("Successfully assigned kube-system/{name} to {node}");
        out.push(event(t, "Scheduled", msg, "default-scheduler", "", ts));
    }
    for c in pod.pointer("/spec/containers").and_then(Value::as_array).into_iter().flatten() {
        let cname = c.get("name").and_then(Value::as_str).unwrap_or("");
        let image = c.get("image").and_then(Value::as_str).unwrap_or("");
        out.push(event(
            t,
            "Pulled",
            format!("Container image \"{image}\" already present on machine"),
            "kubelet",
            node,
            ts,
        ));
        out.push(event(t, "Created", format!("Created container {cname}"), "kubelet", node, ts));
        out.push(event(t, "Started", format!("Started container {cname}"), "kubelet", node, ts));
    }
}

fn csinode(node: &str) -> Value {
    json!({"apiVersion": "storage.k8s.io/v1", "kind": "CSINode",
        "metadata": {"name": node, "annotations": {"storage.alpha.kubernetes.io/migrated-plugins": "kubernetes.io/aws-ebs,kubernetes.io/azure-disk,kubernetes.io/azure-file,kubernetes.io/cinder,kubernetes.io/gce-pd,kubernetes.io/portworx-volume,kubernetes.io/vsphere-volume"},
            "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": node}]},
        "spec": {"drivers": []}})
}

/// The client-certificate request a worker's kubelet made when it joined
/// with the bootstrap token, approved and issued.
fn join_csr(rng: &mut Rng, ts: &str) -> Value {
    let request = system::pem(rng, "CERTIFICATE REQUEST", 6);
    let cert = system::pem(rng, "CERTIFICATE", 12);
    json!({"apiVersion": "certificates.k8s.io/v1", "kind": "CertificateSigningRequest",
        "metadata": {"name": format!("csr-{}", rng.name_suffix(5)), "generateName": "csr-"},
        "spec": {"request": crate::base64::encode(request.as_bytes()),
            "signerName": "kubernetes.io/kube-apiserver-client-kubelet", "expirationSeconds": 31_536_000,
            "usages": ["digital signature", "client auth"], "username": "system:bootstrap:abcdef",
            "groups": ["system:bootstrappers", "system:bootstrappers:kubeadm:default-node-token", "system:authenticated"]},
        "status": {"certificate": crate::base64::encode(cert.as_bytes()),
            "conditions": [{"type": "Approved", "status": "True", "reason": "AutoApproved",
                "message": "Auto approving kubelet client certificate after SubjectAccessReview.",
                "lastUpdateTime": ts, "lastTransitionTime": ts}]}})
}

/// Everything `kubeadm init` and the workers' joins leave in etcd at
/// `now_ms`: the apiserver's own objects, RBAC, the Nodes and their
/// leases, the control plane's mirror pods, the controllers' service
/// accounts and leader leases, CoreDNS and kube-proxy, and the events of
/// it all. Randomness (names, token, certificates) comes from `rng`.
pub fn cluster(workers: &[String], etcd: &manifests::EtcdMember, now_ms: u64, rng: &mut Rng) -> Cluster {
    let ts = crate::meta::timestamp(now_ms);
    let micro = crate::meta::micro_timestamp(now_ms);
    let names = Names {
        nodes: std::iter::once((CONTROL_PLANE.to_string(), CONTROL_PLANE_IP.to_string()))
            .chain(workers.iter().enumerate().map(|(i, w)| (w.clone(), format!("172.18.0.{}", i + 2))))
            .collect(),
    };
    let ca = system::pem(rng, "CERTIFICATE", 17);
    let front_proxy_ca = system::pem(rng, "CERTIFICATE", 17);
    let mut objects = system::namespaces();
    objects.extend(system::priority_classes());
    objects.extend(system::flow_control());
    objects.extend(system::api_services(&ts));
    objects.extend(system::kubernetes_service());
    objects.extend(rbac::cluster_roles());
    objects.extend(rbac::cluster_role_bindings());
    objects.extend(rbac::roles_and_bindings());
    objects.extend(system::apiserver_config_maps(&ca, &front_proxy_ca, &ts));
    objects.push(system::apiserver_identity_lease(rng, &micro));
    objects.push(control_plane_node(&ts));
    objects.push(csinode(CONTROL_PLANE));
    objects.push(node_lease(CONTROL_PLANE, &micro));
    let statics = static_pods(&ts, etcd);
    objects.extend(statics.iter().cloned());
    for component in ["kube-controller-manager", "kube-scheduler"] {
        objects.push(leader_lease(component, &format!("{CONTROL_PLANE}_{}", rng.uuid()), &micro));
    }
    objects.extend(system::service_accounts());
    objects.extend(system::root_ca_config_maps(&ca));
    objects.extend(system::kubeadm_uploads(&ca, rng, now_ms));
    let coredns = addons::coredns(rng, &ts, ["10.244.0.2", "10.244.0.3"]);
    let proxy = addons::kube_proxy(rng, &ts, &names.nodes);
    objects.extend(coredns.iter().cloned());
    objects.extend(proxy.iter().cloned());
    for (i, w) in workers.iter().enumerate() {
        objects.push(join_csr(rng, &ts));
        objects.push(node_object(i, w, &ts));
        objects.push(csinode(w));
        objects.push(node_lease(w, &micro));
    }

    let mut events = Vec::new();
    for (node, _) in &names.nodes {
        node_events(&mut events, node, &ts);
    }
    for lease in
        objects.iter().filter(|o| o["kind"] == "Lease" && o["metadata"]["namespace"] == "kube-system")
    {
        let name = crate::meta::name(lease);
        let Some(holder) = lease.pointer("/spec/holderIdentity").and_then(Value::as_str) else { continue };
        if name.starts_with("apiserver-") {
            continue;
        }
        let component = if name == "kube-scheduler" { "default-scheduler" } else { name };
        let t = ("coordination.k8s.io/v1", "Lease", "kube-system", name);
        events.push(event(t, "LeaderElection", format!("{holder} became leader"), component, "", &ts));
    }
    for pod in &statics {
        pod_events(&mut events, pod, &ts, false);
    }
    let pods = |v: &[Value]| -> Vec<Value> { v.iter().filter(|o| o["kind"] == "Pod").cloned().collect() };
    let (dns_pods, proxy_pods) = (pods(&coredns), pods(&proxy));
    if let Some(rs) = coredns.iter().find(|o| o["kind"] == "ReplicaSet") {
        let rs_name = crate::meta::name(rs);
        let msg = format!("Scaled up replica set {rs_name} to 2");
        let t = ("apps/v1", "Deployment", "kube-system", "coredns");
        events.push(event(t, "ScalingReplicaSet", msg, "deployment-controller", "", &ts));
        for p in &dns_pods {
            let t = ("apps/v1", "ReplicaSet", "kube-system", rs_name);
            let msg = format!("Created pod: {}", crate::meta::name(p));
            events.push(event(t, "SuccessfulCreate", msg, "replicaset-controller", "", &ts));
        }
    }
    for p in &proxy_pods {
        let t = ("apps/v1", "DaemonSet", "kube-system", "kube-proxy");
        let msg = format!("Created pod: {}", crate::meta::name(p));
        events.push(event(t, "SuccessfulCreate", msg, "daemonset-controller", "", &ts));
    }
    for p in dns_pods.iter().chain(&proxy_pods) {
        pod_events(&mut events, p, &ts, true);
    }
    Cluster { objects, raw: system::ranges(&ts), events }
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
    fn a_fresh_cluster_holds_each_object_once_under_its_own_key() {
        let catalog = crate::kinds::Catalog::default();
        let mut rng = Rng::new(1);
        let etcd = manifests::EtcdMember::of(&sim::Sim::new(1, sim::SimOptions::default()));
        let c = cluster(&["node-1".to_string(), "node-2".to_string()], &etcd, 5_000, &mut rng);
        let mut keys = std::collections::BTreeSet::new();
        for o in &c.objects {
            let kind = catalog.by_api(o["apiVersion"].as_str().unwrap(), o["kind"].as_str().unwrap());
            let kind = kind.unwrap_or_else(|| panic!("no kind for {o}"));
            let key = crate::keys::key(kind, crate::meta::namespace(o), crate::meta::name(o));
            assert!(keys.insert(key.clone()), "{key} twice");
        }
        let count = |prefix: &str| keys.iter().filter(|k| k.starts_with(prefix)).count();
        assert_eq!(count("/registry/namespaces/"), 4);
        assert_eq!(count("/registry/minions/"), 3);
        assert_eq!(count("/registry/leases/kube-node-lease/"), 3);
        assert_eq!(count("/registry/leases/kube-system/"), 3);
        assert_eq!(count("/registry/pods/kube-system/"), 4 + 2 + 3);
        assert_eq!(count("/registry/configmaps/"), 4 + 6 + 1);
        assert_eq!(count("/registry/serviceaccounts/"), 4 + 34 + 2);
        assert_eq!(count("/registry/apiregistration.k8s.io/apiservices/"), 21);
        assert_eq!(count("/registry/clusterroles/"), 66);
        assert_eq!(count("/registry/clusterrolebindings/"), 52);
        assert_eq!(keys.len(), 273);
        assert_eq!(c.raw.len(), 2);
        assert_eq!(c.events.len(), 3 * 8 + 2 + 12 + 11 + 15);
        for name in ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"] {
            assert!(keys.contains(&format!("/registry/pods/kube-system/{name}-controlplane")), "{name}");
        }
    }
}
