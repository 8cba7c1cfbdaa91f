//! What a real cluster stores by default: kube-apiserver writes protobuf
//! (`--storage-media-type=application/vnd.kubernetes.protobuf`), not the
//! JSON the playground stores, so `etcdctl get` on a kubeadm cluster shows
//! mostly unreadable bytes. This module encodes ConfigMaps and Secrets the
//! way the apiserver does, for the panel to show next to the JSON.
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
(--storage-media-type=application/json) so the key browser can show it as text.";

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

/// `ObjectMeta` as gogo-protobuf writes it.
fn object_meta(obj: &Value) -> Vec<u8> {
    let mut m = Vec::new();
    bytes(&mut m, 1, s(obj, "/metadata/name").as_bytes());
    bytes(&mut m, 2, s(obj, "/metadata/generateName").as_bytes());
    bytes(&mut m, 3, s(obj, "/metadata/namespace").as_bytes());
    bytes(&mut m, 4, b"");
    bytes(&mut m, 5, s(obj, "/metadata/uid").as_bytes());
    // resourceVersion is blanked before storing.
    bytes(&mut m, 6, b"");
    int(&mut m, 7, obj.pointer("/metadata/generation").and_then(Value::as_i64).unwrap_or(0));
    let secs = meta::parse_timestamp(s(obj, "/metadata/creationTimestamp"))
        .map_or(0, |ms| meta::EPOCH_SECONDS + (ms / 1000) as i64);
    let mut time = Vec::new();
    int(&mut time, 1, secs);
    int(&mut time, 2, 0);
    bytes(&mut m, 8, &time);
    map(&mut m, 11, obj.pointer("/metadata/labels"), false);
    map(&mut m, 12, obj.pointer("/metadata/annotations"), false);
    m
}

/// The protobuf value a real apiserver would store for `obj`, for the
/// kinds encoded here (ConfigMap, Secret); `None` for others.
pub fn encode(obj: &Value) -> Option<Vec<u8>> {
    let kind = s(obj, "/kind");
    let mut body = Vec::new();
    bytes(&mut body, 1, &object_meta(obj));
    match kind {
        "ConfigMap" => {
            map(&mut body, 2, obj.get("data"), false);
            map(&mut body, 3, obj.get("binaryData"), true);
        }
        "Secret" => {
            map(&mut body, 2, obj.get("data"), true);
            bytes(&mut body, 3, s(obj, "/type").as_bytes());
        }
        _ => return None,
    }
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
    fn configmaps_encode_like_the_apiserver() {
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "a", "namespace": "default", "uid": "u", "creationTimestamp": "2025-01-01T00:00:00Z"},
            "data": {"k": "v"}});
        let b = encode(&cm).unwrap();
        assert!(b.starts_with(b"k8s\x00\x0a\x0f\x0a\x02v1\x12\x09ConfigMap\x12"));
        assert!(b.ends_with(b"\x1a\x00\x22\x00"));
        assert!(b.windows(8).any(|w| w == b"\x12\x06\x0a\x01k\x12\x01v"));
        assert!(encode(&json!({"kind": "Pod"})).is_none());
        let dump = hexdump(b"k8s\x00abc");
        assert_eq!(
            dump,
            "00000000  6b 38 73 00 61 62 63                              |k8s.abc|
00000007
"
        );
    }
}
