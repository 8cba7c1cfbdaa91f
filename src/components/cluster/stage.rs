//! The cluster stage: the controls, the ring of members with their links
//! and messages, and the quorum banner.

use leptos::prelude::*;

use crate::components::cluster::controls::Controls;
use crate::components::cluster::member::MemberNode;
use crate::components::cluster::message::{MessageDot, POOL};
use crate::components::cluster::quorum::QuorumBanner;
use crate::live::{live, show};
use crate::model::{CENTRE, RADIUS};
use crate::state::AppState;

/// The message types the legend explains: CSS class, label, meaning.
pub const LEGEND: [(&str, &str, &str); 11] = [
    ("m-app", "App", "the leader sends log entries"),
    ("m-appresp", "AppResp", "a follower acknowledges them"),
    ("m-hb", "HB", "the leader's heartbeat"),
    ("m-hbresp", "HBResp", "its answer"),
    ("m-prevote", "PreVote", "asks for a pre-vote (would you vote for me?)"),
    ("m-prevoteresp", "PreVoteResp", "granted or refused"),
    ("m-vote", "Vote", "asks for a vote in a new term"),
    ("m-voteresp", "VoteResp", "granted or refused"),
    ("m-snap", "Snap", "a snapshot for a follower far behind"),
    ("m-read", "ReadIndex", "a linearizable read checks leadership"),
    ("m-timeout", "TimeoutNow", "leader transfer: campaign now"),
];

