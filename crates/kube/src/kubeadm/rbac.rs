//! The RBAC objects of a fresh kubeadm v1.30 cluster: the apiserver's
//! bootstrap policy (`cluster-admin`, the aggregated `admin`/`edit`/`view`,
//! the `system:*` roles of nodes, the scheduler, the controller manager
//! and each of its controllers) and what kubeadm adds (`kubeadm:*`, the
//! bootstrap-token bindings, CoreDNS and kube-proxy).
//!
//! ```text
//!   /registry/clusterroles/cluster-admin                    rules: * * *
//!   /registry/clusterrolebindings/system:controller:node-controller
//!        roleRef ClusterRole system:controller:node-controller
//!        subjects ServiceAccount kube-system/node-controller
//!   /registry/roles/kube-system/system::leader-locking-kube-scheduler
//! ```
//!
//! The names are a real cluster's, one for one (`kubectl get clusterroles`
//! on kubeadm 1.30). Rules are written out in full for the roles people
//! read (`cluster-admin`, `view`, `system:node`, the scheduler's, CoreDNS's,
//! kube-proxy's, kubeadm's); a controller's role lists the resources that
//! controller works on, with fewer rules than upstream spells out.

use serde_json::{Value, json};

const RBAC_V1: &str = "rbac.authorization.k8s.io/v1";

/// A rule in short form: `"apiGroups|resources|verbs"`, each a comma list
/// (`"|pods,services|get,list,watch"`: the core group). A fourth part
/// lists nonResourceURLs instead (`"||get|/healthz,/livez"`).
fn rule(short: &str) -> Value {
    let parts: Vec<&str> = short.split('|').collect();
    let list = |i: usize| -> Vec<&str> {
        parts.get(i).map(|p| p.split(',').collect::<Vec<_>>()).unwrap_or_default()
    };
    if let Some(urls) = parts.get(3) {
        return json!({"nonResourceURLs": urls.split(',').collect::<Vec<_>>(), "verbs": list(2)});
    }
    json!({"apiGroups": list(0), "resources": list(1), "verbs": list(2)})
}

/// Bootstrap-policy objects carry these labels and annotation.
fn bootstrap_meta(name: &str) -> Value {
    json!({
        "name": name,
        "labels": {"kubernetes.io/bootstrapping": "rbac-defaults"},
        "annotations": {"rbac.authorization.kubernetes.io/autoupdate": "true"},
    })
}

fn cluster_role(meta: Value, rules: &[&str]) -> Value {
    json!({"apiVersion": RBAC_V1, "kind": "ClusterRole", "metadata": meta,
        "rules": rules.iter().map(|r| rule(r)).collect::<Vec<_>>()})
}

/// A ClusterRole aggregated from roles labelled `aggregate-to-<name>`.
fn aggregated(name: &str) -> Value {
    let mut meta = bootstrap_meta(name);
    if name != "admin" {
        let next = if name == "view" { "edit" } else { "admin" };
        meta["labels"][format!("rbac.authorization.k8s.io/aggregate-to-{next}")] = json!("true");
    }
    json!({"apiVersion": RBAC_V1, "kind": "ClusterRole", "metadata": meta,
        "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {
            format!("rbac.authorization.k8s.io/aggregate-to-{name}"): "true"}}]},
        "rules": []})
}

/// Subjects in short form: `User:name`, `Group:name`, `ServiceAccount:ns/name`.
fn subject(short: &str) -> Value {
    let (kind, name) = short.split_once(':').unwrap_or(("User", short));
    match kind {
        "ServiceAccount" => {
            let (ns, n) = name.split_once('/').unwrap_or(("kube-system", name));
            json!({"kind": "ServiceAccount", "name": n, "namespace": ns})
        }
        _ => json!({"apiGroup": "rbac.authorization.k8s.io", "kind": kind, "name": name}),
    }
}

fn binding(kind: &str, meta: Value, role_kind: &str, role: &str, subjects: &[&str]) -> Value {
    json!({"apiVersion": RBAC_V1, "kind": kind, "metadata": meta,
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role},
        "subjects": subjects.iter().map(|s| subject(s)).collect::<Vec<_>>()})
}

