//! Manifests: YAML or JSON text, one or many documents, read into objects
//! with their kind resolved, the way `kubectl apply -f` reads its input.
//!
//! ```text
//!   text ──yaml/json──► documents ──(List flattened)──► apiVersion+kind ──catalog──► Manifest
//!        error parsing STDIN      error validating "STDIN"      resource mapping not found
//! ```

use serde_json::Value;

use crate::kinds::{Catalog, Kind};

/// One object read from a manifest, its kind known.
#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    /// The kind.
    pub kind: Kind,
    /// The object as written (namespace filled in for namespaced kinds).
    pub object: Value,
}

impl Manifest {
    /// `metadata.name`.
    pub fn name(&self) -> &str {
        crate::meta::name(&self.object)
    }

    /// `metadata.namespace` (empty for cluster-scoped kinds).
    pub fn namespace(&self) -> &str {
        crate::meta::namespace(&self.object)
    }
}

/// Reads documents out of `text`; errors are kubectl's whole line without
/// the `error: ` prefix. `source` is `STDIN` or the file name.
pub fn documents(text: &str, source: &str) -> Result<Vec<Value>, String> {
    let trimmed = text.trim_start();
    let raw = if trimmed.starts_with('{') || trimmed.starts_with('[') {
        let mut docs = Vec::new();
        for v in serde_json::Deserializer::from_str(trimmed).into_iter::<Value>() {
            match v {
                Ok(v) => docs.push(v),
                Err(e) => return Err(format!("error parsing {source}: {}", json_error(&e))),
            }
        }
        docs
    } else {
        crate::yaml::parse_documents(text)
            .map_err(|e| format!("error parsing {source}: error converting YAML to JSON: {e}"))?
    };
    let mut out = Vec::new();
    for doc in raw {
        flatten(doc, &mut out, 0);
    }
    Ok(out)
}

fn json_error(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg,
    }
}

fn flatten(doc: Value, out: &mut Vec<Value>, depth: usize) {
    let is_list = doc.get("kind").and_then(Value::as_str).is_some_and(|k| k == "List" || k.ends_with("List"))
        && doc.get("items").is_some_and(Value::is_array);
    match doc {
        Value::Object(mut m) if is_list && depth < 4 => {
            if let Some(Value::Array(items)) = m.remove("items") {
                for item in items {
                    flatten(item, out, depth + 1);
                }
            }
        }
        Value::Array(items) if depth < 4 => {
            for item in items {
                flatten(item, out, depth + 1);
            }
        }
        other => out.push(other),
    }
}

/// kubectl's client-side checks and the kind mapping for one document;
/// `default_ns` is `-n` or `default`, `explicit_ns` whether `-n` was given.
pub fn resolve(
    doc: Value,
    catalog: &Catalog,
    source: &str,
    default_ns: &str,
    explicit_ns: bool,
) -> Result<Manifest, String> {
    let validating = |what: &str| {
        format!(
            "error validating \"{source}\": error validating data: {what}; if you choose to ignore these errors, turn validation off with --validate=false"
        )
    };
    let Value::Object(_) = doc else { return Err(validating("invalid object to validate")) };
    let api = doc.get("apiVersion").and_then(Value::as_str).unwrap_or("").to_string();
    let kind = doc.get("kind").and_then(Value::as_str).unwrap_or("").to_string();
    match (api.is_empty(), kind.is_empty()) {
        (true, true) => return Err(validating("[apiVersion not set, kind not set]")),
        (true, false) => return Err(validating("apiVersion not set")),
        (false, true) => return Err(validating("kind not set")),
        _ => {}
    }
    if doc.get("metadata").is_some_and(|m| !m.is_object()) {
        return Err(validating(
            "ValidationError(.metadata): invalid type for io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta: got \"string\", expected \"map\"",
        ));
    }
    let Some(k) = catalog.by_api(&api, &kind) else {
        let name = doc.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("");
        let ns = doc.pointer("/metadata/namespace").and_then(Value::as_str).unwrap_or("");
        return Err(format!(
            "resource mapping not found for name: \"{name}\" namespace: \"{ns}\" from \"{source}\": no matches for kind \"{kind}\" in version \"{api}\"\nensure CRDs are installed first"
        ));
    };
    let mut object = doc;
    let meta = object.as_object_mut().and_then(|m| {
        m.entry("metadata").or_insert_with(|| Value::Object(Default::default()));
        m.get_mut("metadata").and_then(Value::as_object_mut)
    });
    let Some(meta) = meta else { return Err(validating("invalid object to validate")) };
    if k.namespaced {
        let given = meta.get("namespace").and_then(Value::as_str).map(str::to_string);
        match given {
            Some(ns) if explicit_ns && ns != default_ns => {
                return Err(format!(
                    "the namespace from the provided object \"{ns}\" does not match the namespace \"{default_ns}\". You must pass '--namespace={ns}' to perform this operation."
                ));
            }
            Some(ns) if !ns.is_empty() => {}
            _ => {
                meta.insert("namespace".into(), Value::String(default_ns.to_string()));
            }
        }
    } else {
        meta.remove("namespace");
    }
    Ok(Manifest { kind: k.clone(), object })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_yaml_json_and_lists() {
        let c = Catalog::default();
        let docs = documents("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: prod\n", "STDIN").unwrap();
        assert_eq!(docs.len(), 2);
        let m = resolve(docs[0].clone(), &c, "STDIN", "default", false).unwrap();
        assert_eq!((m.name(), m.namespace()), ("a", "default"));
        let n = resolve(docs[1].clone(), &c, "STDIN", "default", false).unwrap();
        assert_eq!(n.namespace(), "");
        let j = documents("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"}}", "p.json")
            .unwrap();
        assert_eq!(j.len(), 1);
    }

    #[test]
    fn errors_read_like_kubectl() {
        let c = Catalog::default();
        let e = documents("a: b: c\n", "STDIN").unwrap_err();
        assert_eq!(
            e,
            "error parsing STDIN: error converting YAML to JSON: yaml: line 1: mapping values are not allowed in this context"
        );
        let d = documents("apiVersion: v1\nmetadata:\n  name: x\n", "cm.yaml").unwrap();
        let e = resolve(d[0].clone(), &c, "cm.yaml", "default", false).unwrap_err();
        assert!(e.starts_with("error validating \"cm.yaml\": error validating data: kind not set;"));
        let d = documents("apiVersion: v9\nkind: Foo\nmetadata:\n  name: x\n", "STDIN").unwrap();
        let e = resolve(d[0].clone(), &c, "STDIN", "default", false).unwrap_err();
        assert!(e.contains("no matches for kind \"Foo\" in version \"v9\""));
    }
}
