//! The interaction environment: a set of nodes over `MemoryStorage`, a
//! message queue standing for the network, an appender state machine per
//! node, and an output buffer where raft's log lines interleave with the
//! commands' output.

use raft::{ConfState, Level, MemoryStorage, Message, RawNode};

use datadriven::TestCase;

/// One node and its applied state (an "appender": the concatenation of
/// every applied normal entry's data).
pub struct Node {
    pub raw: RawNode<MemoryStorage>,
    pub data: Vec<u8>,
    pub conf_state: ConfState,
}

/// Nodes, network and output.
#[derive(Default)]
pub struct InteractionEnv {
    pub nodes: Vec<Node>,
    pub messages: Vec<Message>,
    pub out: String,
    pub indent: usize,
    pub log_level: Option<Level>,
    pub log_level_set: bool,
}

impl InteractionEnv {
    /// Runs one command and returns its output.
    pub fn handle(&mut self, tc: &TestCase) -> String {
        if !self.log_level_set {
            self.log_level = Some(Level::Info);
            self.log_level_set = true;
        }
        self.out.clear();
        crate::handlers::dispatch(self, tc);
        if self.log_level.is_none() {
            // `log-level none` silences everything, as in etcd-raft's env.
            self.out.clear();
        }
        std::mem::take(&mut self.out)
    }

    /// Writes lines at the current indentation.
    pub fn line(&mut self, s: &str) {
        for l in s.lines() {
            for _ in 0..self.indent {
                self.out.push_str("  ");
            }
            self.out.push_str(l);
            self.out.push('\n');
        }
    }

    /// Copies node `id`'s pending log lines into the output.
    pub fn flush_logs(&mut self, id: u64) {
        let lines = self.node(id).raw.take_logs();
        for l in lines {
            self.line(&l.to_string());
        }
    }

    pub fn node(&mut self, id: u64) -> &mut Node {
        let n = self.nodes.len();
        self.nodes
            .get_mut((id as usize).wrapping_sub(1))
            .unwrap_or_else(|| panic!("node {id} does not exist ({n} nodes)"))
    }

    pub fn ids(&self) -> Vec<u64> {
        (1..=self.nodes.len() as u64).collect()
    }

    /// Runs `f` on node `id`'s RawNode and flushes its logs.
    pub fn with<R>(&mut self, id: u64, f: impl FnOnce(&mut RawNode<MemoryStorage>) -> R) -> R {
        let r = f(&mut self.node(id).raw);
        self.flush_logs(id);
        r
    }

    /// Indented block.
    pub fn indented(&mut self, f: impl FnOnce(&mut Self)) {
        self.indent += 1;
        f(self);
        self.indent -= 1;
    }
}
