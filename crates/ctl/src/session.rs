//! A run as saved in the browser and in share links: the seed, the cluster
//! size and every input typed into the console language, each with the
//! virtual time it happened at. Replaying them (the web app's
//! `Engine::restore`) rebuilds the same run. Plain data, plain text (no
//! serde in the page). It lives in the core, not in the app, so that the
//! decoder of links and saved sessions (hostile input) is fuzzed natively
//! (crates/ctl/tests/fuzz.rs).
//!
//! ```text
//!   etcd-playground 2 seed=7 members=3 tls=1 clock=12000 view=12004 speed=1 paused=0
//!   5030 0 > etcdctl put foo bar          a line typed in console tab 0
//!   6120 9 > cluster stop etcd-2          a stage button (hidden tab 9)
//!   7000 1 ^C                             Ctrl+C in tab 1
//!   7005 1 clear                          Ctrl+L in tab 1 (cleared its output)
//!   7010 0 step                           one step while paused
//!   7015 0 step message                   steps to the next message delivered
//!   7018 0 step event                     steps to the next timeline event
//!   7020 0 file /root/snap.db 3q2+7w==    an uploaded file (base64)
//!   7400 0 apply kind: ConfigMap\n...     a manifest applied from the Kubernetes panel
//! ```
//!
//! A line's text escapes `\` as `\\` and a newline (a heredoc) as `\n`.
//!
//! New kinds of input are added as new line forms under the same version
//! (`clear` came after the first sessions were saved): every older record
//! still reads; a version bump is for a change of meaning.

/// The first word and format version of a saved run.
pub const MAGIC: &str = "etcd-playground 2";
/// Saved sessions larger than this are not written (localStorage is small).
pub const MAX_BYTES: usize = 3_000_000;

/// An input to the console, recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Act {
    /// A console entry (one line, or several for a heredoc).
    Line(String),
    /// Ctrl+C.
    Interrupt,
    /// Ctrl+L: the tab's output cleared.
    Clear,
    /// One step of the simulator.
    Step,
    /// Steps until the next message or event (a lecture's "step to next").
    StepTo(StepTo),
    /// A file put into the console's filesystem.
    File(String, Vec<u8>),
    /// A manifest applied from the Kubernetes panel.
    Manifest(String),
}

/// What "step to next" steps to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepTo {
    /// The next message delivered (or lost where it was going).
    Message,
    /// The next event of the timeline that is not routine.
    Event,
}

/// One recorded input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Virtual time it happened at (ms).
    pub at_ms: u64,
    /// The console tab.
    pub tab: usize,
    /// What it was.
    pub act: Act,
}

/// A whole run.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    /// The console's seed.
    pub seed: u64,
    /// Members it started with.
    pub members: u64,
    /// Whether its etcd served TLS (`tls=1`; a record without the field is
    /// from before the page served TLS, and replays as plain http).
    pub tls: bool,
    /// Every input, in order.
    pub entries: Vec<Entry>,
    /// The console's clock (ms): replay runs it this far.
    pub clock_ms: u64,
    /// The time shown (ms), at or a little after the clock.
    pub view_ms: u64,
    /// Speed.
    pub speed: f64,
    /// Paused.
    pub paused: bool,
}

