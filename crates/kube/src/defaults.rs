//! The apiserver's defaulting: the fields a real cluster fills in before
//! it stores an object (`restartPolicy: Always`, `replicas: 1`,
//! `type: ClusterIP`, a cluster IP from 10.96.0.0/12, ...), so what the key
//! browser shows looks like what `etcdctl get` shows on a kubeadm cluster.

use serde_json::{Map, Value, json};

use crate::meta::Rng;

fn obj(v: &mut Value) -> Option<&mut Map<String, Value>> {
    v.as_object_mut()
}

fn set_default(m: &mut Map<String, Value>, key: &str, v: Value) {
    if m.get(key).is_none_or(Value::is_null) {
        m.insert(key.to_string(), v);
    }
}

fn child<'a>(m: &'a mut Map<String, Value>, key: &str) -> Option<&'a mut Map<String, Value>> {
    set_default(m, key, json!({}));
    m.get_mut(key).and_then(Value::as_object_mut)
}

/// Fills in defaults on `object` of `kind`.
pub fn apply(kind: &str, object: &mut Value, rng: &mut Rng) {
    let Some(top) = obj(object) else { return };
    match kind {
        "Pod" => {
            if let Some(spec) = top.get_mut("spec").and_then(Value::as_object_mut) {
                pod_spec(spec);
            }
            if let Some(status) = child(top, "status") {
                set_default(status, "phase", json!("Pending"));
                set_default(status, "qosClass", json!("BestEffort"));
            }
        }
        "Deployment" | "ReplicaSet" => {
            if let Some(spec) = top.get_mut("spec").and_then(Value::as_object_mut) {
                set_default(spec, "replicas", json!(1));
                if kind == "Deployment" {
                    set_default(
                        spec,
                        "strategy",
                        json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}),
                    );
                    set_default(spec, "revisionHistoryLimit", json!(10));
                    set_default(spec, "progressDeadlineSeconds", json!(600));
                }
                if let Some(tspec) =
                    spec.get_mut("template").and_then(|t| t.get_mut("spec")).and_then(Value::as_object_mut)
                {
                    pod_spec(tspec);
                }
            }
            set_default(top, "status", json!({}));
        }
        "Service" => {
            if let Some(spec) = top.get_mut("spec").and_then(Value::as_object_mut) {
                set_default(spec, "type", json!("ClusterIP"));
                set_default(spec, "sessionAffinity", json!("None"));
                if spec.get("type").and_then(Value::as_str) != Some("ExternalName") {
                    let ip = format!("10.96.{}.{}", rng.next_u64() % 256, 1 + rng.next_u64() % 254);
                    set_default(spec, "clusterIP", json!(ip));
                    let ip = spec.get("clusterIP").cloned().unwrap_or(Value::Null);
                    set_default(spec, "clusterIPs", json!([ip]));
                }
                if let Some(ports) = spec.get_mut("ports").and_then(Value::as_array_mut) {
                    for p in ports.iter_mut().filter_map(Value::as_object_mut) {
                        set_default(p, "protocol", json!("TCP"));
                        let port = p.get("port").cloned().unwrap_or(Value::Null);
                        set_default(p, "targetPort", port);
                    }
                }
            }
            set_default(top, "status", json!({"loadBalancer": {}}));
        }
        "Namespace" => {
            let name = crate::meta::name(&Value::Object(top.clone())).to_string();
            if let Some(meta) = child(top, "metadata")
                && let Some(labels) = child(meta, "labels")
            {
                set_default(labels, "kubernetes.io/metadata.name", json!(name));
            }
            if let Some(spec) = child(top, "spec") {
                set_default(spec, "finalizers", json!(["kubernetes"]));
            }
            if let Some(status) = child(top, "status") {
                set_default(status, "phase", json!("Active"));
            }
        }
        "Secret" => {
            set_default(top, "type", json!("Opaque"));
            // stringData is write-only: merged into data, base64-encoded.
            if let Some(Value::Object(sd)) = top.remove("stringData")
                && let Some(data) = child(top, "data")
            {
                for (k, v) in sd {
                    let s = v.as_str().unwrap_or("").to_string();
                    data.insert(k, json!(crate::base64::encode(s.as_bytes())));
                }
            }
        }
        _ => {}
    }
}

fn pod_spec(spec: &mut Map<String, Value>) {
    set_default(spec, "restartPolicy", json!("Always"));
    set_default(spec, "terminationGracePeriodSeconds", json!(30));
    set_default(spec, "dnsPolicy", json!("ClusterFirst"));
    set_default(spec, "schedulerName", json!("default-scheduler"));
    set_default(spec, "securityContext", json!({}));
    if let Some(cs) = spec.get_mut("containers").and_then(Value::as_array_mut) {
        for c in cs.iter_mut().filter_map(Value::as_object_mut) {
            let image = c.get("image").and_then(Value::as_str).unwrap_or("");
            let tag = image.rsplit('/').next().unwrap_or("");
            let policy =
                if !tag.contains(':') || tag.ends_with(":latest") { "Always" } else { "IfNotPresent" };
            set_default(c, "imagePullPolicy", json!(policy));
            set_default(c, "terminationMessagePath", json!("/dev/termination-log"));
            set_default(c, "terminationMessagePolicy", json!("File"));
            set_default(c, "resources", json!({}));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pods_and_secrets_get_defaults() {
        let mut rng = Rng::new(1);
        let mut p = json!({"spec": {"containers": [{"name": "a", "image": "nginx:1.25"}]}});
        apply("Pod", &mut p, &mut rng);
        assert_eq!(p["spec"]["restartPolicy"], "Always");
        assert_eq!(p["spec"]["containers"][0]["imagePullPolicy"], "IfNotPresent");
        assert_eq!(p["status"]["phase"], "Pending");
        let mut s = json!({"stringData": {"user": "admin"}});
        apply("Secret", &mut s, &mut rng);
        assert_eq!(s, json!({"type": "Opaque", "data": {"user": "YWRtaW4="}}));
    }
}
