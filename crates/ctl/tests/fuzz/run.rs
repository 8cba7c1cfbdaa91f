//! Playing a fuzz case on a console and judging it: no panic, no hang (a
//! bound on simulator steps per input, and a wall-clock watchdog for a
//! loop that never returns), exit codes in 0..=255, the cluster's safety
//! and linearizability checkers; and shrinking a failing case to a
//! regression file.
//!
//! ```text
//!   Case { seed, page, kube, steps } ──play──► Outcome { digest, failure }
//!   failure ──minimize──► fewer steps, shorter last line ──► regressions/<where>.json
//! ```

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};

use ctl::{Console, ConsoleOptions, Run};
use serde::{Deserialize, Serialize};

use super::r#gen::{Step, Wire, mutate_bytes, reseal_backup};

/// Simulator steps one input may take. A day of virtual time on three
/// members (the longest wait the console allows) takes about 6 million.
pub const STEP_BOUND: u64 = 20_000_000;
/// Linearizability search budget per key at the end of a session.
const LIN_BUDGET: u64 = 200_000;

/// One session: a fresh console and the steps typed into it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Case {
    /// The console's seed.
    pub seed: u64,
    /// Page mode (the page's clock) rather than blocking (the REPL's).
    pub page: bool,
    /// A kubeadm cluster rather than a bare etcd.
    pub kube: bool,
    /// The front ends only ([`play_front`]): no console, no simulator.
    #[serde(default)]
    pub front: bool,
    /// What is typed, in order.
    pub steps: Vec<Step>,
}

/// What went wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// Step `at` panicked at `location` with `message`.
    Panic { at: usize, location: String, message: String },
    /// Step `at` took `steps` simulator steps.
    Hang { at: usize, steps: u64 },
    /// Step `at` gave an exit code outside 0..=255.
    Exit { at: usize, code: i32 },
    /// Step `at` broke a decoder's property (`what`): a value decoded,
    /// encoded and decoded again is not the same.
    Property { at: usize, what: String },
    /// A checker of the cluster failed after the session.
    Checker(String),
    /// Two plays of the same case gave different bytes.
    Nondeterministic,
}

impl Failure {
    /// What makes two failures the same bug (the panic's place, or the kind).
    pub fn signature(&self) -> String {
        match self {
            Failure::Panic { location, .. } => format!("panic at {location}"),
            Failure::Hang { .. } => "hang".into(),
            Failure::Exit { .. } => "exit".into(),
            // The property's name, not the value that broke it.
            Failure::Property { what, .. } => format!("property: {}", what.split(':').next().unwrap_or("")),
            Failure::Checker(c) => format!("checker: {}", c.lines().next().unwrap_or("")),
            Failure::Nondeterministic => "nondeterministic".into(),
        }
    }

    /// The failing step, when one step failed.
    pub fn at(&self) -> Option<usize> {
        match self {
            Failure::Panic { at, .. }
            | Failure::Hang { at, .. }
            | Failure::Exit { at, .. }
            | Failure::Property { at, .. } => Some(*at),
            _ => None,
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Panic { at, location, message } => {
                write!(f, "step {at} panicked at {location}: {message}")
            }
            Failure::Hang { at, steps } => {
                write!(f, "step {at} took {steps} simulator steps (bound {STEP_BOUND})")
            }
            Failure::Exit { at, code } => write!(f, "step {at} exited {code}"),
            Failure::Property { at, what } => write!(f, "step {at} broke a property: {what}"),
            Failure::Checker(c) => write!(f, "checker: {c}"),
            Failure::Nondeterministic => write!(f, "the same case gave different bytes"),
        }
    }
}

/// What a play gave.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// FNV-1a of every output's bytes and exit code, and of the final state.
    pub digest: u64,
    /// The first failure.
    pub failure: Option<Failure>,
    /// Simulator steps taken.
    pub sim_steps: u64,
}

