//! The apiserver's request handling between kubectl (or a controller) and
//! the storage layer: validation, the namespace check, defaulting, system
//! fields, generation, then a guarded etcd transaction.
//!
//! ```text
//!   create(manifest)
//!     validate ─► namespace exists? ─► defaults ─► uid, creationTimestamp, generation
//!     ─► resourceVersion blanked ─► txn(mod_revision(key) == 0 ? put : fail)
//!   update(old, new, rv)
//!     validate ─► keep uid/creationTimestamp ─► generation+1 if spec changed
//!     ─► txn(mod_revision(key) == rv ? put : get)  ─► 409 Conflict
//! ```

use serde_json::{Value, json};
use sim::Sim;

use crate::error::{ApiError, Reason, Result};
use crate::keys;
use crate::kinds::{Catalog, Kind};
use crate::manifest::Manifest;
use crate::meta::{self, Rng};
use crate::store::{self, Codec, Stored};

/// Namespaces that exist from the start.
pub const SYSTEM_NAMESPACES: [&str; 4] = ["default", "kube-node-lease", "kube-public", "kube-system"];

/// The apiserver's state: kinds known, the storage codec, the generator
/// for uids and names.
#[derive(Clone, Debug)]
pub struct ApiServer {
    /// Built-in and custom kinds.
    pub catalog: Catalog,
    /// JSON and encryption.
    pub codec: Codec,
    /// uids, generated names, cluster IPs.
    pub rng: Rng,
    bootstrapped: bool,
}

fn has_generation(kind: &Kind) -> bool {
    matches!(
        kind.kind.as_str(),
        "Deployment"
            | "ReplicaSet"
            | "DaemonSet"
            | "CustomResourceDefinition"
            | "FlowSchema"
            | "PriorityLevelConfiguration"
    ) || !kind.group.is_empty() && crate::kinds::builtin().iter().all(|b| b.kind != kind.kind)
}

impl ApiServer {
    /// An apiserver whose randomness derives from `seed`.
    pub fn new(seed: u64) -> ApiServer {
        ApiServer {
            catalog: Catalog::default(),
            codec: Codec::new(seed),
            rng: Rng::new(seed),
            bootstrapped: false,
        }
    }

    /// Learns the kinds of stored CRDs once (the cluster's own objects are
    /// [`crate::Kube::kubeadm_init`]'s). Retried on the next request if etcd
    /// did not answer.
    pub fn bootstrap(&mut self, sim: &mut Sim) -> Result<()> {
        if self.bootstrapped {
            return Ok(());
        }
        self.refresh_crds(sim)?;
        self.bootstrapped = true;
        Ok(())
    }

    /// Whether [`ApiServer::bootstrap`] has completed.
    pub fn is_bootstrapped(&self) -> bool {
        self.bootstrapped
    }

    /// Re-reads the stored CRDs into the catalog.
    pub fn refresh_crds(&mut self, sim: &mut Sim) -> Result<()> {
        let Some(crd) = self.catalog.by_kind("CustomResourceDefinition").cloned() else { return Ok(()) };
        let (items, _) = store::list(sim, &self.codec, &keys::prefix(&crd, None))?;
        for s in items {
            if let Some(k) = crate::kinds::from_crd(&s.object) {
                self.catalog.add(k);
            }
        }
        Ok(())
    }

    /// Resolves a whole object (for objects built in code).
    pub fn manifest(&self, object: Value) -> Result<Manifest> {
        let ns = meta::namespace(&object).to_string();
        let ns = if ns.is_empty() { "default".to_string() } else { ns };
        crate::manifest::resolve(object, &self.catalog, "object", &ns, false).map_err(ApiError::bad_request)
    }

    /// The key of `m`.
    pub fn key(m: &Manifest) -> String {
        keys::key(&m.kind, m.namespace(), m.name())
    }

    fn check_namespace(&mut self, sim: &mut Sim, kind: &Kind, ns: &str) -> Result<()> {
        if !kind.namespaced {
            return Ok(());
        }
        let Some(nsk) = self.catalog.by_kind("Namespace").cloned() else { return Ok(()) };
        match store::get(sim, &self.codec, &keys::key(&nsk, "", ns))? {
            Some(_) => Ok(()),
            None => Err(ApiError::not_found("namespaces", ns)),
        }
    }

    /// What `create` stores for `m`: validated, defaulted, with uid,
    /// creationTimestamp and generation; returns the key and the object.
    pub fn prepare_create(&mut self, m: &Manifest, now_ms: u64) -> Result<(String, Value)> {
        crate::validate::validate(m)?;
        Ok(stamp(m, now_ms, &mut self.rng))
    }

    /// What `update` stores when `old` becomes `new`: validated, defaulted,
    /// uid and creationTimestamp kept, generation bumped on a spec change.
    pub fn prepare_update(&mut self, kind: &Kind, old: &Value, new: Value) -> Result<Value> {
        let mut m = Manifest { kind: kind.clone(), object: new };
        crate::validate::validate(&m)?;
        crate::defaults::apply(&kind.kind, &mut m.object, &mut self.rng);
        let keep = |f: &str| old.pointer(&format!("/metadata/{f}")).cloned();
        let spec_changed = old.get("spec") != m.object.get("spec");
        if let Some(md) = m.object.get_mut("metadata").and_then(Value::as_object_mut) {
            for f in ["uid", "creationTimestamp"] {
                if let Some(v) = keep(f) {
                    md.insert(f.into(), v);
                }
            }
            if has_generation(kind) {
                let g = keep("generation").and_then(|g| g.as_i64()).unwrap_or(1);
                md.insert("generation".into(), json!(if spec_changed { g + 1 } else { g }));
            }
        }
        Ok(m.object)
    }

