//! Page mode: the page's clock drives virtual time; a command that must wait for the cluster is pending until the simulator answers.
//!
//! ```text
//! c.set_page_mode(true);
//! c.run_line_in(0, "etcdctl put k v")   -> Run::Streaming("")      pending since t
//! c.pending_since_ms(0)                 -> Some(t)
//! c.poll_tabs(10)                       -> [(0, Run::Done("OK\n"))]  the answer came at t+4:
//!                                          the command ran again, its call answered from the journal
//! c.interrupt_in(0)                     -> exit 130 (a pending command: nothing else printed)
//! ```
//!
//! How a waiting command resumes is in `journal.rs`. What does not wait on
//! the page's clock: kubectl (kube's client runs the simulator until its
//! answer), `check perf`/`check datascale` (their workload runs in
//! virtual time at once), and commands a `watch`'s exec runs per event.
//! A command that finishes without waiting but reports time spent (the
//! playground's `cluster stop`, `sleep`) shows its output once the clock
//! has moved on by that much.

use sim::ClientError;
use slim::VecMap;

use super::{Console, Exec, Run};
use crate::journal::{Entry, Journal, Wait};
use crate::output::{Output, exit};

/// A command waiting in page mode.
#[derive(Clone, Debug)]
pub(crate) struct Pending {
    /// The entry as typed.
    input: String,
    /// Its journal so far.
    entries: Vec<Entry>,
    /// When it started.
    since_ms: u64,
    /// What it waits for.
    state: State,
    /// When `timeout` stops it (exit 124), if it runs under one.
    deadline_ms: Option<u64>,
}

/// What a pending command waits for.
#[derive(Clone, Debug)]
enum State {
    /// An answer or a time (see [`Wait`]).
    Waiting(Wait),
    /// Nothing more: its output shows once the clock reaches `at_ms` (the
    /// virtual time it reported spending).
    Done { exec: Exec, at_ms: u64 },
}

/// How many reruns one stop of the clock allows (see `poll_page`).
const MAX_RESUMES_PER_STOP: usize = 10_000;

/// Streams step at least this often (virtual ms, on a grid from 0).
const STREAM_GRID_MS: u64 = 100;

impl Console {
    /// Page mode on or off. In page mode no command advances virtual time
    /// itself: [`Console::poll_tabs`] (the page's clock) does, and a
    /// command waiting for an answer, `sleep` or `timeout` is pending
    /// ([`Run::Streaming`], [`Console::pending_since_ms`]) until then.
    ///
    /// The page runs as long as the tab stays open, so page mode also makes
    /// the simulator lean ([`sim::Sim::set_lean`]): no checkers and no
    /// records growing without end. The page keeps its own record (the
    /// console's inputs) for reload and share links.
    pub fn set_page_mode(&mut self, on: bool) {
        self.backend.page = on;
        self.backend.sim.set_lean(on);
    }

    /// The virtual time the command pending in `tab` started waiting at
    /// (`None` when nothing is pending there).
    pub fn pending_since_ms(&self, tab: usize) -> Option<u64> {
        let pending =
            if tab == self.active { self.pending.as_ref() } else { self.parked.get(&tab)?.pending.as_ref() };
        pending.map(|p| p.since_ms)
    }

    /// Runs `input` with the journal `entries` (page mode): it finishes,
    /// or it becomes the active tab's pending command.
    pub(crate) fn attempt(
        &mut self,
        input: String,
        entries: Vec<Entry>,
        since_ms: u64,
        deadline_ms: Option<u64>,
    ) -> Run {
        self.backend.journal = Some(Journal::replay(entries));
        self.run_since_ms = Some(since_ms);
        self.run_deadline_ms = deadline_ms;
        let exec = crate::shell::run_entry(self, &input);
        let journal = self.backend.journal.take().unwrap_or_default();
        self.run_since_ms = None;
        let deadline_ms = self.run_deadline_ms.take();
        let state = match journal.waiting {
            Some(wait) => State::Waiting(wait),
            None => {
                let at_ms = since_ms.saturating_add(exec.elapsed_ms);
                if exec.stream.is_some() || at_ms <= self.now_ms() {
                    return self.finish(Exec { elapsed_ms: 0, ..exec });
                }
                State::Done { exec, at_ms }
            }
        };
        self.pending = Some(Pending { input, entries: journal.entries, since_ms, state, deadline_ms });
        Run::Streaming(Output::default())
    }

