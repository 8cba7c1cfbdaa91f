//! What a member does when its disk is full: it exits, as etcd does.
//!
//! etcd never goes on without a write it needed. Its raft loop
//! (`server/etcdserver/raft.go`, v3.5) persists each Ready and calls the
//! logger's `Fatal` (log, then `os.Exit(1)`) when that fails:
//!
//! ```text
//!   r.storage.SaveSnap(rd.Snapshot) fails  -> Fatal "failed to save Raft snapshot"
//!   r.storage.Save(rd.HardState, rd.Entries) fails
//!                                          -> Fatal "failed to save Raft hard state and entries"
//!   backend batchTx.commit: tx.Commit() fails (bbolt, member/snap/db)
//!                                          -> Fatal "failed to commit tx"
//! ```
//!
//! A leader sends its Ready's messages *before* it writes (raft thesis
//! 10.2.1: the leader writes in parallel with its followers), so they leave
//! even when the write then fails; a follower or candidate sends only after
//! its write, so nothing of that Ready leaves. Nothing of the failed Ready
//! is applied and no client is answered from it; what the disk held before
//! stays (a torn last WAL record is repaired at the next start, as etcd's
//! `wal.ReadAll` does). The process is gone: the simulator stops it, and a
//! start on a disk that is still full exits again at its first write.
//!
//! A full disk is not the `NOSPACE` alarm. That alarm is etcd's quota
//! (`--quota-backend-bytes`, `quota.rs`): the backend's size passed a limit
//! the operator chose, the member keeps running and refuses writes with
//! `etcdserver: mvcc: database space exceeded` until the alarm is disarmed.
//! A device with no space left is an I/O error, and etcd does not turn I/O
//! errors into alarms: the member dies, and the learner sees a member down
//! whose last words name the WAL file and `no space left on device`.

use raft::{MessageType, Ready, StateRole};

use crate::events::MemberEventKind;
use crate::member::Member;

/// ENOSPC as Go's `os` package words it.
const ENOSPC: &str = "no space left on device";

/// The WAL file etcd writes first (`member/wal/<seq>-<index>.wal`).
const WAL_FILE: &str = "member/wal/0000000000000000-0000000000000000.wal";

impl Member {
    /// Whether the process exited (and why, in etcd's log message).
    pub fn exited(&self) -> Option<&str> {
        self.exited.as_deref()
    }

    /// Fills the device under this member (`true`) or frees space on it.
    /// Nothing happens at once: the next write fails.
    pub fn set_disk_full(&mut self, full: bool) {
        self.disk.set_full(full);
    }

    /// etcd's default data directory, `<name>.etcd`.
    fn data_dir(&self) -> String {
        format!("{}.etcd", self.cfg.name)
    }

    /// Checks `rd` against a full disk before anything of it is written.
    /// Returns the Ready back when it can be handled; otherwise the member
    /// has exited (its leader's messages queued, see the module docs).
    pub(crate) fn write_or_exit(&mut self, rd: Ready) -> Option<Ready> {
        if !self.disk.is_full() {
            return Some(rd);
        }
        let dir = self.data_dir();
        let (message, error) = if let Some(snap) = &rd.snapshot {
            let (term, index) = (snap.metadata.term, snap.metadata.index);
            let file = format!("{dir}/member/snap/{term:016x}-{index:016x}.snap");
            ("failed to save Raft snapshot", format!("open {file}: {ENOSPC}"))
        } else if rd.hard_state.is_some() || !rd.entries.is_empty() {
            ("failed to save Raft hard state and entries", format!("write {dir}/{WAL_FILE}: {ENOSPC}"))
        } else if !rd.committed_entries.is_empty() {
            // Entries already in the WAL, applied again at a restart: the
            // backend's batch commit is the first write.
            ("failed to commit tx", format!("write {dir}/member/snap/db: {ENOSPC}"))
        } else {
            return Some(rd);
        };
        let role = rd.soft_state.map_or(self.soft.raft_state, |s| s.raft_state);
        if role == StateRole::Leader {
            // Sent before the write. A snapshot would be streamed from the
            // snapshot file afterwards: it never leaves a dying process.
            let msgs = rd.messages.into_iter().filter(|m| m.msg_type != MessageType::MsgSnap);
            self.out.messages.extend(msgs);
        }
        self.exit(message, error);
        None
    }

    /// The process exits: nothing more happens in this member.
    pub(crate) fn exit(&mut self, message: &str, error: String) {
        self.exited = Some(message.to_string());
        self.event(MemberEventKind::Exited { message: message.to_string(), error });
    }
}
