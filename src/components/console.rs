//! The console: a terminal where etcdctl commands are typed.

pub mod editor;
pub mod terminal;
