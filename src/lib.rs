//! The etcd playground web app: a thin Leptos layer that draws the simulated
//! cluster and hosts the console. All cluster logic lives in `crates/`.

pub mod app;
pub mod browser;
pub mod components;
pub mod console_log;
pub mod engine;
pub mod events;
pub mod kube_panel;
pub mod live;
pub mod model;
pub mod session;
pub mod state;

/// Installs the panic hook (so a panic reaches the browser console with its
/// message) and mounts the app on `<body>`.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