    /// Forgets a pending command (Ctrl+C): its request and the streams it
    /// opened are cancelled.
    pub(crate) fn drop_pending(&mut self, p: Pending) {
        if let State::Waiting(Wait::Request { id, .. }) = p.state {
            self.backend.sim.cancel(id);
        }
        if !matches!(p.state, State::Done { .. }) {
            for e in &p.entries {
                if let Entry::Stream { id, .. } = e {
                    self.backend.sim.cancel(*id);
                }
            }
        }
    }

    /// The tabs with a pending command, in order.
    fn pending_tabs(&self) -> Vec<usize> {
        let mut tabs: Vec<usize> =
            self.parked.iter().filter(|(_, t)| t.pending.is_some()).map(|(k, _)| *k).collect();
        if self.pending.is_some() {
            tabs.push(self.active);
        }
        slim::sort(&mut tabs);
        tabs
    }

    fn pending_in(&self, tab: usize) -> Option<&Pending> {
        if tab == self.active { self.pending.as_ref() } else { self.parked.get(&tab)?.pending.as_ref() }
    }

    /// Whether the command pending in `tab` can go on now.
    fn ready(&self, tab: usize) -> bool {
        let Some(p) = self.pending_in(tab) else { return false };
        let now = self.now_ms();
        if p.deadline_ms.is_some_and(|d| now >= d) {
            return true;
        }
        match &p.state {
            State::Waiting(Wait::Request { id, .. }) => {
                self.backend.sim.request_state(*id).is_none_or(|c| c.result.is_some())
            }
            State::Waiting(Wait::Until { until_ms }) => now >= *until_ms,
            // Only the user's answer moves it on: `answer_in`, or a line typed ahead.
            State::Waiting(Wait::Input(_)) => !self.typed_ahead(tab).is_empty(),
            State::Done { at_ms, .. } => now >= *at_ms,
        }
    }

    /// What the command pending in `tab` waits for, if it waits.
    pub(crate) fn pending_wait(&self, tab: usize) -> Option<&Wait> {
        match &self.pending_in(tab)?.state {
            State::Waiting(w) => Some(w),
            State::Done { .. } => None,
        }
    }

    /// The answer to the active tab's prompt: the command runs again with
    /// it in its journal.
    pub(crate) fn answer(&mut self, text: &str) -> Run {
        match self.pending.take() {
            Some(Pending {
                input,
                mut entries,
                since_ms,
                state: State::Waiting(Wait::Input(_)),
                deadline_ms,
            }) => {
                entries.push(Entry::Input { text: text.to_string() });
                self.attempt(input, entries, since_ms, deadline_ms)
            }
            other => {
                self.pending = other;
                Run::Streaming(Output::default())
            }
        }
    }

    /// Whether the active tab's command waits at a password prompt.
    pub(crate) fn at_password_prompt(&self) -> bool {
        matches!(&self.pending, Some(Pending { state: State::Waiting(Wait::Input(p)), .. }) if p.masked)
    }

    /// The next virtual time a pending command waits for by the clock, or
    /// a stream's `timeout` runs out at.
    fn next_timer(&self) -> Option<u64> {
        let streams = self
            .parked
            .values()
            .filter_map(|t| t.stream.as_ref())
            .chain(self.stream.as_ref())
            .filter_map(|(s, _)| s.deadline_ms);
        self.pending_tabs()
            .into_iter()
            .filter_map(|t| self.pending_in(t))
            .flat_map(|p| {
                let own = match &p.state {
                    State::Waiting(Wait::Until { until_ms }) => Some(*until_ms),
                    State::Done { at_ms, .. } => Some(*at_ms),
                    State::Waiting(Wait::Request { .. } | Wait::Input(_)) => None,
                };
                [own, p.deadline_ms]
            })
            .flatten()
            .chain(streams)
            .min()
    }

