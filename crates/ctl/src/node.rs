//! The control-plane node around the cluster, as on a kubeadm node: the kubelet that runs the static pods of `/etc/kubernetes/manifests`, the containers `crictl` shows, and systemd's kubelet unit.
//!
//! ```text
//!   t=0        kubeadm init: manifests written, four static pods Running (attempt 0)
//!   t=43 s     sed -i 's|/var/lib/etcd|/var/lib/etcd-from-backup|' etcd.yaml
//!   t=60 s     the kubelet's file check (every 20 s) sees the change:
//!              etcd's container exits, a new pod starts on the restored dir
//!              (the cluster comes back at the snapshot, with its membership);
//!              the mirror pod etcd-controlplane is written again
//!   t=60..     kube-apiserver lost etcd for a moment; it keeps serving
//!   a broken manifest   the pod goes away: etcd down, the apiserver answers
//!              with errors, and 80 s later (liveness: 8 x 10 s) it is
//!              killed and crash-loops: kubectl's "connection ... refused"
//! ```
//!
//! Everything runs in virtual time ([`Node::due_ms`], [`step`]): the
//! console calls [`step`] whenever its clock reaches the due time, in the
//! REPL as on the page, so a run is the same for the same inputs. The
//! kubelet's own pieces: `node/kubelet.rs` (reading manifests, starting and
//! stopping pods), `node/etcd.rs` (etcd on a data dir), `node/apiserver.rs`
//! (whether kube-apiserver serves), `node/crictl.rs` and `node/systemd.rs`
//! (the tools).

pub(crate) mod apiserver;
pub(crate) mod crictl;
pub(crate) mod etcd;
pub(crate) mod etcd_unit;
pub(crate) mod kubelet;
pub(crate) mod systemd;

use std::collections::BTreeMap;

use crate::console::Console;

/// How often the kubelet reads the manifest directory (its
/// `fileCheckFrequency`, 20 s).
pub const FILE_CHECK_MS: u64 = 20_000;

/// How often the node looks at its containers (probes, restarts).
pub const STEP_MS: u64 = 1_000;

/// The node's main process IDs, as `systemctl` and the journal print them.
pub(crate) const KUBELET_PID: u32 = 1_027;

/// A container as the runtime (containerd) keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Container {
    /// 64 hex digits (crictl shows the first 13).
    pub id: String,
    /// The pod sandbox it runs in.
    pub pod_id: String,
    /// The pod's name (`etcd-controlplane`).
    pub pod: String,
    /// The container's name (`etcd`).
    pub name: String,
    /// Its image reference.
    pub image: String,
    /// When it was created (virtual ms).
    pub created_ms: u64,
    /// When it exited and with which code; `None` while it runs.
    pub exited: Option<(u64, i32)>,
    /// How many times the kubelet restarted this container in its pod.
    pub attempt: u32,
    /// What it wrote (`crictl logs`).
    pub logs: Vec<String>,
}

/// A pod sandbox (`crictl pods`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sandbox {
    /// 64 hex digits.
    pub id: String,
    /// `etcd-controlplane`.
    pub name: String,
    /// Its namespace.
    pub namespace: String,
    /// When it was created.
    pub created_ms: u64,
    /// Ready while the pod exists; NotReady once the kubelet removed it.
    pub ready: bool,
}

/// The node: its static pods, containers, kubelet and journal.
#[derive(Clone, Debug, Default)]
pub struct Node {
    /// A kubeadm node (the console runs Kubernetes); else the node does nothing.
    pub(crate) enabled: bool,
    /// The static pods the kubelet runs, by manifest file name.
    pub(crate) pods: BTreeMap<String, kubelet::StaticPod>,
    /// Every container the runtime knows, running or exited, in creation order.
    pub(crate) containers: Vec<Container>,
    /// Every pod sandbox, in creation order.
    pub(crate) sandboxes: Vec<Sandbox>,
    /// Counter behind the container and sandbox IDs.
    serial: u64,
    /// The seed the IDs derive from.
    seed: u64,
    /// The vfs version the kubelet last read the manifests at.
    pub(crate) mark: u64,
    /// When the kubelet reads the manifests next.
    pub(crate) next_sync_ms: u64,
    /// When the node looks at its containers next.
    pub(crate) next_step_ms: u64,
    /// The kubelet's journal: (virtual ms, line).
    pub(crate) journal: Vec<(u64, String)>,
    /// systemd's kubelet unit: active since, or stopped.
    pub(crate) kubelet_since_ms: Option<u64>,
    /// Mirror pods to delete (their static pod is gone).
    pub(crate) mirror_deletes: Vec<(String, String)>,
    /// etcd's data and the clusters on other data dirs.
    pub(crate) etcd: etcd::EtcdState,
    /// etcd as a systemd unit (the external topology).
    pub(crate) etcd_unit: Option<etcd_unit::EtcdUnit>,
    /// kube-apiserver's state.
    pub(crate) api: apiserver::ApiState,
}

