//! The console: one language (shell, etcdctl, etcdutl, kubectl, playground commands) for the browser, the REPL, the goldens and the lessons.
//!
//! ```text
//! let mut c = Console::new(7, ConsoleOptions::default());
//! c.run_line("etcdctl put foo bar")    -> Run::Done(Output { stdout: "OK\n", .. })   // blocking: time ran
//! c.run_line("etcdctl watch foo")      -> Run::Streaming(Output { .. })   // nothing yet
//! c.poll_tabs(500)                     -> [(0, Run::Streaming(new output))] // virtual time runs
//! c.interrupt()                        -> Output { exit: 130, .. }         // Ctrl+C
//!
//! c.set_page_mode(true);                                                  // the page's clock
//! c.run_line_in(0, "etcdctl put k v")  -> Run::Streaming("")   pending_since_ms(0) == Some(now)
//! c.poll_tabs(10)                      -> [(0, Run::Done("OK\n"))]         // answered meanwhile
//! ```
//!
//! Tabs share the cluster and the filesystem and keep their own
//! environment, history, stream and pending command. Page mode is in
//! `console/page.rs`, its journal in `journal.rs`.

use slim::VecMap;

mod hash;
mod page;
mod prompt;

pub use prompt::Prompt;

use crate::backend::Backend;
use crate::output::{Output, exit};
use crate::shell::lexer::{self, LexError};
use crate::spec::Spec;
use crate::stream::Stream;
use crate::vfs::Vfs;

/// How a console starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsoleOptions {
    /// Members of the cluster (1 to 7; 3 by default).
    pub nodes: usize,
    /// A kubeadm-style cluster: https, client certificates required.
    pub tls: bool,
    /// Kubernetes runs over the cluster (the apiserver, its controllers and
    /// what kubeadm stored) as on a kubeadm node.
    pub kubernetes: bool,
    /// Kubernetes objects are stored as protobuf (`k8s\0`...), a real
    /// apiserver's default, rather than the JSON the seeds teach.
    pub protobuf: bool,
    /// etcd runs outside the control plane, under systemd (`cluster reset
    /// --topology external`): no etcd static pod, an `etcd.service` unit.
    pub external_etcd: bool,
}

/// A fresh playground is a kubeadm node: etcd serves https with
/// client-certificate auth, its certificates in /etc/kubernetes/pki.
impl Default for ConsoleOptions {
    /// The playground as people meet it: three members with a kubeadm
    /// cluster's objects stored from the start.
    fn default() -> Self {
        ConsoleOptions { nodes: 3, tls: true, kubernetes: true, protobuf: false, external_etcd: false }
    }
}

impl ConsoleOptions {
    /// A bare three-member etcd over plain http with nothing stored: the
    /// cluster the golden corpus was recorded from (tests/golden).
    pub fn bare_etcd() -> ConsoleOptions {
        ConsoleOptions { nodes: 3, tls: false, kubernetes: false, protobuf: false, external_etcd: false }
    }
}

/// What running a line gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Run {
    /// The command finished.
    Done(Output),
    /// The command streams (watch, keep-alive, lock, elect): this is its output
    /// so far; call [`Console::poll`] to let virtual time run and
    /// [`Console::interrupt`] to stop it.
    Streaming(Output),
}

impl Run {
    /// The output, finished or not.
    pub fn output(&self) -> &Output {
        match self {
            Run::Done(o) | Run::Streaming(o) => o,
        }
    }
}

/// A command's result inside the console: its output, the virtual time it
/// took, and a stream if it keeps running.
#[derive(Clone, Debug, Default)]
pub(crate) struct Exec {
    pub out: Output,
    pub elapsed_ms: u64,
    pub stream: Option<Stream>,
}

impl Exec {
    pub fn done(out: Output) -> Exec {
        Exec { out, ..Exec::default() }
    }

    pub fn took(out: Output, elapsed_ms: u64) -> Exec {
        Exec { out, elapsed_ms, stream: None }
    }
}

impl From<Output> for Exec {
    fn from(out: Output) -> Exec {
        Exec::done(out)
    }
}

