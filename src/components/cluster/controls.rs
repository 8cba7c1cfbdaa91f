//! Time and fault controls: play/pause (Space), step, a logarithmic speed
//! slider, cluster size and reset, add/remove members, presets, network
//! sliders, and keep & share (link, download, upload).

use leptos::prelude::*;
use sim::LinkSettings;

use crate::engine::{Engine, SPEED_MAX, SPEED_MIN, StepTo};
use crate::live::{handler, live, show};
use crate::session::Session;
use crate::state::AppState;

/// Slider position (0..=1000) of a speed.
pub fn speed_to_slider(speed: f64) -> f64 {
    (ln(speed / SPEED_MIN) / ln(SPEED_MAX / SPEED_MIN) * 1000.0).clamp(0.0, 1000.0)
}

/// Speed of a slider position (0..=1000): 0.01× to 20×, logarithmic.
pub fn slider_to_speed(v: f64) -> f64 {
    let s = SPEED_MIN * pow(SPEED_MAX / SPEED_MIN, v.clamp(0.0, 1000.0) / 1000.0);
    // Snap near 1× so the middle is easy to find.
    if (s - 1.0).abs() < 0.04 { 1.0 } else { s }
}

/// In the page, JavaScript's `Math` computes logarithms and powers: Rust's
/// own would add libm's to the wasm. Natively (tests), Rust's.
#[cfg(target_arch = "wasm32")]
fn ln(x: f64) -> f64 {
    js_sys::Math::log(x)
}

#[cfg(target_arch = "wasm32")]
fn pow(x: f64, y: f64) -> f64 {
    js_sys::Math::pow(x, y)
}

#[cfg(not(target_arch = "wasm32"))]
fn ln(x: f64) -> f64 {
    x.ln()
}

#[cfg(not(target_arch = "wasm32"))]
fn pow(x: f64, y: f64) -> f64 {
    x.powf(y)
}

fn speed_label(s: f64) -> String {
    if s < 0.1 {
        format!("{s:.2}×")
    } else if s < 10.0 {
        format!("{s:.1}×")
    } else {
        format!("{s:.0}×")
    }
}

/// How much larger the larger-text mode draws text.
pub const LARGE_TEXT: f64 = 1.4;
/// Where the page keeps the larger-text choice.
pub const LARGE_TEXT_KEY: &str = "etcd-playground/large-text";

/// Turns the larger-text mode's class on the root element on or off.
pub fn set_large_text(on: bool) {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ =
            if on { root.class_list().add_1("large-text") } else { root.class_list().remove_1("large-text") };
    }
}

/// A new random seed.
pub fn fresh_seed() -> u64 {
    (js_sys::Math::random() * 9_007_199_254_740_991.0) as u64
}

