//! etcd's static pod on its data dir: the kubelet stops and starts the member the manifest describes, and a pod on another data dir starts the cluster that dir holds.
//!
//! ```text
//!   --data-dir in the container -> the hostPath volume over it -> a dir on the node
//!   the dir etcd ran on              the same members start again (their disks kept)
//!   a dir etcd ran on before         that cluster again, as it was when it stopped
//!   a dir `etcdutl snapshot restore` wrote   the snapshot's data, the restore's membership
//!                                    (etcd ignores --initial-cluster for an existing dir)
//!   an empty or missing dir, or no volume over --data-dir (the container's own disk)
//!                                    a new cluster: one empty member named --name
//! ```
//!
//! The sim holds one cluster at a time: moving etcd to another dir parks the
//! whole cluster it ran (its disks, under its dir) and starts the other in
//! its place, its clock going on from the console's.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Node;
use super::kubelet::{flag, host_path};
use crate::backend::Backend;
use crate::console::Console;
use sim::Fault;

/// etcd's data and the clusters parked on other data dirs.
#[derive(Clone, Debug, Default)]
pub(crate) struct EtcdState {
    /// The node's dir the running cluster's data is in.
    pub data_dir: String,
    /// The members the kubelet stopped with etcd's pod (started again if
    /// the new pod uses the same dir).
    pub stopped: Vec<u64>,
    /// Clusters that ran on other dirs: dir -> their members' disks.
    pub parked: BTreeMap<String, Vec<(server::PeerInfo, server::Disk)>>,
    /// How many clusters have been started on this node (seeds the next).
    pub generation: u64,
    /// When the kubelet starts a failed etcd container again.
    pub restart_at_ms: Option<u64>,
    /// The next back-off.
    pub backoff_ms: u64,
}

/// kubeadm's data dir exists from the start, etcd's files in it.
pub(crate) fn install(con: &mut Console, node: &mut Node) {
    let dir = kube::kubeadm::manifests::ETCD_DATA_DIR;
    node.etcd.data_dir = dir.to_string();
    make_member_dirs(con, dir);
}

fn make_member_dirs(con: &mut Console, dir: &str) {
    for sub in ["member/snap", "member/wal"] {
        let p = format!("{dir}/{sub}");
        if !con.vfs.is_dir(&p) {
            con.vfs.mkdir(&p);
        }
    }
}

/// The members the node's etcd pod runs: the one serving 127.0.0.1:2379
/// (every member when none does).
fn node_members(con: &Console) -> Vec<u64> {
    match con.backend.member_at("127.0.0.1:2379") {
        Some(e) => vec![e.id],
        None => con.backend.endpoints().iter().map(|e| e.id).collect(),
    }
}

/// etcd's pod went away: its member stops (memory lost, disk kept).
pub(crate) fn stopped(con: &mut Console, node: &mut Node, _now: u64) {
    node.etcd.restart_at_ms = None;
    if !node.etcd.stopped.is_empty() {
        // Already down (a failed start): the members stay stopped.
        return;
    }
    for id in node_members(con) {
        if con.backend.endpoints().iter().any(|e| e.id == id && e.running) {
            let _ = con.backend.fault(Fault::Stop { member: id });
            node.etcd.stopped.push(id);
        }
    }
}

/// etcd's new pod `pod` started at `now`: its member runs again on the
/// data dir the pod mounts.
pub(crate) fn started(con: &mut Console, node: &mut Node, pod: &Value, now: u64) {
    let data_dir = flag(pod, "data-dir")
        .unwrap_or_else(|| format!("{}.etcd", flag(pod, "name").unwrap_or_else(|| "default".into())));
    // Without a volume over it the dir is in the container's own
    // filesystem: new with every container.
    let dir = host_path(pod, &data_dir).unwrap_or_else(|| format!("container:{}", node.serial));
    match start_on(con, node, pod, dir, now, true) {
        Ok(()) => node.etcd.backoff_ms = BACKOFF_MS,
        Err(logs) => {
            fail_container(node, logs, now);
            let backoff = node.etcd.backoff_ms.max(BACKOFF_MS);
            node.etcd.restart_at_ms = Some(now + backoff);
            node.etcd.backoff_ms = (backoff * 2).min(MAX_BACKOFF_MS);
        }
    }
}

