//! What the Kubernetes manifest panel reads and does, as plain data: the
//! templates, applying a manifest through `crates/kube` (the same path as
//! `kubectl apply -f -` in the console), and the objects under `/registry/`
//! grouped by kind, read from the member the key browser reads.
//!
//! ```text
//!   editor text ── apply(kube, sim, text) ── kube::Kube::apply_text
//!               ── Outcome { message, key, stored (pretty JSON), revision, protobuf_hexdump }
//!   member store ── resources(member, catalog) ── /registry/<prefix>/<ns>/<name>
//!               ── by_kind: [(Kind, [Resource])] in the catalogue's order
//! ```

use kube::keys::ROOT;
use kube::kinds::Catalog;
use sim::Sim;

pub use kube::protobuf::EXPLANATION;
pub use kube::{TEMPLATES, Template};

/// Objects listed at most (a Deployment's events can pile up).
pub const LISTED: usize = 1_000;

/// What applying one object gave, ready to show (its stored value
/// pretty-printed when it is JSON).
pub type Outcome = kube::Applied;

/// One object under `/registry/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    /// Namespace (empty when cluster-scoped).
    pub namespace: String,
    /// Name.
    pub name: String,
    /// Its etcd key.
    pub key: String,
    /// Its mod_revision.
    pub revision: i64,
}

/// The objects of one kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KindGroup {
    /// `ConfigMap`.
    pub kind: String,
    /// In key order.
    pub items: Vec<Resource>,
}

/// Applies `text` (YAML or JSON, one or more documents) as
/// `kubectl apply -f -` would.
pub fn apply(kube: &mut kube::Kube, sim: &mut Sim, text: &str) -> Vec<Outcome> {
    let mut applied = kube.apply_text(sim, text);
    for a in &mut applied {
        a.stored = a.stored.as_deref().map(pretty);
    }
    applied
}

/// `raw` pretty-printed when it is a JSON object or array, else as it is.
pub fn pretty(raw: &str) -> String {
    serde_json::from_str::<serde_json::Value>(raw)
        .ok()
        .filter(|v| v.is_object() || v.is_array())
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| raw.to_string())
}

/// The kind, namespace and name a `/registry/` key stands for, if it is an
/// object of a kind in `catalog`. The longest matching prefix wins.
pub fn parse_key<'c>(catalog: &'c Catalog, key: &str) -> Option<(&'c kube::kinds::Kind, String, String)> {
    let rest = key.strip_prefix(ROOT)?;
    let (kind, tail) = catalog
        .all()
        .iter()
        .filter_map(|k| rest.strip_prefix(k.prefix.as_str())?.strip_prefix('/').map(|t| (k, t)))
        .max_by_key(|(k, _)| k.prefix.len())?;
    let (namespace, name) = if kind.namespaced {
        let (ns, name) = tail.split_once('/')?;
        (ns, name)
    } else {
        ("", tail)
    };
    if name.is_empty() || name.contains('/') || (kind.namespaced && namespace.is_empty()) {
        return None;
    }
    Some((kind, namespace.to_string(), name.to_string()))
}

/// The objects `member` holds under `/registry/`, by kind in the
/// catalogue's order, each kind's in key order. Reads the member's store
/// directly: no request, no virtual time.
pub fn resources(member: &server::Member, catalog: &Catalog) -> Vec<KindGroup> {
    let prefix = ROOT.as_bytes().to_vec();
    let req = mvcc::RangeRequest {
        range_end: mvcc::kv::prefix_end(&prefix),
        key: prefix,
        keys_only: true,
        limit: LISTED as i64,
        ..Default::default()
    };
    let kvs = member.store().range(&req).map(|r| r.kvs).unwrap_or_default();
    let keys: Vec<(String, i64)> =
        kvs.iter().map(|kv| (String::from_utf8_lossy(&kv.key).into_owned(), kv.mod_revision)).collect();
    by_kind(catalog, &keys)
}

