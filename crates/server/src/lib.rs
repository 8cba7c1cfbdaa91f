//! One etcd member: a raft node and the state machine it drives.
//!
//! A [`Member`] applies committed raft entries to the MVCC store (KV, leases,
//! alarms, auth, membership), serves linearizable reads by ReadIndex and
//! serializable reads from its own store, expires leases when it leads,
//! takes raft snapshots and keeps a [`Disk`] that survives crashes. It is
//! pure: no clock (time is [`Member::tick`]), no I/O, no global randomness;
//! the simulator moves raft messages and client requests around.
//!
//! ```text
//!  request() ──► propose / read_index ──► raft ──► drain(): persist to Disk,
//!                                                   send messages, apply
//!                                                   committed entries, answer
//! ```
//!
//! Code map:
//! - [`config`]: configuration, member and cluster IDs; [`request`] and
//!   [`response`]: the RPCs; [`error`]: etcd's texts; [`events`]: the
//!   timeline; [`status`]: what the UI draws.
//! - [`member`]: the member, its proposals and their timeouts;
//!   `handle.rs`: each request's checks and route (propose, read, local);
//!   `ready.rs`: the raft loop (persist, send, apply, snapshot);
//!   `fatal.rs`: a write that fails on a full disk ends the process.
//! - `apply.rs`: the replicated state machine; `read_index.rs`:
//!   linearizable reads; `lease.rs`: expiry and keep-alives; `watch.rs`:
//!   watch streams.
//! - [`quota`] (alarms), [`auth`], [`membership`]: the replicated stores
//!   besides MVCC; [`disk`]: WAL and snapshot files; [`backup`]: snapshot
//!   save and restore.
//!
//! Invariant: a client is answered only after its entry is committed,
//! persisted and applied; a member's own time is its tick count.
#![deny(missing_docs)]

mod apply;
pub mod auth;
pub mod backup;
mod codec;
pub mod config;
pub mod disk;
pub mod error;
pub mod events;
mod fatal;
mod handle;
mod lease;
mod lease_checkpoint;
pub mod member;
pub mod membership;
pub mod quota;
mod read_index;
mod ready;
pub mod request;
pub mod response;
pub mod status;
mod watch;

pub use backup::{RestoreOptions, SnapshotStatus, restore_disks, snapshot_status, snapshot_store};
pub use config::{
    DEFAULT_CLUSTER_TOKEN, InitialClusterState, MemberConfig, PeerInfo, SERVER_VERSION, cluster_id,
    default_cluster, member_id,
};
pub use disk::Disk;
pub use error::{Error, Result};
pub use events::{MemberEvent, MemberEventKind};
pub use member::Member;
pub use request::{AlarmType, AuthRequest, ClientRequest, Permission, PermissionType, Request};
pub use response::{
    AlarmMember, AlarmResponse, AuthResponse, AuthStatusResponse, MemberAddResponse, MemberListResponse,
    Output, Reply, ReplyBody, Response, ResponseHeader, SnapshotResponse, StatusResponse, StreamItem,
};
pub use status::MemberStatus;
