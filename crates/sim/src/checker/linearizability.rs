//! Linearizability of a client history against a model of etcd's KV API,
//! checked key by key in the manner of porcupine (the checker etcd's
//! robustness tests use): the Wing & Gong search with Lowe's memoization.
//!
//! # The model of one key
//!
//! ```text
//!   state = { kv: None | { value, version, create_rev?, mod_rev? }, floor }
//!   put v   -> rev r   needs r > floor;  kv = {v, version+1, create_rev or r, r}; floor = r
//!   get     -> kv', r  needs kv' = kv (unknown revisions are learnt), r >= floor; floor = r
//!   delete  -> n, r    n = 1 if kv exists (r > floor, kv = None) else n = 0 (r >= floor)
//!   cas e v -> ok, r   ok = (value == e); on success as put, else as get
//! ```
//!
//! `floor` is the highest revision some linearized operation on this key
//! has seen: revisions are global and only grow, so a later operation may
//! not return a lower one. A write whose outcome is unknown (a timeout)
//! may be placed anywhere after its invocation or nowhere; its revision is
//! then unknown (`?`) until a read shows it.
//!
//! # The search
//!
//! Calls and returns are laid out in time order as a linked list. The
//! search walks it, trying to linearize each call it meets (apply it to
//! the model; if the model accepts, lift the call and its return out of the
//! list and go on); at a return whose call could not be linearized it
//! backtracks. A cache of (set of linearized operations, model state) cuts
//! every branch already explored.

use std::collections::BTreeSet;

use slim::VecMap;

use crate::checker::history::{History, KvOp, KvOutput, ObservedKv, Operation, Outcome};

/// The model's view of one key.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct KeyState {
    /// The key, if it exists.
    pub kv: Option<KvState>,
    /// The highest revision a linearized operation on the key returned.
    pub floor: i64,
}

/// A live key in the model; revisions are `None` while unknown.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct KvState {
    /// The value.
    pub value: Vec<u8>,
    /// Puts since creation.
    pub version: i64,
    /// Create revision, if known.
    pub create_revision: Option<i64>,
    /// Mod revision, if known.
    pub mod_revision: Option<i64>,
}

impl KeyState {
    fn put(&self, value: &[u8], rev: Option<i64>) -> KeyState {
        let kv = match &self.kv {
            Some(s) => KvState {
                value: value.to_vec(),
                version: s.version + 1,
                create_revision: s.create_revision,
                mod_revision: rev,
            },
            None => KvState { value: value.to_vec(), version: 1, create_revision: rev, mod_revision: rev },
        };
        KeyState { kv: Some(kv), floor: rev.unwrap_or(self.floor).max(self.floor) }
    }

    fn compare(&self, expected: &Option<Vec<u8>>) -> bool {
        match (expected, &self.kv) {
            (None, None) => true,
            (Some(e), Some(s)) => *e == s.value,
            _ => false,
        }
    }

    fn observe(&self, seen: &Option<ObservedKv>, rev: i64) -> Option<KeyState> {
        if rev < self.floor {
            return None;
        }
        let kv = match (&self.kv, seen) {
            (None, None) => None,
            (Some(s), Some(o)) => {
                let learn = |known: Option<i64>, got: i64| match known {
                    Some(k) if k != got => None,
                    _ => Some(Some(got)),
                };
                if s.value != o.value || s.version != o.version || o.mod_revision > rev {
                    return None;
                }
                Some(KvState {
                    value: s.value.clone(),
                    version: s.version,
                    create_revision: learn(s.create_revision, o.create_revision)?,
                    mod_revision: learn(s.mod_revision, o.mod_revision)?,
                })
            }
            _ => return None,
        };
        Some(KeyState { kv, floor: rev })
    }

