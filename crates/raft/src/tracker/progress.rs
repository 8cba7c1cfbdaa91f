//! The leader's view of one follower: how far its log matches (`matched`),
//! what to send next (`next_idx`), and the flow-control state.
//!
//! ```text
//! Probe:     one MsgApp per heartbeat interval until the follower accepts;
//!            then Replicate.
//! Replicate: stream MsgApps optimistically (next = last sent + 1), bounded
//!            by the inflight window; a reject drops back to Probe.
//! Snapshot:  the follower needs compacted entries; wait for the snapshot to
//!            be applied (MsgAppResp or ReportSnapshot), then Probe.
//! ```

use serde::{Deserialize, Serialize};

use super::inflights::Inflights;

/// Flow-control state of a follower.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ProgressState {
    /// Probing for the matching index, one message at a time.
    #[default]
    Probe,
    /// Streaming appends.
    Replicate,
    /// Waiting for a snapshot to be applied.
    Snapshot,
}

impl std::fmt::Display for ProgressState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ProgressState::Probe => "StateProbe",
            ProgressState::Replicate => "StateReplicate",
            ProgressState::Snapshot => "StateSnapshot",
        })
    }
}

/// One follower's replication progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// Highest index known to match the leader's log.
    pub matched: u64,
    /// Next index to send.
    pub next_idx: u64,
    /// Flow-control state.
    pub state: ProgressState,
    /// Snapshot state: index of the snapshot being sent.
    pub pending_snapshot: u64,
    /// Heard from since the last CheckQuorum.
    pub recent_active: bool,
    /// Probe state: a message was sent and replication is paused until a
    /// response or heartbeat response.
    pub probe_sent: bool,
    /// In-flight appends (Replicate state).
    pub inflights: Inflights,
    /// Non-voting member.
    pub is_learner: bool,
}

impl Progress {
    /// A fresh progress probing from `next_idx`.
    pub fn new(next_idx: u64, max_inflight: usize) -> Self {
        Progress {
            matched: 0,
            next_idx,
            state: ProgressState::Probe,
            pending_snapshot: 0,
            recent_active: false,
            probe_sent: false,
            inflights: Inflights::new(max_inflight),
            is_learner: false,
        }
    }

    fn reset_state(&mut self, state: ProgressState) {
        self.probe_sent = false;
        self.pending_snapshot = 0;
        self.state = state;
        self.inflights.reset();
    }

    /// Back to probing, from the match (or after a pending snapshot).
    pub fn become_probe(&mut self) {
        if self.state == ProgressState::Snapshot {
            let pending = self.pending_snapshot;
            self.reset_state(ProgressState::Probe);
            self.next_idx = (self.matched + 1).max(pending + 1);
        } else {
            self.reset_state(ProgressState::Probe);
            self.next_idx = self.matched + 1;
        }
    }

    /// Start streaming after the match.
    pub fn become_replicate(&mut self) {
        self.reset_state(ProgressState::Replicate);
        self.next_idx = self.matched + 1;
    }

    /// Wait for the snapshot at `snapshot_index`.
    pub fn become_snapshot(&mut self, snapshot_index: u64) {
        self.reset_state(ProgressState::Snapshot);
        self.pending_snapshot = snapshot_index;
    }

    /// An ack for `n` arrived: raise the match. Returns false for a stale ack.
    pub fn maybe_update(&mut self, n: u64) -> bool {
        let mut updated = false;
        if self.matched < n {
            self.matched = n;
            updated = true;
            self.probe_sent = false;
        }
        self.next_idx = self.next_idx.max(n.saturating_add(1));
        updated
    }

    /// Replicate state: entries up to `n` were sent.
    pub fn optimistic_update(&mut self, n: u64) {
        self.next_idx = n + 1;
    }

    /// A rejection of the append at `rejected`; `match_hint` is where the
    /// follower (or the leader's term scan) suggests to probe. Returns false
    /// when the rejection is stale.
    pub fn maybe_decr_to(&mut self, rejected: u64, match_hint: u64) -> bool {
        if self.state == ProgressState::Replicate {
            if rejected <= self.matched {
                return false;
            }
            self.next_idx = self.matched + 1;
            return true;
        }
        if self.next_idx == 0 || self.next_idx - 1 != rejected {
            return false;
        }
        self.next_idx = rejected.min(match_hint.saturating_add(1)).max(self.matched + 1);
        self.probe_sent = false;
        true
    }

    /// Whether sending to this follower is currently throttled.
    pub fn is_paused(&self) -> bool {
        match self.state {
            ProgressState::Probe => self.probe_sent,
            ProgressState::Replicate => self.inflights.full(),
            ProgressState::Snapshot => true,
        }
    }
}

impl std::fmt::Display for Progress {
    /// etcd's form: `StateReplicate match=11 next=12 inflight=1`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} match={} next={}", self.state, self.matched, self.next_idx)?;
        if self.is_learner {
            f.write_str(" learner")?;
        }
        if self.is_paused() {
            f.write_str(" paused")?;
        }
        if self.pending_snapshot > 0 {
            write!(f, " pendingSnap={}", self.pending_snapshot)?;
        }
        if !self.recent_active {
            f.write_str(" inactive")?;
        }
        let n = self.inflights.count();
        if n > 0 {
            write!(f, " inflight={n}")?;
            if self.inflights.full() {
                f.write_str("[full]")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_decrements_to_hint() {
        let mut p = Progress::new(10, 4);
        p.matched = 3;
        assert!(!p.maybe_decr_to(5, 4), "stale: not the probed index");
        assert!(p.maybe_decr_to(9, 6));
        assert_eq!(p.next_idx, 7);
        assert!(p.maybe_decr_to(6, 0));
        assert_eq!(p.next_idx, 4, "never below match+1");
    }

    #[test]
    fn replicate_reject_resets_to_match() {
        let mut p = Progress::new(5, 4);
        p.matched = 4;
        p.become_replicate();
        p.optimistic_update(9);
        assert!(!p.maybe_decr_to(4, 0), "stale");
        assert!(p.maybe_decr_to(7, 0));
        assert_eq!(p.next_idx, 5);
    }

    #[test]
    fn pause_rules() {
        let mut p = Progress::new(5, 1);
        assert!(!p.is_paused());
        p.probe_sent = true;
        assert!(p.is_paused());
        assert!(p.maybe_update(5));
        assert!(!p.is_paused());
        p.become_replicate();
        p.inflights.add(6);
        assert!(p.is_paused());
        p.become_snapshot(20);
        assert!(p.is_paused());
        p.become_probe();
        assert_eq!(p.next_idx, 21);
    }
}
