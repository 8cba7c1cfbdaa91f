//! The member inspector: raft status, progress, MVCC, leases, watchers,
//! alarms, disk, recent events; and the actions stop, start, restart,
//! isolate, transfer leadership here, promote, remove.

use leptos::prelude::*;
use sim::Fault;

use crate::shell::human_bytes;
use crate::state::AppState;

/// What the inspector shows of one member.
#[derive(Clone, Debug, PartialEq)]
struct Facts {
    name: String,
    running: bool,
    learner: bool,
    rows: Vec<(&'static str, String)>,
    recent: Vec<String>,
}

/// Facts about one member.
fn facts(e: &crate::engine::Engine, id: u64) -> Facts {
    let name = e.sim.node(id).map(|n| n.config.name.clone()).unwrap_or_else(|| format!("{id:x}"));
    let disk = e.sim.disk(id).map_or(0, server::Disk::size_bytes);
    let mut rows = vec![("member id", format!("{id:x}")), ("disk", human_bytes(disk as i64))];
    let mut running = false;
    let mut learner = false;
    if let Some(m) = e.sim.member(id) {
        running = true;
        let s = m.status();
        learner = s.is_learner;
        let keys = m
            .store()
            .range(&mvcc::RangeRequest {
                key: vec![0],
                range_end: vec![0],
                count_only: true,
                ..Default::default()
            })
            .map_or(0, |r| r.count);
        let r = &s.raft;
        rows.extend([
            (
                "role",
                match r.soft_state.raft_state {
                    _ if s.is_learner => "learner",
                    raft::StateRole::Leader => "leader",
                    raft::StateRole::Follower => "follower",
                    raft::StateRole::PreCandidate => "pre-candidate",
                    raft::StateRole::Candidate => "candidate",
                }
                .to_string(),
            ),
            ("term", s.term.to_string()),
            (
                "voted for",
                if r.hard_state.vote == 0 { "nobody".into() } else { format!("{:x}", r.hard_state.vote) },
            ),
            ("leader", if s.leader == 0 { "none".into() } else { format!("{:x}", s.leader) }),
            ("log", format!("{}..{} (last term {})", r.first_index, r.last_index, r.last_term)),
            ("commit / applied", format!("{} / {}", s.commit, s.applied)),
            ("election timer", format!("{} of {} ticks", r.election_elapsed, r.randomized_election_timeout)),
            ("membership", r.config.clone()),
            ("revision", format!("{} (compacted {})", s.revision, s.compact_revision)),
            ("keys", keys.to_string()),
            (
                "db size / in use",
                format!("{} / {}", human_bytes(s.db_size as i64), human_bytes(s.db_size_in_use as i64)),
            ),
            ("leases", s.leases.to_string()),
            ("watchers", s.watchers.to_string()),
            (
                "alarms",
                if s.alarms.is_empty() {
                    "none".into()
                } else {
                    s.alarms
                        .iter()
                        .map(|a| match a.alarm {
                            server::AlarmType::NoSpace => "NOSPACE",
                            server::AlarmType::Corrupt => "CORRUPT",
                            server::AlarmType::None => "NONE",
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                },
            ),
            ("last snapshot", format!("index {}", s.last_snapshot_index)),
            ("pending requests", s.pending_requests.to_string()),
        ]);
        for (pid, p) in &r.progress {
            if *pid != id {
                let st = match p.state {
                    raft::ProgressState::Probe => "probe",
                    raft::ProgressState::Replicate => "replicate",
                    raft::ProgressState::Snapshot => "snapshot",
                };
                rows.push(("progress", format!("{pid:x}: match {} next {} {st}", p.matched, p.next_idx)));
            }
        }
    }
    let recent: Vec<String> = e
        .sim
        .events()
        .records()
        .rev()
        .filter(|r| match &r.event {
            sim::SimEvent::Member(m) => m.member == id,
            sim::SimEvent::Stopped { member } | sim::SimEvent::Started { member } => *member == id,
            _ => false,
        })
        .take(8)
        .map(ToString::to_string)
        .collect();
    Facts { name, running, learner, rows, recent }
}

/// The inspector of the selected member.
#[component]
pub fn Inspector() -> impl IntoView {
    let state = expect_context::<AppState>();
    let info = Memo::new(move |_| {
        state.data.track();
        let id = state.selected.get()?;
        state.read(|e| e.sim.node(id).is_some().then(|| facts(e, id))).flatten()
    });
    let act = move |f: Box<dyn Fn(u64) -> Fault>| {
        if let Some(id) = state.selected.get_untracked() {
            state.act(|e| e.apply(f(id)));
        }
    };
    view! {
        <div class="inspector" data-testid="inspector">
            {move || match info.get() {
                None => view! { <p class="empty">"Click a member on the ring (or focus it and press Enter) to inspect it."</p> }.into_any(),
                Some(Facts { name, running, learner, rows, recent }) => view! {
                    <h3>{name.clone()} {if running { "" } else { " (stopped)" }}</h3>
                    <div class="actions" role="group" aria-label=format!("actions on {name}")>
                        <button class="btn" data-testid="action-stop" disabled=!running on:click=move |_| act(Box::new(|member| Fault::Stop { member }))>"Stop"</button>
                        <button class="btn" data-testid="action-start" disabled=running on:click=move |_| act(Box::new(|member| Fault::Start { member }))>"Start"</button>
                        <button class="btn" on:click=move |_| act(Box::new(|member| Fault::Restart { member }))>"Restart"</button>
                        <button class="btn" on:click=move |_| act(Box::new(|member| Fault::Isolate { member }))>"Isolate"</button>
                        <button class="btn" on:click=move |_| act(Box::new(|_| Fault::Heal))>"Heal network"</button>
                        <button class="btn" disabled=!running on:click=move |_| {
                            if let Some(id) = state.selected.get_untracked() { state.act(|e| e.move_leader(id)); }
                        }>"Transfer leadership here"</button>
                        {learner.then(|| view! {
                            <button class="btn" on:click=move |_| {
                                if let Some(id) = state.selected.get_untracked() { state.act(|e| e.promote(id)); }
                            }>"Promote"</button>
                        })}
                        <button class="btn danger" on:click=move |_| {
                            if let Some(id) = state.selected.get_untracked() { state.act(|e| e.remove_member(id)); }
                        }>"Remove"</button>
                    </div>
                    <dl class="facts">
                        {rows.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
                    </dl>
                    <h4>"Recent events"</h4>
                    <ol class="recent">{recent.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ol>
                }.into_any(),
            }}
        </div>
    }
}