/// The console: the cluster, the filesystem, the environment and the history.
/// A clone is a checkpoint of all of it (`history.rs`: time travel).
#[derive(Clone)]
pub struct Console {
    pub(crate) seed: u64,
    /// How the cluster was made (`cluster reset` keeps what it does not change).
    pub(crate) options: ConsoleOptions,
    /// The simulated cluster (crates/sim: real Raft members) with kube over it.
    pub(crate) backend: Backend,
    /// The last `cluster net` settings.
    pub(crate) net: crate::playground::Net,
    pub(crate) vfs: Vfs,
    pub(crate) env: VecMap<String, String>,
    /// etcdctl's command tree: the same for every clone (checkpoints share it).
    pub(crate) spec: std::sync::Arc<Spec>,
    /// What the client logged on stderr while connecting for the command
    /// being run (a refused `--user` on a cluster without auth); printed
    /// before the command's own output.
    pub(crate) client_log: String,
    /// What the etcdctl command being run printed while it read its input
    /// (password prompts); printed before its own output.
    pub(crate) before: Output,
    /// The standard input of the etcdctl command being run.
    pub(crate) stdin: prompt::Stdin,
    /// The last command name the shell did not know (what `lock NAME CMD`
    /// reports as exec's "executable file not found").
    pub(crate) not_found: Option<String>,
    history: Vec<String>,
    stream: Option<(Stream, Output)>,
    /// Page mode: the command waiting for the simulator (see `journal.rs`).
    pending: Option<page::Pending>,
    /// Lines typed while the command ran, oldest first (a terminal's type-ahead).
    typeahead: Vec<String>,
    /// The tab whose environment, history, stream and pending command are in
    /// the fields above.
    active: usize,
    /// How deeply commands are running other commands right now.
    pub(crate) depth: usize,
    /// The other tabs' state, parked while another tab is active.
    parked: VecMap<usize, Tab>,
    /// Page mode: when the command being run started waiting (a rerun
    /// starts later than the command did).
    pub(crate) run_since_ms: Option<u64>,
    /// Page mode: when `timeout` stops the command being run.
    pub(crate) run_deadline_ms: Option<u64>,
    /// `vi FILE` asks the page to open its editor pane (else it prints how to edit).
    pub(crate) editor_pane: bool,
    /// The kubeadm node around the cluster: kubelet, static pods, containers.
    pub(crate) node: crate::node::Node,
    /// The lesson runner (`lesson ...`): a console input like any other, so it replays with the session.
    pub(crate) lesson: crate::lesson::Progress,
}

/// A console tab's own state: its environment, history and running stream.
/// Every tab talks to the same cluster, so a `watch` in one tab sees the
/// `put`s of another.
#[derive(Clone, Debug, Default)]
struct Tab {
    env: VecMap<String, String>,
    /// The working directory (`cd`).
    cwd: String,
    history: Vec<String>,
    stream: Option<(Stream, Output)>,
    pending: Option<page::Pending>,
    typeahead: Vec<String>,
}

impl Console {
    /// A console over a fresh cluster made from `seed`.
    pub fn new(seed: u64, options: ConsoleOptions) -> Console {
        let mut env = VecMap::new();
        env.insert("ETCDCTL_API".to_string(), "3".to_string());
        env.insert("HOME".to_string(), crate::vfs::HOME.to_string());
        let mut c = Console {
            seed,
            options: options.clone(),
            backend: Backend::new(seed, options.nodes),
            net: crate::playground::Net::default(),
            vfs: Vfs::new(),
            env,
            spec: std::sync::Arc::new(Spec::etcdctl()),
            client_log: String::new(),
            before: Output::default(),
            stdin: prompt::Stdin::default(),
            not_found: None,
            history: Vec::new(),
            stream: None,
            pending: None,
            typeahead: Vec::new(),
            active: 0,
            depth: 0,
            parked: VecMap::new(),
            run_since_ms: None,
            run_deadline_ms: None,
            editor_pane: false,
            node: crate::node::Node::disabled(),
            lesson: crate::lesson::Progress::default(),
        };
        c.backend.tls = options.tls;
        c.backend.kube.set_protobuf(options.protobuf);
        c.backend.kube.external_etcd = options.external_etcd;
        if options.kubernetes {
            c.backend.start_kubernetes();
        }
        c.options = options;
        c.install_pki();
        if c.options.kubernetes {
            crate::node::install(&mut c);
        }
        c
    }

    /// Writes kubeadm's certificate files when the cluster serves TLS.
    pub(crate) fn install_pki(&mut self) {
        if self.options.tls {
            crate::pki::install(&mut self.vfs);
        }
    }

    /// Whether `input` needs more lines before it can run (an open heredoc,
    /// a trailing backslash, an open quote).
    pub fn needs_more(input: &str) -> bool {
        if input.ends_with('\\') && !input.ends_with("\\\\") {
            return true;
        }
        match lexer::split_entry(input) {
            Err(LexError::Incomplete) => true,
            Ok(e) => {
                matches!(lexer::split_words(&e.line, &VecMap::new()), Err(LexError::UnterminatedQuote))
            }
            Err(_) => false,
        }
    }

