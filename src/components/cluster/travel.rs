//! The timeline slider under the stage: the run from its start to its
//! present, marks for elections and leaders, faults, member stops and
//! starts, commands, snapshots, quorum lost and regained; click or drag to
//! a moment and the whole page shows it (the engine jumps, see
//! `engine/travel.rs`). A WAI-ARIA slider: ←/→ previous/next mark,
//! Shift+←/→ previous/next election, PageUp/PageDown ∓10 s, Home/End.
//! Beside it: one step back or forward, back to the present, and the
//! branches (acting in the past made them).

use leptos::ev::{KeyboardEvent, MouseEvent, PointerEvent};
use leptos::prelude::*;

use crate::engine::Mark;
use crate::live::{handler, live};
use crate::state::AppState;

/// A branch as listed: its id, the (branch, ms) it forked from, its present (ms).
type BranchRow = (usize, Option<(usize, u64)>, u64);

/// What the slider draws.
#[derive(Clone, Debug, PartialEq)]
struct Picture {
    start: u64,
    end: u64,
    now: u64,
    past: bool,
    marks: Vec<Mark>,
    branches: Vec<BranchRow>,
    current: usize,
}

fn seconds(ms: u64) -> String {
    format!("{:.1} s", ms as f64 / 1000.0)
}

/// Where a key moves the moment, if it is one of the slider's keys.
fn key_target(key: &str, shift: bool, p: &Picture) -> Option<u64> {
    let elections = |m: &&Mark| !shift || m.kind.is_election();
    match key {
        "ArrowLeft" | "ArrowDown" => Some(
            p.marks.iter().filter(elections).map(|m| m.at_ms).filter(|&t| t < p.now).max().unwrap_or(p.start),
        ),
        "ArrowRight" | "ArrowUp" => Some(
            p.marks.iter().filter(elections).map(|m| m.at_ms).filter(|&t| t > p.now).min().unwrap_or(p.end),
        ),
        "PageDown" => Some(p.now.saturating_sub(10_000).max(p.start)),
        "PageUp" => Some((p.now + 10_000).min(p.end)),
        "Home" => Some(p.start),
        "End" => Some(p.end),
        _ => None,
    }
}