/// Groups `(key, mod_revision)` pairs by kind; keys of no known kind are left out.
pub fn by_kind(catalog: &Catalog, keys: &[(String, i64)]) -> Vec<KindGroup> {
    let mut groups: Vec<KindGroup> =
        catalog.all().iter().map(|k| KindGroup { kind: k.kind.clone(), items: Vec::new() }).collect();
    for (key, revision) in keys {
        let Some((kind, namespace, name)) = parse_key(catalog, key) else { continue };
        if let Some(g) = groups.iter_mut().find(|g| g.kind == kind.kind) {
            g.items.push(Resource { namespace, name, key: key.clone(), revision: *revision });
        }
    }
    for g in &mut groups {
        slim::sort_by(&mut g.items, |a, b| a.key.cmp(&b.key));
    }
    groups.retain(|g| !g.items.is_empty());
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn keys_map_to_kinds_namespaces_and_names() {
        let c = Catalog::default();
        let p = |k: &str| parse_key(&c, k).map(|(k, ns, n)| (k.kind.clone(), ns, n));
        assert_eq!(
            p("/registry/configmaps/default/app-config"),
            Some(("ConfigMap".into(), "default".into(), "app-config".into()))
        );
        assert_eq!(
            p("/registry/services/specs/default/web"),
            Some(("Service".into(), "default".into(), "web".into()))
        );
        assert_eq!(
            p("/registry/services/endpoints/default/web"),
            Some(("Endpoints".into(), "default".into(), "web".into()))
        );
        assert_eq!(p("/registry/minions/node-1"), Some(("Node".into(), String::new(), "node-1".into())));
        assert_eq!(
            p("/registry/namespaces/default"),
            Some(("Namespace".into(), String::new(), "default".into()))
        );
        assert_eq!(p("/registry/configmaps/default"), None);
        assert_eq!(p("/registry/ranges/serviceips"), None);
        assert_eq!(p("/app/config"), None);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn groups_follow_the_catalogue_and_keys() {
        let c = Catalog::default();
        let keys = [
            ("/registry/configmaps/default/b".to_string(), 9),
            ("/registry/configmaps/default/a".to_string(), 7),
            ("/registry/namespaces/default".to_string(), 2),
            ("/other".to_string(), 3),
        ];
        let g = by_kind(&c, &keys);
        assert_eq!(g.iter().map(|g| g.kind.as_str()).collect::<Vec<_>>(), ["Namespace", "ConfigMap"]);
        assert_eq!(g[1].items.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(g[1].items[0].revision, 7);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn the_configmap_template_applies_and_reapplies_unchanged() {
        let mut sim = Sim::new(7, sim::SimOptions { members: 3, ..sim::SimOptions::default() });
        sim.run_for(3_000);
        let mut kube = kube::Kube::new(7);
        let first = apply(&mut kube, &mut sim, TEMPLATES[0].yaml);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].message, "configmap/app-config created");
        assert_eq!(first[0].key.as_deref(), Some("/registry/configmaps/default/app-config"));
        assert!(
            first[0].stored.as_deref().is_some_and(|s| s.contains("\"DATABASE_HOST\": \"mysql-service\""))
        );
        assert!(first[0].revision.is_some_and(|r| r > 1));
        let again = apply(&mut kube, &mut sim, TEMPLATES[0].yaml);
        assert_eq!(again[0].message, "configmap/app-config unchanged");
        let bad = apply(&mut kube, &mut sim, "kind: ConfigMap\nmetadata:\n  name: x\n");
        assert!(!bad[0].ok);
        assert!(bad[0].message.starts_with("error: "), "{}", bad[0].message);
        assert!(!apply(&mut kube, &mut sim, "  \n").is_empty());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn an_applied_manifest_replays_from_the_saved_session() {
        let mut e = crate::engine::Engine::new(5, 3);
        for _ in 0..30 {
            e.frame(100.0);
        }
        let out = e.apply_manifest(TEMPLATES[0].yaml);
        assert_eq!(out[0].message, "configmap/app-config created");
        for _ in 0..10 {
            e.frame(50.0);
        }
        let text = e.session().to_text();
        let back =
            crate::engine::Engine::restore(&crate::session::Session::from_text(&text).expect("parses"));
        assert_eq!(back.sim().state_hash(), e.sim().state_hash());
        assert_eq!(back.now(), e.now());
        let groups =
            resources(back.read_member().expect("a member runs"), &back.console().kube().api.catalog);
        let cm = groups.iter().find(|g| g.kind == "ConfigMap").expect("the ConfigMap is listed");
        assert_eq!(cm.items[0].key, "/registry/configmaps/default/app-config");
        assert_eq!(Some(cm.items[0].revision), out[0].revision);
    }
}
