//! The member inspector: raft status, progress, MVCC, leases, watchers,
//! alarms, disk, recent events; and the actions stop, start, restart,
//! isolate, campaign, transfer leadership here, promote, remove, each a
//! console command (`cluster stop etcd-2`, `etcdctl move-leader ID`)
//! typed into the hidden stage tab.

use ctl::printers::humanize_bytes;
use leptos::prelude::*;

use crate::live::{handler, live};
use crate::state::AppState;

fn human_bytes(n: i64) -> String {
    humanize_bytes(n.max(0) as u64)
}

/// What the inspector shows of one member.
#[derive(Clone, Debug, PartialEq)]
struct Facts {
    name: String,
    running: bool,
    learner: bool,
    rows: Vec<(&'static str, String)>,
    recent: Vec<crate::events::EventRow>,
}

/// Facts about one member.
fn facts(e: &crate::engine::Engine, id: u64) -> Facts {
    let name = e.name_of(id);
    let disk = e.sim().disk(id).map_or(0, server::Disk::size_bytes);
    let names = crate::events::names(e);
    let full = e.sim().disk(id).is_some_and(server::Disk::is_full);
    let slow = e.sim().node(id).map_or(0, |n| n.slow_disk_ms);
    let health = match (full, slow) {
        (true, _) => " · full: no space left".to_string(),
        (false, 0) => String::new(),
        (false, ms) => format!(" · slow: every fsync {ms} ms more"),
    };
    let mut rows =
        vec![("member id", format!("{id:x}")), ("disk", format!("{}{health}", human_bytes(disk as i64)))];
    let mut running = false;
    let mut learner = false;
    if let Some(m) = e.sim().member(id) {
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
                if r.hard_state.vote == 0 { "nobody".into() } else { e.name_of(r.hard_state.vote) },
            ),
            ("leader", if s.leader == 0 { "none".into() } else { e.name_of(s.leader) }),
            ("log", format!("{}..{} (last term {})", r.first_index, r.last_index, r.last_term)),
            ("commit / applied", format!("{} / {}", s.commit, s.applied)),
            ("election timer", format!("{} of {} ticks", r.election_elapsed, r.randomized_election_timeout)),
            ("membership", crate::events::with_names(&r.config, &names)),
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
                let who = e.name_of(*pid);
                rows.push(("progress", format!("{who}: match {} next {} {st}", p.matched, p.next_idx)));
            }
        }
    }
    let recent = e
        .sim()
        .events()
        .records()
        .rev()
        .filter(|r| crate::events::concerns(r, id))
        .take(8)
        .map(|r| crate::events::describe(r, &names))
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
        state.read(|e| e.sim().node(id).is_some().then(|| facts(e, id))).flatten()
    });
    // The console lines an action types, for the selected member.
    let act = move |f: fn(&crate::engine::Engine, u64) -> Vec<String>| {
        if let Some(id) = state.selected.get_untracked() {
            state.act(|e| {
                let lines = f(e, id);
                e.stage(lines);
            });
        }
    };

    view! {
        <div class="inspector" data-testid="inspector">
            {live(move || match info.get() {
                None => view! { <p class="empty">"Click a member on the ring (or focus it and press Enter) to inspect it."</p> }.into_any(),
                Some(Facts { name, running, learner, rows, recent }) => view! {
                    <h3>{name.clone()} {if running { "" } else { " (stopped)" }}</h3>
                    <div class="actions" role="group" aria-label=format!("actions on {name}")>
                        <button class="btn" data-testid="action-stop" disabled=!running title=format!("cluster stop {name}")
                            on:click=handler(move |_| act(|e, id| vec![format!("cluster stop {}", e.name_of(id))]))>"Stop"</button>
                        <button class="btn" data-testid="action-start" disabled=running title=format!("cluster start {name}")
                            on:click=handler(move |_| act(|e, id| vec![format!("cluster start {}", e.name_of(id))]))>"Start"</button>
                        <button class="btn" data-testid="action-restart" title=format!("cluster restart {name}")
                            on:click=handler(move |_| act(|e, id| vec![format!("cluster restart {}", e.name_of(id))]))>"Restart"</button>
                        <button class="btn" data-testid="action-isolate" title=format!("cluster isolate {name}")
                            on:click=handler(move |_| act(|e, id| vec![format!("cluster isolate {}", e.name_of(id))]))>"Isolate"</button>
                        <button class="btn" data-testid="action-heal" title="cluster heal"
                            on:click=handler(move |_| act(|_, _| vec!["cluster heal".to_string()]))>"Heal network"</button>
                        <button class="btn" data-testid="action-campaign" disabled=!running || learner title=format!("cluster campaign {name}")
                            on:click=handler(move |_| act(|e, id| vec![format!("cluster campaign {}", e.name_of(id))]))>"Campaign"</button>
                        <button class="btn" data-testid="action-move-leader" disabled=!running || learner title="etcdctl move-leader ID"
                            on:click=handler(move |_| act(|e, id| vec![e.etcdctl_all(&format!("move-leader {id:x}"))]))>"Transfer leadership here"</button>
                        {learner.then(|| view! {
                            <button class="btn" data-testid="action-promote" title="etcdctl member promote ID"
                                on:click=handler(move |_| act(|e, id| vec![e.etcdctl_all(&format!("member promote {id:x}"))]))>"Promote"</button>
                        }.into_any())}
                        <button class="btn danger" data-testid="action-remove" title="etcdctl member remove ID"
                            on:click=handler(move |_| act(|e, id| vec![e.etcdctl_all(&format!("member remove {id:x}"))]))>"Remove"</button>
                    </div>
                    // The seeds' disk failures: no space left (etcd exits at its
                    // next write), a slow fsync (late heartbeats, leader changes).
                    <div class="actions" role="group" aria-label=format!("disk faults on {name}")>
                        <button class="btn" data-testid="action-disk-full" title=format!("cluster disk {name} full")
                            on:click=handler(move |_| act(|e, id| vec![format!("cluster disk {} full", e.name_of(id))]))>"Fill its disk"</button>
                        <button class="btn" data-testid="action-disk-slow" title=format!("cluster disk {name} slow 400ms")
                            on:click=handler(move |_| act(|e, id| vec![format!("cluster disk {} slow 400ms", e.name_of(id))]))>"Slow disk"</button>
                        <button class="btn" data-testid="action-disk-ok" title=format!("cluster disk {name} ok")
                            on:click=handler(move |_| act(|e, id| vec![format!("cluster disk {} ok", e.name_of(id))]))>"Healthy disk"</button>
                    </div>
                    <dl class="facts">
                        {rows.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }.into_any()).collect_view()}
                    </dl>
                    <h4>"Recent events"</h4>
                    <ol class="recent events" data-testid="member-recent">
                        {recent.into_iter().map(|r| view! {
                            <li class=r.class>
                                <time>{r.when()}</time>
                                <span>{r.text}</span>
                            </li>
                        }.into_any()).collect_view()}
                    </ol>
                }.into_any(),
            })}
        </div>
    }
}
