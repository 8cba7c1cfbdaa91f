//! Checkpoints for scrubbing back in time: a [`Sim`] is `Clone`, so a
//! checkpoint is a clone taken every `every_ms` of virtual time. Going back
//! to time `t` restores the newest checkpoint at or before `t`; going
//! forward again replays the inputs recorded after it, so the run that
//! unfolds is the same, byte for byte.
//!
//! ```text
//!   checkpoints:  [0 ms] [1000 ms] [2000 ms] ...      inputs: stop@1500 put@1700
//!   rewind(1800) -> clone of [1000 ms], then replay stop@1500, put@1700, run to 1800
//! ```

use std::collections::VecDeque;

use crate::sim::{Input, InputRecord, Sim};

/// Clones of a simulation at regular virtual times.
#[derive(Clone, Default)]
pub struct Checkpoints {
    every_ms: u64,
    capacity: usize,
    saved: VecDeque<Sim>,
}

impl Checkpoints {
    /// Keeps a clone every `every_ms` of virtual time, at most `capacity`
    /// of them (the oldest go first).
    pub fn new(every_ms: u64, capacity: usize) -> Self {
        Checkpoints { every_ms: every_ms.max(1), capacity: capacity.max(1), saved: VecDeque::new() }
    }

    /// Saves a clone of `sim` if `every_ms` passed since the last one.
    /// Returns true if it did.
    pub fn observe(&mut self, sim: &Sim) -> bool {
        let due = self.saved.back().is_none_or(|last| sim.now_ms() >= last.now_ms() + self.every_ms);
        if due {
            if self.saved.len() == self.capacity {
                self.saved.pop_front();
            }
            self.saved.push_back(sim.clone());
        }
        due
    }

    /// Times of the saved checkpoints (ms).
    pub fn times(&self) -> Vec<u64> {
        self.saved.iter().map(Sim::now_ms).collect()
    }

    /// The state at `t_ms` of the run whose inputs are `inputs` (the current
    /// simulation's [`Sim::inputs`]): the newest checkpoint at or before
    /// `t_ms`, replayed forward to the last event at or before `t_ms`: the
    /// state as it was when the clock reached `t_ms`, before any input made
    /// at `t_ms` itself.
    pub fn rewind(&self, t_ms: u64, inputs: &[InputRecord]) -> Option<Sim> {
        let base = self.saved.iter().rev().find(|s| s.now_ms() <= t_ms)?;
        let mut sim = base.clone();
        let done = sim.inputs().len();
        let rest: Vec<InputRecord> = inputs.get(done..).unwrap_or_default().to_vec();
        sim.replay_inputs(&rest, Some(t_ms));
        Some(sim)
    }

    /// Drops every checkpoint after `t_ms` (after a rewind, the future is
    /// rewritten).
    pub fn truncate_after(&mut self, t_ms: u64) {
        while self.saved.back().is_some_and(|s| s.now_ms() > t_ms) {
            self.saved.pop_back();
        }
    }
}

impl Sim {
    /// Applies recorded `inputs` (taken from a later copy of this same run)
    /// at the steps where they came, then runs on to `until_ms` if given
    /// (inputs made at `until_ms` or later are left out). Before each
    /// input the clock moves on to the time it was recorded at, if the
    /// recorded run had idled there.
    pub fn replay_inputs(&mut self, inputs: &[InputRecord], until_ms: Option<u64>) {
        for rec in inputs {
            if until_ms.is_some_and(|t| rec.at_ms >= t) {
                break;
            }
            while self.steps() < rec.step {
                if self.step().is_none() {
                    break;
                }
            }
            // The recorded run may have idled on to a deadline before it
            // (`run_until`): time moves on the same way here.
            self.idle_until(rec.at_ms);
            match &rec.input {
                Input::Fault(f) => {
                    // A fault that failed when recorded fails again.
                    let _ = self.apply(f.clone());
                }
                Input::Submit { endpoint, request, options } => {
                    self.submit(*endpoint, request.clone(), options.clone());
                }
                Input::Cancel { request } => self.cancel(*request),
            }
        }
        if let Some(t) = until_ms {
            self.run_until(t, |_| false);
        }
    }
}
