//! Time travel: a run's history as branches of timed inputs, with
//! checkpoints of the whole state taken as time passes, so any moment of any
//! branch comes back exactly and a new input in the past starts a new
//! branch (the old future is kept).
//!
//! ```text
//!   branch 0:  [cp 0 s] [cp 5 s] [cp 10 s] ...    inputs: put@1200 stop@7300 get@9000
//!   jump(8000)   -> clone of [cp 5 s], replay stop@7300, run to 8000
//!   input(put)   -> branch 1 = branch 0's inputs before 8000 + put@8000 (forked at 8000);
//!                   branch 0 and its future (get@9000, up to its end) are kept
//!   switch(0)    -> branch 0 at the same moment (or its end)
//!   step_back()  -> one delivery or one tick earlier: the grid point before,
//!                   then single steps up to one short of where it was
//! ```
//!
//! The mechanism is generic over a [`Machine`]: anything `Clone` whose time
//! moves only by [`Machine::advance_to`] and [`Machine::apply`], the same
//! calls giving the same state. [`terminal::Terminal`] is the console as the
//! page drives it (a [`crate::Console`] in page mode, its clock on a 10 ms
//! grid, each tab's transcript); the web app's engine is another.
//!
//! Time stops only on the grid ([`Options::grid_ms`]) and where an input
//! left the clock, live and in replay alike: a jump's target is rounded
//! down to the grid, so going on from a jumped-to moment walks the same
//! path the live run walked.
//!
//! Checkpoints are taken every [`Options::every_ms`] of virtual time the
//! run reaches for the first time, and are shared between branches (`Arc`).
//! When their estimated bytes ([`Machine::footprint_bytes`]) pass
//! [`Options::budget_bytes`], one is dropped where dropping it widens the
//! gap least, the oldest first among equals: the past thins out from its
//! far end, the recent past stays dense. The start (checkpoint 0) is never
//! dropped, so every moment can always be rebuilt.

use std::sync::Arc;

pub mod terminal;

/// A state that time travel can checkpoint and replay.
pub trait Machine: Clone {
    /// An input, recorded with the virtual time it came at.
    type Input: Clone + std::fmt::Debug + PartialEq;
    /// Virtual time (ms).
    fn now_ms(&self) -> u64;
    /// Simulator steps taken (deliveries, ticks, deadlines).
    fn steps(&self) -> u64;
    /// Lets virtual time run to `t_ms` (nothing if it is there already).
    fn advance_to(&mut self, t_ms: u64);
    /// Applies an input at the current time.
    fn apply(&mut self, input: &Self::Input);
    /// The input that takes one simulator step (one delivery, one tick).
    fn step_input() -> Self::Input;
    /// Bytes this state holds, estimated (checkpoints are bounded by it).
    fn footprint_bytes(&self) -> u64;
}

/// One input of a branch and when it came.
#[derive(Clone, Debug, PartialEq)]
pub struct Moment<I> {
    /// Virtual time (ms).
    pub at_ms: u64,
    /// What it was.
    pub input: I,
}

/// How often checkpoints are taken and how much memory they may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// A checkpoint every this much virtual time (ms).
    pub every_ms: u64,
    /// Estimated bytes all checkpoints may hold together.
    pub budget_bytes: u64,
    /// Time stops on multiples of this (ms): jump targets are rounded down to it.
    pub grid_ms: u64,
}

impl Default for Options {
    /// A checkpoint every 2 s of virtual time, 32 MiB of them, a 10 ms grid.
    fn default() -> Self {
        Options { every_ms: 2_000, budget_bytes: 32 << 20, grid_ms: 10 }
    }
}

/// A saved state.
struct Checkpoint<M> {
    at_ms: u64,
    /// Inputs of the branch applied to it.
    applied: usize,
    state: M,
    bytes: u64,
}

/// One line of time: every input from the start, and how far it ran.
struct Branch<M: Machine> {
    inputs: Vec<Moment<M::Input>>,
    /// The furthest time this branch reached (its present).
    end_ms: u64,
    /// The branch it forked from and when.
    forked_from: Option<(usize, u64)>,
    /// Oldest first; the first is the start.
    checkpoints: Vec<Arc<Checkpoint<M>>>,
}

