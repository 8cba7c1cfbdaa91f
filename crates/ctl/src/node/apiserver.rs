//! Whether kube-apiserver serves: it needs one of its `--etcd-servers` and a readable `--encryption-provider-config`; without etcd it answers with errors until its liveness probe kills it, then crash-loops, and kubectl's connection is refused.
//!
//! ```text
//!   started, etcd reachable          serving after 3 s
//!   started, no etcd                 exits (1) after 20 s: "context deadline exceeded"
//!   started, bad encryption config   exits (1) at once: "error while parsing file"
//!   serving, etcd lost               errors; killed (137) after 80 s (liveness 8 x 10 s)
//!   exited                           started again after 10 s, 20 s, 40 s ... 5 min
//!   not serving 10 s                 controller-manager and scheduler lose their
//!                                    leases and restart (ATTEMPT + 1)
//! ```

use serde_json::Value;

use super::kubelet::{self, flag, host_path, klog_time};
use super::{Node, STEP_MS};
use crate::console::Console;

/// How long a starting apiserver takes to serve.
const START_MS: u64 = 3_000;
/// How long a starting apiserver waits for etcd before it gives up.
const ETCD_WAIT_MS: u64 = 20_000;
/// How long a serving apiserver lives without etcd (liveness: 8 failures, 10 s apart).
const LIVENESS_MS: u64 = 80_000;
/// The kubelet's first crash-loop back-off, doubled up to [`MAX_BACKOFF_MS`].
const BACKOFF_MS: u64 = 10_000;
const MAX_BACKOFF_MS: u64 = 300_000;
/// How long the leader-elected components outlive the apiserver.
const LEASE_LOST_MS: u64 = 10_000;

/// kube-apiserver as the node runs it.
#[derive(Clone, Debug, Default)]
pub(crate) struct ApiState {
    /// It answers requests.
    pub serving: bool,
    /// Since when its container runs.
    pub started_ms: u64,
    /// Since when a serving apiserver has had no etcd.
    pub etcd_lost_ms: Option<u64>,
    /// What keeps it from starting (its encryption config).
    pub config_error: Option<String>,
    /// When the kubelet starts it again after it exited.
    pub restart_at_ms: Option<u64>,
    /// The next back-off.
    pub backoff_ms: u64,
    /// Since when it has not served (the others' leader leases run out).
    pub down_since_ms: Option<u64>,
}

const FILE: &str = "kube-apiserver.yaml";

/// The apiserver's (new) pod started at `now`; `serving` at once when
/// kubeadm init leaves it running.
pub(crate) fn started(con: &mut Console, node: &mut Node, pod: &Value, now: u64, serving: bool) {
    let api = &mut node.api;
    api.serving = serving;
    api.started_ms = now;
    api.etcd_lost_ms = None;
    api.restart_at_ms = None;
    api.backoff_ms = BACKOFF_MS;
    api.config_error = encryption(con, pod);
}

/// The apiserver's pod went away.
pub(crate) fn stopped(node: &mut Node, now: u64) {
    node.api.serving = false;
    node.api.restart_at_ms = None;
    node.api.down_since_ms.get_or_insert(now);
}

/// Reads `--encryption-provider-config` (through the pod's volumes) and
/// switches Secret encryption to what it says; the error the apiserver
/// exits with when it cannot.
fn encryption(con: &mut Console, pod: &Value) -> Option<String> {
    let Some(path) = flag(pod, "encryption-provider-config") else {
        con.backend.kube.set_encryption(false);
        return None;
    };
    let cant = |why: String| {
        Some(format!(
            "error while parsing file: error reading encryption provider configuration file {path:?}: {why}"
        ))
    };
    let host = host_path(pod, &path);
    let Some(bytes) = host.as_deref().and_then(|h| con.vfs.read(h)) else {
        return cant(format!("open {path}: no such file or directory"));
    };
    let text = String::from_utf8_lossy(bytes).into_owned();
    let config = match kube::yaml::parse_document(&text) {
        Ok(Some(v)) if v["kind"] == "EncryptionConfiguration" => v,
        Ok(_) => return cant("no kind \"EncryptionConfiguration\" is registered".into()),
        Err(e) => return cant(format!("error converting YAML to JSON: {e}")),
    };
    let secrets = config["resources"].as_array().into_iter().flatten().find(|r| {
        r["resources"].as_array().is_some_and(|rs| rs.iter().any(|x| x == "secrets" || x == "*.*"))
    });
    let first = secrets
        .and_then(|r| r["providers"].as_array())
        .and_then(|p| p.first())
        .and_then(Value::as_object)
        .and_then(|o| o.keys().next().cloned());
    let on = matches!(first.as_deref(), Some("aescbc" | "aesgcm" | "secretbox" | "kms"));
    con.backend.kube.set_encryption(on);
    None
}

/// How long a request to an apiserver without etcd takes to fail (the
/// client's 5 s deadline the kube layer uses for etcd's own timeouts).
pub(crate) const NO_ETCD_MS: u64 = 5_000;

/// Whether the apiserver the node runs reaches one of its etcd servers
/// (true when the node is not a kubeadm node or runs no apiserver pod).
pub(crate) fn etcd_ok(con: &Console) -> bool {
    match con.node.pods.get(FILE) {
        Some(sp) if con.node.enabled => etcd_reachable(con, &sp.pod),
        _ => true,
    }
}

