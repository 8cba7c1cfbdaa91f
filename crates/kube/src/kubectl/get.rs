//! `kubectl get KIND[,KIND] [NAME...] [-n NS | -A] [-o yaml|json|wide|name] [-l SEL] [-w]`.
//!
//! ```text
//!   kubectl get cm                 NAME         DATA   AGE
//!                                  app-config   3      5s
//!   kubectl get pods,svc           pod/web ...   (blank line)   service/kubernetes ...
//!   kubectl get cm x -o yaml       the object, resourceVersion = the key's mod_revision
//!   kubectl get cm -n empty        No resources found in empty namespace.   (stderr)
//! ```

use serde_json::{Value, json};
use sim::Sim;

use super::{CommandOutput, Flags, resolve_kind};
use crate::kinds::Kind;
use crate::printers;
use crate::{Kube, meta};

/// What `-o` asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The table.
    Table,
    /// The table with more columns.
    Wide,
    /// YAML.
    Yaml,
    /// JSON.
    Json,
    /// `kind/name`.
    Name,
}

/// Reads `-o`.
pub fn format(flags: &Flags) -> Result<Format, String> {
    Ok(match flags.output.as_deref() {
        None | Some("") => Format::Table,
        Some("wide") => Format::Wide,
        Some("yaml") => Format::Yaml,
        Some("json") => Format::Json,
        Some("name") => Format::Name,
        Some(other) => {
            return Err(format!(
                "error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: json,name,wide,yaml"
            ));
        }
    })
}

/// Whether `obj`'s labels satisfy `sel` (`a=b,c!=d,e`).
pub fn selects(sel: &str, obj: &Value) -> bool {
    let labels = obj.pointer("/metadata/labels").and_then(Value::as_object);
    let get = |k: &str| labels.and_then(|l| l.get(k)).and_then(Value::as_str);
    sel.split(',').filter(|t| !t.trim().is_empty()).all(|term| {
        let term = term.trim();
        if let Some((k, v)) = term.split_once("!=") {
            get(k.trim()) != Some(v.trim())
        } else if let Some((k, v)) = term.split_once("==").or_else(|| term.split_once('=')) {
            get(k.trim()) == Some(v.trim())
        } else if let Some(k) = term.strip_prefix('!') {
            get(k).is_none()
        } else {
            get(term).is_some()
        }
    })
}

