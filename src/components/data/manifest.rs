//! The Kubernetes panel: a manifest editor with templates and Apply, what
//! the apiserver wrote to etcd (key, stored value, revision, and the
//! protobuf a real cluster would store), and the objects under `/registry/`
//! by kind, each opening its key in the key browser.

use leptos::prelude::*;

use crate::kube_panel::{self, EXPLANATION, Outcome, Resource, TEMPLATES};
use crate::live::{handler, live};
use crate::state::{AppState, DataTab};

/// The panel's own state, kept while other tabs are in front: the
/// editor's text, the chosen template and the last apply's outcomes
/// (shown only while the run they came from is on: a reset drops them).
#[derive(Clone, Copy)]
pub struct ManifestState {
    text: RwSignal<String>,
    template: RwSignal<usize>,
    outcomes: RwSignal<Vec<Outcome>>,
    seed: RwSignal<u64>,
}

impl ManifestState {
    /// The editor holding the first template (the seeds' ConfigMap).
    pub fn new() -> ManifestState {
        ManifestState {
            text: RwSignal::new(TEMPLATES[0].yaml.to_string()),
            template: RwSignal::new(0),
            outcomes: RwSignal::new(Vec::new()),
            seed: RwSignal::new(0),
        }
    }
}

impl Default for ManifestState {
    fn default() -> Self {
        ManifestState::new()
    }
}

/// Shows `key` in the key browser.
fn open_key(state: AppState, key: String) {
    state.key.set(Some(key));
    state.data_tab.set(DataTab::Keys);
    // On a narrow screen the key's details sit under the tree: bring them up.
    request_animation_frame(|| {
        if let Some(el) =
            document().query_selector("[data-testid='key-browser'] [data-testid='key-detail']").ok().flatten()
        {
            el.scroll_into_view_with_bool(true);
        }
    });
}

/// `key` with line-break chances after each `/`, so a long key wraps
/// between its segments.
fn breakable(key: &str) -> impl IntoView + use<> {
    key.split_inclusive('/').map(|part| view! { {part.to_string()}<wbr /> }).collect_view()
}

/// One applied object: kubectl's line, then the key, revision and value.
#[component]
fn OutcomeCard(outcome: Outcome) -> impl IntoView {
    let state = expect_context::<AppState>();
    let Outcome { message, ok, key, stored, revision, protobuf_hexdump: protobuf } = outcome;
    let class = if ok { "manifest-card ok" } else { "manifest-card err" };
    view! {
        <article class=class data-testid="manifest-outcome">
            <p class="manifest-message" data-testid="manifest-message">{message}</p>
            {(ok && key.is_some()).then(|| {
                let key = key.clone().unwrap_or_default();
                let k2 = key.clone();
                view! {
                    <dl class="facts">
                        <dt>"etcd key"</dt>
                        <dd>
                            <button class="linkish" data-testid="manifest-key" title="Open in the key browser"
                                on:click=handler(move |_| open_key(state, k2.clone()))>{breakable(&key)}</button>
                        </dd>
                        <dt>"revision"</dt>
                        <dd data-testid="manifest-revision">{revision.map(|r| r.to_string()).unwrap_or_default()}</dd>
                    </dl>
                }
                .into_any()
            })}
            {stored.map(|v| view! {
                <h4>"Stored value"</h4>
                <pre class="value" data-testid="manifest-value">{v}</pre>
            }.into_any())}
            {protobuf.map(|hex| view! {
                <details class="manifest-proto">
                    <summary>"What a real cluster stores (protobuf)"</summary>
                    <p>{EXPLANATION}</p>
                    <pre class="value hexdump" data-testid="manifest-protobuf">{hex}</pre>
                </details>
            }.into_any())}
        </article>
    }
}