    /// Runs one console entry (a line, or several lines for a heredoc).
    /// A streaming or pending command still running is interrupted first.
    ///
    /// In page mode ([`Console::set_page_mode`]) a command that has to wait
    /// for the cluster returns [`Run::Streaming`] at once and finishes in a
    /// later [`Console::poll_tabs`].
    pub fn run_line(&mut self, input: &str) -> Run {
        if self.stream.is_some() || self.pending.is_some() {
            let _ = self.interrupt();
        }
        if !input.trim().is_empty() {
            self.history.push(input.to_string());
        }
        if self.backend.page {
            let since = self.now_ms();
            return self.attempt(input.to_string(), Vec::new(), since, None);
        }
        let exec = crate::shell::run_entry(self, input);
        self.finish(exec)
    }

    /// Lets `ms` of virtual time pass: the cluster, and the simulated
    /// cluster with kube's controllers up to the same clock.
    pub(crate) fn advance(&mut self, ms: u64) {
        if self.backend.journal.is_some() {
            // A page-mode run: the page's clock moves time (`poll_page`).
            self.backend.advance(ms);
            return;
        }
        // The node acts on its own schedule: time runs to each of its due
        // times, it acts, time runs on.
        let end = self.now_ms().saturating_add(ms.min(crate::backend::MAX_WAIT_MS));
        loop {
            let now = self.now_ms();
            match self.node.due_ms() {
                Some(due) if due <= now => crate::node::step(self),
                Some(due) if due < end => self.backend.advance(due - now),
                _ => break,
            }
        }
        let now = self.now_ms();
        self.backend.advance(end.saturating_sub(now));
    }

    /// The kubeadm node's state (its kubelet, pods and containers).
    pub fn node(&self) -> &crate::node::Node {
        &self.node
    }

    /// Applies an Exec: advances time, records `$?`, keeps a stream.
    pub(crate) fn finish(&mut self, exec: Exec) -> Run {
        self.advance(exec.elapsed_ms);
        match exec.stream {
            Some(stream) => {
                self.stream = Some((stream, Output::default()));
                let mut first = exec.out;
                let more = self.poll(0);
                first.append(more.output().clone());
                match more {
                    Run::Done(_) => {
                        self.set_status(first.exit);
                        Run::Done(first)
                    }
                    Run::Streaming(_) => Run::Streaming(first),
                }
            }
            None => {
                self.set_status(exec.out.exit);
                Run::Done(exec.out)
            }
        }
    }

    pub(crate) fn set_status(&mut self, code: i32) {
        self.env.insert("?".to_string(), code.to_string());
    }

    /// Makes `tab` the active tab (a new tab starts with a fresh environment).
    pub(crate) fn switch(&mut self, tab: usize) {
        if tab == self.active {
            return;
        }
        let fresh = || {
            let mut env = VecMap::new();
            env.insert("ETCDCTL_API".to_string(), "3".to_string());
            env.insert("HOME".to_string(), crate::vfs::HOME.to_string());
            Tab { env, cwd: crate::vfs::HOME.to_string(), ..Tab::default() }
        };
        let next = self.parked.remove(&tab).unwrap_or_else(fresh);
        let cwd = self.vfs.cwd().to_string();
        self.vfs.set_cwd(&next.cwd);
        let old = Tab {
            env: std::mem::replace(&mut self.env, next.env),
            cwd,
            history: std::mem::replace(&mut self.history, next.history),
            stream: std::mem::replace(&mut self.stream, next.stream),
            pending: std::mem::replace(&mut self.pending, next.pending),
            typeahead: std::mem::replace(&mut self.typeahead, next.typeahead),
        };
        self.parked.insert(self.active, old);
        self.active = tab;
    }

    /// Runs an entry in console tab `tab` (tab 0 is the one [`Console::run_line`] uses).
    pub fn run_line_in(&mut self, tab: usize, input: &str) -> Run {
        self.switch(tab);
        self.run_line(input)
    }

    /// Ctrl+C in tab `tab`.
    pub fn interrupt_in(&mut self, tab: usize) -> Output {
        self.switch(tab);
        self.interrupt()
    }