thread_local! {
    /// Whether this thread is playing a step (else a panic is the harness's own).
    static IN_CASE: RefCell<bool> = const { RefCell::new(false) };
    /// The last panic on this thread: (location, message).
    static LAST_PANIC: RefCell<Option<(String, String)>> = const { RefCell::new(None) };
}

/// Runs `f` with the panic hook recording where a panic happened: the
/// panic's (location, message) as the error.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, (String, String)> {
    LAST_PANIC.with(|p| p.borrow_mut().take());
    IN_CASE.with(|c| *c.borrow_mut() = true);
    let r = catch_unwind(AssertUnwindSafe(f));
    IN_CASE.with(|c| *c.borrow_mut() = false);
    r.map_err(|_| {
        LAST_PANIC.with(|p| p.borrow_mut().take()).unwrap_or_else(|| ("?".into(), "(no message)".into()))
    })
}

/// Installs the hook that keeps panics quiet and remembers them (once).
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location =
            info.location().map_or_else(|| "?".to_string(), |l| format!("{}:{}", l.file(), l.line()));
        let message = if let Some(s) = info.payload().downcast_ref::<&str>() {
            s.to_string()
        } else if let Some(s) = info.payload().downcast_ref::<String>() {
            s.clone()
        } else {
            "(non-string payload)".to_string()
        };
        if IN_CASE.with(|c| *c.borrow()) {
            LAST_PANIC.with(|p| *p.borrow_mut() = Some((location, message)));
        } else {
            eprintln!("fuzz: the harness panicked at {location}: {message}");
        }
    }));
}

struct Fnv(u64);

impl Fnv {
    fn add(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x100_0000_01b3);
        }
        self.0 ^= 0xff;
        self.0 = self.0.wrapping_mul(0x100_0000_01b3);
    }

    fn out(&mut self, o: &ctl::Output) {
        self.add(o.stdout.as_bytes());
        self.add(o.stderr.as_bytes());
        self.add(&o.exit.to_le_bytes());
    }
}

/// The console a case starts on.
pub fn console(case: &Case) -> Console {
    let options = if case.kube { ConsoleOptions::default() } else { ConsoleOptions::bare_etcd() };
    let mut con = Console::new(case.seed, options);
    con.set_page_mode(case.page);
    con
}

/// Polls a page-mode tab until it no longer waits, at most `ms` of virtual time.
fn settle(con: &mut Console, h: &mut Fnv, ms: u64) {
    let mut waited = 0;
    while con.is_streaming() && waited < ms {
        for (t, run) in con.poll_tabs(100) {
            h.add(&(t as u64).to_le_bytes());
            h.out(run.output());
        }
        waited += 100;
    }
}

/// What one step did wrong without panicking.
enum Bad {
    Exit(i32),
    Property(String),
}

/// Runs one step.
fn step(con: &mut Console, s: &Step, index: usize, page: bool, h: &mut Fnv) -> Result<(), Bad> {
    match s {
        Step::Wire(target, bytes) => return decode_wire(*target, bytes, h).map_err(Bad::Property),
        Step::Session(text) => return session(con, text, page, h),
        Step::Record(r) => {
            let text = record_text(r).map_err(Bad::Property)?;
            return session(con, &text, page, h);
        }
        _ => {}
    }
    match console_step(con, s, index, page, h) {
        0 => Ok(()),
        code => Err(Bad::Exit(code)),
    }
}

