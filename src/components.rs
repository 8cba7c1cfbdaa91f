//! The page's components, one per file, grouped by the area of the page.

pub mod cluster;
pub mod console;
pub mod data;
pub mod layout;
pub mod lesson;
