//! kubeadm's two addons: CoreDNS (a Deployment of two replicas, its
//! ReplicaSet and pods, the `kube-dns` Service with its Endpoints and
//! EndpointSlice, the `coredns` config map) and kube-proxy (a DaemonSet
//! with its ControllerRevision and one pod per node, its config map),
//! each with its service account.
//!
//! ```text
//!   /registry/deployments/kube-system/coredns
//!   /registry/replicasets/kube-system/coredns-<template hash>
//!   /registry/pods/kube-system/coredns-<template hash>-<5>     on controlplane, 10.244.0.2
//!   /registry/services/specs/kube-system/kube-dns             10.96.0.10
//!   /registry/daemonsets/kube-system/kube-proxy
//!   /registry/pods/kube-system/kube-proxy-<5>                 one per node, host network
//! ```
//!
//! The ReplicaSet's name is the deployment controller's own hash of the
//! stored template, so the controller finds it and leaves it alone.

use serde_json::{Value, json};

use super::{CONTROL_PLANE, running_pod};
use crate::meta::Rng;

/// CoreDNS's image on kubeadm 1.30.
pub const COREDNS_IMAGE: &str = "registry.k8s.io/coredns/coredns:v1.11.1";

/// CoreDNS's Corefile as kubeadm writes it.
const COREFILE: &str = ".:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
";

fn coredns_template() -> Value {
    json!({
        "metadata": {"labels": {"k8s-app": "kube-dns"}},
        "spec": {
            "priorityClassName": "system-cluster-critical",
            "serviceAccountName": "coredns",
            "serviceAccount": "coredns",
            "tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists"},
                {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}],
            "nodeSelector": {"kubernetes.io/os": "linux"},
            "dnsPolicy": "Default",
            "containers": [{
                "name": "coredns",
                "image": COREDNS_IMAGE,
                "imagePullPolicy": "IfNotPresent",
                "args": ["-conf", "/etc/coredns/Corefile"],
                "resources": {"limits": {"memory": "170Mi"}, "requests": {"cpu": "100m", "memory": "70Mi"}},
                "ports": [{"name": "dns", "containerPort": 53, "protocol": "UDP"},
                    {"name": "dns-tcp", "containerPort": 53, "protocol": "TCP"},
                    {"name": "metrics", "containerPort": 9153, "protocol": "TCP"}],
                "volumeMounts": [{"name": "config-volume", "mountPath": "/etc/coredns", "readOnly": true}],
                "livenessProbe": {"httpGet": {"path": "/health", "port": 8080, "scheme": "HTTP"},
                    "initialDelaySeconds": 60, "timeoutSeconds": 5, "successThreshold": 1, "failureThreshold": 5},
                "readinessProbe": {"httpGet": {"path": "/ready", "port": 8181, "scheme": "HTTP"}},
            }],
            "volumes": [{"name": "config-volume", "configMap": {"name": "coredns",
                "items": [{"key": "Corefile", "path": "Corefile"}], "defaultMode": 420}}],
        }
    })
}

