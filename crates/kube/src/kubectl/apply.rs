//! `kubectl apply -f`, `kubectl create -f` and `kubectl replace -f`.
//!
//! apply keeps the applied configuration in the
//! `kubectl.kubernetes.io/last-applied-configuration` annotation and merges
//! three ways (live, last applied, new): fields removed from the manifest
//! are removed from the object, fields others set are kept.
//!
//! ```text
//!   not there            -> create          configmap/app-config created
//!   merge == live        -> nothing         configmap/app-config unchanged
//!   otherwise            -> guarded update  configmap/app-config configured
//!   stale resourceVersion in the manifest   Error from server (Conflict): ...
//! ```

use serde_json::{Map, Value, json};
use sim::Sim;

use super::{CommandOutput, Flags, sources};
use crate::error::{ApiError, Reason};
use crate::manifest::{self, Manifest};
use crate::{Kube, keys};

/// The annotation apply keeps.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Which command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `apply -f`.
    Apply,
    /// `create -f`.
    Create,
    /// `replace -f`.
    Replace,
}

/// Runs apply, create or replace over every document of every `-f`.
pub fn apply(
    kube: &mut Kube,
    sim: &mut Sim,
    flags: &Flags,
    stdin: Option<&str>,
    files: &dyn Fn(&str) -> Option<String>,
    mode: Mode,
) -> CommandOutput {
    let srcs = match sources(flags, stdin, files) {
        Ok(s) => s,
        Err(e) => return CommandOutput::fail(e),
    };
    let mut out = CommandOutput::default();
    let mut any = false;
    for (source, text) in srcs {
        let docs = match manifest::documents(&text, &source) {
            Ok(d) => d,
            Err(e) => {
                out.err(format!("error: {e}"));
                continue;
            }
        };
        for doc in docs {
            any = true;
            let m = match resolve(kube, sim, doc, &source, flags) {
                Ok(m) => m,
                Err(e) => {
                    out.err(format!("error: {e}"));
                    continue;
                }
            };
            match apply_one(kube, sim, m, &source, mode) {
                Ok(line) => out.out(line),
                Err(line) => out.err(line),
            }
        }
    }
    if !any && out.exit == 0 {
        let verb = match mode {
            Mode::Apply => "apply",
            Mode::Create => "create",
            Mode::Replace => "replace",
        };
        out.err(format!("error: no objects passed to {verb}"));
    }
    out
}

fn resolve(
    kube: &mut Kube,
    sim: &mut Sim,
    doc: Value,
    source: &str,
    flags: &Flags,
) -> Result<Manifest, String> {
    let explicit = flags.namespace.is_some();
    match manifest::resolve(doc.clone(), &kube.api.catalog, source, flags.ns(), explicit) {
        Ok(m) => Ok(m),
        Err(e) if e.starts_with("resource mapping not found") => {
            // A CRD applied by someone else may define it.
            let _ = kube.api.refresh_crds(sim);
            manifest::resolve(doc, &kube.api.catalog, source, flags.ns(), explicit)
        }
        Err(e) => Err(e),
    }
}

fn strip_status(m: &mut Manifest) {
    let builtin = crate::kinds::builtin().iter().any(|k| k.kind == m.kind.kind && k.group == m.kind.group);
    if builtin
        && m.kind.kind != "Event"
        && let Some(o) = m.object.as_object_mut()
    {
        o.remove("status");
    }
}

fn gvr(m: &Manifest) -> String {
    let gv = if m.kind.group.is_empty() { format!("/{}", m.kind.version) } else { m.kind.api_version() };
    format!(
        "Resource: \"{gv}, Resource={}\", GroupVersionKind: \"{gv}, Kind={}\"\nName: \"{}\", Namespace: \"{}\"",
        m.kind.resource,
        m.kind.kind,
        m.name(),
        m.namespace()
    )
}