/// Runs one console step; returns the worst exit code it saw.
fn console_step(con: &mut Console, s: &Step, index: usize, page: bool, h: &mut Fnv) -> i32 {
    let mut worst = 0;
    let mut see = |h: &mut Fnv, o: &ctl::Output| {
        h.out(o);
        if !(0..=255).contains(&o.exit) {
            worst = o.exit;
        }
    };
    match s {
        Step::Line(line) => {
            // Tab completion and the prompt's continuation check see every
            // kind of line too; completion only every fourth (it is slow).
            let _ = Console::needs_more(line);
            if index.is_multiple_of(4) {
                for c in con.complete(line) {
                    h.add(c.as_bytes());
                }
            }
            if page {
                let run = con.run_line(line);
                see(h, run.output());
                settle(con, h, 3_000);
                if con.is_streaming() {
                    let o = con.interrupt();
                    see(h, &o);
                }
            } else {
                let o = con.run_to_end(line);
                see(h, &o);
            }
        }
        Step::Tab(tab, line) => {
            let run = con.run_line_in(*tab, line);
            see(h, run.output());
            if let Run::Streaming(_) = run {
                for (t, run) in con.poll_tabs(200) {
                    h.add(&(t as u64).to_le_bytes());
                    see(h, run.output());
                }
            }
        }
        Step::Interrupt => {
            let o = con.interrupt();
            see(h, &o);
        }
        Step::Poll(ms) => {
            for (t, run) in con.poll_tabs(*ms) {
                h.add(&(t as u64).to_le_bytes());
                see(h, run.output());
            }
        }
        Step::MutateFile { from, to, seed, reseal } => {
            if let Some(bytes) = con.vfs().read(from).map(<[u8]>::to_vec) {
                let mutated =
                    if *reseal { reseal_backup(&bytes, *seed) } else { mutate_bytes(&bytes, *seed) };
                con.write_file(to, mutated);
            }
        }
        Step::Wire(..) | Step::Session(_) | Step::Record(_) => {}
    }
    worst
}

/// Feeds `bytes` to the decoder `target` names. A value that decodes must
/// encode to bytes that decode to the same value.
fn decode_wire(target: Wire, bytes: &[u8], h: &mut Fnv) -> Result<(), String> {
    fn again<T: wire::Encode + wire::Decode + PartialEq + std::fmt::Debug>(
        bytes: &[u8],
    ) -> Result<bool, String> {
        let Ok(v) = wire::from_slice::<T>(bytes) else { return Ok(false) };
        match wire::from_slice::<T>(&wire::to_vec(&v)) {
            Ok(back) if back == v => Ok(true),
            other => Err(format!(
                "{} re-encoded does not decode to itself: {v:?} -> {other:?}",
                std::any::type_name::<T>()
            )),
        }
    }
    let ok = match target {
        Wire::StoreImage => match mvcc::Store::from_image(bytes, mvcc::StoreConfig::default()) {
            Ok(store) => {
                let back =
                    mvcc::Store::restore(&store.snapshot(), mvcc::StoreConfig::default()).map_err(|e| {
                        format!("a store from an image does not restore from its own snapshot: {e}")
                    })?;
                let (a, b) = (store.hash_kv(0).map(|x| x.hash), back.hash_kv(0).map(|x| x.hash));
                if a != b || store.current_revision() != back.current_revision() {
                    return Err(format!("a store's snapshot restores to another store: hash {a:?} != {b:?}"));
                }
                true
            }
            Err(e) => {
                h.add(e.to_string().as_bytes());
                false
            }
        },
        Wire::Backup => {
            let status = server::snapshot_status(bytes);
            h.add(format!("{status:?}").as_bytes());
            let opts = server::RestoreOptions {
                initial_cluster: vec![server::config::PeerInfo::numbered(1, "etcd-cluster")],
                skip_hash_check: true,
                bump_revision: 1000,
                mark_compacted: true,
                ..Default::default()
            };
            server::restore_disks(bytes, opts).is_ok() && status.is_ok()
        }
        Wire::Protobuf => {
            let v = kube::protobuf::decode(bytes);
            if let Some(text) = kube::protobuf::readable(bytes) {
                h.add(text.as_bytes());
            }
            v.is_some()
        }
        Wire::Txn => again::<mvcc::TxnRequest>(bytes)?,
        Wire::Response => again::<server::Response>(bytes)?,
        Wire::ConfChange => {
            let mut ok = again::<raft::ConfChange>(bytes)? | again::<raft::ConfChangeV2>(bytes)?;
            for entry_type in [raft::EntryType::EntryConfChange, raft::EntryType::EntryConfChangeV2] {
                let e = raft::Entry { entry_type, data: bytes.to_vec().into(), ..Default::default() };
                ok |= raft::decode_conf_change(&e).is_ok();
            }
            ok
        }
    };
    h.add(&[u8::from(ok)]);
    Ok(())
}