/// CoreDNS: config map, service account, Deployment, ReplicaSet, two pods,
/// Service, Endpoints, EndpointSlice. `ips` are the pods' addresses.
pub fn coredns(rng: &mut Rng, ts: &str, ips: [&str; 2]) -> Vec<Value> {
    let mut deploy = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "coredns", "namespace": "kube-system", "labels": {"k8s-app": "kube-dns"},
            "annotations": {"deployment.kubernetes.io/revision": "1"}},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"k8s-app": "kube-dns"}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": "25%"}},
            "template": coredns_template()},
        "status": {"observedGeneration": 1, "replicas": 2, "updatedReplicas": 2, "readyReplicas": 2,
            "availableReplicas": 2},
    });
    crate::defaults::apply("Deployment", &mut deploy, rng);
    let template = deploy.pointer("/spec/template").cloned().unwrap_or(json!({}));
    let hash = crate::controllers::deployment::template_hash(&template);
    let rs_name = format!("coredns-{hash}");
    let mut labels = json!({"k8s-app": "kube-dns", "pod-template-hash": hash});
    let mut pod_template = template.clone();
    pod_template["metadata"]["labels"] = labels.clone();
    let rs = json!({
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": rs_name, "namespace": "kube-system", "labels": labels.clone(),
            "annotations": {"deployment.kubernetes.io/desired-replicas": "2", "deployment.kubernetes.io/max-replicas": "3",
                "deployment.kubernetes.io/revision": "1"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "coredns",
                "controller": true, "blockOwnerDeletion": true}]},
        "spec": {"replicas": 2, "selector": {"matchLabels": labels.clone()}, "template": pod_template.clone()},
        "status": {"replicas": 2, "fullyLabeledReplicas": 2, "readyReplicas": 2, "availableReplicas": 2,
            "observedGeneration": 1},
    });
    let mut out = vec![
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "coredns", "namespace": "kube-system"},
            "data": {"Corefile": COREFILE}}),
        json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "coredns", "namespace": "kube-system"}}),
        deploy,
        rs,
    ];
    let mut addresses = Vec::new();
    let mut slice_endpoints = Vec::new();
    for ip in ips {
        let name = format!("{rs_name}-{}", rng.name_suffix(5));
        let mut spec = pod_template["spec"].clone();
        spec["nodeName"] = json!(CONTROL_PLANE);
        let meta = json!({"name": name, "generateName": format!("{rs_name}-"), "namespace": "kube-system",
            "labels": labels.clone(),
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs_name,
                "controller": true, "blockOwnerDeletion": true}]});
        out.push(running_pod(meta, spec, ip, ts, "Burstable"));
        let target = json!({"kind": "Pod", "namespace": "kube-system", "name": name});
        addresses.push(json!({"ip": ip, "nodeName": CONTROL_PLANE, "targetRef": target.clone()}));
        slice_endpoints.push(
            json!({"addresses": [ip], "conditions": {"ready": true, "serving": true, "terminating": false},
            "nodeName": CONTROL_PLANE, "targetRef": target}),
        );
    }
    labels = json!({"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"});
    out.push(json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "kube-dns", "namespace": "kube-system", "labels": labels.clone(),
            "annotations": {"prometheus.io/port": "9153", "prometheus.io/scrape": "true"}},
        "spec": {"clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10"], "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack", "internalTrafficPolicy": "Cluster",
            "selector": {"k8s-app": "kube-dns"},
            "ports": [{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
                {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153}]},
    }));
    // In the Service's order, as the endpoints controller writes them.
    let ports = json!([{"port": 53, "protocol": "UDP", "name": "dns"}, {"port": 53, "protocol": "TCP", "name": "dns-tcp"},
        {"port": 9153, "protocol": "TCP", "name": "metrics"}]);
    out.push(json!({"apiVersion": "v1", "kind": "Endpoints",
        "metadata": {"name": "kube-dns", "namespace": "kube-system", "labels": labels.clone()},
        "subsets": [{"addresses": addresses, "ports": ports.clone()}]}));
    let mut slice_labels = labels;
    slice_labels["endpointslice.kubernetes.io/managed-by"] = json!("endpointslice-controller.k8s.io");
    slice_labels["kubernetes.io/service-name"] = json!("kube-dns");
    out.push(json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {"name": format!("kube-dns-{}", rng.name_suffix(5)), "namespace": "kube-system",
            "generateName": "kube-dns-", "labels": slice_labels,
            "ownerReferences": [{"apiVersion": "v1", "kind": "Service", "name": "kube-dns", "controller": true, "blockOwnerDeletion": true}]},
        "addressType": "IPv4", "endpoints": slice_endpoints, "ports": ports}));
    out
}

fn kube_proxy_config() -> String {
    "apiVersion: kubeproxy.config.k8s.io/v1alpha1
bindAddress: 0.0.0.0
bindAddressHardFail: false
clientConnection:
  acceptContentTypes: \"\"
  burst: 0
  contentType: \"\"
  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
  qps: 0
clusterCIDR: 10.244.0.0/16
configSyncPeriod: 0s
conntrack:
  maxPerCore: null
  min: null
  tcpCloseWaitTimeout: null
  tcpEstablishedTimeout: null
enableProfiling: false
healthzBindAddress: \"\"
hostnameOverride: \"\"
iptables:
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 0s
  syncPeriod: 0s
ipvs:
  excludeCIDRs: null
  minSyncPeriod: 0s
  scheduler: \"\"
  strictARP: false
  syncPeriod: 0s
kind: KubeProxyConfiguration
metricsBindAddress: \"\"
mode: \"\"
nodePortAddresses: null
oomScoreAdj: null
portRange: \"\"
"
    .to_string()
}

