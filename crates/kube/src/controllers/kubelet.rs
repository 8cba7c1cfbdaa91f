//! A kubelet per worker node: it registers its Node (`/registry/minions/<node>`)
//! and moves the pods bound to it through Pending/ContainerCreating to
//! Running, each move a guarded update of the pod's status.
//!
//! ```text
//!   pod bound to node-1, no container status
//!     ──► ContainerCreating (hostIP, startTime)      Event Pulling
//!     ── image pull: PULL_MS of virtual time ──►
//!     ──► Running, Ready (podIP 10.244.1.x)          Events Pulled, Created, Started
//! ```

use serde_json::{Value, json};
use sim::Sim;

use super::{Controllers, events};
use crate::apiserver::ApiServer;
use crate::meta;

/// How long an image pull and container start take (virtual ms).
pub const PULL_MS: u64 = 2_000;

/// How long stopping a pod's containers takes (virtual ms).
pub const STOP_MS: u64 = 1_000;

/// The kubelet version nodes report.
pub const KUBELET_VERSION: &str = "v1.30.0";

fn node_ip(i: usize) -> String {
    format!("172.18.0.{}", i + 2)
}

/// The Node a kubelet registers: worker `i` (0-based) named `name`, ready since `ts`.
pub(crate) fn node_object(i: usize, name: &str, ts: &str) -> Value {
    node_with_ip(name, &node_ip(i), format!("10.244.{}.0/24", i + 1), ts)
}

/// A Ready Node at `ip` with pod range `cidr`.
pub(crate) fn node_with_ip(name: &str, ip: &str, cidr: String, ts: &str) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": {
            "beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
            "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": name, "kubernetes.io/os": "linux"}},
        "spec": {"podCIDR": cidr, "podCIDRs": [cidr]},
        "status": {
            "capacity": {"cpu": "4", "memory": "8Gi", "pods": "110"},
            "allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"},
            "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady",
                "message": "kubelet is posting ready status", "lastHeartbeatTime": ts, "lastTransitionTime": ts}],
            "addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}],
            "nodeInfo": {"kubeletVersion": KUBELET_VERSION, "kubeProxyVersion": KUBELET_VERSION,
                "osImage": "Ubuntu 22.04.4 LTS", "kernelVersion": "6.1.0-playground",
                "containerRuntimeVersion": "containerd://1.7.13", "operatingSystem": "linux", "architecture": "amd64"}
        }
    })
}

/// Each kubelet creates its Node object if it is missing.
pub fn register(c: &mut Controllers, api: &mut ApiServer, sim: &mut Sim) {
    let Some(kind) = api.catalog.by_kind("Node").cloned() else { return };
    let now = sim.now_ms();
    let ts = meta::timestamp(now);
    for (i, name) in c.nodes.clone().iter().enumerate() {
        let key = crate::keys::key(&kind, "", name);
        if c.cache("Node").is_some_and(|m| m.contains_key(&key)) || c.busy(&key) {
            continue;
        }
        let node = node_object(i, name, &ts);
        c.create(api, sim, node, None);
    }
}

