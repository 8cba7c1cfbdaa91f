//! Snapshots: the whole store (every retained revision, the revisions, the
//! compacted revision, leases) as bytes, sealed with a sha256 trailer as
//! etcd's snapshot file is.
//!
//! Layout:
//!
//! ```text
//! +----------------------+---------------+----------------+--------------+
//! | magic (16 bytes)     | version (u32) | payload (wire) | sha256 (32)  |
//! | "etcd-play-mvcc\n\0" | big endian    |                | of all before|
//! +----------------------+---------------+----------------+--------------+
//! ```
//!
//! The payload is in the `wire` encoding (varints, length-prefixed bytes):
//!
//! ```text
//! current_rev compact_main_rev db_size
//! keys:   count, then per key: key, generations: count, then per
//!         generation: ver, created {main sub}, revs: count, then per
//!         revision: main sub value lease
//! leases: count, then per lease: id ttl_seconds remaining_seconds
//! ```
//!
//! `remaining_seconds` is the TTL a lease had left at its last checkpoint
//! (0: none, a new leader starts it over with its full TTL), as etcd's
//! lease bucket keeps `RemainingTTL`.
//!
//! [`Store::restore`] checks the length, the hash, the magic and the
//! version before it parses anything, then checks every key's history for
//! the invariants of [`KeyIndex`], so a
//! truncated, corrupted or forged file is refused with a clear error and
//! never panics. Watchers are not part of a snapshot; restored leases do
//! not tick until the lessor is promoted.

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::index::TreeIndex;
use crate::key_index::{Generation, KeyIndex, RevEntry};
use crate::lease::Lessor;
use crate::revision::Revision;
use crate::store::{Store, StoreConfig};

/// The first bytes of every snapshot.
pub const MAGIC: &[u8; 16] = b"etcd-play-mvcc\n\0";
/// The format version this crate writes and reads.
pub const VERSION: u32 = 2;
const HEADER_LEN: usize = MAGIC.len() + 4;
const TRAILER_LEN: usize = 32;

/// The payload as read back; [`Store::snapshot`] writes the same fields
/// straight from the store, without building one.
struct Payload {
    current_rev: i64,
    compact_main_rev: i64,
    db_size: u64,
    keys: Vec<SnapKey>,
    /// `(id, ttl_seconds, remaining_seconds)`.
    leases: Vec<(i64, i64, i64)>,
}
wire::record!(Payload { current_rev, compact_main_rev, db_size, keys, leases });

/// One retained revision: `(main, sub, value, lease)`.
type SnapRev = (i64, i64, Vec<u8>, i64);

struct SnapKey {
    key: Vec<u8>,
    /// `(ver, created, revisions)` per generation.
    generations: Vec<(i64, Revision, Vec<SnapRev>)>,
}
wire::record!(SnapKey { key, generations });

fn corrupt(what: impl std::fmt::Display) -> Error {
    Error::Snapshot(format!("corrupt snapshot: {what}"))
}

impl Store {
    /// Serializes the store, sealed with its sha256 (a file's format).
    /// Restoring the bytes gives a store with the same history, revisions,
    /// leases and `hash_kv`.
    pub fn snapshot(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write_image(&mut out);
        let digest = Sha256::digest(&out);
        out.extend_from_slice(&digest);
        // The bytes are often kept (a snapshot file, a backup).
        out.shrink_to_fit();
        out
    }

