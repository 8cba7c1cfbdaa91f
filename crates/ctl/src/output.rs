//! What one console command prints: standard output, standard error and an exit code.

use serde::{Deserialize, Serialize};

/// Exit codes of etcdctl (`pkg/cobrautl/error.go`) and of the shell around it.
pub mod exit {
    /// Success.
    pub const SUCCESS: i32 = 0;
    /// A general error.
    pub const ERROR: i32 = 1;
    /// A connection or authentication error.
    pub const BAD_CONNECTION: i32 = 2;
    /// Invalid input (a bad txn line, a bad watch request).
    pub const INVALID_INPUT: i32 = 3;
    /// An unsupported feature or output format.
    pub const BAD_FEATURE: i32 = 4;
    /// The command was interrupted (a watch cancelled by the server).
    pub const INTERRUPTED: i32 = 5;
    /// An I/O error.
    pub const IO: i32 = 6;
    /// speakeasy's `os.Exit(-1)` on Ctrl+C at a password prompt.
    pub const PROMPT_INTERRUPTED: i32 = 255;
    /// A Go program's unrecovered panic.
    pub const GO_PANIC: i32 = 2;
    /// Bad arguments.
    pub const BAD_ARGS: i32 = 128;
    /// `timeout` ran out (coreutils).
    pub const TIMEOUT: i32 = 124;
    /// The shell does not know the command.
    pub const NOT_FOUND: i32 = 127;
    /// Ctrl+C: killed by SIGINT, as a shell reports it.
    pub const SIGINT: i32 = 130;
}

/// What a command printed and how it ended.
///
/// A terminal shows the two streams interleaved as they were written:
/// `echo a; etcdctl get --bad; echo b` prints `a`, the error, then `b`, and
/// `snapshot save` logs on stderr before its `Snapshot saved at` line.
/// [`Output::chunks`] gives that order: writes through [`Output::println`],
/// [`Output::eprintln`] and [`Output::append`] record it; bytes pushed
/// straight into `stdout` or `stderr` come after what was recorded,
/// standard output first.
///
/// ```text
/// stdout "a\nb\n"   stderr "Error: x\n"   order [(out, 2), (err, 9), (out, 2)]
/// chunks: (out "a\n") (err "Error: x\n") (out "b\n")
/// ```
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Output {
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// The exit status, as a shell reports it.
    pub exit: i32,
    /// The command asked the terminal to clear its screen (`clear`).
    #[serde(skip)]
    pub clear: bool,
    /// The command asks the page to open this file (an absolute path) in
    /// its editor pane (`vi FILE` with [`crate::Console::set_editor_pane`]).
    #[serde(skip)]
    pub edit: Option<String>,
    /// Runs of the two streams in the order they were written:
    /// (standard error?, bytes). Kept by the methods below; read it
    /// through [`Output::chunks`].
    #[serde(skip)]
    pub order: Vec<(bool, usize)>,
}

/// Equal outputs print the same streams and end the same way; the order
/// the streams were written in is how a terminal shows them, not part of
/// what was printed.
impl PartialEq for Output {
    fn eq(&self, other: &Self) -> bool {
        (&self.stdout, &self.stderr, self.exit, self.clear)
            == (&other.stdout, &other.stderr, other.exit, other.clear)
    }
}

impl Eq for Output {}

impl Output {
    /// Success with this standard output.
    pub fn ok(stdout: impl Into<String>) -> Self {
        Output { stdout: stdout.into(), ..Output::default() }
    }

    /// A failure with this standard error (which should end in a newline) and code.
    pub fn fail(stderr: impl Into<String>, exit: i32) -> Self {
        Output { stderr: stderr.into(), exit, ..Output::default() }
    }

    /// etcdctl's `ExitWithError`: `Error: <msg>` on stderr.
    pub fn error(msg: impl std::fmt::Display, exit: i32) -> Self {
        Output::fail(format!("Error: {msg}\n"), exit)
    }

    /// Appends another output's streams after this one's, in their own
    /// order; its exit code wins.
    pub fn append(&mut self, other: Output) {
        for (err, text) in other.chunks() {
            self.write(err, text);
        }
        self.exit = other.exit;
        self.clear |= other.clear;
        if other.edit.is_some() {
            self.edit = other.edit;
        }
    }

    /// This output with everything on standard error shown before
    /// standard output (a command that logs, then prints its result).
    pub fn stderr_first(mut self) -> Self {
        self.order = vec![(true, self.stderr.len()), (false, self.stdout.len())];
        self
    }

