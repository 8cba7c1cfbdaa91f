//! The `protobuf` format: responses in protobuf wire format, as `proto.Marshal` writes them (proto3, zero fields omitted).

use mvcc::{Event, EventType, KeyValue, ResponseHeader};

/// A protobuf message being written.
#[derive(Clone, Debug, Default)]
pub struct Msg {
    buf: Vec<u8>,
}

fn varint(buf: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        buf.push((v as u8) | 0x80);
        v >>= 7;
    }
    buf.push(v as u8);
}

impl Msg {
    /// An empty message.
    pub fn new() -> Self {
        Msg::default()
    }

    /// A varint field, omitted when zero.
    pub fn uint(mut self, field: u32, v: u64) -> Self {
        if v != 0 {
            varint(&mut self.buf, u64::from(field) << 3);
            varint(&mut self.buf, v);
        }
        self
    }

    /// A signed varint field (int64), omitted when zero.
    pub fn int(self, field: u32, v: i64) -> Self {
        self.uint(field, v as u64)
    }

    /// A bool field, omitted when false.
    pub fn boolean(self, field: u32, v: bool) -> Self {
        self.uint(field, u64::from(v))
    }

    /// A bytes field, omitted when empty.
    pub fn bytes(mut self, field: u32, v: &[u8]) -> Self {
        if !v.is_empty() {
            self = self.bytes_always(field, v);
        }
        self
    }

    /// A bytes or embedded-message field, written even when empty.
    pub fn bytes_always(mut self, field: u32, v: &[u8]) -> Self {
        varint(&mut self.buf, (u64::from(field) << 3) | 2);
        varint(&mut self.buf, v.len() as u64);
        self.buf.extend_from_slice(v);
        self
    }

    /// An embedded message.
    pub fn msg(self, field: u32, m: Msg) -> Self {
        self.bytes_always(field, &m.buf)
    }

    /// The encoded bytes.
    pub fn end(self) -> Vec<u8> {
        self.buf
    }
}

/// `etcdserverpb.ResponseHeader`.
pub fn header(h: &ResponseHeader) -> Msg {
    Msg::new().uint(1, h.cluster_id).uint(2, h.member_id).int(3, h.revision).uint(4, h.raft_term)
}

/// `mvccpb.KeyValue`.
pub fn kv(kv: &KeyValue) -> Msg {
    Msg::new()
        .bytes(1, &kv.key)
        .int(2, kv.create_revision)
        .int(3, kv.mod_revision)
        .int(4, kv.version)
        .bytes(5, &kv.value)
        .int(6, kv.lease)
}

/// `mvccpb.Event`.
pub fn event(e: &Event) -> Msg {
    let t = if e.kind == EventType::Delete { 1 } else { 0 };
    let mut m = Msg::new().uint(1, t).msg(2, kv(&e.kv));
    if let Some(p) = &e.prev_kv {
        m = m.msg(3, kv(p));
    }
    m
}
