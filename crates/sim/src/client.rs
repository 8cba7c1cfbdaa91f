//! Clients: a request enters the cluster through a chosen endpoint, carries
//! a deadline in virtual time, and resolves to a response or to the error
//! etcdctl would print. Streams (watch, lease keep-alive) deliver items
//! until cancelled.
//!
//! etcdctl's defaults are a 2 s dial timeout and a 5 s command timeout:
//!
//! ```text
//!   submit(put foo) at 300 ms to etcd-1 ──► answered at 312 ms: OK
//!   submit(put foo) at 300 ms to etcd-1 (stopped)
//!                   ──► 2300 ms: Error: context deadline exceeded   (dial)
//!   submit(put foo) at 300 ms, no quorum
//!                   ──► 5300 ms: Error: context deadline exceeded   (command)
//! ```
//!
//! Here are the client side of [`Sim`] (`submit`, `cancel`, `call`,
//! `wait`, `result`, `take_stream`) and the translation of single-key KV
//! requests and responses into the linearizability checker's operations.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};
use server::{ClientRequest, Reply, ReplyBody, Request, Response, StreamItem};

use crate::checker::history::{KvOp, KvOutput, ObservedKv, Outcome};
use crate::events::SimEvent;
use crate::node::Node;
use crate::sim::{Input, Sim, Timer};

/// etcdctl's `--dial-timeout` default.
pub const DIAL_TIMEOUT_MS: u64 = 2_000;
/// etcdctl's `--command-timeout` default.
pub const COMMAND_TIMEOUT_MS: u64 = 5_000;

/// How a request failed, as etcdctl reports it (`Error: {this}`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum ClientError {
    /// The member answered with an error.
    #[error("{0}")]
    Server(server::Error),
    /// The client's deadline passed (dial or command timeout).
    #[error("context deadline exceeded")]
    DeadlineExceeded,
    /// The client cancelled the request (Ctrl+C).
    #[error("context canceled")]
    Canceled,
    /// A stream's member went away.
    #[error("rpc error: code = Unavailable desc = error reading from server: EOF")]
    ConnectionLost,
    /// The endpoint is not a member of the simulated cluster.
    #[error("unknown endpoint {0:x}")]
    UnknownEndpoint(u64),
}

/// What a request resolved to.
pub type CallResult = Result<Response, ClientError>;

/// Per-request client settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallOptions {
    /// The command timeout in ms; `None`: etcdctl's 5 s for a unary
    /// request, no timeout for a stream.
    pub timeout_ms: Option<u64>,
    /// An auth token from `Authenticate`.
    pub token: Option<String>,
}

/// One request and what became of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// The request's id, unique in the simulation.
    pub id: u64,
    /// The member it entered through.
    pub endpoint: u64,
    /// The request.
    pub request: Request,
    /// Sent at (ms).
    pub sent_ms: u64,
    /// When the client gives up (ms), if ever.
    pub deadline_ms: Option<u64>,
    /// The final result, once resolved (streams: when they end).
    pub result: Option<CallResult>,
    /// Resolved at (ms).
    pub done_ms: Option<u64>,
    /// Stream items not yet taken by the client.
    pub stream: VecDeque<StreamItem>,
}

impl Call {
    /// True once resolved.
    pub fn is_done(&self) -> bool {
        self.result.is_some()
    }

    /// True for a watch or keep-alive stream.
    pub fn is_stream(&self) -> bool {
        self.request.is_stream()
    }
}

/// A short description of a request for the timeline (`put foo`).
pub fn describe_request(req: &Request) -> String {
    let key = |k: &[u8]| String::from_utf8_lossy(k).into_owned();
    match req {
        Request::Range { req, serializable } => {
            format!("get {}{}", key(&req.key), if *serializable { " (serializable)" } else { "" })
        }
        Request::Put(p) => format!("put {}", key(&p.key)),
        Request::DeleteRange(d) => format!("del {}", key(&d.key)),
        Request::Txn(t) => format!("txn ({} compares)", t.compare.len()),
        Request::Watch(w) => format!("watch {}", key(&w.key)),
        other => {
            let s = format!("{other:?}");
            let name: String = s.chars().take_while(|c| c.is_alphanumeric()).collect();
            name.to_lowercase()
        }
    }
}

