//! The `fields` format: one `"Name" : value` line per field, as etcdctl's fieldsPrinter writes them.

use mvcc::{KeyValue, ResponseHeader};

use super::go_quote_bytes;

/// The four header lines.
pub fn header(out: &mut String, h: &ResponseHeader) {
    out.push_str(&format!("\"ClusterID\" : {}\n", h.cluster_id));
    out.push_str(&format!("\"MemberID\" : {}\n", h.member_id));
    out.push_str(&format!("\"Revision\" : {}\n", h.revision));
    out.push_str(&format!("\"RaftTerm\" : {}\n", h.raft_term));
}

/// A key-value's lines (`Key`, `CreateRevision`, ..., `Lease`).
pub fn kv(out: &mut String, kv: &KeyValue, hex: bool) {
    out.push_str(&format!("\"Key\" : {}\n", quoted(&kv.key, hex)));
    out.push_str(&format!("\"CreateRevision\" : {}\n", kv.create_revision));
    out.push_str(&format!("\"ModRevision\" : {}\n", kv.mod_revision));
    out.push_str(&format!("\"Version\" : {}\n", kv.version));
    out.push_str(&format!("\"Value\" : {}\n", quoted(&kv.value, hex)));
    out.push_str(&format!("\"Lease\" : {}\n", kv.lease));
}

/// Bytes as the fields printer quotes them (`%q`; etcdctl's fields printer ignores `--hex`).
pub fn quoted(b: &[u8], _hex: bool) -> String {
    go_quote_bytes(b)
}
