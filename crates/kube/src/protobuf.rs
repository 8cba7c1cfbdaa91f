//! What a real cluster stores by default: kube-apiserver writes protobuf
//! (`--storage-media-type=application/vnd.kubernetes.protobuf`), not the
//! JSON the playground stores by default, so `etcdctl get` on a kubeadm
//! cluster shows mostly unreadable bytes. This module encodes and decodes
//! the kinds whose every field it knows (ConfigMap, Secret, Namespace,
//! ServiceAccount, Lease, PriorityClass) the way the apiserver does: the
//! panel shows them next to the JSON, and `cluster reset --storage
//! protobuf` stores them so (other kinds stay JSON).
//!
//! ```text
//!   "k8s\x00"                         magic prefix
//!   runtime.Unknown {
//!     1: typeMeta { 1: apiVersion "v1", 2: kind "ConfigMap" }
//!     2: raw      ConfigMap { 1: metadata ObjectMeta, 2: data map<string,string> }
//!     3: contentEncoding ""   4: contentType ""
//!   }
//! ```
//!
//! gogo-protobuf writes every non-pointer field, empty or not, which is why
//! real dumps show `\x12\x00` for an empty generateName.

use serde_json::Value;

use crate::meta;

/// The magic prefix of protobuf values.
pub const MAGIC: &[u8] = b"k8s\x00";

/// What the panel shows under the protobuf bytes.
pub const EXPLANATION: &str = "A real kube-apiserver stores objects as protobuf by default: the 4-byte magic \
\"k8s\\x00\", then a runtime.Unknown envelope holding the apiVersion and kind, the object's own protobuf \
bytes, and empty contentEncoding/contentType. Strings such as names and data values stay readable inside, \
which is why `etcdctl get` shows them between binary bytes. The playground stores the JSON form \
(--storage-media-type=application/json) so the key browser can show it as text; `cluster reset --storage protobuf` \
stores ConfigMaps, Secrets, Namespaces, ServiceAccounts, Leases and PriorityClasses as protobuf, decoded in the key browser.";

fn varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn tag(out: &mut Vec<u8>, field: u64, wire: u64) {
    varint(out, (field << 3) | wire);
}

fn bytes(out: &mut Vec<u8>, field: u64, b: &[u8]) {
    tag(out, field, 2);
    varint(out, b.len() as u64);
    out.extend_from_slice(b);
}

fn int(out: &mut Vec<u8>, field: u64, v: i64) {
    tag(out, field, 0);
    varint(out, v as u64);
}

fn s<'a>(v: &'a Value, p: &str) -> &'a str {
    v.pointer(p).and_then(Value::as_str).unwrap_or("")
}

