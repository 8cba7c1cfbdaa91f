//! The apiserver's etcd client: every request goes through the simulated
//! cluster's client path (an endpoint, a deadline in virtual time), so a
//! cluster without quorum makes the object layer time out exactly as a
//! real apiserver does.
//!
//! ```text
//!   call(sim, txn) ── submit to the leader (or any running member)
//!                  ── sim runs until the reply or the 5 s deadline
//!                  ── Err(Timeout) "request did not complete within requested timeout"
//! ```

use server::{Request, Response};
use sim::{CallOptions, ClientError, Sim};

use crate::error::{ApiError, Result};

/// The member requests enter through: the leader when there is one, else
/// the first running member, else the first member (the call then fails
/// after the dial timeout).
pub fn endpoint(sim: &Sim) -> u64 {
    if let Some(l) = sim.leader() {
        return l;
    }
    sim.running().first().copied().or_else(|| sim.member_ids().first().copied()).unwrap_or(0)
}

/// Sends `request` and lets virtual time run until it resolves.
pub fn call(sim: &mut Sim, request: Request) -> Result<Response> {
    let ep = endpoint(sim);
    let id = sim.submit(ep, request, CallOptions::default());
    let result = sim.wait(id).unwrap_or(Err(ClientError::DeadlineExceeded));
    result.map_err(to_api)
}

/// Sends `request` without waiting; the result comes through [`poll`].
pub fn submit(sim: &mut Sim, request: Request) -> u64 {
    let ep = endpoint(sim);
    sim.submit(ep, request, CallOptions::default())
}

/// The result of a request sent with [`submit`], once it has one.
pub fn poll(sim: &Sim, id: u64) -> Option<Result<Response>> {
    sim.result(id).map(|r| r.clone().map_err(to_api))
}

/// etcd's error as the apiserver reports it.
pub fn to_api(e: ClientError) -> ApiError {
    match e {
        ClientError::DeadlineExceeded | ClientError::Canceled => ApiError::timeout(),
        other => ApiError::internal(other),
    }
}
