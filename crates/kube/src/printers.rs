//! kubectl's tables: the columns `kubectl get` prints per kind (and the
//! extra ones of `-o wide`), aligned as kubectl's tabwriter aligns them
//! (three spaces of padding, cells at least six wide, the last column bare).
//!
//! ```text
//!   NAME                     READY   STATUS    RESTARTS   AGE
//!   web-7c5ddbdf54-x2x8k     1/1     Running   0          12s
//! ```

use serde_json::Value;

use crate::meta;

/// Aligns `rows` (the first is the header) as kubectl does.
pub fn table(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; cols];
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count() + 3).max(6);
        }
    }
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (i, c) in r.iter().enumerate() {
            line.push_str(c);
            if i + 1 < r.len() {
                for _ in c.chars().count()..widths[i] {
                    line.push(' ');
                }
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn s<'a>(v: &'a Value, ptr: &str) -> &'a str {
    v.pointer(ptr).and_then(Value::as_str).unwrap_or("")
}

fn n(v: &Value, ptr: &str) -> i64 {
    v.pointer(ptr).and_then(Value::as_i64).unwrap_or(0)
}

fn or_none(x: &str) -> String {
    if x.is_empty() { "<none>".to_string() } else { x.to_string() }
}

fn map_len(v: &Value, ptr: &str) -> usize {
    v.pointer(ptr).and_then(Value::as_object).map_or(0, |m| m.len())
}

/// `a=b,c=d` of a label map.
pub fn labels(v: Option<&Value>) -> String {
    match v.and_then(Value::as_object) {
        Some(m) if !m.is_empty() => {
            m.iter().map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or(""))).collect::<Vec<_>>().join(",")
        }
        _ => "<none>".to_string(),
    }
}

