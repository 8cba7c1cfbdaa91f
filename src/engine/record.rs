//! The run's record: every input the user gives (a line, Ctrl+C, Ctrl+L, a
//! step, an uploaded file, a manifest) is recorded with the virtual time it
//! happened at, then applied; [`Engine::restore`] replays a record by
//! making the same calls at the same times.
//!
//! ```text
//!   live:    run_line(0, "etcdctl put a b")
//!              record: Entry { at_ms: 5030, tab: 0, act: Line(..) }
//!              apply:  exec(0, "etcdctl put a b")
//!   replay:  for each entry: advance_to(at_ms); apply(tab, act)
//!            then advance_to(clock_ms)
//! ```
//!
//! Whatever changes what a tab shows must go through here: an input that
//! is not recorded comes back after a reload or through a share link.

use super::{
    Engine, GRID_MS, LastStep, MAX_REPLAY_MS, MAX_STEPS_TO, SPEED_MAX, SPEED_MIN, StepTo, VISIBLE_TABS,
};
use crate::console_log::Stream;
use crate::session::{Act, Entry, Session};

impl Engine {
    /// Replays a saved run: the same calls at the same virtual times.
    /// A record reaching past [`MAX_REPLAY_MS`] (a hostile link) is cut there.
    pub fn restore(s: &Session) -> Engine {
        Engine::restore_within(s, MAX_REPLAY_MS)
    }

    /// [`Engine::restore`], replaying at most `max_ms` of virtual time.
    pub fn restore_within(s: &Session, max_ms: u64) -> Engine {
        let mut e = Engine::with_tls(s.seed, s.members, s.tls);
        let limit = e.now().saturating_add(max_ms);
        e.replaying = true;
        let mut kept = Vec::new();
        for entry in s.entries.iter().take_while(|x| x.at_ms <= limit) {
            e.advance_to(entry.at_ms);
            e.apply(entry.tab, &entry.act);
            kept.push(entry.clone());
        }
        e.advance_to(s.clock_ms.min(limit));
        e.replaying = false;
        e.entries = kept;
        e.view_ms = s.view_ms.clamp(e.now(), e.now() + GRID_MS);
        e.speed = s.speed.clamp(SPEED_MIN, SPEED_MAX);
        e.paused = s.paused;
        e
    }

    /// The run so far, to save or share.
    pub fn session(&self) -> Session {
        Session {
            seed: self.seed,
            members: self.members,
            tls: self.tls,
            entries: self.entries.clone(),
            clock_ms: self.now(),
            view_ms: self.view_ms,
            speed: self.speed,
            paused: self.paused,
        }
    }

    /// The record's length and the time of its newest input: changes when
    /// an input is recorded or a jump in time drops some.
    pub fn record_mark(&self) -> (usize, u64) {
        (self.entries.len(), self.entries.last().map_or(0, |e| e.at_ms))
    }

    /// Records an input at the current virtual time (not while replaying).
    pub(super) fn record(&mut self, tab: usize, act: Act) {
        if !self.replaying {
            let at_ms = self.now();
            self.entries.push(Entry { at_ms, tab, act });
        }
    }

    /// Does a recorded input (live, right after recording it, or in replay).
    pub(super) fn apply(&mut self, tab: usize, act: &Act) {
        self.travel_note(tab, act);
        match act {
            Act::Line(line) => self.exec(tab, line),
            Act::Interrupt => self.ctrl_c(tab),
            Act::Clear => {
                if let Some(t) = self.tabs.get_mut(tab) {
                    t.log.clear();
                }
                self.console_version += 1;
            }
            Act::Step => {
                let events_before = self.sim().events().total();
                let step = self.sim_step();
                self.last_step = Some(LastStep { step, count: 1, events_before });
            }
            Act::StepTo(to) => self.steps_to(*to),
            Act::File(path, bytes) => {
                self.console.write_file(path, bytes.clone());
                let size = self.console.vfs().read(path).map_or(0, <[u8]>::len);
                self.print(tab, Stream::Stdout, &format!("# uploaded {path} ({size} bytes)"));
            }
            Act::Manifest(text) => {
                self.manifest(text);
            }
        }
    }