/// The text `r` is saved as; it must read back as `r`.
fn record_text(r: &super::r#gen::Record) -> Result<String, String> {
    let s = r.session();
    let text = s.to_text();
    match ctl::session::Session::from_text(&text) {
        Some(back) if back == s => Ok(text),
        back => {
            Err(format!("a recorded session does not read back from its text: {s:?} -> {text:?} -> {back:?}"))
        }
    }
}

/// Most entries of a session replayed, and the most virtual time one
/// entry may wait for the next (the page's replay, `Engine::restore`,
/// caps a whole record at a day; one input here is kept short).
const SESSION_ENTRIES: usize = 32;
const SESSION_GAP_MS: u64 = 2_000;

/// Decodes a saved session's text as the page does (`ctl::session`): a
/// session that reads must write back to text that reads the same; then
/// its entries are replayed on the console as `Engine::restore` replays
/// them (lines and Ctrl+C in their tabs, files written, manifests applied,
/// time passing between them).
fn session(con: &mut Console, text: &str, page: bool, h: &mut Fnv) -> Result<(), Bad> {
    use ctl::session::{Act, Session, moment_of};
    h.add(&moment_of(text).unwrap_or(u64::MAX).to_le_bytes());
    let Some(s) = Session::from_text(text) else {
        h.add(b"unread");
        return Ok(());
    };
    let written = s.to_text();
    if Session::from_text(&written).as_ref() != Some(&s) {
        return Err(Bad::Property(format!(
            "a session written back to text does not read the same: {s:?} -> {written:?}"
        )));
    }
    let mut at = s.entries.first().map_or(0, |e| e.at_ms);
    for e in s.entries.iter().take(SESSION_ENTRIES) {
        let gap = e.at_ms.saturating_sub(at).min(SESSION_GAP_MS);
        at = e.at_ms;
        for (t, run) in con.poll_tabs(gap) {
            h.add(&(t as u64).to_le_bytes());
            h.out(run.output());
        }
        let out = match &e.act {
            Act::Line(line) if page => con.run_line_in(e.tab, line).output().clone(),
            Act::Line(line) => {
                let _ = con.run_line_in(e.tab, "true");
                con.run_to_end(line)
            }
            Act::Interrupt => con.interrupt_in(e.tab),
            Act::Clear => ctl::Output::default(),
            Act::Step => {
                con.sim_mut().step();
                ctl::Output::default()
            }
            // The page's "step to next", bounded as the page bounds it
            // (its notion of a routine event lives in the app; any new
            // event stops here).
            Act::StepTo(to) => {
                let events = con.sim().events().total();
                for _ in 0..2_000 {
                    let step = con.sim_mut().step();
                    let done = match to {
                        ctl::session::StepTo::Message => matches!(step, Some(sim::Step::Message { .. })),
                        ctl::session::StepTo::Event => con.sim().events().total() > events,
                    };
                    if done || step.is_none() {
                        break;
                    }
                }
                ctl::Output::default()
            }
            Act::File(path, bytes) => {
                con.write_file(path, bytes.clone());
                ctl::Output::default()
            }
            Act::Manifest(text) => {
                let applied = con.with_kube(|kube, sim| kube.apply_text(sim, text));
                h.add(format!("{}", applied.len()).as_bytes());
                ctl::Output::default()
            }
        };
        h.out(&out);
        if !(0..=255).contains(&out.exit) {
            return Err(Bad::Exit(out.exit));
        }
    }
    // Back to tab 0, stopping what the replay left running.
    if con.is_streaming() {
        let o = con.interrupt();
        h.out(&o);
    }
    let _ = con.run_line_in(0, "true");
    Ok(())
}

