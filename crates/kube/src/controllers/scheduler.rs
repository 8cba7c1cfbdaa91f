//! The scheduler: watches pods without a node and binds each to the ready
//! node running the fewest pods (ties by name), as a guarded update of the
//! pod (`spec.nodeName`, condition PodScheduled), then an event.
//!
//! ```text
//!   pod web-x2x8k  nodeName=""  ──► nodes: node-1 (2 pods), node-2 (1 pod)
//!   txn if mod_revision(pod) == 41 then put(pod with nodeName=node-2)
//!   Event Scheduled: Successfully assigned default/web-x2x8k to node-2
//! ```

use serde_json::{Value, json};
use sim::Sim;
use slim::VecMap;

use super::{Controllers, events};
use crate::apiserver::ApiServer;
use crate::meta;

fn node_ready(n: &Value) -> bool {
    n.pointer("/status/conditions").and_then(Value::as_array).is_some_and(|cs| {
        cs.iter().any(|c| c.get("type") == Some(&json!("Ready")) && c.get("status") == Some(&json!("True")))
    })
}

/// Whether `pod` tolerates every NoSchedule taint of `node`.
fn tolerated(pod: &Value, node: &Value) -> bool {
    let tolerations = pod.pointer("/spec/tolerations").and_then(Value::as_array);
    let taints = node.pointer("/spec/taints").and_then(Value::as_array);
    taints.into_iter().flatten().filter(|t| t.get("effect") == Some(&json!("NoSchedule"))).all(|t| {
        tolerations.into_iter().flatten().any(|tol| {
            let field = |v: &Value, f: &str| v.get(f).and_then(Value::as_str).unwrap_or("").to_string();
            let key_ok = field(tol, "key").is_empty() || field(tol, "key") == field(t, "key");
            let effect_ok = field(tol, "effect").is_empty() || field(tol, "effect") == field(t, "effect");
            let value_ok = field(tol, "operator") == "Exists" || field(tol, "value") == field(t, "value");
            key_ok && effect_ok && value_ok
        })
    })
}

/// Binds every unscheduled pod.
pub fn schedule(c: &mut Controllers, api: &mut ApiServer, sim: &mut Sim) {
    let now = sim.now_ms();
    let node_objects: Vec<Value> =
        c.objects("Node").into_iter().map(|(_, n, _)| n).filter(node_ready).collect();
    let nodes: Vec<String> = node_objects.iter().map(|n| meta::name(n).to_string()).collect();
    if nodes.is_empty() {
        return;
    }
    let pods = c.objects("Pod");
    let mut load: VecMap<String, usize> = VecMap::new();
    load.extend(nodes.iter().map(|n| (n.clone(), 0)));
    for (_, p, _) in &pods {
        if let Some(n) = p.pointer("/spec/nodeName").and_then(Value::as_str)
            && let Some(l) = load.get_mut(n)
        {
            *l += 1;
        }
    }
    for (key, pod, rev) in pods {
        let bound = pod.pointer("/spec/nodeName").and_then(Value::as_str).is_some_and(|n| !n.is_empty());
        let ours = pod
            .pointer("/spec/schedulerName")
            .and_then(Value::as_str)
            .is_none_or(|s| s == "default-scheduler");
        if bound || !ours || pod.pointer("/metadata/deletionTimestamp").is_some() || c.busy(&key) {
            continue;
        }
        // The least loaded node whose NoSchedule taints the pod tolerates
        // (the control plane's, for most pods).
        let fits = |name: &str| node_objects.iter().any(|n| meta::name(n) == name && tolerated(&pod, n));
        let Some(node) = load
            .iter()
            .filter(|(n, _)| fits(n))
            .min_by_key(|(n, l)| (**l, (*n).clone()))
            .map(|(n, _)| n.clone())
        else {
            continue;
        };
        if let Some(l) = load.get_mut(&node) {
            *l += 1;
        }
        let mut new = pod.clone();
        super::set(&mut new, &["spec", "nodeName"], json!(node));
        let ts = meta::timestamp(now);
        super::set(
            &mut new,
            &["status", "conditions"],
            json!([{"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": ts}]),
        );
        c.update(api, sim, "Pod", (&key, &pod, rev), new);
        let msg = format!("Successfully assigned {}/{} to {node}", meta::namespace(&pod), meta::name(&pod));
        events::record(c, &pod, "Pod", "Scheduled", msg, "default-scheduler", now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_control_plane_taint_keeps_pods_off_unless_tolerated() {
        let cp = crate::kubeadm::control_plane_node("2025-01-01T00:00:00Z");
        let plain = json!({"spec": {"containers": []}});
        let coredns = json!({"spec": {"tolerations": [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]}});
        let anything = json!({"spec": {"tolerations": [{"operator": "Exists"}]}});
        assert!(!tolerated(&plain, &cp));
        assert!(tolerated(&coredns, &cp) && tolerated(&anything, &cp));
        assert!(tolerated(&plain, &json!({"spec": {}})), "an untainted node takes any pod");
    }
}
