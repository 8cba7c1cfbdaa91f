//! Model tests: random sequences of put, delete, txn, compact, reads and
//! watches run against the store and against a deliberately naive model
//! (a vector of every change ever made), which must agree on everything.

use mvcc::{
    Compare, CompareResult, CompareTarget, DeleteRangeRequest, Error, EventType, KeyValue, PutRequest,
    RangeRequest, RequestOp, ResponseOp, Store, StoreConfig, TxnRequest, WatchCreateRequest,
};
use proptest::prelude::*;

const KEYS: &[&[u8]] = &[b"a", b"b", b"c", b"d", b"e", b"f"];

/// One change: `(main, sub, key, Some(value) for a put, None for a delete)`.
type Change = (i64, i64, Vec<u8>, Option<Vec<u8>>);

/// The naive model: every change, in order, and nothing else.
#[derive(Default)]
struct Model {
    log: Vec<Change>,
    rev: i64,
    compacted: i64,
}

impl Model {
    fn new() -> Self {
        Model { log: Vec::new(), rev: 1, compacted: -1 }
    }

    /// The pair a key had at `at`, recomputed from the whole log.
    fn get(&self, key: &[u8], at: i64) -> Option<KeyValue> {
        let mut kv: Option<KeyValue> = None;
        for (main, _, k, v) in self.log.iter().filter(|e| e.0 <= at && e.2 == key) {
            kv = v.as_ref().map(|v| {
                let (create, version) = match &kv {
                    Some(p) => (p.create_revision, p.version + 1),
                    None => (*main, 1),
                };
                KeyValue {
                    key: k.clone(),
                    create_revision: create,
                    mod_revision: *main,
                    version,
                    value: v.clone(),
                    lease: 0,
                }
            });
        }
        kv
    }

    fn in_range(key: &[u8], start: &[u8], end: &[u8]) -> bool {
        if end.is_empty() { key == start } else { key >= start && (end == [0] || key < end) }
    }

    fn range(&self, start: &[u8], end: &[u8], at: i64) -> Vec<KeyValue> {
        KEYS.iter().filter(|k| Self::in_range(k, start, end)).filter_map(|k| self.get(k, at)).collect()
    }

    /// Applies one write transaction's changes.
    fn commit(&mut self, changes: Vec<(Vec<u8>, Option<Vec<u8>>)>) {
        if changes.is_empty() {
            return;
        }
        self.rev += 1;
        for (sub, (k, v)) in changes.into_iter().enumerate() {
            self.log.push((self.rev, sub as i64, k, v));
        }
    }

    /// What a watcher on `[start, end)` from `from` sees: `(type, key, mod)`.
    fn events(&self, start: &[u8], end: &[u8], from: i64) -> Vec<(EventType, KeyValue)> {
        self.log
            .iter()
            .filter(|e| e.0 >= from && Self::in_range(&e.2, start, end))
            .map(|(main, _, k, v)| match v {
                Some(_) => (EventType::Put, self.get(k, *main).expect("a put is visible")),
                None => (
                    EventType::Delete,
                    KeyValue { key: k.clone(), mod_revision: *main, ..KeyValue::default() },
                ),
            })
            .collect()
    }
}

/// In `Op::Compact`: the current revision. In `Op::Watch`: the compacted
/// revision (edge cases random revisions rarely hit).
const AT_CURRENT: i64 = 1000;
const AT_COMPACTED: i64 = 1000;

#[derive(Clone, Debug)]
enum Op {
    Put(usize, u8),
    Delete(usize, Option<usize>),
    /// If `key` has `version`, run `then`, else `otherwise`: puts (Some) and
    /// deletes (None) on distinct keys.
    Txn(usize, i64, Vec<(usize, Option<u8>)>, Vec<(usize, Option<u8>)>),
    Compact(i64),
    Range(usize, Option<usize>, i64, i64),
    Watch(usize, Option<usize>, i64),
}