/// A branch as the page lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BranchInfo {
    /// Its number (0: the first).
    pub id: usize,
    /// The branch it forked from and the moment (ms).
    pub forked_from: Option<(usize, u64)>,
    /// Its present (ms).
    pub end_ms: u64,
    /// Inputs recorded on it.
    pub inputs: usize,
}

/// A run's branches and checkpoints, beside the state shown, which the
/// caller keeps (the page's engine holds its own timeline): every method
/// that moves the moment takes that state.
pub struct Timeline<M: Machine> {
    /// Inputs of the current branch applied to the state shown.
    cursor: usize,
    /// Single steps taken from the last stop (`step_back`, `step` in the
    /// past): a fork keeps them as inputs.
    stepped: Vec<Moment<M::Input>>,
    branches: Vec<Branch<M>>,
    current: usize,
    opts: Options,
}

impl<M: Machine> Timeline<M> {
    /// A timeline starting at `start` (its checkpoint 0).
    pub fn new(start: &M, opts: Options) -> Self {
        // Checkpoint slots are grid points, so stopping at one changes nothing.
        let grid_ms = opts.grid_ms.max(1);
        let every_ms = opts.every_ms.max(1).div_ceil(grid_ms).saturating_mul(grid_ms);
        let opts = Options { every_ms, grid_ms, ..opts };
        let base = Arc::new(Checkpoint {
            at_ms: start.now_ms(),
            applied: 0,
            bytes: start.footprint_bytes(),
            state: start.clone(),
        });
        let branch =
            Branch { inputs: Vec::new(), end_ms: start.now_ms(), forked_from: None, checkpoints: vec![base] };
        Timeline { cursor: 0, stepped: Vec::new(), branches: vec![branch], current: 0, opts }
    }

    /// When the run started (ms).
    pub fn start_ms(&self) -> u64 {
        self.branches[self.current].checkpoints[0].at_ms
    }

    /// The present of the current branch (ms): how far it ran.
    pub fn end_ms(&self) -> u64 {
        self.branch().end_ms
    }

    /// Whether `now` (the state shown) is before the current branch's present.
    pub fn in_past(&self, now: &M) -> bool {
        let b = self.branch();
        !self.stepped.is_empty() || self.cursor < b.inputs.len() || now.now_ms() < b.end_ms
    }

    /// The current branch.
    pub fn current(&self) -> usize {
        self.current
    }

    /// The options in force.
    pub fn options(&self) -> Options {
        self.opts
    }

    /// Every branch, in the order they were made.
    pub fn branches(&self) -> Vec<BranchInfo> {
        self.branches
            .iter()
            .enumerate()
            .map(|(id, b)| BranchInfo {
                id,
                forked_from: b.forked_from,
                end_ms: b.end_ms,
                inputs: b.inputs.len(),
            })
            .collect()
    }

    /// The current branch's inputs, from the start.
    pub fn inputs(&self) -> &[Moment<M::Input>] {
        &self.branch().inputs
    }

    /// The inputs applied to the state shown.
    pub fn applied(&self) -> &[Moment<M::Input>] {
        &self.branch().inputs[..self.cursor]
    }

    /// Branch `id`'s inputs, from the start.
    pub fn branch_inputs(&self, id: usize) -> Option<&[Moment<M::Input>]> {
        self.branches.get(id).map(|b| b.inputs.as_slice())
    }

    /// Times of the current branch's checkpoints (ms).
    pub fn checkpoint_times(&self) -> Vec<u64> {
        self.branch().checkpoints.iter().map(|c| c.at_ms).collect()
    }

    /// Estimated bytes all checkpoints hold (each shared one counted once).
    pub fn checkpoint_bytes(&self) -> u64 {
        self.unique_checkpoints().iter().map(|c| c.bytes).sum()
    }

    /// How many distinct checkpoints are kept.
    pub fn checkpoint_count(&self) -> usize {
        self.unique_checkpoints().len()
    }

    fn unique_checkpoints(&self) -> Vec<&Arc<Checkpoint<M>>> {
        let mut seen = std::collections::BTreeSet::new();
        let mut out = Vec::new();
        for b in &self.branches {
            for c in &b.checkpoints {
                if seen.insert(Arc::as_ptr(c) as usize) {
                    out.push(c);
                }
            }
        }
        out
    }

    fn branch(&self) -> &Branch<M> {
        &self.branches[self.current]
    }

