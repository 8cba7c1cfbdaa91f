//! Timeline events: one record per notable transition of a member, for the
//! UI's timeline and for golden transcripts.

use serde::{Deserialize, Serialize};

use crate::request::AlarmType;

/// Something that happened on `member`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberEvent {
    /// The member it happened on.
    pub member: u64,
    /// What happened.
    pub kind: MemberEventKind,
}

/// The kinds of [`MemberEvent`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberEventKind {
    /// The member started (restarted from its disk, or bootstrapped).
    Started {
        /// Whether the disk was empty.
        bootstrapped: bool,
        /// The raft snapshot index it restored from (0: none).
        snapshot_index: u64,
    },
    /// The election timer fired: a pre-vote or an election begins.
    ElectionTimerFired {
        /// The term at that moment.
        term: u64,
    },
    /// The leader asked this member to campaign at once (MsgTimeoutNow, a
    /// leadership transfer): an election begins without the election timer
    /// and without pre-vote.
    CampaignRequested {
        /// The term of the election.
        term: u64,
    },
    /// A pre-vote campaign started (the term is not bumped).
    PreVoteStarted {
        /// The current term.
        term: u64,
    },
    /// An election started in a new term.
    ElectionStarted {
        /// The new term.
        term: u64,
    },
    /// This member granted its vote.
    VoteGranted {
        /// The candidate.
        to: u64,
        /// The term of the vote.
        term: u64,
        /// A pre-vote.
        pre_vote: bool,
    },
    /// This member became leader.
    BecameLeader {
        /// Its term.
        term: u64,
    },
    /// This member became a follower.
    BecameFollower {
        /// The term.
        term: u64,
        /// The leader (0: unknown).
        leader: u64,
    },
    /// The leader this member knows changed.
    LeaderChanged {
        /// The term.
        term: u64,
        /// The new leader (0: none).
        leader: u64,
    },
    /// The commit index advanced.
    EntryCommitted {
        /// The new commit index.
        index: u64,
    },
    /// Entries were applied up to `index`.
    Applied {
        /// The applied index.
        index: u64,
    },
    /// A raft snapshot of the applied state was taken and the log compacted.
    SnapshotTaken {
        /// Its index.
        index: u64,
        /// The first index left in the log.
        compacted_to: u64,
    },
    /// The leader sent a snapshot to a follower.
    SnapshotSent {
        /// The follower.
        to: u64,
        /// Its index.
        index: u64,
    },
    /// A snapshot from the leader was installed.
    SnapshotRestored {
        /// Its index.
        index: u64,
    },
    /// An alarm was raised.
    AlarmRaised {
        /// The member it concerns.
        member_id: u64,
        /// The alarm.
        alarm: AlarmType,
    },
    /// An alarm was cleared.
    AlarmCleared {
        /// The member it concerned.
        member_id: u64,
        /// The alarm.
        alarm: AlarmType,
    },
    /// The leader proposed the revoke of an expired lease.
    LeaseExpired {
        /// The lease.
        id: i64,
    },
    /// A lease was revoked (applied).
    LeaseRevoked {
        /// The lease.
        id: i64,
    },
    /// The membership changed (applied).
    MembershipChanged {
        /// etcd's wording: "added member", "removed member", ...
        what: String,
        /// The member concerned.
        id: u64,
    },
    /// This member was removed from the cluster and stopped.
    Removed,
    /// The key space was compacted.
    Compacted {
        /// The revision.
        revision: i64,
    },
    /// The backend was defragmented.
    Defragmented {
        /// The new size in bytes.
        db_size: u64,
    },
    /// The process exited on an error it cannot go on from, as etcd's
    /// `lg.Fatal` does (a failed WAL write on a full disk): its memory is
    /// lost, its disk keeps what was written before.
    Exited {
        /// etcd's log message (`failed to save Raft hard state and entries`).
        message: String,
        /// The error it logs (`write ...: no space left on device`).
        error: String,
    },
    /// Authentication was enabled or disabled.
    AuthChanged {
        /// Enabled now.
        enabled: bool,
    },
}
