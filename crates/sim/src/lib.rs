//! The etcd cluster in one process, deterministic: members, a network that
//! can be bent, a virtual clock, faults, clients and the checkers that prove
//! nothing is lost.
#![deny(missing_docs)]

pub mod checker;
pub mod checkpoint;
pub mod client;
pub mod clock;
pub mod events;
pub mod faults;
pub mod network;
pub mod node;
pub mod sim;
pub mod status;
pub mod swarm;

pub use checkpoint::Checkpoints;
pub use client::{COMMAND_TIMEOUT_MS, Call, CallOptions, CallResult, ClientError, DIAL_TIMEOUT_MS};
pub use events::{EventLog, EventRecord, SimEvent};
pub use faults::Fault;
pub use network::{DropReason, Fate, LinkSettings, MessageRecord, Network, NetworkStats};
pub use sim::{Input, InputRecord, Sim, SimError, SimOptions, Step};
pub use status::{ClusterStatus, NodeStatus};
