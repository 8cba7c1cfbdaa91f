//! `kubectl describe KIND NAME` (basic): the common header (name,
//! namespace, labels, annotations without the last-applied one), a few
//! kind-specific sections (ConfigMap data, Secret sizes, Pod node and
//! containers, Deployment replicas), and the object's Events.
//!
//! ```text
//!   Name:         app-config
//!   Namespace:    default
//!   Labels:       <none>
//!   Annotations:  <none>
//!
//!   Data
//!   ====
//!   ENVIRONMENT:
//!   ----
//!   production
//! ```

use serde_json::Value;
use sim::Sim;

use super::{CommandOutput, Flags, resolve_kind};
use crate::kinds::Kind;
use crate::{Kube, meta, printers};

const LAST_APPLIED: &str = super::apply::LAST_APPLIED;

fn field(out: &mut String, label: &str, value: &str) {
    out.push_str(&format!("{:<14}{}\n", format!("{label}:"), value));
}

fn map_lines(out: &mut String, label: &str, v: Option<&Value>, skip: &str) {
    let entries: Vec<(String, String)> = v
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter(|(k, _)| k.as_str() != skip)
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default();
    if entries.is_empty() {
        field(out, label, "<none>");
        return;
    }
    let sep = if label == "Labels" { "=" } else { ": " };
    for (i, (k, v)) in entries.iter().enumerate() {
        let text = format!("{k}{sep}{v}");
        if i == 0 {
            field(out, label, &text);
        } else {
            out.push_str(&format!("{:<14}{text}\n", ""));
        }
    }
}

fn s<'a>(v: &'a Value, p: &str) -> &'a str {
    v.pointer(p).and_then(Value::as_str).unwrap_or("")
}

