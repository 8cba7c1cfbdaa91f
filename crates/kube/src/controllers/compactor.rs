//! kube-apiserver's compactor (k8s.io/apiserver `storage/etcd3/compact.go`):
//! every 5 minutes (`--etcd-compaction-interval`) it compacts etcd at the
//! revision it saw 5 minutes earlier, so a cluster's history stays about
//! one interval long however long it runs. Several apiservers agree through
//! the version of the key `compact_rev_key`, a compare-and-swap:
//!
//! ```text
//!   every 5 min:
//!     txn if version(compact_rev_key) == t
//!         then put(compact_rev_key, "<rev>")    t+1; compact(rev) unless rev == 0
//!         else get(compact_rev_key)              t = its version (another apiserver won)
//!     rev = the txn's header revision            compacted 5 minutes from now
//! ```
//!
//! `compact_rev_key` lies outside `/registry`: `etcdctl get / --prefix`
//! does not list it, `etcdctl get "" --prefix` does.

use mvcc::{Compare, CompareResult, CompareTarget, PutRequest, RangeRequest, RequestOp, TxnRequest};
use server::{Request, Response};
use sim::Sim;

use crate::client;

/// `--etcd-compaction-interval`'s default.
pub const COMPACTION_INTERVAL_MS: u64 = 300_000;

/// The key the apiservers keep their compaction clock in.
pub const COMPACT_REV_KEY: &str = "compact_rev_key";

#[derive(Clone, Debug, Default, PartialEq, Eq)]
enum State {
    #[default]
    Idle,
    Swapping(u64),
    Compacting(u64),
}

/// The compactor's clock: the version of `compact_rev_key` it last saw and
/// the revision to compact at next.
#[derive(Clone, Debug, Default)]
pub struct Compactor {
    /// When the next round starts (0: not started).
    next_ms: u64,
    time: i64,
    rev: i64,
    state: State,
}

impl Compactor {
    /// Starts the clock at `now_ms`: the first round comes an interval later.
    pub fn start(&mut self, now_ms: u64) {
        self.next_ms = now_ms + COMPACTION_INTERVAL_MS;
    }

    fn swap(&self) -> TxnRequest {
        let key = COMPACT_REV_KEY.as_bytes().to_vec();
        TxnRequest {
            compare: vec![Compare {
                result: CompareResult::Equal,
                target: CompareTarget::Version(self.time),
                key: key.clone(),
                range_end: Vec::new(),
            }],
            success: vec![RequestOp::Put(PutRequest {
                key: key.clone(),
                value: self.rev.to_string().into_bytes(),
                ..Default::default()
            })],
            failure: vec![RequestOp::Range(RangeRequest { key, ..Default::default() })],
        }
    }

    /// Moves the compactor along (nothing before [`Compactor::start`]).
    pub fn step(&mut self, sim: &mut Sim) {
        let now = sim.now_ms();
        match self.state {
            State::Idle => {
                if self.next_ms == 0 || now < self.next_ms {
                    return;
                }
                self.state = State::Swapping(client::submit(sim, Request::Txn(self.swap())));
            }
            State::Swapping(id) => {
                if sim.request_state(id).is_some_and(|c| !c.is_done()) {
                    return;
                }
                self.state = State::Idle;
                self.next_ms = now + COMPACTION_INTERVAL_MS;
                let Some(Ok(Response::Txn(r))) = client::poll(sim, id) else { return };
                let cur_rev = r.header.revision;
                if !r.succeeded {
                    if let Some(version) = seen_version(&r) {
                        self.time = version;
                    }
                    self.rev = cur_rev;
                    return;
                }
                self.time += 1;
                let rev = std::mem::replace(&mut self.rev, cur_rev);
                if rev > 0 {
                    let compact = Request::Compact { revision: rev, physical: false };
                    self.state = State::Compacting(client::submit(sim, compact));
                }
            }
            State::Compacting(id) => {
                if sim.request_state(id).is_none_or(|c| c.is_done()) {
                    self.state = State::Idle;
                }
            }
        }
    }
}

/// The version of `compact_rev_key` a failed swap read.
fn seen_version(r: &mvcc::TxnResponse) -> Option<i64> {
    match r.responses.first()? {
        mvcc::ResponseOp::Range(rr) => rr.kvs.first().map(|kv| kv.version),
        _ => None,
    }
}