    /// Runs a console entry the user typed in tab `tab`: echoed after the
    /// prompt, recorded, run; while a command runs it is kept and runs
    /// after it (type-ahead, see `exec`). A `load` is stopped first.
    pub fn run_line(&mut self, tab: usize, entry: &str) {
        if tab >= self.tabs.len() {
            return;
        }
        if self.tabs[tab].load.is_some() {
            self.interrupt(tab);
        }
        let act = Act::Line(entry.to_string());
        self.record(tab, act.clone());
        self.apply(tab, &act);
    }

    /// Ctrl+C in tab `tab`: stops its command, stream or load; with
    /// nothing running it echoes `^C` after the prompt, as a shell does.
    /// Recorded either way, so a replay shows the same transcript.
    pub fn interrupt(&mut self, tab: usize) {
        if tab >= self.tabs.len() {
            return;
        }
        self.record(tab, Act::Interrupt);
        self.ctrl_c(tab);
    }

    fn ctrl_c(&mut self, tab: usize) {
        let Some(t) = self.tabs.get_mut(tab) else { return };
        if t.running.is_none() && t.load.is_none() {
            let line = format!("{}^C", self.prompt(tab));
            self.print(tab, Stream::Input, &line);
            return;
        }
        self.stop(tab);
    }

    /// Ctrl+L in visible tab `tab`: clears its output (a running command
    /// keeps running and printing), recorded so a replay clears it too.
    pub fn clear(&mut self, tab: usize) {
        if tab >= VISIBLE_TABS.min(self.tabs.len()) {
            return;
        }
        self.record(tab, Act::Clear);
        self.apply(tab, &Act::Clear);
    }

    /// One step: one message delivery, one tick or one deadline.
    pub fn step_once(&mut self) {
        self.record(0, Act::Step);
        self.apply(0, &Act::Step);
    }

    /// Steps until a message reaches its target (or is lost there), or
    /// until the timeline gets an event that is not routine (an election,
    /// a vote, a role change, a fault): recorded as one input, replayed as
    /// the same steps.
    pub fn step_to(&mut self, to: StepTo) {
        self.record(0, Act::StepTo(to));
        self.apply(0, &Act::StepTo(to));
    }

    /// One simulator step, and what the consoles printed after it.
    fn sim_step(&mut self) -> Option<sim::Step> {
        let step = self.console.sim_mut().step();
        let runs = self.console.poll_tabs(0);
        self.route(runs);
        self.sync_view();
        step
    }

    /// [`Engine::step_to`]'s steps: at most `MAX_STEPS_TO` (a quiet
    /// cluster ticks for ever).
    fn steps_to(&mut self, to: StepTo) {
        let events_before = self.sim().events().total();
        let mut last = LastStep { step: None, count: 0, events_before };
        while last.count < MAX_STEPS_TO {
            last.step = self.sim_step();
            last.count += 1;
            let done = match to {
                StepTo::Message => matches!(last.step, Some(sim::Step::Message { .. })),
                StepTo::Event => {
                    self.sim().events().since(events_before).any(|r| !crate::events::is_routine(self, r))
                }
            };
            if done || last.step.is_none() {
                break;
            }
        }
        self.last_step = Some(last);
    }

    /// Puts a file into the console's filesystem (an uploaded backup) and
    /// says so in tab 0, recorded.
    pub fn upload(&mut self, path: &str, bytes: Vec<u8>) {
        let act = Act::File(path.to_string(), bytes);
        self.record(0, act.clone());
        self.apply(0, &act);
    }

    /// Applies a manifest from the Kubernetes panel as `kubectl apply -f -`
    /// would, recorded like a typed line so reload and share links replay it.
    pub fn apply_manifest(&mut self, text: &str) -> Vec<crate::kube_panel::Outcome> {
        let act = Act::Manifest(text.to_string());
        self.record(0, act);
        self.manifest(text)
    }

    fn manifest(&mut self, text: &str) -> Vec<crate::kube_panel::Outcome> {
        let out = self.console.with_kube(|kube, sim| crate::kube_panel::apply(kube, sim, text));
        self.sync_view();
        self.console_version += 1;
        out
    }
}
