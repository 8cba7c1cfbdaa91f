//! A member's actions where the finger is: on a phone, tapping a member
//! opens a small menu beside the tap (stop or start, restart, isolate,
//! heal, all actions), instead of the inspector far below the fold.

use leptos::prelude::*;

use crate::engine::Engine;
use crate::live::{handler, live, show};
use crate::state::{AppState, DataTab};

/// Where the menu opens: the member and the tap, in pixels from the
/// stage's top-left corner (already kept inside the stage).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct QuickMenu {
    /// The member.
    pub id: u64,
    /// Left edge (px).
    pub left: f64,
    /// Top edge (px).
    pub top: f64,
}

/// The menu's width and height (px) as `public/style.css` draws it, to
/// keep it inside the stage.
const MENU_W: f64 = 190.0;
const MENU_H: f64 = 300.0;

/// The menu's place for a tap at (`x`, `y`) in a stage of `w` × `h` px:
/// beside the finger (right of it, or left where the right has no room),
/// inside the stage.
pub fn place(x: f64, y: f64, w: f64, h: f64) -> (f64, f64) {
    let right = x + 12.0;
    let left = if right + MENU_W + 4.0 <= w { right } else { x - 12.0 - MENU_W };
    let left = left.min(w - MENU_W - 4.0).max(4.0);
    let top = (y - 24.0).min(h - MENU_H - 4.0).max(4.0);
    (left, top)
}

/// The menu of the member tapped last, if any.
#[component]
pub fn QuickActions() -> impl IntoView {
    let state = expect_context::<AppState>();
    let menu = state.quick;
    let info = Memo::new(move |_| {
        state.stage.track();
        let m = menu.get()?;
        state
            .read(|e| e.sim().node(m.id).map(|_| (m, e.name_of(m.id), e.sim().running().contains(&m.id))))
            .flatten()
    });
    let act = move |f: fn(&Engine, u64) -> Vec<String>| {
        if let Some(m) = menu.get_untracked() {
            state.act(|e| {
                let lines = f(e, m.id);
                e.stage(lines);
            });
        }
        menu.set(None);
    };
    let menu_view = show(
        live(move || info.with(Option::is_some)),
        live(move || {
            let Some((m, name, running)) = info.get() else { return ().into_any() };
            view! {
                <div
                    class="quick-actions"
                    data-testid="member-actions"
                    role="group"
                    aria-label=format!("actions on {name}")
                    style=format!("left:{:.0}px;top:{:.0}px", m.left, m.top)
                >
                    <div class="quick-head">
                        <b>{name.clone()}</b>
                        <button class="btn quick-close" data-testid="member-actions-close" aria-label="close"
                            on:click=handler(move |_| menu.set(None))>"✕"</button>
                    </div>
                    {if running {
                        view! { <button class="btn" data-testid="quick-stop" on:click=handler(move |_| act(|e, id| vec![format!("cluster stop {}", e.name_of(id))]))>"Stop"</button> }.into_any()
                    } else {
                        view! { <button class="btn" data-testid="quick-start" on:click=handler(move |_| act(|e, id| vec![format!("cluster start {}", e.name_of(id))]))>"Start"</button> }.into_any()
                    }}
                    <button class="btn" data-testid="quick-restart" on:click=handler(move |_| act(|e, id| vec![format!("cluster restart {}", e.name_of(id))]))>"Restart"</button>
                    <button class="btn" data-testid="quick-isolate" on:click=handler(move |_| act(|e, id| vec![format!("cluster isolate {}", e.name_of(id))]))>"Isolate"</button>
                    <button class="btn" data-testid="quick-heal" on:click=handler(move |_| act(|_, _| vec!["cluster heal".to_string()]))>"Heal network"</button>
                    <button class="btn" data-testid="quick-more" on:click=handler(move |_| {
                        state.data_tab.set(DataTab::Member);
                        menu.set(None);
                        if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("data-tabpanel")) {
                            el.scroll_into_view();
                        }
                    })>"All actions…"</button>
                </div>
            }
            .into_any()
        }),
    );
    view! { {menu_view} }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn the_menu_opens_beside_the_finger_and_stays_inside_the_stage() {
        assert_eq!(place(50.0, 20.0, 370.0, 400.0), (62.0, 4.0));
        // Near the right edge it opens left of the finger; near the bottom it moves up.
        assert_eq!(place(300.0, 390.0, 370.0, 400.0), (300.0 - 12.0 - MENU_W, 400.0 - MENU_H - 4.0));
        // A stage smaller than the menu: its top-left corner.
        assert_eq!(place(10.0, 10.0, 100.0, 100.0), (4.0, 4.0));
    }
}
