//! The data panel: tabs for the timeline, the key browser, the raft logs
//! and the member inspector.

use leptos::prelude::*;

use crate::components::data::inspector::Inspector;
use crate::components::data::keys::KeyBrowser;
use crate::components::data::logview::LogView;
use crate::components::data::manifest::{ManifestPanel, ManifestState};
use crate::components::data::timeline::Timeline;
use crate::state::{AppState, DataTab};

/// The tabbed panel under the console.
#[component]
pub fn DataPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let tab = state.data_tab;
    provide_context(ManifestState::new());
    let button = move |t: DataTab, label: &'static str, id: &'static str| {
        view! {
            <button role="tab" class="tab" data-testid=id aria-selected=move || (tab.get() == t).to_string() on:click=move |_| tab.set(t)>
                {label}
            </button>
        }
    };
    view! {
        <section class="panel data" aria-label="cluster data">
            <div class="panel-head">
                <div class="tabs" role="tablist" aria-label="data views">
                    {button(DataTab::Timeline, "Timeline", "tab-timeline")}
                    {button(DataTab::Keys, "Keys", "tab-keys")}
                    {button(DataTab::Log, "Raft log", "tab-log")}
                    {button(DataTab::Member, "Member", "tab-member")}
                    {button(DataTab::Manifest, "Kubernetes", "tab-manifest")}
                </div>
            </div>
            <div class="data-body" role="tabpanel">
                {move || match tab.get() {
                    DataTab::Timeline => view! { <Timeline /> }.into_any(),
                    DataTab::Keys => view! { <KeyBrowser /> }.into_any(),
                    DataTab::Log => view! { <LogView /> }.into_any(),
                    DataTab::Member => view! { <Inspector /> }.into_any(),
                    DataTab::Manifest => view! { <ManifestPanel /> }.into_any(),
                }}
            </div>
        </section>
    }
}
