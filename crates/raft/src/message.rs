//! The plain data raft exchanges and persists: messages, entries, hard state,
//! snapshots. All of it is `Clone + Debug + PartialEq + serde`, so a simulator
//! can record it and a UI can draw it.

use serde::{Deserialize, Serialize};

use crate::bytes::Bytes;
use crate::confchange_types::ConfState;

/// The kind of a raft message, named as in etcd-raft (`MsgApp`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
pub enum MessageType {
    /// Local: start an election (sent to self when the election timer fires).
    #[default]
    MsgHup,
    /// Local: the leader should send heartbeats.
    MsgBeat,
    /// A proposal; local on the leader, forwarded by followers.
    MsgProp,
    /// Append entries (also carries the commit index).
    MsgApp,
    /// Response to MsgApp (accept with the new last index, or reject with a hint).
    MsgAppResp,
    /// Request a vote.
    MsgVote,
    /// Response to MsgVote.
    MsgVoteResp,
    /// Install a snapshot.
    MsgSnap,
    /// Heartbeat from the leader, carrying a bounded commit index.
    MsgHeartbeat,
    /// Response to MsgHeartbeat.
    MsgHeartbeatResp,
    /// Local: a peer was unreachable.
    MsgUnreachable,
    /// Local: result of sending a snapshot.
    MsgSnapStatus,
    /// Local: the leader should check that a quorum is active.
    MsgCheckQuorum,
    /// Ask the leader to transfer leadership to `from`.
    MsgTransferLeader,
    /// Tell the transferee to campaign immediately.
    MsgTimeoutNow,
    /// Ask for a read index.
    MsgReadIndex,
    /// Response to MsgReadIndex.
    MsgReadIndexResp,
    /// Request a pre-vote.
    MsgPreVote,
    /// Response to MsgPreVote.
    MsgPreVoteResp,
}

impl MessageType {
    /// Messages that only ever originate on the local node.
    pub fn is_local(self) -> bool {
        matches!(
            self,
            MessageType::MsgHup
                | MessageType::MsgBeat
                | MessageType::MsgUnreachable
                | MessageType::MsgSnapStatus
                | MessageType::MsgCheckQuorum
        )
    }

    /// Responses to a request from this node.
    pub fn is_response(self) -> bool {
        matches!(
            self,
            MessageType::MsgAppResp
                | MessageType::MsgVoteResp
                | MessageType::MsgHeartbeatResp
                | MessageType::MsgUnreachable
                | MessageType::MsgReadIndexResp
                | MessageType::MsgPreVoteResp
        )
    }

    /// The response type that answers a vote request of this type.
    pub fn vote_response(self) -> MessageType {
        match self {
            MessageType::MsgPreVote => MessageType::MsgPreVoteResp,
            _ => MessageType::MsgVoteResp,
        }
    }

    /// The name etcd prints (`MsgApp`).
    pub fn as_str(self) -> &'static str {
        match self {
            MessageType::MsgHup => "MsgHup",
            MessageType::MsgBeat => "MsgBeat",
            MessageType::MsgProp => "MsgProp",
            MessageType::MsgApp => "MsgApp",
            MessageType::MsgAppResp => "MsgAppResp",
            MessageType::MsgVote => "MsgVote",
            MessageType::MsgVoteResp => "MsgVoteResp",
            MessageType::MsgSnap => "MsgSnap",
            MessageType::MsgHeartbeat => "MsgHeartbeat",
            MessageType::MsgHeartbeatResp => "MsgHeartbeatResp",
            MessageType::MsgUnreachable => "MsgUnreachable",
            MessageType::MsgSnapStatus => "MsgSnapStatus",
            MessageType::MsgCheckQuorum => "MsgCheckQuorum",
            MessageType::MsgTransferLeader => "MsgTransferLeader",
            MessageType::MsgTimeoutNow => "MsgTimeoutNow",
            MessageType::MsgReadIndex => "MsgReadIndex",
            MessageType::MsgReadIndexResp => "MsgReadIndexResp",
            MessageType::MsgPreVote => "MsgPreVote",
            MessageType::MsgPreVoteResp => "MsgPreVoteResp",
        }
    }
}

impl std::fmt::Display for MessageType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an entry's `data` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
pub enum EntryType {
    /// Application data (or empty, as the leader's first entry of a term).
    #[default]
    EntryNormal,
    /// An encoded [`crate::ConfChange`].
    EntryConfChange,
    /// An encoded [`crate::ConfChangeV2`].
    EntryConfChangeV2,
}