fn plain_meta(name: &str, ns: Option<&str>) -> Value {
    match ns {
        Some(ns) => json!({"name": name, "namespace": ns}),
        None => json!({"name": name}),
    }
}

/// The controller manager's controllers that run under their own service
/// account (`--use-service-account-credentials`), each with a ClusterRole
/// and a ClusterRoleBinding `system:controller:<name>`, and the resources
/// each works on.
pub const CONTROLLERS: [(&str, &str); 31] = [
    ("attachdetach-controller", "|persistentvolumes,persistentvolumeclaims,nodes,pods|get,list,watch"),
    ("certificate-controller", "certificates.k8s.io|certificatesigningrequests|delete,get,list,watch"),
    (
        "clusterrole-aggregation-controller",
        "rbac.authorization.k8s.io|clusterroles|escalate,get,list,patch,update,watch",
    ),
    ("cronjob-controller", "batch|cronjobs,jobs|create,delete,get,list,patch,update,watch"),
    ("daemon-set-controller", "apps,extensions|daemonsets|get,list,watch"),
    ("deployment-controller", "apps,extensions|deployments,replicasets|get,list,update,watch"),
    ("disruption-controller", "policy|poddisruptionbudgets|get,list,watch"),
    ("endpoint-controller", "|services,pods,endpoints|get,list,watch"),
    ("endpointslice-controller", "discovery.k8s.io|endpointslices|create,delete,get,list,update"),
    ("endpointslicemirroring-controller", "discovery.k8s.io|endpointslices|create,delete,get,list,update"),
    ("ephemeral-volume-controller", "|pods,persistentvolumeclaims|create,get,list,watch"),
    ("expand-controller", "|persistentvolumes,persistentvolumeclaims|get,list,patch,update,watch"),
    ("generic-garbage-collector", "*|*|delete,get,list,patch,update,watch"),
    ("horizontal-pod-autoscaler", "autoscaling|horizontalpodautoscalers|get,list,watch"),
    ("job-controller", "batch|jobs|get,list,patch,update,watch"),
    ("legacy-service-account-token-cleaner", "|secrets|delete,get,list,patch,watch"),
    ("namespace-controller", "|namespaces|delete,get,list,watch"),
    ("node-controller", "|nodes|delete,get,list,patch,update"),
    (
        "persistent-volume-binder",
        "|persistentvolumes,persistentvolumeclaims|create,delete,get,list,update,watch",
    ),
    ("pod-garbage-collector", "|pods|delete,list,watch"),
    ("pv-protection-controller", "|persistentvolumes|get,list,update,watch"),
    ("pvc-protection-controller", "|persistentvolumeclaims|get,list,update,watch"),
    ("replicaset-controller", "apps,extensions|replicasets|get,list,update,watch"),
    ("replication-controller", "|replicationcontrollers|get,list,update,watch"),
    ("resourcequota-controller", "*|*|list,watch"),
    ("root-ca-cert-publisher", "|configmaps|create,update"),
    ("service-account-controller", "|serviceaccounts|create"),
    ("statefulset-controller", "apps|statefulsets|get,list,watch"),
    ("ttl-after-finished-controller", "batch|jobs|delete,get,list,watch"),
    ("ttl-controller", "|nodes|list,patch,update,watch"),
    (
        "validatingadmissionpolicy-status-controller",
        "admissionregistration.k8s.io|validatingadmissionpolicies|get,list,watch",
    ),
];