    /// Applies `op` with result `outcome` (Ok or Unknown); `None` if the
    /// model cannot produce that result from this state.
    pub fn step(&self, op: &KvOp, outcome: &Outcome) -> Option<KeyState> {
        let out = match outcome {
            Outcome::Ok(out) => out,
            _ => {
                // Unknown: the operation took effect, its result unseen.
                return Some(match op {
                    KvOp::Get { .. } => self.clone(),
                    KvOp::Put { value, .. } => self.put(value, None),
                    KvOp::Delete { .. } => KeyState { kv: None, floor: self.floor },
                    KvOp::Cas { expected, value, .. } => {
                        if self.compare(expected) {
                            self.put(value, None)
                        } else {
                            self.clone()
                        }
                    }
                });
            }
        };
        match (op, out) {
            (KvOp::Get { .. }, KvOutput::Get { kv, revision }) => self.observe(kv, *revision),
            (KvOp::Put { value, .. }, KvOutput::Put { revision }) => {
                (*revision > self.floor).then(|| self.put(value, Some(*revision)))
            }
            (KvOp::Delete { .. }, KvOutput::Delete { deleted, revision }) => match (&self.kv, deleted) {
                (Some(_), 1) if *revision > self.floor => Some(KeyState { kv: None, floor: *revision }),
                (None, 0) if *revision >= self.floor => Some(KeyState { kv: None, floor: *revision }),
                _ => None,
            },
            (KvOp::Cas { expected, value, .. }, KvOutput::Cas { succeeded, revision }) => {
                if self.compare(expected) != *succeeded {
                    None
                } else if *succeeded {
                    (*revision > self.floor).then(|| self.put(value, Some(*revision)))
                } else {
                    (*revision >= self.floor).then(|| KeyState { kv: self.kv.clone(), floor: *revision })
                }
            }
            _ => None,
        }
    }
}

/// The verdict on one history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every key's history is linearizable.
    Ok {
        /// Keys checked.
        keys: usize,
        /// Operations checked.
        ops: usize,
    },
    /// This key's history is not: no order of its operations fits the
    /// model and real time.
    Violation {
        /// The key.
        key: Vec<u8>,
        /// Its operations, for the report.
        ops: Vec<Operation>,
    },
    /// The search gave up on this key after its step budget.
    Inconclusive {
        /// The key.
        key: Vec<u8>,
    },
}

/// Checks every untainted key of `history`; `budget` caps the search steps
/// per key.
pub fn check(history: &History, budget: u64) -> Verdict {
    let parts = history.partition_by_key();
    let mut total = 0;
    for (key, ops) in &parts {
        total += ops.len();
        match check_key(ops, budget) {
            Some(true) => {}
            Some(false) => return Verdict::Violation { key: key.clone(), ops: ops.clone() },
            None => return Verdict::Inconclusive { key: key.clone() },
        }
    }
    Verdict::Ok { keys: parts.len(), ops: total }
}

#[derive(Clone, Copy, Debug)]
struct Node {
    op: usize,
    is_call: bool,
    /// For a call: the node of its return.
    partner: usize,
    prev: usize,
    next: usize,
}

const NIL: usize = usize::MAX;

