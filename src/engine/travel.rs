//! Time travel on the page: the engine is a [`ctl::history::Machine`], its
//! inputs the record's (tab, act), and it keeps a [`Timeline`] of its own
//! branches and checkpoints (clones of the whole engine: the console with
//! the cluster, kube and files, every tab's transcript, the loads), plus
//! the marks the slider draws.
//!
//! ```text
//!   every input         apply(): the timeline records it first (forks in the past)
//!   every step of time  after_step(): a checkpoint when a 2 s slot is due, new marks
//!   travel_jump(t)      the newest checkpoint at or before t, replayed to t
//!   frame() in the past the branch's own inputs come back as time reaches them
//! ```
//!
//! Checkpoints do not hold the timeline ([`Travel`] clones empty), and a
//! jump keeps the page's speed and pause.

use ctl::history::{BranchInfo, Machine, Options, Timeline};
use server::MemberEventKind;
use sim::SimEvent;

use super::{Engine, STAGE_TAB, VISIBLE_TABS};
use crate::session::{Act, Entry};

/// What a mark on the slider stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkKind {
    /// An election began (a new term).
    Election,
    /// A member became leader.
    Leader,
    /// A fault or repair.
    Fault,
    /// A member stopped.
    Stop,
    /// A member started.
    Start,
    /// A line the learner typed (or a stage button's).
    Command,
    /// The leader sent a raft snapshot to a follower.
    Snapshot,
    /// Fewer than a quorum of members run.
    QuorumLost,
    /// A quorum runs again.
    QuorumRegained,
}

impl MarkKind {
    /// The CSS class and the word the slider's legend uses.
    pub fn class(self) -> &'static str {
        match self {
            MarkKind::Election => "election",
            MarkKind::Leader => "leader",
            MarkKind::Fault => "fault",
            MarkKind::Stop => "stop",
            MarkKind::Start => "start",
            MarkKind::Command => "command",
            MarkKind::Snapshot => "snapshot",
            MarkKind::QuorumLost => "quorum-lost",
            MarkKind::QuorumRegained => "quorum-regained",
        }
    }

    /// Whether Shift+←/→ stops here.
    pub fn is_election(self) -> bool {
        matches!(self, MarkKind::Election | MarkKind::Leader)
    }
}

/// One mark on the slider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    /// Virtual time (ms).
    pub at_ms: u64,
    /// What it is.
    pub kind: MarkKind,
    /// What it says (a tooltip).
    pub label: String,
}

/// Checkpoints every 2 s of virtual time, 32 MiB of them (issue 16).
pub const TRAVEL_OPTIONS: Options =
    Options { every_ms: 2_000, budget_bytes: 32 << 20, grid_ms: super::GRID_MS };

/// A branch's marks and how far they were read.
#[derive(Clone, Default)]
struct BranchMarks {
    marks: Vec<Mark>,
    /// Events before this sequence number were read.
    seen: u64,
    /// Whether a quorum ran at the last look.
    quorum: bool,
}

struct Inner {
    timeline: Timeline<Engine>,
    marks: Vec<BranchMarks>,
}

/// The engine's timeline; a clone (a checkpoint) holds none.
#[derive(Default)]
pub struct Travel(Option<Box<Inner>>);

impl Clone for Travel {
    fn clone(&self) -> Self {
        Travel(None)
    }
}

impl Machine for Engine {
    type Input = (usize, Act);

    fn now_ms(&self) -> u64 {
        self.now()
    }

    fn steps(&self) -> u64 {
        self.sim().steps()
    }

    fn advance_to(&mut self, t_ms: u64) {
        let was = std::mem::replace(&mut self.replaying, true);
        Engine::advance_to(self, t_ms);
        self.replaying = was;
    }

    fn apply(&mut self, input: &(usize, Act)) {
        let was = std::mem::replace(&mut self.replaying, true);
        let (tab, act) = input;
        self.entries.push(Entry { at_ms: self.now(), tab: *tab, act: act.clone() });
        Engine::apply(self, *tab, act);
        self.replaying = was;
    }

    fn step_input() -> (usize, Act) {
        (0, Act::Step)
    }

    fn footprint_bytes(&self) -> u64 {
        let logs: u64 = self.tabs.iter().map(|t| t.log.lines().len() as u64 * 96).sum();
        self.console.footprint_bytes() + logs + self.entries.len() as u64 * 64
    }
}

