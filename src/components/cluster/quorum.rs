//! The quorum banner ("3 of 5 members up, quorum is 3: writes work") and
//! the table of members, majority and failures tolerated, with the current
//! row marked.

use leptos::prelude::*;

use crate::live::live;
use crate::model::{QuorumView, quorum_table};
use crate::state::AppState;

/// How things stand from the console's endpoint, most serious first: the
/// banner's colour and `data-state`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// No side of the cluster holds a quorum.
    Lost,
    /// The console's endpoint is stopped.
    Down,
    /// The endpoint is on a side without a quorum (another side has one).
    Minority,
    /// The endpoint's side has a quorum but no leader yet.
    Electing,
    /// Writes through the endpoint commit.
    Ok,
}

impl Standing {
    /// The `data-state` value and CSS class.
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Lost => "lost",
            Standing::Down => "down",
            Standing::Minority => "minority",
            Standing::Electing => "electing",
            Standing::Ok => "ok",
        }
    }

    /// The icon beside the sentence.
    pub fn icon(self) -> &'static str {
        match self {
            Standing::Ok => "✓",
            Standing::Electing => "…",
            _ => "!",
        }
    }
}

/// The standing and the banner's sentence, from the console's endpoint
/// (`etcd-N`): what a command sent there does.
pub fn banner(q: &QuorumView, endpoint: u64) -> (Standing, String) {
    let ep = format!("etcd-{endpoint}");
    let mine = q.groups.iter().find(|g| g.numbers.contains(&endpoint));
    let majority = q.groups.iter().find(|g| g.has_quorum);
    let head = format!("{} of {} members up, quorum is {}", q.up, q.voters, q.quorum);
    let (standing, mut line) = match (majority, mine) {
        (None, _) => (
            Standing::Lost,
            format!(
                "Quorum lost ({} of {} up, {} reachable, quorum is {}): writes and linearizable reads fail, serializable reads still answer.",
                q.up, q.voters, q.reachable, q.quorum
            ),
        ),
        (Some(m), None) => (
            Standing::Down,
            format!(
                "The console's endpoint {ep} is stopped: commands sent to it fail (context deadline exceeded). \
                 {head}: {} {}; choose one of them as endpoint.",
                m.names(),
                match m.leader {
                    Some(l) => format!("have a quorum, leader etcd-{l}"),
                    None => "have a quorum and are electing a leader".to_string(),
                }
            ),
        ),
        (Some(m), Some(g)) if !g.has_quorum => {
            let stale = match g.leader {
                Some(l) if l == endpoint => {
                    format!(" {ep} still believes it leads until check-quorum steps it down.")
                }
                Some(l) => format!(" etcd-{l} still believes it leads until check-quorum steps it down."),
                None => String::new(),
            };
            (
                Standing::Minority,
                format!(
                    "The console's endpoint {ep} is cut off from the quorum (its side: {}; quorum is {}): a write sent to it waits, \
                     then fails with context deadline exceeded; serializable reads answer, maybe stale.{stale} {} {}; choose one of them as endpoint.",
                    g.names(),
                    q.quorum,
                    m.names(),
                    match m.leader {
                        Some(l) => format!("have the quorum, leader etcd-{l}"),
                        None => "have the quorum and are electing a leader".to_string(),
                    }
                ),
            )
        }
        (Some(_), Some(g)) => match g.leader {
            Some(l) => (Standing::Ok, format!("{head}: writes through {ep} work. Leader: etcd-{l}.")),
            None => (
                Standing::Electing,
                format!(
                    "{head}, no leader yet: a write through {ep} waits until one is elected (etcdctl gives up after 5 s)."
                ),
            ),
        },
    };
    if q.groups.len() > 1 {
        let sides: Vec<String> = q
            .groups
            .iter()
            .map(|g| if g.has_quorum { format!("{} (quorum)", g.names()) } else { g.names() })
            .collect();
        line = format!("{line} Partitioned: {}.", sides.join(" | "));
    }
    // A voter from `member add` counts towards the quorum before it runs.
    let line = match q.unstarted {
        0 => line,
        1 => format!("{line} One voter was added with member add but never started (cluster start NAME)."),
        n => format!("{line} {n} voters were added with member add but never started (cluster start NAME)."),
    };
    (standing, line)
}

