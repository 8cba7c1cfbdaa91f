//! `hash_kv`: the hash etcd members compare to detect corruption.
//!
//! etcd hashes its backend's key bucket with CRC-32C (Castagnoli): first the
//! bucket's name, `key`, then for every stored revision up to the hashed
//! revision its on-disk key (the revision bytes, plus `t` for a tombstone)
//! and its value (the protobuf encoding of `mvccpb.KeyValue`), in revision
//! order. Revisions at or below the compacted revision count only if a
//! compaction at the hashed revision would keep them, and a tombstone at
//! exactly the compacted revision never counts (as in etcd 3.5.33). This module rebuilds
//! those exact bytes, so equal histories give equal hashes across members,
//! snapshots and restarts.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::kv::ResponseHeader;
use crate::revision::Revision;
use crate::store::Store;

/// The answer to `hash_kv` (`etcdserverpb.HashKVResponse`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HashKvResponse {
    /// `revision` is the store's current revision.
    pub header: ResponseHeader,
    /// The CRC-32C of the key space.
    pub hash: u32,
    /// The compacted revision when hashed (-1: never compacted).
    pub compact_revision: i64,
    /// The revision hashed.
    pub hash_revision: i64,
}

/// CRC-32C, reflected polynomial 0x82F63B78, one byte at a time.
const CASTAGNOLI: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { 0x82F6_3B78 ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
};

/// A running CRC-32C.
#[derive(Clone, Copy, Debug)]
pub struct Crc32c(u32);

impl Default for Crc32c {
    fn default() -> Self {
        Crc32c(!0)
    }
}

