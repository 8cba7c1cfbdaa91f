//! Seeing the data: the event timeline, the key browser, the raft logs and the member inspector.

pub mod inspector;
pub mod keys;
pub mod logview;
pub mod manifest;
pub mod panel;
pub mod timeline;