/// Is one key's history linearizable? `None` if the budget ran out.
pub fn check_key(ops: &[Operation], budget: u64) -> Option<bool> {
    // Events: (time, is_return, op). Unknown operations return at the end
    // of time; at equal times calls come first.
    let mut events: Vec<(u64, bool, usize)> = Vec::with_capacity(ops.len() * 2);
    for (i, op) in ops.iter().enumerate() {
        events.push((op.invoke, false, i));
        events.push((op.ret.unwrap_or(u64::MAX), true, i));
    }
    events.sort();
    // Node 0 is a sentinel head.
    let mut nodes = vec![Node { op: NIL, is_call: false, partner: NIL, prev: NIL, next: NIL }];
    let mut ret_node = vec![NIL; ops.len()];
    for &(_, is_ret, op) in &events {
        let idx = nodes.len();
        nodes.push(Node { op, is_call: !is_ret, partner: NIL, prev: idx - 1, next: NIL });
        nodes[idx - 1].next = idx;
        if is_ret {
            ret_node[op] = idx;
        }
    }
    for n in 1..nodes.len() {
        if nodes[n].is_call {
            nodes[n].partner = ret_node[nodes[n].op];
        }
    }
    let words = ops.len().div_ceil(64);
    let mut linearized = vec![0u64; words];
    let mut cache: BTreeSet<(Vec<u64>, KeyState)> = BTreeSet::new();
    let mut stack: Vec<(usize, KeyState)> = Vec::new();
    let mut state = KeyState::default();
    let mut entry = nodes[0].next;
    let mut steps = 0u64;
    let lift = |nodes: &mut Vec<Node>, n: usize| {
        for x in [n, nodes[n].partner] {
            let (p, q) = (nodes[x].prev, nodes[x].next);
            nodes[p].next = q;
            if q != NIL {
                nodes[q].prev = p;
            }
        }
    };
    let unlift = |nodes: &mut Vec<Node>, n: usize| {
        for x in [nodes[n].partner, n] {
            let (p, q) = (nodes[x].prev, nodes[x].next);
            nodes[p].next = x;
            if q != NIL {
                nodes[q].prev = x;
            }
        }
    };
    loop {
        if nodes[0].next == NIL {
            return Some(true);
        }
        steps += 1;
        if steps > budget {
            return None;
        }
        if entry != NIL && nodes[entry].is_call {
            let op = &ops[nodes[entry].op];
            if let Some(next_state) = state.step(&op.op, &op.outcome) {
                let mut lin = linearized.clone();
                lin[nodes[entry].op / 64] |= 1 << (nodes[entry].op % 64);
                if cache.insert((lin.clone(), next_state.clone())) {
                    stack.push((entry, std::mem::replace(&mut state, next_state)));
                    linearized = lin;
                    lift(&mut nodes, entry);
                    entry = nodes[0].next;
                    continue;
                }
            }
            entry = nodes[entry].next;
        } else {
            // A return (or the end) whose call is still in the list: undo
            // the last choice.
            let Some((e, s)) = stack.pop() else { return Some(false) };
            state = s;
            linearized[nodes[e].op / 64] &= !(1 << (nodes[e].op % 64));
            unlift(&mut nodes, e);
            entry = nodes[e].next;
        }
    }
}

/// The ops of a violation as readable lines, for a failure report: the
/// shortest failing prefix (by invocation), its last `tail` operations.
pub fn describe(ops: &[Operation], budget: u64, tail: usize) -> String {
    let mut sorted = ops.to_vec();
    sorted.sort_by_key(|o| o.invoke);
    let n =
        (1..=sorted.len()).find(|&n| check_key(&sorted[..n], budget) == Some(false)).unwrap_or(sorted.len());
    let from = n.saturating_sub(tail);
    let mut lines: VecMap<u64, String> = VecMap::new();
    lines.insert(
        0,
        format!("shortest failing prefix: {n} of {} operations; its last {}:", ops.len(), n - from),
    );
    for op in &sorted[from..n] {
        let ret = op.ret.map_or("?".to_string(), |r| r.to_string());
        lines.insert(
            op.invoke,
            format!("  [{} .. {}] req {} {} -> {:?}", op.invoke, ret, op.request, show(&op.op), op.outcome),
        );
    }
    lines.into_values().collect::<Vec<_>>().join("\n")
}

