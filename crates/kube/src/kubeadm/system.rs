//! What kube-apiserver writes for itself when it first starts, and what
//! `kubeadm init` uploads: the namespaces, the `kubernetes` Service with
//! its Endpoints and EndpointSlice, the Service IP and NodePort allocators,
//! the PriorityClasses, API Priority and Fairness (FlowSchemas and
//! PriorityLevelConfigurations), the local APIServices, the service
//! accounts the controller manager makes, the `kube-root-ca.crt` copies,
//! kubeadm's config maps and its bootstrap token.
//!
//! ```text
//!   /registry/namespaces/kube-node-lease
//!   /registry/ranges/serviceips                        RangeAllocation 10.96.0.0/12
//!   /registry/prioritylevelconfigurations/workload-low
//!   /registry/apiregistration.k8s.io/apiservices/v1.apps
//!   /registry/configmaps/kube-system/kubeadm-config    ClusterConfiguration
//!   /registry/secrets/kube-system/bootstrap-token-abcdef
//! ```

use serde_json::{Value, json};

use super::{CONTROL_PLANE, CONTROL_PLANE_IP};
use crate::controllers::kubelet::KUBELET_VERSION;
use crate::meta::Rng;

/// The namespaces, in the order the apiserver creates them.
pub fn namespaces() -> Vec<Value> {
    crate::apiserver::SYSTEM_NAMESPACES
        .iter()
        .map(|ns| json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}))
        .collect()
}

/// The two PriorityClasses every cluster has.
pub fn priority_classes() -> Vec<Value> {
    let pc = |name: &str, value: i64, description: &str| {
        json!({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": name},
            "value": value, "globalDefault": false, "description": description,
            "preemptionPolicy": "PreemptLowerPriority"})
    };
    vec![
        pc(
            "system-node-critical",
            2_000_001_000,
            "Used for system critical pods that must not be moved from their current node.",
        ),
        pc(
            "system-cluster-critical",
            2_000_000_000,
            "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.",
        ),
    ]
}

const FLOWCONTROL_V1: &str = "flowcontrol.apiserver.k8s.io/v1";

fn apf_meta(name: &str) -> Value {
    json!({"name": name, "annotations": {"apf.kubernetes.io/autoupdate-spec": "true"}})
}

/// The suggested and mandatory priority levels: (name, nominal shares,
/// lendable percent); `exempt` is of type Exempt.
const PRIORITY_LEVELS: [(&str, i64, i64); 8] = [
    ("exempt", 0, 0),
    ("system", 30, 33),
    ("node-high", 40, 25),
    ("leader-election", 10, 0),
    ("workload-high", 40, 50),
    ("workload-low", 100, 90),
    ("global-default", 20, 50),
    ("catch-all", 5, 0),
];

/// The FlowSchemas: (name, priority level, matching precedence, subjects).
const FLOW_SCHEMAS: [(&str, &str, i64, &str); 13] = [
    ("exempt", "exempt", 1, "Group:system:masters"),
    ("probes", "exempt", 2, "Group:system:unauthenticated,Group:system:authenticated"),
    (
        "system-leader-election",
        "leader-election",
        100,
        "User:system:kube-controller-manager,User:system:kube-scheduler",
    ),
    ("endpoint-controller", "workload-high", 150, "User:system:kube-controller-manager"),
    ("workload-leader-election", "leader-election", 200, "ServiceAccount:kube-system/*"),
    ("system-node-high", "node-high", 400, "Group:system:nodes"),
    ("system-nodes", "system", 500, "Group:system:nodes"),
    ("kube-controller-manager", "workload-high", 800, "User:system:kube-controller-manager"),
    ("kube-scheduler", "workload-high", 800, "User:system:kube-scheduler"),
    ("kube-system-service-accounts", "workload-high", 900, "ServiceAccount:kube-system/*"),
    ("service-accounts", "workload-low", 9000, "Group:system:serviceaccounts"),
    ("global-default", "global-default", 9900, "Group:system:unauthenticated,Group:system:authenticated"),
    ("catch-all", "catch-all", 10000, "Group:system:unauthenticated,Group:system:authenticated"),
];