/// Every ClusterRole, in the order the apiserver and kubeadm create them.
pub fn cluster_roles() -> Vec<Value> {
    let b = bootstrap_meta;
    let mut out = vec![
        cluster_role(b("cluster-admin"), &["*|*|*", "||*|*"]),
        cluster_role(
            b("system:discovery"),
            &[
                "||get|/api,/api/*,/apis,/apis/*,/healthz,/livez,/openapi,/openapi/*,/readyz,/version,/version/",
            ],
        ),
        cluster_role(
            b("system:monitoring"),
            &["||get|/healthz,/healthz/*,/livez,/livez/*,/metrics,/metrics/slis,/readyz,/readyz/*"],
        ),
        cluster_role(
            b("system:basic-user"),
            &[
                "authorization.k8s.io|selfsubjectaccessreviews,selfsubjectrulesreviews|create",
                "authentication.k8s.io|selfsubjectreviews|create",
            ],
        ),
        cluster_role(b("system:public-info-viewer"), &["||get|/healthz,/livez,/readyz,/version,/version/"]),
        aggregated("admin"),
        aggregated("edit"),
        aggregated("view"),
    ];
    let mut to = |name: &str, rules: &[&str]| {
        let mut m = b(name);
        let target = name.trim_start_matches("system:aggregate-to-");
        m["labels"][format!("rbac.authorization.k8s.io/aggregate-to-{target}")] = json!("true");
        out.push(cluster_role(m, rules));
    };
    to(
        "system:aggregate-to-admin",
        &[
            "authorization.k8s.io|localsubjectaccessreviews|create",
            "rbac.authorization.k8s.io|rolebindings,roles|create,delete,deletecollection,get,list,patch,update,watch",
        ],
    );
    to(
        "system:aggregate-to-edit",
        &[
            "|pods,pods/attach,pods/exec,pods/portforward,pods/proxy|create,delete,deletecollection,patch,update",
            "|configmaps,events,persistentvolumeclaims,replicationcontrollers,secrets,serviceaccounts,services|create,delete,deletecollection,patch,update",
            "apps|daemonsets,deployments,replicasets,statefulsets|create,delete,deletecollection,patch,update",
            "batch|cronjobs,jobs|create,delete,deletecollection,patch,update",
            "networking.k8s.io|ingresses,networkpolicies|create,delete,deletecollection,patch,update",
        ],
    );
    to(
        "system:aggregate-to-view",
        &[
            "|configmaps,endpoints,persistentvolumeclaims,pods,replicationcontrollers,serviceaccounts,services|get,list,watch",
            "|bindings,events,limitranges,namespaces,pods/log,pods/status,resourcequotas|get,list,watch",
            "apps|controllerrevisions,daemonsets,deployments,replicasets,statefulsets|get,list,watch",
            "batch|cronjobs,jobs|get,list,watch",
            "networking.k8s.io|ingresses,networkpolicies|get,list,watch",
            "discovery.k8s.io|endpointslices|get,list,watch",
        ],
    );
    let rest: [(&str, &[&str]); 22] = [
        ("system:heapster", &["|events,namespaces,nodes,pods|get,list,watch"]),
        (
            "system:node",
            &[
                "authentication.k8s.io|tokenreviews|create",
                "authorization.k8s.io|localsubjectaccessreviews,subjectaccessreviews|create",
                "|services|get,list,watch",
                "|nodes|create,get,list,watch,patch,update",
                "|nodes/status|patch,update",
                "|events|create,patch,update",
                "|pods|get,list,watch,create,delete",
                "|pods/status|patch,update",
                "|configmaps,secrets|get,list,watch",
                "coordination.k8s.io|leases|create,delete,get,patch,update",
                "storage.k8s.io|csinodes|create,delete,get,patch,update",
            ],
        ),
        (
            "system:node-problem-detector",
            &["|nodes|get", "|nodes/status|patch", "|events|create,patch,update"],
        ),
        (
            "system:kubelet-api-admin",
            &["|nodes|get,list,watch,proxy", "|nodes/log,nodes/metrics,nodes/proxy,nodes/stats|*"],
        ),
        (
            "system:node-bootstrapper",
            &["certificates.k8s.io|certificatesigningrequests|create,get,list,watch"],
        ),
        (
            "system:auth-delegator",
            &[
                "authentication.k8s.io|tokenreviews|create",
                "authorization.k8s.io|subjectaccessreviews|create",
            ],
        ),
        ("system:kube-aggregator", &["|endpoints,services|get,list,watch"]),
        (
            "system:kube-controller-manager",
            &[
                "|events|create,patch,update",
                "coordination.k8s.io|leases|create",
                "coordination.k8s.io|leases|get,update",
                "|secrets,serviceaccounts|create",
                "|secrets|delete",
                "|configmaps,namespaces,secrets,serviceaccounts|get",
                "*|*|list,watch",
                "authentication.k8s.io|tokenreviews|create",
                "authorization.k8s.io|subjectaccessreviews|create",
            ],
        ),
        ("system:kube-dns", &["|endpoints,services|list,watch"]),
        (
            "system:persistent-volume-provisioner",
            &[
                "|persistentvolumes|create,delete,get,list,watch",
                "|persistentvolumeclaims|get,list,update,watch",
                "storage.k8s.io|storageclasses|get,list,watch",
                "|events|list,watch,create,patch,update",
            ],
        ),
        (
            "system:certificates.k8s.io:certificatesigningrequests:nodeclient",
            &["certificates.k8s.io|certificatesigningrequests/nodeclient|create"],
        ),
        (
            "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient",
            &["certificates.k8s.io|certificatesigningrequests/selfnodeclient|create"],
        ),
        (
            "system:volume-scheduler",
            &[
                "|persistentvolumes|get,list,patch,update,watch",
                "storage.k8s.io|storageclasses|get,list,watch",
                "|persistentvolumeclaims|get,list,patch,update,watch",
            ],
        ),
        ("system:certificates.k8s.io:legacy-unknown-approver", &["certificates.k8s.io|signers|approve"]),
        ("system:certificates.k8s.io:kubelet-serving-approver", &["certificates.k8s.io|signers|approve"]),
        (
            "system:certificates.k8s.io:kube-apiserver-client-approver",
            &["certificates.k8s.io|signers|approve"],
        ),
        (
            "system:certificates.k8s.io:kube-apiserver-client-kubelet-approver",
            &["certificates.k8s.io|signers|approve"],
        ),
        (
            "system:service-account-issuer-discovery",
            &[
                "||get|/.well-known/openid-configuration,/.well-known/openid-configuration/,/openid/v1/jwks,/openid/v1/jwks/",
            ],
        ),
        (
            "system:node-proxier",
            &[
                "|endpoints,services|list,watch",
                "|nodes|get,list,watch",
                "|events|create,patch,update",
                "discovery.k8s.io|endpointslices|list,watch",
            ],
        ),
        (
            "system:kube-scheduler",
            &[
                "|events|create,patch,update",
                "coordination.k8s.io|leases|create",
                "coordination.k8s.io|leases|get,update",
                "|endpoints|create",
                "|endpoints|get,update",
                "|nodes|get,list,watch",
                "|pods|delete,get,list,watch",
                "|bindings,pods/binding|create",
                "|pods/status|patch,update",
                "|replicationcontrollers,services|get,list,watch",
                "apps,extensions|replicasets|get,list,watch",
                "apps|statefulsets|get,list,watch",
                "policy|poddisruptionbudgets|get,list,watch",
                "|persistentvolumeclaims,persistentvolumes|get,list,watch",
                "authentication.k8s.io|tokenreviews|create",
                "authorization.k8s.io|subjectaccessreviews|create",
                "storage.k8s.io|csinodes|get,list,watch",
                "|namespaces|get,list,watch",
                "storage.k8s.io|csidrivers,csistoragecapacities|get,list,watch",
            ],
        ),
        ("system:controller:route-controller", &["|nodes|list,watch", "|nodes/status|patch"]),
        (
            "system:controller:service-controller",
            &[
                "|services|get,list,watch",
                "|services/status|patch,update",
                "|nodes|list,watch",
                "|events|create,patch,update",
            ],
        ),
    ];
    for (name, rules) in rest {
        out.push(cluster_role(b(name), rules));
    }
    for (c, r) in CONTROLLERS {
        out.push(cluster_role(b(&format!("system:controller:{c}")), &[r, "|events|create,patch,update"]));
    }
    out.push(cluster_role(plain_meta("kubeadm:get-nodes", None), &["|nodes|get"]));
    out.push(cluster_role(
        plain_meta("system:coredns", None),
        &["|endpoints,services,pods,namespaces|list,watch", "discovery.k8s.io|endpointslices|list,watch"],
    ));
    slim::sort_by(&mut out, |a, b| name(a).cmp(name(b)));
    out
}