/// A key range `(key, range_end)` in etcd's terms.
pub type KeyRange = (Vec<u8>, Vec<u8>);

/// The checker's view of a single-key KV request; `None` for anything
/// else. `Err(range)` names the keys written by a request the model cannot
/// follow (they get tainted).
pub fn kv_op(req: &Request) -> Option<Result<KvOp, KeyRange>> {
    use mvcc::{CompareResult, CompareTarget, RequestOp};
    match req {
        Request::Range { req: r, serializable: false } if !r.serializable => {
            let plain = r.range_end.is_empty()
                && r.revision == 0
                && !r.keys_only
                && !r.count_only
                && r.limit == 0
                && r.min_mod_revision == 0
                && r.max_mod_revision == 0
                && r.min_create_revision == 0
                && r.max_create_revision == 0;
            plain.then(|| Ok(KvOp::Get { key: r.key.clone() }))
        }
        Request::Range { .. } => None,
        Request::Put(p) => {
            if p.lease == 0 && !p.ignore_value && !p.ignore_lease {
                Some(Ok(KvOp::Put { key: p.key.clone(), value: p.value.clone() }))
            } else {
                Some(Err((p.key.clone(), Vec::new())))
            }
        }
        Request::DeleteRange(d) if d.range_end.is_empty() => Some(Ok(KvOp::Delete { key: d.key.clone() })),
        Request::DeleteRange(d) => Some(Err((d.key.clone(), d.range_end.clone()))),
        Request::Txn(t) => {
            let cas = match (t.compare.as_slice(), t.success.as_slice(), t.failure.as_slice()) {
                ([c], [RequestOp::Put(p)], [])
                    if c.range_end.is_empty() && c.key == p.key && p.lease == 0 =>
                {
                    match (&c.result, &c.target) {
                        (CompareResult::Equal, CompareTarget::Value(v)) => Some(KvOp::Cas {
                            key: p.key.clone(),
                            expected: Some(v.clone()),
                            value: p.value.clone(),
                        }),
                        (CompareResult::Equal, CompareTarget::Version(0)) => {
                            Some(KvOp::Cas { key: p.key.clone(), expected: None, value: p.value.clone() })
                        }
                        _ => None,
                    }
                }
                _ => None,
            };
            match cas {
                Some(op) if !p_ignores(t) => Some(Ok(op)),
                _ => {
                    // Taint everything a branch may write.
                    let writes =
                        t.success.iter().chain(&t.failure).any(|op| !matches!(op, RequestOp::Range(_)));
                    writes.then(|| Err((vec![0], vec![0])))
                }
            }
        }
        // Lease revocation and expiry delete keys attached to leases; such
        // keys were tainted when put with the lease.
        _ => None,
    }
}

fn p_ignores(t: &mvcc::TxnRequest) -> bool {
    t.success.iter().any(|op| matches!(op, mvcc::RequestOp::Put(p) if p.ignore_value || p.ignore_lease))
}

/// The checker's view of a response to a request that [`kv_op`] accepted.
pub fn kv_output(op: &KvOp, resp: &Response) -> Option<KvOutput> {
    let observed = |kv: &mvcc::KeyValue| ObservedKv {
        value: kv.value.clone(),
        create_revision: kv.create_revision,
        mod_revision: kv.mod_revision,
        version: kv.version,
    };
    match (op, resp) {
        (KvOp::Get { .. }, Response::Range(r)) => {
            Some(KvOutput::Get { kv: r.kvs.first().map(observed), revision: r.header.revision })
        }
        (KvOp::Put { .. }, Response::Put(r)) => Some(KvOutput::Put { revision: r.header.revision }),
        (KvOp::Delete { .. }, Response::DeleteRange(r)) => {
            Some(KvOutput::Delete { deleted: r.deleted, revision: r.header.revision })
        }
        (KvOp::Cas { .. }, Response::Txn(r)) => {
            Some(KvOutput::Cas { succeeded: r.succeeded, revision: r.header.revision })
        }
        _ => None,
    }
}