/// The area of the page that shows the cluster.
#[component]
pub fn ClusterStage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let member_ids =
        Memo::new(move |_| state.stage.with(|s| s.members.iter().map(|m| m.id).collect::<Vec<_>>()));
    let links = Memo::new(move |_| state.stage.with(|s| s.links.clone()));
    // The message pool (POOL slots of four elements and eight effects each)
    // shows nothing until a message flies: it is built in the first frame
    // after the page is live, not in the task that makes it interactive.
    let pool = RwSignal::new(false);
    request_animation_frame(move || pool.set(true));
    let summary = move || {
        state.stage.with(|s| {
            let parts: Vec<String> =
                s.members.iter().map(|m| format!("{} {}", m.name, m.role.label())).collect();
            format!("cluster ring: {}", parts.join(", "))
        })
    };
    // What the last step did, while paused after Step or "step to next".
    let caption = Memo::new(move |_| {
        state.clock.track();
        state
            .read(|e| {
                let last = e.last_step.as_ref().filter(|_| e.paused)?;
                Some(crate::events::step_caption(e, last))
            })
            .flatten()
    });
    view! {
        <section class="panel stage" data-testid="cluster-stage" aria-labelledby="stage-title">
            <div class="panel-head">
                <h2 id="stage-title">"Cluster"</h2>
                <span class="clock" data-testid="clock">
                    {live(move || {
                        state.clock.with(|c| {
                            format!(
                                "t = {:.1} s · step {} · seed {:x}{}",
                                (c.now_ms / 100) as f64 / 10.0,
                                c.steps,
                                c.seed,
                                if c.paused { " · paused" } else { "" }
                            )
                        })
                    })}
                </span>
            </div>
            <Controls />
            <div class="ring-wrap">
                <svg class="ring" data-testid="ring" viewBox="0 0 440 440" role="group" aria-label=live(summary)>
                    <circle class="ring-orbit" cx=CENTRE cy=CENTRE r=RADIUS />
                    <For
                        each=move || links.get()
                        // The ends are part of the key: when a member joins or
                        // leaves, the ring is laid out again and every link moves.
                        // A `String`, the key type the page's other lists use.
                        key=|l| {
                            let [x1, y1, x2, y2] = [l.x1, l.y1, l.x2, l.y2].map(|v| (v * 10.0).round() as i64);
                            format!("{:x} {:x} {} {x1} {y1} {x2} {y2}", l.key.0, l.key.1, l.cut)
                        }
                        children=|l| {
                            let (mx, my) = ((l.x1 + l.x2) / 2.0, (l.y1 + l.y2) / 2.0);
                            view! {
                                <g class=if l.cut { "link cut" } else { "link" } data-testid="link" data-state=if l.cut { "cut" } else { "up" }>
                                    <line x1=l.x1 y1=l.y1 x2=l.x2 y2=l.y2 />
                                    {l.cut
                                        .then(|| {
                                            view! {
                                                <g transform=format!("translate({mx:.1} {my:.1})")>
                                                    <circle class="cut-mark" r="9" />
                                                    <path d="M-4 -4 L4 4 M4 -4 L-4 4" />
                                                </g>
                                            }
                                            .into_any()
                                        })}
                                </g>
                            }
                            .into_any()
                        }
                    />
                    // Messages under the members: a label passing a member never
                    // covers its number or name.
                    <g class="messages" data-testid="messages" aria-hidden="true">
                        {show(
                            live(move || pool.get()),
                            live(|| (0..POOL).map(|index| view! { <MessageDot index=index /> }.into_any()).collect_view().into_any()),
                        )}
                    </g>
                    <For each=move || member_ids.get() key=|id| *id children=|id| view! { <MemberNode id=id /> } />
                    <text class="ring-clock" x=CENTRE y=CENTRE - 4.0 text-anchor="middle">
                        {live(move || format!("{:.1} s", (state.clock.with(|c| c.now_ms) / 100) as f64 / 10.0))}
                    </text>
                    <text class="ring-sub" x=CENTRE y=CENTRE + 14.0 text-anchor="middle">
                        {live(move || state.clock.with(|c| if c.paused { "paused".to_string() } else { format!("{}×", c.speed.max(0.01).to_string().chars().take(4).collect::<String>()) }))}
                    </text>
                </svg>
                <crate::components::cluster::quick::QuickActions />
                <div class="legend-col">
                {show(
                    live(move || caption.with(Option::is_some)),
                    live(move || {
                        view! {
                            <p class="step-caption" data-testid="step-caption" role="status">
                                <span class="visually-hidden">"Last step: "</span>
                                {live(move || caption.get().unwrap_or_default())}
                            </p>
                        }
                        .into_any()
                    }),
                )}
                <ul class="legend" aria-label="legend">
                    <li><span class="key role-leader">"⬢"</span>"leader"</li>
                    <li><span class="key role-follower">"●"</span>"follower"</li>
                    <li><span class="key role-precandidate">"◌"</span>"pre-candidate"</li>
                    <li><span class="key role-candidate">"◆"</span>"candidate"</li>
                    <li><span class="key role-learner">"■"</span>"learner"</li>
                    <li><span class="key role-stopped">"⊗"</span>"stopped"</li>
                    <li>
                        <details class="legend-more" data-testid="legend-more">
                            <summary>"messages, timer, links"</summary>
                            <ul>
                                {LEGEND
                                    .iter()
                                    .map(|(class, label, what)| {
                                        view! {
                                            <li>
                                                <svg class=format!("key-dot msg {class}") viewBox="-6 -6 12 12" aria-hidden="true"><circle r="5" /></svg>
                                                <b>{*label}</b>" "{*what}
                                            </li>
                                        }
                                        .into_any()
                                    })
                                    .collect_view()}
                                <li><span class="key lost-key" aria-hidden="true">"✕"</span>"a message lost (partition, drop, member down)"</li>
                                <li><span class="key arc-key" aria-hidden="true">"◔"</span>"the ring round a member: its election timer; full, it starts a pre-vote"</li>
                                <li><span class="key cut-key" aria-hidden="true">"╌"</span>"a red dashed link: cut by a partition"</li>
                                <li>"hover a message for sender, target, term and entries"</li>
                            </ul>
                        </details>
                    </li>
                </ul>
                </div>
            </div>
            <QuorumBanner />
            <crate::components::cluster::travel::TimeTravel />
        </section>
    }
}