/// The controls above the ring.
#[component]
pub fn Controls() -> impl IntoView {
    let state = expect_context::<AppState>();
    let paused = Memo::new(move |_| state.clock.with(|c| c.paused));
    let speed = Memo::new(move |_| state.clock.with(|c| c.speed));
    // The Members selector shows the cluster as it is (after `cluster
    // reset --nodes 5` too); choosing another size resets to it.
    let size = Memo::new(move |_| state.stage.with(|s| s.members.len()).clamp(1, 7).to_string());
    // The run a Reset replaced, until Undo brings it back.
    let undone = StoredValue::new_local(None::<Engine>);
    let can_undo = RwSignal::new(false);
    let share = RwSignal::new(String::new());
    let link = move || state.read(|e| e.sim().network().link(0, 0).clone()).unwrap_or_default();
    let net = RwSignal::new(link());

    let toggle = move || state.act(|e| e.paused = !e.paused);
    // Network settings become `cluster net`, typed into the stage tab.
    let set_net = move |s: LinkSettings| {
        net.set(s.clone());
        let line = format!(
            "cluster net --delay {}-{}ms --drop {}% --duplicate {}%",
            s.delay_min_ms.min(s.delay_max_ms),
            s.delay_max_ms,
            (s.drop_rate * 100.0).round() as u32,
            (s.duplicate_rate * 100.0).round() as u32
        );
        state.act(|e| e.stage(vec![line]));
    };
    let preset = move |name: &str| {
        let lines = state.read(|e: &Engine| {
            let names = e.member_names();
            match name {
                // The first half (rounded down) against the rest.
                "split" if names.len() > 1 => {
                    let (a, b) = names.split_at(names.len() / 2);
                    vec![format!("cluster partition {} / {}", a.join(","), b.join(","))]
                }
                "isolate" => e
                    .sim()
                    .leader()
                    .map(|id| vec![format!("cluster isolate {}", e.name_of(id))])
                    .unwrap_or_default(),
                "heal" => vec!["cluster heal".to_string()],
                _ => Vec::new(),
            }
        });
        match lines {
            Some(lines) if !lines.is_empty() => {
                state.act(|e| e.stage(lines));
            }
            _ if name == "flaky" => set_net(LinkSettings {
                delay_min_ms: 1,
                delay_max_ms: 60,
                drop_rate: 0.1,
                duplicate_rate: 0.05,
                reorder_rate: 0.0,
            }),
            _ if name == "calm" => set_net(LinkSettings::default()),
            _ => {}
        }
    };
    // `member add` through the cluster, then the new member starts and joins.
    let add_member = move |learner: bool| {
        state.act(|e| {
            let lines = e.member_add_lines(learner);
            e.stage(lines);
        });
    };
    // A fresh cluster of `n` members with a new seed; the run it replaces
    // is kept for Undo (console history stays).
    let reset = move |n: u64| {
        let mut engine = Engine::new(fresh_seed(), n);
        if let Some(history) = state.read(|e| e.tabs.first().map(|t| t.log.history().to_vec())).flatten() {
            for t in &mut engine.tabs {
                t.log.set_history(history.clone());
            }
        }
        net.set(LinkSettings::default());
        let old = state.replace(engine);
        undone.set_value(old);
        can_undo.set(true);
    };
    let undo = move || {
        if let Some(Some(old)) = undone.try_update_value(Option::take) {
            net.set(old.sim().network().link(0, 0).clone());
            state.replace(old);
        }
        can_undo.set(false);
    };
    // What became of the last copy: the link is on the clipboard, or the
    // browser refused (then the field shows it, selected, to copy by hand).
    let copied = RwSignal::new(String::new());
    let make_link = move || {
        if let Some(l) = state.read(crate::browser::share_link) {
            share.set(l.clone());
            copied.set("Copying…".to_string());
            let Some(w) = web_sys::window() else { return };
            let promise = w.navigator().clipboard().write_text(&l);
            leptos::task::spawn_local(async move {
                let ok = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
                copied.set(
                    if ok {
                        "Link copied to the clipboard: paste it anywhere to share this run."
                    } else {
                        "The browser did not allow copying: the link is below, select it and copy."
                    }
                    .to_string(),
                );
            });
        }
    };
    let download = move || {
        if let Some(text) = state.read(|e| e.session().to_text()) {
            crate::browser::download("etcd-playground-session.txt", &text);
        }
    };
    // A session file replaces the run; any other file lands in the
    // console's filesystem under its name (a backup for `etcdutl snapshot restore`).
    let upload = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        let name = file.name();
        let promise = file.array_buffer();
        input.set_value("");
        leptos::task::spawn_local(async move {
            let Ok(buf) = wasm_bindgen_futures::JsFuture::from(promise).await else { return };
            let bytes = js_sys::Uint8Array::new(&buf).to_vec();
            let session = std::str::from_utf8(&bytes).ok().and_then(Session::from_text);
            match session {
                Some(s) => {
                    let mut engine = Engine::restore(&s);
                    let history = state.read(|e| e.tabs.first().map(|t| t.log.history().to_vec())).flatten();
                    for t in &mut engine.tabs {
                        t.log.set_history(history.clone().unwrap_or_default());
                    }
                    state.replace(engine);
                }
                None => {
                    let safe: String = name
                        .chars()
                        .map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' })
                        .collect();
                    let path = format!("/root/{}", if safe.is_empty() { "upload.db" } else { &safe });
                    state.act(|e| e.upload(&path, bytes));
                }
            }
        });
    };

    view! {
        <div class="controls" role="toolbar" aria-label="time and fault controls">
            <div class="row">
                <button
                    class="btn primary"
                    data-testid="play"
                    aria-keyshortcuts="Space"
                    aria-label=live(move || if paused.get() { "Play (Space)" } else { "Pause (Space)" }.to_string())
                    on:click=handler(move |_| {
                        toggle();
                    })
                >
                    {live(move || {
                        if paused.get() {
                            view! {
                                <svg class="icon" viewBox="0 0 12 12" aria-hidden="true"><path d="M3 1.5 L10.5 6 L3 10.5 Z" /></svg>
                                "Play"
                            }
                                .into_any()
                        } else {
                            view! {
                                <svg class="icon" viewBox="0 0 12 12" aria-hidden="true"><path d="M2.5 1.5 h2.5 v9 h-2.5 Z M7 1.5 h2.5 v9 h-2.5 Z" /></svg>
                                "Pause"
                            }
                                .into_any()
                        }
                    })}
                </button>
                <button
                    class="btn"
                    data-testid="step"
                    disabled=live(move || !paused.get())
                    title="one message delivery or one tick (pause first)"
                    on:click=handler(move |_| {
                        state.act(Engine::step_once);
                    })
                >
                    "Step"
                </button>
                <button
                    class="btn"
                    data-testid="step-message"
                    disabled=live(move || !paused.get())
                    title="steps until the next message reaches its target (pause first)"
                    on:click=handler(move |_| {
                        state.act(|e| e.step_to(StepTo::Message));
                    })
                >
                    "Next message"
                </button>
                <button
                    class="btn"
                    data-testid="step-event"
                    disabled=live(move || !paused.get())
                    title="steps until the next election, vote, role change or fault (pause first)"
                    on:click=handler(move |_| {
                        state.act(|e| e.step_to(StepTo::Event));
                    })
                >
                    "Next event"
                </button>
                <label class="speed">
                    <span>"Speed"</span>
                    <input
                        type="range"
                        min="0"
                        max="1000"
                        data-testid="speed"
                        aria-valuetext=live(move || speed_label(speed.get()))
                        prop:value=live(move || speed_to_slider(speed.get()).round().to_string())
                        on:input=handler(move |ev| {
                            let v: f64 = event_target_value(&ev).parse().unwrap_or(500.0);
                            state.act(|e| e.speed = slider_to_speed(v));
                        })
                    />
                    <output class="speed-value">{live(move || speed_label(speed.get()))}</output>
                </label>
            </div>
            <div class="row">
                <label class="size">
                    <span>"Members"</span>
                    <select
                        data-testid="cluster-size"
                        title="the cluster's members; another number starts a fresh cluster of that size (Undo brings this one back)"
                        prop:value=live(move || size.get())
                        on:change=handler(move |ev| {
                            let n: u64 = event_target_value(&ev).parse().unwrap_or(3);
                            reset(n);
                        })
                    >
                        {(1..=7).map(|n| view! { <option value=n.to_string()>{n}</option> }.into_any()).collect_view()}
                    </select>
                </label>
                <button class="btn" data-testid="reset" title="a fresh cluster of this size with a new seed (Undo brings this one back)"
                    on:click=handler(move |_| reset(size.get_untracked().parse().unwrap_or(3)))>
                    "Reset"
                </button>
                {show(
                    live(move || can_undo.get()),
                    live(move || view! {
                        <button class="btn" data-testid="undo-reset" title="back to the cluster and consoles before the reset"
                            on:click=handler(move |_| undo())>"Undo reset"</button>
                    }.into_any()),
                )}
                <button class="btn" data-testid="add-member" title="etcdctl member add, then cluster start"
                    on:click=handler(move |_| add_member(false))>"+ member"</button>
                <button class="btn" data-testid="add-learner" title="etcdctl member add --learner, then cluster start"
                    on:click=handler(move |_| add_member(true))>"+ learner"</button>
                <button
                    class="btn large-text-btn"
                    data-testid="large-text"
                    aria-pressed=live(move || (state.text_scale.get() > 1.0).to_string())
                    title="larger text on the stage and the page (for a projector)"
                    on:click=handler(move |_| {
                        let large = state.text_scale.get_untracked() <= 1.0;
                        set_large_text(large);
                        state.text_scale.set(if large { LARGE_TEXT } else { 1.0 });
                        crate::browser::store(LARGE_TEXT_KEY, if large { "1" } else { "0" });
                        state.refresh(false);
                    })
                >
                    "Larger text"
                </button>
            </div>
            <div class="row">
                <span class="row-label">"Faults"</span>
                <button class="btn" data-testid="preset-split" title="cluster partition A / B" on:click=handler(move |_| preset("split"))>"Split"</button>
                <button class="btn" data-testid="preset-isolate" title="cluster isolate LEADER" on:click=handler(move |_| preset("isolate"))>"Isolate leader"</button>
                <button class="btn" data-testid="preset-flaky" title="cluster net --delay 1-60ms --drop 10% --duplicate 5%" on:click=handler(move |_| preset("flaky"))>"Flaky network"</button>
                <button class="btn" data-testid="preset-heal" title="cluster heal; cluster net (calm)" on:click=handler(move |_| {
                    preset("heal");
                    preset("calm");
                })>"Heal"</button>
            </div>
            <details class="row more">
                <summary>"Network, save & share"</summary>
                <div class="more-panel">
                <div class="sliders">
                    <label>
                        <span>"Delay ≤ " {live(move || net.with(|n| n.delay_max_ms).to_string())} " ms"</span>
                        <input type="range" min="1" max="500" data-testid="delay"
                            prop:value=live(move || net.with(|n| n.delay_max_ms).to_string())
                            on:change=handler(move |ev| {
                                let v = event_target_value(&ev).parse().unwrap_or(5);
                                set_net(LinkSettings { delay_max_ms: v, delay_min_ms: 1, ..net.get_untracked() });
                            })
                        />
                    </label>
                    <label>
                        <span>"Drop " {live(move || (net.with(|n| n.drop_rate) * 100.0).round().to_string())} " %"</span>
                        <input type="range" min="0" max="50" data-testid="drop"
                            prop:value=live(move || (net.with(|n| n.drop_rate) * 100.0).round().to_string())
                            on:change=handler(move |ev| {
                                let v: f64 = event_target_value(&ev).parse().unwrap_or(0.0);
                                set_net(LinkSettings { drop_rate: v / 100.0, ..net.get_untracked() });
                            })
                        />
                    </label>
                    <label>
                        <span>"Duplicate " {live(move || (net.with(|n| n.duplicate_rate) * 100.0).round().to_string())} " %"</span>
                        <input type="range" min="0" max="50" data-testid="duplicate"
                            prop:value=live(move || (net.with(|n| n.duplicate_rate) * 100.0).round().to_string())
                            on:change=handler(move |ev| {
                                let v: f64 = event_target_value(&ev).parse().unwrap_or(0.0);
                                set_net(LinkSettings { duplicate_rate: v / 100.0, ..net.get_untracked() });
                            })
                        />
                    </label>
                </div>
                <div class="keep">
                    <button class="btn" data-testid="share" on:click=handler(move |_| make_link())>"Copy share link"</button>
                    <button class="btn" data-testid="download" title="this run as a file: upload it later (or elsewhere) to replay it" on:click=handler(move |_| download())>"Download session"</button>
                    <label class="btn file" title="a session file replays it; any other file (a snapshot) lands in /root for etcdutl snapshot restore">
                        "Upload session or file"
                        <input type="file" data-testid="upload" class="visually-hidden" on:change=handler(upload) />
                    </label>
                </div>
                {show(
                    live(move || !share.get().is_empty()),
                    live(move || {
                        view! {
                            <label class="share-link">
                                <span class="visually-hidden">"Share link"</span>
                                <input type="text" readonly data-testid="share-link" prop:value=live(move || share.get()) />
                            </label>
                            <p class="share-status" data-testid="share-status" role="status">{live(move || copied.get())}</p>
                        }
                        .into_any()
                    }),
                )}
                </div>
            </details>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn the_speed_slider_is_logarithmic_and_snaps_to_one() {
        assert_eq!(speed_to_slider(SPEED_MIN), 0.0);
        assert_eq!(speed_to_slider(SPEED_MAX), 1000.0);
        assert_eq!(slider_to_speed(speed_to_slider(1.0)), 1.0);
        for speed in [0.01, 0.05, 0.3, 2.0, 7.5, 20.0] {
            assert!(
                (slider_to_speed(speed_to_slider(speed)) - speed).abs() < 1e-9 * speed.max(1.0),
                "{speed}"
            );
        }
        assert_eq!(slider_to_speed(-5.0), SPEED_MIN, "clamped");
    }
}