fn name(v: &Value) -> &str {
    v.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("")
}

/// Every ClusterRoleBinding.
pub fn cluster_role_bindings() -> Vec<Value> {
    let b = bootstrap_meta;
    let crb = |meta: Value, role: &str, subjects: &[&str]| {
        binding("ClusterRoleBinding", meta, "ClusterRole", role, subjects)
    };
    let mut out = vec![
        crb(b("cluster-admin"), "cluster-admin", &["Group:system:masters"]),
        crb(b("system:monitoring"), "system:monitoring", &["Group:system:monitoring"]),
        crb(b("system:discovery"), "system:discovery", &["Group:system:authenticated"]),
        crb(b("system:basic-user"), "system:basic-user", &["Group:system:authenticated"]),
        crb(
            b("system:public-info-viewer"),
            "system:public-info-viewer",
            &["Group:system:authenticated", "Group:system:unauthenticated"],
        ),
        crb(b("system:node-proxier"), "system:node-proxier", &["User:system:kube-proxy"]),
        crb(
            b("system:kube-controller-manager"),
            "system:kube-controller-manager",
            &["User:system:kube-controller-manager"],
        ),
        crb(b("system:kube-dns"), "system:kube-dns", &["ServiceAccount:kube-system/kube-dns"]),
        crb(b("system:kube-scheduler"), "system:kube-scheduler", &["User:system:kube-scheduler"]),
        crb(b("system:volume-scheduler"), "system:volume-scheduler", &["User:system:kube-scheduler"]),
        crb(b("system:node"), "system:node", &[]),
        crb(
            b("system:service-account-issuer-discovery"),
            "system:service-account-issuer-discovery",
            &["Group:system:serviceaccounts"],
        ),
        crb(
            b("system:controller:route-controller"),
            "system:controller:route-controller",
            &["ServiceAccount:kube-system/route-controller"],
        ),
        crb(
            b("system:controller:service-controller"),
            "system:controller:service-controller",
            &["ServiceAccount:kube-system/service-controller"],
        ),
    ];
    for (c, _) in CONTROLLERS {
        let n = format!("system:controller:{c}");
        out.push(crb(b(&n), &n, &[&format!("ServiceAccount:kube-system/{c}")]));
    }
    let p = |n: &str| plain_meta(n, None);
    out.push(crb(p("kubeadm:cluster-admins"), "cluster-admin", &["Group:kubeadm:cluster-admins"]));
    out.push(crb(
        p("kubeadm:get-nodes"),
        "kubeadm:get-nodes",
        &["Group:system:bootstrappers:kubeadm:default-node-token"],
    ));
    out.push(crb(
        p("kubeadm:kubelet-bootstrap"),
        "system:node-bootstrapper",
        &["Group:system:bootstrappers:kubeadm:default-node-token"],
    ));
    out.push(crb(
        p("kubeadm:node-autoapprove-bootstrap"),
        "system:certificates.k8s.io:certificatesigningrequests:nodeclient",
        &["Group:system:bootstrappers:kubeadm:default-node-token"],
    ));
    out.push(crb(
        p("kubeadm:node-autoapprove-certificate-rotation"),
        "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient",
        &["Group:system:nodes"],
    ));
    out.push(crb(
        p("kubeadm:node-proxier"),
        "system:node-proxier",
        &["ServiceAccount:kube-system/kube-proxy"],
    ));
    out.push(crb(p("system:coredns"), "system:coredns", &["ServiceAccount:kube-system/coredns"]));
    slim::sort_by(&mut out, |a, b| name(a).cmp(name(b)));
    out
}

