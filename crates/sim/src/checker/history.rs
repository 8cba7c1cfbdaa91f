//! The history of client operations that the linearizability checker
//! reads: every single-key operation with its invocation, its return (or
//! none, when the outcome is unknown) and what it returned.
//!
//! Times are the simulator's step counter, not milliseconds: two events of
//! the same millisecond still have a clear real-time order.
//!
//! Writes that the per-key model cannot follow (a range delete, a put with a
//! lease that may expire, a multi-key transaction) *taint* their keys; the
//! checker leaves tainted keys out rather than report false violations.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A single-key operation of etcd's KV API that the model knows.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum KvOp {
    /// A linearizable read of one key at the current revision.
    Get {
        /// The key.
        key: Vec<u8>,
    },
    /// A put without lease.
    Put {
        /// The key.
        key: Vec<u8>,
        /// The value.
        value: Vec<u8>,
    },
    /// A delete of one key.
    Delete {
        /// The key.
        key: Vec<u8>,
    },
    /// `txn`: if the key's value equals `expected` (`None`: the key does
    /// not exist) put `value`, else change nothing.
    Cas {
        /// The key.
        key: Vec<u8>,
        /// The value compared against; `None` compares `version = 0`.
        expected: Option<Vec<u8>>,
        /// The value put on success.
        value: Vec<u8>,
    },
}

impl KvOp {
    /// The key the operation touches.
    pub fn key(&self) -> &[u8] {
        match self {
            KvOp::Get { key } | KvOp::Put { key, .. } | KvOp::Delete { key } | KvOp::Cas { key, .. } => key,
        }
    }

    /// True for operations that never change anything.
    pub fn is_read(&self) -> bool {
        matches!(self, KvOp::Get { .. })
    }
}

/// A key as a read saw it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ObservedKv {
    /// The value.
    pub value: Vec<u8>,
    /// Revision of the put that created this generation.
    pub create_revision: i64,
    /// Revision of the last change.
    pub mod_revision: i64,
    /// Puts since creation.
    pub version: i64,
}

/// What a successful operation returned.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum KvOutput {
    /// A get: the key (if it exists) and the header's revision.
    Get {
        /// The key's state, `None` if absent.
        kv: Option<ObservedKv>,
        /// `header.revision`.
        revision: i64,
    },
    /// A put: the header's revision (the put's own).
    Put {
        /// `header.revision`.
        revision: i64,
    },
    /// A delete: how many keys went and the header's revision.
    Delete {
        /// `deleted`.
        deleted: i64,
        /// `header.revision`.
        revision: i64,
    },
    /// A compare-and-set.
    Cas {
        /// Whether the compare held.
        succeeded: bool,
        /// `header.revision`.
        revision: i64,
    },
}

impl KvOutput {
    /// The header revision.
    pub fn revision(&self) -> i64 {
        match self {
            KvOutput::Get { revision, .. }
            | KvOutput::Put { revision }
            | KvOutput::Delete { revision, .. }
            | KvOutput::Cas { revision, .. } => *revision,
        }
    }
}

/// How an operation ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// Still running.
    Pending,
    /// Succeeded with this output.
    Ok(KvOutput),
    /// Failed, certainly without effect (only reads are classified so).
    Fail,
    /// Unknown: a write that timed out or failed may or may not have taken
    /// effect.
    Unknown,
}

/// One client operation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operation {
    /// The client request's id.
    pub request: u64,
    /// The operation.
    pub op: KvOp,
    /// Invocation time (simulator step).
    pub invoke: u64,
    /// Return time (simulator step); `None` while pending or if unknown.
    pub ret: Option<u64>,
    /// The outcome.
    pub outcome: Outcome,
}

/// Every recorded operation, plus the ranges written by operations the
/// model cannot follow.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    ops: Vec<Operation>,
    by_request: BTreeMap<u64, usize>,
    tainted: Vec<(Vec<u8>, Vec<u8>)>,
}

impl History {
    /// Records the invocation of `op` by request `request` at `time`.
    pub fn invoke(&mut self, request: u64, op: KvOp, time: u64) {
        self.by_request.insert(request, self.ops.len());
        self.ops.push(Operation { request, op, invoke: time, ret: None, outcome: Outcome::Pending });
    }

    /// Records the end of request `request` at `time`. Failed writes become
    /// [`Outcome::Unknown`] (etcd may have committed them anyway).
    pub fn complete(&mut self, request: u64, time: u64, outcome: Outcome) {
        let Some(i) = self.by_request.remove(&request) else { return };
        let op = &mut self.ops[i];
        op.outcome = match outcome {
            Outcome::Fail if !op.op.is_read() => Outcome::Unknown,
            o => o,
        };
        if matches!(op.outcome, Outcome::Ok(_) | Outcome::Fail) {
            op.ret = Some(time);
        }
    }

    /// Marks every key in `[key, range_end)` (etcd's range rules) as
    /// written by something the model cannot follow.
    pub fn taint(&mut self, key: &[u8], range_end: &[u8]) {
        self.tainted.push((key.to_vec(), range_end.to_vec()));
    }

    /// True if a write the model cannot follow touched `key`.
    pub fn is_tainted(&self, key: &[u8]) -> bool {
        self.tainted.iter().any(|(k, end)| in_range(key, k, end))
    }

    /// Every operation, in invocation order.
    pub fn ops(&self) -> &[Operation] {
        &self.ops
    }

    /// Operations still pending become unknown (end of a run).
    pub fn close(&mut self) {
        for op in &mut self.ops {
            if op.outcome == Outcome::Pending {
                op.outcome = if op.op.is_read() { Outcome::Fail } else { Outcome::Unknown };
                op.ret = None;
            }
        }
        self.by_request.clear();
    }

    /// The operations of each untainted key, leaving out reads that failed.
    pub fn partition_by_key(&self) -> BTreeMap<Vec<u8>, Vec<Operation>> {
        let mut out: BTreeMap<Vec<u8>, Vec<Operation>> = BTreeMap::new();
        for op in &self.ops {
            if op.outcome == Outcome::Fail || self.is_tainted(op.op.key()) {
                continue;
            }
            out.entry(op.op.key().to_vec()).or_default().push(op.clone());
        }
        out
    }
}

/// etcd's range rules: empty end is the key alone, `[0]` is everything
/// from `start`, else `[start, end)`.
pub fn in_range(key: &[u8], start: &[u8], end: &[u8]) -> bool {
    if end.is_empty() {
        key == start
    } else if end == [0] {
        key >= start
    } else {
        key >= start && key < end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_writes_become_unknown_and_tainted_keys_are_left_out() {
        let mut h = History::default();
        h.invoke(1, KvOp::Put { key: b"a".to_vec(), value: b"1".to_vec() }, 1);
        h.invoke(2, KvOp::Get { key: b"a".to_vec() }, 2);
        h.invoke(3, KvOp::Get { key: b"b".to_vec() }, 3);
        h.complete(1, 4, Outcome::Fail);
        h.complete(2, 5, Outcome::Fail);
        h.taint(b"b", b"c");
        let parts = h.partition_by_key();
        assert_eq!(parts.len(), 1);
        assert_eq!(parts[&b"a".to_vec()][0].outcome, Outcome::Unknown);
        assert!(in_range(b"zz", b"a", &[0]));
        assert!(!in_range(b"c", b"b", b"c"));
    }
}