    /// The requests pending commands wait for.
    fn awaited(&self) -> Vec<u64> {
        self.pending_tabs()
            .into_iter()
            .filter_map(|t| match self.pending_in(t).map(|p| &p.state) {
                Some(State::Waiting(Wait::Request { id, .. })) => Some(*id),
                _ => None,
            })
            .collect()
    }

    /// Goes on with the command pending in the active tab (it is ready).
    fn resume(&mut self) -> Run {
        let Some(p) = self.pending.take() else { return Run::Done(Output::default()) };
        let Pending { input, mut entries, since_ms, state, deadline_ms } = p;
        let now = self.now_ms();
        if deadline_ms.is_some_and(|d| now >= d) && !matches!(state, State::Done { .. }) {
            // `timeout` ran out first.
            self.drop_pending(Pending { input, entries, since_ms, state, deadline_ms });
            self.set_status(exit::TIMEOUT);
            return Run::Done(Output::fail("", exit::TIMEOUT));
        }
        match state {
            State::Done { exec, .. } => self.finish(Exec { elapsed_ms: 0, ..exec }),
            State::Waiting(Wait::Until { .. } | Wait::Input(_)) => {
                self.attempt(input, entries, since_ms, deadline_ms)
            }
            State::Waiting(Wait::Request { id, endpoint, request, token, sent_ms }) => {
                let (result, done_ms) = match self.backend.sim.request_state(id) {
                    Some(call) => (
                        call.result.clone().unwrap_or(Err(ClientError::DeadlineExceeded)),
                        call.done_ms.unwrap_or(now),
                    ),
                    None => (Err(ClientError::ConnectionLost), now),
                };
                let took_ms = done_ms.saturating_sub(sent_ms);
                entries.push(Entry::Call { endpoint, request: *request, token, result, took_ms });
                self.attempt(input, entries, since_ms, deadline_ms)
            }
        }
    }

    /// [`Console::poll_tabs`] in page mode.
    pub(crate) fn poll_page(&mut self, ms: u64) -> Vec<(usize, Run)> {
        let home = self.active;
        let end = self.now_ms().saturating_add(ms);
        let mut outs: VecMap<usize, (Output, bool)> = VecMap::new();
        for t in self.pending_tabs().into_iter().chain(self.stream_tabs()) {
            outs.get_or_default(t);
        }
        loop {
            // Whatever can go on now does (a resumed command may finish, wait
            // again, or start a stream). Each rerun answers one more of its
            // operations; the cap only guards against a command that never
            // asks the same twice.
            for _ in 0..MAX_RESUMES_PER_STOP {
                let ready: Vec<usize> = self.pending_tabs().into_iter().filter(|&t| self.ready(t)).collect();
                if ready.is_empty() {
                    break;
                }
                for t in ready {
                    self.switch(t);
                    let run = self.resume();
                    let (o, done) = outs.get_or_default(t);
                    if let Run::Done(_) = run {
                        *done = true;
                    }
                    o.append(run.output().clone());
                }
            }
            self.tick_streams(&mut outs);
            let now = self.now_ms();
            if now >= end {
                break;
            }
            let grid = (now / STREAM_GRID_MS + 1) * STREAM_GRID_MS;
            let stop = self.next_timer().map_or(grid, |t| t.max(now + 1).min(grid)).min(end);
            let stop = self.node.due_ms().map_or(stop, |d| stop.min(d.max(now + 1)));
            let awaited = self.awaited();
            self.backend.run_page(stop, &awaited);
            if self.node.due_ms().is_some_and(|d| d <= self.now_ms()) {
                crate::node::step(self);
            }
        }
        self.switch(home);
        // With kube's controllers running, `run_page` forgets after their steps.
        if self.awaited().is_empty() && !self.backend.kube_active {
            self.backend.sim.forget_resolved();
        }
        outs.into_iter()
            .map(|(t, (o, done))| (t, if done { Run::Done(o) } else { Run::Streaming(o) }))
            .collect()
    }
}