impl Sim {
    pub(crate) fn on_reply(&mut self, reply: Reply) {
        let Some(call) = self.calls.get_mut(&reply.id) else { return };
        if call.is_done() {
            return;
        }
        match reply.body {
            ReplyBody::Stream(item) => call.stream.push_back(item),
            ReplyBody::Done(result) => self.resolve(reply.id, result.map_err(ClientError::Server)),
        }
    }

    /// Resolves request `id` with `result`: the client sees it now.
    pub(crate) fn resolve(&mut self, id: u64, result: CallResult) {
        let now = self.clock.now_ms();
        let Some(call) = self.calls.get_mut(&id) else { return };
        if call.is_done() {
            return;
        }
        if let Some(key) = self.deadlines.remove(&id) {
            self.timers.remove(key);
        }
        let outcome = match &result {
            _ if !self.events.is_recording() => String::new(),
            Ok(_) => "OK".to_string(),
            Err(e) => format!("Error: {e}"),
        };
        if self.options.record_history {
            let h = match (&result, kv_op(&call.request)) {
                (Ok(resp), Some(Ok(op))) => match kv_output(&op, resp) {
                    Some(out) => Outcome::Ok(out),
                    None => Outcome::Unknown,
                },
                _ => Outcome::Fail,
            };
            self.history_time += 1;
            self.history.complete(id, self.history_time, h);
        }
        call.result = Some(result);
        call.done_ms = Some(now);
        self.resolved += 1;
        self.events.push(now, SimEvent::Response { id, outcome });
    }

    pub(crate) fn give_up(&mut self, id: u64, err: ClientError) {
        let Some(call) = self.calls.get(&id) else { return };
        if call.is_done() {
            return;
        }
        let endpoint = call.endpoint;
        if let Some(m) = self.nodes.get_mut(&endpoint).and_then(Node::member_mut) {
            m.cancel(id);
            self.drain(endpoint);
        }
        self.resolve(id, Err(err));
    }

    /// Sends `request` to member `endpoint`; returns its id. It resolves
    /// through [`Sim::result`] as time runs.
    pub fn submit(&mut self, endpoint: u64, request: Request, options: CallOptions) -> u64 {
        self.record(Input::Submit { endpoint, request: request.clone(), options: options.clone() });
        let id = self.next_request;
        self.next_request += 1;
        let now = self.clock.now_ms();
        let timeout = match options.timeout_ms {
            Some(t) => Some(t),
            None if request.is_stream() => None,
            None => Some(self.options.command_timeout_ms),
        };
        // Described only when kept (the benchmarks keep no events).
        let what = if self.events.is_recording() { describe_request(&request) } else { String::new() };
        self.events.push(now, SimEvent::Request { id, endpoint, what });
        if self.options.record_history {
            match kv_op(&request) {
                Some(Ok(op)) => {
                    self.history_time += 1;
                    self.history.invoke(id, op, self.history_time);
                }
                Some(Err((key, end))) => self.history.taint(&key, &end),
                None => {}
            }
        }
        let call = Call {
            id,
            endpoint,
            request: request.clone(),
            sent_ms: now,
            deadline_ms: None,
            result: None,
            done_ms: None,
            stream: Default::default(),
        };
        self.calls.insert(id, call);
        let Some(node) = self.nodes.get_mut(&endpoint) else {
            self.resolve(id, Err(ClientError::UnknownEndpoint(endpoint)));
            return id;
        };
        let deadline = match node.member_mut() {
            None => Some(timeout.unwrap_or(u64::MAX).min(self.options.dial_timeout_ms)),
            Some(m) => {
                m.request(ClientRequest { id, op: request, token: options.token });
                timeout
            }
        };
        if let Some(d) = deadline {
            let at = now.saturating_add(d);
            self.calls.get_mut(&id).expect("just inserted").deadline_ms = Some(at);
            let key = self.timers.push(at, Timer::Deadline { request: id });
            self.deadlines.insert(id, key);
        }
        self.drain(endpoint);
        id
    }