impl Engine {
    /// Starts the timeline at the engine's present state (a fresh engine).
    pub(super) fn travel_start(&mut self) {
        let timeline = Timeline::new(&*self, TRAVEL_OPTIONS);
        let quorum = self.has_quorum();
        let seen = self.sim().events().total();
        self.travel = Travel(Some(Box::new(Inner {
            timeline,
            marks: vec![BranchMarks { quorum, seen, ..Default::default() }],
        })));
    }

    /// Runs `f` with the timeline taken out of the engine (it replaces the
    /// engine's state on a jump). `None` when there is no timeline.
    fn with_timeline<T>(&mut self, f: impl FnOnce(&mut Timeline<Engine>, &mut Engine) -> T) -> Option<T> {
        let mut inner = self.travel.0.take()?;
        let out = f(&mut inner.timeline, self);
        self.travel.0 = Some(inner);
        Some(out)
    }

    /// An input is about to be applied (live, or replayed by restore): the
    /// timeline records it, starting a new branch if the moment shown is
    /// in the past. The marks of the new branch are its parent's up to here.
    pub(super) fn travel_note(&mut self, tab: usize, act: &Act) {
        let Some(mut inner) = self.travel.0.take() else { return };
        let before = inner.timeline.current();
        inner.timeline.record(self, (tab, act.clone()));
        let now = self.now();
        let cur = inner.timeline.current();
        if cur != before {
            let mut m = inner.marks[before].clone();
            m.marks.retain(|k| k.at_ms <= now);
            m.seen = self.sim().events().total();
            m.quorum = self.has_quorum();
            inner.marks.push(m);
        }
        if (tab < VISIBLE_TABS || tab == STAGE_TAB)
            && let Act::Line(line) = act
        {
            let label = line.lines().next().unwrap_or_default().to_string();
            let marks = &mut inner.marks[cur].marks;
            marks.push(Mark { at_ms: now, kind: MarkKind::Command, label });
        }
        self.travel.0 = Some(inner);
    }

    /// After each step of time at the present: a checkpoint if one is due,
    /// and the marks of what happened.
    pub(super) fn travel_observe(&mut self) {
        let Some(mut inner) = self.travel.0.take() else { return };
        if !inner.timeline.in_past(self) {
            inner.timeline.observe(self);
            let cur = inner.timeline.current();
            self.read_marks(&mut inner.marks[cur]);
        }
        self.travel.0 = Some(inner);
    }

    fn has_quorum(&self) -> bool {
        let sim = self.sim();
        let members = sim.member_ids().len();
        members == 0 || sim.running().len() > members / 2
    }

    /// New events since the last look, as marks.
    fn read_marks(&self, m: &mut BranchMarks) {
        let sim = self.sim();
        let total = sim.events().total();
        if total > m.seen {
            let names = crate::events::names(self);
            let name = |id: u64| names.get(&id).cloned().unwrap_or_else(|| format!("{id:x}"));
            let new: Vec<_> = sim.events().records().rev().take_while(|r| r.seq >= m.seen).collect();
            for r in new.into_iter().rev() {
                let mark = match &r.event {
                    SimEvent::Member(e) => match &e.kind {
                        MemberEventKind::ElectionStarted { term } => Some((
                            MarkKind::Election,
                            format!("{} starts an election for term {term}", name(e.member)),
                        )),
                        MemberEventKind::BecameLeader { term } => Some((
                            MarkKind::Leader,
                            format!("{} becomes leader (term {term})", name(e.member)),
                        )),
                        // A snapshot taken is routine (every --snapshot-count
                        // entries, on every member); one sent to a lagging
                        // follower is the event worth a mark.
                        MemberEventKind::SnapshotSent { index, .. } => Some((
                            MarkKind::Snapshot,
                            format!("{} sends a snapshot at {index}", name(e.member)),
                        )),
                        _ => None,
                    },
                    SimEvent::Fault(f) => Some((MarkKind::Fault, format!("fault: {f:?}"))),
                    SimEvent::Stopped { member } => {
                        Some((MarkKind::Stop, format!("{} stops", name(*member))))
                    }
                    SimEvent::Started { member } => {
                        Some((MarkKind::Start, format!("{} starts", name(*member))))
                    }
                    _ => None,
                };
                if let Some((kind, label)) = mark {
                    m.marks.push(Mark { at_ms: r.at_ms, kind, label });
                }
            }
            m.seen = total;
        }
        let quorum = self.has_quorum();
        if quorum != m.quorum {
            let (kind, label) = if quorum {
                (MarkKind::QuorumRegained, "quorum regained".to_string())
            } else {
                (MarkKind::QuorumLost, "quorum lost".to_string())
            };
            m.marks.push(Mark { at_ms: self.now(), kind, label });
            m.quorum = quorum;
        }
    }