    /// Lets time run to `t_ms` on the current branch. In the past, the
    /// branch's own inputs come back as time reaches them; past its
    /// present, the branch grows. A moment left by single steps goes on
    /// from the grid point after it.
    pub fn advance_to(&mut self, now: &mut M, t_ms: u64) {
        if t_ms <= now.now_ms() {
            return;
        }
        if !self.stepped.is_empty() {
            let next = (now.now_ms() / self.opts.grid_ms + 1) * self.opts.grid_ms;
            self.jump(now, next);
            if t_ms <= now.now_ms() {
                return;
            }
        }
        loop {
            let next_input = self.branch().inputs.get(self.cursor).map(|m| m.at_ms);
            match next_input {
                Some(at) if at <= t_ms => {
                    self.run_to(now, at);
                    let input = self.branches[self.current].inputs[self.cursor].input.clone();
                    now.apply(&input);
                    self.cursor += 1;
                }
                _ => break,
            }
        }
        self.run_to(now, t_ms);
    }

    /// The time the state shown may run to before the current branch's
    /// next recorded input must come back (`None`: no more inputs ahead).
    pub fn next_input_ms(&self) -> Option<u64> {
        self.branch().inputs.get(self.cursor).map(|m| m.at_ms)
    }

    /// Runs `now` to `t_ms`, stopping at every checkpoint slot the branch
    /// has not reached before to take one.
    fn run_to(&mut self, now: &mut M, t_ms: u64) {
        let every = self.opts.every_ms;
        loop {
            let was = now.now_ms();
            let b = &self.branches[self.current];
            let fresh = was >= b.end_ms;
            let slot = (was / every + 1) * every;
            if !fresh || slot > t_ms {
                // In the past: the branch has its checkpoints (or had them, thinned).
                let stop = if fresh { t_ms } else { t_ms.min(b.end_ms) };
                now.advance_to(stop);
                self.grow(now);
                if now.now_ms() >= t_ms || now.now_ms() <= was {
                    break;
                }
                continue;
            }
            now.advance_to(slot);
            self.grow(now);
            if now.now_ms() >= slot {
                self.take_checkpoint(now);
            }
            if now.now_ms() >= t_ms || now.now_ms() <= was {
                break;
            }
        }
    }

    /// The branch's present moves with the moment shown.
    fn grow(&mut self, now: &M) {
        let t = now.now_ms();
        let b = &mut self.branches[self.current];
        if t > b.end_ms {
            b.end_ms = t;
        }
    }

    /// Takes a checkpoint of `now` if the branch reaches its time for the
    /// first time and a slot is due (the page calls this after each step
    /// of its own clock).
    pub fn observe(&mut self, now: &M) {
        if !self.stepped.is_empty() || self.cursor < self.branch().inputs.len() {
            return;
        }
        let t = now.now_ms();
        let last = self.branch().checkpoints.last().map_or(0, |c| c.at_ms);
        self.grow(now);
        if t.is_multiple_of(self.opts.every_ms) && t > last {
            self.take_checkpoint(now);
        }
    }

    fn take_checkpoint(&mut self, now: &M) {
        let at_ms = now.now_ms();
        let b = &mut self.branches[self.current];
        if b.checkpoints.last().is_some_and(|c| c.at_ms >= at_ms) {
            return;
        }
        let bytes = now.footprint_bytes();
        b.checkpoints.push(Arc::new(Checkpoint { at_ms, applied: self.cursor, state: now.clone(), bytes }));
        self.thin();
    }

    /// Drops checkpoints until they fit the budget (see the module doc).
    fn thin(&mut self) {
        while self.checkpoint_bytes() > self.opts.budget_bytes {
            // The current branch first, then the others.
            let order: Vec<usize> = std::iter::once(self.current)
                .chain((0..self.branches.len()).filter(|&b| b != self.current))
                .collect();
            let mut dropped = false;
            for b in order {
                let cps = &mut self.branches[b].checkpoints;
                // Never the start; never the newest (the live edge).
                if cps.len() < 3 {
                    continue;
                }
                let mut best: Option<(u64, usize)> = None;
                for i in 1..cps.len() - 1 {
                    let gap = cps[i + 1].at_ms - cps[i - 1].at_ms;
                    if best.is_none_or(|(g, _)| gap < g) {
                        best = Some((gap, i));
                    }
                }
                if let Some((_, i)) = best {
                    cps.remove(i);
                    dropped = true;
                    break;
                }
            }
            if !dropped {
                break;
            }
        }
    }

