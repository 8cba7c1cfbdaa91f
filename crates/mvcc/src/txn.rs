//! Transactions: etcd's request checks, compares, branch selection, nested
//! transactions, and execution as one write transaction (one revision).
//!
//! The order is etcd's: the request checks of its gRPC layer
//! (`checkTxnRequest`, then `checkIntervals` on each branch), then every
//! compare, nested ones included, against the store as it is (etcd's
//! `compareToPath`), then the checks of the chosen branches (leases exist,
//! `ignore_*` keys exist, read revisions are valid), and only then the
//! operations, which see the changes of the operations before them.

use std::collections::BTreeSet;

use crate::error::{Error, Result};
use crate::index::KeyRange;
use crate::kv::{
    Compare, CompareResult, CompareTarget, KeyValue, RangeResponse, RequestOp, ResponseHeader, ResponseOp,
    TxnRequest, TxnResponse,
};
use crate::store::{Store, WriteTxn, check_put};

/// A delete's interval for the duplicate-key check: `[start, end)`, or the
/// single key `start` when `end` is `None`.
type Interval = (Vec<u8>, Option<Vec<u8>>);

impl Store {
    /// Runs a transaction (etcd's `Txn`). On any error nothing changes.
    pub fn txn(&mut self, req: &TxnRequest) -> Result<TxnResponse> {
        check_txn_request(req, self.config.max_txn_ops)?;
        check_intervals(&req.success)?;
        check_intervals(&req.failure)?;
        let view = self.current_rev;
        let mut path = Vec::new();
        self.compare_to_path(req, view, &mut path);
        self.check_branches(req, &path, &mut 0, view)?;
        let mut wt = self.begin_write();
        let mut resp = self.execute(&mut wt, req, &path, &mut 0);
        resp.header = ResponseHeader::at(self.end_write(wt));
        Ok(resp)
    }

    /// Evaluates the compares of `req` and, depth first, of the nested
    /// transactions in the branch it takes.
    fn compare_to_path(&self, req: &TxnRequest, rev: i64, path: &mut Vec<bool>) {
        let ok = req.compare.iter().all(|c| self.apply_compare(c, rev));
        path.push(ok);
        for op in if ok { &req.success } else { &req.failure } {
            if let RequestOp::Txn(t) = op {
                self.compare_to_path(t, rev, path);
            }
        }
    }

    /// etcd's `applyCompare`: every key in the range must satisfy it; on no
    /// key, a value compare is false and the others compare against zero.
    fn apply_compare(&self, c: &Compare, rev: i64) -> bool {
        let (kvs, _) = self.index.range_kvs(KeyRange::new(&c.key, &c.range_end), rev, 0);
        if kvs.is_empty() {
            return !matches!(c.target, CompareTarget::Value(_)) && compare_kv(c, &KeyValue::default());
        }
        kvs.iter().all(|kv| compare_kv(c, kv))
    }

    fn check_branches(&self, req: &TxnRequest, path: &[bool], pos: &mut usize, rev: i64) -> Result<()> {
        let ok = path.get(*pos).copied().unwrap_or(false);
        *pos += 1;
        for op in if ok { &req.success } else { &req.failure } {
            match op {
                RequestOp::Range(r) => {
                    if r.revision > rev {
                        return Err(Error::FutureRev);
                    }
                    if r.revision != 0 && r.revision < self.compact_main_rev {
                        return Err(Error::Compacted);
                    }
                }
                RequestOp::Put(p) => {
                    self.check_put_at(p, rev)?;
                }
                RequestOp::DeleteRange(_) => {}
                RequestOp::Txn(t) => self.check_branches(t, path, pos, rev)?,
            }
        }
        Ok(())
    }

    fn execute(
        &mut self,
        wt: &mut WriteTxn,
        req: &TxnRequest,
        path: &[bool],
        pos: &mut usize,
    ) -> TxnResponse {
        let ok = path.get(*pos).copied().unwrap_or(false);
        *pos += 1;
        let ops = if ok { &req.success } else { &req.failure };
        let mut responses = Vec::with_capacity(ops.len());
        for op in ops {
            let resp = match op {
                RequestOp::Range(r) => {
                    let rev = wt.read_rev();
                    ResponseOp::Range(self.range_at(r, rev).unwrap_or_else(|_| RangeResponse {
                        header: ResponseHeader::at(rev),
                        ..RangeResponse::default()
                    }))
                }
                RequestOp::Put(p) => {
                    let prev = if p.prev_kv || p.ignore_value || p.ignore_lease {
                        self.index.get(&p.key, wt.read_rev())
                    } else {
                        None
                    };
                    ResponseOp::Put(self.apply_put(wt, p, prev))
                }
                RequestOp::DeleteRange(d) => ResponseOp::DeleteRange(self.apply_delete(wt, d)),
                // As in etcd, a nested response's header is left empty.
                RequestOp::Txn(t) => ResponseOp::Txn(self.execute(wt, t, path, pos)),
            };
            responses.push(resp);
        }
        TxnResponse { header: ResponseHeader::default(), succeeded: ok, responses }
    }
}

