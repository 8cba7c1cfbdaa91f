//! The replicaset controller: keeps `spec.replicas` pods owned by each
//! ReplicaSet (creating `<rs>-<5 chars>` pods from its template, deleting
//! extras), reports counts in the ReplicaSet's status; and the garbage
//! collector, which deletes pods and ReplicaSets whose owner is gone.
//!
//! ```text
//!   ReplicaSet web-7c5ddbdf54 (replicas 3, owns 1 pod)
//!     ──► create web-7c5ddbdf54-x2x8k, web-7c5ddbdf54-q9zrt   Events SuccessfulCreate
//!   Deployment deleted ──► its ReplicaSets deleted ──► their pods deleted
//! ```

use serde_json::{Value, json};
use sim::Sim;

use super::{Controllers, events, owner_uid, uid, uids};
use crate::apiserver::ApiServer;
use crate::meta;

fn n(v: &Value, p: &str) -> i64 {
    v.pointer(p).and_then(Value::as_i64).unwrap_or(0)
}

fn ready(pod: &Value) -> bool {
    pod.pointer("/status/conditions").and_then(Value::as_array).is_some_and(|cs| {
        cs.iter().any(|c| c.get("type") == Some(&json!("Ready")) && c.get("status") == Some(&json!("True")))
    })
}

/// Reconciles every ReplicaSet.
pub fn reconcile(c: &mut Controllers, api: &mut ApiServer, sim: &mut Sim) {
    let now = sim.now_ms();
    let pods = c.objects("Pod");
    for (rkey, rs, rrev) in c.objects("ReplicaSet") {
        if c.owner_busy(&rkey) || rs.pointer("/metadata/deletionTimestamp").is_some() {
            continue;
        }
        let (name, ns) = (meta::name(&rs).to_string(), meta::namespace(&rs).to_string());
        let owned: Vec<&(String, Value, i64)> = pods
            .iter()
            .filter(|(_, p, _)| {
                owner_uid(p) == Some(uid(&rs)) && p.pointer("/metadata/deletionTimestamp").is_none()
            })
            .collect();
        let desired = n(&rs, "/spec/replicas");
        let have = owned.len() as i64;
        if have < desired {
            let template = rs.pointer("/spec/template").cloned().unwrap_or(json!({}));
            for _ in have..desired {
                let pod_name = format!("{name}-{}", api.rng.name_suffix(5));
                let pod = json!({
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "metadata": {
                        "name": pod_name,
                        "generateName": format!("{name}-"),
                        "namespace": ns,
                        "labels": template.pointer("/metadata/labels").cloned().unwrap_or(json!({})),
                        "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": name,
                            "uid": uid(&rs), "controller": true, "blockOwnerDeletion": true}],
                    },
                    "spec": template.get("spec").cloned().unwrap_or(json!({})),
                });
                c.create(api, sim, pod, Some(rkey.clone()));
                let msg = format!("Created pod: {pod_name}");
                events::record(c, &rs, "ReplicaSet", "SuccessfulCreate", msg, "replicaset-controller", now);
            }
        } else if have > desired {
            let mut victims: Vec<&&(String, Value, i64)> = owned.iter().collect();
            // Unready pods go first, then the newest names.
            slim::sort_by_key(&mut victims, |(k, p, _)| (ready(p), std::cmp::Reverse(k.clone())));
            for (k, p, rev) in victims.into_iter().take((have - desired) as usize) {
                if c.busy(k) {
                    continue;
                }
                c.terminate(api, sim, (k, p, *rev), Some(rkey.clone()));
                let msg = format!("Deleted pod: {}", meta::name(p));
                events::record(c, &rs, "ReplicaSet", "SuccessfulDelete", msg, "replicaset-controller", now);
            }
        }
        let ready_count = owned.iter().filter(|(_, p, _)| ready(p)).count() as i64;
        let fields = [
            ("replicas", have),
            ("fullyLabeledReplicas", have),
            ("readyReplicas", ready_count),
            ("availableReplicas", ready_count),
            ("observedGeneration", n(&rs, "/metadata/generation")),
        ];
        let changed = fields.iter().any(|(f, v)| n(&rs, &format!("/status/{f}")) != *v);
        if changed && !c.busy(&rkey) {
            let mut status = serde_json::Map::new();
            for (f, v) in fields {
                if v != 0 || f == "replicas" || f == "observedGeneration" {
                    status.insert(f.to_string(), json!(v));
                }
            }
            let mut new = rs.clone();
            super::set(&mut new, &["status"], Value::Object(status));
            c.update(api, sim, "ReplicaSet", (&rkey, &rs, rrev), new);
        }
    }
}

/// Deletes pods and ReplicaSets whose controlling owner no longer exists
/// (pods gracefully, through their kubelet).
pub fn collect_garbage(c: &mut Controllers, api: &mut ApiServer, sim: &mut Sim) {
    for (child, owner_kind) in [("Pod", "ReplicaSet"), ("ReplicaSet", "Deployment")] {
        let owners = uids(c, owner_kind);
        for (k, obj, rev) in c.objects(child) {
            let Some(o) = owner_uid(&obj) else { continue };
            let kind_matches = obj
                .pointer("/metadata/ownerReferences/0/kind")
                .and_then(Value::as_str)
                .is_some_and(|k| k == owner_kind);
            if !kind_matches
                || owners.contains(o)
                || c.busy(&k)
                || obj.pointer("/metadata/deletionTimestamp").is_some()
            {
                continue;
            }
            if child == "Pod" {
                c.terminate(api, sim, (&k, &obj, rev), None);
            } else {
                c.delete(sim, "ReplicaSet", &k, rev, None);
            }
        }
    }
}