/// Plays `case`; `on_step(i)` is called before each step (the watchdog's progress).
pub fn play(case: &Case, on_step: &dyn Fn(usize)) -> Outcome {
    if case.front {
        return play_front(case, on_step);
    }
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    let mut con = console(case);
    let mut failure = None;
    let start_steps = con.sim().steps();
    for (i, s) in case.steps.iter().enumerate() {
        on_step(i);
        let before = con.sim().steps();
        let r = guarded(|| step(&mut con, s, i, case.page, &mut h));
        match r {
            Err((location, message)) => {
                failure = Some(Failure::Panic { at: i, location, message });
                break;
            }
            Ok(Err(Bad::Exit(code))) => {
                failure = Some(Failure::Exit { at: i, code });
                break;
            }
            Ok(Err(Bad::Property(what))) => {
                failure = Some(Failure::Property { at: i, what });
                break;
            }
            Ok(Ok(())) => {}
        }
        // `cluster reset` makes a new simulator, whose count starts again.
        let taken = con.sim().steps().saturating_sub(before);
        if taken > STEP_BOUND {
            failure = Some(Failure::Hang { at: i, steps: taken });
            break;
        }
    }
    let sim_steps = con.sim().steps().saturating_sub(start_steps);
    if failure.is_none() {
        failure = check(&con);
    }
    h.add(con.sim().state_hash().as_bytes());
    Outcome { digest: h.0, failure, sim_steps }
}

/// The cluster's checkers: raft safety, and the clients' history against
/// etcd's model (an exhausted search budget is not a failure).
fn check(con: &Console) -> Option<Failure> {
    let sim = con.sim();
    if let Some(v) = sim.safety_violation() {
        return Some(Failure::Checker(format!("safety: {v}")));
    }
    let mut history = sim.history().clone();
    history.close();
    match sim::checker::check_linearizable(&history, LIN_BUDGET) {
        sim::checker::Verdict::Violation { key, ops } => Some(Failure::Checker(format!(
            "linearizability: key {:?}:\n{}",
            String::from_utf8_lossy(&key),
            sim::checker::linearizability::describe(&ops, LIN_BUDGET, 12)
        ))),
        _ => None,
    }
}

/// True if `case` still fails the way `want` did.
fn still_fails(case: &Case, want: &Failure) -> bool {
    match play(case, &|_| {}).failure {
        Some(f) => f.signature() == want.signature(),
        None => false,
    }
}

/// Shrinks a failing case: the steps after the failing one go, then each
/// earlier step that is not needed, then words and characters of the
/// failing line. At most `budget` plays.
pub fn minimize(case: &Case, failure: &Failure, budget: usize) -> Case {
    let mut best = case.clone();
    if let Some(at) = failure.at() {
        best.steps.truncate(at + 1);
    }
    let mut plays = 0;
    let try_case = |c: &Case, plays: &mut usize| {
        *plays += 1;
        *plays <= budget && still_fails(c, failure)
    };
    // Earlier steps, one at a time from the end.
    let mut i = best.steps.len().saturating_sub(1);
    while i > 0 {
        i -= 1;
        let mut c = best.clone();
        c.steps.remove(i);
        if try_case(&c, &mut plays) {
            best = c;
        }
    }
    // A failing recorded session: its entries, one at a time.
    let last = best.steps.len().saturating_sub(1);
    if let Some(Step::Record(r)) = best.steps.get(last).cloned() {
        let mut r = r;
        let mut j = r.entries.len();
        while j > 0 {
            j -= 1;
            let mut smaller = r.clone();
            smaller.entries.remove(j);
            let mut c = best.clone();
            c.steps[last] = Step::Record(smaller.clone());
            if try_case(&c, &mut plays) {
                r = smaller;
                best = c;
            }
        }
    }
    // The failing line: words, then characters.
    let last = best.steps.len().saturating_sub(1);
    if let Some(Step::Line(line)) = best.steps.get(last).cloned() {
        let mut words: Vec<String> = line.split(' ').map(String::from).collect();
        let mut j = words.len();
        while j > 0 {
            j -= 1;
            let mut w = words.clone();
            w.remove(j);
            let mut c = best.clone();
            c.steps[last] = Step::Line(w.join(" "));
            if try_case(&c, &mut plays) {
                words = w;
                best = c;
            }
        }
        let mut chars: Vec<char> = words.join(" ").chars().collect();
        let mut j = chars.len();
        while j > 0 && chars.len() < 400 {
            j -= 1;
            let mut ch = chars.clone();
            ch.remove(j);
            let mut c = best.clone();
            c.steps[last] = Step::Line(ch.iter().collect());
            if try_case(&c, &mut plays) {
                chars = ch;
                best = c;
            }
        }
    }
    best
}

