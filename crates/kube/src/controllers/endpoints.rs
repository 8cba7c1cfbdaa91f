//! The endpoints controller: for each Service with a selector, the
//! addresses of the ready pods it selects, written to
//! `/registry/services/endpoints/<ns>/<service>` (one of kube-apiserver's
//! special prefixes); Endpoints whose Service is gone are deleted.
//!
//! ```text
//!   Service web (selector app=web, port 80 -> targetPort 8080)
//!   pods app=web Running: 10.244.1.7, 10.244.2.9
//!     ──► Endpoints web: subsets [{addresses [10.244.1.7, 10.244.2.9], ports [8080/TCP]}]
//! ```

use std::collections::BTreeSet;

use serde_json::{Value, json};
use sim::Sim;

use super::Controllers;
use crate::apiserver::ApiServer;
use crate::{keys, meta};

fn ready(pod: &Value) -> bool {
    pod.pointer("/status/conditions").and_then(Value::as_array).is_some_and(|cs| {
        cs.iter().any(|c| c.get("type") == Some(&json!("Ready")) && c.get("status") == Some(&json!("True")))
    })
}

fn selects(selector: &serde_json::Map<String, Value>, pod: &Value) -> bool {
    let labels = pod.pointer("/metadata/labels").and_then(Value::as_object);
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v))
}

/// The subsets of `svc` given the cached pods.
fn subsets(svc: &Value, pods: &[(String, Value, i64)]) -> Option<Value> {
    let selector = svc.pointer("/spec/selector").and_then(Value::as_object)?;
    let ns = meta::namespace(svc);
    let mut addresses: Vec<Value> = pods
        .iter()
        .filter(|(_, p, _)| meta::namespace(p) == ns && selects(selector, p) && ready(p))
        .filter_map(|(_, p, _)| {
            let ip = p.pointer("/status/podIP").and_then(Value::as_str)?;
            Some(json!({"ip": ip, "nodeName": p.pointer("/spec/nodeName").cloned().unwrap_or(Value::Null),
                "targetRef": {"kind": "Pod", "namespace": ns, "name": meta::name(p), "uid": super::uid(p)}}))
        })
        .collect();
    slim::sort_by(&mut addresses, |a, b| a["ip"].as_str().cmp(&b["ip"].as_str()));
    if addresses.is_empty() {
        return Some(Value::Null);
    }
    let ports: Vec<Value> = svc
        .pointer("/spec/ports")
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .map(|p| {
                    let port = p.get("targetPort").or_else(|| p.get("port")).cloned().unwrap_or(Value::Null);
                    let mut e =
                        json!({"port": port, "protocol": p.get("protocol").cloned().unwrap_or(json!("TCP"))});
                    if let Some(n) = p.get("name") {
                        e["name"] = n.clone();
                    }
                    e
                })
                .collect()
        })
        .unwrap_or_default();
    Some(json!([{"addresses": addresses, "ports": ports}]))
}

/// Keeps every selecting Service's Endpoints current.
pub fn reconcile(c: &mut Controllers, api: &mut ApiServer, sim: &mut Sim) {
    let Some(ep_kind) = api.catalog.by_kind("Endpoints").cloned() else { return };
    let pods = c.objects("Pod");
    let endpoints = c.objects("Endpoints");
    let mut wanted_keys = BTreeSet::new();
    for (_, svc, _) in c.objects("Service") {
        let Some(subsets) = subsets(&svc, &pods) else { continue };
        let key = keys::key(&ep_kind, meta::namespace(&svc), meta::name(&svc));
        wanted_keys.insert(key.clone());
        if c.busy(&key) {
            continue;
        }
        let mut obj = json!({"apiVersion": "v1", "kind": "Endpoints",
            "metadata": {"name": meta::name(&svc), "namespace": meta::namespace(&svc)}});
        if let Some(l) = svc.pointer("/metadata/labels") {
            obj["metadata"]["labels"] = l.clone();
        }
        if !subsets.is_null() {
            obj["subsets"] = subsets.clone();
        }
        match endpoints.iter().find(|(k, _, _)| *k == key) {
            None => c.create(api, sim, obj, None),
            Some((k, cur, rev)) => {
                if cur.get("subsets").unwrap_or(&Value::Null) != &subsets {
                    let mut new = cur.clone();
                    match new.as_object_mut() {
                        Some(m) if subsets.is_null() => {
                            m.remove("subsets");
                        }
                        Some(m) => {
                            m.insert("subsets".into(), subsets);
                        }
                        None => continue,
                    }
                    c.update(api, sim, "Endpoints", (k, cur, *rev), new);
                }
            }
        }
    }
    let mut services: BTreeSet<String> = BTreeSet::new();
    services.extend(
        c.objects("Service").iter().map(|(_, s, _)| format!("{}/{}", meta::namespace(s), meta::name(s))),
    );
    for (k, ep, rev) in endpoints {
        let id = format!("{}/{}", meta::namespace(&ep), meta::name(&ep));
        if !services.contains(&id) && !wanted_keys.contains(&k) && !c.busy(&k) {
            c.delete(sim, "Endpoints", &k, rev, None);
        }
    }
}