/// The slider and its buttons.
#[component]
pub fn TimeTravel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let picture = Memo::new(move |_| {
        state.clock.track();
        state.console.track();
        state
            .read(|e| {
                let (start, end) = e.travel_span();
                let (branches, current) = e.travel_branches();
                Picture {
                    start,
                    end,
                    now: e.now(),
                    past: e.in_past(),
                    marks: e.travel_marks(),
                    branches: branches.iter().map(|b| (b.id, b.forked_from, b.end_ms)).collect(),
                    current,
                }
            })
            .unwrap_or(Picture {
                start: 0,
                end: 0,
                now: 0,
                past: false,
                marks: Vec::new(),
                branches: Vec::new(),
                current: 0,
            })
    });
    let pct = move |t: u64| {
        let p = picture.get();
        let span = p.end.saturating_sub(p.start).max(1);
        (t.saturating_sub(p.start) as f64 / span as f64 * 100.0).clamp(0.0, 100.0)
    };
    let jump = move |t: u64| {
        state.act(|e| {
            e.paused = true;
            e.travel_jump(t);
        });
    };
    // The moment under the pointer.
    let at_pointer = move |ev: &MouseEvent| -> Option<u64> {
        use wasm_bindgen::JsCast;
        let el = ev.current_target()?.dyn_into::<web_sys::Element>().ok()?;
        let r = el.get_bounding_client_rect();
        let f = ((f64::from(ev.client_x()) - r.left()) / r.width().max(1.0)).clamp(0.0, 1.0);
        let p = picture.get_untracked();
        Some(p.start + (p.end.saturating_sub(p.start) as f64 * f).round() as u64)
    };
    let dragging = StoredValue::new(false);

    view! {
        <div class="travel" data-testid="time-travel">
            <div class="travel-row">
                <button class="btn" data-testid="step-back" aria-label="Step back one delivery or tick"
                    on:click=handler(move |_: MouseEvent| {
                        state.act(|e| {
                            e.paused = true;
                            e.travel_step_back();
                        });
                    })>"◀ step"</button>
                <div
                    class="scrub"
                    role="slider"
                    tabindex="0"
                    data-testid="scrubber"
                    aria-label="Moment of the run"
                    aria-valuemin=live(move || picture.get().start.to_string())
                    aria-valuemax=live(move || picture.get().end.to_string())
                    aria-valuenow=live(move || picture.get().now.to_string())
                    aria-valuetext=live(move || {
                        let p = picture.get();
                        let b = if p.branches.len() > 1 { format!(", branch {}", p.current + 1) } else { String::new() };
                        let when = if p.past { "in the past" } else { "now" };
                        format!("{} of {}{b}, {when}", seconds(p.now), seconds(p.end))
                    })
                    aria-keyshortcuts="ArrowLeft ArrowRight Shift+ArrowLeft Shift+ArrowRight Home End"
                    on:keydown=handler(move |ev: KeyboardEvent| {
                        let p = picture.get_untracked();
                        if let Some(t) = key_target(&ev.key(), ev.shift_key(), &p) {
                            ev.prevent_default();
                            jump(t);
                        }
                    })
                    on:pointerdown=handler(move |ev: PointerEvent| {
                        dragging.set_value(true);
                        if let Some(t) = at_pointer(&ev) {
                            jump(t);
                        }
                    })
                    on:pointermove=handler(move |ev: PointerEvent| {
                        if dragging.get_value() && ev.buttons() & 1 == 1 && let Some(t) = at_pointer(&ev) {
                            jump(t);
                        }
                    })
                    on:pointerup=handler(move |_: PointerEvent| dragging.set_value(false))
                    on:pointerleave=handler(move |_: PointerEvent| dragging.set_value(false))
                >
                    <div class="scrub-track">
                        {live(move || {
                            picture
                                .get()
                                .marks
                                .iter()
                                .map(|m| {
                                    let style = format!("left: {:.3}%", pct(m.at_ms));
                                    let class = format!("mark mark-{}", m.kind.class());
                                    let title = format!("{}: {}", seconds(m.at_ms), m.label);
                                    view! { <span class=class style=style title=title data-kind=m.kind.class() data-at=m.at_ms></span> }
                                })
                                .collect_view()
                                .into_any()
                        })}
                        <span class="scrub-thumb" style=live(move || format!("left: {:.3}%", pct(picture.get().now)))></span>
                    </div>
                </div>
                <button class="btn" data-testid="step-forward" aria-label="Step forward one delivery or tick"
                    on:click=handler(move |_: MouseEvent| {
                        state.act(|e| {
                            e.paused = true;
                            e.travel_step();
                        });
                    })>"step ▶"</button>
                <button class="btn" data-testid="to-present" aria-label="Back to the present"
                    prop:disabled=live(move || !picture.get().past)
                    on:click=handler(move |_: MouseEvent| {
                        let end = picture.get_untracked().end;
                        jump(end);
                    })>"now"</button>
                <output class="moment" data-testid="moment">
                    {live(move || {
                        let p = picture.get();
                        format!("{} / {}", seconds(p.now), seconds(p.end))
                    })}
                </output>
            </div>
            {live(move || {
                let p = picture.get();
                if p.branches.len() < 2 {
                    return ().into_any();
                }
                let items = p
                    .branches
                    .iter()
                    .map(|&(id, from, end)| {
                        let label = match from {
                            Some((parent, at)) => format!("branch {} (from {} at {})", id + 1, parent + 1, seconds(at)),
                            None => format!("branch {} (to {})", id + 1, seconds(end)),
                        };
                        let pressed = (id == p.current).to_string();
                        view! {
                            <li>
                                <button class="btn" data-testid=format!("branch-{}", id + 1) aria-pressed=pressed
                                    on:click=handler(move |_: MouseEvent| {
                                        state.act(|e| {
                                            e.paused = true;
                                            e.travel_switch(id);
                                        });
                                    })>{label}</button>
                            </li>
                        }
                    })
                    .collect_view();
                view! { <ol class="branches" aria-label="branches" data-testid="branches">{items}</ol> }.into_any()
            })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::MarkKind;

    fn mark(at_ms: u64, kind: MarkKind) -> Mark {
        Mark { at_ms, kind, label: String::new() }
    }

    #[test]
    fn keys_move_to_the_previous_and_next_mark_shift_to_elections() {
        let p = Picture {
            start: 0,
            end: 10_000,
            now: 5_000,
            past: true,
            marks: vec![
                mark(1_000, MarkKind::Leader),
                mark(4_000, MarkKind::Command),
                mark(6_000, MarkKind::Stop),
                mark(8_000, MarkKind::Election),
            ],
            branches: Vec::new(),
            current: 0,
        };
        assert_eq!(key_target("ArrowLeft", false, &p), Some(4_000));
        assert_eq!(key_target("ArrowRight", false, &p), Some(6_000));
        assert_eq!(key_target("ArrowLeft", true, &p), Some(1_000));
        assert_eq!(key_target("ArrowRight", true, &p), Some(8_000));
        assert_eq!(key_target("Home", false, &p), Some(0));
        assert_eq!(key_target("End", false, &p), Some(10_000));
        assert_eq!(key_target("PageDown", false, &p), Some(0));
        assert_eq!(key_target("x", false, &p), None);
    }
}
