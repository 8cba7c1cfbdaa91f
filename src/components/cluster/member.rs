//! One member on the ring: role by colour, shape and label, its term, and
//! the election timer as an arc that fills until it fires.

use leptos::prelude::*;

use crate::live::{handler, live, show};
use crate::model::{MemberView, Role};
use crate::state::{AppState, DataTab};

/// The shape of a role, centred on (0, 0): leader a hexagon, candidate a
/// diamond, pre-candidate a dashed circle, learner a small square, follower
/// a circle, stopped a circle with a cross.
fn shape(role: Role) -> AnyView {
    match role {
        Role::Leader => {
            view! { <polygon class="shape" points="0,-30 26,-15 26,15 0,30 -26,15 -26,-15" /> }.into_any()
        }
        Role::Candidate => view! { <polygon class="shape" points="0,-30 30,0 0,30 -30,0" /> }.into_any(),
        Role::Learner => {
            view! { <rect class="shape" x="-22" y="-22" width="44" height="44" rx="6" /> }.into_any()
        }
        Role::Stopped => view! {
            <g>
                <circle class="shape" r="26" />
                <path class="cross" d="M-11 -11 L11 11 M11 -11 L-11 11" />
            </g>
        }
        .into_any(),
        Role::Follower | Role::PreCandidate => view! { <circle class="shape" r="26" /> }.into_any(),
    }
}

/// On a phone, a tap on a member opens its actions beside the finger
/// (`quick.rs`); elsewhere the inspector beside the ring is enough.
fn open_quick(state: AppState, id: u64, ev: &leptos::ev::MouseEvent) {
    use wasm_bindgen::JsCast;
    if !crate::browser::narrow() {
        return;
    }
    let wrap = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest(".stage").ok().flatten());
    let Some(stage) = wrap else { return };
    let r = stage.get_bounding_client_rect();
    let x = f64::from(ev.client_x()) - r.left();
    let y = f64::from(ev.client_y()) - r.top();
    let (left, top) = crate::components::cluster::quick::place(x, y, r.width(), r.height());
    state.quick.set(Some(crate::components::cluster::quick::QuickMenu { id, left, top }));
}

/// Member `id` as drawn from the stage model.
#[component]
pub fn MemberNode(id: u64) -> impl IntoView {
    let state = expect_context::<AppState>();
    let member = Memo::new(move |_| state.stage.with(|s| s.members.iter().find(|m| m.id == id).cloned()));
    let role = Memo::new(move |_| member.get().map_or(Role::Stopped, |m| m.role));
    let selected = move || state.selected.get() == Some(id) || state.highlight.get() == Some(id);
    let select = move || {
        state.selected.set(Some(id));
        state.data_tab.set(DataTab::Member);
    };
    let label = move || {
        member.get().map_or_else(String::new, |m: MemberView| {
            if m.role == Role::Stopped {
                format!("{}, stopped. Open its inspector.", m.name)
            } else {
                format!("{}, {}, term {}. Open its inspector.", m.name, m.role.label(), m.term)
            }
        })
    };
    view! {
        {show(
            live(move || member.get().is_some()),
            live(move || {
                view! {
                    <g
                        class=live(move || format!("member role-{}{}", role.get().as_str(), if selected() { " selected" } else { "" }))
                        data-testid="member"
                        data-name=live(move || member.get().map(|m| m.name).unwrap_or_default())
                        data-role=live(move || role.get().as_str().to_string())
                        transform=live(move || member.get().map(|m| format!("translate({:.1} {:.1})", m.x, m.y)).unwrap_or_default())
                        role="button"
                        tabindex="0"
                        aria-label=live(label)
                        on:click=handler(move |ev: leptos::ev::MouseEvent| {
                            select();
                            open_quick(state, id, &ev);
                        })
                        on:keydown=handler(move |ev: leptos::ev::KeyboardEvent| {
                            if ev.key() == "Enter" || ev.key() == " " {
                                ev.prevent_default();
                                ev.stop_propagation();
                                select();
                            }
                        })
                    >
                        <circle class="timer-track" r="36" />
                        <circle
                            class="timer-arc"
                            r="36"
                            pathLength="100"
                            transform="rotate(-90)"
                            stroke-dasharray=live(move || {
                                let t = member.get().and_then(|m| m.timer).unwrap_or(0.0);
                                format!("{:.1} 100", t * 100.0)
                            })
                        />
                        {live(move || shape(role.get()))}
                        <text class="member-name" y="4" text-anchor="middle">
                            {live(move || member.get().map(|m| m.number.to_string()).unwrap_or_default())}
                        </text>
                        <text class="member-label" y="52" text-anchor="middle">
                            {live(move || member.get().map(|m| m.name).unwrap_or_default())}
                        </text>
                        <text class="member-role" y="66" text-anchor="middle">
                            {live(move || {
                                member
                                    .get()
                                    .map(|m| {
                                        let role = if m.role == Role::Stopped {
                                            "stopped".to_string()
                                        } else {
                                            format!("{} · term {}", m.role.label(), m.term)
                                        };
                                        // A disk fault is drawn where the role is read.
                                        if m.disk.is_empty() { role } else { format!("{role} · {}", m.disk) }
                                    })
                                    .unwrap_or_default()
                            })}
                        </text>
                    </g>
                }
                .into_any()
            }),
        )}
    }
}