fn branch() -> impl Strategy<Value = Vec<(usize, Option<u8>)>> {
    proptest::collection::btree_map(0..KEYS.len(), proptest::option::of(any::<u8>()), 0..4)
        .prop_map(|m| m.into_iter().collect())
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..KEYS.len(), any::<u8>()).prop_map(|(k, v)| Op::Put(k, v)),
        2 => (0..KEYS.len(), proptest::option::of(0..=KEYS.len())).prop_map(|(k, e)| Op::Delete(k, e)),
        2 => (0..KEYS.len(), 0..3i64, branch(), branch()).prop_map(|(k, v, t, e)| Op::Txn(k, v, t, e)),
        1 => (-1..12i64).prop_map(Op::Compact),
        1 => Just(Op::Compact(AT_CURRENT)),
        3 => (0..KEYS.len(), proptest::option::of(0..=KEYS.len()), -1..20i64, 0..4i64)
            .prop_map(|(k, e, r, l)| Op::Range(k, e, r, l)),
        1 => (0..KEYS.len(), proptest::option::of(0..=KEYS.len()), 0..20i64).prop_map(|(k, e, r)| Op::Watch(k, e, r)),
        1 => (0..KEYS.len(), proptest::option::of(0..=KEYS.len())).prop_map(|(k, e)| Op::Watch(k, e, AT_COMPACTED)),
    ]
}

/// `[start, end)` from key indexes: no end is a single key; an end past
/// the last key is "\0", every key from the start.
fn bounds(k: usize, e: Option<usize>) -> (Vec<u8>, Vec<u8>) {
    let start = KEYS[k].to_vec();
    match e {
        None => (start, Vec::new()),
        Some(e) if e == KEYS.len() => (start, vec![0]),
        Some(e) => (start, KEYS[e].to_vec()),
    }
}

fn put_req(k: usize, v: u8) -> PutRequest {
    PutRequest { key: KEYS[k].to_vec(), value: vec![v], ..PutRequest::default() }
}

