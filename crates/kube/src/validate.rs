//! Server-side validation with the apiserver's words: decoding (types,
//! base64), names (RFC 1123 subdomain, label, RFC 1035), required fields
//! and the selector rules of workloads.
//!
//! ```text
//!   data: {PORT: 3306}     -> BadRequest: ConfigMap in version "v1" cannot be handled as a ConfigMap:
//!                             json: cannot unmarshal number into Go struct field ConfigMap.data of type string
//!   metadata.name: App_1   -> The ConfigMap "App_1" is invalid: metadata.name: Invalid value: "App_1": ...
//!   Pod without containers -> The Pod "p" is invalid: spec.containers: Required value
//! ```

use serde_json::Value;

use crate::error::{ApiError, Result};
use crate::manifest::Manifest;

const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const CONFIG_KEY_MSG: &str = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

/// An RFC 1123 label: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
pub fn is_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// An RFC 1123 subdomain: labels joined by dots, at most 253 characters.
pub fn is_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_label)
}

/// An RFC 1035 label: a label starting with a letter.
pub fn is_dns1035(s: &str) -> bool {
    is_label(s) && s.as_bytes()[0].is_ascii_lowercase()
}

fn quoted(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}

/// The apiserver's decoding and validation of `m` before a write.
pub fn validate(m: &Manifest) -> Result<()> {
    decode_checks(m)?;
    let mut causes = Vec::new();
    let name = m.name().to_string();
    let kind = m.kind.kind.as_str();
    let name_given =
        m.object.pointer("/metadata/name").and_then(Value::as_str).is_some_and(|n| !n.is_empty());
    if !name_given {
        causes.push("metadata.name: Required value: name or generateName is required".to_string());
    } else {
        let (ok, msg) = match kind {
            "Namespace" => (is_label(&name), LABEL_MSG),
            "Service" => (is_dns1035(&name), DNS1035_MSG),
            _ => (is_subdomain(&name), SUBDOMAIN_MSG),
        };
        if !ok {
            causes.push(format!("metadata.name: Invalid value: {}: {msg}", quoted(&name)));
        }
    }
    match kind {
        "ConfigMap" | "Secret" => {
            for field in ["data", "binaryData"] {
                if let Some(Value::Object(data)) = m.object.get(field) {
                    for k in data.keys() {
                        let ok = !k.is_empty()
                            && k.len() <= 253
                            && k.bytes().all(|c| c.is_ascii_alphanumeric() || b"-._".contains(&c));
                        if !ok {
                            causes.push(format!(
                                "{field}[{k}]: Invalid value: {}: {CONFIG_KEY_MSG}",
                                quoted(k)
                            ));
                        }
                    }
                }
            }
        }
        "Pod" => pod_spec(m.object.get("spec"), "spec", &mut causes),
        "Deployment" | "ReplicaSet" => workload(&m.object, &mut causes),
        "Service" => service(&m.object, &mut causes),
        _ => {}
    }
    if causes.is_empty() { Ok(()) } else { Err(ApiError::invalid(kind, &name, &causes)) }
}

/// Type errors the apiserver reports while decoding (400 Bad Request).
fn decode_checks(m: &Manifest) -> Result<()> {
    let kind = m.kind.kind.as_str();
    let cannot = |detail: String| {
        ApiError::bad_request(format!(
            "{kind} in version \"{}\" cannot be handled as a {kind}: {detail}",
            m.kind.version
        ))
    };
    let json_type = |v: &Value| match v {
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
        Value::Null => "null",
        Value::String(_) => "string",
    };
    for field in ["labels", "annotations"] {
        if let Some(Value::Object(map)) = m.object.pointer(&format!("/metadata/{field}")) {
            for v in map.values() {
                if !v.is_string() && !v.is_null() {
                    return Err(cannot(format!(
                        "json: cannot unmarshal {} into Go struct field ObjectMeta.metadata.{field} of type string",
                        json_type(v)
                    )));
                }
            }
        }
    }
    if kind == "ConfigMap" || kind == "Secret" {
        for field in ["data", "stringData"] {
            match m.object.get(field) {
                None | Some(Value::Null) => {}
                Some(Value::Object(map)) => {
                    for v in map.values() {
                        if !v.is_string() && !v.is_null() {
                            return Err(cannot(format!(
                                "json: cannot unmarshal {} into Go struct field {kind}.{field} of type string",
                                json_type(v)
                            )));
                        }
                        if kind == "Secret"
                            && field == "data"
                            && let Some(s) = v.as_str()
                            && let Err(at) = crate::base64::decode(s)
                        {
                            return Err(cannot(format!("illegal base64 data at input byte {at}")));
                        }
                    }
                }
                Some(v) => {
                    return Err(cannot(format!(
                        "json: cannot unmarshal {} into Go struct field {kind}.{field} of type map[string]{}",
                        json_type(v),
                        if kind == "Secret" && field == "data" { "[]uint8" } else { "string" }
                    )));
                }
            }
        }
    }
    if let Some(r) = m.object.pointer("/spec/replicas")
        && !r.is_i64()
        && !r.is_null()
    {
        return Err(cannot(format!(
            "json: cannot unmarshal {} into Go struct field {kind}Spec.spec.replicas of type int32",
            json_type(r)
        )));
    }
    Ok(())
}

