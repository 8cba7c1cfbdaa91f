//! The command vocabulary of the cluster transcripts, one file per group:
//!
//! ```text
//!   cluster   new members=3 seed=1 [snapshot-count=N] | run 2s | wait-leader | status
//!   faults    stop|start|restart NAME | partition A / B,C | isolate NAME | heal
//!             | net drop=0.2 [delay=1-5] | campaign NAME
//!   kv        put NAME KEY VALUE [timeout=5s] [lease=L1] | get NAME KEY [serializable]
//!             | put-many NAME n=100 [prefix=k] | compact NAME [revision=N] | hashkv
//!   members   member-add NAME NEW [learner] | member-promote NAME TARGET
//!             | member-remove NAME TARGET | member-list NAME | move-leader TARGET [via=NAME]
//!   leases    lease-grant NAME ttl=5 as=L1 | lease-ttl NAME L1
//!   streams   watch NAME KEY [rev=N] as=W1 | keepalive NAME L1 as=K1 | stream W1 | cancel W1
//!   observe   events [all] | messages [types=MsgSnap,...] | check
//! ```
//!
//! A client command enters through member NAME, runs virtual time until it
//! is answered or its timeout (etcdctl's 5 s by default) passes, and prints
//! the answer or the error etcdctl would print, with how long it took.

pub mod cluster;
pub mod faults;
pub mod kv;
pub mod leases;
pub mod members;
pub mod observe;
pub mod streams;

use server::{Request, Response};
use sim::{CallOptions, ClientError};

use super::env::{Env, parse_ms};
use datadriven::TestCase;

/// Runs one command; its output is what the transcript records.
pub fn handle(env: &mut Env, tc: &TestCase) -> String {
    match tc.cmd.as_str() {
        "new" => cluster::new(env, tc),
        "run" => cluster::run(env, tc),
        "wait-leader" => cluster::wait_leader(env, tc),
        "status" => cluster::status(env),
        "stop" | "start" | "restart" | "partition" | "isolate" | "heal" | "net" | "campaign" => {
            faults::handle(env, tc)
        }
        "put" => kv::put(env, tc),
        "get" => kv::get(env, tc),
        "put-many" => kv::put_many(env, tc),
        "compact" => kv::compact(env, tc),
        "hashkv" => kv::hashkv(env),
        "member-add" => members::add(env, tc),
        "member-promote" => members::promote(env, tc),
        "member-remove" => members::remove(env, tc),
        "member-list" => members::list(env, tc),
        "move-leader" => members::move_leader(env, tc),
        "lease-grant" => leases::grant(env, tc),
        "lease-ttl" => leases::ttl(env, tc),
        "watch" => streams::watch(env, tc),
        "keepalive" => streams::keepalive(env, tc),
        "stream" => streams::stream(env, tc),
        "cancel" => streams::cancel(env, tc),
        "events" => observe::events(env, tc),
        "messages" => observe::messages(env, tc),
        "check" => observe::check(env),
        other => panic!("line {}: unknown command {other}", tc.line),
    }
}

/// A client's answer and how long it took (virtual ms).
pub struct Answer {
    /// The response or the error etcdctl prints.
    pub result: Result<Response, ClientError>,
    /// From sending to the answer.
    pub took_ms: u64,
}

impl Answer {
    /// `Error: ... [5000ms]` for a failure, else `{ok} [12ms]`.
    pub fn line(&self, ok: impl FnOnce(&Response) -> String) -> String {
        match &self.result {
            Ok(r) => format!("{} [{}ms]", ok(r), self.took_ms),
            Err(e) => format!("Error: {e} [{}ms]", self.took_ms),
        }
    }
}

/// Sends `request` through `endpoint` with the command's `timeout=` (or
/// etcdctl's default) and runs until it is answered.
pub fn call(env: &mut Env, tc: &TestCase, endpoint: u64, request: Request) -> Answer {
    let timeout_ms = tc.get("timeout").and_then(|v| v.first()).map(|s| parse_ms(tc, s));
    let sim = env.sim();
    let id = sim.submit(endpoint, request, CallOptions { timeout_ms, token: None });
    let result = sim.wait(id).unwrap_or(Err(ClientError::DeadlineExceeded));
    let call = sim.request_state(id).expect("submitted");
    let took_ms = call.done_ms.unwrap_or(sim.now_ms()) - call.sent_ms;
    Answer { result, took_ms }
}

/// The `n`th positional argument, or a panic naming the command's usage.
pub fn arg<'a>(tc: &'a TestCase, n: usize, usage: &str) -> &'a str {
    tc.positional().get(n).copied().unwrap_or_else(|| panic!("line {}: usage: {usage}", tc.line))
}

/// The endpoint named by the first positional argument, resolved.
pub fn endpoint(env: &Env, tc: &TestCase, usage: &str) -> Result<(u64, String), String> {
    let word = arg(tc, 0, usage);
    let id = env.resolve(word)?;
    Ok((id, env.said(word, id)))
}