/// The kubelet's first crash-loop back-off for etcd, doubled up to 5 min.
const BACKOFF_MS: u64 = 10_000;
const MAX_BACKOFF_MS: u64 = 300_000;

/// The certificate flags etcd opens as it starts.
const TLS_FLAGS: [&str; 6] =
    ["cert-file", "key-file", "trusted-ca-file", "peer-cert-file", "peer-key-file", "peer-trusted-ca-file"];

/// etcd's crash loop: the kubelet starts a failed etcd container again
/// once its back-off has passed.
pub(crate) fn step(con: &mut Console, node: &mut Node, now: u64) {
    if node.etcd.restart_at_ms.is_none_or(|at| now < at) {
        return;
    }
    node.etcd.restart_at_ms = None;
    let Some(sp) = node.pods.get_mut("etcd.yaml") else { return };
    sp.restarts += 1;
    sp.started_ms = now;
    sp.mirror_dirty = true;
    let sp = sp.clone();
    super::kubelet::start_container(node, &sp, now, sp.restarts);
    started(con, node, &sp.pod, now);
}

/// etcd starts at `now` with the flags of `pod` (a static pod, or the
/// systemd unit's command line; `in_container`: its paths go through the
/// pod's volumes) on the node's dir `dir`; the lines it logs as it fails.
pub(crate) fn start_on(
    con: &mut Console,
    node: &mut Node,
    pod: &Value,
    dir: String,
    now: u64,
    in_container: bool,
) -> Result<(), Vec<String>> {
    let fatal = |e: &str| {
        vec![log_line(
            now,
            "fatal",
            "etcdmain/etcd.go:204",
            "discovery failed",
            &format!(",\"error\":{}", crate::printers::json::string(e)),
        )]
    };
    for f in TLS_FLAGS {
        let Some(path) = flag(pod, f) else { continue };
        let host = if in_container { host_path(pod, &path) } else { Some(path.clone()) };
        if !host.is_some_and(|h| con.vfs.is_file(&h)) {
            return Err(fatal(&format!("open {path}: no such file or directory")));
        }
    }
    if dir == node.etcd.data_dir {
        for id in std::mem::take(&mut node.etcd.stopped) {
            let _ = con.backend.fault(Fault::Start { member: id });
        }
        return Ok(());
    }
    let disks = cluster_on(con, node, &dir, pod).map_err(|e| fatal(&e))?;
    // The cluster etcd leaves is parked on its dir, as it was.
    let old: Vec<(server::PeerInfo, server::Disk)> = con
        .backend
        .sim
        .member_ids()
        .into_iter()
        .filter_map(|id| {
            let cfg = &con.backend.sim.node(id)?.config;
            let me = cfg.initial_cluster.iter().find(|p| p.id == id).cloned()?;
            Some((me, con.backend.sim.disk(id)?.clone()))
        })
        .collect();
    if !node.etcd.data_dir.starts_with("container:") && !old.is_empty() {
        node.etcd.parked.insert(node.etcd.data_dir.clone(), old);
    }
    if !dir.starts_with("container:") {
        make_member_dirs(con, &dir);
    }
    node.etcd.data_dir = dir;
    node.etcd.stopped.clear();
    node.etcd.generation += 1;
    swap_backend(con, node.etcd.generation, disks, now);
    Ok(())
}

/// The members of the cluster whose data is in `dir`.
fn cluster_on(
    con: &Console,
    node: &mut Node,
    dir: &str,
    pod: &Value,
) -> Result<Vec<(server::PeerInfo, server::Disk)>, String> {
    if let Some(disks) = node.etcd.parked.remove(dir) {
        return Ok(disks);
    }
    if con.vfs.is_file(&format!("{dir}/member/snap/db")) {
        return crate::playground::restored_disks(con, dir);
    }
    // A new member: etcd bootstraps a cluster of its own.
    let name = flag(pod, "name").unwrap_or_else(|| "default".into());
    let peer = flag(pod, "initial-advertise-peer-urls")
        .and_then(|u| u.split(',').next().map(str::to_string))
        .unwrap_or_else(|| "http://localhost:2380".into())
        .replacen("https://", "http://", 1)
        .replace("localhost", "127.0.0.1");
    let client = peer.replace(":2380", ":2379");
    let token = flag(pod, "initial-cluster-token").unwrap_or_else(|| "etcd-cluster".into());
    let peer_urls = vec![peer];
    let info = server::PeerInfo {
        id: server::member_id(&peer_urls, &token, 0),
        name,
        peer_urls,
        client_urls: vec![client],
        is_learner: false,
    };
    Ok(vec![(info, server::Disk::default())])
}