fn pod_spec(spec: Option<&Value>, path: &str, causes: &mut Vec<String>) {
    let containers = spec.and_then(|s| s.get("containers")).and_then(Value::as_array);
    let Some(containers) = containers.filter(|c| !c.is_empty()) else {
        causes.push(format!("{path}.containers: Required value"));
        return;
    };
    let mut seen = std::collections::BTreeSet::new();
    for (i, c) in containers.iter().enumerate() {
        let name = c.get("name").and_then(Value::as_str).unwrap_or("");
        if name.is_empty() {
            causes.push(format!("{path}.containers[{i}].name: Required value"));
        } else if !is_label(name) {
            causes.push(format!("{path}.containers[{i}].name: Invalid value: {}: {LABEL_MSG}", quoted(name)));
        } else if !seen.insert(name.to_string()) {
            causes.push(format!("{path}.containers[{i}].name: Duplicate value: {}", quoted(name)));
        }
        if c.get("image").and_then(Value::as_str).is_none_or(|s| s.trim().is_empty()) {
            causes.push(format!("{path}.containers[{i}].image: Required value"));
        }
    }
}

fn workload(obj: &Value, causes: &mut Vec<String>) {
    if let Some(r) = obj.pointer("/spec/replicas").and_then(Value::as_i64)
        && r < 0
    {
        causes.push(format!("spec.replicas: Invalid value: {r}: must be greater than or equal to 0"));
    }
    let selector = obj.pointer("/spec/selector/matchLabels").and_then(Value::as_object);
    let labels = obj.pointer("/spec/template/metadata/labels").and_then(Value::as_object);
    match selector {
        None => causes.push("spec.selector: Required value".to_string()),
        Some(sel) if sel.is_empty() => {
            causes.push("spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment".to_string());
        }
        Some(sel) => {
            let matches = labels.is_some_and(|l| sel.iter().all(|(k, v)| l.get(k) == Some(v)));
            if !matches {
                let shown = labels
                    .map(|l| {
                        let inner: Vec<String> =
                            l.iter().map(|(k, v)| format!("{}:{}", quoted(k), v)).collect();
                        format!("map[string]string{{{}}}", inner.join(", "))
                    })
                    .unwrap_or_else(|| "map[string]string(nil)".to_string());
                causes.push(format!(
                    "spec.template.metadata.labels: Invalid value: {shown}: `selector` does not match template `labels`"
                ));
            }
        }
    }
    pod_spec(obj.pointer("/spec/template/spec"), "spec.template.spec", causes);
}

fn service(obj: &Value, causes: &mut Vec<String>) {
    let ty = obj.pointer("/spec/type").and_then(Value::as_str).unwrap_or("ClusterIP");
    if !["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"].contains(&ty) {
        causes.push(format!(
            "spec.type: Unsupported value: {}: supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"",
            quoted(ty)
        ));
    }
    let ports = obj.pointer("/spec/ports").and_then(Value::as_array);
    if ty != "ExternalName" && ports.is_none_or(|p| p.is_empty()) {
        causes.push("spec.ports: Required value".to_string());
    }
    for (i, p) in ports.into_iter().flatten().enumerate() {
        match p.get("port").and_then(Value::as_i64) {
            None => causes.push(format!("spec.ports[{i}].port: Required value")),
            Some(n) if !(1..=65535).contains(&n) => causes.push(format!(
                "spec.ports[{i}].port: Invalid value: {n}: must be between 1 and 65535, inclusive"
            )),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::Catalog;
    use serde_json::json;

    fn m(v: Value) -> Manifest {
        crate::manifest::resolve(v, &Catalog::default(), "STDIN", "default", false).unwrap()
    }

    #[test]
    fn names_and_required_fields() {
        let e = validate(&m(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "App_1"}})))
            .unwrap_err();
        assert!(e.message.starts_with("The ConfigMap \"App_1\" is invalid: metadata.name: Invalid value: \"App_1\": a lowercase RFC 1123 subdomain"));
        let e =
            validate(&m(json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {}})))
                .unwrap_err();
        assert_eq!(e.message, "The Pod \"p\" is invalid: spec.containers: Required value");
        let e = validate(&m(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"PORT": 3306}}))).unwrap_err();
        assert_eq!(
            e.message,
            "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type string"
        );
        let e = validate(&m(
            json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"p": "no!"}}),
        ))
        .unwrap_err();
        assert!(e.message.ends_with("illegal base64 data at input byte 2"));
        assert!(validate(&m(json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
            "spec": {"selector": {"matchLabels": {"app": "d"}}, "template": {"metadata": {"labels": {"app": "d"}},
            "spec": {"containers": [{"name": "web", "image": "nginx"}]}}}}))).is_ok());
    }
}
