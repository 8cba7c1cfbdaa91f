//! The console language of the etcd playground: etcdctl, etcdutl, playground commands and a small shell, with etcdctl's exact output.
//!
//! One [`Console`] serves the browser console, the native REPL (`etcdplay`),
//! the golden tests and the lessons. It owns the simulated cluster
//! ([`backend`]: crates/sim's real Raft members, crates/kube over them); a
//! line goes through the shell ([`shell`]), then etcdctl's cobra-like
//! parser ([`flags`], driven by etcdctl's own usage texts in [`spec`]),
//! becomes client requests on the cluster, and is printed by the printers
//! ([`printers`]) byte for byte as etcdctl prints it. Virtual time runs
//! inside a command until its answer comes (the REPL, the goldens) or, in
//! page mode, only as the page's clock moves it (a waiting command is
//! pending and rerun from its journal once answered).
#![deny(missing_docs)]
// Errors carry the whole output of a command (stdout, stderr, exit code): for
// a console they are the common path, not an exceptional one.
#![allow(clippy::result_large_err)]

pub mod backend;
pub mod client;
pub(crate) mod commands;
pub mod complete;
pub mod console;
pub(crate) mod etcdctl;
pub(crate) mod etcdutl;
pub mod flags;
pub mod goscan;
pub mod history;
pub(crate) mod journal;
pub(crate) mod kubectl;
pub mod lesson;
pub mod node;
pub mod output;
pub mod pki;
pub mod playground;
pub mod printers;
pub mod session;
pub mod shell;
pub mod spec;
pub(crate) mod stream;
pub mod timefmt;
pub mod vfs;

pub use console::{Console, ConsoleOptions, Run};

/// The etcd version the playground plays (etcdctl, etcdutl and the members report it).
pub const VERSION: &str = server::SERVER_VERSION;
/// The API version etcdctl reports.
pub const API_VERSION: &str = "3.5";
pub use output::Output;