    /// Creates `m` (optionally attached to `lease`).
    pub fn create_with_lease(&mut self, sim: &mut Sim, m: Manifest, lease: i64) -> Result<Stored> {
        crate::validate::validate(&m)?;
        self.check_namespace(sim, &m.kind, m.namespace())?;
        let (key, obj) = self.prepare_create(&m, sim.now_ms())?;
        let stored = store::create(sim, &mut self.codec, &m.kind, &key, &obj, lease)?;
        if m.kind.kind == "CustomResourceDefinition"
            && let Some(k) = crate::kinds::from_crd(&stored.object)
        {
            self.catalog.add(k);
        }
        Ok(stored)
    }

    /// Creates `m`.
    pub fn create(&mut self, sim: &mut Sim, m: Manifest) -> Result<Stored> {
        self.create_with_lease(sim, m, 0)
    }

    /// Replaces `old` with `new` if the key is still at revision `rv`.
    pub fn update(
        &mut self,
        sim: &mut Sim,
        kind: &Kind,
        old: &Stored,
        new: Value,
        rv: i64,
    ) -> Result<Stored> {
        let obj = self.prepare_update(kind, &old.object, new)?;
        store::update(sim, &mut self.codec, kind, &old.key, &obj, rv)
    }

    /// Reads one object.
    pub fn get(&mut self, sim: &mut Sim, kind: &Kind, ns: &str, name: &str) -> Result<Stored> {
        store::get(sim, &self.codec, &keys::key(kind, ns, name))?
            .ok_or_else(|| ApiError::not_found(&kind.qualified_resource(), name))
    }

    /// Lists a kind in one namespace or all; returns the list's revision.
    pub fn list(&mut self, sim: &mut Sim, kind: &Kind, ns: Option<&str>) -> Result<(Vec<Stored>, i64)> {
        store::list(sim, &self.codec, &keys::prefix(kind, ns))
    }

    /// Deletes one object; a namespace takes its contents with it. A pod
    /// bound to a node is deleted gracefully: it gets a deletionTimestamp
    /// `grace_seconds` (30 by default) ahead and shows as Terminating until
    /// its kubelet has stopped it and removes the key; grace 0 deletes at once.
    pub fn delete(
        &mut self,
        sim: &mut Sim,
        kind: &Kind,
        ns: &str,
        name: &str,
        rv: Option<i64>,
        grace_seconds: Option<i64>,
    ) -> Result<Stored> {
        if kind.kind == "Pod" && grace_seconds != Some(0) {
            let cur = self.get(sim, kind, ns, name)?;
            if let Some(e) = rv
                && e != cur.mod_revision
            {
                return Err(ApiError::conflict(&kind.qualified_resource(), name));
            }
            let bound =
                cur.object.pointer("/spec/nodeName").and_then(Value::as_str).is_some_and(|n| !n.is_empty());
            if cur.object.pointer("/metadata/deletionTimestamp").is_some() {
                return Ok(cur);
            }
            if bound {
                let grace = grace_seconds.unwrap_or(30).max(1);
                let mut obj = cur.object.clone();
                mark_deleting(&mut obj, sim.now_ms(), grace);
                return store::update(sim, &mut self.codec, kind, &cur.key, &obj, cur.mod_revision);
            }
        }
        if kind.kind == "Namespace" && SYSTEM_NAMESPACES.contains(&name) {
            return Err(ApiError {
                reason: Reason::Forbidden,
                message: format!("namespaces \"{name}\" is forbidden: this namespace may not be deleted"),
            });
        }
        let key = keys::key(kind, ns, name);
        let gone = store::delete(sim, &self.codec, kind, &key, name, rv)?;
        if kind.kind == "Namespace" {
            let kinds: Vec<Kind> = self.catalog.all().iter().filter(|k| k.namespaced).cloned().collect();
            for k in kinds {
                let prefix = keys::prefix(&k, Some(name));
                let req = mvcc::DeleteRangeRequest {
                    key: prefix.as_bytes().to_vec(),
                    range_end: keys::range_end(&prefix),
                    ..Default::default()
                };
                crate::client::call(sim, server::Request::DeleteRange(req))?;
            }
        }
        Ok(gone)
    }
}

/// What the apiserver stores for `m` once it passed validation: defaults,
/// a uid from `rng`, creationTimestamp and generation; the key and the
/// object. The objects the apiserver and kubeadm make themselves come here
/// directly: RBAC's `system:` names and the APIService `v1.` pass the
/// apiserver's own name rules, not those of a user's manifest.
pub fn stamp(m: &Manifest, now_ms: u64, rng: &mut Rng) -> (String, Value) {
    let mut obj = m.object.clone();
    crate::defaults::apply(&m.kind.kind, &mut obj, rng);
    let uid = rng.uuid();
    if let Some(md) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        md.remove("resourceVersion");
        md.insert("uid".into(), json!(uid));
        md.insert("creationTimestamp".into(), json!(meta::timestamp(now_ms)));
        if has_generation(&m.kind) {
            md.insert("generation".into(), json!(1));
        } else {
            md.remove("generation");
        }
    }
    (ApiServer::key(m), obj)
}

/// Sets `deletionTimestamp` (now + grace) and `deletionGracePeriodSeconds`:
/// the object is Terminating.
pub fn mark_deleting(obj: &mut Value, now_ms: u64, grace_seconds: i64) {
    if let Some(md) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        let at = now_ms + (grace_seconds.max(0) as u64) * 1000;
        md.insert("deletionTimestamp".into(), json!(meta::timestamp(at)));
        md.insert("deletionGracePeriodSeconds".into(), json!(grace_seconds));
    }
}
