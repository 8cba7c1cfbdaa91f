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
/// message) and mounts the app into the static shell of `index.html`: the
/// shell's placeholders in `#workspace` give way to the live stage, console
/// and data panel in the same task (no frame shows neither), the header
/// stays, and the shell's root gets `data-state="live"`.
pub fn start() {
    browser::mark("start");
    console_error_panic_hook::set_once();
    let workspace = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(SHELL_SLOT))
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok());
    let Some(workspace) = workspace else {
        // A page without the shell: the app alone, on the body.
        leptos::mount::mount_to_body(app::App);
        return;
    };
    workspace.set_inner_html("");
    leptos::mount::mount_to(workspace.clone(), app::App).forget();
    let _ = workspace.remove_attribute("inert");
    let _ = workspace.remove_attribute("aria-busy");
    if let Some(root) = workspace.parent_element() {
        let _ = root.set_attribute("data-state", "live");
    }
    browser::mark("mounted");
}

/// The DOM id of the shell's element the app mounts into (`index.html`).
pub const SHELL_SLOT: &str = "workspace";
