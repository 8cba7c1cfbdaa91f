//! The cluster stage: members, messages and quorum.

pub mod stage;