/// The journal keeps this many lines.
const JOURNAL_LINES: usize = 200;

impl Node {
    /// A node that does nothing (a bare etcd playground).
    pub fn disabled() -> Node {
        Node::default()
    }

    /// When the node next has something to do (virtual ms), if ever.
    pub fn due_ms(&self) -> Option<u64> {
        if !self.enabled {
            return None;
        }
        let sync = self.kubelet_since_ms.map(|_| self.next_sync_ms);
        Some(sync.map_or(self.next_step_ms, |s| s.min(self.next_step_ms)))
    }

    /// A new ID of 64 hex digits, from the seed and a counter.
    pub(crate) fn new_id(&mut self) -> String {
        self.serial += 1;
        let mut x = self.seed ^ self.serial.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mut out = String::with_capacity(64);
        for _ in 0..4 {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            out.push_str(&format!("{:016x}", z ^ (z >> 31)));
        }
        out
    }

    /// Adds a line to the kubelet's journal.
    pub(crate) fn log(&mut self, now_ms: u64, line: impl Into<String>) {
        self.journal.push((now_ms, line.into()));
        if self.journal.len() > JOURNAL_LINES {
            self.journal.remove(0);
        }
    }

    /// The running container of pod `pod` (`etcd-controlplane`), if one runs.
    pub(crate) fn running(&self, pod: &str) -> Option<&Container> {
        self.containers.iter().rev().find(|c| c.pod == pod && c.exited.is_none())
    }

    /// Every container the runtime knows, in creation order.
    pub fn containers(&self) -> &[Container] {
        &self.containers
    }

    /// Whether kube-apiserver answers requests now.
    pub fn apiserver_serving(&self) -> bool {
        !self.enabled || self.api.serving
    }
}

/// Sets the node up as `kubeadm init` leaves it (the console opens on a
/// kubeadm cluster): manifests written, static pods running since now,
/// the kubelet active.
pub(crate) fn install(con: &mut Console) {
    let now = con.now_ms();
    let mut node = Node { enabled: true, seed: con.seed, ..Node::default() };
    // kubeadm init ran as the cluster started (virtual time 0).
    node.kubelet_since_ms = Some(0);
    node.log(0, "systemd: Started kubelet.service - kubelet: The Kubernetes Node Agent.");
    node.log(0, "\"Starting kubelet main sync loop\"");
    node.log(0, format!("\"Adding static pod path\" path=\"{}\"", kube::kubeadm::manifests::MANIFEST_DIR));
    kubelet::write_manifests(con);
    // A node of the other topology may have left its etcd behind (`cluster reset`).
    let stale = if con.options.external_etcd {
        format!("{}/etcd.yaml", kube::kubeadm::manifests::MANIFEST_DIR)
    } else {
        etcd_unit::UNIT_FILE.to_string()
    };
    if con.vfs.is_file(&stale) {
        let _ = con.vfs.remove(&stale, false);
    }
    if con.options.external_etcd {
        etcd_unit::install(con, &mut node);
    } else {
        etcd::install(con, &mut node);
    }
    kubelet::start_all(con, &mut node, 0);
    kubelet::adopt_bound_pods(con, &mut node);
    node.mark = con.vfs.version();
    node.next_sync_ms = (now / FILE_CHECK_MS + 1) * FILE_CHECK_MS;
    node.next_step_ms = (now / STEP_MS + 1) * STEP_MS;
    con.node = node;
}

/// Lets the node act at the console's clock: the kubelet's file check if
/// it is due, then a look at the containers (the apiserver's health).
pub(crate) fn step(con: &mut Console) {
    let mut node = std::mem::take(&mut con.node);
    if node.enabled {
        let now = con.now_ms();
        if node.kubelet_since_ms.is_some() && now >= node.next_sync_ms {
            kubelet::sync(con, &mut node, now);
            node.next_sync_ms = (now / FILE_CHECK_MS + 1) * FILE_CHECK_MS;
        }
        if now >= node.next_step_ms {
            let now = con.now_ms();
            etcd::step(con, &mut node, now);
            apiserver::step(con, &mut node, now);
            kubelet::write_mirrors(con, &mut node);
            node.next_step_ms = (now / STEP_MS + 1) * STEP_MS;
        }
        con.backend.apiserver_down = !node.api.serving;
    }
    con.node = node;
}
