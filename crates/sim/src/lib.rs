//! The etcd cluster in one process, deterministic: members, a network that
//! can be bent, a virtual clock, faults, clients and the checkers that prove
//! nothing is lost.
//!
//! ```text
//!   let mut sim = Sim::new(seed, SimOptions::default());     // etcd-1..3, heartbeat 100 ms, election 1 s
//!   let r = sim.call(endpoint, Request::Put(..));             // runs until answered or 5 s pass
//!   sim.apply(Fault::Stop { member })?;                       // recorded input
//!   sim.step();                                               // one delivery or one tick
//!   sim.status(); sim.events(); sim.network().records();      // what the page draws
//!   let again = Sim::replay(seed, options, sim.inputs());     // the same run, byte for byte
//! ```
//!
//! Code map: [`sim`] (the `Sim`, its event loop and options), [`client`]
//! (requests, deadlines, streams, etcdctl's errors), [`node`] (a member's
//! life, faults applied), [`network`] (links, partitions, message records),
//! [`clock`] (virtual time, the event queue), [`faults`] (faults as data),
//! [`events`] (the timeline), [`status`] (pictures and state hashes),
//! [`restore`] (a cluster from restored disks), [`checkpoint`] (time travel), [`checker`] (safety, linearizability,
//! watch guarantees), [`swarm`] (random fault schedules per seed; the
//! `swarm` binary behind `cargo xtask sim`).
//!
//! Nothing here reads a clock or a global random generator: time is the
//! virtual clock, randomness comes from generators seeded from the seed.
#![deny(missing_docs)]

pub mod checker;
pub mod checkpoint;
pub mod client;
pub mod clock;
pub mod events;
pub mod faults;
pub mod network;
pub mod node;
pub mod restore;
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
