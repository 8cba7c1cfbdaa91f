//! Browser glue: the animation loop, localStorage, the URL fragment,
//! downloads and media queries. Every call tolerates a missing or hostile
//! browser API (private mode, blocked storage): it does nothing instead of
//! panicking.
//!
//! ```text
//!   wake() ─► requestAnimationFrame(frame)
//!   frame(t): engine.frame(t - last) ; refresh signals
//!             a new input recorded? save now ; else save the clock every 2 s
//!             paused? stop (no CPU while nothing moves) : requestAnimationFrame(frame)
//! ```
//!
//! Each open tab of the page keeps its own run: the tab's run ID lives in
//! sessionStorage (a reload keeps it, a new tab gets none), the run under
//! `etcd-playground/run/<ID>` in localStorage. A new tab starts from the
//! run saved last by any tab and goes on as a run of its own, so two tabs
//! never overwrite each other's runs.
//!
//! ```text
//!   sessionStorage  etcd-playground/run-id = k3x9        (this tab)
//!   localStorage    etcd-playground/run/k3x9 = <session text>
//!                   etcd-playground/run/p0q2 = <session text>   (another tab)
//!                   etcd-playground/runs     = p0q2 k3x9        (oldest save first)
//! ```

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::engine::Engine;
use crate::session::{MAX_BYTES, Session, escape, unescape};
use crate::state::AppState;

/// localStorage key of the session saved before each tab kept its own
/// run: read once, when no tab's run is saved yet.
pub const SESSION_KEY: &str = "etcd-playground/session";
/// sessionStorage key of this tab's run ID.
const RUN_ID_KEY: &str = "etcd-playground/run-id";
/// localStorage key prefix of a tab's saved run.
const RUN_PREFIX: &str = "etcd-playground/run/";
/// localStorage key of the saved runs' IDs, the one saved last at the end.
const RUNS_KEY: &str = "etcd-playground/runs";
/// Runs kept (tabs open at once, or closed lately); older ones go.
const RUNS_KEEP: usize = 4;
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

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// This tab's run ID, made up when the tab has none yet.
fn run_id() -> String {
    let Some(ss) = session_storage() else { return "tab".to_string() };
    if let Ok(Some(id)) = ss.get_item(RUN_ID_KEY) {
        return id;
    }
    let id = format!("{:x}{:x}", (js_sys::Math::random() * 4_294_967_296.0) as u64, now() as u64);
    let _ = ss.set_item(RUN_ID_KEY, &id);
    id
}

/// The saved runs' IDs, the one saved last at the end.
fn saved_runs() -> Vec<String> {
    load(RUNS_KEY).map(|s| s.split_whitespace().map(str::to_string).collect()).unwrap_or_default()
}

/// The run this tab opens with: its own (a reload), else the one any tab
/// saved last (a new tab goes on from it as a run of its own), else the
/// session saved before tabs kept their own runs.
pub fn load_session() -> Option<String> {
    let ss = session_storage();
    if let Some(id) = ss.as_ref().and_then(|s| s.get_item(RUN_ID_KEY).ok().flatten())
        && let Some(text) = load(&format!("{RUN_PREFIX}{id}"))
    {
        return Some(text);
    }
    saved_runs().iter().rev().find_map(|id| load(&format!("{RUN_PREFIX}{id}"))).or_else(|| load(SESSION_KEY))
}

/// Saves the engine's session as this tab's run, right away. When storage
/// is full the oldest other runs make room.
pub fn save_session(engine: &Engine) {
    let text = engine.session().to_text();
    if text.len() > MAX_BYTES {
        return;
    }
    let Some(s) = storage() else { return };
    let id = run_id();
    let mut runs = saved_runs();
    runs.retain(|r| *r != id);
    loop {
        if s.set_item(&format!("{RUN_PREFIX}{id}"), &text).is_ok() {
            break;
        }
        if runs.is_empty() {
            return;
        }
        let oldest = runs.remove(0);
        let _ = s.remove_item(&format!("{RUN_PREFIX}{oldest}"));
    }
    runs.push(id);
    while runs.len() > RUNS_KEEP {
        let oldest = runs.remove(0);
        let _ = s.remove_item(&format!("{RUN_PREFIX}{oldest}"));
    }
    let _ = s.set_item(RUNS_KEY, &runs.join(" "));
    let _ = s.remove_item(SESSION_KEY);
}

/// Forgets every saved run and this tab's run ID (a test's fresh start).
pub fn forget_saved_runs() {
    for id in saved_runs() {
        forget(&format!("{RUN_PREFIX}{id}"));
    }
    forget(RUNS_KEY);
    forget(SESSION_KEY);
    if let Some(ss) = session_storage() {
        let _ = ss.remove_item(RUN_ID_KEY);
    }
}

/// What identifies the record's newest input: when it changes, an input
/// was recorded (or a jump in time dropped some) and the run is saved.
fn record_mark(e: &Engine) -> (usize, u64) {
    e.record_mark()
}

/// Saves the run now if an input was recorded since the last save.
pub fn save_if_recorded(state: AppState) {
    let Some(mark) = state.read(record_mark) else { return };
    if state.saved_mark.try_get_value() != Some(mark) {
        state.saved_mark.set_value(mark);
        state.engine.with_value(save_session);
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
    } else {
        // A stage button's line runs (and is recorded) in a frame.
        save_if_recorded(state);
    }
    if paused {
        state.looping.set_value(false);
        return;
    }
    request_animation_frame(move || frame(state, Some(timers)));
}