/// The banner and the table.
#[component]
pub fn QuorumBanner() -> impl IntoView {
    let state = expect_context::<AppState>();
    let q = Memo::new(move |_| state.stage.with(|s| s.quorum.clone()));
    // The endpoint of the console tab in front: the banner speaks for it.
    let endpoint = Memo::new(move |_| {
        state.console.track();
        let tab = state.active_tab.get();
        state.read(|e| e.tabs.get(tab).map_or(1, |t| t.endpoint)).unwrap_or(1)
    });
    let b = Memo::new(move |_| banner(&q.get(), endpoint.get()));
    let text = move || b.get().1;
    view! {
        <div class="quorum-wrap">
            <div
                class=live(move || format!("quorum {}", b.get().0.as_str()))
                data-testid="quorum"
                data-state=live(move || b.get().0.as_str().to_string())
                role="status"
                aria-live="polite"
            >
                <span class="quorum-icon" aria-hidden="true">{live(move || b.get().0.icon().to_string())}</span>
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
    use crate::model::GroupView;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn group(numbers: &[u64], leader: Option<u64>, has_quorum: bool) -> GroupView {
        GroupView { numbers: numbers.to_vec(), leader, has_quorum }
    }

    fn three(groups: Vec<GroupView>) -> QuorumView {
        let up = groups.iter().map(|g| g.numbers.len()).sum();
        let reachable = groups.iter().map(|g| g.numbers.len()).max().unwrap_or(0);
        QuorumView {
            voters: 3,
            up,
            quorum: 2,
            reachable,
            unstarted: 0,
            ok: reachable >= 2,
            leader: None,
            groups,
            stopped: Vec::new(),
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn an_added_member_that_never_started_is_named_in_the_banner() {
        let q = QuorumView {
            voters: 4,
            up: 2,
            quorum: 3,
            reachable: 2,
            unstarted: 1,
            ok: false,
            leader: None,
            groups: vec![group(&[1, 2], Some(1), false)],
            stopped: Vec::new(),
        };
        assert_eq!(
            banner(&q, 1),
            (
                Standing::Lost,
                "Quorum lost (2 of 4 up, 2 reachable, quorum is 3): writes and linearizable reads fail, \
                 serializable reads still answer. One voter was added with member add but never started (cluster start NAME)."
                    .to_string()
            )
        );
        let q = QuorumView {
            unstarted: 0,
            up: 3,
            reachable: 3,
            ok: true,
            groups: vec![group(&[1, 2, 3], Some(1), true)],
            ..q
        };
        assert_eq!(
            banner(&q, 1).1,
            "3 of 4 members up, quorum is 3: writes through etcd-1 work. Leader: etcd-1."
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn no_leader_yet_is_its_own_state() {
        let (s, text) = banner(&three(vec![group(&[1, 2, 3], None, true)]), 1);
        assert_eq!(s, Standing::Electing);
        assert_eq!(
            text,
            "3 of 3 members up, quorum is 2, no leader yet: a write through etcd-1 waits until one is elected (etcdctl gives up after 5 s)."
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn an_isolated_endpoint_is_told_its_writes_fail_and_the_sides_are_named() {
        let q = three(vec![group(&[1], Some(1), false), group(&[2, 3], Some(3), true)]);
        let (s, text) = banner(&q, 1);
        assert_eq!(s, Standing::Minority);
        assert_eq!(
            text,
            "The console's endpoint etcd-1 is cut off from the quorum (its side: etcd-1; quorum is 2): a write sent to it waits, \
             then fails with context deadline exceeded; serializable reads answer, maybe stale. etcd-1 still believes it leads \
             until check-quorum steps it down. etcd-2, etcd-3 have the quorum, leader etcd-3; choose one of them as endpoint. \
             Partitioned: etcd-1 | etcd-2, etcd-3 (quorum)."
        );
        // From the majority's side, the same cluster works.
        let (s, text) = banner(&q, 2);
        assert_eq!(s, Standing::Ok);
        assert_eq!(
            text,
            "3 of 3 members up, quorum is 2: writes through etcd-2 work. Leader: etcd-3. Partitioned: etcd-1 | etcd-2, etcd-3 (quorum)."
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_stopped_endpoint_is_named() {
        let mut q = three(vec![group(&[2, 3], Some(2), true)]);
        q.stopped = vec![1];
        let (s, text) = banner(&q, 1);
        assert_eq!(s, Standing::Down);
        assert!(
            text.starts_with("The console's endpoint etcd-1 is stopped: commands sent to it fail"),
            "{text}"
        );
        assert!(text.contains("etcd-2, etcd-3 have a quorum, leader etcd-2"), "{text}");
    }
}
