//! The kubelet's static pods: it reads `/etc/kubernetes/manifests` every 20 s, starts a pod for each new manifest, replaces the pod of a changed one and removes the pod of a deleted or unreadable one, then writes their mirror pods.
//!
//! ```text
//!   sync(now)   files whose text differs from what runs:
//!               parses         old container Exited (0), new sandbox and container (attempt 0)
//!               does not parse "Could not process manifest file" in the journal, the pod removed
//!               gone           the pod removed, its mirror pod deleted
//! ```
//!
//! A static pod's identity is its file's hash (`kubernetes.io/config.hash`),
//! so a changed manifest is a new pod: new sandbox, restart count 0, and
//! its mirror pod written again with the new spec.

use serde_json::Value;

use super::{Container, Node, Sandbox, apiserver, etcd};
use crate::console::Console;
use kube::kubeadm::manifests::{self, MANIFEST_DIR};

/// A static pod the kubelet runs.
#[derive(Clone, Debug)]
pub(crate) struct StaticPod {
    /// `metadata.name` of the manifest (`etcd`).
    pub component: String,
    /// The file's text as the kubelet read it.
    pub text: String,
    /// The file's hash.
    pub hash: String,
    /// The manifest.
    pub pod: Value,
    /// Its sandbox.
    pub sandbox: String,
    /// Restarts of its container in this pod.
    pub restarts: u32,
    /// When its current container started.
    pub started_ms: u64,
    /// Its mirror pod is to be written.
    pub mirror_dirty: bool,
}

impl StaticPod {
    /// The pod's name on the node (`etcd-controlplane`).
    pub fn name(&self) -> String {
        format!("{}-{}", self.component, kube::kubeadm::CONTROL_PLANE)
    }

    /// Its namespace (`default` when the manifest names none).
    pub fn namespace(&self) -> String {
        let ns = self.pod.pointer("/metadata/namespace").and_then(Value::as_str).unwrap_or("");
        if ns.is_empty() { "default".into() } else { ns.to_string() }
    }

    /// The first container's image.
    pub fn image(&self) -> String {
        self.pod.pointer("/spec/containers/0/image").and_then(Value::as_str).unwrap_or("").to_string()
    }
}

