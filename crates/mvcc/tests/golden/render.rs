//! How responses print: one line per key-value pair or event, bytes shown
//! as text with `\xNN` for anything unprintable.

use mvcc::{Event, EventType, KeyValue, RangeResponse, ResponseOp, TxnResponse, WatchResponse};

/// Bytes as text: printable ASCII as is, the rest as `\xNN`; `""` if empty.
pub fn bytes(b: &[u8]) -> String {
    if b.is_empty() {
        return "\"\"".into();
    }
    b.iter()
        .map(|&c| {
            if (0x21..0x7f).contains(&c) && c != b'\\' {
                (c as char).to_string()
            } else {
                format!("\\x{c:02x}")
            }
        })
        .collect()
}

/// One pair: `key=value create=C mod=M ver=V lease=L`.
pub fn kv(kv: &KeyValue) -> String {
    format!(
        "{}={} create={} mod={} ver={} lease={}",
        bytes(&kv.key),
        bytes(&kv.value),
        kv.create_revision,
        kv.mod_revision,
        kv.version,
        kv.lease
    )
}

/// A range response, indented.
pub fn range(r: &RangeResponse, indent: &str) -> Vec<String> {
    let mut out = vec![format!("{indent}rev={} count={} more={}", r.header.revision, r.count, r.more)];
    out.extend(r.kvs.iter().map(|k| format!("{indent}  {}", kv(k))));
    out
}

/// A transaction response, nested responses indented further.
pub fn txn(t: &TxnResponse, indent: &str) -> Vec<String> {
    let mut out = vec![format!("{indent}rev={} succeeded={}", t.header.revision, t.succeeded)];
    let inner = format!("{indent}  ");
    for r in &t.responses {
        match r {
            ResponseOp::Range(r) => {
                let mut lines = range(r, &inner);
                lines[0] = format!("{inner}get {}", lines[0].trim_start());
                out.extend(lines);
            }
            ResponseOp::Put(p) => {
                out.push(format!("{inner}put rev={}", p.header.revision));
                out.extend(p.prev_kv.iter().map(|k| format!("{inner}  prev: {}", kv(k))));
            }
            ResponseOp::DeleteRange(d) => {
                out.push(format!("{inner}del rev={} deleted={}", d.header.revision, d.deleted));
                out.extend(d.prev_kvs.iter().map(|k| format!("{inner}  prev: {}", kv(k))));
            }
            ResponseOp::Txn(t) => {
                let mut lines = txn(t, &inner);
                lines[0] = format!("{inner}txn {}", lines[0].trim_start());
                out.extend(lines);
            }
        }
    }
    out
}

/// An event: `PUT key=value ...` or `DELETE key mod=M`, then its previous
/// pair if any.
pub fn event(e: &Event) -> String {
    let main = match e.kind {
        EventType::Put => format!("PUT {}", kv(&e.kv)),
        EventType::Delete => format!("DELETE {} mod={}", bytes(&e.kv.key), e.kv.mod_revision),
    };
    match &e.prev_kv {
        Some(p) => format!("{main} prev: {}", kv(p)),
        None => main,
    }
}

/// A watch response: a summary line, then one line per event.
pub fn watch(w: &WatchResponse) -> Vec<String> {
    let mut head = format!("id={} rev={}", w.watch_id, w.header.revision);
    if w.created {
        head.push_str(" created");
    }
    if w.canceled {
        head.push_str(" canceled");
    }
    if w.compact_revision != 0 {
        head.push_str(&format!(" compact_revision={}", w.compact_revision));
    }
    if !w.created && !w.canceled && w.events.is_empty() {
        head.push_str(" progress");
    }
    let mut out = vec![head];
    out.extend(w.events.iter().map(|e| format!("  {}", event(e))));
    out
}