fn run(ops: &[Op]) -> Result<(), TestCaseError> {
    let mut store = Store::new(StoreConfig::default());
    let mut model = Model::new();
    let stream = store.watch_stream_open();
    let mut watchers = Vec::new();
    for op in ops {
        match op {
            Op::Put(k, v) => {
                let r = store.put(&put_req(*k, *v)).map_err(|e| TestCaseError::fail(e.to_string()))?;
                model.commit(vec![(KEYS[*k].to_vec(), Some(vec![*v]))]);
                prop_assert_eq!(r.header.revision, model.rev);
            }
            Op::Delete(k, e) => {
                let (key, range_end) = bounds(*k, *e);
                let live: Vec<Vec<u8>> =
                    model.range(&key, &range_end, model.rev).into_iter().map(|kv| kv.key).collect();
                let req = DeleteRangeRequest { key, range_end, prev_kv: false };
                let r = store.delete_range(&req).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(r.deleted as usize, live.len());
                model.commit(live.into_iter().map(|k| (k, None)).collect());
                prop_assert_eq!(r.header.revision, model.rev);
            }
            Op::Txn(k, version, then, otherwise) => {
                let cur = model.get(KEYS[*k], model.rev).map_or(0, |kv| kv.version);
                let ok = cur == *version;
                let to_ops = |b: &Vec<(usize, Option<u8>)>| -> Vec<RequestOp> {
                    b.iter()
                        .map(|(k, v)| match v {
                            Some(v) => RequestOp::Put(put_req(*k, *v)),
                            None => RequestOp::DeleteRange(DeleteRangeRequest {
                                key: KEYS[*k].to_vec(),
                                ..DeleteRangeRequest::default()
                            }),
                        })
                        .collect()
                };
                let req = TxnRequest {
                    compare: vec![Compare {
                        result: CompareResult::Equal,
                        target: CompareTarget::Version(*version),
                        key: KEYS[*k].to_vec(),
                        range_end: Vec::new(),
                    }],
                    success: to_ops(then),
                    failure: to_ops(otherwise),
                };
                let r = store.txn(&req).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(r.succeeded, ok);
                let chosen = if ok { then } else { otherwise };
                let mut changes = Vec::new();
                for (i, (k, v)) in chosen.iter().enumerate() {
                    let key = KEYS[*k].to_vec();
                    match v {
                        Some(v) => changes.push((key, Some(vec![*v]))),
                        None => {
                            let live = model.get(&key, model.rev).is_some();
                            let deleted = match &r.responses[i] {
                                ResponseOp::DeleteRange(d) => d.deleted,
                                other => return Err(TestCaseError::fail(format!("{other:?}"))),
                            };
                            prop_assert_eq!(deleted, i64::from(live));
                            if live {
                                changes.push((key, None));
                            }
                        }
                    }
                }
                model.commit(changes);
                prop_assert_eq!(r.header.revision, model.rev);
            }
            Op::Compact(rev) => {
                let rev = &if *rev == AT_CURRENT { model.rev } else { *rev };
                let want = if *rev <= model.compacted {
                    Err(Error::Compacted)
                } else if *rev > model.rev {
                    Err(Error::FutureRev)
                } else {
                    Ok(model.rev)
                };
                let got = store.compact(*rev).map(|r| r.header.revision);
                prop_assert_eq!(&got, &want);
                if got.is_ok() {
                    model.compacted = *rev;
                }
            }
            Op::Range(k, e, rev, limit) => {
                let (key, range_end) = bounds(*k, *e);
                let req = RangeRequest {
                    key: key.clone(),
                    range_end: range_end.clone(),
                    revision: *rev,
                    limit: *limit,
                    ..RangeRequest::default()
                };
                let at = if *rev <= 0 { model.rev } else { *rev };
                let got = store.range(&req);
                if *rev > model.rev {
                    prop_assert_eq!(got, Err(Error::FutureRev));
                } else if at < model.compacted {
                    prop_assert_eq!(got, Err(Error::Compacted));
                } else {
                    let got = got.map_err(|e| TestCaseError::fail(e.to_string()))?;
                    let all = model.range(&key, &range_end, at);
                    let n = if *limit > 0 { (*limit as usize).min(all.len()) } else { all.len() };
                    prop_assert_eq!(got.count as usize, all.len());
                    prop_assert_eq!(got.more, n < all.len());
                    prop_assert_eq!(&got.kvs, &all[..n].to_vec());
                    prop_assert_eq!(got.header.revision, model.rev);
                }
            }
            Op::Watch(k, e, start) => {
                let start = &if *start == AT_COMPACTED { model.compacted.max(1) } else { *start };
                let (key, range_end) = bounds(*k, *e);
                let req = WatchCreateRequest {
                    key: key.clone(),
                    range_end: range_end.clone(),
                    start_revision: *start,
                    ..Default::default()
                };
                if !range_end.is_empty() && range_end != [0] && key >= range_end {
                    prop_assert_eq!(store.watch(stream, &req), Err(Error::EmptyWatcherRange));
                    continue;
                }
                let id = store.watch(stream, &req).map_err(|e| TestCaseError::fail(e.to_string()))?;
                let from = if *start <= 0 { model.rev + 1 } else { *start };
                watchers.push((id, key, range_end, from, from < model.compacted));
            }
        }
    }
    // Every watcher saw exactly the model's events, once, in order.
    let responses = store.watch_drain(stream).map_err(|e| TestCaseError::fail(e.to_string()))?;
    for (id, key, end, from, cancelled) in watchers {
        let mine: Vec<_> = responses.iter().filter(|r| r.watch_id == id).collect();
        prop_assert!(mine.first().is_some_and(|r| r.created));
        if cancelled {
            prop_assert!(mine.iter().any(|r| r.canceled && r.compact_revision > 0));
            prop_assert!(mine.iter().all(|r| r.events.is_empty()));
            continue;
        }
        let got: Vec<(EventType, KeyValue)> =
            mine.iter().flat_map(|r| r.events.iter().map(|e| (e.kind, e.kv.clone()))).collect();
        prop_assert_eq!(got, model.events(&key, &end, from));
    }
    // A snapshot round trip and a replay agree on everything readable.
    let restored = Store::restore(&store.snapshot(), StoreConfig::default())
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(restored.hash_kv(0), store.hash_kv(0));
    let lo = model.compacted.max(1);
    for at in lo..=model.rev {
        let req = RangeRequest { key: vec![0], range_end: vec![0], revision: at, ..RangeRequest::default() };
        prop_assert_eq!(restored.range(&req), store.range(&req));
        prop_assert_eq!(store.range(&req).map(|r| r.kvs), Ok(model.range(&[0], &[0], at)));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn store_matches_the_naive_model(ops in proptest::collection::vec(op(), 1..60)) {
        run(&ops)?;
    }
}
