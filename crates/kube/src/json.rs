//! JSON as the apiserver stores it and as kubectl prints it.
//!
//! The apiserver (with `--storage-media-type=application/json`) writes the
//! Go structs' field order: `kind`, `apiVersion`, `metadata` (`name`,
//! `namespace`, `uid`, ...), then the body, on one line with a trailing
//! newline. Go maps (labels, data) are sorted. We follow the struct order
//! at the top level and in `metadata`; deeper objects put `name` first and
//! the rest sorted, which is how most of Kubernetes' nested structs begin.
//!
//! `kubectl get -o json` works on unstructured maps: keys sorted, four-space
//! indentation.

use serde_json::Value;

const TOP: [&str; 27] = [
    "kind",
    "apiVersion",
    "metadata",
    "immutable",
    "spec",
    "data",
    "binaryData",
    "stringData",
    "type",
    "secrets",
    "imagePullSecrets",
    "automountServiceAccountToken",
    "rules",
    "aggregationRule",
    "subjects",
    "roleRef",
    "involvedObject",
    "reason",
    "message",
    "source",
    "firstTimestamp",
    "lastTimestamp",
    "count",
    "eventTime",
    "reportingComponent",
    "reportingInstance",
    "status",
];

const META: [&str; 15] = [
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
];

/// The bytes the apiserver stores for `obj`: compact JSON in struct order,
/// ending with a newline.
pub fn to_storage(obj: &Value) -> Vec<u8> {
    let mut out = String::new();
    write(&mut out, obj, Level::Top);
    out.push('\n');
    out.into_bytes()
}

#[derive(Clone, Copy, PartialEq)]
enum Level {
    Top,
    Meta,
    Map,
    Struct,
}

fn order(level: Level, keys: Vec<&String>) -> Vec<&String> {
    let list: &[&str] = match level {
        Level::Top => &TOP,
        Level::Meta => &META,
        Level::Struct => &["name"],
        Level::Map => &[],
    };
    let mut ordered: Vec<&String> = Vec::new();
    for want in list {
        if let Some(k) = keys.iter().find(|k| k.as_str() == *want) {
            ordered.push(k);
        }
    }
    let mut rest: Vec<&String> = keys.into_iter().filter(|k| !list.contains(&k.as_str())).collect();
    if level == Level::Top {
        // Unknown top-level fields go before status.
        if ordered.last().is_some_and(|k| k.as_str() == "status") {
            let status = ordered.pop();
            ordered.append(&mut rest);
            ordered.extend(status);
            return ordered;
        }
    }
    ordered.append(&mut rest);
    ordered
}

fn write(out: &mut String, v: &Value, level: Level) {
    match v {
        Value::Object(m) => {
            out.push('{');
            for (i, k) in order(level, m.keys().collect()).into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                let next = match (level, k.as_str()) {
                    (Level::Top, "metadata") => Level::Meta,
                    (
                        _,
                        "labels" | "annotations" | "data" | "binaryData" | "stringData" | "selector"
                        | "matchLabels",
                    )
                    | (_, "nodeSelector" | "capacity" | "allocatable" | "limits" | "requests") => Level::Map,
                    _ => Level::Struct,
                };
                let Some(child) = m.get(k) else { continue };
                write(out, child, next);
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, item) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(out, item, Level::Struct);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// kubectl's `-o json`: sorted keys, four-space indentation, a newline.
pub fn to_pretty(v: &Value) -> String {
    use serde::Serialize;
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    if v.serialize(&mut ser).is_err() {
        return String::new();
    }
    let mut s = String::from_utf8_lossy(&buf).into_owned();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn storage_follows_struct_order() {
        let v = json!({
            "data": {"b": "2", "a": "1"},
            "metadata": {"uid": "u", "name": "app-config", "namespace": "default"},
            "apiVersion": "v1",
            "kind": "ConfigMap"
        });
        let s = String::from_utf8(to_storage(&v)).unwrap();
        assert_eq!(
            s,
            "{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"app-config\",\"namespace\":\"default\",\"uid\":\"u\"},\"data\":{\"a\":\"1\",\"b\":\"2\"}}\n"
        );
        assert_eq!(serde_json::from_str::<Value>(&s).unwrap(), v);
    }
}
