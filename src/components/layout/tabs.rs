//! The keyboard of every tablist on the page, as the WAI-ARIA tabs pattern
//! has it: Left/Right move to the previous/next tab and select it
//! (wrapping), Home/End to the first/last; only the selected tab is in the
//! Tab order (`tabindex` 0, the others -1), so Tab goes from the tablist
//! straight into the tab panel.
//!
//! ```text
//!   [Tab 1] [Tab 2]   focus on Tab 2, Right -> Tab 1 (wraps), selected
//!   [Timeline] [Keys] [Raft log] [Member] [Kubernetes]
//!                   focus on Keys, End -> Kubernetes, selected
//! ```

use leptos::ev::KeyboardEvent;
use wasm_bindgen::JsCast;

/// The tab a key moves to from tab `current` of `count`, if it is a
/// tablist key.
pub fn key_target(key: &str, current: usize, count: usize) -> Option<usize> {
    if count == 0 {
        return None;
    }
    match key {
        "ArrowRight" => Some((current + 1) % count),
        "ArrowLeft" => Some((current + count - 1) % count),
        "Home" => Some(0),
        "End" => Some(count - 1),
        _ => None,
    }
}

/// Handles a key pressed on a tab of a tablist: the tab it selects (the
/// caller sets it), with focus moved onto it. `None` for other keys.
pub fn on_tab_keydown(ev: &KeyboardEvent, current: usize, count: usize) -> Option<usize> {
    if ev.alt_key() || ev.ctrl_key() || ev.meta_key() {
        return None;
    }
    let next = key_target(&ev.key(), current, count)?;
    ev.prevent_default();
    let tab = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("[role=tablist]").ok().flatten())
        .and_then(|list| list.query_selector_all("[role=tab]").ok())
        .and_then(|tabs| tabs.get(next as u32))
        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(tab) = tab {
        let _ = tab.focus();
    }
    Some(next)
}

/// The `tabindex` of a tab: 0 for the selected one, -1 for the others.
pub fn roving_tabindex(selected: bool) -> &'static str {
    if selected { "0" } else { "-1" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn arrows_wrap_and_home_end_jump() {
        assert_eq!(key_target("ArrowRight", 0, 2), Some(1));
        assert_eq!(key_target("ArrowRight", 1, 2), Some(0));
        assert_eq!(key_target("ArrowLeft", 0, 5), Some(4));
        assert_eq!(key_target("ArrowLeft", 3, 5), Some(2));
        assert_eq!(key_target("Home", 3, 5), Some(0));
        assert_eq!(key_target("End", 1, 5), Some(4));
        assert_eq!(key_target("ArrowDown", 1, 5), None);
        assert_eq!(key_target("End", 0, 0), None);
    }
}
