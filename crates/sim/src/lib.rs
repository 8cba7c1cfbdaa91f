//! The etcd cluster in one process, deterministic: members, a network that
//! can be bent, a virtual clock, faults, clients and the checkers that prove
//! nothing is lost.
#![deny(missing_docs)]

pub mod checker;
pub mod clock;
pub mod faults;
pub mod network;
