//! The quorum banner ("3 of 5 members up, quorum is 3: writes work") and
//! the table of members, majority and failures tolerated, with the current
//! row marked.

use leptos::prelude::*;

use crate::live::live;
use crate::model::{QuorumView, quorum_table};
use crate::state::AppState;

/// The banner's sentence.
pub fn banner_text(q: &QuorumView) -> String {
    let line = if q.ok {
        let split = if q.reachable < q.up {
            format!(", {} can reach each other", q.reachable)
        } else {
            String::new()
        };
        let leader = match &q.leader {
            Some(l) => format!(" Leader: {l}."),
            None => " Electing a leader…".to_string(),
        };
        format!("{} of {} members up{split}, quorum is {}: writes work.{leader}", q.up, q.voters, q.quorum)
    } else {
        format!(
            "Quorum lost ({} of {} up, {} reachable, quorum is {}): writes and linearizable reads fail, serializable reads still answer.",
            q.up, q.voters, q.reachable, q.quorum
        )
    };
    // A voter from `member add` counts towards the quorum before it runs.
    match q.unstarted {
        0 => line,
        1 => format!("{line} One voter was added with member add but never started (cluster start NAME)."),
        n => format!("{line} {n} voters were added with member add but never started (cluster start NAME)."),
    }
}

/// The banner and the table.
#[component]
pub fn QuorumBanner() -> impl IntoView {
    let state = expect_context::<AppState>();
    let q = Memo::new(move |_| state.stage.with(|s| s.quorum.clone()));
    let text = move || banner_text(&q.get());
    view! {
        <div class="quorum-wrap">
            <div
                class=live(move || if q.get().ok { "quorum ok" } else { "quorum lost" }.to_string())
                data-testid="quorum"
                data-state=live(move || if q.get().ok { "ok" } else { "lost" }.to_string())
                role="status"
                aria-live="polite"
            >
                <span class="quorum-icon" aria-hidden="true">{live(move || if q.get().ok { "✓" } else { "!" }.to_string())}</span>
                <span>{live(text)}</span>
            </div>
            <details class="quorum-table">
                <summary>"Members, majority and failures tolerated"</summary>
                <table>
                    <thead>
                        <tr>
                            <th scope="col">"members"</th>
                            <th scope="col">"majority"</th>
                            <th scope="col">"failures tolerated"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {quorum_table()
                            .into_iter()
                            .map(|(n, maj, tol)| {
                                let current = move || q.get().voters == n;
                                view! {
                                    <tr
                                        class=live(move || if current() { "current" } else { "" }.to_string())
                                        aria-current=live(move || if current() { "true" } else { "false" }.to_string())
                                    >
                                        <td>{n}{live(move || if current() { " ◀" } else { "" }.to_string())}</td>
                                        <td>{maj}</td>
                                        <td>{tol}</td>
                                    </tr>
                                }
                                .into_any()
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </details>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn an_added_member_that_never_started_is_named_in_the_banner() {
        let q =
            QuorumView { voters: 4, up: 2, quorum: 3, reachable: 2, unstarted: 1, ok: false, leader: None };
        assert_eq!(
            banner_text(&q),
            "Quorum lost (2 of 4 up, 2 reachable, quorum is 3): writes and linearizable reads fail, \
             serializable reads still answer. One voter was added with member add but never started (cluster start NAME)."
        );
        let q =
            QuorumView { unstarted: 0, up: 3, reachable: 3, ok: true, leader: Some("etcd-1".into()), ..q };
        assert_eq!(banner_text(&q), "3 of 4 members up, quorum is 3: writes work. Leader: etcd-1.");
    }
}