impl Session {
    /// As text.
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "{MAGIC} seed={} members={} tls={} clock={} view={} speed={} paused={}\n",
            self.seed,
            self.members,
            u8::from(self.tls),
            self.clock_ms,
            self.view_ms,
            self.speed,
            u8::from(self.paused)
        );
        for e in &self.entries {
            let what = match &e.act {
                Act::Line(l) => format!("> {}", escape(l)),
                Act::Interrupt => "^C".to_string(),
                Act::Clear => "clear".to_string(),
                Act::Step => "step".to_string(),
                Act::StepTo(StepTo::Message) => "step message".to_string(),
                Act::StepTo(StepTo::Event) => "step event".to_string(),
                Act::File(path, bytes) => {
                    format!("file {} {}", escape(path).replace(' ', "\\s"), base64(bytes))
                }
                Act::Manifest(text) => format!("apply {}", escape(text)),
            };
            s.push_str(&format!("{} {} {what}\n", e.at_ms, e.tab));
        }
        s
    }

    /// From text; `None` if it is not a session of this version.
    pub fn from_text(text: &str) -> Option<Session> {
        let mut lines = text.lines();
        let head = lines.next()?.strip_prefix(MAGIC)?;
        let mut s = Session {
            seed: 0,
            members: 3,
            tls: false,
            entries: Vec::new(),
            clock_ms: 0,
            view_ms: 0,
            speed: 1.0,
            paused: false,
        };
        for field in head.split_whitespace() {
            let (k, v) = field.split_once('=')?;
            match k {
                "seed" => s.seed = v.parse().ok()?,
                "members" => s.members = v.parse().ok().filter(|m| (1..=7).contains(m))?,
                "clock" => s.clock_ms = v.parse().ok()?,
                "view" => s.view_ms = v.parse().ok()?,
                "speed" => s.speed = v.parse().ok().filter(|x: &f64| x.is_finite())?,
                "paused" => s.paused = v == "1",
                "tls" => s.tls = v == "1",
                _ => {}
            }
        }
        for line in lines.filter(|l| !l.is_empty()) {
            let mut parts = line.splitn(3, ' ');
            let at_ms = parts.next()?.parse().ok()?;
            let tab = parts.next()?.parse().ok().filter(|t| *t < 16)?;
            let rest = parts.next()?;
            let act = if let Some(l) = rest.strip_prefix("> ") {
                Act::Line(unescape(l))
            } else if rest == ">" {
                Act::Line(String::new())
            } else if rest == "^C" {
                Act::Interrupt
            } else if rest == "clear" {
                Act::Clear
            } else if rest == "step" {
                Act::Step
            } else if rest == "step message" {
                Act::StepTo(StepTo::Message)
            } else if rest == "step event" {
                Act::StepTo(StepTo::Event)
            } else if let Some(f) = rest.strip_prefix("file ") {
                let (path, data) = f.split_once(' ')?;
                Act::File(unescape_with(path, true), unbase64(data)?)
            } else if let Some(text) = rest.strip_prefix("apply ") {
                Act::Manifest(unescape(text))
            } else {
                return None;
            };
            s.entries.push(Entry { at_ms, tab, act });
        }
        Some(s)
    }
}

/// `\` as `\\`, a newline as `\n`, a carriage return as `\r` (a record is
/// read back line by line, and a line's end eats a `\r` before the `\n`:
/// text pasted with CRLF line ends would not replay as it ran).
pub fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('\n', "\\n").replace('\r', "\\r")
}

/// The inverse of [`escape`].
pub fn unescape(s: &str) -> String {
    unescape_with(s, false)
}

/// [`unescape`], also reading `\s` as a space if `spaces` (a file's path,
/// whose spaces are written `\s` so that the path is one word).
fn unescape_with(s: &str, spaces: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some('s') if spaces => out.push(' '),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes [`base64`]; `None` on a bad character.
pub fn unbase64(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes().filter(|c| *c != b'=') {
        let v = B64.iter().position(|x| *x == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// The moment a shared run's text asks to open at (`moment=` in its first
/// line), if any.
pub fn moment_of(text: &str) -> Option<u64> {
    let head = text.lines().next()?;
    head.split_whitespace().find_map(|f| f.strip_prefix("moment=")?.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(act: Act) -> Session {
        Session {
            seed: 1,
            members: 3,
            tls: true,
            entries: vec![Entry { at_ms: 5, tab: 0, act }],
            clock_ms: 9,
            view_ms: 9,
            speed: 1.0,
            paused: false,
        }
    }

    #[test]
    fn a_line_pasted_with_crlf_line_ends_round_trips() {
        for line in ["cat <<EOF\r\nx\r\nEOF\r", "echo a\r", "\r", "a\\r"] {
            let s = one(Act::Line(line.into()));
            assert_eq!(Session::from_text(&s.to_text()), Some(s), "{line:?}");
        }
        let s = one(Act::Manifest("kind: ConfigMap\r\n".into()));
        assert_eq!(Session::from_text(&s.to_text()), Some(s));
    }

    #[test]
    fn a_file_path_with_backslashes_and_spaces_round_trips() {
        for path in ["/root/a\\s b", "/root/my snap.db", "\\", "a\\\\s", " "] {
            let s = one(Act::File(path.into(), vec![1, 2]));
            assert_eq!(Session::from_text(&s.to_text()), Some(s), "{path:?}");
        }
        // As written before: spaces as `\s`.
        let old = "etcd-playground 2 seed=1\n5 0 file /root/my\\ssnap.db AQI=\n";
        let s = Session::from_text(old).expect("reads");
        assert_eq!(s.entries[0].act, Act::File("/root/my snap.db".into(), vec![1, 2]));
    }
}