    /// Sets `now` to moment `t_ms` of the current branch (rounded down to
    /// the grid, clamped to the branch's start and present): the newest
    /// checkpoint at or before it, replayed forward. Every input at or
    /// before the moment is applied.
    pub fn jump(&mut self, now: &mut M, t_ms: u64) {
        let b = &self.branches[self.current];
        let start = b.checkpoints[0].at_ms;
        let end = b.end_ms;
        let mut t = t_ms.clamp(start, end);
        if t < end {
            t = (t / self.opts.grid_ms * self.opts.grid_ms).max(start);
        }
        let cp = b
            .checkpoints
            .iter()
            .rev()
            .find(|c| c.at_ms <= t && b.inputs.get(c.applied).is_none_or(|m| m.at_ms >= c.at_ms))
            .unwrap_or(&b.checkpoints[0])
            .clone();
        *now = cp.state.clone();
        self.cursor = cp.applied;
        self.stepped.clear();
        self.advance_to(now, t);
        // Inputs made at `t` itself came after the clock reached it.
        while let Some(m) = self.branches[self.current].inputs.get(self.cursor) {
            if m.at_ms > t {
                break;
            }
            let input = m.input.clone();
            now.apply(&input);
            self.cursor += 1;
        }
    }

    /// Records an input made at the moment shown, before the caller
    /// applies it to `now`. At the current branch's present it is recorded
    /// there; in the past it starts a new branch from this moment (the old
    /// one keeps its future) and makes it current.
    pub fn record(&mut self, now: &M, input: M::Input) {
        let at_ms = now.now_ms();
        if self.in_past(now) {
            self.fork(now);
        }
        let b = &mut self.branches[self.current];
        b.inputs.push(Moment { at_ms, input });
        b.end_ms = b.end_ms.max(at_ms);
        self.cursor += 1;
    }

    /// A new branch from the moment shown: the current branch's inputs so
    /// far (and single steps taken since the last stop), its checkpoints
    /// up to here.
    fn fork(&mut self, now: &M) {
        let at = now.now_ms();
        let old = &self.branches[self.current];
        let mut inputs = old.inputs[..self.cursor].to_vec();
        inputs.append(&mut self.stepped);
        let cursor = self.cursor;
        let checkpoints =
            old.checkpoints.iter().filter(|c| c.at_ms <= at && c.applied <= cursor).cloned().collect();
        let branch = Branch { inputs, end_ms: at, forked_from: Some((self.current, at)), checkpoints };
        self.branches.push(branch);
        self.current = self.branches.len() - 1;
        self.cursor = self.branches[self.current].inputs.len();
    }

    /// Makes branch `id` current at the same moment (or its present, if it
    /// ends before). Returns false if there is no such branch.
    pub fn switch(&mut self, now: &mut M, id: usize) -> bool {
        if id >= self.branches.len() {
            return false;
        }
        let t = now.now_ms();
        self.current = id;
        self.jump(now, t);
        true
    }

    /// One simulator step forward: at the present, a recorded input (as the
    /// page's step button); in the past, the moment after one delivery or
    /// tick, as a fork would keep it.
    pub fn step(&mut self, now: &mut M) {
        let input = M::step_input();
        if self.in_past(now) {
            let at_ms = now.now_ms();
            now.apply(&input);
            self.stepped.push(Moment { at_ms, input });
        } else {
            self.record(now, input.clone());
            now.apply(&input);
            self.grow(now);
        }
    }

    /// One simulator step back: the grid point before (or earlier, until
    /// fewer steps had been taken), then single steps up to one short of
    /// the steps taken now. Returns false at the start.
    pub fn step_back(&mut self, now: &mut M) -> bool {
        let steps = now.steps();
        let start = self.start_ms();
        if steps == 0 || (now.now_ms() <= start && self.stepped.is_empty()) {
            return false;
        }
        let target = steps - 1;
        let grid = self.opts.grid_ms;
        let mut t = now.now_ms();
        loop {
            // The stop before `t`.
            let prev = if t.is_multiple_of(grid) { t.saturating_sub(grid) } else { t / grid * grid };
            let prev = prev.max(start);
            self.jump(now, prev);
            if now.steps() <= target || prev <= start {
                break;
            }
            t = prev;
        }
        while now.steps() < target {
            let before = now.steps();
            let at_ms = now.now_ms();
            let input = M::step_input();
            now.apply(&input);
            self.stepped.push(Moment { at_ms, input });
            if now.steps() <= before {
                break;
            }
        }
        true
    }

