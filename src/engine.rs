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
//! where a command or a step left the clock), and every line, Ctrl+C,
//! Ctrl+L and step is recorded with the virtual time it happened at.
//! Replaying the record makes the same calls in the same order: the same
//! run.
//!
//! This file holds the clock and what the page reads; the rest is split by
//! seam: `engine/record.rs` (the inputs, recorded and replayed),
//! `engine/tabs.rs` (running lines in the console tabs and routing what
//! they print, the stage's queue), `engine/load.rs` (`load RATE`).

pub mod editor;
mod load;
mod record;
mod tabs;
mod travel;

use std::collections::VecDeque;

use ctl::{Console, ConsoleOptions};
use sim::Sim;

pub use load::Load;
pub use travel::{Mark, MarkKind};

use crate::console_log::ConsoleLog;
use crate::session::Entry;

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

/// Steps "step to next" takes at most (a quiet cluster ticks for ever).
pub const MAX_STEPS_TO: usize = 2_000;

pub use crate::session::StepTo;

/// What the last Step (or "step to next") did, for the stage's caption.
#[derive(Clone, Debug, PartialEq)]
pub struct LastStep {
    /// The last simulator step taken (`None`: nothing was left to do).
    pub step: Option<sim::Step>,
    /// Steps taken by the input.
    pub count: usize,
    /// The event count before the input: the events it caused follow.
    pub events_before: u64,
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

/// The console and everything that drives it. A clone is a checkpoint
/// (`engine/travel.rs`).
#[derive(Clone)]
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
    /// Whether the cluster started serving TLS (a kubeadm node's etcd).
    tls: bool,
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
    /// The file open in the editor pane (`vi FILE`).
    editor: Option<editor::EditorPane>,
    /// What the last step did (Step and "step to next"), for its caption.
    pub last_step: Option<LastStep>,
    /// Branches and checkpoints (time travel).
    travel: travel::Travel,
    /// The ids of the client requests the user's lines sent (the newest
    /// [`USER_REQUESTS_KEPT`]), and the event count they were read up to:
    /// the timeline shows these, not the kubeadm node's own traffic.
    user_requests: (Vec<u64>, u64),
}

/// Request ids of the user's lines the engine remembers.
pub const USER_REQUESTS_KEPT: usize = 512;

impl Engine {
    /// A fresh kubeadm node of `members` etcd members from `seed`, serving
    /// TLS with client certificates as the exam's node does; two console tabs.
    pub fn new(seed: u64, members: u64) -> Engine {
        Engine::with_tls(seed, members, true)
    }

    /// [`Engine::new`], its etcd serving TLS or plain http (runs saved
    /// before the page served TLS replay as plain).
    pub fn with_tls(seed: u64, members: u64, tls: bool) -> Engine {
        let members = members.clamp(1, 7);
        let options = ConsoleOptions { nodes: members as usize, tls, ..ConsoleOptions::default() };
        let mut console = Console::new(seed, options);
        // The page's clock drives virtual time: a command that waits for
        // the cluster is pending until `poll_tabs` brings its answer.
        console.set_page_mode(true);
        // `vi FILE` opens the page's editor pane.
        console.set_editor_pane(true);
        let view_ms = console.now_ms();
        let tab = Tab { endpoint: 1, ..Tab::default() };
        let mut e = Engine {
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
            tls,
            entries: Vec::new(),
            stage_queue: VecDeque::new(),
            stage_busy: None,
            stage_rest: Vec::new(),
            replaying: false,
            editor: None,
            last_step: None,
            travel: travel::Travel::default(),
            user_requests: (Vec::new(), 0),
        };
        e.travel_start();
        e
    }

    /// Whether client request `id` was sent by a line the user (or a
    /// stage button) ran, not by the cluster's own clients (the kubeadm
    /// node's apiserver and controllers).
    pub fn is_user_request(&self, id: u64) -> bool {
        self.user_requests.0.binary_search(&id).is_ok()
    }

