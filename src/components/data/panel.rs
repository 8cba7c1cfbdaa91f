//! The data panel: tabs for the timeline, the key browser, the raft logs
//! and the member inspector, with the tabs pattern's keyboard
//! (`components/layout/tabs.rs`).

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

use crate::components::data::inspector::Inspector;
use crate::components::data::keys::KeyBrowser;
use crate::components::data::logview::LogView;
use crate::components::data::manifest::{ManifestPanel, ManifestState};
use crate::components::data::timeline::Timeline;
use crate::components::layout::tabs::{on_tab_keydown, roving_tabindex};
use crate::components::lesson::panel::LessonPanel;
use crate::live::{handler, live};
use crate::state::{AppState, DataTab};

/// The panel's tabs, in order: which view, its label, its test id.
const TABS: [(DataTab, &str, &str); 6] = [
    (DataTab::Timeline, "Timeline", "tab-timeline"),
    (DataTab::Keys, "Keys", "tab-keys"),
    (DataTab::Log, "Raft log", "tab-log"),
    (DataTab::Member, "Member", "tab-member"),
    (DataTab::Manifest, "Kubernetes", "tab-manifest"),
    (DataTab::Lesson, "Lessons", "tab-lesson"),
];

/// The tab panel's DOM id, which every tab controls.
const PANEL_ID: &str = "data-tabpanel";

/// The DOM id of the tab with test id `testid`.
fn tab_dom_id(testid: &str) -> String {
    format!("data-{testid}")
}

/// The tabbed panel under the console.
#[component]
pub fn DataPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let tab = state.data_tab;
    provide_context(ManifestState::new());
    crate::components::lesson::panel::follow_lessons(state);
    let index = |current: DataTab| TABS.iter().position(|(t, _, _)| *t == current).unwrap_or(0);
    let on_key = move |ev: KeyboardEvent| {
        if let Some(next) = on_tab_keydown(&ev, index(tab.get_untracked()), TABS.len()) {
            tab.set(TABS[next].0);
        }
    };
    view! {
        <section class="panel data" aria-label="cluster data">
            <div class="panel-head">
                <div class="tabs" role="tablist" aria-label="data views">
                    {TABS
                        .iter()
                        .map(|&(t, label, testid)| {
                            view! {
                                <button
                                    role="tab"
                                    class="tab"
                                    id=tab_dom_id(testid)
                                    data-testid=testid
                                    aria-controls=PANEL_ID
                                    aria-selected=live(move || (tab.get() == t).to_string())
                                    tabindex=live(move || roving_tabindex(tab.get() == t).to_string())
                                    on:click=handler(move |_| tab.set(t))
                                    on:keydown=handler(on_key)
                                >
                                    {label}
                                </button>
                            }
                            .into_any()
                        })
                        .collect_view()}
                </div>
            </div>
            <div
                class="data-body"
                role="tabpanel"
                id=PANEL_ID
                tabindex="0"
                aria-labelledby=live(move || tab_dom_id(TABS[index(tab.get())].2))
            >
                {live(move || match tab.get() {
                    DataTab::Timeline => view! { <Timeline /> }.into_any(),
                    DataTab::Keys => view! { <KeyBrowser /> }.into_any(),
                    DataTab::Log => view! { <LogView /> }.into_any(),
                    DataTab::Member => view! { <Inspector /> }.into_any(),
                    DataTab::Manifest => view! { <ManifestPanel /> }.into_any(),
                    DataTab::Lesson => view! { <LessonPanel /> }.into_any(),
                })}
            </div>
        </section>
    }
}