fn images(pod: &Value) -> Vec<(String, String)> {
    pod.pointer("/spec/containers")
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .map(|c| {
                    let s = |k: &str| c.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                    (s("name"), s("image"))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn creating(pod: &Value) -> bool {
    pod.pointer("/status/containerStatuses").and_then(Value::as_array).is_some_and(|cs| {
        cs.iter()
            .any(|c| c.pointer("/state/waiting/reason").and_then(Value::as_str) == Some("ContainerCreating"))
    })
}

/// Every kubelet moves its pods one stage along.
pub fn run(c: &mut Controllers, api: &mut ApiServer, sim: &mut Sim) {
    let now = sim.now_ms();
    let ts = meta::timestamp(now);
    let nodes = c.nodes.clone();
    for (key, pod, rev) in c.objects("Pod") {
        let node = pod.pointer("/spec/nodeName").and_then(Value::as_str).unwrap_or("");
        let Some(idx) = nodes.iter().position(|n| n == node) else { continue };
        if c.busy(&key) {
            continue;
        }
        if pod.pointer("/metadata/deletionTimestamp").is_some() {
            // Stop the containers, then remove the pod.
            match c.gone_at_ms.get(&key).copied() {
                None => {
                    c.gone_at_ms.insert(key.clone(), now + STOP_MS);
                    for (n, _) in images(&pod) {
                        let msg = format!("Stopping container {n}");
                        events::record_now(c, &pod, "Pod", "Killing", msg, "kubelet", now);
                    }
                }
                Some(at) if now >= at => c.delete(sim, "Pod", &key, rev, None),
                Some(_) => {}
            }
            continue;
        }
        let containers = images(&pod);
        let has_status = pod.pointer("/status/containerStatuses").is_some();
        let mut new = pod.clone();
        if !has_status {
            let statuses: Vec<Value> = containers
                .iter()
                .map(|(n, img)| {
                    json!({"name": n, "image": img, "imageID": "", "ready": false, "restartCount": 0,
                    "started": false, "state": {"waiting": {"reason": "ContainerCreating"}}})
                })
                .collect();
            super::set(
                &mut new,
                &["status"],
                json!({
                    "phase": "Pending",
                    "hostIP": node_ip(idx),
                    "startTime": ts,
                    "qosClass": "BestEffort",
                    "conditions": [
                        {"type": "Initialized", "status": "True", "lastProbeTime": null, "lastTransitionTime": ts},
                        {"type": "Ready", "status": "False", "lastProbeTime": null, "lastTransitionTime": ts, "reason": "ContainersNotReady"},
                        {"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": ts}
                    ],
                    "containerStatuses": statuses,
                }),
            );
            c.update(api, sim, "Pod", (&key, &pod, rev), new);
            c.ready_at_ms.insert(key.clone(), now + PULL_MS);
            for (_, img) in &containers {
                events::record(c, &pod, "Pod", "Pulling", format!("Pulling image \"{img}\""), "kubelet", now);
            }
        } else if creating(&pod) {
            let at = *c.ready_at_ms.entry(key.clone()).or_insert(now + PULL_MS);
            if now < at {
                continue;
            }
            let ip = format!("10.244.{}.{}", idx + 1, 2 + api.rng.next_u64() % 250);
            let statuses: Vec<Value> = containers
                .iter()
                .map(|(n, img)| json!({"name": n, "image": img, "imageID": format!("{img}@sha256:playground"),
                    "containerID": format!("containerd://{:016x}", 0x5eed ^ rev), "ready": true, "restartCount": 0,
                    "started": true, "state": {"running": {"startedAt": ts}}}))
                .collect();
            super::set(&mut new, &["status", "phase"], json!("Running"));
            super::set(&mut new, &["status", "podIP"], json!(ip));
            super::set(&mut new, &["status", "podIPs"], json!([{"ip": ip}]));
            super::set(&mut new, &["status", "containerStatuses"], json!(statuses));
            super::set(
                &mut new,
                &["status", "conditions"],
                json!([
                    {"type": "Initialized", "status": "True", "lastProbeTime": null, "lastTransitionTime": ts},
                    {"type": "Ready", "status": "True", "lastProbeTime": null, "lastTransitionTime": ts},
                    {"type": "ContainersReady", "status": "True", "lastProbeTime": null, "lastTransitionTime": ts},
                    {"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": ts}
                ]),
            );
            c.update(api, sim, "Pod", (&key, &pod, rev), new);
            c.ready_at_ms.remove(&key);
            for (n, img) in &containers {
                let pull = format!("Successfully pulled image \"{img}\" in {}s", PULL_MS / 1000);
                events::record(c, &pod, "Pod", "Pulled", pull, "kubelet", now);
                events::record(c, &pod, "Pod", "Created", format!("Created container {n}"), "kubelet", now);
                events::record(c, &pod, "Pod", "Started", format!("Started container {n}"), "kubelet", now);
            }
        }
    }
    // Forget timers of pods that are gone.
    let mut live = std::collections::BTreeSet::new();
    live.extend(c.objects("Pod").into_iter().map(|(k, _, _)| k));
    c.ready_at_ms.retain(|k, _| live.contains(k));
    c.gone_at_ms.retain(|k, _| live.contains(k));
}
