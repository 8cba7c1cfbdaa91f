//! The durable disk of one member: a write-ahead log (hard state and
//! entries) and the latest raft snapshot file, as etcd keeps `member/wal`
//! and `member/snap`. A crash loses the member's memory and keeps its
//! `Disk`; a restart rebuilds everything from the snapshot and the log.
//!
//! ```text
//! snapshot (index 40, term 3, conf state, the state machine at 40)
//! WAL:  hard state {term 5, vote 2, commit 47}
//!       entries 36 37 38 ... 47 48       (35 and before: compacted away)
//! restart: state <- snapshot; raft log <- entries after 40;
//!          committed 41..=47 are applied again.
//! ```

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use raft::{ConfState, Entry, HardState, MemoryStorage, Snapshot, SnapshotMetadata};

use crate::apply::State;

/// Who this disk belongs to: written once, when the member bootstraps.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiskIdentity {
    /// The member ID.
    pub id: u64,
    /// The member name.
    pub name: String,
    /// The cluster ID.
    pub cluster_id: u64,
}

/// A snapshot file: its metadata and the state machine as of its index,
/// encoded ([`State::encode`]) as a raft snapshot carries it. The bytes
/// are a fraction of a copy of the state and are written in one pass, so
/// taking a snapshot neither doubles a member's memory nor copies its
/// store key by key; a restart decodes them. Clones share the bytes.
#[derive(Clone, Debug)]
pub(crate) struct SnapshotFile {
    pub(crate) meta: SnapshotMetadata,
    /// An `Arc<Vec<u8>>`, not `Arc<[u8]>`: wrapping the encoded state
    /// takes no second copy of a whole store.
    bytes: Arc<Vec<u8>>,
    /// The store's modelled size, for [`Disk::size_bytes`].
    store_size: u64,
}

impl SnapshotFile {
    /// A snapshot file of `state` at `meta.index`.
    pub(crate) fn new(meta: SnapshotMetadata, state: &State) -> Self {
        Self::from_bytes(meta, state.encode(), state.store.size())
    }

    /// A snapshot file of bytes received from the leader (already decoded
    /// once, into a state of `store_size`).
    pub(crate) fn from_bytes(meta: SnapshotMetadata, bytes: Vec<u8>, store_size: u64) -> Self {
        SnapshotFile { meta, bytes: Arc::new(bytes), store_size }
    }

    /// The file's bytes, as a raft snapshot carries them.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The state machine it holds. Its own bytes always decode: failing
    /// to is a broken invariant.
    pub(crate) fn state(&self, cfg: &crate::config::MemberConfig) -> State {
        match State::decode(&self.bytes, cfg) {
            Ok(s) => s,
            Err(e) => panic!("a member's own snapshot file does not decode: {e}"),
        }
    }

    /// The raft snapshot for the raft storage, without the bytes (they are
    /// filled in when the snapshot is sent).
    pub(crate) fn raft_snapshot(&self) -> Snapshot {
        Snapshot { data: Vec::new(), metadata: self.meta.clone() }
    }
}

/// Everything that survives a crash: identity, WAL (hard state + entries),
/// raft snapshot (which carries the state machine).
#[derive(Clone, Debug, Default)]
pub struct Disk {
    pub(crate) identity: Option<DiskIdentity>,
    pub(crate) hard_state: HardState,
    pub(crate) entries: Vec<Entry>,
    pub(crate) snapshot: Option<SnapshotFile>,
    /// How many times a member started from this disk.
    pub(crate) boots: u64,
    /// No space is left on the device: every write fails with ENOSPC
    /// (the playground's `cluster disk NAME full`). What is on it stays
    /// readable; see [`crate::Member`]'s handling of a failed write.
    pub(crate) full: bool,
}

impl Disk {
    /// Whether nothing was ever written (a new member bootstraps).
    pub fn is_empty(&self) -> bool {
        self.identity.is_none() && self.entries.is_empty() && self.snapshot.is_none()
    }

    /// Bytes on disk: WAL records and the snapshot file.
    pub fn size_bytes(&self) -> u64 {
        let wal: u64 = self.entries.iter().map(|e| e.data.len() as u64 + 24).sum();
        let snap = self.snapshot.as_ref().map_or(0, |s| s.store_size + 64);
        wal + snap + 32
    }

    /// Whether the device has no space left (writes fail).
    pub fn is_full(&self) -> bool {
        self.full
    }

    /// Fills the device (`true`) or frees space on it (`false`).
    pub fn set_full(&mut self, full: bool) {
        self.full = full;
    }

