//! The event timeline in plain language ("etcd-2's election timer fired:
//! it starts a pre-vote for term 4"), newest first, filterable; an event
//! highlights its member on the ring.

use std::collections::BTreeMap;

use leptos::prelude::*;
use server::MemberEventKind as K;
use sim::{EventRecord, SimEvent};

use crate::state::AppState;

/// Events listed at most.
const SHOWN: usize = 120;

/// One row of the timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineRow {
    /// Sequence number (the key).
    pub seq: u64,
    /// Virtual time (ms).
    pub at_ms: u64,
    /// The member it is about, if any.
    pub member: Option<u64>,
    /// The sentence.
    pub text: String,
    /// CSS class by kind.
    pub class: &'static str,
}

fn name(names: &BTreeMap<u64, String>, id: u64) -> String {
    names.get(&id).cloned().unwrap_or_else(|| format!("{id:x}"))
}

/// The event `r` as a sentence, with member names for ids.
pub fn describe(r: &EventRecord, names: &BTreeMap<u64, String>) -> TimelineRow {
    let (member, text, class) = match &r.event {
        SimEvent::Member(e) => {
            let who = name(names, e.member);
            let (text, class) = match &e.kind {
                K::ElectionTimerFired { term } => (
                    format!("{who}'s election timer fired: it starts a pre-vote for term {}", term + 1),
                    "ev-election",
                ),
                K::PreVoteStarted { term } => {
                    (format!("{who} asks for pre-votes (term {term})"), "ev-election")
                }
                K::ElectionStarted { term } => {
                    (format!("{who} starts an election for term {term}"), "ev-election")
                }
                K::VoteGranted { to, term, pre_vote } => (
                    format!(
                        "{who} grants its {} to {} (term {term})",
                        if *pre_vote { "pre-vote" } else { "vote" },
                        name(names, *to)
                    ),
                    "ev-vote",
                ),
                K::BecameLeader { term } => (format!("{who} becomes leader of term {term}"), "ev-leader"),
                K::BecameFollower { term, leader } if *leader != 0 => {
                    (format!("{who} follows {} (term {term})", name(names, *leader)), "ev-follow")
                }
                K::BecameFollower { term, .. } => {
                    (format!("{who} becomes a follower (term {term})"), "ev-follow")
                }
                K::LeaderChanged { term, leader: 0 } => {
                    (format!("{who} has no leader (term {term})"), "ev-follow")
                }
                K::LeaderChanged { term, leader } => {
                    (format!("{who} learns that {} leads term {term}", name(names, *leader)), "ev-follow")
                }
                K::EntryCommitted { index } => (format!("{who} commits entry {index}"), "ev-commit"),
                K::Applied { index } => (format!("{who} applies up to entry {index}"), "ev-commit"),
                other => (format!("{who}: {}", sim::events::describe_member_event(other)), "ev-other"),
            };
            (Some(e.member), text, class)
        }
        SimEvent::Fault(f) => {
            use sim::faults::Fault;
            // Mending and growing the cluster are not faults: they read (and
            // are coloured) as good news.
            let (prefix, class) = match f {
                Fault::Join { .. } | Fault::Start { .. } | Fault::Heal => ("", "ev-start"),
                _ => ("fault: ", "ev-fault"),
            };
            let mut t = format!("{prefix}{f}");
            for (id, n) in names {
                t = t.replace(&format!("{id:x}"), n);
            }
            (None, t, class)
        }
        SimEvent::Stopped { member } => (
            Some(*member),
            format!("{} stopped: its memory is lost, its disk is kept", name(names, *member)),
            "ev-fault",
        ),
        SimEvent::Started { member } => {
            (Some(*member), format!("{}'s process started", name(names, *member)), "ev-start")
        }
        SimEvent::Request { id, endpoint, what } => (
            Some(*endpoint),
            format!("client request {id} to {}: {what}", name(names, *endpoint)),
            "ev-client",
        ),
        SimEvent::Response { id, outcome } => {
            (None, format!("request {id} answered: {outcome}"), "ev-client")
        }
    };
    TimelineRow { seq: r.seq, at_ms: r.at_ms, member, text, class }
}

/// Commits, applies and client requests: several per write, hidden
/// unless asked for.
fn is_routine(r: &EventRecord) -> bool {
    match &r.event {
        SimEvent::Member(e) => matches!(e.kind, K::EntryCommitted { .. } | K::Applied { .. }),
        SimEvent::Request { .. } | SimEvent::Response { .. } => true,
        _ => false,
    }
}

/// The timeline panel.
#[component]
pub fn Timeline() -> impl IntoView {
    let state = expect_context::<AppState>();
    let filter = RwSignal::new(String::new());
    let quiet = RwSignal::new(true);
    let rows = Memo::new(move |_| {
        state.data.track();
        let f = filter.get().to_lowercase();
        let hide_routine = quiet.get();
        state
            .read(|e| {
                let names: BTreeMap<u64, String> = e
                    .sim()
                    .member_ids()
                    .iter()
                    .filter_map(|id| e.sim().node(*id).map(|n| (*id, n.config.name.clone())))
                    .collect();
                e.sim()
                    .events()
                    .records()
                    .rev()
                    .filter(|r| !hide_routine || !is_routine(r))
                    .map(|r| describe(r, &names))
                    .filter(|row| f.is_empty() || row.text.to_lowercase().contains(&f))
                    .take(SHOWN)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    view! {
        <div class="timeline" data-testid="timeline">
            <div class="filters">
                <label>
                    <span class="visually-hidden">"Filter events"</span>
                    <input type="search" placeholder="filter: etcd-2, leader, vote, fault…" prop:value=move || filter.get()
                        on:input=move |ev| filter.set(event_target_value(&ev)) />
                </label>
                <label class="check">
                    <input type="checkbox" prop:checked=move || quiet.get() on:change=move |_| quiet.update(|q| *q = !*q) />
                    "hide commits and requests"
                </label>
            </div>
            <ol class="events">
                <For
                    each=move || rows.get()
                    key=|r| r.seq
                    children=move |r| {
                        let member = r.member;
                        view! {
                            <li
                                class=r.class
                                tabindex="0"
                                on:mouseenter=move |_| state.highlight.set(member)
                                on:mouseleave=move |_| state.highlight.set(None)
                                on:focus=move |_| state.highlight.set(member)
                                on:blur=move |_| state.highlight.set(None)
                            >
                                <time>{format!("{:.3} s", r.at_ms as f64 / 1000.0)}</time>
                                <span>{r.text}</span>
                            </li>
                        }
                    }
                />
            </ol>
        </div>
    }
}
