//! The page header: the name of the playground and what it runs.

use leptos::prelude::*;

/// Top bar with the playground's name and the etcd version it mimics.
#[component]
pub fn Header() -> impl IntoView {
    view! {
        <header class="header" data-testid="header">
            <div class="brand">
                <svg class="brand-mark" viewBox="0 0 32 32" aria-hidden="true">
                    <circle cx="16" cy="6" r="4" />
                    <circle cx="6" cy="24" r="4" />
                    <circle cx="26" cy="24" r="4" />
                    <path d="M16 10 L8 21 M16 10 L24 21 M10 24 L22 24" />
                </svg>
                <h1>"etcd playground"</h1>
            </div>
            <p class="tagline">"etcd v3.5 and its Raft cluster, running in this tab"</p>
        </header>
    }
}
