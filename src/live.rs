//! Computed values for views, behind one type per value type.
//!
//! Leptos compiles a view's reactive attribute or child once for each
//! closure type: every `class=move || ...` instantiates tachys's render
//! effect, its state, its drop glue and its type erasure again. Boxing
//! the closure first makes every computed `String` attribute on the page
//! one type, [`Live<String>`], so that code exists once per value type
//! instead of once per closure (`cargo xtask size`: the page's share).
//!
//! ```text
//!   class=move || format!(...)          one instantiation per closure
//!   class=live(move || format!(...))    one for every Live<String>
//! ```
//!
//! Event handlers ([`handler`]) and `<Show>` ([`show`]) get the same
//! treatment; lists and optional views are `AnyView` in the components.

use leptos::prelude::*;

/// A computed value a view reads reactively.
pub type Live<T> = Box<dyn Fn() -> T + Send + Sync>;

/// `f` as a [`Live`] value.
pub fn live<T>(f: impl Fn() -> T + Send + Sync + 'static) -> Live<T> {
    Box::new(f)
}

/// An event handler: one type per event type, for the same reason.
pub type Handler<E> = Box<dyn FnMut(E)>;

/// `f` as a [`Handler`].
pub fn handler<E>(f: impl FnMut(E) + 'static) -> Handler<E> {
    Box::new(f)
}

/// What `<Show>` does, built once for the whole page: `view` while `when`
/// holds, nothing otherwise; `view` is built again only when `when`
/// changes (a memo between them, as in `Show`).
pub fn show(when: Live<bool>, view: Live<AnyView>) -> Live<Option<AnyView>> {
    let when = Memo::new(move |_| when());
    live(move || when.get().then(&view))
}
