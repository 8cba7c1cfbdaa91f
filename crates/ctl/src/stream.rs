//! Streaming commands (watch, lease keep-alive, lock, elect, the shell's `watch CMD`): they run while virtual time passes, until cancelled, timed out or done.

use mvcc::WatchResponse;

use crate::commands::watch::print_watch;
use crate::console::Console;
use crate::output::{Output, exit};
use crate::printers::Format;

/// A running stream and when `timeout` ends it.
#[derive(Clone, Debug)]
pub(crate) struct Stream {
    pub kind: Kind,
    /// Virtual time at which `timeout` stops the command (exit 124).
    pub deadline_ms: Option<u64>,
}

/// What the stream does.
#[derive(Clone, Debug)]
pub(crate) enum Kind {
    /// `watch -i` hit the end of its input.
    Failed(Output),
    /// `watch` on the simulated cluster: the watch stream's request id.
    SimWatch { request: u64, format: Format, hex: bool, exec: Vec<String>, resume: Box<Resume> },
    /// `lease keep-alive` on the simulated cluster.
    SimKeepAlive {
        request: u64,
        lease: i64,
        format: Format,
        endpoint: u64,
        token: Option<String>,
        renewed_ms: u64,
        ttl_ms: u64,
    },
    /// `lock` or `elect` on the simulated cluster: a key under a kept-alive session lease.
    SimHold { session: Session, announced: bool, proposal: Option<String>, probe: Option<u64> },
    /// `elect -l` on the simulated cluster.
    SimObserve { endpoint: u64, prefix: Vec<u8>, last: Option<Vec<u8>>, probe: Option<u64> },
    /// A command waiting for a connection no member will accept (`snapshot
    /// save` without `--command-timeout`): it ends only by Ctrl+C or `timeout`.
    Dialing,
    /// `kubectl get -w`: rows from a watch on the simulated cluster.
    Kube(Box<kube::KubeWatch>),
    /// `watch [-n S] CMD`: CMD again every `interval_ms`, each run a new frame.
    Repeat(crate::shell::watch::Repeat),
}

const STEP_MS: u64 = 100;

/// A concurrency session on the simulated cluster (`lock`, `elect`): its
/// lease kept alive by a keep-alive stream, and its contender key.
#[derive(Clone, Debug)]
pub(crate) struct Session {
    /// The member the session talks to.
    pub endpoint: u64,
    /// `prefix/<lease>`.
    pub key: Vec<u8>,
    /// The session lease.
    pub lease: i64,
    /// The keep-alive stream's request.
    pub keepalive: u64,
    /// `NAME/`.
    pub prefix: Vec<u8>,
}

impl Session {
    /// Ends the session: stops the keep-alive and revokes the lease (its key goes with it).
    pub fn end(&self, con: &mut Console, timeout_ms: u64) {
        if con.backend.suspended() {
            // A page-mode run waiting for an answer: it ends the session when it runs again.
            return;
        }
        con.backend.sim.cancel(self.keepalive);
        let revoke = server::Request::LeaseRevoke { id: self.lease };
        if con.backend.page && con.backend.journal.is_none() {
            // Ctrl+C on the page: the revoke goes out as the clock runs on.
            con.backend.send(self.endpoint, revoke, timeout_ms);
        } else {
            let _ = con.backend.call(self.endpoint, revoke, timeout_ms, None);
        }
    }
}

/// How a watch on the simulated cluster resumes when its member goes away
/// (clientv3 reconnects and asks for the revisions it has not seen).
#[derive(Clone, Debug)]
pub(crate) struct Resume {
    /// The member the watch talks to.
    pub endpoint: u64,
    /// The auth token.
    pub token: Option<String>,
    /// The watch as first created.
    pub req: mvcc::WatchCreateRequest,
    /// The first revision not yet delivered (0: none delivered yet).
    pub next_revision: i64,
}

/// Whether the contender key `key` is the oldest under its prefix (the
/// holder); `None` when the key is gone (the session expired).
fn holds(kvs: &[mvcc::KeyValue], key: &[u8]) -> Option<bool> {
    let mine = kvs.iter().find(|kv| kv.key == key)?.create_revision;
    Some(!kvs.iter().any(|kv| kv.create_revision < mine))
}

impl Stream {
    /// A stream without a deadline.
    pub fn new(kind: Kind) -> Stream {
        Stream { kind, deadline_ms: None }
    }

