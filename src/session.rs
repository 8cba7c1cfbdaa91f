//! A session as saved in the browser and in share links: the seed, the
//! cluster size and every recorded input, plus where the clock stood.
//! Replaying them rebuilds the same run, byte for byte. Plain data.
//!
//! ```text
//!   {"v":1,"seed":7,"members":3,"inputs":[{step,at_ms,input}...],"view_ms":12000,"speed":1.0,"paused":false}
//!   Sim::replay(seed, options(members), inputs) then run to view_ms
//! ```

use serde::{Deserialize, Serialize};
use sim::{InputRecord, Sim};

use crate::engine::{Engine, sim_options};

/// Format version of saved sessions.
pub const VERSION: u32 = 1;
/// Saved sessions larger than this are not written (localStorage is small).
pub const MAX_BYTES: usize = 3_000_000;

/// What is saved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// Format version.
    pub v: u32,
    /// The simulation's seed.
    pub seed: u64,
    /// Members it started with.
    pub members: u64,
    /// Every input, in order.
    pub inputs: Vec<InputRecord>,
    /// The time shown (ms).
    pub view_ms: u64,
    /// Speed.
    pub speed: f64,
    /// Paused.
    pub paused: bool,
    /// Each console tab's endpoint (member number).
    #[serde(default)]
    pub endpoints: Vec<u64>,
}

impl Session {
    /// The session of `engine` now.
    pub fn of(engine: &Engine) -> Session {
        Session {
            v: VERSION,
            seed: engine.sim.seed(),
            members: engine.sim.options().members,
            inputs: engine.sim.inputs().to_vec(),
            view_ms: engine.view_ms,
            speed: engine.speed,
            paused: engine.paused,
            endpoints: engine.tabs.iter().map(|t| t.endpoint).collect(),
        }
    }

    /// As JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// From JSON; `None` if it is not a session of this version.
    pub fn from_json(s: &str) -> Option<Session> {
        let s: Session = serde_json::from_str(s).ok()?;
        (s.v == VERSION && (1..=7).contains(&s.members)).then_some(s)
    }

    /// Replays the session into a new engine (console output is not kept;
    /// the cluster's state, keys included, is).
    pub fn restore(&self) -> Engine {
        let mut sim = Sim::replay(self.seed, sim_options(self.members), &self.inputs);
        sim.run_until(self.view_ms, |_| false);
        sim.forget_resolved();
        let mut engine = Engine::from_sim(sim);
        engine.view_ms = self.view_ms.max(engine.sim.now_ms());
        engine.speed = self.speed.clamp(crate::engine::SPEED_MIN, crate::engine::SPEED_MAX);
        engine.paused = self.paused;
        for (tab, n) in engine.tabs.iter_mut().zip(&self.endpoints) {
            tab.endpoint = *n;
        }
        engine
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn a_saved_session_replays_to_the_same_state() {
        let mut e = Engine::new(11, 3);
        for _ in 0..30 {
            e.frame(100.0);
        }
        e.run_line(0, "etcdctl put foo bar");
        for _ in 0..10 {
            e.frame(100.0);
        }
        let json = Session::of(&e).to_json();
        let back = Session::from_json(&json).expect("parses").restore();
        assert_eq!(back.sim.state_hash(), e.sim.state_hash());
        assert_eq!(back.keys(10), ["foo"]);
    }
}