    /// Lets `ms` of virtual time pass for every tab; returns what each tab's
    /// stream printed meanwhile (tabs without a stream are left out).
    ///
    /// In page mode this is what moves virtual time: the simulator (and
    /// kube's controllers) run `ms` further, pending commands whose answer
    /// came (or whose wait ran out) finish, streams print. `poll_tabs(0)`
    /// picks up what the page's own stepping of [`Console::sim_mut`] resolved.
    pub fn poll_tabs(&mut self, ms: u64) -> Vec<(usize, Run)> {
        if self.backend.page {
            return self.poll_page(ms);
        }
        let tabs = self.stream_tabs();
        let mut outs: VecMap<usize, (Output, bool)> = VecMap::new();
        outs.extend(tabs.iter().map(|&t| (t, (Output::default(), false))));
        let end = self.now_ms().saturating_add(ms);
        loop {
            self.tick_streams(&mut outs);
            if self.now_ms() >= end {
                break;
            }
            let step = (end - self.now_ms()).min(100);
            self.advance(step);
        }
        outs.into_iter()
            .map(|(t, (o, done))| (t, if done { Run::Done(o) } else { Run::Streaming(o) }))
            .collect()
    }

    /// The tabs running a stream, in order.
    pub(crate) fn stream_tabs(&self) -> Vec<usize> {
        let mut tabs: Vec<usize> =
            self.parked.iter().filter(|(_, t)| t.stream.is_some()).map(|(k, _)| *k).collect();
        if self.stream.is_some() {
            tabs.push(self.active);
        }
        slim::sort(&mut tabs);
        tabs
    }

    /// One step of every stream at the current virtual time: what each
    /// printed goes to `outs` (an entry per tab; `true` once it ended).
    pub(crate) fn tick_streams(&mut self, outs: &mut VecMap<usize, (Output, bool)>) {
        for t in self.stream_tabs() {
            let (o, done) = outs.get_or_default(t);
            if *done {
                continue;
            }
            let slot = if t == self.active {
                self.stream.take()
            } else {
                self.parked.get_mut(&t).and_then(|p| p.stream.take())
            };
            let Some((mut stream, _)) = slot else { continue };
            let mut step_out = Output::default();
            match stream.tick(self, &mut step_out) {
                Some(code) => {
                    step_out.exit = code;
                    *done = true;
                    if t == self.active {
                        self.set_status(code);
                    } else if let Some(p) = self.parked.get_mut(&t) {
                        p.env.insert("?".to_string(), code.to_string());
                    }
                }
                None => {
                    let back = Some((stream, Output::default()));
                    if t == self.active {
                        self.stream = back;
                    } else if let Some(p) = self.parked.get_mut(&t) {
                        p.stream = back;
                    }
                }
            }
            o.append(step_out);
        }
    }

    /// Whether a streaming command is running (or, in page mode, a command
    /// is waiting for the cluster).
    pub fn is_streaming(&self) -> bool {
        self.stream.is_some() || self.pending.is_some()
    }

    /// Lets `ms` of virtual time pass for the running stream; returns what it printed meanwhile.
    pub fn poll(&mut self, ms: u64) -> Run {
        let Some((mut stream, _)) = self.stream.take() else {
            self.advance(ms);
            return Run::Done(Output::default());
        };
        let (out, done) = stream.poll(self, ms);
        if done {
            self.set_status(out.exit);
            Run::Done(out)
        } else {
            self.stream = Some((stream, Output::default()));
            Run::Streaming(out)
        }
    }

    /// Ctrl+C: stops the running stream or the pending command (exit 130,
    /// as a shell reports SIGINT; nothing else is printed). The terminal
    /// drops what was typed ahead (SIGINT flushes its input).
    pub fn interrupt(&mut self) -> Output {
        self.typeahead.clear();
        if self.at_password_prompt() {
            // speakeasy catches the signal, turns the echo back on and exits -1.
            self.pending = None;
            self.set_status(exit::PROMPT_INTERRUPTED);
            return Output::fail("", exit::PROMPT_INTERRUPTED);
        }
        if let Some(p) = self.pending.take() {
            self.drop_pending(p);
            self.set_status(exit::SIGINT);
            return Output::fail("", exit::SIGINT);
        }
        let Some((mut stream, _)) = self.stream.take() else {
            return Output::default();
        };
        let out = stream.stop(self, exit::SIGINT);
        self.set_status(out.exit);
        out
    }