    /// Notes the requests a user's line sent: those recorded since event
    /// `from`. A new cluster (`cluster reset`) numbers its requests anew.
    fn note_user_requests(&mut self, from: u64) {
        let total = self.sim().events().total();
        let (ids, seen) = &mut self.user_requests;
        if total < from || from < *seen {
            ids.clear();
        }
        let sim = self.console.sim();
        for r in sim.events().since(from) {
            if let sim::SimEvent::Request { id, .. } = r.event
                && ids.last().is_none_or(|last| *last < id)
            {
                ids.push(id);
            }
        }
        let extra = ids.len().saturating_sub(USER_REQUESTS_KEPT);
        ids.drain(..extra);
        *seen = total;
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
        // Time runs: the last step's caption is history.
        self.last_step = None;
        self.sync_view();
        self.view_ms += whole as u64;
        self.travel_advance_to(self.view_ms / GRID_MS * GRID_MS);
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
        self.travel_observe();
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
        let mut nodes: Vec<_> = sim.member_ids().iter().filter_map(|id| sim.node(*id)).collect();
        // In the ring's order (etcd-1, etcd-2, ...), not by member ID.
        slim::sort_by_key(&mut nodes, |n| n.number);
        nodes.into_iter().map(|n| n.config.name.clone()).collect()
    }

    /// The name of member `id` (`etcd-2`), else its hex ID.
    pub fn name_of(&self, id: u64) -> String {
        self.sim().node(id).map_or_else(|| format!("{id:x}"), |n| n.config.name.clone())
    }

    /// What the stage's "add member" buttons type: `member add` of the next
    /// member through every endpoint (with the cluster's certificates when
    /// it serves TLS), then `cluster start` of it.
    pub fn member_add_lines(&self, learner: bool) -> Vec<String> {
        let sim = self.sim();
        let n =
            sim.member_ids().iter().filter_map(|id| sim.node(*id).map(|n| n.number)).max().unwrap_or(0) + 1;
        let name = format!("etcd-{n}");
        let learner = if learner { " --learner" } else { "" };
        let peer = self.console.member_url(&format!("http://127.0.0.{n}:2380"));
        vec![
            self.etcdctl_all(&format!("member add {name}{learner} --peer-urls={peer}")),
            format!("cluster start {name}"),
        ]
    }

