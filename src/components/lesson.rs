//! Guided lessons on the page: the panel of the lesson under way (`lesson/panel.rs`), whose buttons type `lesson ...` and the "show me" lines into the console.

pub mod panel;