    /// Lets up to `ms` of virtual time pass; returns new output and whether the stream ended.
    pub fn poll(&mut self, con: &mut Console, ms: u64) -> (Output, bool) {
        let mut out = Output::default();
        if let Some(done) = self.step(con, &mut out) {
            out.exit = done;
            return (out, true);
        }
        let end = con.now_ms().saturating_add(ms);
        while con.now_ms() < end {
            if let Some(d) = self.deadline_ms
                && con.now_ms() >= d
            {
                break;
            }
            let limit = self.deadline_ms.map_or(end, |d| d.min(end));
            let step = STEP_MS.min(limit.saturating_sub(con.now_ms())).max(1);
            con.advance(step);
            if let Some(done) = self.step(con, &mut out) {
                out.exit = done;
                return (out, true);
            }
        }
        if let Some(d) = self.deadline_ms
            && con.now_ms() >= d
        {
            out.append(self.stop(con, exit::TIMEOUT));
            return (out, true);
        }
        (out, false)
    }

    /// One step at the current virtual time (time is moved by the caller):
    /// `Some(code)` when the stream ended (its `timeout` ran out: 124).
    pub fn tick(&mut self, con: &mut Console, out: &mut Output) -> Option<i32> {
        if let Some(d) = self.deadline_ms
            && con.now_ms() >= d
        {
            out.append(self.stop(con, exit::TIMEOUT));
            return Some(exit::TIMEOUT);
        }
        self.step(con, out)
    }

    /// Ends the stream (Ctrl+C or `timeout`): releases what it holds.
    pub fn stop(&mut self, con: &mut Console, code: i32) -> Output {
        match &self.kind {
            Kind::Kube(w) => crate::kubectl::stop(con, w),
            Kind::SimHold { session, .. } => session.end(con, sim::COMMAND_TIMEOUT_MS),
            Kind::SimWatch { request, .. } | Kind::SimKeepAlive { request, .. } => {
                con.backend.sim.cancel(*request);
            }
            _ => {}
        }
        Output::fail("", code)
    }

    /// One step: prints what is new; `Some(code)` when the command ended.
    fn step(&mut self, con: &mut Console, out: &mut Output) -> Option<i32> {
        match &mut self.kind {
            Kind::Failed(o) => {
                let o = std::mem::take(o);
                let code = o.exit;
                out.append(o);
                Some(code)
            }
            Kind::Kube(w) => {
                crate::kubectl::poll(con, w, out);
                None
            }
            Kind::Repeat(r) => {
                r.step(con, out);
                None
            }
            Kind::Dialing => None,
            Kind::SimHold { session, announced, proposal, probe } => {
                if *announced {
                    return None;
                }
                let timeout = sim::COMMAND_TIMEOUT_MS;
                let kvs = con.backend.probe_prefix(probe, session.endpoint, &session.prefix, timeout)?;
                match holds(&kvs, &session.key) {
                    None => {
                        out.eprint("Error: session expired\n");
                        Some(exit::ERROR)
                    }
                    Some(false) => None,
                    Some(true) => {
                        *announced = true;
                        out.print(String::from_utf8_lossy(&session.key));
                        out.stdout.push('\n');
                        match proposal {
                            Some(p) => out.print(format!("{p}\n")),
                            None => out.stdout.push('\n'),
                        }
                        None
                    }
                }
            }
            Kind::SimObserve { endpoint, prefix, last, probe } => {
                let kvs = con.backend.probe_prefix(probe, *endpoint, prefix, sim::COMMAND_TIMEOUT_MS)?;
                if let Some(kv) = kvs.iter().min_by_key(|kv| kv.create_revision) {
                    let now = Some(kv.value.clone());
                    if *last != now {
                        out.print(format!(
                            "{}\n{}\n",
                            String::from_utf8_lossy(&kv.key),
                            String::from_utf8_lossy(&kv.value)
                        ));
                        *last = now;
                    }
                }
                None
            }
            Kind::SimWatch { request: slot, format, hex, exec, resume } => {
                let request = *slot;
                let (format, hex, exec) = (*format, *hex, exec.clone());
                if let Some(Err(_)) = stream_end(con, request)
                    && con.backend.sim.member(resume.endpoint).is_some()
                {
                    let mut req = resume.req.clone();
                    if resume.next_revision > 0 {
                        req.start_revision = resume.next_revision;
                    }
                    let r = server::Request::Watch(req);
                    *slot = con.backend.open_stream(resume.endpoint, r, resume.token.clone());
                }
                for item in con.backend.sim.take_stream(request) {
                    let server::StreamItem::Watch(r) = item else { continue };
                    if r.created {
                        continue;
                    }
                    if r.canceled {
                        let why = if r.compact_revision > 0 {
                            "etcdserver: mvcc: required revision has been compacted".to_string()
                        } else {
                            r.cancel_reason.clone()
                        };
                        out.eprint(format!("watch was canceled ({why})\n"));
                        if matches!(format, Format::Json | Format::Fields) {
                            // etcdctl prints the cancellation too; a compaction's
                            // carries no revision in its header.
                            let mut r = r.clone();
                            if r.compact_revision > 0 {
                                r.header.revision = 0;
                            }
                            out.print(print_watch(&r, format, hex));
                        }
                        if format == Format::Table {
                            // etcdctl prints every response, a cancellation too: the
                            // table printer has no Watch.
                            out.eprint("Error: table not supported as output format\n");
                            con.backend.sim.cancel(request);
                            return Some(exit::BAD_FEATURE);
                        }
                        out.eprint("Error: watch is canceled by the server\n");
                        con.backend.sim.cancel(request);
                        return Some(exit::INTERRUPTED);
                    }
                    if let Some(last) = r.events.iter().map(|e| e.kv.mod_revision).max() {
                        resume.next_revision = last + 1;
                    }
                    if format == Format::Table {
                        // etcdctl's table printer has no Watch: the first response ends it.
                        out.eprint("Error: table not supported as output format\n");
                        con.backend.sim.cancel(request);
                        return Some(exit::BAD_FEATURE);
                    }
                    out.print(print_watch(&r, format, hex));
                    for e in r.events.iter().filter(|_| !exec.is_empty()) {
                        if let Some(code) = run_exec(con, &exec, &r, e, out) {
                            return Some(code);
                        }
                    }
                }
                None
            }
            Kind::SimKeepAlive { request, lease, format, endpoint, token, renewed_ms, ttl_ms } => {
                let (lease_id, fmt) = (*lease, *format);
                for item in con.backend.sim.take_stream(*request) {
                    let server::StreamItem::LeaseKeepAlive(r) = item else { continue };
                    if r.ttl <= 0 {
                        return Some(keepalive_gone(lease_id, fmt, out));
                    }
                    *renewed_ms = con.backend.clock_ms();
                    *ttl_ms = r.ttl.max(1) as u64 * 1000;
                    out.print(crate::commands::lease::keepalive_text(&r, fmt));
                }
                match stream_end(con, *request) {
                    None => None,
                    // The lease is gone.
                    Some(Ok(_)) => Some(keepalive_gone(lease_id, fmt, out)),
                    // The member went away: the client keeps retrying until
                    // the lease would have run out without a renewal.
                    Some(Err(_)) => {
                        if con.backend.clock_ms() >= renewed_ms.saturating_add(*ttl_ms) {
                            return Some(keepalive_gone(lease_id, fmt, out));
                        }
                        if con.backend.sim.member(*endpoint).is_some() {
                            let req = server::Request::LeaseKeepAlive { id: lease_id };
                            *request = con.backend.open_stream(*endpoint, req, token.clone());
                        }
                        None
                    }
                }
            }
        }
    }
}

