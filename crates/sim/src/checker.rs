//! The checkers: they sit outside the system under test and read only what
//! the members show (raft status, stores) and what clients saw (the
//! history of operations, watch responses).
//!
//! - [`safety`]: raft safety after every step;
//! - [`linearizability`]: the client history against a model of etcd's KV
//!   API, key by key;
//! - [`watch`]: ordered, unique, atomic, resumable, nothing lost;
//! - [`history`]: the record of client operations the others read.

pub mod history;
pub mod linearizability;
pub mod safety;
pub mod watch;

pub use history::{History, KvOp, KvOutput, ObservedKv, Operation, Outcome};
pub use linearizability::{Verdict, check as check_linearizable};
pub use safety::{MemberView, SafetyChecker};
pub use watch::{RefEvent, WatchRecord, check_watch, reference_history};
