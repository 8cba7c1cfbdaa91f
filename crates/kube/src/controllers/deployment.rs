//! The deployment controller: for each Deployment, a ReplicaSet named
//! after the pod template's hash (`web-7c5ddbdf54`) with the desired
//! replicas; older ReplicaSets of the Deployment are scaled to zero; the
//! Deployment's status sums its ReplicaSets'.
//!
//! ```text
//!   Deployment web (replicas 3, template T)
//!     ──► ReplicaSet web-<hash(T)>  replicas 3, ownerReferences [web], label pod-template-hash
//!     ──► Event ScalingReplicaSet: Scaled up replica set web-<hash> to 3
//!     ──► status: replicas 3, updatedReplicas 3, readyReplicas 3, availableReplicas 3
//! ```

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use sim::Sim;

use super::{Controllers, events, owner_uid, uid};
use crate::apiserver::ApiServer;
use crate::{keys, meta};

/// The `pod-template-hash` of a pod template: ten characters of the
/// alphabet Kubernetes uses for generated names.
pub fn template_hash(template: &Value) -> String {
    const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let d = Sha256::digest(template.to_string().as_bytes());
    let mut n = u64::from_be_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]]);
    (0..10)
        .map(|_| {
            let c = ALPHANUMS[(n % ALPHANUMS.len() as u64) as usize] as char;
            n /= ALPHANUMS.len() as u64;
            c
        })
        .collect()
}

fn n(v: &Value, p: &str) -> i64 {
    v.pointer(p).and_then(Value::as_i64).unwrap_or(0)
}

fn with_label(labels: Option<&Value>, key: &str, value: &str) -> Value {
    let mut m: Map<String, Value> = labels.and_then(Value::as_object).cloned().unwrap_or_default();
    m.insert(key.to_string(), json!(value));
    Value::Object(m)
}

/// Reconciles every Deployment.
pub fn reconcile(c: &mut Controllers, api: &mut ApiServer, sim: &mut Sim) {
    let now = sim.now_ms();
    let Some(rs_kind) = api.catalog.by_kind("ReplicaSet").cloned() else { return };
    let replica_sets = c.objects("ReplicaSet");
    for (dkey, d, drev) in c.objects("Deployment") {
        if d.pointer("/metadata/deletionTimestamp").is_some() {
            continue;
        }
        let (name, ns) = (meta::name(&d).to_string(), meta::namespace(&d).to_string());
        let desired = d.pointer("/spec/replicas").and_then(Value::as_i64).unwrap_or(1);
        let template = d.pointer("/spec/template").cloned().unwrap_or(json!({}));
        let hash = template_hash(&template);
        let rs_name = format!("{name}-{hash}");
        let rs_key = keys::key(&rs_kind, &ns, &rs_name);
        let owned: Vec<&(String, Value, i64)> =
            replica_sets.iter().filter(|(_, rs, _)| owner_uid(rs) == Some(uid(&d))).collect();
        let current = owned.iter().find(|(k, _, _)| *k == rs_key);
        match current {
            None => {
                if c.busy(&rs_key) {
                    continue;
                }
                let mut tpl = template.clone();
                super::set(
                    &mut tpl,
                    &["metadata", "labels"],
                    with_label(template.pointer("/metadata/labels"), "pod-template-hash", &hash),
                );
                let rs = json!({
                    "apiVersion": "apps/v1",
                    "kind": "ReplicaSet",
                    "metadata": {
                        "name": rs_name,
                        "namespace": ns,
                        "labels": with_label(template.pointer("/metadata/labels"), "pod-template-hash", &hash),
                        "annotations": {
                            "deployment.kubernetes.io/desired-replicas": desired.to_string(),
                            "deployment.kubernetes.io/max-replicas": (desired + (desired + 3) / 4).to_string(),
                            "deployment.kubernetes.io/revision": (owned.len() + 1).to_string(),
                        },
                        "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": name,
                            "uid": uid(&d), "controller": true, "blockOwnerDeletion": true}],
                    },
                    "spec": {
                        "replicas": desired,
                        "selector": {"matchLabels": with_label(d.pointer("/spec/selector/matchLabels"), "pod-template-hash", &hash)},
                        "template": tpl,
                    },
                });
                c.create(api, sim, rs, None);
                let msg = format!("Scaled up replica set {rs_name} to {desired}");
                events::record(c, &d, "Deployment", "ScalingReplicaSet", msg, "deployment-controller", now);
                continue;
            }
            Some((k, rs, rev)) => {
                let have = n(rs, "/spec/replicas");
                if have != desired && !c.busy(k) {
                    let mut new = rs.clone();
                    super::set(&mut new, &["spec", "replicas"], json!(desired));
                    c.update(api, sim, "ReplicaSet", (k, rs, *rev), new);
                    let dir = if desired > have { "up" } else { "down" };
                    let msg = format!("Scaled {dir} replica set {rs_name} to {desired} from {have}");
                    events::record(
                        c,
                        &d,
                        "Deployment",
                        "ScalingReplicaSet",
                        msg,
                        "deployment-controller",
                        now,
                    );
                }
            }
        }
        for (k, rs, rev) in owned.iter().filter(|(k, _, _)| *k != rs_key) {
            let have = n(rs, "/spec/replicas");
            if have > 0 && !c.busy(k) {
                let mut new = rs.clone();
                super::set(&mut new, &["spec", "replicas"], json!(0));
                c.update(api, sim, "ReplicaSet", (k, rs, *rev), new);
                let msg = format!("Scaled down replica set {} to 0 from {have}", meta::name(rs));
                events::record(c, &d, "Deployment", "ScalingReplicaSet", msg, "deployment-controller", now);
            }
        }
        // Status from the ReplicaSets.
        let sum = |p: &str| owned.iter().map(|(_, rs, _)| n(rs, p)).sum::<i64>();
        let updated = current.map_or(0, |(_, rs, _)| n(rs, "/status/replicas"));
        let available = sum("/status/availableReplicas");
        let fields = [
            ("observedGeneration", n(&d, "/metadata/generation")),
            ("replicas", sum("/status/replicas")),
            ("updatedReplicas", updated),
            ("readyReplicas", sum("/status/readyReplicas")),
            ("availableReplicas", available),
            ("unavailableReplicas", (desired - available).max(0)),
        ];
        let changed = fields.iter().any(|(f, v)| n(&d, &format!("/status/{f}")) != *v);
        if changed && !c.busy(&dkey) {
            let mut status = Map::new();
            for (f, v) in fields {
                if v != 0 || f == "observedGeneration" {
                    status.insert(f.to_string(), json!(v));
                }
            }
            let ts = meta::timestamp(now);
            let avail = if available >= desired { "True" } else { "False" };
            status.insert(
                "conditions".into(),
                json!([
                    {"type": "Available", "status": avail, "lastUpdateTime": ts, "lastTransitionTime": ts,
                     "reason": if avail == "True" { "MinimumReplicasAvailable" } else { "MinimumReplicasUnavailable" },
                     "message": if avail == "True" { "Deployment has minimum availability." } else { "Deployment does not have minimum availability." }},
                    {"type": "Progressing", "status": "True", "lastUpdateTime": ts, "lastTransitionTime": ts,
                     "reason": "NewReplicaSetAvailable", "message": format!("ReplicaSet \"{rs_name}\" has successfully progressed.")}
                ]),
            );
            let mut new = d.clone();
            super::set(&mut new, &["status"], Value::Object(status));
            c.update(api, sim, "Deployment", (&dkey, &d, drev), new);
        }
    }
}