/// The column headers for `kind` (and `-o wide`).
pub fn headers(kind: &str, wide: bool) -> Vec<String> {
    let base: &[&str] = match kind {
        "Pod" => &["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
        "Deployment" => &["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
        "ReplicaSet" => &["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
        "Service" => &["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"],
        "ConfigMap" => &["NAME", "DATA", "AGE"],
        "Secret" => &["NAME", "TYPE", "DATA", "AGE"],
        "Namespace" => &["NAME", "STATUS", "AGE"],
        "Node" => &["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
        "ServiceAccount" => &["NAME", "SECRETS", "AGE"],
        "Role" | "ClusterRole" | "CustomResourceDefinition" => &["NAME", "CREATED AT"],
        "RoleBinding" | "ClusterRoleBinding" => &["NAME", "ROLE", "AGE"],
        "Event" => &["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
        "Endpoints" => &["NAME", "ENDPOINTS", "AGE"],
        "Ingress" => &["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"],
        "DaemonSet" => {
            &["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE"]
        }
        "Lease" => &["NAME", "HOLDER", "AGE"],
        "EndpointSlice" => &["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"],
        "PriorityClass" => &["NAME", "VALUE", "GLOBAL-DEFAULT", "AGE"],
        "APIService" => &["NAME", "SERVICE", "AVAILABLE", "AGE"],
        _ => &["NAME", "AGE"],
    };
    let extra: &[&str] = match (kind, wide) {
        ("Pod", true) => &["IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
        ("Deployment" | "ReplicaSet", true) => &["CONTAINERS", "IMAGES", "SELECTOR"],
        ("Service", true) => &["SELECTOR"],
        ("Node", true) => &["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"],
        ("RoleBinding" | "ClusterRoleBinding", true) => &["USERS", "GROUPS", "SERVICEACCOUNTS"],
        _ => &[],
    };
    base.iter().chain(extra).map(|h| h.to_string()).collect()
}

/// The STATUS kubectl shows for a pod.
pub fn pod_status(p: &Value) -> String {
    if p.pointer("/metadata/deletionTimestamp").is_some() {
        return "Terminating".to_string();
    }
    if let Some(cs) = p.pointer("/status/containerStatuses").and_then(Value::as_array) {
        for c in cs {
            let reason = s(c, "/state/waiting/reason");
            if !reason.is_empty() {
                return reason.to_string();
            }
        }
    }
    let phase = s(p, "/status/phase");
    if phase.is_empty() { "Pending".to_string() } else { phase.to_string() }
}

fn containers(v: &Value, ptr: &str) -> (String, String) {
    let cs = v.pointer(ptr).and_then(Value::as_array).cloned().unwrap_or_default();
    let names: Vec<&str> = cs.iter().map(|c| s(c, "/name")).collect();
    let images: Vec<&str> = cs.iter().map(|c| s(c, "/image")).collect();
    (names.join(","), images.join(","))
}

/// One row of `kind` for `obj` at `now_ms`; `name` is the first cell
/// (`web` or `pod/web`).
pub fn row(kind: &str, obj: &Value, name: &str, now_ms: u64, wide: bool) -> Vec<String> {
    let age = meta::age(obj, now_ms);
    let created = s(obj, "/metadata/creationTimestamp").to_string();
    let mut r: Vec<String> = match kind {
        "Pod" => {
            let cs = obj.pointer("/status/containerStatuses").and_then(Value::as_array);
            let total = obj.pointer("/spec/containers").and_then(Value::as_array).map_or(0, Vec::len);
            let ready =
                cs.map_or(0, |c| c.iter().filter(|c| c.get("ready") == Some(&Value::Bool(true))).count());
            let restarts: i64 = cs.map_or(0, |c| c.iter().map(|c| n(c, "/restartCount")).sum());
            vec![name.into(), format!("{ready}/{total}"), pod_status(obj), restarts.to_string(), age]
        }
        "Deployment" => vec![
            name.into(),
            format!("{}/{}", n(obj, "/status/readyReplicas"), n(obj, "/spec/replicas")),
            n(obj, "/status/updatedReplicas").to_string(),
            n(obj, "/status/availableReplicas").to_string(),
            age,
        ],
        "ReplicaSet" => vec![
            name.into(),
            n(obj, "/spec/replicas").to_string(),
            n(obj, "/status/replicas").to_string(),
            n(obj, "/status/readyReplicas").to_string(),
            age,
        ],
        "Service" => {
            let ty = s(obj, "/spec/type");
            let ports: Vec<String> = obj
                .pointer("/spec/ports")
                .and_then(Value::as_array)
                .map(|ps| {
                    ps.iter()
                        .map(|p| {
                            let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
                            match p.get("nodePort").and_then(Value::as_i64) {
                                Some(np) => format!("{}:{np}/{proto}", n(p, "/port")),
                                None => format!("{}/{proto}", n(p, "/port")),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            let external = match ty {
                "LoadBalancer" => "<pending>".to_string(),
                "ExternalName" => s(obj, "/spec/externalName").to_string(),
                _ => "<none>".to_string(),
            };
            let ip =
                if ty == "ExternalName" { "<none>".to_string() } else { or_none(s(obj, "/spec/clusterIP")) };
            let ports = if ports.is_empty() { "<none>".to_string() } else { ports.join(",") };
            vec![name.into(), ty.to_string(), ip, external, ports, age]
        }
        "ConfigMap" => {
            vec![name.into(), (map_len(obj, "/data") + map_len(obj, "/binaryData")).to_string(), age]
        }
        "Secret" => vec![name.into(), s(obj, "/type").to_string(), map_len(obj, "/data").to_string(), age],
        "Namespace" => vec![name.into(), s(obj, "/status/phase").to_string(), age],
        "Node" => {
            let ready = obj
                .pointer("/status/conditions")
                .and_then(Value::as_array)
                .and_then(|cs| cs.iter().find(|c| s(c, "/type") == "Ready"))
                .map(|c| if s(c, "/status") == "True" { "Ready" } else { "NotReady" })
                .unwrap_or("Unknown");
            let roles: Vec<&str> = obj
                .pointer("/metadata/labels")
                .and_then(Value::as_object)
                .map(|m| m.keys().filter_map(|k| k.strip_prefix("node-role.kubernetes.io/")).collect())
                .unwrap_or_default();
            vec![
                name.into(),
                ready.to_string(),
                if roles.is_empty() { "<none>".to_string() } else { roles.join(",") },
                age,
                s(obj, "/status/nodeInfo/kubeletVersion").to_string(),
            ]
        }
        "ServiceAccount" => vec![name.into(), "0".to_string(), age],
        "Role" | "ClusterRole" | "CustomResourceDefinition" => vec![name.into(), created],
        "RoleBinding" | "ClusterRoleBinding" => {
            vec![name.into(), format!("{}/{}", s(obj, "/roleRef/kind"), s(obj, "/roleRef/name")), age]
        }
        "Event" => {
            let last = s(obj, "/lastTimestamp");
            let seen = meta::parse_timestamp(last)
                .map_or_else(|| "<unknown>".to_string(), |t| meta::human_duration(now_ms.saturating_sub(t)));
            vec![
                seen,
                s(obj, "/type").to_string(),
                s(obj, "/reason").to_string(),
                format!(
                    "{}/{}",
                    s(obj, "/involvedObject/kind").to_lowercase(),
                    s(obj, "/involvedObject/name")
                ),
                s(obj, "/message").to_string(),
            ]
        }
        "Endpoints" => {
            let mut eps = Vec::new();
            for sub in obj.get("subsets").and_then(Value::as_array).into_iter().flatten() {
                let ports: Vec<i64> = sub
                    .get("ports")
                    .and_then(Value::as_array)
                    .map(|ps| ps.iter().map(|p| n(p, "/port")).collect())
                    .unwrap_or_default();
                for a in sub.get("addresses").and_then(Value::as_array).into_iter().flatten() {
                    for p in &ports {
                        eps.push(format!("{}:{p}", s(a, "/ip")));
                    }
                }
            }
            let shown = match eps.len() {
                0 => "<none>".to_string(),
                1..=3 => eps.join(","),
                k => format!("{} + {} more...", eps[..3].join(","), k - 3),
            };
            vec![name.into(), shown, age]
        }
        "Ingress" => vec![
            name.into(),
            or_none(s(obj, "/spec/ingressClassName")),
            "*".to_string(),
            String::new(),
            "80".to_string(),
            age,
        ],
        "DaemonSet" => {
            let st = |f: &str| n(obj, &format!("/status/{f}")).to_string();
            let selector = labels(obj.pointer("/spec/template/spec/nodeSelector"));
            vec![
                name.into(),
                st("desiredNumberScheduled"),
                st("currentNumberScheduled"),
                st("numberReady"),
                st("updatedNumberScheduled"),
                st("numberAvailable"),
                selector,
                age,
            ]
        }
        "Lease" => vec![name.into(), s(obj, "/spec/holderIdentity").to_string(), age],
        "EndpointSlice" => {
            let list = |ptr: &str, f: &dyn Fn(&Value) -> Vec<String>| -> Vec<String> {
                obj.pointer(ptr)
                    .and_then(Value::as_array)
                    .map(|a| a.iter().flat_map(f).collect())
                    .unwrap_or_default()
            };
            let ports = list("/ports", &|p| vec![n(p, "/port").to_string()]);
            let eps = list("/endpoints", &|e| {
                e.get("addresses")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
                    .unwrap_or_default()
            });
            let shown = match eps.len() {
                0 => "<unset>".to_string(),
                1..=3 => eps.join(","),
                k => format!("{} + {} more...", eps[..3].join(","), k - 3),
            };
            let ports = if ports.is_empty() { "<unset>".to_string() } else { ports.join(",") };
            vec![name.into(), s(obj, "/addressType").to_string(), ports, shown, age]
        }
        "PriorityClass" => vec![
            name.into(),
            n(obj, "/value").to_string(),
            obj.get("globalDefault").and_then(Value::as_bool).unwrap_or(false).to_string(),
            age,
        ],
        "APIService" => {
            let available = obj
                .pointer("/status/conditions")
                .and_then(Value::as_array)
                .and_then(|cs| cs.iter().find(|c| c.get("type") == Some(&Value::from("Available"))))
                .map_or("Unknown".to_string(), |c| s(c, "/status").to_string());
            let service = match obj.pointer("/spec/service") {
                Some(svc) if !svc.is_null() => format!("{}/{}", s(svc, "/namespace"), s(svc, "/name")),
                _ => "Local".to_string(),
            };
            vec![name.into(), service, available, age]
        }
        _ => vec![name.into(), age],
    };
    if wide {
        match kind {
            "Pod" => {
                r.push(or_none(s(obj, "/status/podIP")));
                r.push(or_none(s(obj, "/spec/nodeName")));
                r.push("<none>".into());
                r.push("<none>".into());
            }
            "Deployment" | "ReplicaSet" => {
                let (c, i) = containers(obj, "/spec/template/spec/containers");
                r.push(c);
                r.push(i);
                r.push(labels(obj.pointer("/spec/selector/matchLabels")));
            }
            "Service" => r.push(labels(obj.pointer("/spec/selector"))),
            "Node" => {
                let ip = obj
                    .pointer("/status/addresses")
                    .and_then(Value::as_array)
                    .and_then(|a| a.iter().find(|x| s(x, "/type") == "InternalIP"))
                    .map_or("<none>", |x| s(x, "/address"));
                r.push(ip.to_string());
                r.push("<none>".into());
                r.push(s(obj, "/status/nodeInfo/osImage").to_string());
                r.push(s(obj, "/status/nodeInfo/kernelVersion").to_string());
                r.push(s(obj, "/status/nodeInfo/containerRuntimeVersion").to_string());
            }
            "RoleBinding" | "ClusterRoleBinding" => {
                let subjects = obj.get("subjects").and_then(Value::as_array).cloned().unwrap_or_default();
                let of = |k: &str| {
                    let v: Vec<String> = subjects
                        .iter()
                        .filter(|x| s(x, "/kind") == k)
                        .map(|x| {
                            if k == "ServiceAccount" {
                                format!("{}/{}", s(x, "/namespace"), s(x, "/name"))
                            } else {
                                s(x, "/name").to_string()
                            }
                        })
                        .collect();
                    if v.is_empty() { String::new() } else { v.join(", ") }
                };
                r.push(of("User"));
                r.push(of("Group"));
                r.push(of("ServiceAccount"));
            }
            _ => {}
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_like_tabwriter() {
        let t = table(&[
            vec!["NAME".into(), "DATA".into(), "AGE".into()],
            vec!["app-config".into(), "3".into(), "5s".into()],
        ]);
        assert_eq!(t, "NAME         DATA   AGE\napp-config   3      5s\n");
    }
}