/// A regression file: the minimized case and what it did.
#[derive(Serialize, Deserialize)]
pub struct Regression {
    /// What the case did when it was found.
    pub found: String,
    /// The case.
    pub case: Case,
}

/// Where regression files live.
pub fn regressions_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/regressions")
}

/// Writes `case` as a regression file named after `failure`'s signature;
/// returns its path.
pub fn write_regression(case: &Case, failure: &Failure) -> std::path::PathBuf {
    let sig = failure.signature();
    let name: String = sig
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let name: String = name.chars().take(80).collect();
    // A file kept from an earlier failure is not overwritten.
    let mut path = regressions_dir().join(format!("{name}.json"));
    let mut n = 2;
    while path.exists() {
        path = regressions_dir().join(format!("{name}-{n}.json"));
        n += 1;
    }
    let r = Regression { found: failure.to_string(), case: case.clone() };
    let text = serde_json::to_string_pretty(&r).expect("a case serializes") + "\n";
    std::fs::create_dir_all(regressions_dir()).expect("regressions dir");
    std::fs::write(&path, text).expect("write regression");
    path
}

/// A multi-line text with tabs, CRLF, commas, colons, unicode and an empty
/// line: the input the front end gives the shell's filters.
const FILTER_INPUT: &str = "a\tb,c:d\n/registry/pods/default/web\n\nk\u{e9}y=v\u{1F600}\r\n  x  y  \nlast";

/// Plays `case` through the console's front ends alone, many times faster
/// than [`play`]: each entry through the continuation check, the heredoc
/// lexer, the list and pipeline splitter and the word splitter; each
/// command's words through etcdctl's command finder and flag parser,
/// kubectl's flag parser or the shell filter it names (over a fixed
/// input); heredoc bodies through the YAML and manifest parsers; saved
/// sessions through their decoder (and back); wire steps as in [`play`].
/// Steps that need a console (Ctrl+C, time, files) are skipped.
pub fn play_front(case: &Case, on_step: &dyn Fn(usize)) -> Outcome {
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    let mut failure = None;
    for (i, s) in case.steps.iter().enumerate() {
        on_step(i);
        let r = guarded(|| front_step(s, &mut h));
        match r {
            Err((location, message)) => {
                failure = Some(Failure::Panic { at: i, location, message });
                break;
            }
            Ok(Err(what)) => {
                failure = Some(Failure::Property { at: i, what });
                break;
            }
            Ok(Ok(())) => {}
        }
    }
    Outcome { digest: h.0, failure, sim_steps: 0 }
}