/// The first container's command line of `pod` (command, then args).
pub(crate) fn command(pod: &Value) -> Vec<String> {
    let words = |f: &str| {
        pod.pointer(&format!("/spec/containers/0/{f}"))
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    let mut out = words("command");
    out.extend(words("args"));
    out
}

/// The value of `--name=value` (or `--name value`) on `pod`'s command line.
pub(crate) fn flag(pod: &Value, name: &str) -> Option<String> {
    let cmd = command(pod);
    let long = format!("--{name}");
    let eq = format!("{long}=");
    cmd.iter().enumerate().find_map(|(i, w)| {
        w.strip_prefix(&eq)
            .map(str::to_string)
            .or_else(|| (*w == long).then(|| cmd.get(i + 1).cloned()).flatten())
    })
}

/// Where path `path` inside `pod`'s first container is on the node: the
/// hostPath volume mounted over it (the longest mount that holds it), or
/// `None` when no volume holds it (the container's own filesystem).
pub(crate) fn host_path(pod: &Value, path: &str) -> Option<String> {
    let path = path.trim_end_matches('/');
    let mounts = pod.pointer("/spec/containers/0/volumeMounts").and_then(Value::as_array)?;
    let volumes = pod.pointer("/spec/volumes").and_then(Value::as_array)?;
    let mut best: Option<(usize, String)> = None;
    for m in mounts {
        let (Some(at), Some(name)) = (m["mountPath"].as_str(), m["name"].as_str()) else { continue };
        let at = at.trim_end_matches('/');
        let rest = if path == at {
            ""
        } else if let Some(r) = path.strip_prefix(at).filter(|r| r.starts_with('/')) {
            r
        } else {
            continue;
        };
        let Some(host) = volumes
            .iter()
            .find(|v| v["name"].as_str() == Some(name))
            .and_then(|v| v.pointer("/hostPath/path"))
            .and_then(Value::as_str)
        else {
            continue;
        };
        if best.as_ref().is_none_or(|(len, _)| at.len() > *len) {
            best = Some((at.len(), format!("{}{rest}", host.trim_end_matches('/'))));
        }
    }
    best.map(|(_, p)| p)
}

/// Reads a manifest as the kubelet's file source does: one Pod with a
/// name and containers, or the error it logs.
pub(crate) fn parse(path: &str, text: &str) -> Result<Value, String> {
    let bad = |why: String| format!("{path}: couldn't parse as pod({why}), please check config file");
    let pod = match kube::yaml::parse_document(text) {
        Ok(Some(v)) => v,
        Ok(None) => return Err(bad("Object 'Kind' is missing in 'null'".into())),
        Err(e) => return Err(bad(e.to_string())),
    };
    if pod.get("kind").and_then(Value::as_str) != Some("Pod") {
        let kind = pod.get("kind").and_then(Value::as_str).unwrap_or("");
        return Err(bad(format!("Object 'Kind' is missing or not Pod: {kind:?}")));
    }
    let name = pod.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("");
    if name.is_empty() {
        return Err("invalid pod: [metadata.name: Required value: name or generateName is required]".into());
    }
    let has_container = pod
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .is_some_and(|c| c.iter().any(|c| c["image"].as_str().is_some_and(|i| !i.is_empty())));
    if !has_container {
        return Err("invalid pod: [spec.containers: Required value]".into());
    }
    Ok(pod)
}

/// Writes kubeadm's four manifests for the console's cluster.
pub(crate) fn write_manifests(con: &mut Console) {
    let member = if con.options.external_etcd {
        manifests::EtcdMember::external(&con.backend.sim)
    } else {
        manifests::EtcdMember::of(&con.backend.sim)
    };
    for (file, pod) in manifests::manifests(&member) {
        con.vfs.write(&format!("{MANIFEST_DIR}/{file}"), manifests::manifest_yaml(&pod).into_bytes());
    }
}

/// The manifest files the kubelet reads, sorted: every file of the
/// directory not starting with a dot.
fn manifest_files(con: &Console) -> Vec<(String, String)> {
    let names = con.vfs.list(MANIFEST_DIR).unwrap_or_default();
    names
        .into_iter()
        .filter(|n| !n.ends_with('/') && !n.starts_with('.'))
        .filter_map(|n| {
            let path = format!("{MANIFEST_DIR}/{n}");
            let text = String::from_utf8_lossy(con.vfs.read(&path)?).into_owned();
            Some((n, text))
        })
        .collect()
}

/// Starts every manifest's pod at `now` (kubeadm init: nothing restarts).
pub(crate) fn start_all(con: &mut Console, node: &mut Node, now: u64) {
    for (file, text) in manifest_files(con) {
        if let Ok(pod) = parse(&format!("{MANIFEST_DIR}/{file}"), &text) {
            let sp = new_pod(node, &pod, text, now);
            if sp.component == "kube-apiserver" {
                apiserver::started(con, node, &sp.pod, now, true);
            }
            node.pods.insert(file, StaticPod { mirror_dirty: false, ..sp });
        }
    }
}

/// The pods the apiserver bound to this node (CoreDNS, kube-proxy): their
/// sandboxes and containers, running since kubeadm init. The kubelet
/// leaves them be (kube's own kubelets stand for the workers').
pub(crate) fn adopt_bound_pods(con: &mut Console, node: &mut Node) {
    let pods = con.backend.with_kube(|kube, sim| {
        let kind = kube.api.catalog.by_kind("Pod").cloned()?;
        kube.api.list(sim, &kind, Some("kube-system")).ok().map(|(l, _)| l)
    });
    for stored in pods.unwrap_or_default() {
        let pod = &stored.object;
        let on_node =
            pod.pointer("/spec/nodeName").and_then(Value::as_str) == Some(kube::kubeadm::CONTROL_PLANE);
        let mirror = pod.pointer("/metadata/annotations/kubernetes.io~1config.source").is_some();
        if !on_node || mirror {
            continue;
        }
        let sandbox = node.new_id();
        let name = kube::meta::name(pod).to_string();
        node.sandboxes.push(Sandbox {
            id: sandbox.clone(),
            name: name.clone(),
            namespace: "kube-system".into(),
            created_ms: 0,
            ready: true,
        });
        for c in pod.pointer("/spec/containers").and_then(Value::as_array).into_iter().flatten() {
            let id = node.new_id();
            node.containers.push(Container {
                id,
                pod_id: sandbox.clone(),
                pod: name.clone(),
                name: c["name"].as_str().unwrap_or("").to_string(),
                image: c["image"].as_str().unwrap_or("").to_string(),
                created_ms: 0,
                exited: None,
                attempt: 0,
                logs: Vec::new(),
            });
        }
    }
}

/// A new pod of manifest `pod`: its sandbox and first container.
fn new_pod(node: &mut Node, pod: &Value, text: String, now: u64) -> StaticPod {
    let component = pod.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("").to_string();
    let sandbox = node.new_id();
    let sp = StaticPod {
        component,
        hash: manifests::config_hash(&text),
        text,
        pod: pod.clone(),
        sandbox: sandbox.clone(),
        restarts: 0,
        started_ms: now,
        mirror_dirty: true,
    };
    node.sandboxes.push(Sandbox {
        id: sandbox,
        name: sp.name(),
        namespace: sp.namespace(),
        created_ms: now,
        ready: true,
    });
    start_container(node, &sp, now, 0);
    sp
}

/// Starts `sp`'s container (attempt `attempt`), with the logs it writes first.
pub(crate) fn start_container(node: &mut Node, sp: &StaticPod, now: u64, attempt: u32) {
    let id = node.new_id();
    let logs = match sp.component.as_str() {
        "etcd" => etcd::start_logs(&sp.pod, now),
        _ => klog_start(&sp.component, &sp.pod, now),
    };
    node.containers.push(Container {
        id,
        pod_id: sp.sandbox.clone(),
        pod: sp.name(),
        name: sp.pod.pointer("/spec/containers/0/name").and_then(Value::as_str).unwrap_or("").to_string(),
        image: sp.image(),
        created_ms: now,
        exited: None,
        attempt,
        logs,
    });
}

/// The first lines a Kubernetes component writes (klog).
fn klog_start(component: &str, pod: &Value, now: u64) -> Vec<String> {
    let t = klog_time(now);
    let flags = command(pod).iter().skip(1).map(|f| format!("{f:?}")).collect::<Vec<_>>().join(" ");
    let mut lines = vec![format!("I{t}       1 flags.go:64] FLAG: {flags}")];
    match component {
        "kube-apiserver" => {
            let adv = flag(pod, "advertise-address").unwrap_or_default();
            lines.push(format!("I{t}       1 options.go:221] external host was not specified, using {adv}"));
            lines.push(format!(
                "I{t}       1 server.go:148] Version: {}",
                kube::controllers::kubelet::KUBELET_VERSION
            ));
        }
        "kube-controller-manager" | "kube-scheduler" => {
            lines.push(format!("I{t}       1 leaderelection.go:250] attempting to acquire leader lease kube-system/{component}..."));
        }
        _ => {}
    }
    lines
}

/// klog's `MMDD hh:mm:ss.uuuuuu` of virtual time.
pub(crate) fn klog_time(now: u64) -> String {
    let iso = crate::timefmt::iso_ms(now);
    // 2026-01-01T00:00:05.000Z
    format!("{}{} {}{:03}", &iso[5..7], &iso[8..10], &iso[11..23], 0)
}

/// Ends the running container of `sp` at `now` with `code`.
pub(crate) fn stop_container(node: &mut Node, sp: &StaticPod, now: u64, code: i32) {
    let name = sp.name();
    if let Some(c) = node.containers.iter_mut().rev().find(|c| c.pod == name && c.exited.is_none()) {
        c.exited = Some((now, code));
    }
}

/// The kubelet's look at the manifest directory.
pub(crate) fn sync(con: &mut Console, node: &mut Node, now: u64) {
    check_mirrors(con, node);
    if con.vfs.changed_since(node.mark).iter().all(|p| !p.starts_with(MANIFEST_DIR)) {
        node.mark = con.vfs.version();
        return;
    }
    node.mark = con.vfs.version();
    let files = manifest_files(con);
    let gone: Vec<String> =
        node.pods.keys().filter(|f| !files.iter().any(|(n, _)| n == *f)).cloned().collect();
    for file in gone {
        if let Some(sp) = node.pods.remove(&file) {
            remove_pod(con, node, &sp, now);
        }
    }
    for (file, text) in files {
        if node.pods.get(&file).is_some_and(|sp| sp.text == text) {
            continue;
        }
        let path = format!("{MANIFEST_DIR}/{file}");
        match parse(&path, &text) {
            Err(e) => {
                node.log(
                    now,
                    format!("\"Could not process manifest file\" err=\"{}\"", e.replace('"', "\\\"")),
                );
                if let Some(sp) = node.pods.remove(&file) {
                    remove_pod(con, node, &sp, now);
                }
            }
            Ok(pod) => {
                if let Some(old) = node.pods.remove(&file) {
                    remove_pod(con, node, &old, now);
                }
                let sp = new_pod(node, &pod, text, now);
                node.log(
                    now,
                    format!("\"SyncLoop ADD\" source=\"file\" pods=[\"{}/{}\"]", sp.namespace(), sp.name()),
                );
                match sp.component.as_str() {
                    "etcd" => etcd::started(con, node, &sp.pod, now),
                    "kube-apiserver" => apiserver::started(con, node, &sp.pod, now, false),
                    _ => {}
                }
                node.pods.insert(file, sp);
            }
        }
    }
}

/// Stops `sp`'s pod: its container exits, its sandbox is gone, its mirror
/// pod is deleted; etcd or the apiserver stop with it.
fn remove_pod(con: &mut Console, node: &mut Node, sp: &StaticPod, now: u64) {
    let name = sp.name();
    let cname = sp.pod.pointer("/spec/containers/0/name").and_then(Value::as_str).unwrap_or("");
    node.log(
        now,
        format!(
            "\"Killing container with a grace period\" pod=\"{}/{name}\" containerName=\"{cname}\" gracePeriod=30",
            sp.namespace()
        ),
    );
    stop_container(node, sp, now, 0);
    node.mirror_deletes.push((sp.namespace(), name.clone()));
    if let Some(s) = node.sandboxes.iter_mut().find(|s| s.id == sp.sandbox) {
        s.ready = false;
    }
    node.log(now, format!("\"SyncLoop REMOVE\" source=\"file\" pods=[\"{}/{}\"]", sp.namespace(), sp.name()));
    match sp.component.as_str() {
        "etcd" => etcd::stopped(con, node, now),
        "kube-apiserver" => apiserver::stopped(node, now),
        _ => {}
    }
}

/// Writes the mirror pods whose pod changed, while the apiserver serves
/// (a failed write is tried again on the next step).
pub(crate) fn write_mirrors(con: &mut Console, node: &mut Node) {
    if !node.api.serving {
        return;
    }
    // A replaced pod's mirror is written again below, not deleted.
    let deletes = std::mem::take(&mut node.mirror_deletes);
    for (ns, name) in deletes {
        if node.pods.values().any(|p| p.name() == name && p.namespace() == ns) {
            continue;
        }
        let gone = con.backend.with_kube(|kube, sim| {
            let Some(kind) = kube.api.catalog.by_kind("Pod").cloned() else { return true };
            match kube.api.delete(sim, &kind, &ns, &name, None, Some(0)) {
                Ok(_) => true,
                Err(e) => e.reason == kube::Reason::NotFound,
            }
        });
        if !gone {
            node.mirror_deletes.push((ns, name));
        }
    }
    for sp in node.pods.values_mut().filter(|p| p.mirror_dirty) {
        let ts = kube::meta::timestamp(sp.started_ms);
        let mirror = manifests::mirror_pod(&sp.pod, &sp.hash, &ts, u64::from(sp.restarts));
        let ok = con.backend.with_kube(|kube, sim| put_mirror(kube, sim, mirror)).is_ok();
        sp.mirror_dirty = !ok;
    }
}

/// Marks the static pods whose mirror pod is gone or going (`kubectl
/// delete pod etcd-controlplane -n kube-system`): the kubelet creates it
/// again; the static pod itself keeps running.
fn check_mirrors(con: &mut Console, node: &mut Node) {
    if !node.api.serving {
        return;
    }
    for sp in node.pods.values_mut().filter(|p| !p.mirror_dirty) {
        let name = sp.name();
        let ns = sp.namespace();
        sp.mirror_dirty = con.backend.with_kube(|kube, sim| {
            let Some(kind) = kube.api.catalog.by_kind("Pod").cloned() else { return false };
            match kube.api.get(sim, &kind, &ns, &name) {
                Err(e) => e.reason == kube::Reason::NotFound,
                // Deleted gracefully: the kubelet finishes the deletion and
                // creates the mirror again.
                Ok(s) if s.object.pointer("/metadata/deletionTimestamp").is_some() => {
                    kube.api.delete(sim, &kind, &ns, &name, None, Some(0)).is_ok()
                }
                Ok(_) => false,
            }
        });
    }
}

/// Creates or replaces a mirror pod: a pod of another manifest (another
/// config hash) is a new pod, so its mirror is deleted and created anew.
fn put_mirror(kube: &mut kube::Kube, sim: &mut sim::Sim, pod: Value) -> kube::Result<()> {
    let Some(kind) = kube.api.catalog.by_kind("Pod").cloned() else { return Ok(()) };
    let name = kube::meta::name(&pod).to_string();
    let ns = kube::meta::namespace(&pod).to_string();
    let hash = |p: &Value| p.pointer("/metadata/annotations/kubernetes.io~1config.hash").cloned();
    match kube.api.get(sim, &kind, &ns, &name) {
        Ok(old) if hash(&old.object) != hash(&pod) => {
            kube.api.delete(sim, &kind, &ns, &name, None, Some(0))?;
            let m = kube.api.manifest(pod)?;
            kube.api.create(sim, m).map(|_| ())
        }
        Ok(old) => {
            let rv = old.mod_revision;
            kube.api.update(sim, &kind, &old, pod, rv).map(|_| ())
        }
        Err(e) if e.reason == kube::Reason::NotFound => {
            let m = kube.api.manifest(pod)?;
            kube.api.create(sim, m).map(|_| ())
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_path_in_the_container_is_where_its_volume_is_on_the_node() {
        let pod = json!({"spec": {"containers": [{"volumeMounts": [
                {"mountPath": "/var/lib/etcd", "name": "etcd-data"},
                {"mountPath": "/etc/kubernetes/pki/etcd", "name": "etcd-certs"}]}],
            "volumes": [{"name": "etcd-certs", "hostPath": {"path": "/etc/kubernetes/pki/etcd"}},
                {"name": "etcd-data", "hostPath": {"path": "/var/lib/etcd-from-backup"}}]}});
        assert_eq!(host_path(&pod, "/var/lib/etcd").as_deref(), Some("/var/lib/etcd-from-backup"));
        assert_eq!(
            host_path(&pod, "/var/lib/etcd/member").as_deref(),
            Some("/var/lib/etcd-from-backup/member")
        );
        assert_eq!(host_path(&pod, "/var/lib/etcd2"), None);
        assert_eq!(host_path(&pod, "/tmp"), None);
    }

    #[test]
    fn flags_and_bad_manifests() {
        let pod = json!({"spec": {"containers": [{"command": ["etcd", "--data-dir=/d", "--name", "n"]}]}});
        assert_eq!(flag(&pod, "data-dir").as_deref(), Some("/d"));
        assert_eq!(flag(&pod, "name").as_deref(), Some("n"));
        assert_eq!(flag(&pod, "nope"), None);
        let e = parse("/m/etcd.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: etcd\n spec: x: y\n")
            .unwrap_err();
        assert!(e.starts_with("/m/etcd.yaml: couldn't parse as pod(yaml: line "), "{e}");
        assert!(parse("/m/x.yaml", "kind: Pod\nmetadata:\n  name: x\n").is_err());
    }
}
