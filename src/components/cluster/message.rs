//! Raft messages on their way between members: dots coloured and labelled
//! by type, with a tooltip (sender, target, type, term, entries); a lost
//! one fades where it was lost with a cross. Only the labels the model
//! placed are drawn (`MessageView::labelled`: no two overlap).
//!
//! The dots are a fixed pool of slots built once: each frame only moves,
//! recolours and relabels them (no elements are created or removed while
//! time runs, which keeps frames short).

use leptos::prelude::*;

use crate::live::live;
use crate::state::AppState;

/// Messages drawn at most at one instant.
pub const POOL: usize = 64;

/// Slot `index` of the pool: the message in sight whose id is `index`
/// modulo the pool, or hidden.
#[component]
pub fn MessageDot(index: usize) -> impl IntoView {
    let state = expect_context::<AppState>();
    let msg = Memo::new(move |_| state.stage.with(|s| s.messages.iter().find(|m| m.slot == index).cloned()));
    // The class and the cross follow `msg` directly (no memo of their own:
    // an unchanged value leaves the DOM alone anyway, and each memo is
    // code in the wasm).
    let dropped = move || msg.with(|m| m.as_ref().is_some_and(|m| m.dropped));
    let class = move || {
        msg.with(|m| match m {
            Some(m) => format!("msg {}{}", m.class, if m.dropped { " dropped" } else { "" }),
            None => "msg idle".to_string(),
        })
    };
    view! {
        <g
            class=live(class)
            data-testid="message"
            data-state=live(move || msg.with(|m| if m.is_some() { "flying" } else { "idle" }).to_string())
            data-labelled=live(move || msg.with(|m| m.as_ref().is_some_and(|m| m.labelled)).to_string())
            transform=live(move || msg.with(|m| m.as_ref().map(|m| format!("translate({:.1} {:.1})", m.x, m.y)).unwrap_or_default()))
            opacity=live(move || msg.with(|m| m.as_ref().map_or(0.0, |m| m.opacity)).to_string())
        >
            <title>{live(move || msg.with(|m| m.as_ref().map(|m| m.title.clone()).unwrap_or_default()))}</title>
            <circle r="5" />
            <path class="lost" d=live(move || if dropped() { "M-4 -4 L4 4 M4 -4 L-4 4" } else { "" }.to_string()) />
            <text
                x=live(move || msg.with(|m| m.as_ref().map_or(0.0, |m| m.label_at.0)).to_string())
                y=live(move || msg.with(|m| m.as_ref().map_or(0.0, |m| m.label_at.1)).to_string())
                text-anchor=live(move || msg.with(|m| m.as_ref().map_or("start", |m| m.label_at.2)).to_string())
            >
                {live(move || msg.with(|m| m.as_ref().filter(|m| m.labelled).map_or("", |m| m.label)).to_string())}
            </text>
        </g>
    }
}
