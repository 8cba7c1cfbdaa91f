//! Page chrome: the header.

pub mod header;
