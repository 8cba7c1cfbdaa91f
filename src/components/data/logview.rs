//! The raft logs: one row per member in member order (etcd-1 first), the
//! leader's row marked; entries numbered by index and coloured by term,
//! marks for conf changes and the leader's empty entries, commit and
//! applied markers, the snapshot boundary; on the leader, each follower's
//! match and next index and progress state.

use leptos::prelude::*;
use raft::{EntryType, ProgressState};

use crate::live::live;
use crate::state::AppState;

/// Entries drawn per member (the newest).
const SHOWN: usize = 36;

/// One entry cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    /// Index.
    pub index: u64,
    /// Term.
    pub term: u64,
    /// `conf`, `empty` or ``.
    pub mark: &'static str,
    /// At or below commit.
    pub committed: bool,
    /// At or below applied.
    pub applied: bool,
}

/// One member's row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogRow {
    /// `etcd-N`.
    pub name: String,
    /// The leader.
    pub leader: bool,
    /// Running.
    pub running: bool,
    /// Snapshot boundary: entries before this index are compacted away.
    pub first_index: u64,
    /// Commit index.
    pub commit: u64,
    /// Applied index.
    pub applied: u64,
    /// Entries shown.
    pub cells: Vec<Cell>,
    /// Leader's view of followers: (name, match, next, state).
    pub progress: Vec<(String, u64, u64, &'static str)>,
}

/// The hue of a term: terms next to each other get distant colours.
pub fn term_hue(term: u64) -> u64 {
    (term * 137 + 200) % 360
}

/// The log panel.
#[component]
pub fn LogView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let rows = Memo::new(move |_| {
        state.data.track();
        state
            .read(|e| {
                let sim = e.sim();
                let mut ids = sim.member_ids();
                slim::sort_by_key(&mut ids, |id| sim.node(*id).map(|n| n.number));
                let leader = sim.leader();
                let name_of = |id: u64| e.name_of(id);
                ids.iter()
                    .map(|&id| {
                        let name = name_of(id);
                        let Some(m) = e.sim().member(id) else {
                            return LogRow {
                                name,
                                leader: false,
                                running: false,
                                first_index: 0,
                                commit: 0,
                                applied: 0,
                                cells: Vec::new(),
                                progress: Vec::new(),
                            };
                        };
                        let st = m.raft().status();
                        let commit = st.hard_state.commit;
                        let from = st.entries.len().saturating_sub(SHOWN);
                        let cells = st.entries[from..]
                            .iter()
                            .map(|en| Cell {
                                index: en.index,
                                term: en.term,
                                mark: match en.entry_type {
                                    EntryType::EntryConfChange | EntryType::EntryConfChangeV2 => "conf",
                                    EntryType::EntryNormal if en.size == 0 => "empty",
                                    EntryType::EntryNormal => "",
                                },
                                committed: en.index <= commit,
                                applied: en.index <= st.applied,
                            })
                            .collect();
                        let progress = st
                            .progress
                            .iter()
                            .filter(|(pid, _)| **pid != id)
                            .map(|(pid, p)| {
                                let s = match p.state {
                                    ProgressState::Probe => "probe",
                                    ProgressState::Replicate => "replicate",
                                    ProgressState::Snapshot => "snapshot",
                                };
                                (name_of(*pid), p.matched, p.next_idx, s)
                            })
                            .collect();
                        LogRow {
                            name,
                            leader: leader == Some(id),
                            running: true,
                            first_index: st.first_index,
                            commit,
                            applied: st.applied,
                            cells,
                            progress,
                        }
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    view! {
        <div class="logview" data-testid="log-view">
            <p class="legend-line">
                "Number = index, colour = term (hover: both) · " <span class="cell conf">"C"</span> " conf change · "
                <span class="cell empty">"∅"</span> " leader's empty entry · solid = committed, faint = not yet · underline = applied"
            </p>
            <For
                each=move || rows.get()
                key=|r| r.name.clone()
                children=move |r| {
                    let name = r.name.clone();
                    let row = Memo::new(move |_| rows.with(|rs| rs.iter().find(|x| x.name == name).cloned()));
                    let lead = {
                        let name = r.name.clone();
                        Memo::new(move |_| rows.with(|rs| rs.iter().any(|x| x.name == name && x.leader)))
                    };
                    view! {
                        <div
                            class=live(move || if lead.get() { "log-row leader" } else { "log-row" }.to_string())
                            data-testid="log-row"
                            data-name=r.name.clone()
                            data-leader=live(move || lead.get().to_string())
                        >
                            <div class="log-name">
                                {r.name.clone()}
                                {live(move || lead.get().then(|| view! { <span class="leader-mark role-leader">" ⬢ leader"</span> }.into_any()))}
                            </div>
                            {live(move || row.get().map(|r| {
                                if !r.running {
                                    return view! { <div class="log-stopped">"stopped (its log is on its disk)"</div> }.into_any();
                                }
                                view! {
                                    <div class="log-cells" aria-label=format!("{}: snapshot before {}, commit {}, applied {}", r.name, r.first_index, r.commit, r.applied)>
                                        <span class="snap-mark" title="snapshot boundary">{format!("snap<{}", r.first_index)}</span>
                                        {r.cells.into_iter().map(|c| {
                                            let style = format!("--h:{}", term_hue(c.term));
                                            let class = format!("cell {}{}{}", c.mark, if c.committed { " committed" } else { "" }, if c.applied { " applied" } else { "" });
                                            let what = match c.mark { "conf" => " · conf change", "empty" => " · the leader's empty entry", _ => "" };
                                            let text = match c.mark { "conf" => format!("{}C", c.index), "empty" => format!("{}∅", c.index), _ => c.index.to_string() };
                                            view! { <span class=class style=style data-testid="log-cell" title=format!("index {} · term {}{what}", c.index, c.term)>{text}</span> }.into_any()
                                        }).collect_view()}
                                        <span class="log-idx">{format!("commit {} · applied {}", r.commit, r.applied)}</span>
                                    </div>
                                    {(!r.progress.is_empty()).then(|| view! {
                                        <div class="progress">
                                            {r.progress.into_iter().map(|(n, m, nx, s)| view! {
                                                <span class=format!("prog {s}")>{format!("{n}: match {m} next {nx} {s}")}</span>
                                            }.into_any()).collect_view()}
                                        </div>
                                    }.into_any())}
                                }.into_any()
                            }))}
                        </div>
                    }
                    .into_any()
                }
            />
        </div>
    }
}
