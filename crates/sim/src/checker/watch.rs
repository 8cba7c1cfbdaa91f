//! Watch guarantees, checked against the reference history of changes
//! (every event of the key space, in revision order, as some member's
//! store replays it):
//!
//! - **ordered**: a watch's events come in increasing revision order;
//! - **unique**: no event comes twice (across resumptions too);
//! - **atomic**: the events of one revision come in one response;
//! - **resumable**: a watch resumed from revision `r` (after its member
//!   failed) continues exactly where it stopped;
//! - **nothing lost**: between its start revision and the last revision it
//!   reported, a watch saw every change of its range that the reference
//!   holds (a compacted start cancels the watch instead, with
//!   `compact_revision` set: only if the revision it needed next is below
//!   it, and what it delivered before is checked all the same).
//!
//! ```text
//!   reference:  r5 put a   r6 put b   r7 del a, put c (one txn)
//!   watch a..d from 5:  [r5 a] [r6 b] [r7 a, r7 c]       ok
//!                       [r5 a] [r7 a] [r7 c]             lost r6, split r7
//! ```

use mvcc::{Event, WatchResponse};

use crate::checker::history::in_range;

/// One change in the reference history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefEvent {
    /// Its revision.
    pub revision: i64,
    /// The event.
    pub event: Event,
}

/// One logical watch: a range, a start revision and everything its
/// streams delivered, across resumptions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WatchRecord {
    /// The key, or the start of the range.
    pub key: Vec<u8>,
    /// As in etcd.
    pub range_end: Vec<u8>,
    /// The first revision asked for.
    pub start_revision: i64,
    /// Responses received, in order.
    pub responses: Vec<WatchResponse>,
}

impl WatchRecord {
    /// The revision to resume from: one past the last event received, or
    /// the start revision.
    pub fn resume_revision(&self) -> i64 {
        self.responses
            .iter()
            .flat_map(|r| r.events.iter())
            .map(|e| e.kv.mod_revision + 1)
            .max()
            .unwrap_or(self.start_revision)
    }
}

/// Checks `watch` against `reference`, which must hold every change with a
/// revision above `reference_from` (older history was compacted away).
pub fn check_watch(watch: &WatchRecord, reference: &[RefEvent], reference_from: i64) -> Result<(), String> {
    let mut last_rev = 0i64;
    let mut seen: Vec<(i64, Vec<u8>)> = Vec::new();
    let mut delivered: Vec<&Event> = Vec::new();
    for resp in &watch.responses {
        if resp.canceled && resp.compact_revision > 0 {
            // Cancelled because the revision it (re)started from was
            // compacted: etcd does that only if that revision is below the
            // compacted one. What came before is checked as any prefix.
            let from = if last_rev > 0 { last_rev + 1 } else { watch.start_revision };
            if from >= resp.compact_revision {
                return Err(format!(
                    "watch {:?}: cancelled as compacted at {} though it needed revision {from}",
                    watch.key, resp.compact_revision
                ));
            }
            break;
        }
        let mut revs_in_resp: Vec<i64> = resp.events.iter().map(|e| e.kv.mod_revision).collect();
        revs_in_resp.dedup();
        for ev in &resp.events {
            let rev = ev.kv.mod_revision;
            if rev < last_rev {
                return Err(format!(
                    "watch {:?}: event at revision {rev} after revision {last_rev}",
                    watch.key
                ));
            }
            if seen.contains(&(rev, ev.kv.key.clone())) {
                return Err(format!("watch {:?}: event {rev} {:?} delivered twice", watch.key, ev.kv.key));
            }
            if rev < watch.start_revision || !in_range(&ev.kv.key, &watch.key, &watch.range_end) {
                return Err(format!("watch {:?}: event {rev} {:?} outside the watch", watch.key, ev.kv.key));
            }
            seen.push((rev, ev.kv.key.clone()));
            delivered.push(ev);
            last_rev = rev;
        }
        // Atomic: a revision that appears in this response must be whole.
        for rev in revs_in_resp {
            let want = reference
                .iter()
                .filter(|r| r.revision == rev && in_range(&r.event.kv.key, &watch.key, &watch.range_end))
                .count();
            let got = resp.events.iter().filter(|e| e.kv.mod_revision == rev).count();
            if rev > reference_from && want != got {
                return Err(format!(
                    "watch {:?}: revision {rev} split: {got} of {want} events in one response",
                    watch.key
                ));
            }
        }
    }
    // Nothing lost: the reference's events in range between the start and
    // the last delivered revision, all delivered, equal.
    let from = watch.start_revision.max(reference_from + 1);
    let expected: Vec<&Event> = reference
        .iter()
        .filter(|r| r.revision >= from && r.revision <= last_rev)
        .filter(|r| in_range(&r.event.kv.key, &watch.key, &watch.range_end))
        .map(|r| &r.event)
        .collect();
    let got: Vec<&Event> = delivered.into_iter().filter(|e| e.kv.mod_revision >= from).collect();
    if got.len() != expected.len() {
        return Err(format!(
            "watch {:?} from {}: {} events delivered up to revision {last_rev}, the history has {}",
            watch.key,
            watch.start_revision,
            got.len(),
            expected.len()
        ));
    }
    for (g, e) in got.iter().zip(&expected) {
        if g.kind != e.kind
            || g.kv.key != e.kv.key
            || g.kv.mod_revision != e.kv.mod_revision
            || g.kv.value != e.kv.value
        {
            return Err(format!("watch {:?}: delivered {g:?} where the history has {e:?}", watch.key));
        }
    }
    Ok(())
}

