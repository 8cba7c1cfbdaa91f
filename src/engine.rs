//! The engine: the simulator, the clock that drives it from wall time, and
//! the console tabs' running commands. Plain data, no signals, no browser
//! API; the page keeps one in a `StoredValue` and redraws from it.
//!
//! ```text
//!   frame(wall_dt):  target = now + wall_dt × speed   (paused: target = now)
//!                    sim.run_until(target)
//!                    poll every tab's job: results, watch events, load writes
//! ```

use std::collections::BTreeMap;

use server::Request;
use sim::{CallOptions, Fault, LinkSettings, Sim, SimOptions};

use crate::console_log::{ConsoleLog, Stream};
use crate::shell::{self, Format, Parsed};

/// Speeds the slider offers, as a log scale from 0.01× to 20×.
pub const SPEED_MIN: f64 = 0.01;
/// Fastest speed.
pub const SPEED_MAX: f64 = 20.0;
/// Output lines a console keeps (older ones go).
pub const CONSOLE_KEEP: usize = 20_000;
/// Wall time a single frame may advance at most (a background tab resumes
/// without a long catch-up).
pub const MAX_FRAME_MS: f64 = 100.0;

/// A command a tab is running.
#[derive(Clone, Debug, PartialEq)]
pub enum Job {
    /// A request waiting for its answer.
    Call {
        /// Request id in the simulator.
        id: u64,
        /// How to print it.
        format: Format,
        /// Virtual time it was sent (ms).
        started_ms: u64,
        /// The endpoint's client URL.
        url: String,
        /// The file it writes, if any.
        file: String,
    },
    /// A watch stream.
    Watch {
        /// Request id.
        id: u64,
        /// Virtual time it was opened (ms).
        started_ms: u64,
    },
    /// `load RATE`: puts at a steady rate.
    Load {
        /// Writes per virtual second.
        rate: u64,
        /// Virtual time it started (ms).
        started_ms: u64,
        /// Writes sent so far.
        sent: u64,
        /// Writes that answered OK.
        ok: u64,
        /// Requests not yet answered.
        waiting: Vec<u64>,
    },
}

impl Job {
    /// When the job started (ms of virtual time).
    pub fn started_ms(&self) -> u64 {
        match self {
            Job::Call { started_ms, .. } | Job::Watch { started_ms, .. } | Job::Load { started_ms, .. } => {
                *started_ms
            }
        }
    }
}

/// A membership or leadership change asked from the stage's buttons,
/// waiting for its answer.
#[derive(Clone, Debug, PartialEq)]
pub struct AdminOp {
    /// Request id.
    pub id: u64,
    /// What it was, in words (`member add etcd-4`).
    pub what: String,
    /// For `member add`: the name the new member starts with.
    pub join_as: Option<String>,
}

/// One console tab.
#[derive(Clone, Debug, Default)]
pub struct Tab {
    /// Output and history.
    pub log: ConsoleLog,
    /// The member it talks to (its number N in `etcd-N`).
    pub endpoint: u64,
    /// The running command, if any.
    pub job: Option<Job>,
}

/// The simulator and everything that drives it.
#[derive(Clone)]
pub struct Engine {
    /// The cluster.
    pub sim: Sim,
    /// Virtual ms per wall ms.
    pub speed: f64,
    /// Time stands still.
    pub paused: bool,
    /// The console tabs.
    pub tabs: Vec<Tab>,
    /// Bumped whenever any tab's output or job changes.
    pub console_version: u64,
    /// Admin requests from the stage's buttons.
    pub admin: Vec<AdminOp>,
    /// Files commands wrote (`snapshot save`), for the page to download.
    pub downloads: Vec<(String, Vec<u8>)>,
    /// The time the page shows (ms): wall time × speed, at or after the
    /// simulator's last event.
    pub view_ms: u64,
    /// Wall time owed to the simulator below one virtual ms.
    carry_ms: f64,
}