/// Puts the cluster of `disks` in the sim's place, started at `now`, with
/// kube over it again (the apiserver finds what etcd holds).
fn swap_backend(con: &mut Console, generation: u64, disks: Vec<(server::PeerInfo, server::Disk)>, now: u64) {
    let seed = con.seed.wrapping_add(generation.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let mut b = Backend::from_disks_at(seed, disks, None, now);
    b.page = con.backend.page;
    b.sim.set_lean(con.backend.sim.is_lean());
    b.journal = con.backend.journal.take();
    b.tls = con.backend.tls;
    b.apiserver_down = con.backend.apiserver_down;
    let encryption = con.backend.kube.encryption();
    // kubeadm's objects come from the console's seed, as the first time, so
    // those the data dir holds are found under their own names and left
    // as they are; the apiserver's own generator (names of new objects)
    // starts anew, so it does not hand out names it gave before.
    b.kube = kube::Kube::new(con.seed);
    b.kube.api = kube::ApiServer::new(seed);
    b.kube.set_protobuf(con.options.protobuf);
    b.kube.external_etcd = con.options.external_etcd;
    b.kube.set_encryption(encryption);
    b.start_kubernetes();
    con.backend = b;
}

/// etcd's container could not start: it exits with 1, its logs say why.
fn fail_container(node: &mut Node, logs: Vec<String>, now: u64) {
    if let Some(c) = node.containers.iter_mut().rev().find(|c| c.name == "etcd" && c.exited.is_none()) {
        // It got as far as configuring its listeners.
        c.logs.truncate(2);
        c.logs.extend(logs);
        c.exited = Some((now, 1));
    }
}

fn log_line(now: u64, level: &str, caller: &str, msg: &str, rest: &str) -> String {
    format!(
        "{{\"level\":\"{level}\",\"ts\":\"{}\",\"caller\":\"{caller}\",\"msg\":\"{msg}\"{rest}}}",
        crate::timefmt::iso_ms(now)
    )
}

/// The first lines etcd 3.5 logs as it starts (zap's JSON, shortened).
pub(crate) fn start_logs(pod: &Value, now: u64) -> Vec<String> {
    let j = crate::printers::json::string;
    let args: Vec<String> = super::kubelet::command(pod).iter().map(|a| j(a)).collect();
    let dir = flag(pod, "data-dir").unwrap_or_default();
    let client = flag(pod, "listen-client-urls").unwrap_or_default();
    let name = flag(pod, "name").unwrap_or_default();
    vec![
        log_line(now, "info", "etcdmain/etcd.go:73", "Running: ", &format!(",\"args\":[{}]", args.join(","))),
        log_line(
            now,
            "info",
            "embed/etcd.go:127",
            "configuring peer listeners",
            &format!(",\"listen-peer-urls\":[{}]", j(&flag(pod, "listen-peer-urls").unwrap_or_default())),
        ),
        log_line(
            now,
            "info",
            "embed/etcd.go:308",
            "starting an etcd server",
            &format!(",\"etcd-version\":\"3.5.12\",\"name\":{},\"data-dir\":{}", j(&name), j(&dir)),
        ),
        log_line(
            now,
            "info",
            "etcdserver/backend.go:81",
            "opened backend db",
            &format!(",\"path\":{},\"took\":\"2.1ms\"", j(&format!("{dir}/member/snap/db"))),
        ),
        log_line(
            now + 1,
            "info",
            "etcdserver/server.go:2068",
            "published local member to cluster through raft",
            &format!(
                ",\"local-member-attributes\":\"{{Name:{name} ClientURLs:[{}]}}\"",
                flag(pod, "advertise-client-urls").unwrap_or_default()
            ),
        ),
        log_line(
            now + 1,
            "info",
            "embed/serve.go:250",
            "serving client traffic securely",
            &format!(
                ",\"traffic\":\"grpc+http\",\"address\":{}",
                j(client.split(',').next().unwrap_or("").trim_start_matches("https://"))
            ),
        ),
    ]
}