fn show(op: &KvOp) -> String {
    let s = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    match op {
        KvOp::Get { key } => format!("get {}", s(key)),
        KvOp::Put { key, value } => format!("put {} {}", s(key), s(value)),
        KvOp::Delete { key } => format!("del {}", s(key)),
        KvOp::Cas { key, expected, value } => {
            format!(
                "cas {} {} -> {}",
                s(key),
                expected.as_deref().map_or("<absent>".to_string(), s),
                s(value)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k() -> Vec<u8> {
        b"k".to_vec()
    }
    fn put(req: u64, v: &str, t: (u64, u64), rev: i64) -> Operation {
        Operation {
            request: req,
            op: KvOp::Put { key: k(), value: v.into() },
            invoke: t.0,
            ret: Some(t.1),
            outcome: Outcome::Ok(KvOutput::Put { revision: rev }),
        }
    }
    fn get(req: u64, v: Option<(&str, i64, i64)>, t: (u64, u64), rev: i64) -> Operation {
        let kv = v.map(|(v, m, ver)| ObservedKv {
            value: v.into(),
            create_revision: 2,
            mod_revision: m,
            version: ver,
        });
        Operation {
            request: req,
            op: KvOp::Get { key: k() },
            invoke: t.0,
            ret: Some(t.1),
            outcome: Outcome::Ok(KvOutput::Get { kv, revision: rev }),
        }
    }

    #[test]
    fn sequential_history_is_linearizable() {
        let ops = vec![put(1, "a", (1, 2), 2), get(2, Some(("a", 2, 1)), (3, 4), 2), put(3, "b", (5, 6), 3)];
        assert_eq!(check_key(&ops, 10_000), Some(true));
    }

    #[test]
    fn a_stale_read_after_a_completed_write_is_caught() {
        let ops = vec![put(1, "a", (1, 2), 2), put(2, "b", (3, 4), 3), get(3, Some(("a", 2, 1)), (5, 6), 2)];
        assert_eq!(check_key(&ops, 10_000), Some(false));
    }

    #[test]
    fn concurrent_ops_may_be_ordered_either_way() {
        // The read overlaps the second put, so seeing either value is fine.
        let ops = vec![put(1, "a", (1, 2), 2), put(2, "b", (3, 8), 3), get(3, Some(("a", 2, 1)), (4, 5), 2)];
        assert_eq!(check_key(&ops, 10_000), Some(true));
        let ops = vec![put(1, "a", (1, 2), 2), put(2, "b", (3, 8), 3), get(3, Some(("b", 3, 2)), (4, 5), 3)];
        assert_eq!(check_key(&ops, 10_000), Some(true));
    }

    #[test]
    fn an_unknown_write_may_or_may_not_have_happened() {
        let mut lost = put(1, "a", (1, 0), 0);
        lost.ret = None;
        lost.outcome = Outcome::Unknown;
        let ops = vec![lost.clone(), get(2, None, (5, 6), 1)];
        assert_eq!(check_key(&ops, 10_000), Some(true));
        // Seen later: its revision is learnt from the read.
        let ops = vec![lost, get(2, None, (5, 6), 1), get(3, Some(("a", 7, 1)), (7, 8), 7)];
        assert_eq!(check_key(&ops, 10_000), Some(true));
    }

    #[test]
    fn revisions_going_backwards_are_caught() {
        let ops = vec![put(1, "a", (1, 2), 5), put(2, "b", (3, 4), 4)];
        assert_eq!(check_key(&ops, 10_000), Some(false));
        let ops = vec![get(1, None, (1, 2), 9), get(2, None, (3, 4), 8)];
        assert_eq!(check_key(&ops, 10_000), Some(false));
    }

    #[test]
    fn cas_must_agree_with_the_value() {
        let cas = |req, exp: Option<&str>, v: &str, t: (u64, u64), ok, rev| Operation {
            request: req,
            op: KvOp::Cas { key: k(), expected: exp.map(Into::into), value: v.into() },
            invoke: t.0,
            ret: Some(t.1),
            outcome: Outcome::Ok(KvOutput::Cas { succeeded: ok, revision: rev }),
        };
        let ops = vec![cas(1, None, "a", (1, 2), true, 2), cas(2, None, "b", (3, 4), false, 2)];
        assert_eq!(check_key(&ops, 10_000), Some(true));
        let ops = vec![cas(1, None, "a", (1, 2), true, 2), cas(2, None, "b", (3, 4), true, 3)];
        assert_eq!(check_key(&ops, 10_000), Some(false));
    }

    #[test]
    fn many_concurrent_writes_stay_tractable() {
        // 14 overlapping puts and a final read: the cache keeps this small.
        let mut ops: Vec<Operation> =
            (0..14).map(|i| put(i, &format!("v{i}"), (i, 100 + i), 2 + i as i64)).collect();
        ops.push(get(99, Some(("v13", 15, 14)), (200, 201), 15));
        assert_eq!(check_key(&ops, 1_000_000), Some(true));
    }
}
