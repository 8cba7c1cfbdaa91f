//! Page chrome: the keyboard every tablist shares (the header is static,
//! in `index.html`).

pub mod tabs;
