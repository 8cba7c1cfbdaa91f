//! The page: header, the cluster stage and the console, laid out for desktop
//! and mobile by `public/style.css`.

use leptos::prelude::*;

use crate::components::cluster::stage::ClusterStage;
use crate::components::console::terminal::Terminal;
use crate::components::layout::header::Header;

/// The whole playground page.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <div class="app" data-testid="app-shell">
            <Header />
            <main class="workspace">
                <ClusterStage />
                <Terminal />
            </main>
        </div>
    }
}