    /// Lets time run to `target_ms`: in the past through the timeline (the
    /// branch's inputs come back), else as live.
    pub(super) fn travel_advance_to(&mut self, target_ms: u64) {
        let past = self.travel.0.as_ref().is_some_and(|i| i.timeline.in_past(self));
        if !past {
            self.advance_to(target_ms);
            return;
        }
        let (speed, paused) = (self.speed, self.paused);
        self.with_timeline(|tl, e| tl.advance_to(e, target_ms));
        self.speed = speed;
        self.paused = paused;
        self.sync_view();
        self.console_version += 1;
    }

    /// Shows moment `t_ms` of the current branch (see [`Timeline::jump`]).
    pub fn travel_jump(&mut self, t_ms: u64) {
        self.travel_move(|tl, e| tl.jump(e, t_ms));
    }

    /// One simulator step back (one delivery, one tick).
    pub fn travel_step_back(&mut self) {
        self.travel_move(|tl, e| {
            tl.step_back(e);
        });
    }

    /// One simulator step forward: at the present a recorded step, in the
    /// past the moment one step later (no new branch).
    pub fn travel_step(&mut self) {
        self.travel_move(|tl, e| tl.step(e));
    }

    /// Makes branch `id` current, at the same moment or its present.
    pub fn travel_switch(&mut self, id: usize) {
        self.travel_move(|tl, e| {
            tl.switch(e, id);
        });
    }

    fn travel_move(&mut self, f: impl FnOnce(&mut Timeline<Engine>, &mut Engine)) {
        let (speed, paused) = (self.speed, self.paused);
        self.with_timeline(f);
        self.speed = speed;
        self.paused = paused;
        // The record holds the stage lines that ran; what was queued is not redone.
        self.stage_queue.clear();
        self.stage_rest.clear();
        self.downloads.clear();
        self.carry_ms = 0.0;
        self.view_ms = self.now();
        self.console_version += 1;
    }

    /// The current branch's span: (start, present) in ms.
    pub fn travel_span(&self) -> (u64, u64) {
        self.travel
            .0
            .as_ref()
            .map_or((0, self.now()), |i| (i.timeline.start_ms(), i.timeline.end_ms().max(self.now())))
    }

    /// Whether the moment shown is in the past of the current branch.
    pub fn in_past(&self) -> bool {
        self.travel.0.as_ref().is_some_and(|i| i.timeline.in_past(self))
    }

    /// The branches, and the current one.
    pub fn travel_branches(&self) -> (Vec<BranchInfo>, usize) {
        self.travel.0.as_ref().map_or((Vec::new(), 0), |i| (i.timeline.branches(), i.timeline.current()))
    }

    /// The current branch's marks, oldest first.
    pub fn travel_marks(&self) -> Vec<Mark> {
        self.travel
            .0
            .as_ref()
            .and_then(|i| i.marks.get(i.timeline.current()))
            .map(|m| m.marks.clone())
            .unwrap_or_default()
    }

    /// Checkpoints kept and their estimated bytes.
    pub fn travel_checkpoints(&self) -> (usize, u64) {
        self.travel
            .0
            .as_ref()
            .map_or((0, 0), |i| (i.timeline.checkpoint_count(), i.timeline.checkpoint_bytes()))
    }

    /// The run to share: the current branch whole (its inputs up to its
    /// present), with the moment shown as `moment=` in the first line when
    /// it is in the past (a link of the present opens running, as the run
    /// it copies was).
    pub fn share_text(&self) -> String {
        let mut s = self.session();
        if let Some(i) = &self.travel.0 {
            s.entries = i
                .timeline
                .inputs()
                .iter()
                .map(|m| Entry { at_ms: m.at_ms, tab: m.input.0, act: m.input.1.clone() })
                .collect();
            s.clock_ms = i.timeline.end_ms().max(self.now());
            s.view_ms = s.clock_ms;
        }
        let text = s.to_text();
        if self.now() >= s.clock_ms {
            return text;
        }
        match text.split_once('\n') {
            Some((head, rest)) => format!("{head} moment={}\n{rest}", self.now()),
            None => text,
        }
    }

