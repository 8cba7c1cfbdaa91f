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
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
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
}

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

    /// Appends another output's streams; its exit code wins.
    pub fn append(&mut self, other: Output) {
        self.stdout.push_str(&other.stdout);
        self.stderr.push_str(&other.stderr);
        self.exit = other.exit;
        self.clear |= other.clear;
    }

    /// Writes a line to standard output.
    pub fn println(&mut self, line: impl AsRef<str>) {
        self.stdout.push_str(line.as_ref());
        self.stdout.push('\n');
    }

    /// Writes a line to standard error.
    pub fn eprintln(&mut self, line: impl AsRef<str>) {
        self.stderr.push_str(line.as_ref());
        self.stderr.push('\n');
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