    /// Runs an entry to its end: a stream without a `timeout` runs until its
    /// pending output is drained, then gets Ctrl+C. For the REPL and the goldens.
    pub fn run_to_end(&mut self, input: &str) -> Output {
        match self.run_line(input) {
            Run::Done(o) => o,
            Run::Streaming(mut o) => {
                // Page mode: let the clock run until the command is no longer waiting.
                let tab = self.active;
                let limit = self.now_ms().saturating_add(crate::backend::MAX_WAIT_MS);
                while self.pending.is_some() && self.now_ms() < limit {
                    for (t, run) in self.poll_tabs(100) {
                        if t == tab {
                            o.append(run.output().clone());
                            if let Run::Done(_) = run {
                                return o;
                            }
                        }
                    }
                }
                if self.stream.is_none() {
                    return o;
                }
                let deadline = self.stream.as_ref().and_then(|(s, _)| s.deadline_ms);
                if let Some(d) = deadline {
                    let wait = d.saturating_sub(self.now_ms());
                    let more = self.poll(wait);
                    o.append(more.output().clone());
                    if let Run::Done(_) = more {
                        return o;
                    }
                }
                if let Run::Done(more) = self.poll(0) {
                    o.append(more);
                    return o;
                }
                o.append(self.interrupt());
                o
            }
        }
    }

    /// Candidates to complete the last word of `line` (Tab).
    pub fn complete(&self, line: &str) -> Vec<String> {
        crate::complete::candidates(self, line)
    }

    /// The simulated cluster (members, network, events), for the page to draw.
    pub fn sim(&self) -> &sim::Sim {
        &self.backend.sim
    }

    /// The simulated cluster, for the page's fault buttons and step control.
    pub fn sim_mut(&mut self) -> &mut sim::Sim {
        &mut self.backend.sim
    }

    /// The Kubernetes object layer over the simulated cluster.
    pub fn kube(&self) -> &kube::Kube {
        &self.backend.kube
    }

    /// Runs `f` on the Kubernetes object layer and the simulated cluster
    /// (the page's Kubernetes panel), marking kube as in use so its
    /// controllers run as time passes; the console's clock follows the sim's.
    pub fn with_kube<T>(&mut self, f: impl FnOnce(&mut kube::Kube, &mut sim::Sim) -> T) -> T {
        self.backend.with_kube(f)
    }

    /// Whether `vi`/`vim`/`nano FILE` asks the page to open FILE in its
    /// editor pane ([`Output::edit`]), which saves with
    /// `editor-save FILE <<'EOF'` ([`crate::shell::editor::EDITOR_SAVE`]).
    /// Off, as in the REPL and the goldens, they print how to edit instead.
    pub fn set_editor_pane(&mut self, on: bool) {
        self.editor_pane = on;
    }

    /// A member URL as this cluster serves it (`https://` on a kubeadm node).
    pub fn member_url(&self, url: &str) -> String {
        self.backend.url(url)
    }

    /// What an etcdctl line needs to reach this cluster: kubeadm's
    /// certificate flags when it serves TLS (with a leading space), else
    /// nothing. The page's buttons and `load` type them.
    pub fn tls_flags(&self) -> &'static str {
        if self.backend.tls { crate::pki::ETCDCTL_FLAGS } else { "" }
    }

    /// The virtual filesystem.
    pub fn vfs(&self) -> &Vfs {
        &self.vfs
    }

    /// Writes a file into the virtual filesystem (a file uploaded to the page).
    pub fn write_file(&mut self, path: &str, bytes: Vec<u8>) {
        self.vfs.write(path, bytes);
    }

    /// Entries run so far.
    pub fn history(&self) -> &[String] {
        &self.history
    }

    /// Sets a variable in the environment (as `export NAME=value`).
    pub fn set_env(&mut self, name: &str, value: &str) {
        self.env.insert(name.to_string(), value.to_string());
    }

    /// The console's virtual time in ms (the simulated cluster's clock).
    pub fn now_ms(&self) -> u64 {
        self.backend.clock_ms()
    }

    /// The seed the console was made from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Replaces the cluster (`cluster reset`).
    pub(crate) fn reset_cluster(&mut self, seed: u64, options: ConsoleOptions, mut backend: Backend) {
        self.seed = seed;
        // The console's mode and the running command's journal stay.
        backend.page = self.backend.page;
        backend.sim.set_lean(self.backend.sim.is_lean());
        backend.journal = self.backend.journal.take();
        self.backend = backend;
        self.backend.tls = options.tls;
        self.backend.kube.set_protobuf(options.protobuf);
        self.backend.kube.external_etcd = options.external_etcd;
        if options.kubernetes {
            self.backend.start_kubernetes();
        }
        self.options = options;
        self.net = crate::playground::Net::default();
        self.install_pki();
        self.node = crate::node::Node::disabled();
        if self.options.kubernetes {
            crate::node::install(self);
        }
    }
}
