//! Raft's event log: lines like `INFO 2 became leader at term 2`, kept in
//! memory (no I/O) for transcripts and for the UI's event feed. Off by
//! default, so a busy cluster pays nothing for it.

use serde::{Deserialize, Serialize};

/// Severity of a log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Level {
    /// Protocol details (progress changes, rejections).
    Debug,
    /// State changes (elections, terms, configurations).
    Info,
    /// Unusual but handled situations.
    Warn,
    /// Invalid input that was ignored.
    Error,
}

impl Level {
    /// The prefix printed in transcripts.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Debug => "DEBUG",
            Level::Info => "INFO",
            Level::Warn => "WARN",
            Level::Error => "ERROR",
        }
    }
}

/// One logged event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    /// Severity.
    pub level: Level,
    /// The message, etcd-raft's wording.
    pub text: String,
}

impl std::fmt::Display for LogLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.level.as_str(), self.text)
    }
}

/// Buffers log lines at or above a level; `None` disables logging.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Logger {
    /// Minimum level recorded; `None`: nothing is recorded.
    pub level: Option<Level>,
    /// Recorded lines, oldest first, until taken.
    pub lines: Vec<LogLine>,
}

impl Logger {
    /// True if lines of `level` are recorded.
    pub fn enabled(&self, level: Level) -> bool {
        self.level.is_some_and(|l| level >= l)
    }

    /// Records a line (callers check `enabled` first to skip formatting).
    pub fn push(&mut self, level: Level, text: String) {
        self.lines.push(LogLine { level, text });
    }
}

/// Logs through `$self.logger` only if the level is enabled.
macro_rules! rlog {
    ($self:expr, $lvl:ident, $($arg:tt)*) => {
        if $self.logger.enabled($crate::logger::Level::$lvl) {
            $self.logger.push($crate::logger::Level::$lvl, format!($($arg)*));
        }
    };
}
pub(crate) use rlog;