    /// The streams as a terminal shows them: runs of (standard error?,
    /// text) in the order they were written.
    pub fn chunks(&self) -> Vec<(bool, &str)> {
        let mut at = [0usize; 2];
        let mut out: Vec<(bool, &str)> = Vec::new();
        for &(err, n) in &self.order {
            let text = if err { &self.stderr } else { &self.stdout };
            let i = usize::from(err);
            // A stream rewritten after it was recorded: the rest is shown
            // after the recorded runs.
            let Some(run) = text.get(at[i]..at[i] + n) else { break };
            at[i] += n;
            if !run.is_empty() {
                out.push((err, run));
            }
        }
        for (err, text) in [(false, &self.stdout), (true, &self.stderr)] {
            match text.get(at[usize::from(err)]..) {
                Some(rest) if !rest.is_empty() => out.push((err, rest)),
                Some(_) => {}
                // Not on a character boundary any more: the whole stream.
                None => out.push((err, text)),
            }
        }
        out
    }

    /// Writes `text` to standard error (`err`) or output, recording the order.
    fn write(&mut self, err: bool, text: &str) {
        self.settle();
        if err { &mut self.stderr } else { &mut self.stdout }.push_str(text);
        match self.order.last_mut() {
            Some((e, n)) if *e == err => *n += text.len(),
            _ => self.order.push((err, text.len())),
        }
    }

    /// Records bytes pushed straight into the streams (not through
    /// [`Output::write`]) as written now, standard output first.
    fn settle(&mut self) {
        let mut at = [0usize; 2];
        for &(err, n) in &self.order {
            at[usize::from(err)] += n;
        }
        for (err, len) in [(false, self.stdout.len()), (true, self.stderr.len())] {
            let i = usize::from(err);
            if len < at[i] {
                // A stream was rewritten: its recorded runs no longer hold.
                self.order.clear();
                self.order.push((false, self.stdout.len()));
                self.order.push((true, self.stderr.len()));
                return;
            }
            if len > at[i] {
                self.order.push((err, len - at[i]));
            }
        }
    }

    /// Writes `text` to standard output.
    pub fn print(&mut self, text: impl AsRef<str>) {
        self.write(false, text.as_ref());
    }

    /// Writes `text` to standard error.
    pub fn eprint(&mut self, text: impl AsRef<str>) {
        self.write(true, text.as_ref());
    }

    /// Writes a line to standard output.
    pub fn println(&mut self, line: impl AsRef<str>) {
        self.write(false, line.as_ref());
        self.write(false, "\n");
    }

    /// Writes a line to standard error.
    pub fn eprintln(&mut self, line: impl AsRef<str>) {
        self.write(true, line.as_ref());
        self.write(true, "\n");
    }

    /// This output as one JSON object `{"input", "stdout", "stderr", "exit"}`, in that order
    /// (the shape of tests/golden/recorded.jsonl).
    pub fn to_jsonl(&self, input: &str) -> String {
        let q = |s: &str| serde_json::Value::from(s).to_string();
        format!(
            "{{\"input\": {}, \"stdout\": {}, \"stderr\": {}, \"exit\": {}}}",
            q(input),
            q(&self.stdout),
            q(&self.stderr),
            self.exit
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(o: &Output) -> Vec<(bool, String)> {
        o.chunks().into_iter().map(|(e, t)| (e, t.to_string())).collect()
    }

    #[test]
    fn chunks_follow_the_order_of_writes_and_appends() {
        let mut o = Output::ok("a\n");
        o.append(Output::error("x", 1));
        o.println("b");
        o.append(Output::ok("c\n").stderr_first());
        let want = [(false, "a\n"), (true, "Error: x\n"), (false, "b\nc\n")];
        assert_eq!(shown(&o), want.map(|(e, t)| (e, t.to_string())));
        assert_eq!((o.stdout.as_str(), o.stderr.as_str(), o.exit), ("a\nb\nc\n", "Error: x\n", 0));
    }

    #[test]
    fn stderr_first_puts_the_logs_before_the_result() {
        let o =
            Output { stdout: "saved\n".into(), stderr: "log\n".into(), ..Output::default() }.stderr_first();
        assert_eq!(shown(&o), [(true, "log\n".to_string()), (false, "saved\n".to_string())]);
    }

    #[test]
    fn streams_written_directly_or_rewritten_still_show_everything_once() {
        // Unrecorded bytes come after the recorded runs, stdout first.
        let mut o = Output::default();
        o.eprintln("e");
        o.stdout.push_str("out\n");
        assert_eq!(shown(&o), [(true, "e\n".to_string()), (false, "out\n".to_string())]);
        // A rewritten stream (shorter, or cut inside a character) never
        // loses text and never panics.
        let mut o = Output::default();
        o.println("ééé");
        o.eprintln("err");
        o.stdout = "é".into();
        let all: String = o.chunks().iter().map(|(_, t)| *t).collect();
        assert_eq!(all, "éerr\n");
        o.append(Output::ok("z\n"));
        let all: String = o.chunks().iter().map(|(_, t)| *t).collect();
        assert_eq!(all, "éerr\nz\n");
        assert_eq!(o.stdout, "éz\n");
    }

    #[test]
    fn equality_ignores_the_order() {
        let a = Output { stdout: "s\n".into(), stderr: "e\n".into(), ..Output::default() };
        assert_eq!(a.clone().stderr_first(), a);
    }
}