/// The reference history of a store: every change above its compacted
/// revision, replayed by a watcher on a clone (the store is not touched).
/// Returns the events and the revision they start after.
pub fn reference_history(store: &mvcc::Store) -> (Vec<RefEvent>, i64) {
    let mut s = store.clone();
    let from = s.compacted_revision();
    let stream = s.watch_stream_open();
    let req = mvcc::WatchCreateRequest {
        key: vec![0],
        range_end: vec![0],
        start_revision: from + 1,
        ..Default::default()
    };
    let mut out = Vec::new();
    if s.watch(stream, &req).is_ok() {
        for resp in s.watch_drain(stream).unwrap_or_default() {
            for ev in resp.events {
                out.push(RefEvent { revision: ev.kv.mod_revision, event: ev });
            }
        }
    }
    (out, from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mvcc::{DeleteRangeRequest, PutRequest, RequestOp, Store, TxnRequest};

    fn store() -> Store {
        let mut s = Store::default();
        s.put(&PutRequest { key: b"a".to_vec(), value: b"1".to_vec(), ..Default::default() }).unwrap();
        s.put(&PutRequest { key: b"b".to_vec(), value: b"2".to_vec(), ..Default::default() }).unwrap();
        s.txn(&TxnRequest {
            compare: vec![],
            success: vec![
                RequestOp::DeleteRange(DeleteRangeRequest { key: b"a".to_vec(), ..Default::default() }),
                RequestOp::Put(PutRequest { key: b"c".to_vec(), value: b"3".to_vec(), ..Default::default() }),
            ],
            failure: vec![],
        })
        .unwrap();
        s
    }

    fn resp(events: &[&RefEvent]) -> WatchResponse {
        WatchResponse { events: events.iter().map(|r| r.event.clone()).collect(), ..Default::default() }
    }

    #[test]
    fn a_complete_watch_passes_and_a_lossy_one_fails() {
        let (reference, from) = reference_history(&store());
        assert_eq!(reference.len(), 4);
        let w = WatchRecord {
            key: b"a".to_vec(),
            range_end: b"d".to_vec(),
            start_revision: 2,
            responses: vec![
                resp(&[&reference[0]]),
                resp(&[&reference[1]]),
                resp(&[&reference[2], &reference[3]]),
            ],
        };
        assert_eq!(check_watch(&w, &reference, from), Ok(()));
        let mut lost = w.clone();
        lost.responses.remove(1);
        assert!(check_watch(&lost, &reference, from).is_err());
        let mut split = w.clone();
        split.responses[2] = resp(&[&reference[2]]);
        split.responses.push(resp(&[&reference[3]]));
        assert!(check_watch(&split, &reference, from).unwrap_err().contains("split"));
        let mut dup = w.clone();
        dup.responses.push(resp(&[&reference[3]]));
        assert!(check_watch(&dup, &reference, from).is_err());
        assert_eq!(w.resume_revision(), 5);
    }

    #[test]
    fn a_compaction_cancel_must_be_due_and_what_came_before_is_checked() {
        let (reference, from) = reference_history(&store());
        let cancel = |at: i64| WatchResponse { canceled: true, compact_revision: at, ..Default::default() };
        let w = |responses| WatchRecord {
            key: b"a".to_vec(),
            range_end: b"d".to_vec(),
            start_revision: 2,
            responses,
        };
        // Resumed from 4 on a member compacted at 5: due.
        let ok = w(vec![resp(&[&reference[0]]), resp(&[&reference[1]]), cancel(5)]);
        assert_eq!(check_watch(&ok, &reference, from), Ok(()));
        // Resumed from 4, cancelled as compacted at 4: not due.
        let early = w(vec![resp(&[&reference[0]]), resp(&[&reference[1]]), cancel(4)]);
        assert!(check_watch(&early, &reference, from).unwrap_err().contains("cancelled as compacted"));
        // A loss before the cancel is still a loss.
        let lost = w(vec![resp(&[&reference[1]]), cancel(5)]);
        assert!(check_watch(&lost, &reference, from).unwrap_err().contains("the history has"));
    }

    #[test]
    fn a_resumed_watch_must_continue_where_it_stopped() {
        let (reference, from) = reference_history(&store());
        // Watch only b: one event at revision 3.
        let w = WatchRecord {
            key: b"b".to_vec(),
            range_end: vec![],
            start_revision: 1,
            responses: vec![resp(&[&reference[1]]), resp(&[&reference[1]])],
        };
        assert!(check_watch(&w, &reference, from).unwrap_err().contains("twice"));
    }
}
