//! The Kubernetes apiserver-like object layer of the playground: manifests
//! become etcd keys under `/registry`, written through the simulated
//! cluster with the apiserver's transactions, read back by a kubectl subset
//! and reconciled by watch-driven controllers.
//!
//! ```text
//!   kubectl(args, stdin) ─► manifest ─► ApiServer (validate, defaults, uid)
//!                                          │ txn: if mod_revision(key) == 0 then put
//!                                          ▼
//!                                     sim::Sim (etcd members, virtual time)
//!                                          ▲ watch /registry/pods/ ...
//!   Kube::step(sim) ─► scheduler, kubelets, deployment and replicaset controllers, events
//! ```
#![deny(missing_docs)]

pub mod aes;
pub mod apiserver;
pub mod base64;
pub mod client;
pub mod controllers;
pub mod defaults;
pub mod encryption;
pub mod error;
mod install;
pub mod json;
pub mod keys;
pub mod kinds;
pub mod kubeadm;
pub mod kubectl;
pub mod manifest;
pub mod meta;
pub mod panel;
pub mod printers;
pub mod protobuf;
pub mod store;
pub mod validate;
pub mod yaml;
pub mod yaml_emit;

pub use apiserver::ApiServer;
pub use error::{ApiError, Reason, Result};
pub use kubectl::{CommandOutput, KubeWatch, kubectl};
pub use panel::{Applied, ResourceEntry, TEMPLATES, Template};
pub use store::Stored;

/// The Kubernetes side of one playground: the apiserver's state (kinds,
/// codec, generator) and the controllers' state. The cluster itself lives
/// in the `sim::Sim` passed to every call.
#[derive(Clone, Debug)]
pub struct Kube {
    /// The apiserver.
    pub api: ApiServer,
    /// The controllers (scheduler, kubelets, deployment and replicaset controllers).
    pub controllers: controllers::Controllers,
    seed: u64,
    /// Whether what kubeadm leaves is stored ([`Kube::kubeadm_init`]).
    kubeadm: bool,
    /// etcd is external (systemd on its own host): kubeadm's cluster has no
    /// etcd static pod and the apiserver lists every member.
    pub external_etcd: bool,
}

impl Kube {
    /// A fresh object layer whose uids, names and keys derive from `seed`.
    /// Two worker nodes, `node-1` and `node-2`, each with a kubelet.
    pub fn new(seed: u64) -> Kube {
        Kube::with_nodes(seed, &["node-1", "node-2"])
    }

    /// An object layer with kubelets on `nodes`.
    pub fn with_nodes(seed: u64, nodes: &[&str]) -> Kube {
        let nodes = nodes.iter().map(|n| n.to_string()).collect();
        Kube {
            api: ApiServer::new(seed),
            controllers: controllers::Controllers::new(nodes),
            seed,
            kubeadm: false,
            external_etcd: false,
        }
    }

    /// Prepares the cluster once before kubectl's first request: what a
    /// fresh kubeadm cluster holds ([`Kube::kubeadm_init`]), then the kinds
    /// of stored CRDs. Retried on the next call if etcd did not answer.
    pub fn bootstrap(&mut self, sim: &mut sim::Sim) -> Result<()> {
        self.kubeadm_init(sim)?;
        self.api.bootstrap(sim)
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Switches Secret encryption at rest (aescbc, `key1`) on or off for
    /// new writes; stored values are read either way.
    pub fn set_encryption(&mut self, on: bool) {
        self.api.codec.encrypt_secrets = on;
    }

    /// Stores new writes as protobuf (`--storage-media-type=application/vnd.kubernetes.protobuf`,
    /// a real apiserver's default) or as JSON (the playground's default);
    /// stored values are read either way.
    pub fn set_protobuf(&mut self, on: bool) {
        self.api.codec.protobuf = on;
    }

    /// Whether Secrets are encrypted at rest.
    pub fn encryption(&self) -> bool {
        self.api.codec.encrypt_secrets
    }
}