    /// The moment a shared run's text asks to open at (`moment=`), if any.
    pub fn moment_of(text: &str) -> Option<u64> {
        ctl::session::moment_of(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::tests::run;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn frames(e: &mut Engine, n: usize) {
        for _ in 0..n {
            e.frame(50.0);
        }
    }

    fn alive(e: &Engine, n: u64) -> bool {
        let sim = e.sim();
        sim.member_id(n).and_then(|id| sim.node(id)).is_some_and(|node| node.is_running())
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn scrubbing_back_shows_the_member_alive_and_the_transcript_of_then_and_a_fork_keeps_the_old_future() {
        let mut e = Engine::new(7, 3);
        frames(&mut e, 20);
        run(&mut e, 0, "etcdctl put k before");
        frames(&mut e, 20);
        let before_stop = e.now();
        let then = e.tab_texts(0);
        e.stage(vec!["cluster stop etcd-2".to_string()]);
        frames(&mut e, 20);
        run(&mut e, 0, "etcdctl put k after");
        frames(&mut e, 20);
        assert!(!alive(&e, 2));
        let (_, end) = e.travel_span();
        let live = e.tab_texts(0);
        assert!(e.travel_marks().iter().any(|m| m.kind == MarkKind::Stop), "{:?}", e.travel_marks());

        // Inputs at a moment belong to it: just before the stop.
        e.travel_jump(before_stop - 1);
        assert!(e.in_past());
        assert!(alive(&e, 2));
        assert_eq!(e.tab_texts(0), then);
        // The marks still show the whole branch.
        assert!(e.travel_marks().iter().any(|m| m.kind == MarkKind::Stop));

        // Acting in the past forks.
        e.stage(vec!["cluster stop etcd-3".to_string()]);
        frames(&mut e, 20);
        let (branches, cur) = e.travel_branches();
        assert_eq!((branches.len(), cur), (2, 1));
        assert!(alive(&e, 2) && !alive(&e, 3));

        // Back to the first branch, at its present: as it was.
        e.travel_switch(0);
        e.travel_jump(end);
        assert!(!alive(&e, 2) && alive(&e, 3));
        assert_eq!(e.tab_texts(0), live);

        // A shared link carries the branch and the moment.
        e.travel_switch(1);
        e.travel_jump(before_stop + 500);
        let text = e.share_text();
        let moment = Engine::moment_of(&text).unwrap();
        assert_eq!(moment, e.now());
        let s = crate::session::Session::from_text(&text).unwrap();
        let mut back = Engine::restore(&s);
        back.travel_jump(moment);
        assert_eq!(back.now(), e.now());
        assert_eq!(back.sim().state_hash(), e.sim().state_hash());
        assert_eq!(back.tab_texts(0), e.tab_texts(0));
        // A link of the present names no moment: it opens running.
        e.travel_jump(e.travel_span().1);
        assert_eq!(Engine::moment_of(&e.share_text()), None);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn play_from_the_past_brings_the_branchs_inputs_back() {
        let mut e = Engine::new(7, 3);
        frames(&mut e, 10);
        let t0 = e.now();
        run(&mut e, 0, "etcdctl put a 1");
        frames(&mut e, 40);
        let live = e.tab_texts(0);
        let hash = e.sim().state_hash();
        let end = e.now();
        e.travel_jump(t0.saturating_sub(100));
        assert!(!e.tab_texts(0).join("\n").contains("put a 1"));
        e.travel_advance_to(end);
        assert_eq!(e.now(), end);
        assert_eq!(e.tab_texts(0), live);
        assert_eq!(e.sim().state_hash(), hash);
        assert_eq!(e.travel_branches().0.len(), 1, "no new branch");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn step_back_is_one_step_earlier() {
        let mut e = Engine::new(7, 3);
        frames(&mut e, 10);
        let steps = e.sim().steps();
        e.travel_step_back();
        assert_eq!(e.sim().steps(), steps - 1);
        e.travel_step();
        assert_eq!(e.sim().steps(), steps);
        assert_eq!(e.travel_branches().0.len(), 1);
    }
}
