//! JSON as Go's encoding/json writes etcd's responses: field order, omitempty, base64 bytes, Go's escaping.

use mvcc::{KeyValue, ResponseHeader};

use super::base64;

/// Go's JSON string encoding (escapes `<`, `>`, `&`, U+2028, U+2029 and control characters).
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON object written field by field, in order.
#[derive(Clone, Debug, Default)]
pub struct Obj {
    fields: Vec<String>,
}

impl Obj {
    /// An empty object.
    pub fn new() -> Self {
        Obj::default()
    }

    /// Adds a field with an already-encoded value.
    pub fn raw(mut self, key: &str, value: impl Into<String>) -> Self {
        self.fields.push(format!("{}:{}", string(key), value.into()));
        self
    }

    /// Adds a number unless it is zero (omitempty).
    pub fn num(self, key: &str, v: i128) -> Self {
        if v == 0 { self } else { self.raw(key, v.to_string()) }
    }

    /// Adds a number always.
    pub fn num_always(self, key: &str, v: i128) -> Self {
        self.raw(key, v.to_string())
    }

    /// Adds `true` unless false (omitempty).
    pub fn flag(self, key: &str, v: bool) -> Self {
        if v { self.raw(key, "true") } else { self }
    }

    /// Adds a string unless empty (omitempty).
    pub fn str(self, key: &str, v: &str) -> Self {
        if v.is_empty() { self } else { self.raw(key, string(v)) }
    }

    /// Adds bytes as base64 unless empty (omitempty).
    pub fn bytes(self, key: &str, v: &[u8]) -> Self {
        if v.is_empty() { self } else { self.raw(key, string(&base64(v))) }
    }

    /// Adds an array of encoded values unless empty (omitempty).
    pub fn arr(self, key: &str, items: Vec<String>) -> Self {
        if items.is_empty() { self } else { self.raw(key, format!("[{}]", items.join(","))) }
    }

    /// Adds all fields of another object (an embedded Go struct).
    pub fn embed(mut self, other: Obj) -> Self {
        self.fields.extend(other.fields);
        self
    }

    /// The encoded object.
    pub fn end(self) -> String {
        format!("{{{}}}", self.fields.join(","))
    }
}

/// `etcdserverpb.ResponseHeader`'s fields.
pub fn header_fields(h: &ResponseHeader) -> Obj {
    Obj::new()
        .num("cluster_id", h.cluster_id as i128)
        .num("member_id", h.member_id as i128)
        .num("revision", h.revision as i128)
        .num("raft_term", h.raft_term as i128)
}

/// `"header":{...}` as an object.
pub fn header(h: &ResponseHeader) -> String {
    header_fields(h).end()
}

/// `mvccpb.KeyValue`.
pub fn kv(kv: &KeyValue) -> String {
    Obj::new()
        .bytes("key", &kv.key)
        .num("create_revision", kv.create_revision as i128)
        .num("mod_revision", kv.mod_revision as i128)
        .num("version", kv.version as i128)
        .bytes("value", &kv.value)
        .num("lease", kv.lease as i128)
        .end()
}

/// A list of encoded strings as a JSON array (`null` when empty, as Go's nil slice).
pub fn string_list(items: &[String]) -> String {
    if items.is_empty() {
        "null".to_string()
    } else {
        format!("[{}]", items.iter().map(|s| string(s)).collect::<Vec<_>>().join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_json() {
        let h = ResponseHeader { cluster_id: 1, member_id: 2, revision: 0, raft_term: 3 };
        assert_eq!(header(&h), "{\"cluster_id\":1,\"member_id\":2,\"raft_term\":3}");
        assert_eq!(string("<a&b>"), "\"\\u003ca\\u0026b\\u003e\"");
    }
}
