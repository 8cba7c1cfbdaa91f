//! Browser glue tests: the app mounted in headless Chromium by
//! wasm-bindgen-test-runner (`cargo test --target wasm32-unknown-unknown`).
#![cfg(target_arch = "wasm32")]

use etcd_playground::app::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts the app into a fresh element and returns that element. The run
/// an earlier test saved is forgotten first, so each test starts fresh.
fn mount() -> HtmlElement {
    etcd_playground::browser::forget_saved_runs();
    let document = web_sys::window().unwrap().document().unwrap();
    let host: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let handle = leptos::mount::mount_to(host.clone(), App);
    handle.forget();
    host
}

fn by_testid<T: JsCast>(host: &HtmlElement, id: &str) -> T {
    host.query_selector(&format!("[data-testid='{id}']"))
        .unwrap()
        .unwrap_or_else(|| panic!("no element with data-testid={id}"))
        .unchecked_into()
}

fn press(input: &HtmlInputElement, key: &str, ctrl: bool) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_ctrl_key(ctrl);
    init.set_bubbles(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    input.dispatch_event(&event).unwrap();
}

async fn type_line(input: &HtmlInputElement, text: &str) {
    input.set_value(text);
    input.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    press(input, "Enter", false);
    settle().await;
}

/// Lets Leptos run the effects that update the DOM after a signal changed.
async fn settle() {
    gloo_timers::future::TimeoutFuture::new(0).await;
}

#[wasm_bindgen_test]
fn the_app_has_a_cluster_stage_and_a_console() {
    // The header is static, in index.html (tests/e2e/specs/firstpaint.spec.mjs).
    let host = mount();
    let _: HtmlElement = by_testid(&host, "cluster-stage");
    let _: HtmlInputElement = by_testid(&host, "console-input");
    let output: HtmlElement = by_testid(&host, "console-output");
    assert_eq!(output.child_element_count(), 0, "a fresh console is empty");
}

#[wasm_bindgen_test]
async fn enter_echoes_the_command_with_its_prompt_and_clears_the_input() {
    let host = mount();
    let input: HtmlInputElement = by_testid(&host, "console-input");
    type_line(&input, "etcdctl version").await;
    let output: HtmlElement = by_testid(&host, "console-output");
    let first = output.first_element_child().expect("the command was echoed");
    assert_eq!(first.text_content().unwrap(), "etcd-1 $ etcdctl version");
    assert_eq!(first.class_name(), "line line-input");
    assert_eq!(input.value(), "", "the input is cleared after Enter");
}

#[wasm_bindgen_test]
async fn arrow_keys_walk_the_history_and_ctrl_l_clears() {
    let host = mount();
    let input: HtmlInputElement = by_testid(&host, "console-input");
    type_line(&input, "put foo bar").await;
    type_line(&input, "get foo").await;
    press(&input, "ArrowUp", false);
    settle().await;
    assert_eq!(input.value(), "get foo");
    press(&input, "ArrowUp", false);
    settle().await;
    assert_eq!(input.value(), "put foo bar");
    press(&input, "ArrowDown", false);
    settle().await;
    assert_eq!(input.value(), "get foo");
    press(&input, "ArrowDown", false);
    settle().await;
    assert_eq!(input.value(), "");
    let output: HtmlElement = by_testid(&host, "console-output");
    assert!(output.child_element_count() > 0);
    press(&input, "l", true);
    settle().await;
    assert_eq!(output.child_element_count(), 0, "Ctrl+L clears the output");
}

#[wasm_bindgen_test]
async fn the_stage_draws_three_members_and_the_quorum_banner() {
    let host = mount();
    settle().await;
    let members = host.query_selector_all("[data-testid='member']").unwrap();
    assert_eq!(members.length(), 3, "a fresh cluster has three members");
    for i in 0..members.length() {
        let el: web_sys::Element = members.item(i).unwrap().unchecked_into();
        let role = el.get_attribute("data-role").unwrap();
        assert!(["leader", "follower", "precandidate", "candidate"].contains(&role.as_str()), "role {role}");
        assert!(el.get_attribute("data-name").unwrap().starts_with("etcd-"));
    }
    let quorum: HtmlElement = by_testid(&host, "quorum");
    assert_eq!(quorum.get_attribute("data-state").as_deref(), Some("ok"));
}

#[wasm_bindgen_test]
async fn tab_completes_a_command() {
    let host = mount();
    let input: HtmlInputElement = by_testid(&host, "console-input");
    input.set_value("etcdctl wa");
    input.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    press(&input, "Tab", false);
    settle().await;
    assert_eq!(input.value(), "etcdctl watch ");
    input.set_value("etcdctl mem");
    input.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    press(&input, "Tab", false);
    settle().await;
    assert_eq!(input.value(), "etcdctl member ");
}
