//! Browser glue: the animation loop, localStorage, the URL fragment,
//! downloads and media queries. Every call tolerates a missing or hostile
//! browser API (private mode, blocked storage): it does nothing instead of
//! panicking.
//!
//! ```text
//!   wake() ─► requestAnimationFrame(frame)
//!   frame(t): engine.frame(t - last) ; refresh signals ; save every 2 s
//!             paused? stop (no CPU while nothing moves) : requestAnimationFrame(frame)
//! ```

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::engine::Engine;
use crate::session::{MAX_BYTES, Session, escape, unescape};
use crate::state::AppState;

/// localStorage key of the saved session.
pub const SESSION_KEY: &str = "etcd-playground/session";
/// localStorage key of the console history.
pub const HISTORY_KEY: &str = "etcd-playground/history";
/// History entries kept across reloads.
pub const HISTORY_KEEP: usize = 500;
/// Wall time between two saves of the session while time runs.
const SAVE_EVERY_MS: f64 = 2_000.0;
/// Wall time between stage redraws under prefers-reduced-motion.
const REDUCED_STEP_MS: f64 = 500.0;
/// Wall time between redraws of the slow panels (timeline, keys, logs).
const DATA_EVERY_MS: f64 = 250.0;

/// Milliseconds since the page opened.
pub fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// Leaves a User Timing mark named `etcd-playground:NAME`, which
/// performance traces and the load benchmark (tests/e2e/budgets/load.mjs)
/// read to tell where the start's time goes.
pub fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(&format!("etcd-playground:{name}"));
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Reads a localStorage item.
pub fn load(key: &str) -> Option<String> {
    storage()?.get_item(key).ok()?
}

/// Writes a localStorage item (quietly does nothing if storage is refused).
pub fn store(key: &str, value: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(key, value);
    }
}

/// Removes a localStorage item.
pub fn forget(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
}

/// Saves the engine's session in localStorage.
pub fn save_session(engine: &Engine) {
    let text = engine.session().to_text();
    if text.len() <= MAX_BYTES {
        store(SESSION_KEY, &text);
    }
}

/// The console history saved across reloads (one entry a line, escaped).
pub fn load_history() -> Vec<String> {
    load(HISTORY_KEY).map(|s| s.lines().filter(|l| !l.is_empty()).map(unescape).collect()).unwrap_or_default()
}

/// Saves the console history (the newest entries).
pub fn save_history(history: &[String]) {
    let from = history.len().saturating_sub(HISTORY_KEEP);
    let text: Vec<String> = history[from..].iter().map(|h| escape(h)).collect();
    store(HISTORY_KEY, &text.join("\n"));
}

/// The page's URL fragment, without `#`.
pub fn fragment() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .map(|h| h.trim_start_matches('#').to_string())
        .unwrap_or_default()
}

/// Removes the fragment without reloading (a shared run, once loaded,
/// becomes this browser's own session).
pub fn clear_fragment() {
    if let Some(w) = web_sys::window()
        && let Ok(h) = w.history()
    {
        let path = w.location().pathname().unwrap_or_else(|_| "/".to_string());
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
    }
}

/// The session a share link carries (`#run=<session text, URI-encoded>`).
pub fn session_from_fragment() -> Option<Session> {
    let f = fragment();
    let enc = f.strip_prefix("run=")?;
    let text = js_sys::decode_uri_component(enc).ok()?.as_string()?;
    Session::from_text(&text)
}

/// The moment a share link asks to open at (`moment=` in its first line;
/// `s` is the session it carries, whose text the fragment is).
pub fn moment_from_fragment(_s: &Session) -> Option<u64> {
    let f = fragment();
    let enc = f.strip_prefix("run=")?;
    let text = js_sys::decode_uri_component(enc).ok()?.as_string()?;
    Engine::moment_of(&text)
}

/// A link to this page that reproduces `engine`'s run.
pub fn share_link(engine: &Engine) -> String {
    // The current branch and the moment shown (`moment=`).
    let text = engine.share_text();
    let enc: String = js_sys::encode_uri_component(&text).into();
    let base = web_sys::window()
        .and_then(|w| {
            let l = w.location();
            Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?))
        })
        .unwrap_or_default();
    format!("{base}#run={enc}")
}

/// Whether the page is laid out for a phone (one column, as
/// `public/style.css`'s `max-width: 900px` rules lay it out).
pub fn narrow() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(max-width: 900px)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// Whether the user asked for less motion.
pub fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// Offers `text` as a file download named `name`.
pub fn download(name: &str, text: &str) {
    download_part(name, &wasm_bindgen::JsValue::from_str(text), "text/plain");
}

/// Offers `bytes` as a file download named `name`.
pub fn download_bytes(name: &str, bytes: &[u8]) {
    download_part(name, &js_sys::Uint8Array::from(bytes).into(), "application/octet-stream");
}

fn download_part(name: &str, part: &wasm_bindgen::JsValue, mime: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let parts = js_sys::Array::of1(part);
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    if let Ok(a) = document.create_element("a") {
        let a: web_sys::HtmlAnchorElement = a.unchecked_into();
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Starts the animation loop unless it runs already.
pub fn wake(state: AppState) {
    if state.looping.try_get_value().unwrap_or(true) {
        return;
    }
    state.looping.set_value(true);
    request_animation_frame(move || frame(state, None));
}

thread_local! {
    static WORK: std::cell::RefCell<(u64, Vec<f64>)> = const { std::cell::RefCell::new((0, Vec::new())) };
}

/// Keeps the wall time the last 600 frames spent advancing the simulator
/// and computing the stage, and publishes it as `window.__playgroundFrameMs`
/// every 60 frames, for the budget script (tests/e2e/budgets).
fn record_work(ms: f64) {
    WORK.with(|w| {
        let (count, w) = &mut *w.borrow_mut();
        *count += 1;
        w.push(ms);
        if w.len() > 600 {
            w.remove(0);
        }
        if *count % 60 == 0
            && let Some(win) = web_sys::window()
        {
            let arr: js_sys::Array = w.iter().map(|x| wasm_bindgen::JsValue::from_f64(*x)).collect();
            let _ = js_sys::Reflect::set(&win, &"__playgroundFrameMs".into(), &arr);
        }
    });
}

struct Timers {
    last: f64,
    saved: f64,
    drawn: f64,
    data: f64,
}

fn frame(state: AppState, timers: Option<Timers>) {
    let t = now();
    let mut timers = timers.unwrap_or(Timers { last: t, saved: t, drawn: t, data: t });
    let dt = t - timers.last;
    timers.last = t;
    let Some((paused, version)) = state.engine.try_update_value(|e| {
        e.frame(dt);
        (e.paused, e.console_version)
    }) else {
        return;
    };
    let reduced = state.reduced_motion.try_get_value().unwrap_or(false);
    if !reduced || t - timers.drawn >= REDUCED_STEP_MS || paused {
        timers.drawn = t;
        let data_due = t - timers.data >= DATA_EVERY_MS;
        if data_due {
            timers.data = t;
        }
        state.refresh(data_due || paused);
    } else if state.console.get_untracked() != version {
        state.console.set(version);
    }
    record_work(now() - t);
    let files = state.engine.try_update_value(|e| std::mem::take(&mut e.downloads)).unwrap_or_default();
    for (name, bytes) in files {
        download_bytes(&name, &bytes);
    }
    if t - timers.saved >= SAVE_EVERY_MS || paused {
        timers.saved = t;
        state.engine.with_value(save_session);
    }
    if paused {
        state.looping.set_value(false);
        return;
    }
    request_animation_frame(move || frame(state, Some(timers)));
}