    /// The state at `t_ms` of the current branch rebuilt from its start
    /// alone, every input replayed (what a jump must equal; the baseline
    /// a checkpoint saves).
    pub fn replay_from_start(&self, t_ms: u64) -> M {
        let b = self.branch();
        let mut m = b.checkpoints[0].state.clone();
        replay(&mut m, &b.inputs, t_ms);
        m
    }
}

/// A [`Timeline`] with the state shown: for the console natively (tests,
/// benchmarks, lessons).
pub struct History<M: Machine> {
    now: M,
    timeline: Timeline<M>,
}

impl<M: Machine> History<M> {
    /// A history starting at `start` (its checkpoint 0).
    pub fn new(start: M, opts: Options) -> Self {
        let timeline = Timeline::new(&start, opts);
        History { now: start, timeline }
    }

    /// The branches and checkpoints.
    pub fn timeline(&self) -> &Timeline<M> {
        &self.timeline
    }

    /// The state at the moment shown.
    pub fn state(&self) -> &M {
        &self.now
    }

    /// The moment shown (ms).
    pub fn now_ms(&self) -> u64 {
        self.now.now_ms()
    }

    /// When the run started (ms).
    pub fn start_ms(&self) -> u64 {
        self.timeline.start_ms()
    }

    /// The present of the current branch (ms).
    pub fn end_ms(&self) -> u64 {
        self.timeline.end_ms()
    }

    /// Whether the moment shown is before the current branch's present.
    pub fn in_past(&self) -> bool {
        self.timeline.in_past(&self.now)
    }

    /// The current branch.
    pub fn current(&self) -> usize {
        self.timeline.current()
    }

    /// Every branch.
    pub fn branches(&self) -> Vec<BranchInfo> {
        self.timeline.branches()
    }

    /// The current branch's inputs.
    pub fn inputs(&self) -> &[Moment<M::Input>] {
        self.timeline.inputs()
    }

    /// Branch `id`'s inputs.
    pub fn branch_inputs(&self, id: usize) -> Option<&[Moment<M::Input>]> {
        self.timeline.branch_inputs(id)
    }

    /// Times of the current branch's checkpoints (ms).
    pub fn checkpoint_times(&self) -> Vec<u64> {
        self.timeline.checkpoint_times()
    }

    /// Estimated bytes all checkpoints hold.
    pub fn checkpoint_bytes(&self) -> u64 {
        self.timeline.checkpoint_bytes()
    }

    /// How many distinct checkpoints are kept.
    pub fn checkpoint_count(&self) -> usize {
        self.timeline.checkpoint_count()
    }

    /// See [`Timeline::advance_to`].
    pub fn advance_to(&mut self, t_ms: u64) {
        self.timeline.advance_to(&mut self.now, t_ms);
    }

    /// See [`Timeline::jump`].
    pub fn jump(&mut self, t_ms: u64) {
        self.timeline.jump(&mut self.now, t_ms);
    }

    /// An input at the moment shown (forks in the past; see [`Timeline::record`]).
    pub fn input(&mut self, input: M::Input) {
        self.timeline.record(&self.now, input.clone());
        self.now.apply(&input);
        self.timeline.grow(&self.now);
    }

    /// See [`Timeline::switch`].
    pub fn switch(&mut self, id: usize) -> bool {
        self.timeline.switch(&mut self.now, id)
    }

    /// See [`Timeline::step`].
    pub fn step(&mut self) {
        self.timeline.step(&mut self.now);
    }

    /// See [`Timeline::step_back`].
    pub fn step_back(&mut self) -> bool {
        self.timeline.step_back(&mut self.now)
    }

    /// See [`Timeline::replay_from_start`].
    pub fn replay_from_start(&self, t_ms: u64) -> M {
        self.timeline.replay_from_start(t_ms)
    }
}

/// Runs `m` straight through `inputs` up to moment `t_ms` (inputs at `t_ms`
/// included): what a run that never went back shows at `t_ms`.
pub fn replay<M: Machine>(m: &mut M, inputs: &[Moment<M::Input>], t_ms: u64) {
    for i in inputs {
        if i.at_ms > t_ms {
            break;
        }
        m.advance_to(i.at_ms);
        m.apply(&i.input);
    }
    m.advance_to(t_ms);
}