/// Options of a fresh simulation with `members` members. The checkers
/// (raft safety after every step, the linearizability history) are for
/// the test suites: they would cost the page most of its frame budget and
/// keep every operation in memory, so the page runs without them.
pub fn sim_options(members: u64) -> SimOptions {
    SimOptions {
        members: members.clamp(1, 7),
        message_log_capacity: 1_500,
        event_log_capacity: 3_000,
        check_safety: false,
        record_history: false,
        ..SimOptions::default()
    }
}

impl Engine {
    /// A fresh cluster of `members` members from `seed`, two console tabs.
    pub fn new(seed: u64, members: u64) -> Engine {
        Engine::from_sim(Sim::new(seed, sim_options(members)))
    }

    /// Wraps an existing simulation (restored or replayed).
    pub fn from_sim(sim: Sim) -> Engine {
        let tab = Tab { endpoint: 1, ..Tab::default() };
        let view_ms = sim.now_ms();
        Engine {
            sim,
            speed: 1.0,
            paused: false,
            tabs: vec![tab.clone(), tab],
            console_version: 0,
            admin: Vec::new(),
            downloads: Vec::new(),
            view_ms,
            carry_ms: 0.0,
        }
    }

    /// Whether something must still run while paused (a command waits).
    pub fn busy(&self) -> bool {
        self.tabs.iter().any(|t| t.job.is_some()) || !self.admin.is_empty()
    }

    /// Sends an admin request to the leader (else to the first running member).
    fn admin_request(&mut self, request: Request, what: String, join_as: Option<String>) {
        let target = self.sim.leader().or_else(|| self.sim.running().first().copied()).unwrap_or(0);
        let id = self.sim.submit(target, request, CallOptions::default());
        self.admin.push(AdminOp { id, what, join_as });
        self.poll_jobs();
    }

    /// `member add` of a new member `etcd-N`, which then starts and joins.
    pub fn add_member(&mut self, learner: bool) {
        let n = self.numbers().values().max().copied().unwrap_or(0) + 1;
        if n > 7 {
            self.print(0, Stream::Stderr, "Error: the playground runs at most 7 members");
            return;
        }
        let name = format!("etcd-{n}");
        let peer_urls = vec![format!("http://127.0.0.{n}:2380")];
        let what = format!("member add {name}{}", if learner { " --learner" } else { "" });
        self.admin_request(Request::MemberAdd { peer_urls, is_learner: learner }, what, Some(name));
    }

    /// `member remove` of member `id`.
    pub fn remove_member(&mut self, id: u64) {
        self.admin_request(Request::MemberRemove { id }, format!("member remove {id:x}"), None);
    }

    /// `member promote` of learner `id`.
    pub fn promote(&mut self, id: u64) {
        self.admin_request(Request::MemberPromote { id }, format!("member promote {id:x}"), None);
    }

    /// `move-leader` to member `id`.
    pub fn move_leader(&mut self, id: u64) {
        self.admin_request(Request::MoveLeader { target: id }, format!("move-leader {id:x}"), None);
    }

    fn poll_admin(&mut self) {
        let ops = std::mem::take(&mut self.admin);
        for op in ops {
            let Some(result) = self.sim.result(op.id).cloned() else {
                self.admin.push(op);
                continue;
            };
            match (result, op.join_as) {
                (Ok(server::Response::MemberAdd(r)), Some(name)) => {
                    let fault =
                        Fault::Join { member: r.member.id, name, peer_urls: r.member.peer_urls.clone() };
                    if let Err(e) = self.sim.apply(fault) {
                        self.print(0, Stream::Stderr, &format!("Error: {e}"));
                    }
                }
                (Ok(_), _) => {}
                (Err(e), _) => self.print(0, Stream::Stderr, &format!("{}: Error: {e}", op.what)),
            }
        }
    }