/// The object as `-o yaml|json` shows it (a List for many).
pub fn as_list(items: Vec<Value>) -> Value {
    json!({"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}})
}

/// Prints `obj` (or a list) in a structured format.
pub fn print_structured(fmt: Format, v: &Value) -> String {
    match fmt {
        Format::Json => crate::json::to_pretty(v),
        _ => crate::yaml_emit::to_yaml(v),
    }
}

/// Runs `kubectl get`.
pub fn get(kube: &mut Kube, sim: &mut Sim, flags: &Flags) -> CommandOutput {
    let Some(first) = flags.positional.first() else {
        return CommandOutput::fail(
            "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples",
        );
    };
    let fmt = match format(flags) {
        Ok(f) => f,
        Err(e) => return CommandOutput::fail(e),
    };
    // KIND/NAME words, or KIND[,KIND] NAME...
    let mut wanted: Vec<(Kind, Option<String>)> = Vec::new();
    if flags.positional.iter().any(|p| p.contains('/')) {
        for p in &flags.positional {
            let Some((k, n)) = p.split_once('/') else {
                return CommandOutput::fail(
                    "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'",
                );
            };
            match resolve_kind(kube, sim, k) {
                Ok(kind) => wanted.push((kind, Some(n.to_string()))),
                Err(e) => return CommandOutput::fail(e),
            }
        }
    } else {
        let mut kinds = Vec::new();
        for word in first.split(',').filter(|w| !w.is_empty()) {
            if word == "all" {
                for k in ["pods", "services", "deployments", "replicasets"] {
                    if let Some(kind) = kube.api.catalog.by_name(k) {
                        kinds.push(kind.clone());
                    }
                }
                continue;
            }
            match resolve_kind(kube, sim, word) {
                Ok(kind) => kinds.push(kind),
                Err(e) => return CommandOutput::fail(e),
            }
        }
        let names = &flags.positional[1..];
        for k in kinds {
            if names.is_empty() {
                wanted.push((k, None));
            } else {
                for n in names {
                    wanted.push((k.clone(), Some(n.clone())));
                }
            }
        }
    }
    let multi_kind = wanted.iter().any(|(k, _)| k.kind != wanted[0].0.kind) || first == "all";
    let ns = flags.ns().to_string();
    let all_ns = flags.all_namespaces;
    let mut out = CommandOutput::default();
    // (kind, objects) in order, for tables; everything for -o yaml/json.
    let mut groups: Vec<(Kind, Vec<Value>)> = Vec::new();
    let mut structured = Vec::new();
    let mut named = false;
    let mut list_rev = 0;
    for (kind, name) in wanted {
        let objs = match name {
            Some(n) => {
                named = true;
                match kube.api.get(sim, &kind, &ns, &n) {
                    Ok(s) => vec![s.object],
                    Err(e) => {
                        out.err(e.kubectl(""));
                        continue;
                    }
                }
            }
            None => {
                let scope = if all_ns { None } else { Some(ns.as_str()) };
                match kube.api.list(sim, &kind, scope) {
                    Ok((items, rev)) => {
                        list_rev = rev;
                        items
                            .into_iter()
                            .map(|s| s.object)
                            .filter(|o| flags.selector.as_deref().is_none_or(|sel| selects(sel, o)))
                            .collect()
                    }
                    Err(e) => {
                        out.err(e.kubectl(""));
                        continue;
                    }
                }
            }
        };
        structured.extend(objs.iter().cloned());
        match groups.last_mut() {
            Some((k, v)) if *k == kind => v.extend(objs),
            _ => groups.push((kind, objs)),
        }
    }
    let now = sim.now_ms();
    match fmt {
        Format::Yaml | Format::Json => {
            if out.exit != 0 && structured.is_empty() {
                return out;
            }
            let v = if named && structured.len() == 1 { structured.remove(0) } else { as_list(structured) };
            out.stdout.push_str(&print_structured(fmt, &v));
        }
        Format::Name => {
            for (k, objs) in &groups {
                for o in objs {
                    out.out(format!("{}/{}", k.qualified(), meta::name(o)));
                }
            }
        }
        Format::Table | Format::Wide => {
            let mut printed = false;
            for (k, objs) in &groups {
                if objs.is_empty() {
                    continue;
                }
                if printed {
                    out.stdout.push('\n');
                }
                let wide = fmt == Format::Wide;
                let mut rows = vec![header(k, all_ns && k.namespaced, wide)];
                if flags.show_labels {
                    rows[0].push("LABELS".to_string());
                }
                for o in objs {
                    let mut r = row(k, o, all_ns && k.namespaced, multi_kind, wide, now);
                    if flags.show_labels {
                        r.push(printers::labels(o.pointer("/metadata/labels")));
                    }
                    rows.push(r);
                }
                out.stdout.push_str(&printers::table(&rows));
                printed = true;
            }
            if !printed && out.exit == 0 {
                // kubectl names the namespace only when a namespaced kind was asked for.
                let namespaced = groups.iter().any(|(k, _)| k.namespaced);
                if all_ns || !namespaced {
                    out.err("No resources found");
                } else {
                    out.err(format!("No resources found in {ns} namespace."));
                }
                out.exit = 0;
            }
        }
    }
    if flags.watch
        && let Some((k, _)) = groups.first()
    {
        let scope = if all_ns { None } else { Some(ns.clone()) };
        out.watch =
            Some(super::watch::KubeWatch::start(sim, k.clone(), scope, list_rev, fmt == Format::Wide));
    }
    out
}

/// The table for one kind: header and one row per object.
pub fn render_table(
    kind: &Kind,
    objs: &[Value],
    with_ns: bool,
    prefixed: bool,
    wide: bool,
    now: u64,
) -> String {
    let mut rows = vec![header(kind, with_ns, wide)];
    for o in objs {
        rows.push(row(kind, o, with_ns, prefixed, wide, now));
    }
    printers::table(&rows)
}

/// The header row.
pub fn header(kind: &Kind, with_ns: bool, wide: bool) -> Vec<String> {
    let mut h = printers::headers(&kind.kind, wide);
    if with_ns {
        h.insert(0, "NAMESPACE".to_string());
    }
    h
}

/// One row.
pub fn row(kind: &Kind, o: &Value, with_ns: bool, prefixed: bool, wide: bool, now: u64) -> Vec<String> {
    let name =
        if prefixed { format!("{}/{}", kind.qualified(), meta::name(o)) } else { meta::name(o).to_string() };
    let mut r = printers::row(&kind.kind, o, &name, now, wide);
    if with_ns {
        r.insert(0, meta::namespace(o).to_string());
    }
    r
}