    /// The client gives up on request `id` (Ctrl+C, or the end of a watch).
    pub fn cancel(&mut self, id: u64) {
        self.record(Input::Cancel { request: id });
        self.give_up(id, ClientError::Canceled);
    }

    /// Sends `request` with default options and runs until it resolves
    /// (at the latest at its deadline).
    pub fn call(&mut self, endpoint: u64, request: Request) -> CallResult {
        let id = self.submit(endpoint, request, CallOptions::default());
        self.wait(id).unwrap_or(Err(ClientError::DeadlineExceeded))
    }

    /// Runs until request `id` resolves; `None` if it is a stream without
    /// deadline that has not ended after a command timeout.
    pub fn wait(&mut self, id: u64) -> Option<CallResult> {
        let limit = self.now_ms() + self.options.command_timeout_ms.max(self.options.dial_timeout_ms) + 1;
        let until = self.calls.get(&id)?.deadline_ms.unwrap_or(limit);
        self.run_until(until, |s| s.calls.get(&id).is_none_or(Call::is_done));
        self.result(id).cloned()
    }

    /// What request `id` resolved to, once it has.
    pub fn result(&self, id: u64) -> Option<&CallResult> {
        self.calls.get(&id).and_then(|c| c.result.as_ref())
    }

    /// How many requests have resolved since the start: a cheap way for a
    /// client to know when to look at its results.
    pub fn resolved_count(&self) -> u64 {
        self.resolved
    }

    /// Request `id` and its state.
    pub fn request_state(&self, id: u64) -> Option<&Call> {
        self.calls.get(&id)
    }

    /// Takes the stream items (watch responses, keep-alives) that arrived
    /// for request `id` since the last call.
    pub fn take_stream(&mut self, id: u64) -> Vec<StreamItem> {
        self.calls.get_mut(&id).map(|c| c.stream.drain(..).collect()).unwrap_or_default()
    }

    /// Forgets resolved requests (their results were read), to bound memory
    /// in long runs.
    pub fn forget_resolved(&mut self) {
        self.calls.retain(|_, c| !c.is_done() || !c.stream.is_empty());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mvcc::{Compare, CompareResult, CompareTarget, PutRequest, RangeRequest, RequestOp, TxnRequest};

    #[test]
    fn errors_print_as_etcdctl_does() {
        assert_eq!(ClientError::DeadlineExceeded.to_string(), "context deadline exceeded");
        assert_eq!(ClientError::Server(server::Error::NoLeader).to_string(), "etcdserver: no leader");
    }

    #[test]
    fn single_key_requests_become_model_operations() {
        let get = Request::Range {
            req: RangeRequest { key: b"a".to_vec(), ..Default::default() },
            serializable: false,
        };
        assert_eq!(kv_op(&get), Some(Ok(KvOp::Get { key: b"a".to_vec() })));
        let ser = Request::Range {
            req: RangeRequest { key: b"a".to_vec(), ..Default::default() },
            serializable: true,
        };
        assert_eq!(kv_op(&ser), None);
        let leased = Request::Put(PutRequest { key: b"a".to_vec(), lease: 7, ..Default::default() });
        assert_eq!(kv_op(&leased), Some(Err((b"a".to_vec(), vec![]))));
        let cas = Request::Txn(TxnRequest {
            compare: vec![Compare {
                result: CompareResult::Equal,
                target: CompareTarget::Version(0),
                key: b"a".to_vec(),
                range_end: vec![],
            }],
            success: vec![RequestOp::Put(PutRequest {
                key: b"a".to_vec(),
                value: b"1".to_vec(),
                ..Default::default()
            })],
            failure: vec![],
        });
        assert_eq!(
            kv_op(&cas),
            Some(Ok(KvOp::Cas { key: b"a".to_vec(), expected: None, value: b"1".to_vec() }))
        );
        assert_eq!(describe_request(&get), "get a");
        assert_eq!(describe_request(&Request::MemberList), "memberlist");
    }
}
