//! The engine: the console language (`ctl::Console`, which owns the
//! simulator and kube), the clock that drives it from wall time, what each
//! console tab shows, and the run's record. Plain data, no signals, no
//! browser API; the page keeps one in a `StoredValue` and redraws from it.
//!
//! ```text
//!   frame(wall_dt):  view = view + wall_dt × speed      (paused: nothing)
//!                    advance_to(view rounded down to GRID_MS):
//!                      console.poll_tabs(to the next multiple of GRID_MS)
//!                      -> each tab's output; stage actions; load writes
//!   run_line(tab, line)   recorded as (virtual ms, tab, line), then run
//!   stage(lines)          the buttons' commands, run one by one in tab 9
//! ```
//!
//! Time only ever moves in steps that end on multiples of `GRID_MS` (or
//! where a command or a step left the clock), and every line, Ctrl+C and
//! step is recorded with the virtual time it happened at. Replaying the
//! record makes the same calls in the same order: the same run.

use std::collections::VecDeque;

use ctl::{Console, ConsoleOptions, Output, Run};
use sim::Sim;

use crate::console_log::{ConsoleLog, Stream};
use crate::session::{Act, Entry, Session};

/// Speeds the slider offers, as a log scale from 0.01× to 20×.
pub const SPEED_MIN: f64 = 0.01;
/// Fastest speed.
pub const SPEED_MAX: f64 = 20.0;
/// Output lines a console keeps (older ones go).
pub const CONSOLE_KEEP: usize = 20_000;
/// Wall time a single frame may advance at most (a background tab resumes
/// without a long catch-up).
pub const MAX_FRAME_MS: f64 = 100.0;
/// Virtual time moves in steps ending on multiples of this (ms), live and
/// in replay alike.
pub const GRID_MS: u64 = 10;
/// How much virtual time a replay runs at most (a day: about 15 s of
/// replay in the browser).
pub const MAX_REPLAY_MS: u64 = 24 * 3_600_000;
/// The console tabs the page shows.
pub const VISIBLE_TABS: usize = 2;
/// The hidden console tab the stage's buttons type into.
pub const STAGE_TAB: usize = 9;
/// Hidden tabs that carry `load` writes: this plus the visible tab.
const LOAD_TAB_BASE: usize = 6;

/// `load RATE`: a visible tab types `etcdctl put load/N vN` RATE times per
/// virtual second into a hidden tab, until Ctrl+C.
#[derive(Clone, Debug, PartialEq)]
pub struct Load {
    /// Writes per virtual second.
    pub rate: u64,
    /// Virtual time it started (ms).
    pub started_ms: u64,
    /// Writes sent so far.
    pub sent: u64,
    /// Writes that answered OK.
    pub ok: u64,
    /// The endpoint the writes go to.
    pub url: String,
    /// A write is on its way.
    pub waiting: bool,
}

/// One visible console tab, as the page shows it.
#[derive(Clone, Debug, Default)]
pub struct Tab {
    /// Output and history.
    pub log: ConsoleLog,
    /// The member it talks to (its number N in `etcd-N`).
    pub endpoint: u64,
    /// The entry still running (it waits or streams) and when it started.
    pub running: Option<(String, u64)>,
    /// A `load` it runs.
    pub load: Option<Load>,
    /// The exit status of the last finished command.
    pub last_exit: i32,
}

/// The console and everything that drives it.
pub struct Engine {
    console: Console,
    /// Virtual ms per wall ms.
    pub speed: f64,
    /// Time stands still.
    pub paused: bool,
    /// The visible console tabs.
    pub tabs: Vec<Tab>,
    /// Bumped whenever any tab's output or state changes.
    pub console_version: u64,
    /// Files commands wrote (`snapshot save`), for the page to download.
    pub downloads: Vec<(String, Vec<u8>)>,
    /// The time the page shows (ms): wall time × speed, at or after the
    /// console's clock.
    pub view_ms: u64,
    /// Wall time owed below one virtual ms.
    carry_ms: f64,
    /// The run so far: how it started and every input since.
    seed: u64,
    members: u64,
    entries: Vec<Entry>,
    /// Stage actions waiting for the stage tab: groups of lines, a group
    /// stops at its first failing line.
    stage_queue: VecDeque<Vec<String>>,
    /// The line the stage tab runs.
    stage_busy: Option<String>,
    /// The rest of the group the stage tab runs.
    stage_rest: Vec<String>,
    /// Replaying a record: nothing is recorded, no file is downloaded, and
    /// the stage queue is left to the record.
    replaying: bool,
}