impl std::fmt::Display for EntryType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            EntryType::EntryNormal => "EntryNormal",
            EntryType::EntryConfChange => "EntryConfChange",
            EntryType::EntryConfChangeV2 => "EntryConfChangeV2",
        })
    }
}

/// One log entry.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Entry {
    /// The term of the leader that created the entry.
    pub term: u64,
    /// Position in the log (1-based).
    pub index: u64,
    /// What `data` holds.
    pub entry_type: EntryType,
    /// The payload, shared by every copy of the entry.
    pub data: Bytes,
}

impl Entry {
    /// A normal entry holding `data` (term and index are set by the leader).
    pub fn normal(data: impl Into<Bytes>) -> Self {
        Entry { data: data.into(), ..Default::default() }
    }

    /// Size used for message and Ready batching limits (payload plus a
    /// fixed header, like a protobuf encoding's overhead).
    pub fn size(&self) -> u64 {
        self.data.len() as u64 + 12
    }

    /// Size counted against the uncommitted-entries limit: payload only, so
    /// empty entries (the leader's no-op, auto-leave) are never refused.
    pub fn payload_size(&self) -> u64 {
        self.data.len() as u64
    }
}

/// State that must be persisted before messages are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HardState {
    /// Current term.
    pub term: u64,
    /// Who this node voted for in `term` (0: nobody).
    pub vote: u64,
    /// Highest index known committed.
    pub commit: u64,
}

impl HardState {
    /// True for the all-zero state.
    pub fn is_empty(&self) -> bool {
        *self == HardState::default()
    }
}

/// Which index and term a snapshot covers, and the configuration at that point.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SnapshotMetadata {
    /// Configuration as of `index`.
    pub conf_state: ConfState,
    /// Last index covered.
    pub index: u64,
    /// Term of the entry at `index`.
    pub term: u64,
}

/// A state machine snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Snapshot {
    /// Application state.
    pub data: Vec<u8>,
    /// Index, term and configuration.
    pub metadata: SnapshotMetadata,
}

impl Snapshot {
    /// A snapshot with index 0 carries nothing.
    pub fn is_empty(&self) -> bool {
        self.metadata.index == 0
    }
}

/// A raft message. Field meanings depend on `msg_type`, as in etcd-raft.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Message {
    /// The kind of message.
    pub msg_type: MessageType,
    /// Recipient id.
    pub to: u64,
    /// Sender id.
    pub from: u64,
    /// Sender's term (0 for local messages and forwarded proposals).
    pub term: u64,
    /// MsgApp: term of the entry at `index`. Vote: last log term. Reject: hint term.
    pub log_term: u64,
    /// MsgApp: index preceding `entries`. MsgAppResp: last index / rejected index.
    pub index: u64,
    /// Entries carried.
    pub entries: Vec<Entry>,
    /// Sender's commit index.
    pub commit: u64,
    /// MsgSnap: the snapshot (boxed: it is large and rare, and messages
    /// are moved around a lot).
    pub snapshot: Option<Box<Snapshot>>,
    /// Responses: rejected.
    pub reject: bool,
    /// MsgAppResp reject: the follower's suggested index.
    pub reject_hint: u64,
    /// Opaque context (read-index request id, campaign-transfer marker).
    pub context: Vec<u8>,
}

impl Message {
    /// A message of type `t` from `from` to `to`, all else zero.
    pub fn new(t: MessageType, from: u64, to: u64) -> Self {
        Message { msg_type: t, from, to, ..Default::default() }
    }
}

/// Volatile state that the UI and the server show: leader and role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SoftState {
    /// Known leader (0: none).
    pub lead: u64,
    /// This node's role.
    pub raft_state: StateRole,
}

/// A node's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
pub enum StateRole {
    /// Follows a leader (or waits for one).
    #[default]
    Follower,
    /// Campaigning for votes in a new term.
    Candidate,
    /// Leading the current term.
    Leader,
    /// Asking for pre-votes without bumping the term.
    PreCandidate,
}

impl std::fmt::Display for StateRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            StateRole::Follower => "StateFollower",
            StateRole::Candidate => "StateCandidate",
            StateRole::Leader => "StateLeader",
            StateRole::PreCandidate => "StatePreCandidate",
        })
    }
}

/// The answer to a read-index request: reads at or after `index` are
/// linearizable once the node has applied up to `index`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReadState {
    /// Commit index at the time the request was confirmed.
    pub index: u64,
    /// The request's context, as given to `read_index`.
    pub request_ctx: Vec<u8>,
}
