//! The state one transcript runs against: the simulated cluster, the names
//! scripts use for members and leases, and the cursors that let `events`
//! and `messages` print only what happened since they last ran.
//!
//! Members are named as the page names them (`etcd-1`, ...); two
//! pseudonames resolve at the time of the command, and the output says
//! whom they meant:
//!
//! ```text
//!   leader     the running member leading the highest term
//!   follower   the first running member (by name) that is neither the
//!              leader nor removed
//! ```

use std::collections::BTreeMap;

use sim::{Sim, SimOptions};

use datadriven::TestCase;

/// One transcript's world.
pub struct Env {
    /// The cluster, once `new` ran.
    sim: Option<Sim>,
    /// Members announced by `member-add` and not yet started: name -> (id,
    /// peer URLs).
    pub pending: BTreeMap<String, (u64, Vec<String>)>,
    /// Names of added members, by id (a member added but never started has
    /// no node in the simulator yet).
    pub added: BTreeMap<u64, String>,
    /// Lease aliases (`L1`, ...) -> lease ids.
    pub leases: BTreeMap<String, i64>,
    /// Stream aliases (`W1`, `K1`, ...) -> request ids.
    pub streams: BTreeMap<String, u64>,
    /// The first event `events` has not printed yet.
    pub events_from: u64,
    /// The first message record id `messages` has not printed yet.
    pub messages_from: u64,
}

impl Env {
    /// An empty world: the script starts with `new`.
    pub fn new() -> Env {
        Env {
            sim: None,
            pending: BTreeMap::new(),
            added: BTreeMap::new(),
            leases: BTreeMap::new(),
            streams: BTreeMap::new(),
            events_from: 0,
            messages_from: 0,
        }
    }

    /// Replaces the cluster with a fresh one.
    pub fn reset(&mut self, seed: u64, options: SimOptions) {
        *self = Env::new();
        self.sim = Some(Sim::new(seed, options));
    }

    /// The cluster (a script that forgot `new` is a broken script).
    pub fn sim(&mut self) -> &mut Sim {
        self.sim.as_mut().expect("the script must start with `new`")
    }

    /// The cluster, to read.
    pub fn sim_ref(&self) -> &Sim {
        self.sim.as_ref().expect("the script must start with `new`")
    }

    /// Every member's id, ordered by name (`etcd-1`, `etcd-2`, ...).
    pub fn ids_by_number(&self) -> Vec<u64> {
        let sim = self.sim_ref();
        let mut ids = sim.member_ids();
        ids.sort_by_key(|&id| sim.node(id).map(|n| n.number));
        ids
    }

    /// The name of member `id` (`etcd-N`), or its hex id if unknown.
    pub fn name(&self, id: u64) -> String {
        if id == 0 {
            return "none".to_string();
        }
        if let Some(n) = self.sim.as_ref().and_then(|s| s.node(id)) {
            return n.config.name.clone();
        }
        self.added.get(&id).cloned().unwrap_or_else(|| format!("{id:x}"))
    }

    /// Member `word` (`etcd-N`, `leader`, `follower`) as an id; `Err` says
    /// why not (printed as the command's output).
    pub fn resolve(&self, word: &str) -> Result<u64, String> {
        let sim = self.sim_ref();
        match word {
            "leader" => sim.leader().ok_or_else(|| "no leader".to_string()),
            "follower" => {
                let leader = sim.leader();
                let removed = |id: u64| sim.member(id).is_some_and(|m| m.status().removed);
                sim.running()
                    .into_iter()
                    .filter(|&id| Some(id) != leader && !removed(id))
                    .min_by_key(|&id| sim.node(id).map(|n| n.number))
                    .ok_or_else(|| "no follower".to_string())
            }
            name => sim
                .member_ids()
                .into_iter()
                .find(|&id| self.name(id) == name)
                .or_else(|| self.pending.get(name).map(|(id, _)| *id))
                .ok_or_else(|| format!("unknown member {name}")),
        }
    }

    /// Members named in `words` (comma or space separated).
    pub fn resolve_all(&self, words: &[&str]) -> Result<Vec<u64>, String> {
        words.iter().flat_map(|w| w.split(',')).filter(|w| !w.is_empty()).map(|w| self.resolve(w)).collect()
    }

    /// `text` with every member's hex id (as the simulator's errors print
    /// them) replaced by its name.
    pub fn with_names(&self, text: &str) -> String {
        let mut out = text.to_string();
        for id in self.sim_ref().member_ids() {
            out = out.replace(&format!("{id:x}"), &self.name(id));
        }
        out
    }

    /// `name` if the script wrote it literally, else `name (etcd-N)`, so a
    /// pseudoname's meaning shows in the transcript.
    pub fn said(&self, word: &str, id: u64) -> String {
        let name = self.name(id);
        if word == name { name } else { format!("{word} ({name})") }
    }
}

/// A duration argument: `2000ms`, `2s` or a bare number of ms.
pub fn parse_ms(tc: &TestCase, s: &str) -> u64 {
    let parsed = if let Some(ms) = s.strip_suffix("ms") {
        ms.parse().ok()
    } else if let Some(secs) = s.strip_suffix('s') {
        secs.parse::<u64>().ok().map(|v| v * 1000)
    } else {
        s.parse().ok()
    };
    parsed.unwrap_or_else(|| panic!("line {}: bad duration {s}", tc.line))
}

/// Virtual milliseconds as the transcripts print them.
pub fn ms(at: u64) -> String {
    format!("{at}ms")
}