/// How a field is written: its wire form and what it holds.
#[derive(Clone, Copy)]
enum Ty {
    /// A string, written when not empty.
    Str,
    /// A string gogo-protobuf always writes (ObjectMeta's).
    StrAlways,
    /// A varint.
    Int,
    /// A bool.
    Bool,
    /// `metav1.Time` from RFC 3339 seconds.
    Time,
    /// `metav1.MicroTime` from RFC 3339 with microseconds.
    MicroTime,
    /// A nested message.
    Msg(&'static [Field]),
    /// A repeated message.
    Msgs(&'static [Field]),
    /// A repeated string.
    Strs,
    /// `map<string, string>`.
    Map,
    /// `map<string, bytes>` (base64 in JSON).
    BytesMap,
}

/// A field: its JSON name, its number, its type.
type Field = (&'static str, u64, Ty);

const OWNER_REFERENCE: &[Field] = &[
    ("kind", 1, Ty::Str),
    ("name", 3, Ty::Str),
    ("uid", 4, Ty::Str),
    ("apiVersion", 5, Ty::Str),
    ("controller", 6, Ty::Bool),
    ("blockOwnerDeletion", 7, Ty::Bool),
];

const OBJECT_META: &[Field] = &[
    ("name", 1, Ty::StrAlways),
    ("generateName", 2, Ty::StrAlways),
    ("namespace", 3, Ty::StrAlways),
    ("selfLink", 4, Ty::StrAlways),
    ("uid", 5, Ty::StrAlways),
    ("resourceVersion", 6, Ty::StrAlways),
    ("generation", 7, Ty::Int),
    ("creationTimestamp", 8, Ty::Time),
    ("deletionTimestamp", 9, Ty::Time),
    ("deletionGracePeriodSeconds", 10, Ty::Int),
    ("labels", 11, Ty::Map),
    ("annotations", 12, Ty::Map),
    ("ownerReferences", 13, Ty::Msgs(OWNER_REFERENCE)),
    ("finalizers", 14, Ty::Strs),
];

const META: (&str, u64, Ty) = ("metadata", 1, Ty::Msg(OBJECT_META));

/// The kinds stored as protobuf here, each with every field it has
/// (generated.proto of k8s.io/api), so a value decodes to what was encoded.
const KINDS: &[(&str, &str, &[Field])] = &[
    (
        "v1",
        "ConfigMap",
        &[META, ("data", 2, Ty::Map), ("binaryData", 3, Ty::BytesMap), ("immutable", 4, Ty::Bool)],
    ),
    ("v1", "Secret", &[META, ("data", 2, Ty::BytesMap), ("type", 3, Ty::Str), ("immutable", 5, Ty::Bool)]),
    (
        "v1",
        "Namespace",
        &[
            META,
            ("spec", 2, Ty::Msg(&[("finalizers", 1, Ty::Strs)])),
            ("status", 3, Ty::Msg(&[("phase", 1, Ty::Str)])),
        ],
    ),
    ("v1", "ServiceAccount", &[META, ("automountServiceAccountToken", 4, Ty::Bool)]),
    (
        "coordination.k8s.io/v1",
        "Lease",
        &[
            META,
            (
                "spec",
                2,
                Ty::Msg(&[
                    ("holderIdentity", 1, Ty::Str),
                    ("leaseDurationSeconds", 2, Ty::Int),
                    ("acquireTime", 3, Ty::MicroTime),
                    ("renewTime", 4, Ty::MicroTime),
                    ("leaseTransitions", 5, Ty::Int),
                ]),
            ),
        ],
    ),
    (
        "scheduling.k8s.io/v1",
        "PriorityClass",
        &[
            META,
            ("value", 2, Ty::Int),
            ("globalDefault", 3, Ty::Bool),
            ("description", 4, Ty::Str),
            ("preemptionPolicy", 5, Ty::Str),
        ],
    ),
];

fn schema(api_version: &str, kind: &str) -> Option<&'static [Field]> {
    KINDS.iter().find(|(a, k, _)| *a == api_version && *k == kind).map(|(_, _, f)| *f)
}

/// Seconds and nanoseconds of a timestamp (`None` if unreadable).
fn time_parts(ts: &str) -> Option<(i64, i64)> {
    let ms = meta::parse_timestamp(ts)?;
    let micros = ts.split_once('.').and_then(|(_, f)| f.trim_end_matches('Z').get(..6)?.parse::<i64>().ok());
    Some((meta::EPOCH_SECONDS + (ms / 1000) as i64, micros.unwrap_or(0) * 1000))
}

fn encode_fields(out: &mut Vec<u8>, fields: &[Field], v: &Value) {
    for &(name, num, ty) in fields {
        let f = v.get(name);
        match ty {
            Ty::StrAlways => bytes(out, num, f.and_then(Value::as_str).unwrap_or("").as_bytes()),
            Ty::Str => {
                if let Some(s) = f.and_then(Value::as_str).filter(|s| !s.is_empty()) {
                    bytes(out, num, s.as_bytes());
                }
            }
            Ty::Int => {
                if let Some(n) = f.and_then(Value::as_i64).filter(|n| *n != 0 || name == "value") {
                    int(out, num, n);
                }
            }
            Ty::Bool => {
                if let Some(b) = f.and_then(Value::as_bool) {
                    int(out, num, b as i64);
                }
            }
            Ty::Time | Ty::MicroTime => {
                if let Some((secs, nanos)) = f.and_then(Value::as_str).and_then(time_parts) {
                    let mut t = Vec::new();
                    int(&mut t, 1, secs);
                    int(&mut t, 2, nanos);
                    bytes(out, num, &t);
                }
            }
            Ty::Msg(sub) => {
                if let Some(m) = f.filter(|m| m.is_object()) {
                    let mut b = Vec::new();
                    encode_fields(&mut b, sub, m);
                    bytes(out, num, &b);
                }
            }
            Ty::Msgs(sub) => {
                for m in f.and_then(Value::as_array).into_iter().flatten() {
                    let mut b = Vec::new();
                    encode_fields(&mut b, sub, m);
                    bytes(out, num, &b);
                }
            }
            Ty::Strs => {
                for s in f.and_then(Value::as_array).into_iter().flatten() {
                    bytes(out, num, s.as_str().unwrap_or("").as_bytes());
                }
            }
            Ty::Map | Ty::BytesMap => map(out, num, f, matches!(ty, Ty::BytesMap)),
        }
    }
}

/// A `map<string, string>` (or bytes) field: one entry message per key, sorted.
fn map(out: &mut Vec<u8>, field: u64, m: Option<&Value>, decode_base64: bool) {
    let Some(m) = m.and_then(Value::as_object) else { return };
    for (k, v) in m {
        let raw = v.as_str().unwrap_or("");
        let value = if decode_base64 {
            crate::base64::decode(raw).unwrap_or_default()
        } else {
            raw.as_bytes().to_vec()
        };
        let mut entry = Vec::new();
        bytes(&mut entry, 1, k.as_bytes());
        bytes(&mut entry, 2, &value);
        bytes(out, field, &entry);
    }
}

/// The protobuf value a real apiserver would store for `obj`, for the
/// kinds encoded here (ConfigMap, Secret, Namespace, ServiceAccount,
/// Lease, PriorityClass); `None` for others, which stay JSON.
pub fn encode(obj: &Value) -> Option<Vec<u8>> {
    let kind = s(obj, "/kind");
    let fields = schema(s(obj, "/apiVersion"), kind)?;
    let mut body = Vec::new();
    encode_fields(&mut body, fields, obj);
    let mut type_meta = Vec::new();
    bytes(&mut type_meta, 1, s(obj, "/apiVersion").as_bytes());
    bytes(&mut type_meta, 2, kind.as_bytes());
    let mut out = MAGIC.to_vec();
    bytes(&mut out, 1, &type_meta);
    bytes(&mut out, 2, &body);
    bytes(&mut out, 3, b"");
    bytes(&mut out, 4, b"");
    Some(out)
}

/// Reads one field: (number, wire type, varint or bytes); `None` at a
/// malformed one.
fn next_field<'a>(b: &mut &'a [u8]) -> Option<(u64, u64, u64, &'a [u8])> {
    let key = read_varint(b)?;
    match key & 7 {
        0 => Some((key >> 3, 0, read_varint(b)?, &[])),
        2 => {
            let len = usize::try_from(read_varint(b)?).ok()?;
            if len > b.len() {
                return None;
            }
            let (head, tail) = b.split_at(len);
            *b = tail;
            Some((key >> 3, 2, 0, head))
        }
        _ => None,
    }
}

fn read_varint(b: &mut &[u8]) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let (&x, rest) = b.split_first()?;
        *b = rest;
        v |= u64::from(x & 0x7f) << shift;
        if x & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

fn decode_fields(mut b: &[u8], fields: &[Field]) -> Option<Value> {
    let mut out = serde_json::Map::new();
    while !b.is_empty() {
        let (num, _, n, data) = next_field(&mut b)?;
        let Some(&(name, _, ty)) = fields.iter().find(|f| f.1 == num) else { continue };
        let text = || String::from_utf8_lossy(data).into_owned();
        let val = match ty {
            Ty::Str | Ty::StrAlways => {
                if data.is_empty() {
                    continue;
                }
                Value::String(text())
            }
            Ty::Int => Value::from(n as i64),
            Ty::Bool => Value::Bool(n != 0),
            Ty::Time | Ty::MicroTime => {
                let t = decode_fields(data, &[("s", 1, Ty::Int), ("n", 2, Ty::Int)])?;
                let secs = t.get("s").and_then(Value::as_i64).unwrap_or(0) - meta::EPOCH_SECONDS;
                let nanos = t.get("n").and_then(Value::as_i64).unwrap_or(0);
                let ms = (secs.max(0) as u64) * 1000 + (nanos / 1_000_000) as u64;
                Value::String(if matches!(ty, Ty::Time) {
                    meta::timestamp(ms)
                } else {
                    meta::micro_timestamp(ms)
                })
            }
            Ty::Msg(sub) => decode_fields(data, sub)?,
            Ty::Msgs(_) | Ty::Strs => {
                let item = match ty {
                    Ty::Msgs(sub) => decode_fields(data, sub)?,
                    _ => Value::String(text()),
                };
                match out.entry(name.to_string()).or_insert_with(|| Value::Array(Vec::new())) {
                    Value::Array(a) => a.push(item),
                    _ => return None,
                }
                continue;
            }
            Ty::Map | Ty::BytesMap => {
                let e = decode_fields(data, &[("k", 1, Ty::StrAlways), ("v", 2, Ty::StrAlways)])?;
                let k = e.get("k").and_then(Value::as_str).unwrap_or("").to_string();
                let v = e.get("v").and_then(Value::as_str).unwrap_or("");
                let v = if matches!(ty, Ty::BytesMap) {
                    // Bytes go back to base64 (from the raw bytes, not text).
                    let raw = map_value_bytes(data).unwrap_or_default();
                    Value::String(crate::base64::encode(&raw))
                } else {
                    Value::String(v.to_string())
                };
                match out.entry(name.to_string()).or_insert_with(|| Value::Object(Default::default())) {
                    Value::Object(m) => {
                        m.insert(k, v);
                    }
                    _ => return None,
                }
                continue;
            }
        };
        out.insert(name.to_string(), val);
    }
    Some(Value::Object(out))
}

/// The bytes of a map entry's value (field 2).
fn map_value_bytes(mut b: &[u8]) -> Option<Vec<u8>> {
    while !b.is_empty() {
        let (num, _, _, data) = next_field(&mut b)?;
        if num == 2 {
            return Some(data.to_vec());
        }
    }
    Some(Vec::new())
}

/// The object a protobuf value holds (`k8s\0` + runtime.Unknown), for
/// the kinds [`encode`] writes; `None` if `b` is not one.
pub fn decode(b: &[u8]) -> Option<Value> {
    let mut rest = b.strip_prefix(MAGIC)?;
    let (mut api_version, mut kind, mut raw) = (String::new(), String::new(), &[][..]);
    while !rest.is_empty() {
        let (num, _, _, data) = next_field(&mut rest)?;
        match num {
            1 => {
                let tm = decode_fields(data, &[("apiVersion", 1, Ty::Str), ("kind", 2, Ty::Str)])?;
                api_version = tm.get("apiVersion").and_then(Value::as_str).unwrap_or("").to_string();
                kind = tm.get("kind").and_then(Value::as_str).unwrap_or("").to_string();
            }
            2 => raw = data,
            _ => {}
        }
    }
    let mut obj = decode_fields(raw, schema(&api_version, &kind)?)?;
    let m = obj.as_object_mut()?;
    m.insert("apiVersion".into(), Value::String(api_version));
    m.insert("kind".into(), Value::String(kind));
    Some(obj)
}

/// How the page shows a stored protobuf value: the object decoded as
/// indented JSON, then the bytes as `etcdctl get ... | hexdump -C` shows
/// them; `None` for a value that is not protobuf.
pub fn readable(value: &[u8]) -> Option<String> {
    if !value.starts_with(MAGIC) {
        return None;
    }
    let decoded = match decode(value) {
        Some(obj) => serde_json::to_string_pretty(&obj).unwrap_or_default(),
        None => "(protobuf the playground does not decode)".to_string(),
    };
    Some(format!(
        "{decoded}\n\n── stored as protobuf ({} bytes), as etcdctl prints them ──\n{}",
        value.len(),
        hexdump(value)
    ))
}

/// `hexdump -C` of `b`, as people pipe `etcdctl get` into it.
pub fn hexdump(b: &[u8]) -> String {
    let mut out = String::new();
    for (i, chunk) in b.chunks(16).enumerate() {
        out.push_str(&format!("{:08x}  ", i * 16));
        for j in 0..16 {
            match chunk.get(j) {
                Some(x) => out.push_str(&format!("{x:02x} ")),
                None => out.push_str("   "),
            }
            if j == 7 {
                out.push(' ');
            }
        }
        out.push_str(" |");
        for &x in chunk {
            out.push(if (0x20..0x7f).contains(&x) { x as char } else { '.' });
        }
        out.push_str("|\n");
    }
    out.push_str(&format!("{:08x}\n", b.len()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn leases_and_secrets_round_trip() {
        let lease = json!({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": {"name": "n", "namespace": "kube-node-lease", "uid": "u", "creationTimestamp": "2025-01-01T00:00:01Z",
                "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": "n", "uid": "x"}], "labels": {"a": "b"}},
            "spec": {"holderIdentity": "n", "leaseDurationSeconds": 40, "renewTime": "2025-01-01T00:00:05.120000Z"}});
        let b = encode(&lease).unwrap();
        assert!(b.starts_with(b"k8s\x00\x0a\x1f\x0a\x16coordination.k8s.io/v1\x12\x05Lease"));
        assert_eq!(decode(&b), Some(lease));
        let secret = json!({"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
            "metadata": {"name": "s", "namespace": "default", "uid": "u", "creationTimestamp": "2025-01-01T00:00:01Z"},
            "data": {"k": crate::base64::encode(&[0, 255, 1])}});
        assert_eq!(decode(&encode(&secret).unwrap()), Some(secret));
        assert_eq!(decode(b"k8s\x00\x0a\xff"), None, "malformed bytes are no object");
        assert_eq!(decode(b"{}"), None);
        let shown = readable(&b).unwrap();
        assert!(shown.starts_with("{\n  \"apiVersion\": \"coordination.k8s.io/v1\""), "{shown}");
        assert!(shown.contains("00000000  6b 38 73 00"), "{shown}");
        assert_eq!(readable(b"{}"), None);
    }

    #[test]
    fn configmaps_encode_like_the_apiserver() {
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "a", "namespace": "default", "uid": "u", "creationTimestamp": "2025-01-01T00:00:00Z"},
            "data": {"k": "v"}});
        let b = encode(&cm).unwrap();
        assert!(b.starts_with(b"k8s\x00\x0a\x0f\x0a\x02v1\x12\x09ConfigMap\x12"));
        assert!(b.ends_with(b"\x1a\x00\x22\x00"));
        assert!(b.windows(8).any(|w| w == b"\x12\x06\x0a\x01k\x12\x01v"));
        assert!(encode(&json!({"kind": "Pod"})).is_none());
        assert_eq!(decode(&b), Some(cm.clone()), "decodes to what was encoded");
        let dump = hexdump(b"k8s\x00abc");
        assert_eq!(
            dump,
            "00000000  6b 38 73 00 61 62 63                              |k8s.abc|
00000007
"
        );
    }
}
