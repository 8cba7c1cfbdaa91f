//! Time and fault controls: play/pause (Space), step, a logarithmic speed
//! slider, cluster size and reset, add/remove members, presets, network
//! sliders, and keep & share (link, download, upload).

use leptos::prelude::*;
use sim::{Fault, LinkSettings};

use crate::engine::{Engine, SPEED_MAX, SPEED_MIN};
use crate::session::Session;
use crate::state::AppState;

/// Slider position (0..=1000) of a speed.
pub fn speed_to_slider(speed: f64) -> f64 {
    ((speed / SPEED_MIN).ln() / (SPEED_MAX / SPEED_MIN).ln() * 1000.0).clamp(0.0, 1000.0)
}

/// Speed of a slider position (0..=1000): 0.01× to 20×, logarithmic.
pub fn slider_to_speed(v: f64) -> f64 {
    let s = SPEED_MIN * (SPEED_MAX / SPEED_MIN).powf(v.clamp(0.0, 1000.0) / 1000.0);
    // Snap near 1× so the middle is easy to find.
    if (s - 1.0).abs() < 0.04 { 1.0 } else { s }
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
    let size = RwSignal::new(state.read(|e| e.sim.member_ids().len()).unwrap_or(3).to_string());
    let share = RwSignal::new(String::new());
    let link = move || state.read(|e| e.sim.network().link(0, 0).clone()).unwrap_or_default();
    let net = RwSignal::new(link());

    let toggle = move || state.act(|e| e.paused = !e.paused);
    let set_net = move |s: LinkSettings| {
        net.set(s.clone());
        state.act(|e| e.set_network(s.delay_max_ms, s.drop_rate, s.duplicate_rate));
    };
    let preset = move |name: &str| {
        let fault = state.read(|e: &Engine| {
            let ids = e.sim.member_ids();
            match name {
                "split" => {
                    let half = ids.len() / 2;
                    Some(Fault::Partition { groups: vec![ids[..half].to_vec(), ids[half..].to_vec()] })
                }
                "isolate" => e.sim.leader().map(|member| Fault::Isolate { member }),
                "heal" => Some(Fault::Heal),
                _ => None,
            }
        });
        match fault.flatten() {
            Some(f) => {
                state.act(|e| e.apply(f));
            }
            None if name == "flaky" => set_net(LinkSettings {
                delay_min_ms: 1,
                delay_max_ms: 60,
                drop_rate: 0.1,
                duplicate_rate: 0.05,
                reorder_rate: 0.0,
            }),
            None if name == "calm" => set_net(LinkSettings::default()),
            None => {}
        }
    };
    let reset = move || {
        let n = size.get_untracked().parse().unwrap_or(3);
        crate::browser::forget(crate::browser::SESSION_KEY);
        let mut engine = Engine::new(fresh_seed(), n);
        if let Some(history) = state.read(|e| e.tabs.first().map(|t| t.log.history().to_vec())).flatten() {
            for t in &mut engine.tabs {
                t.log.set_history(history.clone());
            }
        }
        net.set(LinkSettings::default());
        state.replace(engine);
    };
    let make_link = move || {
        if let Some(l) = state.read(crate::browser::share_link) {
            share.set(l.clone());
            if let Some(w) = web_sys::window() {
                let _ = w.navigator().clipboard().write_text(&l);
            }
        }
    };
    let download = move || {
        if let Some(json) = state.read(|e| Session::of(e).to_json()) {
            crate::browser::download("etcd-playground-session.json", &json);
        }
    };
    let upload = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        let promise = file.text();
        leptos::task::spawn_local(async move {
            let Ok(text) = wasm_bindgen_futures::JsFuture::from(promise).await else { return };
            match text.as_string().and_then(|t| Session::from_json(&t)) {
                Some(s) => state.replace(s.restore()),
                None => {
                    state.act(|e| e.run_line(0, "# the uploaded file is not a playground session"));
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
                    aria-label=move || if paused.get() { "Play (Space)" } else { "Pause (Space)" }
                    on:click=move |_| {
                        toggle();
                    }
                >
                    {move || {
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
                    }}
                </button>
                <button
                    class="btn"
                    data-testid="step"
                    disabled=move || !paused.get()
                    title="one message delivery or one tick (pause first)"
                    on:click=move |_| {
                        state.act(Engine::step_once);
                    }
                >
                    "Step"
                </button>
                <label class="speed">
                    <span>"Speed"</span>
                    <input
                        type="range"
                        min="0"
                        max="1000"
                        data-testid="speed"
                        aria-valuetext=move || speed_label(speed.get())
                        prop:value=move || speed_to_slider(speed.get()).round().to_string()
                        on:input=move |ev| {
                            let v: f64 = event_target_value(&ev).parse().unwrap_or(500.0);
                            state.act(|e| e.speed = slider_to_speed(v));
                        }
                    />
                    <output class="speed-value">{move || speed_label(speed.get())}</output>
                </label>
            </div>
            <div class="row">
                <label class="size">
                    <span>"Members"</span>
                    <select
                        data-testid="cluster-size"
                        prop:value=move || size.get()
                        on:change=move |ev| size.set(event_target_value(&ev))
                    >
                        {(1..=7).map(|n| view! { <option value=n.to_string()>{n}</option> }).collect_view()}
                    </select>
                </label>
                <button class="btn" data-testid="reset" on:click=move |_| reset() title="a fresh cluster with a new seed">
                    "Reset"
                </button>
                <button class="btn" data-testid="add-member" on:click=move |_| {
                    state.act(|e| e.add_member(false));
                }>"+ member"</button>
                <button class="btn" on:click=move |_| {
                    state.act(|e| e.add_member(true));
                }>"+ learner"</button>
            </div>
            <div class="row">
                <span class="row-label">"Faults"</span>
                <button class="btn" data-testid="preset-split" on:click=move |_| preset("split")>"Split"</button>
                <button class="btn" data-testid="preset-isolate" on:click=move |_| preset("isolate")>"Isolate leader"</button>
                <button class="btn" data-testid="preset-flaky" on:click=move |_| preset("flaky")>"Flaky network"</button>
                <button class="btn" data-testid="preset-heal" on:click=move |_| {
                    preset("heal");
                    preset("calm");
                }>"Heal"</button>
            </div>
            <details class="row more">
                <summary>"Network, keep & share"</summary>
                <div class="sliders">
                    <label>
                        <span>"Delay ≤ " {move || net.with(|n| n.delay_max_ms)} " ms"</span>
                        <input type="range" min="1" max="500" data-testid="delay"
                            prop:value=move || net.with(|n| n.delay_max_ms).to_string()
                            on:change=move |ev| {
                                let v = event_target_value(&ev).parse().unwrap_or(5);
                                set_net(LinkSettings { delay_max_ms: v, delay_min_ms: 1, ..net.get_untracked() });
                            }
                        />
                    </label>
                    <label>
                        <span>"Drop " {move || (net.with(|n| n.drop_rate) * 100.0).round()} " %"</span>
                        <input type="range" min="0" max="50" data-testid="drop"
                            prop:value=move || (net.with(|n| n.drop_rate) * 100.0).round().to_string()
                            on:change=move |ev| {
                                let v: f64 = event_target_value(&ev).parse().unwrap_or(0.0);
                                set_net(LinkSettings { drop_rate: v / 100.0, ..net.get_untracked() });
                            }
                        />
                    </label>
                    <label>
                        <span>"Duplicate " {move || (net.with(|n| n.duplicate_rate) * 100.0).round()} " %"</span>
                        <input type="range" min="0" max="50" data-testid="duplicate"
                            prop:value=move || (net.with(|n| n.duplicate_rate) * 100.0).round().to_string()
                            on:change=move |ev| {
                                let v: f64 = event_target_value(&ev).parse().unwrap_or(0.0);
                                set_net(LinkSettings { duplicate_rate: v / 100.0, ..net.get_untracked() });
                            }
                        />
                    </label>
                </div>
                <div class="keep">
                    <button class="btn" data-testid="share" on:click=move |_| make_link()>"Copy share link"</button>
                    <button class="btn" on:click=move |_| download()>"Download session"</button>
                    <label class="btn file">
                        "Upload session"
                        <input type="file" accept=".json,application/json" class="visually-hidden" on:change=upload />
                    </label>
                </div>
                <Show when=move || !share.get().is_empty()>
                    <label class="share-link">
                        <span class="visually-hidden">"Share link"</span>
                        <input type="text" readonly data-testid="share-link" prop:value=move || share.get() />
                    </label>
                </Show>
            </details>
        </div>
    }
}
