//! Page chrome: the header, and the keyboard every tablist shares.

pub mod header;
pub mod tabs;