/// kube-proxy: config map, service account, DaemonSet, its
/// ControllerRevision, and a pod on each of `nodes` (name, address).
pub fn kube_proxy(rng: &mut Rng, ts: &str, nodes: &[(String, String)]) -> Vec<Value> {
    let image = format!("registry.k8s.io/kube-proxy:{}", crate::controllers::kubelet::KUBELET_VERSION);
    let hash = rng.name_suffix(9);
    let template = json!({
        "metadata": {"labels": {"k8s-app": "kube-proxy"}},
        "spec": {
            "priorityClassName": "system-node-critical",
            "serviceAccountName": "kube-proxy", "serviceAccount": "kube-proxy",
            "hostNetwork": true,
            "nodeSelector": {"kubernetes.io/os": "linux"},
            "tolerations": [{"operator": "Exists"}],
            "containers": [{"name": "kube-proxy", "image": image, "imagePullPolicy": "IfNotPresent",
                "command": ["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf", "--hostname-override=$(NODE_NAME)"],
                "env": [{"name": "NODE_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}}}],
                "securityContext": {"privileged": true},
                "volumeMounts": [{"name": "kube-proxy", "mountPath": "/var/lib/kube-proxy"},
                    {"name": "xtables-lock", "mountPath": "/run/xtables.lock"},
                    {"name": "lib-modules", "mountPath": "/lib/modules", "readOnly": true}]}],
            "volumes": [{"name": "kube-proxy", "configMap": {"name": "kube-proxy", "defaultMode": 420}},
                {"name": "xtables-lock", "hostPath": {"path": "/run/xtables.lock", "type": "FileOrCreate"}},
                {"name": "lib-modules", "hostPath": {"path": "/lib/modules", "type": ""}}],
        }
    });
    let n = nodes.len();
    let mut out = vec![
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kube-proxy", "namespace": "kube-system",
            "labels": {"app": "kube-proxy"}},
            "data": {"config.conf": kube_proxy_config(),
                "kubeconfig.conf": "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n    server: https://172.18.0.10:6443\n  name: default\ncontexts:\n- context:\n    cluster: default\n    namespace: default\n    user: default\n  name: default\ncurrent-context: default\nusers:\n- name: default\n  user:\n    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n"}}),
        json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "kube-proxy", "namespace": "kube-system"}}),
        json!({"apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": "kube-proxy", "namespace": "kube-system", "labels": {"k8s-app": "kube-proxy"},
                "annotations": {"deprecated.daemonset.template.generation": "1"}},
            "spec": {"selector": {"matchLabels": {"k8s-app": "kube-proxy"}}, "template": template.clone(),
                "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}},
                "revisionHistoryLimit": 10},
            "status": {"currentNumberScheduled": n, "numberMisscheduled": 0, "desiredNumberScheduled": n,
                "numberReady": n, "observedGeneration": 1, "updatedNumberScheduled": n, "numberAvailable": n}}),
        json!({"apiVersion": "apps/v1", "kind": "ControllerRevision",
            "metadata": {"name": format!("kube-proxy-{hash}"), "namespace": "kube-system",
                "labels": {"controller-revision-hash": hash, "k8s-app": "kube-proxy"},
                "annotations": {"deprecated.daemonset.template.generation": "1"},
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "kube-proxy", "controller": true, "blockOwnerDeletion": true}]},
            "data": {"spec": {"template": template.clone()}}, "revision": 1}),
    ];
    for (node, ip) in nodes {
        let mut spec = template["spec"].clone();
        spec["nodeName"] = json!(node);
        spec["affinity"] = json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms":
            [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}]}}});
        let meta = json!({"name": format!("kube-proxy-{}", rng.name_suffix(5)), "generateName": "kube-proxy-",
            "namespace": "kube-system",
            "labels": {"controller-revision-hash": hash, "k8s-app": "kube-proxy", "pod-template-generation": "1"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "kube-proxy",
                "controller": true, "blockOwnerDeletion": true}]});
        let mut pod = running_pod(meta, spec, ip, ts, "BestEffort");
        pod["status"]["hostIP"] = json!(ip);
        out.push(pod);
    }
    out
}
