//! The page's live part: the cluster stage, the console and the data panel,
//! mounted into the workspace of the static shell in `index.html` (which
//! holds the header) and laid out for desktop and mobile by
//! `public/style.css`. It starts the engine from a share link, else from
//! the saved session, else fresh.

use leptos::ev;
use leptos::prelude::*;

use crate::browser;
use crate::components::cluster::controls::fresh_seed;
use crate::components::cluster::stage::ClusterStage;
use crate::components::console::terminal::Terminal;
use crate::components::data::panel::DataPanel;
use crate::engine::Engine;
use crate::session::Session;
use crate::state::AppState;

/// The engine the page opens with: a shared run (`#run=`), else the
/// session saved in this browser, else a fresh 3-member cluster.
pub fn initial_engine() -> Engine {
    let mut engine = if let Some(s) = browser::session_from_fragment() {
        let moment = browser::moment_from_fragment(&s);
        browser::clear_fragment();
        let mut e = Engine::restore(&s);
        // A shared moment of the run: shown, paused.
        if let Some(t) = moment {
            e.paused = true;
            e.travel_jump(t);
        }
        e
    } else if let Some(s) = browser::load_session().and_then(|t| Session::from_text(&t)) {
        Engine::restore(&s)
    } else {
        Engine::new(fresh_seed(), 3)
    };
    let history = browser::load_history();
    for t in &mut engine.tabs {
        t.log.set_history(history.clone());
    }
    engine
}

/// The stage, the console and the data panel, as the children of the
/// shell's `<main class="workspace">`.
#[component]
pub fn App() -> impl IntoView {
    let engine = initial_engine();
    browser::mark("engine");
    let state = AppState::new(engine);
    state.reduced_motion.set_value(browser::prefers_reduced_motion());
    if browser::load(crate::components::cluster::controls::LARGE_TEXT_KEY).as_deref() == Some("1") {
        crate::components::cluster::controls::set_large_text(true);
        state.text_scale.set(crate::components::cluster::controls::LARGE_TEXT);
        state.refresh(false);
    }
    provide_context(state);
    browser::wake(state);

    // Space plays and pauses, unless the user is typing or on a control.
    let keys = window_event_listener(ev::keydown, move |e| {
        if e.key() != " " || e.ctrl_key() || e.alt_key() || e.meta_key() {
            return;
        }
        let typing = e
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .map(|el| el.tag_name().to_ascii_lowercase())
            .is_some_and(|tag| {
                matches!(tag.as_str(), "input" | "textarea" | "select" | "button" | "summary")
            });
        if !typing {
            e.prevent_default();
            state.act(|e| e.paused = !e.paused);
        }
    });
    let hide = window_event_listener(ev::pagehide, move |_| {
        state.engine.with_value(browser::save_session);
    });
    on_cleanup(move || {
        keys.remove();
        hide.remove();
    });

    view! {
        <ClusterStage />
        <div class="side">
            <Terminal />
            <DataPanel />
        </div>
    }
}
