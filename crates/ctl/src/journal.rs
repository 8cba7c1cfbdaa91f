//! Page mode's journal: a command that must wait for the simulator is run again from the start once the answer is there, its earlier calls answered from the journal.
//!
//! In page mode the page's clock drives virtual time, so a command never
//! runs the simulator itself. Every operation a command makes on the
//! cluster ([`crate::backend::Backend`]: a call, a fault, opening a stream,
//! waiting) takes the next position in the run's journal:
//!
//! ```text
//! etcdctl --user u:pw put k v          page clock
//!   run 1   Authenticate   -> not in the journal: submitted, the run is suspended   t=0
//!           Put            -> placeholder (nothing sent); the output is thrown away
//!   ...     the sim answers Authenticate at t=3: journal = [Authenticate -> token]
//!   run 2   Authenticate   -> the journal answers (no request sent)                 t=3
//!           Put            -> submitted, suspended
//!   ...     the sim answers Put at t=9: journal = [Authenticate, Put -> OK]
//!   run 3   both answered from the journal: prints OK, exit 0                       t=9
//! ```
//!
//! A run that asks for something other than what the journal holds at
//! that position (the cluster changed between two runs) drops the rest of
//! the journal and goes on live from there. Commands keep their side
//! effects behind their calls, so a discarded run leaves nothing behind.

use server::Request;
use sim::{CallResult, Fault};

/// One operation a command made, with what it gave.
#[derive(Clone, Debug)]
pub(crate) enum Entry {
    /// A request and its answer; `took_ms` as [`crate::backend::Backend::call`] reports it.
    Call { endpoint: u64, request: Request, token: Option<String>, result: CallResult, took_ms: u64 },
    /// A fault applied (once: a rerun does not apply it again).
    Fault { fault: Fault, result: Result<(), String> },
    /// A stream opened (once), with its request id.
    Stream { endpoint: u64, request: Request, id: u64 },
    /// Virtual time the command waits for (`sleep`, a dial timeout, a
    /// playground command letting the cluster react): until `until_ms`.
    Wait { until_ms: u64 },
    /// What the user typed at a prompt (a password).
    Input { text: String },
    /// What a command that runs the simulator itself printed (kubectl in a
    /// list: a rerun must not apply a manifest twice); `key` is its words.
    Output { key: String, out: crate::output::Output },
}

/// What a suspended run waits for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Wait {
    /// Request `id` (submitted at `sent_ms`) to resolve; its journal entry
    /// is made from the request as the run asked for it.
    Request { id: u64, endpoint: u64, request: Box<Request>, token: Option<String>, sent_ms: u64 },
    /// The clock to reach `until_ms`.
    Until { until_ms: u64 },
    /// The user to answer a prompt ([`crate::console::Prompt`]).
    Input(crate::console::Prompt),
}

/// The journal of one command run in page mode.
#[derive(Clone, Debug, Default)]
pub(crate) struct Journal {
    /// Operations answered so far, in order.
    pub entries: Vec<Entry>,
    /// The next position this run will read.
    pub pos: usize,
    /// Set once the run reached something not answered yet.
    pub waiting: Option<Wait>,
}

impl Journal {
    /// A journal holding `entries`, read from the start.
    pub fn replay(entries: Vec<Entry>) -> Journal {
        Journal { entries, pos: 0, waiting: None }
    }

    /// Whether the run is suspended: every further operation is a placeholder.
    pub fn suspended(&self) -> bool {
        self.waiting.is_some()
    }

    /// The entry at the read position if `matches` accepts it (and moves
    /// on); otherwise the rest of the journal is dropped and `None` says
    /// the operation must be done live.
    pub fn next(&mut self, matches: impl Fn(&Entry) -> bool) -> Option<Entry> {
        match self.entries.get(self.pos) {
            Some(e) if matches(e) => {
                self.pos += 1;
                Some(e.clone())
            }
            _ => {
                self.entries.truncate(self.pos);
                None
            }
        }
    }

    /// Records an operation done live at the read position.
    pub fn push(&mut self, entry: Entry) {
        self.entries.truncate(self.pos);
        self.entries.push(entry);
        self.pos += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wait(until_ms: u64) -> Entry {
        Entry::Wait { until_ms }
    }

    fn is_wait(until: u64) -> impl Fn(&Entry) -> bool {
        move |e| matches!(e, Entry::Wait { until_ms } if *until_ms == until)
    }

    #[test]
    fn a_rerun_reads_the_journal_in_order() {
        let mut j = Journal::replay(vec![wait(1), wait(2)]);
        assert!(j.next(is_wait(1)).is_some());
        assert!(j.next(is_wait(2)).is_some());
        assert!(j.next(is_wait(3)).is_none(), "past the end: done live");
        j.push(wait(3));
        assert_eq!(j.entries.len(), 3);
    }

    #[test]
    fn a_different_operation_drops_the_rest_of_the_journal() {
        let mut j = Journal::replay(vec![wait(1), wait(2), wait(3)]);
        assert!(j.next(is_wait(1)).is_some());
        assert!(j.next(is_wait(9)).is_none());
        assert_eq!(j.entries.len(), 1, "what came after the mismatch is gone");
        j.push(wait(9));
        assert!(matches!(j.entries[..], [Entry::Wait { until_ms: 1 }, Entry::Wait { until_ms: 9 }]));
        assert!(!j.suspended());
    }
}
