//! `kubectl create configmap|secret generic|namespace|deployment NAME ...`:
//! objects built from flags, then created like any manifest.
//!
//! ```text
//!   kubectl create configmap app --from-literal=ENV=prod   configmap/app created
//!   kubectl create namespace prod                          namespace/prod created
//!   kubectl create deployment web --image=nginx --replicas=3   deployment.apps/web created
//! ```

use serde_json::{Map, Value, json};
use sim::Sim;

use super::{CommandOutput, Flags};
use crate::Kube;
use crate::error::Reason;

fn literals(flags: &Flags, encode: bool) -> Result<Map<String, Value>, String> {
    let mut data = Map::new();
    for lit in &flags.literals {
        let Some((k, v)) = lit.split_once('=') else {
            return Err(format!("error: invalid literal source {lit}, expected key=value"));
        };
        let v = if encode { crate::base64::encode(v.as_bytes()) } else { v.to_string() };
        data.insert(k.to_string(), Value::String(v));
    }
    Ok(data)
}

/// The container name kubectl derives from an image (`nginx` from `docker.io/nginx:1.25`).
pub fn container_name(image: &str) -> String {
    let base = image.rsplit('/').next().unwrap_or(image);
    let base = base.split(['@', ':']).next().unwrap_or(base);
    base.to_string()
}

/// Runs `kubectl create SUBCOMMAND NAME`.
pub fn create(kube: &mut Kube, sim: &mut Sim, flags: &Flags) -> CommandOutput {
    let what = flags.positional[0].as_str();
    let (what, name_at) = match what {
        "secret" => match flags.positional.get(1).map(String::as_str) {
            Some("generic") => ("secret", 2),
            _ => {
                return CommandOutput::fail(
                    "error: the playground supports 'kubectl create secret generic NAME --from-literal=key=value'",
                );
            }
        },
        "cm" => ("configmap", 1),
        "ns" => ("namespace", 1),
        "deploy" => ("deployment", 1),
        w => (w, 1),
    };
    let Some(name) = flags.positional.get(name_at).cloned() else {
        return CommandOutput::fail(format!(
            "error: exactly one NAME is required, got 0\nSee 'kubectl create {what} -h' for help and examples"
        ));
    };
    let ns = flags.ns().to_string();
    let obj = match what {
        "configmap" => match literals(flags, false) {
            Ok(data) => {
                json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": ns}, "data": data})
            }
            Err(e) => return CommandOutput::fail(e),
        },
        "secret" => match literals(flags, true) {
            Ok(data) => {
                json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name, "namespace": ns}, "type": "Opaque", "data": data})
            }
            Err(e) => return CommandOutput::fail(e),
        },
        "namespace" => json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}),
        "deployment" => {
            let Some(image) = flags.image.clone() else {
                return CommandOutput::fail("error: required flag(s) \"image\" not set");
            };
            let replicas: i64 = match flags.replicas.as_deref().map(str::parse).transpose() {
                Ok(r) => r.unwrap_or(1),
                Err(_) => {
                    return CommandOutput::fail(
                        "error: invalid argument for \"--replicas\" flag: must be an integer",
                    );
                }
            };
            json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": name, "namespace": ns, "labels": {"app": name}},
                "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                    "template": {"metadata": {"labels": {"app": name}},
                        "spec": {"containers": [{"name": container_name(&image), "image": image}]}}}})
        }
        other => {
            return CommandOutput::fail(format!(
                "error: unknown command \"{other}\" for \"kubectl create\" (the playground supports configmap, secret generic, namespace, deployment and -f)"
            ));
        }
    };
    let m = match kube.api.manifest(obj) {
        Ok(m) => m,
        Err(e) => return CommandOutput::fail(e.kubectl("")),
    };
    let label = format!("{}/{}", m.kind.qualified(), name);
    let resource = m.kind.kind.to_lowercase();
    match kube.api.create(sim, m) {
        Ok(_) => CommandOutput { stdout: format!("{label} created\n"), ..Default::default() },
        Err(e) if e.reason == Reason::AlreadyExists && what == "secret" => {
            CommandOutput::fail(format!("error: failed to create secret {}", e.message))
        }
        Err(e) if e.reason == Reason::AlreadyExists && what != "namespace" => {
            CommandOutput::fail(format!("error: failed to create {resource}: {}", e.message))
        }
        Err(e) => CommandOutput::fail(e.kubectl("")),
    }
}