fn front_step(s: &Step, h: &mut Fnv) -> Result<(), String> {
    match s {
        Step::Line(line) | Step::Tab(_, line) => {
            front_line(line, h);
            Ok(())
        }
        Step::Wire(target, bytes) => decode_wire(*target, bytes, h),
        Step::Session(text) => {
            use ctl::session::{Session, moment_of};
            h.add(&moment_of(text).unwrap_or(u64::MAX).to_le_bytes());
            let Some(s) = Session::from_text(text) else { return Ok(()) };
            let written = s.to_text();
            if Session::from_text(&written).as_ref() != Some(&s) {
                return Err(format!(
                    "a session written back to text does not read the same: {s:?} -> {written:?}"
                ));
            }
            h.add(written.as_bytes());
            Ok(())
        }
        Step::Record(r) => record_text(r).map(|t| h.add(t.as_bytes())),
        Step::Interrupt | Step::Poll(_) | Step::MutateFile { .. } => Ok(()),
    }
}

thread_local! {
    /// etcdctl's command tree, built once per thread.
    static SPEC: ctl::spec::Spec = ctl::spec::Spec::etcdctl();
}

fn front_line(line: &str, h: &mut Fnv) {
    use ctl::shell::{filters, lexer, list};
    h.add(&[u8::from(Console::needs_more(line))]);
    let mut env = slim::VecMap::new();
    env.insert("HOME".to_string(), "/root".to_string());
    env.insert("X".to_string(), "a b".to_string());
    let entry = match lexer::split_entry(line) {
        Ok(e) => e,
        Err(e) => {
            h.add(format!("{e:?}").as_bytes());
            return;
        }
    };
    let stdin = match &entry.stdin {
        Some(body) => {
            let text = lexer::expand_heredoc(body, &env).unwrap_or_else(|_| body.clone());
            match kube::yaml::parse_documents(&text) {
                Ok(docs) => h.add(format!("{}", docs.len()).as_bytes()),
                Err(e) => h.add(e.to_string().as_bytes()),
            }
            match kube::manifest::documents(&text, "-") {
                Ok(docs) => h.add(format!("{}", docs.len()).as_bytes()),
                Err(e) => h.add(e.as_bytes()),
            }
            text
        }
        None => FILTER_INPUT.to_string(),
    };
    let pipelines = match list::split_list(&entry.line) {
        Ok(l) => l,
        Err(e) => {
            h.add(format!("{e:?}").as_bytes());
            return;
        }
    };
    for (pipeline, _) in pipelines {
        for command in pipeline {
            let words = match lexer::split_command(&command, &env) {
                Ok((words, redirects)) => {
                    h.add(format!("{}", redirects.len()).as_bytes());
                    words
                }
                Err(e) => {
                    h.add(format!("{e:?}").as_bytes());
                    continue;
                }
            };
            // Leading assignments (`X=1 etcdctl ...`) are the environment's.
            let at = words.iter().position(|w| !w.contains('=') || w.starts_with('=')).unwrap_or(words.len());
            let words = &words[at..];
            let Some(first) = words.first() else { continue };
            let name = first.rsplit('/').next().unwrap_or(first);
            if name == "etcdctl" {
                SPEC.with(|spec| match ctl::flags::find_command(spec, &words[1..]) {
                    Ok((path, rest)) => {
                        h.add(path.as_bytes());
                        if let Some(cmd) = spec.command(&path) {
                            match ctl::flags::parse_flags(spec, cmd, &rest) {
                                Ok(p) => h.add(format!("{}", p.args.len()).as_bytes()),
                                Err(e) => h.add(e.as_bytes()),
                            }
                        }
                    }
                    Err(e) => h.add(e.as_bytes()),
                });
            } else if name == "kubectl" && words.len() > 1 {
                match kube::kubectl::parse_flags(&words[2..], &words[1]) {
                    Ok(f) => h.add(format!("{}", f.positional.len()).as_bytes()),
                    Err(e) => h.add(e.as_bytes()),
                }
            } else if filters::is_filter(name) {
                let out = filters::run(words, &stdin, &filters::no_files);
                h.out(&out);
            }
        }
    }
}