/// Roles and RoleBindings in kube-system and kube-public.
pub fn roles_and_bindings() -> Vec<Value> {
    let b = |n: &str, ns: &str| {
        let mut m = bootstrap_meta(n);
        m["namespace"] = json!(ns);
        m
    };
    let role = |meta: Value, rules: &[&str]| {
        json!({"apiVersion": RBAC_V1, "kind": "Role", "metadata": meta,
            "rules": rules.iter().map(|r| rule(r)).collect::<Vec<_>>()})
    };
    let rb =
        |meta: Value, role: &str, subjects: &[&str]| binding("RoleBinding", meta, "Role", role, subjects);
    let (ks, kp) = ("kube-system", "kube-public");
    let p = |n: &str, ns: &str| plain_meta(n, Some(ns));
    vec![
        role(b("extension-apiserver-authentication-reader", ks), &["|configmaps|get,list,watch"]),
        role(
            b("system::leader-locking-kube-controller-manager", ks),
            &["|configmaps|watch", "|configmaps|get,update"],
        ),
        role(
            b("system::leader-locking-kube-scheduler", ks),
            &["|configmaps|watch", "|configmaps|get,update"],
        ),
        role(b("system:controller:bootstrap-signer", ks), &["|secrets|get,list,watch"]),
        role(b("system:controller:cloud-provider", ks), &["|configmaps|create,get,list,watch"]),
        role(
            b("system:controller:token-cleaner", ks),
            &["|secrets|delete,get,list,watch", "|events|create,patch,update"],
        ),
        role(
            b("system:controller:bootstrap-signer", kp),
            &["|configmaps|get,list,watch", "|configmaps|update", "|events|create,patch,update"],
        ),
        rb(
            b("system::extension-apiserver-authentication-reader", ks),
            "extension-apiserver-authentication-reader",
            &["User:system:kube-controller-manager", "User:system:kube-scheduler"],
        ),
        rb(
            b("system::leader-locking-kube-controller-manager", ks),
            "system::leader-locking-kube-controller-manager",
            &["User:system:kube-controller-manager", "ServiceAccount:kube-system/kube-controller-manager"],
        ),
        rb(
            b("system::leader-locking-kube-scheduler", ks),
            "system::leader-locking-kube-scheduler",
            &["User:system:kube-scheduler", "ServiceAccount:kube-system/kube-scheduler"],
        ),
        rb(
            b("system:controller:bootstrap-signer", ks),
            "system:controller:bootstrap-signer",
            &["ServiceAccount:kube-system/bootstrap-signer"],
        ),
        rb(
            b("system:controller:cloud-provider", ks),
            "system:controller:cloud-provider",
            &["ServiceAccount:kube-system/cloud-provider"],
        ),
        rb(
            b("system:controller:token-cleaner", ks),
            "system:controller:token-cleaner",
            &["ServiceAccount:kube-system/token-cleaner"],
        ),
        rb(
            b("system:controller:bootstrap-signer", kp),
            "system:controller:bootstrap-signer",
            &["ServiceAccount:kube-system/bootstrap-signer"],
        ),
        role(p("kubeadm:kubelet-config", ks), &["|configmaps|get"]),
        role(p("kubeadm:nodes-kubeadm-config", ks), &["|configmaps|get"]),
        role(p("kube-proxy", ks), &["|configmaps|get"]),
        role(p("kubeadm:bootstrap-signer-clusterinfo", kp), &["|configmaps|get"]),
        rb(
            p("kubeadm:kubelet-config", ks),
            "kubeadm:kubelet-config",
            &["Group:system:nodes", "Group:system:bootstrappers:kubeadm:default-node-token"],
        ),
        rb(
            p("kubeadm:nodes-kubeadm-config", ks),
            "kubeadm:nodes-kubeadm-config",
            &["Group:system:bootstrappers:kubeadm:default-node-token", "Group:system:nodes"],
        ),
        rb(p("kube-proxy", ks), "kube-proxy", &["Group:system:bootstrappers:kubeadm:default-node-token"]),
        rb(
            p("kubeadm:bootstrap-signer-clusterinfo", kp),
            "kubeadm:bootstrap-signer-clusterinfo",
            &["User:system:anonymous"],
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_rules_expand() {
        assert_eq!(
            rule("|pods|get,list"),
            json!({"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]})
        );
        assert_eq!(rule("||get|/healthz"), json!({"nonResourceURLs": ["/healthz"], "verbs": ["get"]}));
        assert_eq!(
            subject("ServiceAccount:kube-system/coredns"),
            json!({"kind": "ServiceAccount", "name": "coredns", "namespace": "kube-system"})
        );
    }

    #[test]
    fn every_controller_has_a_role_and_a_binding() {
        let roles: Vec<String> = cluster_roles().iter().map(|r| name(r).to_string()).collect();
        let bindings: Vec<String> = cluster_role_bindings().iter().map(|r| name(r).to_string()).collect();
        for (c, _) in CONTROLLERS {
            let n = format!("system:controller:{c}");
            assert!(roles.contains(&n) && bindings.contains(&n), "{n}");
        }
        assert!(roles.iter().any(|r| r == "cluster-admin"));
        assert_eq!(roles.len(), 66);
        assert_eq!(bindings.len(), 52);
    }
}