fn compare_kv(c: &Compare, kv: &KeyValue) -> bool {
    let ord = match &c.target {
        CompareTarget::Value(v) => kv.value.as_slice().cmp(v.as_slice()),
        CompareTarget::Version(v) => kv.version.cmp(v),
        CompareTarget::Create(v) => kv.create_revision.cmp(v),
        CompareTarget::Mod(v) => kv.mod_revision.cmp(v),
        CompareTarget::Lease(v) => kv.lease.cmp(v),
    };
    match c.result {
        CompareResult::Equal => ord.is_eq(),
        CompareResult::NotEqual => ord.is_ne(),
        CompareResult::Greater => ord.is_gt(),
        CompareResult::Less => ord.is_lt(),
    }
}

/// etcd's `checkTxnRequest`: no list longer than `max_ops`, keys present;
/// nested transactions get what is left of the budget.
fn check_txn_request(req: &TxnRequest, max_ops: usize) -> Result<()> {
    let opc = req.compare.len().max(req.success.len()).max(req.failure.len());
    if opc > max_ops {
        return Err(Error::TooManyOps);
    }
    if req.compare.iter().any(|c| c.key.is_empty()) {
        return Err(Error::EmptyKey);
    }
    for op in req.success.iter().chain(&req.failure) {
        match op {
            RequestOp::Range(r) if r.key.is_empty() => return Err(Error::EmptyKey),
            RequestOp::Range(_) => {}
            RequestOp::Put(p) => check_put(p)?,
            RequestOp::DeleteRange(d) if d.key.is_empty() => return Err(Error::EmptyKey),
            RequestOp::DeleteRange(_) => {}
            RequestOp::Txn(t) => check_txn_request(t, max_ops - opc)?,
        }
    }
    Ok(())
}

fn hits(dels: &[Interval], k: &[u8]) -> bool {
    dels.iter().any(|(start, end)| match end {
        None => start.as_slice() == k,
        Some(end) => start.as_slice() <= k && k < end.as_slice(),
    })
}

/// etcd's `checkIntervals`: within a branch (nested branches included), no
/// key is put twice and no put falls inside a delete. The two branches of a
/// nested transaction may put the same key, as only one of them runs. As
/// in etcd, a from-key delete (`range_end` "\0") is an empty interval.
fn check_intervals(reqs: &[RequestOp]) -> Result<(BTreeSet<Vec<u8>>, Vec<Interval>)> {
    let mut dels: Vec<Interval> = reqs
        .iter()
        .filter_map(|op| match op {
            RequestOp::DeleteRange(d) if d.range_end.is_empty() => Some((d.key.clone(), None)),
            RequestOp::DeleteRange(d) => Some((d.key.clone(), Some(d.range_end.clone()))),
            _ => None,
        })
        .collect();
    let mut puts = BTreeSet::new();
    for op in reqs {
        let RequestOp::Txn(t) = op else { continue };
        let (puts_then, dels_then) = check_intervals(&t.success)?;
        let (puts_else, dels_else) = check_intervals(&t.failure)?;
        for k in &puts_then {
            if puts.contains(k) || hits(&dels, k) {
                return Err(Error::DuplicateKey);
            }
            puts.insert(k.clone());
        }
        for k in &puts_else {
            if (puts.contains(k) && !puts_then.contains(k)) || hits(&dels, k) {
                return Err(Error::DuplicateKey);
            }
            puts.insert(k.clone());
        }
        dels.extend(dels_then);
        dels.extend(dels_else);
    }
    for op in reqs {
        let RequestOp::Put(p) = op else { continue };
        if puts.contains(&p.key) || hits(&dels, &p.key) {
            return Err(Error::DuplicateKey);
        }
        puts.insert(p.key.clone());
    }
    Ok((puts, dels))
}