impl Engine {
    /// A fresh cluster of `members` members from `seed`, two console tabs.
    pub fn new(seed: u64, members: u64) -> Engine {
        let members = members.clamp(1, 7);
        let mut console = Console::new(seed, ConsoleOptions { nodes: members as usize, tls: false });
        // The page's clock drives virtual time: a command that waits for
        // the cluster is pending until `poll_tabs` brings its answer.
        console.set_page_mode(true);
        let view_ms = console.now_ms();
        let tab = Tab { endpoint: 1, ..Tab::default() };
        Engine {
            console,
            speed: 1.0,
            paused: false,
            tabs: vec![tab; VISIBLE_TABS],
            console_version: 0,
            downloads: Vec::new(),
            view_ms,
            carry_ms: 0.0,
            seed,
            members,
            entries: Vec::new(),
            stage_queue: VecDeque::new(),
            stage_busy: None,
            stage_rest: Vec::new(),
            replaying: false,
        }
    }

    /// Replays a saved run: the same calls at the same virtual times.
    /// A record reaching past [`MAX_REPLAY_MS`] (a hostile link) is cut there.
    pub fn restore(s: &Session) -> Engine {
        Engine::restore_within(s, MAX_REPLAY_MS)
    }

    /// [`Engine::restore`], replaying at most `max_ms` of virtual time.
    pub fn restore_within(s: &Session, max_ms: u64) -> Engine {
        let mut e = Engine::new(s.seed, s.members);
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
            entries: self.entries.clone(),
            clock_ms: self.now(),
            view_ms: self.view_ms,
            speed: self.speed,
            paused: self.paused,
        }
    }

    /// The console language, which owns the simulator and kube.
    pub fn console(&self) -> &Console {
        &self.console
    }

    /// The console, to change (the Kubernetes panel's `with_kube`).
    pub fn console_mut(&mut self) -> &mut Console {
        self.console_version += 1;
        &mut self.console
    }

    /// The simulated cluster, to draw.
    pub fn sim(&self) -> &Sim {
        self.console.sim()
    }

    /// The console's virtual clock (ms).
    pub fn now(&self) -> u64 {
        self.console.now_ms()
    }

    /// Advances virtual time by `wall_ms` × speed (nothing while paused).
    /// Returns true if time moved.
    pub fn frame(&mut self, wall_ms: f64) -> bool {
        if self.paused {
            self.carry_ms = 0.0;
            return false;
        }
        let owed = wall_ms.clamp(0.0, MAX_FRAME_MS) * self.speed + self.carry_ms;
        let whole = owed.floor();
        self.carry_ms = owed - whole;
        if whole < 1.0 {
            return false;
        }
        self.sync_view();
        self.view_ms += whole as u64;
        self.advance_to(self.view_ms / GRID_MS * GRID_MS);
        true
    }

    /// Keeps the drawn time at or just ahead of the console's clock. After
    /// `cluster reset` the new cluster's clock starts again near zero: the
    /// drawn time follows it down instead of making the new cluster run up
    /// to the old time in one frame.
    fn sync_view(&mut self) {
        let now = self.now();
        self.view_ms = if self.view_ms > now + GRID_MS { now } else { self.view_ms.max(now) };
    }

    /// Runs virtual time to `target_ms` in steps that end on the grid,
    /// collecting each tab's output after every step.
    fn advance_to(&mut self, target_ms: u64) {
        loop {
            let now = self.now();
            if now >= target_ms {
                break;
            }
            let next = (now / GRID_MS + 1) * GRID_MS;
            let runs = self.console.poll_tabs(next.min(target_ms) - now);
            self.route(runs);
            self.after_step();
            if self.now() <= now {
                // The clock did not move: do not spin.
                break;
            }
        }
        self.sync_view();
    }

    /// What tabs printed and whether their commands finished.
    fn route(&mut self, runs: Vec<(usize, Run)>) {
        for (tab, run) in runs {
            let done = matches!(run, Run::Done(_));
            let out = match run {
                Run::Done(o) | Run::Streaming(o) => o,
            };
            self.output(tab, out, done);
        }
    }

    /// Shows what tab `tab` printed; `done`: its command has finished.
    fn output(&mut self, tab: usize, out: Output, done: bool) {
        if tab == STAGE_TAB {
            if done
                && let Some(line) = self.stage_busy.take()
                && out.exit != 0
            {
                self.stage_rest.clear();
                let err = if out.stderr.is_empty() { out.stdout } else { out.stderr };
                self.print(0, Stream::Stderr, &format!("{line}: {}", err.trim_end()));
            }
            return;
        }
        if let Some(t) = tab.checked_sub(LOAD_TAB_BASE).filter(|t| *t < VISIBLE_TABS) {
            if done && let Some(load) = &mut self.tabs[t].load {
                load.waiting = false;
                // The pending line shows the count as the clock moves: no
                // console redraw for each write.
                load.ok += u64::from(out.exit == 0);
            }
            return;
        }
        let Some(t) = self.tabs.get_mut(tab) else { return };
        if out.clear {
            t.log.clear();
        }
        if !out.stdout.is_empty() {
            t.log.push(Stream::Stdout, &out.stdout);
        }
        if !out.stderr.is_empty() {
            t.log.push(Stream::Stderr, &out.stderr);
        }
        t.log.keep_last(CONSOLE_KEEP);
        if done {
            t.last_exit = out.exit;
            let finished = t.running.take();
            if out.exit == 0
                && !self.replaying
                && let Some((entry, _)) = finished
                && let Some(path) = snapshot_saved(&entry)
            {
                let file = ctl::vfs::Vfs::resolve(&path);
                if let Some(bytes) = self.console.vfs().read(&file) {
                    let name = path.rsplit('/').next().unwrap_or(&path).to_string();
                    self.downloads.push((name, bytes.to_vec()));
                }
            }
        }
        self.console_version += 1;
    }

    /// After each step of time: the next stage action, due load writes.
    /// Stage lines come last, as a typed line comes after the frame's
    /// steps: in replay, every recorded line then runs at the same point.
    fn after_step(&mut self) {
        for t in 0..VISIBLE_TABS {
            self.load_writes(t);
        }
        if !self.replaying {
            self.next_stage_line();
        }
    }

    fn print(&mut self, tab: usize, stream: Stream, text: &str) {
        if let Some(t) = self.tabs.get_mut(tab) {
            t.log.push(stream, text);
            t.log.keep_last(CONSOLE_KEEP);
        }
        self.console_version += 1;
    }

    fn record(&mut self, tab: usize, act: Act) {
        if !self.replaying {
            let at_ms = self.now();
            self.entries.push(Entry { at_ms, tab, act });
        }
    }

    /// Does a recorded input (live, right after recording it, or in replay).
    fn apply(&mut self, tab: usize, act: &Act) {
        match act {
            Act::Line(line) => self.exec(tab, line),
            Act::Interrupt => self.stop(tab),
            Act::Step => {
                self.console.sim_mut().step();
                let runs = self.console.poll_tabs(0);
                self.route(runs);
                self.sync_view();
            }
            Act::File(path, bytes) => self.console.write_file(path, bytes.clone()),
            Act::Manifest(text) => {
                self.manifest(text);
            }
        }
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

    /// The prompt of tab `i`.
    pub fn prompt(&self, i: usize) -> String {
        format!("etcd-{} $ ", self.tabs.get(i).map_or(1, |t| t.endpoint))
    }

    /// Runs a console entry the user typed in tab `tab`: echoed after the
    /// prompt, recorded, run (a running command is stopped first).
    pub fn run_line(&mut self, tab: usize, entry: &str) {
        if tab >= self.tabs.len() {
            return;
        }
        if self.tabs[tab].running.is_some() || self.tabs[tab].load.is_some() {
            self.interrupt(tab);
        }
        let act = Act::Line(entry.to_string());
        self.record(tab, act.clone());
        self.apply(tab, &act);
    }

    /// Runs `entry` in console tab `tab` (visible, the stage's or a load's).
    fn exec(&mut self, tab: usize, entry: &str) {
        if tab < VISIBLE_TABS {
            // Echoed after the prompt; a replayed line is not new history.
            let prompt = self.prompt(tab);
            let log = &mut self.tabs[tab].log;
            if self.replaying {
                log.push(Stream::Input, &format!("{prompt}{entry}"));
            } else {
                log.enter(&prompt, entry);
            }
            self.console_version += 1;
            if let Some(load) = parse_load(entry) {
                self.start_load(tab, load);
                return;
            }
            if let Some(n) = endpoint_number(entry) {
                self.tabs[tab].endpoint = n;
            }
        }
        let started = self.now();
        let run = self.console.run_line_in(tab, entry);
        match run {
            Run::Done(out) => {
                if tab < VISIBLE_TABS {
                    self.tabs[tab].running = Some((entry.to_string(), started));
                } else if tab == STAGE_TAB {
                    self.stage_busy = Some(entry.to_string());
                }
                self.output(tab, out, true);
            }
            Run::Streaming(out) => {
                if tab < VISIBLE_TABS {
                    self.tabs[tab].running = Some((entry.to_string(), started));
                } else if tab == STAGE_TAB {
                    self.stage_busy = Some(entry.to_string());
                }
                self.output(tab, out, false);
            }
        }
        self.sync_view();
    }

    /// Ctrl+C in tab `tab`: stops its command, stream or load.
    pub fn interrupt(&mut self, tab: usize) {
        if tab >= self.tabs.len() {
            return;
        }
        if self.tabs[tab].running.is_none() && self.tabs[tab].load.is_none() {
            let line = format!("{}^C", self.prompt(tab));
            self.tabs[tab].log.push(Stream::Input, &line);
            self.console_version += 1;
            return;
        }
        self.record(tab, Act::Interrupt);
        self.stop(tab);
    }

    fn stop(&mut self, tab: usize) {
        if let Some(load) = self.tabs.get_mut(tab).and_then(|t| t.load.take()) {
            let _ = self.console.interrupt_in(LOAD_TAB_BASE + tab);
            let text = format!("^C\n{} writes sent, {} answered OK", load.sent, load.ok);
            self.print(tab, Stream::Stdout, &text);
            return;
        }
        let out = self.console.interrupt_in(tab);
        if let Some(t) = self.tabs.get_mut(tab) {
            t.log.push(Stream::Stdout, "^C");
        }
        self.output(tab, out, true);
    }

    /// One step: one message delivery, one tick or one deadline.
    pub fn step_once(&mut self) {
        self.record(0, Act::Step);
        self.apply(0, &Act::Step);
    }

    /// Puts a file into the console's filesystem (an uploaded backup), recorded.
    pub fn upload(&mut self, path: &str, bytes: Vec<u8>) {
        let act = Act::File(path.to_string(), bytes);
        self.record(0, act.clone());
        self.apply(0, &act);
        let text =
            format!("# uploaded {path} ({} bytes)", self.console.vfs().read(path).map_or(0, <[u8]>::len));
        self.print(0, Stream::Stdout, &text);
    }

    /// Queues stage actions: console lines run one after another in the
    /// hidden stage tab; the rest is dropped when one fails.
    pub fn stage(&mut self, lines: Vec<String>) {
        if !lines.is_empty() {
            self.stage_queue.push_back(lines);
            self.next_stage_line();
        }
    }

    fn next_stage_line(&mut self) {
        if self.stage_busy.is_some() {
            return;
        }
        if self.stage_rest.is_empty() {
            match self.stage_queue.pop_front() {
                Some(lines) => self.stage_rest = lines,
                None => return,
            }
        }
        let line = self.stage_rest.remove(0);
        let act = Act::Line(line);
        self.record(STAGE_TAB, act.clone());
        self.apply(STAGE_TAB, &act);
        self.console_version += 1;
    }

    fn start_load(&mut self, tab: usize, rate: Result<u64, String>) {
        match rate {
            Ok(rate) => {
                let url = format!("http://127.0.0.{}:2379", self.tabs[tab].endpoint);
                let started_ms = self.now();
                self.tabs[tab].load = Some(Load { rate, started_ms, sent: 0, ok: 0, url, waiting: false });
                let text = format!("writing {rate} keys per second under load/ (Ctrl+C stops)");
                self.print(tab, Stream::Stdout, &text);
            }
            Err(e) => {
                self.tabs[tab].last_exit = 1;
                self.print(tab, Stream::Stderr, &e);
            }
        }
    }

    /// Types the load's due `etcdctl put` into its hidden tab, one at a time.
    fn load_writes(&mut self, tab: usize) {
        let now = self.now();
        let hidden = LOAD_TAB_BASE + tab;
        let Some(load) = &self.tabs[tab].load else { return };
        if load.started_ms + load.sent * 1000 / load.rate > now || load.waiting {
            return;
        }
        let line = format!("etcdctl --endpoints={} put load/{:06} v{}", load.url, load.sent, load.sent);
        if let Some(load) = &mut self.tabs[tab].load {
            load.sent += 1;
            load.waiting = true;
        }
        let run = self.console.run_line_in(hidden, &line);
        if let Run::Done(out) = run {
            self.output(hidden, out, true);
        }
    }

    /// Sets tab `tab`'s endpoint to member `etcd-N`: types the export.
    pub fn set_endpoint(&mut self, tab: usize, n: u64) {
        self.run_line(tab, &format!("export ETCDCTL_ENDPOINTS=http://127.0.0.{n}:2379"));
    }

    /// What tab `tab` waits for, and since when (virtual ms).
    pub fn pending(&self, tab: usize) -> Option<(String, u64)> {
        let t = self.tabs.get(tab)?;
        if let Some(l) = &t.load {
            return Some((format!("load: {} sent, {} OK", l.sent, l.ok), l.started_ms));
        }
        let (entry, since) = t.running.as_ref()?;
        let since = self.console.pending_since_ms(tab).unwrap_or(*since);
        Some((waiting_for(entry).to_string(), since))
    }

    /// Candidates for Tab after `line`: the whole line with its last word
    /// completed, one per candidate.
    pub fn complete(&self, line: &str) -> Vec<String> {
        let head_len = line.rfind(char::is_whitespace).map_or(0, |i| i + 1);
        let head = &line[..head_len];
        self.console.complete(line).into_iter().map(|c| format!("{head}{c}")).collect()
    }

    /// Keys of the cluster's store (the leader's, else the first running
    /// member's), for the key browser.
    pub fn keys(&self, limit: usize) -> Vec<String> {
        let Some(m) = self.read_member() else { return Vec::new() };
        let req =
            mvcc::RangeRequest { key: vec![0], range_end: vec![0], keys_only: true, ..Default::default() };
        m.store()
            .range(&req)
            .map(|r| {
                r.kvs.iter().take(limit).map(|kv| String::from_utf8_lossy(&kv.key).into_owned()).collect()
            })
            .unwrap_or_default()
    }

    /// The member whose store the page reads: the leader, else any running member.
    pub fn read_member(&self) -> Option<&server::Member> {
        let sim = self.sim();
        let id = sim.leader().or_else(|| sim.running().first().copied())?;
        sim.member(id)
    }

    /// Member names, in member order.
    pub fn member_names(&self) -> Vec<String> {
        let sim = self.sim();
        sim.member_ids().iter().filter_map(|id| sim.node(*id).map(|n| n.config.name.clone())).collect()
    }

    /// The name of member `id` (`etcd-2`), else its hex ID.
    pub fn name_of(&self, id: u64) -> String {
        self.sim().node(id).map_or_else(|| format!("{id:x}"), |n| n.config.name.clone())
    }

    /// Client URLs of every member, for `--endpoints`.
    pub fn all_endpoints(&self) -> String {
        let sim = self.sim();
        sim.member_ids()
            .iter()
            .filter_map(|id| sim.node(*id).map(|n| format!("http://127.0.0.{}:2379", n.number)))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Recent output lines of tab `tab`, for tests.
    pub fn tab_texts(&self, tab: usize) -> Vec<String> {
        self.tabs.get(tab).map(|t| t.log.lines().iter().map(|l| l.text.clone()).collect()).unwrap_or_default()
    }
}

/// `load RATE` (a page command): the rate, or the error to print.
fn parse_load(entry: &str) -> Option<Result<u64, String>> {
    let mut words = entry.split_whitespace();
    if words.next() != Some("load") {
        return None;
    }
    let rate = words.next().and_then(|w| w.parse::<u64>().ok()).filter(|r| (1..=100).contains(r));
    Some(rate.ok_or_else(|| "load: usage: load RATE (1 to 100 writes per second; Ctrl+C stops)".to_string()))
}

/// The member number an `export ETCDCTL_ENDPOINTS=...127.0.0.N:2379` picks.
fn endpoint_number(entry: &str) -> Option<u64> {
    let rest = entry.trim().strip_prefix("export ETCDCTL_ENDPOINTS=")?;
    let first = rest.trim_matches(|c| c == '"' || c == '\'').split(',').next()?;
    let host = first.trim_start_matches("http://").trim_start_matches("https://");
    host.split(':').next()?.strip_prefix("127.0.0.")?.parse().ok()
}

/// The file `etcdctl snapshot save FILE` wrote, if `entry` is one.
fn snapshot_saved(entry: &str) -> Option<String> {
    let words: Vec<&str> = entry.split_whitespace().filter(|w| !w.starts_with('-')).collect();
    let at = words.windows(2).position(|w| w == ["snapshot", "save"])?;
    (words.first() == Some(&"etcdctl")).then(|| words.get(at + 2).map(|s| s.to_string()))?
}

/// What a command still running is doing, in words.
fn waiting_for(entry: &str) -> &'static str {
    let words: Vec<&str> = entry.split_whitespace().collect();
    let has = |w: &str| words.contains(&w);
    if has("watch") || (has("kubectl") && (has("-w") || has("--watch"))) {
        "watching… Ctrl+C stops"
    } else if has("keep-alive") {
        "keeping the lease alive… Ctrl+C stops"
    } else if has("lock") || has("elect") {
        "holding… Ctrl+C stops"
    } else if has("sleep") {
        "sleeping… Ctrl+C stops"
    } else {
        "waiting for the cluster… Ctrl+C cancels"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn run(e: &mut Engine, tab: usize, line: &str) {
        e.run_line(tab, line);
        for _ in 0..300 {
            if e.tabs[tab].running.is_none() {
                break;
            }
            e.frame(16.0);
        }
    }

    #[wasm_bindgen_test]
    fn put_then_get_through_the_console() {
        let mut e = Engine::new(7, 3);
        e.frame(100.0);
        run(&mut e, 0, "etcdctl put foo bar");
        run(&mut e, 0, "etcdctl get foo");
        assert_eq!(
            e.tab_texts(0),
            ["etcd-1 $ etcdctl put foo bar", "OK", "etcd-1 $ etcdctl get foo", "foo", "bar"]
        );
    }

    #[wasm_bindgen_test]
    fn member_list_prints_etcdctls_table() {
        let mut e = Engine::new(7, 3);
        run(&mut e, 0, "etcdctl member list -w table");
        let text = e.tab_texts(0).join("\n");
        assert!(text.contains("|        ID        | STATUS  |"), "{text}");
    }

    #[wasm_bindgen_test]
    fn cluster_reset_restarts_the_drawn_clock_with_the_new_cluster() {
        let mut e = Engine::new(7, 3);
        for _ in 0..200 {
            e.frame(100.0);
        }
        assert!(e.view_ms >= 20_000, "{}", e.view_ms);
        run(&mut e, 0, "cluster reset");
        // The new cluster's clock is back near its first election; one frame
        // moves it by at most a frame's worth, not by the old 20 s.
        let before = e.now();
        assert!(before < 20_000, "{before}");
        e.frame(16.0);
        assert!(e.now() < before + 100, "{} -> {}", before, e.now());
        assert!(e.view_ms <= e.now() + GRID_MS);
    }

    #[wasm_bindgen_test]
    fn helpers_read_lines() {
        assert_eq!(parse_load("load 50"), Some(Ok(50)));
        assert!(matches!(parse_load("load x"), Some(Err(_))));
        assert_eq!(parse_load("etcdctl get load"), None);
        assert_eq!(endpoint_number("export ETCDCTL_ENDPOINTS=http://127.0.0.3:2379"), Some(3));
        assert_eq!(snapshot_saved("etcdctl snapshot save snap.db").as_deref(), Some("snap.db"));
        assert_eq!(
            snapshot_saved("etcdctl --endpoints=x snapshot save /tmp/a.db").as_deref(),
            Some("/tmp/a.db")
        );
        assert_eq!(snapshot_saved("etcdutl snapshot save a"), None);
    }
}
