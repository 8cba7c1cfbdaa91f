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
//! This module also translates the single-key KV requests and responses
//! into the linearizability checker's operations.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};
use server::{Request, Response, StreamItem};

use crate::checker::history::{KvOp, KvOutput, ObservedKv};

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
