//! The cluster stage: where the members, their messages and the quorum
//! banner are drawn.

use leptos::prelude::*;

/// The area of the page that shows the cluster. The ring is laid out for
/// the members the simulator will report.
#[component]
pub fn ClusterStage() -> impl IntoView {
    view! {
        <section class="panel stage" data-testid="cluster-stage" aria-labelledby="stage-title">
            <div class="panel-head">
                <h2 id="stage-title">"Cluster"</h2>
            </div>
            <svg class="ring" viewBox="0 0 400 400" role="img" aria-label="cluster ring, no members yet">
                <circle class="ring-orbit" cx="200" cy="200" r="140" />
                <text class="ring-caption" x="200" y="205" text-anchor="middle">"no members yet"</text>
            </svg>
        </section>
    }
}