/// Applies one object; Ok is the line for stdout, Err the line for stderr.
pub fn apply_one(
    kube: &mut Kube,
    sim: &mut Sim,
    mut m: Manifest,
    source: &str,
    mode: Mode,
) -> Result<String, String> {
    strip_status(&mut m);
    let what = format!("{}/{}", m.kind.qualified(), m.name());
    if m.name().is_empty() {
        return Err(match mode {
            Mode::Create => ApiError::invalid(
                &m.kind.kind,
                "",
                &["metadata.name: Required value: name or generateName is required".to_string()],
            )
            .kubectl(""),
            _ => format!(
                "error: error when retrieving current configuration of:\n{}\nfrom server for: \"{source}\": resource name may not be empty",
                gvr(&m)
            ),
        });
    }
    let wanted_rv: Option<i64> =
        m.object.pointer("/metadata/resourceVersion").and_then(|v| v.as_str()?.parse().ok());
    if mode == Mode::Apply {
        let mut annotated = m.object.clone();
        if let Some(md) = annotated.get_mut("metadata").and_then(Value::as_object_mut) {
            md.remove("resourceVersion");
        }
        let last_applied = format!("{}\n", serde_json::to_string(&annotated).unwrap_or_default());
        set_annotation(&mut m.object, LAST_APPLIED, &last_applied);
    }
    if mode == Mode::Create {
        return match kube.api.create(sim, m) {
            Ok(_) => Ok(format!("{what} created")),
            Err(e) => Err(e.kubectl(&format!("error when creating \"{source}\": "))),
        };
    }
    let live = match kube.api.get(sim, &m.kind, m.namespace(), m.name()) {
        Ok(s) => Some(s),
        Err(e) if e.reason == Reason::NotFound => None,
        Err(e) => {
            return Err(e.kubectl(&format!(
                "error when retrieving current configuration of:\n{}\nfrom server for: \"{source}\": ",
                gvr(&m)
            )));
        }
    };
    let Some(live) = live else {
        if mode == Mode::Replace {
            return Err(ApiError::not_found(&m.kind.qualified_resource(), m.name())
                .kubectl(&format!("error when replacing \"{source}\": ")));
        }
        return match kube.api.create(sim, m) {
            Ok(_) => Ok(format!("{what} created")),
            Err(e) => Err(e.kubectl(&format!("error when creating \"{source}\": "))),
        };
    };
    let rv = wanted_rv.unwrap_or(live.mod_revision);
    if mode == Mode::Replace {
        let mut obj = m.object.clone();
        if let Some(md) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            md.remove("resourceVersion");
        }
        if let Some(status) = live.object.get("status")
            && let Some(o) = obj.as_object_mut()
        {
            o.insert("status".into(), status.clone());
        }
        let kind = m.kind.clone();
        return match kube.api.update(sim, &kind, &live, obj, rv) {
            Ok(_) => Ok(format!("{what} replaced")),
            Err(e) => Err(e.kubectl(&format!("error when replacing \"{source}\": "))),
        };
    }
    let old_applied: Value = live
        .object
        .pointer(&format!("/metadata/annotations/{}", LAST_APPLIED.replace('/', "~1")))
        .and_then(Value::as_str)
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or(Value::Null);
    let mut new = m.object.clone();
    if let Some(md) = new.get_mut("metadata").and_then(Value::as_object_mut) {
        md.remove("resourceVersion");
    }
    let mut live_obj = live.object.clone();
    if let Some(md) = live_obj.get_mut("metadata").and_then(Value::as_object_mut) {
        md.remove("resourceVersion");
    }
    let merged = merge(&live_obj, &new, &old_applied);
    if merged == live_obj && wanted_rv.is_none_or(|w| w == live.mod_revision) {
        return Ok(format!("{what} unchanged"));
    }
    let kind = m.kind.clone();
    match kube.api.update(sim, &kind, &live, merged.clone(), rv) {
        Ok(_) => Ok(format!("{what} configured")),
        Err(e) if e.reason == Reason::Conflict => {
            let mut p = diff(&live_obj, &merged);
            if let Some(w) = wanted_rv
                && let Some(md) = p.as_object_mut().map(|o| o.entry("metadata").or_insert_with(|| json!({})))
                && let Some(md) = md.as_object_mut()
            {
                md.insert("resourceVersion".into(), json!(w.to_string()));
            }
            Err(format!(
                "Error from server (Conflict): error when applying patch:\n{}\nto:\n{}\nfor: \"{source}\": error when patching \"{source}\": {}",
                serde_json::to_string(&p).unwrap_or_default(),
                gvr(&m),
                e.message
            ))
        }
        Err(e) => Err(e.kubectl(&format!("error when applying patch to \"{source}\": "))),
    }
}

fn set_annotation(obj: &mut Value, key: &str, value: &str) {
    let Some(md) = obj.get_mut("metadata").and_then(Value::as_object_mut) else { return };
    let ann = md.entry("annotations").or_insert_with(|| Value::Object(Map::new()));
    if !ann.is_object() {
        *ann = Value::Object(Map::new());
    }
    if let Some(a) = ann.as_object_mut() {
        a.insert(key.to_string(), Value::String(value.to_string()));
    }
}

/// The three-way merge of apply: `new` over `live`, dropping what `old`
/// (the last applied configuration) had and `new` no longer has. Lists
/// are replaced whole.
pub fn merge(live: &Value, new: &Value, old: &Value) -> Value {
    match (live, new) {
        (Value::Object(l), Value::Object(n)) => {
            let mut out = l.clone();
            for (k, nv) in n {
                let lv = l.get(k).unwrap_or(&Value::Null);
                let ov = old.get(k).unwrap_or(&Value::Null);
                let v = if nv.is_object() && lv.is_object() { merge(lv, nv, ov) } else { nv.clone() };
                out.insert(k.clone(), v);
            }
            if let Value::Object(o) = old {
                for k in o.keys() {
                    if !n.contains_key(k) {
                        out.remove(k);
                    }
                }
            }
            Value::Object(out)
        }
        _ => new.clone(),
    }
}

/// The JSON merge patch that turns `from` into `to`.
pub fn diff(from: &Value, to: &Value) -> Value {
    match (from, to) {
        (Value::Object(f), Value::Object(t)) => {
            let mut p = Map::new();
            for (k, tv) in t {
                match f.get(k) {
                    Some(fv) if fv == tv => {}
                    Some(fv) if fv.is_object() && tv.is_object() => {
                        p.insert(k.clone(), diff(fv, tv));
                    }
                    _ => {
                        p.insert(k.clone(), tv.clone());
                    }
                }
            }
            for k in f.keys() {
                if !t.contains_key(k) {
                    p.insert(k.clone(), Value::Null);
                }
            }
            Value::Object(p)
        }
        _ => to.clone(),
    }
}

/// The key an applied manifest lands on (for the panel).
pub fn key_of(m: &Manifest) -> String {
    keys::key(&m.kind, m.namespace(), m.name())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_way_merge_drops_removed_fields() {
        let live = json!({"data": {"a": "1", "b": "2", "c": "x"}, "status": {"s": 1}});
        let old = json!({"data": {"a": "1", "b": "2"}});
        let new = json!({"data": {"a": "9"}});
        assert_eq!(merge(&live, &new, &old), json!({"data": {"a": "9", "c": "x"}, "status": {"s": 1}}));
        assert_eq!(diff(&json!({"a": 1, "b": 2}), &json!({"a": 2})), json!({"a": 2, "b": null}));
    }
}