impl Crc32c {
    /// Feeds bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        let mut c = self.0;
        for &b in bytes {
            c = CASTAGNOLI[((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8);
        }
        self.0 = c;
    }

    /// The checksum so far.
    pub fn sum(&self) -> u32 {
        !self.0
    }
}

fn varint_len(v: u64) -> usize {
    (64 - (v | 1).leading_zeros() as usize).div_ceil(7)
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// The length of `mvccpb.KeyValue`'s protobuf encoding.
pub fn kv_encoded_len(
    key_len: usize,
    create: i64,
    modified: i64,
    version: i64,
    value_len: usize,
    lease: i64,
) -> usize {
    let bytes = |n: usize| if n == 0 { 0 } else { 1 + varint_len(n as u64) + n };
    let int = |v: i64| if v == 0 { 0 } else { 1 + varint_len(v as u64) };
    bytes(key_len) + int(create) + int(modified) + int(version) + bytes(value_len) + int(lease)
}

/// `mvccpb.KeyValue`'s protobuf encoding (proto3: zero fields omitted).
pub fn encode_kv(kv: &crate::kv::KeyValue) -> Vec<u8> {
    let mut out = Vec::with_capacity(kv_encoded_len(
        kv.key.len(),
        kv.create_revision,
        kv.mod_revision,
        kv.version,
        kv.value.len(),
        kv.lease,
    ));
    let bytes = |out: &mut Vec<u8>, tag: u8, b: &[u8]| {
        if !b.is_empty() {
            out.push(tag);
            put_varint(out, b.len() as u64);
            out.extend_from_slice(b);
        }
    };
    let int = |out: &mut Vec<u8>, tag: u8, v: i64| {
        if v != 0 {
            out.push(tag);
            put_varint(out, v as u64);
        }
    };
    bytes(&mut out, 0x0a, &kv.key);
    int(&mut out, 0x10, kv.create_revision);
    int(&mut out, 0x18, kv.mod_revision);
    int(&mut out, 0x20, kv.version);
    bytes(&mut out, 0x2a, &kv.value);
    int(&mut out, 0x30, kv.lease);
    out
}

impl Store {
    /// Hashes the key space up to `rev` (0: the current revision), as
    /// etcd's `HashByRev`.
    pub fn hash_kv(&self, rev: i64) -> Result<HashKvResponse> {
        let compact = self.compact_main_rev;
        if rev > 0 && rev < compact {
            return Err(Error::Compacted);
        }
        if rev > self.current_rev {
            return Err(Error::FutureRev);
        }
        let rev = if rev <= 0 { self.current_rev } else { rev };
        let keep = self.index.keep(rev);
        let mut stored: Vec<(Revision, bool, &[u8], crate::kv::KeyValue)> = Vec::new();
        for (key, ki) in self.index.iter() {
            for e in ki.entries().filter(|e| e.rev.main <= rev) {
                if e.rev.main <= compact && !keep.is_empty() && !keep.contains(&e.rev) {
                    continue;
                }
                // etcd 3.5.16+ keeps a tombstone at the compaction point
                // where older versions deleted it; the hash leaves it out
                // so that both agree.
                if e.tombstone && e.rev.main == compact {
                    continue;
                }
                stored.push((e.rev, e.tombstone, key, e.to_kv(key)));
            }
        }
        slim::sort_by_key(&mut stored, |s| s.0);
        let mut crc = Crc32c::default();
        crc.update(b"key");
        for (r, tomb, _, kv) in &stored {
            crc.update(&r.to_bytes(*tomb));
            crc.update(&encode_kv(kv));
        }
        Ok(HashKvResponse {
            header: ResponseHeader::at(self.current_rev),
            hash: crc.sum(),
            compact_revision: compact,
            hash_revision: rev,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kv::KeyValue;

    #[test]
    fn crc32c_matches_the_standard_check_value() {
        let mut c = Crc32c::default();
        c.update(b"123456789");
        assert_eq!(c.sum(), 0xE306_9283);
    }

    #[test]
    fn key_value_encoding_is_protobuf() {
        let kv = KeyValue {
            key: b"foo".to_vec(),
            create_revision: 2,
            mod_revision: 300,
            version: 1,
            value: b"bar".to_vec(),
            lease: 0,
        };
        let enc = encode_kv(&kv);
        assert_eq!(enc, [10, 3, b'f', b'o', b'o', 16, 2, 24, 0xac, 0x02, 32, 1, 42, 3, b'b', b'a', b'r']);
        assert_eq!(enc.len(), kv_encoded_len(3, 2, 300, 1, 3, 0));
        assert_eq!(kv_encoded_len(0, -1, 0, 0, 0, 0), 11);
    }

    #[test]
    fn a_tombstone_at_the_compaction_point_is_not_hashed() {
        use crate::kv::{DeleteRangeRequest, PutRequest};
        let mut s = Store::default();
        s.put(&PutRequest { key: b"a".to_vec(), ..Default::default() }).unwrap();
        s.delete_range(&DeleteRangeRequest { key: b"a".to_vec(), ..Default::default() }).unwrap();
        s.compact(3).unwrap();
        let mut empty = Crc32c::default();
        empty.update(b"key");
        assert_eq!(s.hash_kv(0).unwrap().hash, empty.sum());
        assert_eq!(s.hash_kv(3).unwrap().compact_revision, 3);
    }

    /// Recorded from etcd 3.4.23: put foo bar; put foo baz; put a 1;
    /// del foo; put foo again; then `endpoint hashkv` and `--rev=3`.
    #[test]
    fn hash_matches_a_real_etcd() {
        use crate::kv::{DeleteRangeRequest, PutRequest};
        let mut s = Store::default();
        for (k, v) in [("foo", "bar"), ("foo", "baz"), ("a", "1")] {
            s.put(&PutRequest { key: k.into(), value: v.into(), ..Default::default() }).unwrap();
        }
        s.delete_range(&DeleteRangeRequest { key: b"foo".to_vec(), ..Default::default() }).unwrap();
        s.put(&PutRequest { key: b"foo".to_vec(), value: b"again".to_vec(), ..Default::default() }).unwrap();
        let h = s.hash_kv(0).unwrap();
        assert_eq!((h.hash, h.compact_revision, h.header.revision), (3262712074, -1, 6));
        assert_eq!(s.hash_kv(3).unwrap().hash, 2020292994);
    }
}