    /// Appends the store's image to `out`: the snapshot without its sha256
    /// trailer. A raft snapshot carries this: it never leaves memory, and
    /// sealing a whole store at every snapshot cost more than writing it.
    /// [`Store::from_image`] reads it back.
    pub fn write_image(&self, out: &mut Vec<u8>) {
        use wire::{Encode, put_bytes, put_uvarint};
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_be_bytes());
        // The fields of `Payload`, in its order.
        self.current_rev.encode(out);
        self.compact_main_rev.encode(out);
        self.size().encode(out);
        put_uvarint(out, self.index.len() as u64);
        for (k, ki) in self.index.iter() {
            put_bytes(out, k);
            put_uvarint(out, ki.past.len() as u64 + 1);
            for g in ki.generations() {
                g.ver.encode(out);
                g.created.encode(out);
                put_uvarint(out, g.revs.len() as u64);
                for e in g.revs.iter() {
                    e.rev.main.encode(out);
                    e.rev.sub.encode(out);
                    put_bytes(out, &e.value);
                    e.lease.encode(out);
                }
            }
        }
        let leases = self.lessor.leases();
        put_uvarint(out, leases.len() as u64);
        for l in leases {
            (l.id, l.ttl_seconds, l.remaining_ttl_seconds).encode(out);
        }
    }

    /// Rebuilds a store from [`Store::snapshot`]'s bytes.
    pub fn restore(bytes: &[u8], config: StoreConfig) -> Result<Store> {
        if bytes.len() < HEADER_LEN + TRAILER_LEN {
            return Err(Error::Snapshot(format!(
                "file is truncated ({} bytes, at least {} expected)",
                bytes.len(),
                HEADER_LEN + TRAILER_LEN
            )));
        }
        let (body, trailer) = bytes.split_at(bytes.len() - TRAILER_LEN);
        let digest = Sha256::digest(body);
        if digest.as_slice() != trailer {
            return Err(Error::Snapshot(format!(
                "file integrity check failed: expected sha256 {}, got {}",
                hex(trailer),
                hex(&digest)
            )));
        }
        Store::from_image(body, config)
    }

    /// Rebuilds a store from [`Store::write_image`]'s bytes (no trailer to
    /// check; everything else is checked as [`Store::restore`] does).
    pub fn from_image(body: &[u8], config: StoreConfig) -> Result<Store> {
        if body.len() < HEADER_LEN {
            return Err(Error::Snapshot(format!(
                "file is truncated ({} bytes, at least {HEADER_LEN} expected)",
                body.len()
            )));
        }
        if &body[..MAGIC.len()] != MAGIC {
            return Err(Error::Snapshot("not an mvcc snapshot".into()));
        }
        let mut v = [0u8; 4];
        v.copy_from_slice(&body[MAGIC.len()..HEADER_LEN]);
        let version = u32::from_be_bytes(v);
        if version != VERSION {
            return Err(Error::Snapshot(format!("unsupported version {version}")));
        }
        let payload: Payload = wire::from_slice(&body[HEADER_LEN..]).map_err(corrupt)?;
        build(payload, config)
    }
}