/// How a stream on the simulated cluster ended, if it did (a resolved call
/// the sim has already forgotten counts as a lost connection).
fn stream_end(con: &Console, request: u64) -> Option<sim::CallResult> {
    match con.backend.sim.request_state(request) {
        None => Some(Err(sim::ClientError::ConnectionLost)),
        Some(call) => call.result.clone(),
    }
}

/// A keep-alive stream ended: the lease is gone.
fn keepalive_gone(lease: i64, format: Format, out: &mut Output) -> i32 {
    if format == Format::Simple {
        out.print(format!("lease {lease:016x} expired or revoked.\n"));
    }
    exit::SUCCESS
}

/// Runs `watch`'s exec command for one event, with etcdctl's `ETCD_WATCH_*` variables.
fn run_exec(
    con: &mut Console,
    exec: &[String],
    r: &WatchResponse,
    e: &mvcc::Event,
    out: &mut Output,
) -> Option<i32> {
    let kind = if e.kind == mvcc::EventType::Delete { "DELETE" } else { "PUT" };
    let vars = [
        ("ETCD_WATCH_REVISION", r.header.revision.to_string()),
        ("ETCD_WATCH_EVENT_TYPE", format!("{kind:?}")),
        ("ETCD_WATCH_KEY", crate::printers::go_quote_bytes(&e.kv.key)),
        ("ETCD_WATCH_VALUE", crate::printers::go_quote_bytes(&e.kv.value)),
    ];
    let saved: Vec<(String, Option<String>)> =
        vars.iter().map(|(k, v)| (k.to_string(), con.env.insert(k.to_string(), v.clone()))).collect();
    let result = crate::shell::run_words(con, exec, None);
    for (k, old) in saved {
        match old {
            Some(v) => con.env.insert(k, v),
            None => con.env.remove(&k),
        };
    }
    out.print(&result.out.stdout);
    out.eprint(&result.out.stderr);
    if result.out.exit != 0 {
        out.eprint(format!("command {exec:?} error (exit status {})\n", result.out.exit));
        return Some(exit::ERROR);
    }
    None
}
