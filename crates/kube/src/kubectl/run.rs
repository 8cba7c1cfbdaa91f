//! `kubectl run NAME --image=IMG` (a bare Pod, labelled `run=NAME`) and
//! `kubectl scale deployment|replicaset NAME --replicas=N` (a guarded
//! update of `spec.replicas`).
//!
//! ```text
//!   kubectl run nginx --image=nginx                 pod/nginx created
//!   kubectl scale deployment web --replicas=5       deployment.apps/web scaled
//! ```

use serde_json::{Value, json};
use sim::Sim;

use super::{CommandOutput, Flags, resolve_kind};
use crate::Kube;

/// Runs `kubectl run`.
pub fn run(kube: &mut Kube, sim: &mut Sim, flags: &Flags) -> CommandOutput {
    let Some(name) = flags.positional.first().cloned() else {
        return CommandOutput::fail(
            "error: NAME is required for run\nSee 'kubectl run -h' for help and examples",
        );
    };
    let Some(image) = flags.image.clone() else {
        return CommandOutput::fail("error: required flag(s) \"image\" not set");
    };
    let mut labels = serde_json::Map::new();
    match &flags.labels {
        Some(l) => {
            for kv in l.split(',') {
                if let Some((k, v)) = kv.split_once('=') {
                    labels.insert(k.to_string(), json!(v));
                }
            }
        }
        None => {
            labels.insert("run".into(), json!(name));
        }
    }
    let restart = flags.restart.clone().unwrap_or_else(|| "Always".to_string());
    let mut container = json!({"name": name, "image": image});
    if let Some(p) = flags.port.as_deref().and_then(|p| p.parse::<i64>().ok()) {
        container["ports"] = json!([{"containerPort": p}]);
    }
    let obj = json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": flags.ns(), "labels": labels},
        "spec": {"containers": [container], "restartPolicy": restart}});
    let m = match kube.api.manifest(obj) {
        Ok(m) => m,
        Err(e) => return CommandOutput::fail(e.kubectl("")),
    };
    match kube.api.create(sim, m) {
        Ok(_) => CommandOutput { stdout: format!("pod/{name} created\n"), ..Default::default() },
        Err(e) => CommandOutput::fail(e.kubectl("")),
    }
}

/// Runs `kubectl scale`.
pub fn scale(kube: &mut Kube, sim: &mut Sim, flags: &Flags) -> CommandOutput {
    let Some(replicas) = flags.replicas.as_deref().and_then(|r| r.parse::<i64>().ok()) else {
        return CommandOutput::fail("error: required flag(s) \"replicas\" not set");
    };
    let (kind_word, name) = match flags.positional.as_slice() {
        [one] if one.contains('/') => {
            let (k, n) = one.split_once('/').unwrap_or((one, ""));
            (k.to_string(), n.to_string())
        }
        [k, n, ..] => (k.clone(), n.clone()),
        _ => return CommandOutput::fail("error: resource(s) were provided, but no name was specified"),
    };
    let kind = match resolve_kind(kube, sim, &kind_word) {
        Ok(k) => k,
        Err(e) => return CommandOutput::fail(e),
    };
    if !matches!(kind.kind.as_str(), "Deployment" | "ReplicaSet") {
        return CommandOutput::fail(format!("error: cannot scale {}", kind.resource));
    }
    let cur = match kube.api.get(sim, &kind, flags.ns(), &name) {
        Ok(s) => s,
        Err(e) => return CommandOutput::fail(e.kubectl("")),
    };
    let mut obj = cur.object.clone();
    if let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) {
        spec.insert("replicas".into(), json!(replicas));
    }
    match kube.api.update(sim, &kind, &cur, obj, cur.mod_revision) {
        Ok(_) => {
            CommandOutput { stdout: format!("{}/{name} scaled\n", kind.qualified()), ..Default::default() }
        }
        Err(e) => CommandOutput::fail(e.kubectl("")),
    }
}
