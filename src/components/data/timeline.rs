//! The event timeline in plain language ("etcd-2 asks for pre-votes for
//! term 4 (its term stays 3)"), newest first, filterable; an event
//! highlights its member on the ring.

use leptos::prelude::*;

use crate::events::{describe, is_routine, names};
use crate::live::{handler, live};
use crate::state::AppState;

/// Events listed at most.
const SHOWN: usize = 120;

/// The timeline panel.
#[component]
pub fn Timeline() -> impl IntoView {
    let state = expect_context::<AppState>();
    let filter = RwSignal::new(String::new());
    let quiet = RwSignal::new(true);
    let rows = Memo::new(move |_| {
        state.data.track();
        let f = filter.get().to_lowercase();
        let hide_routine = quiet.get();
        state
            .read(|e| {
                let names = names(e);
                e.sim()
                    .events()
                    .records()
                    .rev()
                    .filter(|r| !hide_routine || !is_routine(e, r))
                    .map(|r| describe(r, &names))
                    .filter(|row| f.is_empty() || row.text.to_lowercase().contains(&f))
                    .take(SHOWN)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    view! {
        <div class="timeline" data-testid="timeline">
            <div class="filters">
                <label>
                    <span class="visually-hidden">"Filter events"</span>
                    <input type="search" placeholder="filter: etcd-2, leader, vote, fault…" prop:value=live(move || filter.get())
                        on:input=handler(move |ev| filter.set(event_target_value(&ev))) />
                </label>
                <label class="check">
                    <input type="checkbox" prop:checked=live(move || quiet.get()) on:change=handler(move |_| quiet.update(|q| *q = !*q)) />
                    "hide commits, applies and background requests"
                </label>
            </div>
            <ol class="events">
                <For
                    each=move || rows.get()
                    // Not the sequence number alone: after `cluster reset` (a new
                    // cluster) or a jump back in time, the numbers start again
                    // with other events, which must not keep the old rows.
                    key=|r| format!("{:x} {:x} {}", r.seq, r.at_ms, r.text)
                    children=move |r| {
                        let member = r.member;
                        view! {
                            <li
                                class=r.class
                                tabindex="0"
                                on:mouseenter=handler(move |_| state.highlight.set(member))
                                on:mouseleave=handler(move |_| state.highlight.set(None))
                                on:focus=handler(move |_| state.highlight.set(member))
                                on:blur=handler(move |_| state.highlight.set(None))
                            >
                                <time>{r.when()}</time>
                                <span>{r.text}</span>
                            </li>
                        }
                        .into_any()
                    }
                />
            </ol>
        </div>
    }
}