    /// The identity written at bootstrap.
    pub fn identity(&self) -> Option<&DiskIdentity> {
        self.identity.as_ref()
    }

    /// The persisted hard state.
    pub fn hard_state(&self) -> HardState {
        self.hard_state
    }

    /// The entries in the WAL (after the last compaction).
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The index of the snapshot file (0: none).
    pub fn snapshot_index(&self) -> u64 {
        self.snapshot.as_ref().map_or(0, |s| s.meta.index)
    }

    /// The conf state of the snapshot file.
    pub fn snapshot_conf_state(&self) -> Option<&ConfState> {
        self.snapshot.as_ref().map(|s| &s.meta.conf_state)
    }

    /// Appends entries, replacing any conflicting suffix (as the WAL does
    /// when a new leader overwrites uncommitted entries).
    pub(crate) fn append(&mut self, ents: &[Entry]) {
        let Some(first) = ents.first() else { return };
        // The WAL is contiguous: cut at the first new index.
        let keep = match self.entries.first() {
            Some(e0) if first.index > e0.index => {
                usize::try_from(first.index - e0.index).unwrap_or(usize::MAX).min(self.entries.len())
            }
            _ => 0,
        };
        self.entries.truncate(keep);
        self.entries.extend_from_slice(ents);
    }

    /// Saves a snapshot received from the leader: it replaces the log.
    pub(crate) fn install_snapshot(&mut self, snap: SnapshotFile) {
        if snap.meta.index <= self.snapshot_index() {
            return;
        }
        self.entries.clear();
        self.snapshot = Some(snap);
    }

    /// Saves a snapshot this member took, then drops entries up to
    /// `compact_to` (etcd: save snap file, then compact the raft log).
    pub(crate) fn save_snapshot(&mut self, snap: SnapshotFile, compact_to: u64) {
        if snap.meta.index > self.snapshot_index() {
            self.snapshot = Some(snap);
        }
        self.entries.retain(|e| e.index > compact_to);
    }

    /// The raft storage a restarting member reads: the snapshot, then the
    /// entries after it, then the hard state.
    pub(crate) fn raft_storage(&self) -> MemoryStorage {
        let mut s = MemoryStorage::new();
        if let Some(snap) = &self.snapshot {
            // A fresh storage accepts any snapshot with a positive index.
            let _ = s.apply_snapshot(snap.raft_snapshot());
        }
        let after = self.snapshot_index();
        let ents: Vec<Entry> = self.entries.iter().filter(|e| e.index > after).cloned().collect();
        // Entries on disk are contiguous; a gap would be refused, leaving
        // the log at the snapshot, and raft fetches the rest again.
        let _ = s.append(&ents);
        let mut hs = self.hard_state;
        let last = s_last_index(&s);
        hs.commit = hs.commit.min(last).max(after);
        s.set_hard_state(hs);
        s
    }
}

fn s_last_index(s: &MemoryStorage) -> u64 {
    use raft::Storage;
    s.last_index().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use raft::Storage;

    fn ent(index: u64, term: u64) -> Entry {
        Entry { index, term, data: vec![index as u8].into(), ..Default::default() }
    }

    #[test]
    fn append_overwrites_conflicting_suffix() {
        let mut d = Disk::default();
        d.append(&[ent(1, 1), ent(2, 1), ent(3, 1)]);
        d.append(&[ent(2, 2)]);
        assert_eq!(d.entries(), &[ent(1, 1), ent(2, 2)]);
        assert!(!d.is_empty());
    }

    #[test]
    fn storage_rebuilds_from_snapshot_and_log() {
        let mut d = Disk::default();
        d.append(&[ent(1, 1), ent(2, 1), ent(3, 2), ent(4, 2)]);
        d.hard_state = HardState { term: 2, vote: 1, commit: 4 };
        let meta = SnapshotMetadata { conf_state: ConfState::from_voters([1]), index: 2, term: 1 };
        let (peers, cid) = crate::config::default_cluster(1);
        let cfg = crate::config::MemberConfig::new(peers[0].id, "etcd-1", cid, peers.clone(), 0);
        d.save_snapshot(SnapshotFile::new(meta, &State::new(&cfg, &peers)), 1);
        let s = d.raft_storage();
        assert_eq!(s.first_index(), Ok(3));
        assert_eq!(s.last_index(), Ok(4));
        assert_eq!(s.hard_state().commit, 4);
        assert_eq!(s.initial_state().unwrap().1, ConfState::from_voters([1]));
    }
}