    /// Advances virtual time by `wall_ms` × speed (nothing while paused)
    /// and polls the tabs' jobs. Returns true if time moved.
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
        let target = self.view_ms.max(self.sim.now_ms()) + whole as u64;
        self.run_to(target);
        self.view_ms = target;
        true
    }

    /// Runs the simulator to `target_ms`, letting `load` jobs submit on time.
    fn run_to(&mut self, target_ms: u64) {
        loop {
            let next_write = self.next_load_write();
            let stop = next_write.map_or(target_ms, |w| w.min(target_ms));
            self.sim.run_until(stop, |_| false);
            self.poll_jobs();
            if next_write.is_none_or(|w| w > target_ms) {
                break;
            }
            self.submit_load_writes(stop);
            if stop >= target_ms {
                break;
            }
        }
        self.sim.forget_resolved();
    }

    fn next_load_write(&self) -> Option<u64> {
        self.tabs
            .iter()
            .filter_map(|t| match &t.job {
                Some(Job::Load { rate, started_ms, sent, .. }) => {
                    Some(started_ms + (sent * 1000) / rate.max(&1))
                }
                _ => None,
            })
            .min()
    }

    fn submit_load_writes(&mut self, now: u64) {
        for i in 0..self.tabs.len() {
            let endpoint = self.endpoint_id(i);
            let Some(Job::Load { rate, started_ms, sent, waiting, .. }) = &mut self.tabs[i].job else {
                continue;
            };
            while *started_ms + (*sent * 1000) / (*rate).max(1) <= now {
                let put = mvcc::PutRequest {
                    key: format!("load/{:06}", *sent).into_bytes(),
                    value: format!("v{}", *sent).into_bytes(),
                    ..Default::default()
                };
                let id = self.sim.submit(endpoint, Request::Put(put), CallOptions::default());
                waiting.push(id);
                *sent += 1;
            }
        }
    }

    /// The simulator id of tab `i`'s endpoint.
    pub fn endpoint_id(&self, i: usize) -> u64 {
        let n = self.tabs.get(i).map_or(1, |t| t.endpoint);
        self.sim.member_id(n).or_else(|| self.sim.member_ids().first().copied()).unwrap_or(0)
    }

    /// `etcd-N` for tab `i`.
    pub fn endpoint_name(&self, i: usize) -> String {
        format!("etcd-{}", self.tabs.get(i).map_or(1, |t| t.endpoint))
    }

    fn endpoint_url(&self, number: u64) -> String {
        format!("http://127.0.0.{number}:2379")
    }

    /// Resolves `--endpoints` (`etcd-2`, `127.0.0.2:2379`, `http://…`) to a member number.
    fn parse_endpoint(&self, e: &str) -> Option<u64> {
        let e = e.trim_start_matches("http://").trim_start_matches("https://");
        let n = if let Some(n) = e.strip_prefix("etcd-") {
            n.parse().ok()?
        } else {
            let host = e.split(':').next()?;
            host.strip_prefix("127.0.0.")?.parse().ok()?
        };
        self.sim.member_id(n).map(|_| n)
    }

    fn print(&mut self, tab: usize, stream: Stream, text: &str) {
        if let Some(t) = self.tabs.get_mut(tab) {
            t.log.push(stream, text);
            t.log.keep_last(CONSOLE_KEEP);
        }
        self.console_version += 1;
    }

    /// The prompt of tab `i`.
    pub fn prompt(&self, i: usize) -> String {
        format!("{} $ ", self.endpoint_name(i))
    }

    /// Runs a console entry in tab `tab` (a running command is stopped first).
    pub fn run_line(&mut self, tab: usize, entry: &str) {
        if tab >= self.tabs.len() {
            return;
        }
        if self.tabs[tab].job.is_some() {
            self.interrupt(tab);
        }
        let prompt = self.prompt(tab);
        self.tabs[tab].log.enter(&prompt, entry);
        self.console_version += 1;
        match shell::parse(entry) {
            Parsed::Nothing => {}
            Parsed::Clear => self.tabs[tab].log.clear(),
            Parsed::Print { stdout, stderr } => {
                if !stdout.is_empty() {
                    self.print(tab, Stream::Stdout, &stdout);
                }
                if !stderr.is_empty() {
                    self.print(tab, Stream::Stderr, &stderr);
                }
            }
            Parsed::Load { rate } => {
                let started_ms = self.sim.now_ms();
                self.tabs[tab].job =
                    Some(Job::Load { rate, started_ms, sent: 0, ok: 0, waiting: Vec::new() });
                self.print(
                    tab,
                    Stream::Stdout,
                    &format!("writing {rate} keys per second under load/ (Ctrl+C stops)"),
                );
            }
            Parsed::Call { endpoint, request, format, timeout_ms, file } => {
                let number = match endpoint {
                    Some(e) => match self.parse_endpoint(&e) {
                        Some(n) => n,
                        None => {
                            let msg = format!("Error: dial tcp {e}: connect: connection refused");
                            self.print(tab, Stream::Stderr, &msg);
                            return;
                        }
                    },
                    None => self.tabs[tab].endpoint,
                };
                let member = self.sim.member_id(number).unwrap_or(0);
                let options = CallOptions { timeout_ms, token: None };
                let id = self.sim.submit(member, request, options);
                let started_ms = self.sim.now_ms();
                self.tabs[tab].job = Some(if format == Format::Watch {
                    Job::Watch { id, started_ms }
                } else {
                    Job::Call { id, format, started_ms, url: self.endpoint_url(number), file }
                });
                self.poll_jobs();
            }
        }
    }

    /// Collects answers, stream items and load results for every tab.
    pub fn poll_jobs(&mut self) {
        if !self.admin.is_empty() {
            self.poll_admin();
        }
        for i in 0..self.tabs.len() {
            let Some(job) = self.tabs[i].job.clone() else { continue };
            match job {
                Job::Call { id, format, started_ms, url, file } => {
                    if let Some(result) = self.sim.result(id).cloned() {
                        if let Ok(server::Response::Snapshot(snap)) = &result {
                            self.downloads.push((file.clone(), snap.blob.clone()));
                            let lines = format!(
                                "{{\"level\":\"info\",\"msg\":\"fetched snapshot\",\"endpoint\":\"{url}\",\"size\":\"{}\"}}\nSnapshot saved at {file}",
                                shell::human_bytes(snap.blob.len() as i64)
                            );
                            self.print(i, Stream::Stdout, &lines);
                        }
                        let took = self.sim.now_ms().saturating_sub(started_ms);
                        let (out, err) = shell::format_result(format, &result, &url, took);
                        self.tabs[i].job = None;
                        for l in out {
                            self.print(i, Stream::Stdout, &l);
                        }
                        for l in err {
                            self.print(i, Stream::Stderr, &l);
                        }
                        self.console_version += 1;
                    }
                }
                Job::Watch { id, .. } => {
                    let items = self.sim.take_stream(id);
                    for item in items {
                        if let server::StreamItem::Watch(w) = item {
                            for l in shell::watch_lines(&w.events) {
                                self.print(i, Stream::Stdout, &l);
                            }
                        }
                    }
                    if let Some(Err(e)) = self.sim.result(id).cloned() {
                        self.tabs[i].job = None;
                        self.print(i, Stream::Stderr, &shell::stream_end(&e));
                    }
                }
                Job::Load { .. } => {
                    let done: Vec<(u64, bool)> = match &self.tabs[i].job {
                        Some(Job::Load { waiting, .. }) => waiting
                            .iter()
                            .filter_map(|id| self.sim.result(*id).map(|r| (*id, r.is_ok())))
                            .collect(),
                        _ => Vec::new(),
                    };
                    if let Some(Job::Load { ok, waiting, .. }) = &mut self.tabs[i].job {
                        for (id, good) in done {
                            waiting.retain(|w| *w != id);
                            *ok += u64::from(good);
                        }
                    }
                }
            }
        }
    }

    /// Ctrl+C in tab `tab`: cancels its request or stream.
    pub fn interrupt(&mut self, tab: usize) {
        let Some(job) = self.tabs.get_mut(tab).and_then(|t| t.job.take()) else {
            if tab < self.tabs.len() {
                self.tabs[tab].log.push(Stream::Input, "^C");
                self.console_version += 1;
            }
            return;
        };
        match job {
            Job::Call { id, .. } => {
                self.sim.cancel(id);
                self.print(tab, Stream::Stderr, "^C");
            }
            Job::Watch { id, .. } => {
                self.sim.cancel(id);
                self.print(tab, Stream::Stdout, "^C");
            }
            Job::Load { sent, ok, waiting, .. } => {
                for id in waiting {
                    self.sim.cancel(id);
                }
                self.print(tab, Stream::Stdout, &format!("^C\n{sent} writes sent, {ok} answered OK"));
            }
        }
    }

    /// Applies a fault from the page's buttons; an error is printed in tab 0.
    pub fn apply(&mut self, fault: Fault) {
        if let Err(e) = self.sim.apply(fault) {
            self.print(0, Stream::Stderr, &format!("Error: {e}"));
        }
        self.poll_jobs();
    }

    /// Every link's settings (the network sliders).
    pub fn set_network(&mut self, delay_max_ms: u64, drop_rate: f64, duplicate_rate: f64) {
        let s = LinkSettings {
            delay_min_ms: 1.min(delay_max_ms),
            delay_max_ms,
            drop_rate: drop_rate.clamp(0.0, 1.0),
            duplicate_rate: duplicate_rate.clamp(0.0, 1.0),
            reorder_rate: 0.0,
        };
        if self.sim.network().link(0, 0) != &s {
            self.apply(Fault::NetworkSettings(s));
        }
    }

    /// One step: one message delivery, one tick or one deadline.
    pub fn step_once(&mut self) {
        self.sim.step();
        self.view_ms = self.view_ms.max(self.sim.now_ms());
        self.poll_jobs();
    }

    /// Keys of the cluster's store (the leader's, else the first running
    /// member's), for Tab completion and the key browser.
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
        let id = self.sim.leader().or_else(|| self.sim.running().first().copied())?;
        self.sim.member(id)
    }

    /// Member names, for completion.
    pub fn member_names(&self) -> Vec<String> {
        self.sim
            .member_ids()
            .iter()
            .filter_map(|id| self.sim.node(*id).map(|n| n.config.name.clone()))
            .collect()
    }

    /// Recent output lines, by tab, for tests.
    pub fn tab_texts(&self, tab: usize) -> Vec<String> {
        self.tabs.get(tab).map(|t| t.log.lines().iter().map(|l| l.text.clone()).collect()).unwrap_or_default()
    }

    /// Member numbers by id.
    pub fn numbers(&self) -> BTreeMap<u64, u64> {
        self.sim.member_ids().iter().filter_map(|id| self.sim.node(*id).map(|n| (*id, n.number))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn run(e: &mut Engine, tab: usize, line: &str, wall_ms: f64) {
        e.run_line(tab, line);
        let mut t = 0.0;
        while t < wall_ms && e.tabs[tab].job.is_some() {
            e.frame(16.0);
            t += 16.0;
        }
    }

    #[wasm_bindgen_test]
    fn put_then_get_through_the_simulator() {
        let mut e = Engine::new(7, 3);
        e.frame(100.0);
        for _ in 0..40 {
            e.frame(100.0);
        }
        run(&mut e, 0, "etcdctl put foo bar", 5000.0);
        run(&mut e, 0, "etcdctl get foo", 5000.0);
        assert_eq!(
            e.tab_texts(0),
            ["etcd-1 $ etcdctl put foo bar", "OK", "etcd-1 $ etcdctl get foo", "foo", "bar"]
        );
    }
}
