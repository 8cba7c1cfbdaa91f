//! One raft message on its way between two members: a dot coloured and
//! labelled by type; a lost one fades where it was lost.

use leptos::prelude::*;

use crate::state::AppState;

/// Message record `id`, drawn from the stage model.
#[component]
pub fn MessageDot(id: u64) -> impl IntoView {
    let state = expect_context::<AppState>();
    let msg = Memo::new(move |_| state.stage.with(|s| s.messages.iter().find(|m| m.id == id).cloned()));
    view! {
        {move || {
            msg.get()
                .map(|m| {
                    let class = format!("msg {}{}", m.class, if m.dropped { " dropped" } else { "" });
                    view! {
                        <g class=class transform=format!("translate({:.1} {:.1})", m.x, m.y) opacity=m.opacity.to_string()>
                            <circle r="5" />
                            {m.dropped.then(|| view! { <path class="lost" d="M-4 -4 L4 4 M4 -4 L-4 4" /> })}
                            <text x="8" y="3">{m.label}</text>
                        </g>
                    }
                })
        }}
    }
}
