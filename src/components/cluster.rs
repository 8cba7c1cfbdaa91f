//! The cluster stage: members, messages, quorum and the controls that bend time and the network.

pub mod controls;
pub mod member;
pub mod message;
pub mod quick;
pub mod quorum;
pub mod stage;
pub mod travel;
