//! What a console tab holds: its output lines and its input history.
//!
//! A plain domain type: no signals, no browser API. The terminal component
//! keeps one in a signal and renders it.

/// Which stream a line of output came from; stdout and stderr are drawn apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// The echoed command line, with its prompt.
    Input,
    /// Standard output of a command.
    Stdout,
    /// Standard error of a command.
    Stderr,
}

/// One line in the console's output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// Position in the console's output since it was created; a stable key.
    pub id: u64,
    /// The stream the line belongs to.
    pub stream: Stream,
    /// The text, without a trailing newline.
    pub text: String,
}

/// Output lines and input history of one console.
#[derive(Clone, Debug, Default)]
pub struct ConsoleLog {
    lines: Vec<Line>,
    next_id: u64,
    history: Vec<String>,
    /// Where ↑/↓ currently points in `history`; `None` when editing a new line.
    cursor: Option<usize>,
}

impl ConsoleLog {
    /// The output lines, oldest first.
    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    /// The commands entered so far, oldest first.
    pub fn history(&self) -> &[String] {
        &self.history
    }

    /// Appends `text` to `stream`, one line per `\n`-separated part; a single
    /// trailing newline does not produce an empty line.
    pub fn push(&mut self, stream: Stream, text: &str) {
        let text = text.strip_suffix('\n').unwrap_or(text);
        for part in text.split('\n') {
            self.lines.push(Line { id: self.next_id, stream, text: part.to_owned() });
            self.next_id += 1;
        }
    }

    /// Records a command the user entered: echoes it after `prompt` and adds
    /// it to the history (blank lines and immediate repeats are not kept,
    /// as in bash with `ignoredups`).
    pub fn enter(&mut self, prompt: &str, command: &str) {
        self.push(Stream::Input, &format!("{prompt}{command}"));
        self.cursor = None;
        let command = command.trim();
        if !command.is_empty() && self.history.last().map(String::as_str) != Some(command) {
            self.history.push(command.to_owned());
        }
    }

    /// Drops the oldest lines beyond the newest `keep`.
    pub fn keep_last(&mut self, keep: usize) {
        if self.lines.len() > keep {
            let extra = self.lines.len() - keep;
            self.lines.drain(..extra);
        }
    }

    /// Replaces the history (restored from the browser's storage).
    pub fn set_history(&mut self, history: Vec<String>) {
        self.history = history;
        self.cursor = None;
    }

    /// Removes every output line (Ctrl+L, `clear`); the history is kept.
    pub fn clear(&mut self) {
        self.lines.clear();
    }

    /// Moves one step back in history (↑) and returns the command there, or
    /// `None` when there is no history.
    pub fn history_prev(&mut self) -> Option<&str> {
        let at = match self.cursor {
            None => self.history.len().checked_sub(1)?,
            Some(at) => at.saturating_sub(1),
        };
        self.cursor = Some(at);
        Some(&self.history[at])
    }

    /// Moves one step forward in history (↓): the next command, or an empty
    /// line once past the newest.
    pub fn history_next(&mut self) -> &str {
        match self.cursor {
            Some(at) if at + 1 < self.history.len() => {
                self.cursor = Some(at + 1);
                &self.history[at + 1]
            }
            _ => {
                self.cursor = None;
                ""
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test(unsupported = test)]
    fn push_splits_lines_and_drops_one_trailing_newline() {
        let mut log = ConsoleLog::default();
        log.push(Stream::Stdout, "foo\nbar\n");
        let texts: Vec<_> = log.lines().iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["foo", "bar"]);
        assert_eq!(log.lines()[1].id, 1);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn history_walks_back_and_forth_and_skips_repeats() {
        let mut log = ConsoleLog::default();
        for cmd in ["put foo bar", "get foo", "get foo", "  "] {
            log.enter("$ ", cmd);
        }
        assert_eq!(log.history(), ["put foo bar", "get foo"]);
        assert_eq!(log.history_prev(), Some("get foo"));
        assert_eq!(log.history_prev(), Some("put foo bar"));
        assert_eq!(log.history_prev(), Some("put foo bar"));
        assert_eq!(log.history_next(), "get foo");
        assert_eq!(log.history_next(), "");
        assert_eq!(log.lines().len(), 4);
        log.clear();
        assert!(log.lines().is_empty());
        assert_eq!(log.history().len(), 2);
    }
}
