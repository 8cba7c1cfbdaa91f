//! Per-node raft configuration, with etcd 3.5 server defaults (PreVote and
//! CheckQuorum on) and validation.

use crate::error::{Error, Result};
use crate::read_only::ReadOnlyOption;

/// Parameters of one raft node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// This node's id (non-zero).
    pub id: u64,
    /// Ticks without hearing from a leader before campaigning; the actual
    /// timeout is drawn from `[election_tick, 2 * election_tick)`.
    pub election_tick: u64,
    /// Ticks between leader heartbeats.
    pub heartbeat_tick: u64,
    /// The last applied index when restarting (0 for a fresh node).
    pub applied: u64,
    /// Byte limit of the entries in one MsgApp (at least one entry is sent).
    pub max_size_per_msg: u64,
    /// Byte limit of committed entries returned in one Ready.
    pub max_committed_size_per_ready: u64,
    /// Byte limit of uncommitted entries on the leader; proposals over it
    /// are dropped. 0 means no limit.
    pub max_uncommitted_entries_size: u64,
    /// In-flight MsgApp window per follower.
    pub max_inflight_msgs: usize,
    /// The leader steps down when a quorum was not active in an election
    /// timeout; nodes reject votes while they have a live leader.
    pub check_quorum: bool,
    /// Run a pre-election before bumping the term (paper §9.6).
    pub pre_vote: bool,
    /// How ReadIndex is confirmed.
    pub read_only_option: ReadOnlyOption,
    /// Followers drop proposals instead of forwarding them to the leader.
    pub disable_proposal_forwarding: bool,
    /// A leader removed from the configuration steps down.
    pub step_down_on_removal: bool,
    /// Seed of this node's election-timeout generator (mixed with `id`).
    pub seed: u64,
    /// Event log level from creation on (`None`: off; see `RawNode::take_logs`).
    pub log_level: Option<crate::logger::Level>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            id: 0,
            election_tick: 10,
            heartbeat_tick: 1,
            applied: 0,
            max_size_per_msg: 1024 * 1024,
            max_committed_size_per_ready: u64::MAX,
            max_uncommitted_entries_size: 1 << 30,
            max_inflight_msgs: 256,
            check_quorum: true,
            pre_vote: true,
            read_only_option: ReadOnlyOption::Safe,
            disable_proposal_forwarding: false,
            step_down_on_removal: false,
            seed: 0,
            log_level: None,
        }
    }
}

impl Config {
    /// Default configuration for node `id`.
    pub fn new(id: u64) -> Self {
        Config { id, ..Default::default() }
    }

    /// Checks the parameters, in etcd-raft's words.
    pub fn validate(&self) -> Result<()> {
        let bad = |s: &str| Err(Error::ConfigInvalid(s.to_string()));
        if self.id == 0 {
            return bad("cannot use none as id");
        }
        if self.heartbeat_tick == 0 {
            return bad("heartbeat tick must be greater than 0");
        }
        if self.election_tick <= self.heartbeat_tick {
            return bad("election tick must be greater than heartbeat tick");
        }
        if self.max_inflight_msgs == 0 {
            return bad("max inflight messages must be greater than 0");
        }
        if self.read_only_option == ReadOnlyOption::LeaseBased && !self.check_quorum {
            return bad("CheckQuorum must be enabled when ReadOnlyOption is ReadOnlyLeaseBased");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation() {
        assert!(Config::new(1).validate().is_ok());
        assert!(Config::default().validate().is_err());
        assert!(Config { heartbeat_tick: 0, ..Config::new(1) }.validate().is_err());
        assert!(Config { election_tick: 1, ..Config::new(1) }.validate().is_err());
        assert!(Config { max_inflight_msgs: 0, ..Config::new(1) }.validate().is_err());
        let lease =
            Config { read_only_option: ReadOnlyOption::LeaseBased, check_quorum: false, ..Config::new(1) };
        assert!(lease.validate().is_err());
    }
}