fn apf_subject(short: &str) -> Value {
    let (kind, name) = short.split_once(':').unwrap_or(("Group", short));
    match kind {
        "User" => json!({"kind": "User", "user": {"name": name}}),
        "ServiceAccount" => {
            let (ns, n) = name.split_once('/').unwrap_or(("kube-system", name));
            json!({"kind": "ServiceAccount", "serviceAccount": {"namespace": ns, "name": n}})
        }
        _ => json!({"kind": "Group", "group": {"name": name}}),
    }
}

/// API Priority and Fairness: the priority levels, then the flow schemas.
pub fn flow_control() -> Vec<Value> {
    let mut out: Vec<Value> = PRIORITY_LEVELS
        .iter()
        .map(|&(name, shares, lendable)| {
            let spec = if name == "exempt" {
                json!({"type": "Exempt", "exempt": {"nominalConcurrencyShares": 0, "lendablePercent": 0}})
            } else {
                let limit = if name == "catch-all" {
                    json!({"type": "Reject"})
                } else {
                    json!({"type": "Queue", "queuing": {"queues": 64, "handSize": 6, "queueLengthLimit": 50}})
                };
                json!({"type": "Limited", "limited": {"nominalConcurrencyShares": shares,
                    "lendablePercent": lendable, "limitResponse": limit}})
            };
            json!({"apiVersion": FLOWCONTROL_V1, "kind": "PriorityLevelConfiguration",
                "metadata": apf_meta(name), "spec": spec,
                "status": {"conditions": []}})
        })
        .collect();
    out.extend(FLOW_SCHEMAS.iter().map(|&(name, level, precedence, subjects)| {
        let distinguisher = if level == "exempt" { Value::Null } else { json!({"type": "ByUser"}) };
        let mut rule = json!({
            "subjects": subjects.split(',').map(apf_subject).collect::<Vec<_>>(),
            "resourceRules": [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"], "clusterScope": true, "namespaces": ["*"]}],
        });
        if name == "probes" {
            rule = json!({"subjects": rule["subjects"].clone(),
                "nonResourceRules": [{"verbs": ["get"], "nonResourceURLs": ["/healthz", "/readyz", "/livez"]}]});
        }
        let mut spec = json!({"priorityLevelConfiguration": {"name": level},
            "matchingPrecedence": precedence, "rules": [rule]});
        if !distinguisher.is_null() {
            spec["distinguisherMethod"] = distinguisher;
        }
        json!({"apiVersion": FLOWCONTROL_V1, "kind": "FlowSchema", "metadata": apf_meta(name),
            "spec": spec, "status": {"conditions": [{"type": "Dangling", "status": "False",
                "reason": "Found", "message": format!("This FlowSchema references the PriorityLevelConfiguration object named \"{level}\" and it exists")}]}})
    }));
    out
}

/// The built-in API groups served by kube-apiserver itself: (group,
/// version, group priority, version priority).
const API_SERVICES: [(&str, &str, i64, i64); 21] = [
    ("", "v1", 18000, 1),
    ("admissionregistration.k8s.io", "v1", 16700, 15),
    ("apiextensions.k8s.io", "v1", 16700, 15),
    ("apps", "v1", 17800, 15),
    ("authentication.k8s.io", "v1", 17700, 15),
    ("authorization.k8s.io", "v1", 17600, 15),
    ("autoscaling", "v1", 17500, 15),
    ("autoscaling", "v2", 17500, 30),
    ("batch", "v1", 17400, 15),
    ("certificates.k8s.io", "v1", 17300, 15),
    ("coordination.k8s.io", "v1", 16500, 15),
    ("discovery.k8s.io", "v1", 16200, 15),
    ("events.k8s.io", "v1", 17750, 15),
    ("flowcontrol.apiserver.k8s.io", "v1", 16100, 21),
    ("flowcontrol.apiserver.k8s.io", "v1beta3", 16100, 18),
    ("networking.k8s.io", "v1", 17200, 15),
    ("node.k8s.io", "v1", 16300, 15),
    ("policy", "v1", 17100, 15),
    ("rbac.authorization.k8s.io", "v1", 17000, 15),
    ("scheduling.k8s.io", "v1", 16600, 15),
    ("storage.k8s.io", "v1", 16800, 15),
];

/// The local APIServices (`v1.`, `v1.apps`, ...), available from the start.
pub fn api_services(ts: &str) -> Vec<Value> {
    API_SERVICES
        .iter()
        .map(|&(group, version, gp, vp)| {
            json!({"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService",
                "metadata": {"name": format!("{version}.{group}"),
                    "labels": {"kube-aggregator.kubernetes.io/automanaged": "onstart"}},
                "spec": {"group": group, "version": version, "groupPriorityMinimum": gp, "versionPriority": vp},
                "status": {"conditions": [{"type": "Available", "status": "True", "lastTransitionTime": ts,
                    "reason": "Local", "message": "Local APIServices are always available"}]}})
        })
        .collect()
}

/// The `kubernetes` Service, its Endpoints and its EndpointSlice, as the
/// apiserver's endpoint reconciler keeps them.
pub fn kubernetes_service() -> Vec<Value> {
    vec![
        json!({"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "kubernetes", "namespace": "default",
                "labels": {"component": "apiserver", "provider": "kubernetes"}},
            "spec": {"clusterIP": "10.96.0.1", "clusterIPs": ["10.96.0.1"], "ipFamilies": ["IPv4"],
                "ipFamilyPolicy": "SingleStack", "internalTrafficPolicy": "Cluster",
                "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]}}),
        json!({"apiVersion": "v1", "kind": "Endpoints",
            "metadata": {"name": "kubernetes", "namespace": "default",
                "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
            "subsets": [{"addresses": [{"ip": CONTROL_PLANE_IP}],
                "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}]}]}),
        json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": "kubernetes", "namespace": "default",
                "labels": {"kubernetes.io/service-name": "kubernetes"}},
            "addressType": "IPv4",
            "endpoints": [{"addresses": [CONTROL_PLANE_IP], "conditions": {"ready": true}}],
            "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}]}),
    ]
}

/// The Service IP and NodePort allocators' bitmaps (no API object: the
/// apiserver reads and writes these keys itself). Service IPs .1
/// (`kubernetes`) and .10 (`kube-dns`) are taken.
pub fn ranges(ts: &str) -> Vec<(String, Value)> {
    let bitmap = crate::base64::encode(&[0x04, 0x02]);
    vec![
        (
            "/registry/ranges/serviceips".to_string(),
            json!({"kind": "RangeAllocation", "apiVersion": "v1", "metadata": {"creationTimestamp": ts},
                "range": "10.96.0.0/12", "data": bitmap}),
        ),
        (
            "/registry/ranges/servicenodeports".to_string(),
            json!({"kind": "RangeAllocation", "apiVersion": "v1", "metadata": {"creationTimestamp": ts},
                "range": "30000-32767", "data": ""}),
        ),
    ]
}

/// The service accounts the controller manager runs its controllers as.
pub const CONTROLLER_ACCOUNTS: [&str; 34] = [
    "attachdetach-controller",
    "bootstrap-signer",
    "certificate-controller",
    "clusterrole-aggregation-controller",
    "cronjob-controller",
    "daemon-set-controller",
    "deployment-controller",
    "disruption-controller",
    "endpoint-controller",
    "endpointslice-controller",
    "endpointslicemirroring-controller",
    "ephemeral-volume-controller",
    "expand-controller",
    "generic-garbage-collector",
    "horizontal-pod-autoscaler",
    "job-controller",
    "legacy-service-account-token-cleaner",
    "namespace-controller",
    "node-controller",
    "persistent-volume-binder",
    "pod-garbage-collector",
    "pv-protection-controller",
    "pvc-protection-controller",
    "replicaset-controller",
    "replication-controller",
    "resourcequota-controller",
    "root-ca-cert-publisher",
    "service-account-controller",
    "service-controller",
    "statefulset-controller",
    "token-cleaner",
    "ttl-after-finished-controller",
    "ttl-controller",
    "validatingadmissionpolicy-status-controller",
];

fn service_account(ns: &str, name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name, "namespace": ns}})
}

/// `default` in every namespace, then the controllers' accounts.
pub fn service_accounts() -> Vec<Value> {
    let mut out: Vec<Value> =
        crate::apiserver::SYSTEM_NAMESPACES.iter().map(|ns| service_account(ns, "default")).collect();
    out.extend(CONTROLLER_ACCOUNTS.iter().map(|n| service_account("kube-system", n)));
    out
}

/// A PEM block of `n` base64 lines that stands for a certificate (the
/// bytes come from `rng`; no program parses them).
pub fn pem(rng: &mut Rng, label: &str, lines: usize) -> String {
    let mut out = format!("-----BEGIN {label}-----\n");
    for i in 0..lines {
        let n = if i + 1 == lines { 30 } else { 48 };
        let bytes: Vec<u8> = (0..n).map(|_| (rng.next_u64() & 0xff) as u8).collect();
        out.push_str(&crate::base64::encode(&bytes));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// `kube-root-ca.crt` in every namespace (the root-ca-cert-publisher's).
pub fn root_ca_config_maps(ca: &str) -> Vec<Value> {
    crate::apiserver::SYSTEM_NAMESPACES
        .iter()
        .map(|ns| {
            json!({"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": "kube-root-ca.crt", "namespace": ns,
                    "annotations": {"kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."}},
                "data": {"ca.crt": ca}})
        })
        .collect()
}

fn config_map(ns: &str, name: &str, data: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": ns}, "data": data})
}

/// The apiserver's own config maps: the client CAs for extension
/// apiservers and the date legacy token tracking began.
pub fn apiserver_config_maps(ca: &str, front_proxy_ca: &str, ts: &str) -> Vec<Value> {
    vec![
        config_map(
            "kube-system",
            "extension-apiserver-authentication",
            json!({"client-ca-file": ca, "requestheader-allowed-names": "[\"front-proxy-client\"]",
                "requestheader-client-ca-file": front_proxy_ca,
                "requestheader-extra-headers-prefix": "[\"X-Remote-Extra-\"]",
                "requestheader-group-headers": "[\"X-Remote-Group\"]",
                "requestheader-username-headers": "[\"X-Remote-User\"]"}),
        ),
        config_map(
            "kube-system",
            "kube-apiserver-legacy-service-account-token-tracking",
            json!({"since": ts.get(..10).unwrap_or(ts)}),
        ),
    ]
}

/// The kubeconfig `cluster-info` publishes for joining nodes.
fn cluster_info_kubeconfig(ca: &str) -> String {
    format!(
        "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: {}\n    server: https://{CONTROL_PLANE_IP}:6443\n  name: \"\"\ncontexts: null\ncurrent-context: \"\"\nkind: Config\npreferences: {{}}\nusers: null\n",
        crate::base64::encode(ca.as_bytes())
    )
}

/// What `kubeadm init` uploads: its ClusterConfiguration, the kubelet's
/// configuration, `cluster-info` in kube-public, and the bootstrap token
/// workers joined with.
pub fn kubeadm_uploads(ca: &str, rng: &mut Rng, now_ms: u64) -> Vec<Value> {
    let cluster_config = format!(
        "apiServer:
  extraArgs:
    authorization-mode: Node,RBAC
  timeoutForControlPlane: 4m0s
apiVersion: kubeadm.k8s.io/v1beta3
certificatesDir: /etc/kubernetes/pki
clusterName: kubernetes
controllerManager: {{}}
dns: {{}}
etcd:
  local:
    dataDir: /var/lib/etcd
imageRepository: registry.k8s.io
kind: ClusterConfiguration
kubernetesVersion: {KUBELET_VERSION}
networking:
  dnsDomain: cluster.local
  podSubnet: 10.244.0.0/16
  serviceSubnet: 10.96.0.0/12
scheduler: {{}}
"
    );
    let kubelet = "apiVersion: kubelet.config.k8s.io/v1beta1
authentication:
  anonymous:
    enabled: false
  webhook:
    cacheTTL: 0s
    enabled: true
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: Webhook
  webhook:
    cacheAuthorizedTTL: 0s
    cacheUnauthorizedTTL: 0s
cgroupDriver: systemd
clusterDNS:
- 10.96.0.10
clusterDomain: cluster.local
containerRuntimeEndpoint: \"\"
cpuManagerReconcilePeriod: 0s
evictionPressureTransitionPeriod: 0s
fileCheckFrequency: 0s
healthzBindAddress: 127.0.0.1
healthzPort: 10248
httpCheckFrequency: 0s
imageMaximumGCAge: 0s
imageMinimumGCAge: 0s
kind: KubeletConfiguration
logging:
  flushFrequency: 0
  options:
    json:
      infoBufferSize: \"0\"
    text:
      infoBufferSize: \"0\"
  verbosity: 0
memorySwap: {}
nodeStatusReportFrequency: 0s
nodeStatusUpdateFrequency: 0s
resolvConf: /run/systemd/resolve/resolv.conf
rotateCertificates: true
runtimeRequestTimeout: 0s
shutdownGracePeriod: 0s
shutdownGracePeriodCriticalPods: 0s
staticPodPath: /etc/kubernetes/manifests
streamingConnectionIdleTimeout: 0s
syncFrequency: 0s
volumeStatsAggPeriod: 0s
";
    let secret: String = rng.name_suffix(16).chars().map(|c| c.to_ascii_lowercase()).collect();
    let b64 = |s: &str| crate::base64::encode(s.as_bytes());
    let expires = crate::meta::timestamp(now_ms + 24 * 3_600_000);
    vec![
        config_map("kube-system", "kubeadm-config", json!({"ClusterConfiguration": cluster_config})),
        config_map("kube-system", "kubelet-config", json!({"kubelet": kubelet})),
        json!({"apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "bootstrap-token-abcdef", "namespace": "kube-system"},
            "type": "bootstrap.kubernetes.io/token",
            "data": {"auth-extra-groups": b64("system:bootstrappers:kubeadm:default-node-token"),
                "description": b64("The default bootstrap token generated by 'kubeadm init'."),
                "expiration": b64(&expires), "token-id": b64("abcdef"), "token-secret": b64(&secret),
                "usage-bootstrap-authentication": b64("true"), "usage-bootstrap-signing": b64("true")}}),
        config_map("kube-public", "cluster-info", json!({"kubeconfig": cluster_info_kubeconfig(ca)})),
    ]
}

/// The Lease the apiserver holds to say it is alive (`apiserver-<id>`),
/// renewed every 10 s.
pub fn apiserver_identity_lease(rng: &mut Rng, now_micro: &str) -> Value {
    const BASE32: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";
    let id: String = (0..26).map(|_| BASE32[(rng.next_u64() % 32) as usize] as char).collect();
    let name = format!("apiserver-{id}");
    json!({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
        "metadata": {"name": name, "namespace": "kube-system",
            "labels": {"apiserver.kubernetes.io/identity": "kube-apiserver", "kubernetes.io/hostname": CONTROL_PLANE}},
        "spec": {"holderIdentity": format!("{name}_{}", rng.uuid()), "leaseDurationSeconds": 3600,
            "renewTime": now_micro}})
}

/// The Endpoints object each apiserver keeps at `/registry/masterleases/<ip>`
/// under a 15 s etcd lease (the `lease` endpoint reconciler).
pub fn master_lease() -> (String, Value) {
    (
        format!("/registry/masterleases/{CONTROL_PLANE_IP}"),
        json!({"kind": "Endpoints", "apiVersion": "v1", "metadata": {"name": CONTROL_PLANE_IP, "creationTimestamp": null},
            "subsets": [{"addresses": [{"ip": CONTROL_PLANE_IP}], "ports": [{"port": 6443, "protocol": "TCP"}]}]}),
    )
}
