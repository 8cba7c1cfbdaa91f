//! The console as the page drives it, as a [`Machine`]: a [`Console`] in
//! page mode whose clock moves in steps ending on a 10 ms grid, and what
//! each tab printed. Its inputs are a typed entry, Ctrl+C and one step.
//!
//! ```text
//!   let mut h = History::new(Terminal::new(7, ConsoleOptions::bare_etcd()), Options::default());
//!   h.input(Act::Line { tab: 0, text: "etcdctl put k v".into() });
//!   h.advance_to(h.now_ms() + 1_000);
//!   h.state().transcript(0)        -> "$ etcdctl put k v\nOK\n"
//!   h.jump(t); h.state().state_hash()
//! ```

use std::sync::Arc;

use slim::VecMap;

use super::Machine;
use crate::console::{Console, ConsoleOptions, Run};
use crate::output::Output;

/// Virtual time stops on multiples of this (ms), as on the page.
pub const GRID_MS: u64 = 10;

/// An input to the console.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Act {
    /// An entry typed into tab `tab`.
    Line {
        /// The console tab.
        tab: usize,
        /// The entry.
        text: String,
    },
    /// Ctrl+C in tab `tab`.
    Interrupt {
        /// The console tab.
        tab: usize,
    },
    /// One simulator step (one delivery, one tick or one deadline).
    Step,
}

/// Lines per shared chunk of a transcript.
const CHUNK: usize = 256;

/// What a tab printed, in chunks shared between clones (a checkpoint does
/// not copy a long transcript).
#[derive(Clone, Debug, Default)]
struct Transcript {
    sealed: Vec<Arc<Vec<String>>>,
    tail: Vec<String>,
    /// Bytes of text, for the footprint.
    bytes: u64,
}

impl Transcript {
    fn push(&mut self, line: String) {
        self.bytes += line.len() as u64;
        self.tail.push(line);
        if self.tail.len() == CHUNK {
            self.sealed.push(Arc::new(std::mem::take(&mut self.tail)));
        }
    }

    fn lines(&self) -> impl Iterator<Item = &String> {
        self.sealed.iter().flat_map(|c| c.iter()).chain(self.tail.iter())
    }
}

/// The console and what its tabs printed.
#[derive(Clone)]
pub struct Terminal {
    console: Console,
    transcripts: VecMap<usize, Transcript>,
}

impl Terminal {
    /// A console in page mode over a fresh cluster from `seed`.
    pub fn new(seed: u64, options: ConsoleOptions) -> Terminal {
        let mut console = Console::new(seed, options);
        console.set_page_mode(true);
        Terminal { console, transcripts: VecMap::new() }
    }

    /// The console.
    pub fn console(&self) -> &Console {
        &self.console
    }

    /// What tab `tab` printed, prompts and entries included (`$ ENTRY`).
    pub fn transcript(&self, tab: usize) -> String {
        let mut s = String::new();
        if let Some(t) = self.transcripts.get(&tab) {
            for l in t.lines() {
                s.push_str(l);
                s.push('\n');
            }
        }
        s
    }

    /// A sha256 (hex) of the whole state: the console's (cluster, kube,
    /// files, environments, tabs) and every transcript.
    pub fn state_hash(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(self.console.state_hash().as_bytes());
        for (tab, t) in self.transcripts.iter() {
            h.update(tab.to_be_bytes());
            for l in t.lines() {
                h.update(l.as_bytes());
                h.update([0]);
            }
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    fn print(&mut self, tab: usize, out: &Output) {
        let t = self.transcripts.get_or_default(tab);
        for text in [&out.stdout, &out.stderr] {
            for line in text.lines() {
                t.push(line.to_string());
            }
        }
    }

    fn route(&mut self, runs: Vec<(usize, Run)>) {
        for (tab, run) in runs {
            self.print(tab, run.output());
        }
    }
}

impl Machine for Terminal {
    type Input = Act;

    fn now_ms(&self) -> u64 {
        self.console.now_ms()
    }

    fn steps(&self) -> u64 {
        self.console.sim().steps()
    }

    fn advance_to(&mut self, t_ms: u64) {
        loop {
            let now = self.console.now_ms();
            if now >= t_ms {
                break;
            }
            let next = (now / GRID_MS + 1) * GRID_MS;
            let runs = self.console.poll_tabs(next.min(t_ms) - now);
            self.route(runs);
            if self.console.now_ms() <= now {
                break;
            }
        }
    }

    fn apply(&mut self, input: &Act) {
        match input {
            Act::Line { tab, text } => {
                self.transcripts.get_or_default(*tab).push(format!("$ {text}"));
                let run = self.console.run_line_in(*tab, text);
                self.print(*tab, run.output());
            }
            Act::Interrupt { tab } => {
                let out = self.console.interrupt_in(*tab);
                self.transcripts.get_or_default(*tab).push("^C".to_string());
                self.print(*tab, &out);
            }
            Act::Step => {
                self.console.sim_mut().step();
                let runs = self.console.poll_tabs(0);
                self.route(runs);
            }
        }
    }

    fn step_input() -> Act {
        Act::Step
    }

    fn footprint_bytes(&self) -> u64 {
        let tails: u64 =
            self.transcripts.values().map(|t| t.tail.iter().map(|l| l.len() as u64 + 24).sum::<u64>()).sum();
        self.console.footprint_bytes() + tails
    }
}