/// The objects under `/registry/`, grouped by kind.
#[component]
fn Resources() -> impl IntoView {
    let state = expect_context::<AppState>();
    let groups = Memo::new(move |_| {
        state.data.track();
        state
            .read(|e| e.read_member().map(|m| kube_panel::resources(m, &e.console().kube().api.catalog)))
            .flatten()
            .unwrap_or_default()
    });
    view! {
        <section class="manifest-resources" data-testid="manifest-resources" aria-labelledby="manifest-res-title">
            <h4 id="manifest-res-title">"Resources in etcd"</h4>
            {live(move || groups.with(Vec::is_empty).then(|| view! {
                <p class="empty">"Nothing under /registry/ yet. Apply a manifest to create the first objects."</p>
            }.into_any()))}
            <For
                each=move || groups.with(|gs| gs.iter().map(|g| g.kind.clone()).collect::<Vec<_>>())
                key=String::clone
                children=move |kind: String| {
                    let k = kind.clone();
                    let items = Memo::new(move |_| {
                        groups.with(|gs| gs.iter().find(|g| g.kind == k).map(|g| g.items.clone()).unwrap_or_default())
                    });
                    view! {
                        <details class="kind-group" data-kind=kind.clone() open=kind != "Event">
                            <summary>{kind.clone()}<span class="count">{live(move || items.with(Vec::len).to_string())}</span></summary>
                            <ul>
                                <For
                                    each=move || items.get()
                                    key=|r: &Resource| format!("{} {}", r.key, r.revision)
                                    children=move |r: Resource| {
                                        let key = r.key.clone();
                                        let label = if r.namespace.is_empty() { r.name.clone() } else { format!("{}/{}", r.namespace, r.name) };
                                        view! {
                                            <li>
                                                <button class="linkish res-link" data-testid="manifest-resource" data-key=r.key.clone()
                                                    title=format!("Open {} in the key browser", r.key)
                                                    on:click=handler(move |_| open_key(state, key.clone()))>{label}</button>
                                                <span class="rev" data-testid="manifest-resource-rev">{format!("rev {}", r.revision)}</span>
                                            </li>
                                        }
                                        .into_any()
                                    }
                                />
                            </ul>
                        </details>
                    }
                    .into_any()
                }
            />
        </section>
    }
}

/// The manifest panel.
#[component]
pub fn ManifestPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let ms = use_context::<ManifestState>().unwrap_or_default();
    let apply = move || {
        let text = ms.text.get_untracked();
        let outcomes = state.act(|e| e.apply_manifest(&text)).unwrap_or_default();
        ms.outcomes.set(outcomes);
        ms.seed.set(state.clock.with_untracked(|c| c.seed));
    };
    let run_seed = Memo::new(move |_| state.clock.with(|c| c.seed));
    let shown =
        Memo::new(move |_| if ms.seed.get() == run_seed.get() { ms.outcomes.get() } else { Vec::new() });
    view! {
        <div class="manifest" data-testid="manifest-panel">
            <div class="manifest-edit">
                <div class="manifest-bar">
                    <label class="manifest-pick">
                        "Template"
                        <select
                            data-testid="manifest-template"
                            on:change=handler(move |ev| {
                                let i = event_target_value(&ev).parse::<usize>().unwrap_or(0).min(TEMPLATES.len() - 1);
                                ms.template.set(i);
                                ms.text.set(TEMPLATES[i].yaml.to_string());
                            })
                        >
                            {TEMPLATES.iter().enumerate().map(|(i, t)| view! {
                                <option value=i.to_string() prop:selected=live(move || ms.template.get() == i)>{t.name}</option>
                            }.into_any()).collect_view()}
                        </select>
                    </label>
                </div>
                <label class="visually-hidden" for="manifest-editor">"Manifest (YAML or JSON)"</label>
                <textarea
                    id="manifest-editor"
                    class="manifest-editor"
                    data-testid="manifest-editor"
                    spellcheck="false"
                    autocapitalize="off"
                    autocomplete="off"
                    aria-describedby="manifest-hint"
                    prop:value=live(move || ms.text.get())
                    on:input=handler(move |ev| ms.text.set(event_target_value(&ev)))
                    on:keydown=handler(move |ev: leptos::ev::KeyboardEvent| {
                        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
                            ev.prevent_default();
                            apply();
                        }
                    })
                ></textarea>
                <div class="manifest-foot">
                    <p class="manifest-hint" id="manifest-hint">
                        "As "<code>"kubectl apply -f -"</code>". Ctrl+Enter applies."
                    </p>
                    <button class="btn primary" data-testid="manifest-apply" on:click=handler(move |_| apply())
                        title="kubectl apply -f - (Ctrl+Enter)">
                        "Apply"
                    </button>
                </div>
            </div>
            <div class="manifest-out">
                <section class="manifest-result" data-testid="manifest-result" aria-live="polite" aria-label="apply result">
                    {live(move || shown.with(Vec::is_empty).then(|| view! {
                        <p class="empty">"Apply to see what the apiserver writes to etcd: the key under /registry/, the stored JSON and its revision."</p>
                    }.into_any()))}
                    {live(move || shown.get().into_iter().map(|o| view! { <OutcomeCard outcome=o /> }.into_any()).collect_view().into_any())}
                </section>
                <Resources />
            </div>
        </div>
    }
}