fn build(p: Payload, config: StoreConfig) -> Result<Store> {
    if p.current_rev < 1
        || p.current_rev > i64::MAX / 2
        || p.compact_main_rev < -1
        || p.compact_main_rev > p.current_rev
    {
        return Err(corrupt("revisions out of range"));
    }
    let mut index = TreeIndex::new();
    let mut prev_key: Option<&[u8]> = None;
    for k in &p.keys {
        if prev_key.is_some_and(|pk| pk >= k.key.as_slice()) {
            return Err(corrupt("keys out of order"));
        }
        prev_key = Some(&k.key);
    }
    let mut lessor = Lessor::new(config.min_lease_ttl_seconds);
    lessor.demote();
    for &(id, ttl, remaining) in &p.leases {
        if id == 0 || ttl < 0 || remaining < 0 || lessor.lookup(id).is_some() {
            return Err(corrupt(format!("bad lease {id}")));
        }
        lessor.restore(id, ttl, remaining);
    }
    let mut store_size = crate::compaction::SizeModel::default();
    for k in p.keys {
        let mut gens = Vec::with_capacity(k.generations.len());
        let mut modified = Revision::default();
        for (ver, created, revs) in k.generations {
            let revs: Vec<RevEntry> = revs
                .into_iter()
                .map(|(main, sub, value, lease)| RevEntry { rev: Revision::new(main, sub), value, lease })
                .collect();
            if let Some(last) = revs.last() {
                modified = last.rev;
            }
            gens.push(Generation { ver, created, revs: revs.into() });
        }
        let live = gens.pop().ok_or_else(|| corrupt("key with no generation"))?;
        let ki = KeyIndex { modified, past: gens, live };
        ki.validate().map_err(|e| corrupt(format!("key {:?}: {e}", String::from_utf8_lossy(&k.key))))?;
        if ki.modified.main > p.current_rev {
            return Err(corrupt("revision above the current revision"));
        }
        for e in ki.entries() {
            let (create, modified) = if e.tombstone { (0, 0) } else { (e.create_revision, e.rev.main) };
            store_size.entry_added(
                k.key.len(),
                create,
                modified,
                e.version,
                e.value.len(),
                e.lease,
                e.tombstone,
            );
        }
        if ki.is_live()
            && let Some(e) = ki.live.revs.last()
            && e.lease != 0
        {
            lessor.attach(e.lease, &k.key);
        }
        index.insert(k.key, ki);
    }
    for _ in 0..lessor.len() {
        store_size.lease_added();
    }
    store_size.set_db_size(p.db_size);
    let mut store = Store::new(config);
    store.index = index;
    store.current_rev = p.current_rev;
    store.compact_main_rev = p.compact_main_rev;
    store.lessor = lessor;
    store.size = store_size;
    Ok(store)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kv::{DeleteRangeRequest, PutRequest};
    use crate::lease::LeaseGrantRequest;

    fn sealed(body: &[u8]) -> Vec<u8> {
        let mut out = body.to_vec();
        let digest = Sha256::digest(&out);
        out.extend_from_slice(&digest);
        out
    }

    fn with_payload(p: &Payload) -> Vec<u8> {
        let mut body = MAGIC.to_vec();
        body.extend_from_slice(&VERSION.to_be_bytes());
        body.extend_from_slice(&wire::to_vec(p));
        sealed(&body)
    }

    fn payload(current_rev: i64, keys: Vec<SnapKey>, leases: Vec<(i64, i64, i64)>) -> Payload {
        Payload { current_rev, compact_main_rev: -1, db_size: 0, keys, leases }
    }

    /// Key `a` with one generation of `(main, value)` revisions.
    fn key_a(revs: &[i64]) -> Vec<SnapKey> {
        let revs = revs.iter().map(|&m| (m, 0, Vec::new(), 0)).collect();
        vec![SnapKey { key: b"a".to_vec(), generations: vec![(1, Revision::new(3, 0), revs)] }]
    }

    #[test]
    fn round_trip_preserves_history_leases_and_hash() {
        let mut s = Store::default();
        s.lease_grant(&LeaseGrantRequest { ttl: 60, id: 9 }, 0).unwrap();
        s.lease_grant(&LeaseGrantRequest { ttl: 90, id: 10 }, 0).unwrap();
        s.lessor_mut().checkpoint(10, 33);
        for i in 0..20u8 {
            let lease = if i % 3 == 0 { 9 } else { 0 };
            let key = vec![b'k', i % 5];
            s.put(&PutRequest { key, value: vec![i], lease, ..Default::default() }).unwrap();
        }
        s.delete_range(&DeleteRangeRequest { key: vec![b'k', 1], ..Default::default() }).unwrap();
        s.compact(10).unwrap();
        let r = Store::restore(&s.snapshot(), StoreConfig::default()).unwrap();
        assert_eq!(r.index, s.index);
        assert_eq!((r.current_rev, r.compact_main_rev), (s.current_rev, s.compact_main_rev));
        assert_eq!(r.hash_kv(0).unwrap(), s.hash_kv(0).unwrap());
        assert_eq!(r.hash_kv(15).unwrap(), s.hash_kv(15).unwrap());
        assert_eq!(r.lessor().lookup(9).unwrap().keys, s.lessor().lookup(9).unwrap().keys);
        assert_eq!(r.lessor().lookup(10).unwrap().remaining_ttl_seconds, 33, "checkpoints persist");
        assert_eq!((r.size(), r.size_in_use()), (s.size(), s.size_in_use()));
        assert_eq!(r.snapshot(), s.snapshot());

        // The image is the snapshot without its seal, and reads back the same.
        let mut image = vec![7];
        s.write_image(&mut image);
        assert_eq!(
            image[1..],
            s.snapshot()[..s.snapshot().len() - TRAILER_LEN],
            "appended after what was there"
        );
        let i = Store::from_image(&image[1..], StoreConfig::default()).unwrap();
        assert_eq!((i.index == s.index, i.snapshot()), (true, s.snapshot()));
        // Every strict prefix is refused, never a panic.
        for cut in 0..image.len() - 1 {
            assert!(Store::from_image(&image[1..1 + cut], StoreConfig::default()).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn refuses_sealed_but_broken_files() {
        let bad_magic = sealed(&[b'x'; 40]);
        assert_eq!(
            Store::restore(&bad_magic, StoreConfig::default()).err(),
            Some(Error::Snapshot("not an mvcc snapshot".into()))
        );
        let mut body = MAGIC.to_vec();
        body.extend_from_slice(&7u32.to_be_bytes());
        let err = Store::restore(&sealed(&body), StoreConfig::default()).err();
        assert_eq!(err, Some(Error::Snapshot("unsupported version 7".into())));
        let mut header = MAGIC.to_vec();
        header.extend_from_slice(&VERSION.to_be_bytes());
        let mut cases = vec![
            ("no payload", sealed(&header)),
            ("revision 0", with_payload(&payload(0, vec![], vec![]))),
            ("revisions out of order", with_payload(&payload(5, key_a(&[3, 2]), vec![]))),
            ("above the current revision", with_payload(&payload(2, key_a(&[3]), vec![]))),
            (
                "no generation",
                with_payload(&payload(5, vec![SnapKey { key: b"a".to_vec(), generations: vec![] }], vec![])),
            ),
            ("lease 0", with_payload(&payload(5, vec![], vec![(0, 5, 0)]))),
        ];
        let mut trailing = header.clone();
        trailing.extend_from_slice(&wire::to_vec(&payload(5, vec![], vec![])));
        trailing.push(0);
        cases.push(("trailing bytes", sealed(&trailing)));
        for (what, bytes) in cases {
            let err = Store::restore(&bytes, StoreConfig::default()).err();
            assert!(
                matches!(&err, Some(Error::Snapshot(m)) if m.starts_with("corrupt snapshot")),
                "{what}: {err:?}"
            );
        }
    }
}