    /// Every member's client URL, comma separated (for `--endpoints`).
    pub fn all_endpoints(&self) -> String {
        let sim = self.sim();
        sim.member_ids()
            .iter()
            .filter_map(|id| {
                sim.node(*id).map(|n| self.console.member_url(&format!("http://127.0.0.{}:2379", n.number)))
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    /// `etcdctl ARGS` through every member, with the cluster's certificates
    /// when it serves TLS: what the stage's and inspector's buttons type.
    pub fn etcdctl_all(&self, args: &str) -> String {
        format!("etcdctl --endpoints={}{} {args}", self.all_endpoints(), self.console.tls_flags())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    /// Types `line` into console tab `tab` and runs frames until it is done.
    pub(crate) fn run(e: &mut Engine, tab: usize, line: &str) {
        e.run_line(tab, line);
        for _ in 0..300 {
            if e.tabs[tab].running.is_none() {
                break;
            }
            e.frame(16.0);
        }
    }

    /// Gives console tab `tab` the node's certificates, as the welcome text
    /// teaches, then clears its screen (a test sees only its own lines).
    pub(crate) fn use_certs(e: &mut Engine, tab: usize) {
        run(e, tab, ctl::pki::ETCDCTL_ENV);
        e.clear(tab);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn step_to_the_next_message_or_event_is_one_input_that_replays() {
        let mut e = Engine::new(7, 3);
        e.paused = true;
        e.step_to(StepTo::Message);
        let last = e.last_step.clone().expect("a step");
        assert!(matches!(last.step, Some(sim::Step::Message { .. })), "{last:?}");
        // A fresh cluster ticks until an election timer fires: many steps.
        e.step_to(StepTo::Event);
        let last = e.last_step.clone().expect("a step");
        assert!(last.count > 1, "{last:?}");
        let caption = crate::events::step_caption(&e, &last);
        assert!(caption.contains(" steps to ") && caption.contains(" — "), "{caption}");
        let session = e.session();
        assert_eq!(session.entries.len(), 2, "{:?}", session.entries);
        let text = session.to_text();
        assert!(text.contains(" 0 step message\n") && text.contains(" 0 step event\n"), "{text}");
        let again = Engine::restore(&crate::session::Session::from_text(&text).expect("reads"));
        assert_eq!((again.sim().steps(), again.now()), (e.sim().steps(), e.now()));
        // Time running again retires the caption.
        e.paused = false;
        e.frame(50.0);
        assert!(e.last_step.is_none());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn the_requests_of_the_users_lines_are_told_from_the_clusters_own() {
        let mut e = Engine::new(7, 3);
        for _ in 0..30 {
            e.frame(100.0);
        }
        run(&mut e, 0, ctl::pki::ETCDCTL_ENV);
        run(&mut e, 0, "etcdctl put greeting hello");
        for _ in 0..30 {
            e.frame(100.0);
        }
        let requests: Vec<(bool, String)> = e
            .sim()
            .events()
            .records()
            .filter_map(|r| match &r.event {
                sim::SimEvent::Request { id, what, .. } => Some((e.is_user_request(*id), what.clone())),
                _ => None,
            })
            .collect();
        let mine: Vec<&String> = requests.iter().filter(|(u, _)| *u).map(|(_, w)| w).collect();
        assert_eq!(mine.len(), 1, "{requests:?}");
        assert!(mine[0].contains("greeting"), "{mine:?}");
        // The kubeadm node's apiserver talks to etcd on its own: not the user's.
        assert!(requests.iter().any(|(u, _)| !*u), "{requests:?}");
        // A new cluster numbers its requests anew: the old ids are forgotten.
        run(&mut e, 0, "cluster reset");
        assert!(e.user_requests.0.is_empty(), "{:?}", e.user_requests);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn put_then_get_through_the_console() {
        let mut e = Engine::new(7, 3);
        e.frame(100.0);
        use_certs(&mut e, 0);
        run(&mut e, 0, "etcdctl put foo bar");
        run(&mut e, 0, "etcdctl get foo");
        assert_eq!(
            e.tab_texts(0),
            ["etcd-1 $ etcdctl put foo bar", "OK", "etcd-1 $ etcdctl get foo", "foo", "bar"]
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_member_added_but_not_started_counts_in_the_quorum_until_it_starts() {
        let mut e = Engine::new(7, 3);
        use_certs(&mut e, 0);
        run(&mut e, 0, "etcdctl member add etcd-4 --peer-urls=http://127.0.0.4:2380");
        let q = crate::model::stage(e.sim(), e.now(), 1.0).quorum;
        assert_eq!((q.voters, q.up, q.unstarted, q.quorum), (4, 3, 1, 3));
        run(&mut e, 0, "cluster start etcd-4");
        let q = crate::model::stage(e.sim(), e.now(), 1.0).quorum;
        assert_eq!((q.voters, q.up, q.unstarted), (4, 4, 0));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn the_add_member_button_reaches_a_cluster_that_serves_tls() {
        let mut e = Engine::new(7, 3);
        let lines = e.member_add_lines(false);
        assert!(lines[0].starts_with("etcdctl --endpoints=https://127.0.0.2:2379,"), "{lines:?}");
        assert!(lines[0].contains(" --cacert=/etc/kubernetes/pki/etcd/ca.crt "), "{lines:?}");
        for line in &lines {
            run(&mut e, 0, line);
        }
        let q = crate::model::stage(e.sim(), e.now(), 1.0).quorum;
        assert_eq!((q.voters, q.up), (4, 4), "{:?}", e.tab_texts(0));
        run(&mut e, 0, "cluster reset --plain");
        assert_eq!(
            e.member_add_lines(true),
            [
                "etcdctl --endpoints=http://127.0.0.2:2379,http://127.0.0.1:2379,http://127.0.0.3:2379 member add etcd-4 --learner --peer-urls=http://127.0.0.4:2380",
                "cluster start etcd-4"
            ]
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn the_endpoint_picker_exports_the_scheme_the_cluster_serves() {
        let mut e = Engine::new(7, 3);
        e.set_endpoint(0, 2);
        run(&mut e, 0, "cluster reset --plain");
        e.set_endpoint(0, 3);
        let texts = e.tab_texts(0);
        let exports: Vec<&String> = texts.iter().filter(|l| l.contains("export ")).collect();
        assert_eq!(
            exports,
            [
                "etcd-1 $ export ETCDCTL_ENDPOINTS=https://127.0.0.2:2379",
                "etcd-2 $ export ETCDCTL_ENDPOINTS=http://127.0.0.3:2379"
            ],
            "{texts:?}"
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn member_list_prints_etcdctls_table() {
        let mut e = Engine::new(7, 3);
        use_certs(&mut e, 0);
        run(&mut e, 0, "etcdctl member list -w table");
        let text = e.tab_texts(0).join("\n");
        assert!(text.contains("|        ID        | STATUS  |"), "{text}");
    }

    #[wasm_bindgen_test(unsupported = test)]
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
}