/// Whether one of `--etcd-servers` is a running member (by host and
/// port: the page still runs its kubeadm node over plain http).
fn etcd_reachable(con: &Console, pod: &Value) -> bool {
    let servers = flag(pod, "etcd-servers").unwrap_or_default();
    servers.split(',').any(|u| con.backend.member_at(u).is_some_and(|e| e.running))
}

/// The apiserver's and the leader-elected components' health at `now`.
pub(crate) fn step(con: &mut Console, node: &mut Node, now: u64) {
    let Some(sp) = node.pods.get(FILE).cloned() else {
        node.api.serving = false;
        node.api.down_since_ms.get_or_insert(now);
        leases(node, now);
        return;
    };
    let name = sp.name();
    let running = node.running(&name).is_some();
    let etcd_ok = etcd_reachable(con, &sp.pod);
    if !running {
        if node.api.restart_at_ms.is_some_and(|at| now >= at) {
            restart(con, node, now);
        }
    } else if node.api.serving {
        if etcd_ok {
            node.api.etcd_lost_ms = None;
        } else {
            let lost = *node.api.etcd_lost_ms.get_or_insert(now);
            if now.saturating_sub(lost) >= LIVENESS_MS {
                node.log(
                    now,
                    format!("\"Killing container with a grace period\" pod=\"kube-system/{name}\" containerName=\"kube-apiserver\" reason=\"Container kube-apiserver failed liveness probe, will be restarted\""),
                );
                exit(node, now, 137, String::new());
            }
        }
    } else if let Some(e) = node.api.config_error.clone() {
        exit(
            node,
            now,
            1,
            format!(
                "E{}       1 run.go:74] \"command failed\" err=\"{}\"",
                klog_time(now),
                e.replace('"', "\\\"")
            ),
        );
    } else if etcd_ok && now >= node.api.started_ms + START_MS {
        node.api.serving = true;
        node.api.etcd_lost_ms = None;
    } else if !etcd_ok && now >= node.api.started_ms + ETCD_WAIT_MS {
        let t = klog_time(now);
        exit(
            node,
            now,
            1,
            format!("E{t}       1 run.go:74] \"command failed\" err=\"context deadline exceeded\""),
        );
    }
    if node.api.serving {
        node.api.down_since_ms = None;
    } else {
        node.api.down_since_ms.get_or_insert(now);
    }
    leases(node, now);
}

/// The apiserver's container exits with `code`; the kubelet starts it
/// again after the back-off.
fn exit(node: &mut Node, now: u64, code: i32, last_log: String) {
    let Some(sp) = node.pods.get(FILE).cloned() else { return };
    if !last_log.is_empty()
        && let Some(c) = node.containers.iter_mut().rev().find(|c| c.pod == sp.name() && c.exited.is_none())
    {
        c.logs.push(last_log);
    }
    kubelet::stop_container(node, &sp, now, code);
    node.api.serving = false;
    let backoff = node.api.backoff_ms.max(BACKOFF_MS);
    node.api.restart_at_ms = Some(now + backoff);
    node.api.backoff_ms = (backoff * 2).min(MAX_BACKOFF_MS);
    node.log(
        now,
        format!("\"Error syncing pod, skipping\" err=\"failed to \\\"StartContainer\\\" for \\\"kube-apiserver\\\" with CrashLoopBackOff: \\\"back-off {}s restarting failed container=kube-apiserver pod={}_kube-system\\\"\" pod=\"kube-system/{}\"", backoff / 1000, sp.name(), sp.name()),
    );
}

/// The kubelet starts the apiserver's container again.
fn restart(con: &mut Console, node: &mut Node, now: u64) {
    let Some(sp) = node.pods.get_mut(FILE) else { return };
    sp.restarts += 1;
    sp.started_ms = now;
    sp.mirror_dirty = true;
    let sp = sp.clone();
    kubelet::start_container(node, &sp, now, sp.restarts);
    node.api.restart_at_ms = None;
    node.api.started_ms = now;
    node.api.etcd_lost_ms = None;
    node.api.config_error = encryption(con, &sp.pod);
}

/// kube-controller-manager and kube-scheduler lose their leader leases
/// once the apiserver has been gone for a while: they exit (1) and the
/// kubelet starts them again.
fn leases(node: &mut Node, now: u64) {
    let Some(since) = node.api.down_since_ms else { return };
    if now < since + LEASE_LOST_MS || now >= since + LEASE_LOST_MS + STEP_MS {
        return;
    }
    for file in ["kube-controller-manager.yaml", "kube-scheduler.yaml"] {
        let Some(sp) = node.pods.get_mut(file) else { continue };
        sp.restarts += 1;
        sp.started_ms = now;
        sp.mirror_dirty = true;
        let sp = sp.clone();
        if let Some(c) = node.containers.iter_mut().rev().find(|c| c.pod == sp.name() && c.exited.is_none()) {
            c.logs.push(format!("E{}       1 leaderelection.go:369] Failed to update lock: Put \"https://{}:6443/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/{}?timeout=5s\": dial tcp {}:6443: connect: connection refused", klog_time(now), kube::kubeadm::CONTROL_PLANE_IP, sp.component, kube::kubeadm::CONTROL_PLANE_IP));
            c.logs.push(format!(
                "E{}       1 {}.go:0] \"leaderelection lost\"",
                klog_time(now),
                sp.component
            ));
        }
        kubelet::stop_container(node, &sp, now, 1);
        kubelet::start_container(node, &sp, now, sp.restarts);
    }
}