/// Runs `kubectl describe`.
pub fn describe(kube: &mut Kube, sim: &mut Sim, flags: &Flags) -> CommandOutput {
    let (word, names): (String, Vec<String>) = match flags.positional.as_slice() {
        [] => {
            return CommandOutput::fail(
                "error: You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.",
            );
        }
        [one] if one.contains('/') => {
            let (k, n) = one.split_once('/').unwrap_or((one, ""));
            (k.to_string(), vec![n.to_string()])
        }
        [k, rest @ ..] => (k.clone(), rest.to_vec()),
    };
    let kind = match resolve_kind(kube, sim, &word) {
        Ok(k) => k,
        Err(e) => return CommandOutput::fail(e),
    };
    let objs: Vec<Value> = if names.is_empty() {
        match kube.api.list(sim, &kind, Some(flags.ns())) {
            Ok((items, _)) => items.into_iter().map(|s| s.object).collect(),
            Err(e) => return CommandOutput::fail(e.kubectl("")),
        }
    } else {
        let mut v = Vec::new();
        for n in &names {
            match kube.api.get(sim, &kind, flags.ns(), n) {
                Ok(s) => v.push(s.object),
                Err(e) => return CommandOutput::fail(e.kubectl("")),
            }
        }
        v
    };
    let events = if kind.namespaced {
        kube.api
            .catalog
            .by_kind("Event")
            .cloned()
            .and_then(|ek| kube.api.list(sim, &ek, Some(flags.ns())).ok())
            .map(|(items, _)| items.into_iter().map(|s| s.object).collect())
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let now = sim.now_ms();
    let mut out = String::new();
    for (i, o) in objs.iter().enumerate() {
        if i > 0 {
            out.push_str("\n\n");
        }
        out.push_str(&render(&kind, o, &events, now));
    }
    CommandOutput { stdout: out, ..Default::default() }
}

/// The description of one object.
pub fn render(kind: &Kind, o: &Value, events: &[Value], now: u64) -> String {
    let mut out = String::new();
    field(&mut out, "Name", meta::name(o));
    if kind.namespaced {
        field(&mut out, "Namespace", meta::namespace(o));
    }
    match kind.kind.as_str() {
        "Pod" => {
            field(
                &mut out,
                "Node",
                if s(o, "/spec/nodeName").is_empty() { "<none>" } else { s(o, "/spec/nodeName") },
            );
            map_lines(&mut out, "Labels", o.pointer("/metadata/labels"), "");
            map_lines(&mut out, "Annotations", o.pointer("/metadata/annotations"), LAST_APPLIED);
            field(&mut out, "Status", &printers::pod_status(o));
            field(&mut out, "IP", s(o, "/status/podIP"));
            out.push_str("Containers:\n");
            for c in o.pointer("/spec/containers").and_then(Value::as_array).into_iter().flatten() {
                out.push_str(&format!("  {}:\n", s(c, "/name")));
                out.push_str(&format!("    {:<10}{}\n", "Image:", s(c, "/image")));
            }
        }
        _ => {
            map_lines(&mut out, "Labels", o.pointer("/metadata/labels"), "");
            map_lines(&mut out, "Annotations", o.pointer("/metadata/annotations"), LAST_APPLIED);
        }
    }
    match kind.kind.as_str() {
        "ConfigMap" => {
            out.push_str("\nData\n====\n");
            for (k, v) in o.get("data").and_then(Value::as_object).into_iter().flatten() {
                out.push_str(&format!("{k}:\n----\n{}\n\n", v.as_str().unwrap_or("")));
            }
            out.push_str("BinaryData\n====\n\n");
        }
        "Secret" => {
            out.push_str(&format!("\nType:  {}\n", s(o, "/type")));
            out.push_str("\nData\n====\n");
            for (k, v) in o.get("data").and_then(Value::as_object).into_iter().flatten() {
                let len = crate::base64::decode(v.as_str().unwrap_or("")).map_or(0, |b| b.len());
                out.push_str(&format!("{k}:  {len} bytes\n"));
            }
        }
        "Deployment" | "ReplicaSet" => {
            field(&mut out, "Selector", &printers::labels(o.pointer("/spec/selector/matchLabels")));
            let n = |p: &str| o.pointer(p).and_then(Value::as_i64).unwrap_or(0);
            field(
                &mut out,
                "Replicas",
                &format!(
                    "{} desired | {} updated | {} total | {} available | {} unavailable",
                    n("/spec/replicas"),
                    n("/status/updatedReplicas"),
                    n("/status/replicas"),
                    n("/status/availableReplicas"),
                    (n("/spec/replicas") - n("/status/availableReplicas")).max(0)
                ),
            );
        }
        "Namespace" => field(&mut out, "Status", s(o, "/status/phase")),
        _ => {}
    }
    if kind.namespaced && kind.kind != "Secret" {
        let uid = s(o, "/metadata/uid");
        let mut mine: Vec<&Value> =
            events.iter().filter(|e| s(e, "/involvedObject/uid") == uid && !uid.is_empty()).collect();
        slim::sort_by_key(&mut mine, |e| (s(e, "/lastTimestamp").to_string(), meta::name(e).to_string()));
        if mine.is_empty() {
            out.push_str("Events:  <none>\n");
        } else {
            out.push_str("Events:\n");
            let mut rows = vec![
                vec!["  Type".to_string(), "Reason".into(), "Age".into(), "From".into(), "Message".into()],
                vec!["  ----".to_string(), "------".into(), "----".into(), "----".into(), "-------".into()],
            ];
            for e in mine {
                let age = meta::parse_timestamp(s(e, "/lastTimestamp"))
                    .map_or_else(|| "<unknown>".to_string(), |t| meta::human_duration(now.saturating_sub(t)));
                rows.push(vec![
                    format!("  {}", s(e, "/type")),
                    s(e, "/reason").to_string(),
                    age,
                    s(e, "/source/component").to_string(),
                    s(e, "/message").to_string(),
                ]);
            }
            out.push_str(&printers::table(&rows));
        }
    }
    out
}
