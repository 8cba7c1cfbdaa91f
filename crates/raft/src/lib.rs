//! A pure, deterministic Raft following etcd-io/raft's design: the
//! application drives a [`RawNode`] with ticks and messages and handles the
//! [`Ready`] work it returns. No clock, no I/O, no global randomness: time
//! is ticks and each node draws its election timeouts from a seeded
//! generator, so a whole cluster replays exactly from a seed.
//!
//! Code map: `raft.rs` (state, roles, timers, common step) with `raft/`
//! (elections, replication, snapshots, membership, read index),
//! `step_leader.rs` / `step_candidate.rs` / `step_follower.rs` (per-role
//! handling), `log.rs` +
//! `log_unstable.rs` (the log), `storage.rs` (the `Storage` trait and
//! `MemoryStorage`), `tracker/` (progress, inflights), `quorum/` (majority
//! and joint quorums), `confchange.rs` (membership changes), `read_only.rs`
//! (ReadIndex), `raw_node.rs` (the API), `status.rs` (what the UI draws),
//! `describe.rs` (etcd-style rendering).
//!
//! A single-node cluster, handled the way every application handles Ready:
//!
//! ```
//! use raft::{Config, EntryType, MemoryStorage, RawNode};
//!
//! fn handle_ready(node: &mut RawNode<MemoryStorage>, applied: &mut Vec<Vec<u8>>) {
//!     while node.has_ready() {
//!         let rd = node.ready();
//!         let store = node.store_mut();
//!         if let Some(s) = rd.snapshot.clone() {
//!             store.apply_snapshot(s).unwrap();
//!         }
//!         store.append(&rd.entries).unwrap();
//!         if let Some(hs) = rd.hard_state {
//!             store.set_hard_state(hs);
//!         }
//!         // (send rd.messages to the peers here)
//!         for e in rd.committed_entries {
//!             match e.entry_type {
//!                 EntryType::EntryConfChange => {
//!                     let cc = raft::decode_conf_change_v1(&e).unwrap();
//!                     node.apply_conf_change(&cc).unwrap();
//!                 }
//!                 _ if !e.data.is_empty() => applied.push(e.data.to_vec()),
//!                 _ => {}
//!             }
//!         }
//!         node.advance();
//!     }
//! }
//!
//! let mut node = RawNode::new(&Config::new(1), MemoryStorage::new()).unwrap();
//! let mut applied = Vec::new();
//! node.bootstrap(&[1]).unwrap();
//! handle_ready(&mut node, &mut applied); // persist and apply the membership
//! node.campaign().unwrap();
//! node.propose(b"hello".to_vec()).unwrap();
//! handle_ready(&mut node, &mut applied);
//! assert_eq!(applied, vec![b"hello".to_vec()]);
//! assert_eq!(node.status().soft_state.lead, 1);
//! ```
#![deny(missing_docs)]

pub mod bytes;
pub mod confchange;
pub mod confchange_types;
pub mod config;
pub mod describe;
pub mod error;
pub mod log;
pub mod log_unstable;
pub mod logger;
pub mod message;
#[cfg(test)]
mod paper_tests;
pub mod quorum;
pub mod raft;
pub mod raw_node;
pub mod read_only;
pub mod rng;
pub mod status;
mod step_candidate;
mod step_follower;
mod step_leader;
pub mod storage;
pub mod tracker;

pub use bytes::Bytes;
pub use confchange_types::{
    ConfChange, ConfChangeI, ConfChangeSingle, ConfChangeTransition, ConfChangeType, ConfChangeV2, ConfState,
    changes_from_string, changes_to_string, decode_conf_change, decode_conf_change_v1,
};
pub use config::Config;
pub use error::{Error, Result};
pub use logger::{Level, LogLine};
pub use message::{
    Entry, EntryType, HardState, Message, MessageType, ReadState, Snapshot, SnapshotMetadata, SoftState,
    StateRole,
};
pub use raft::Raft;
pub use raw_node::{RawNode, Ready, SnapshotStatus};
pub use read_only::ReadOnlyOption;
pub use rng::Rng;
pub use status::{EntryInfo, PendingRead, ProgressInfo, Status};
pub use storage::{MemoryStorage, Storage};
pub use tracker::ProgressState;
