//! A run as saved in the browser and in share links: the seed, the cluster
//! size and every input typed into the console language, each with the
//! virtual time it happened at. Replaying them ([`crate::engine::Engine::restore`])
//! rebuilds the same run. Plain data, plain text (no serde in the page).
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
                Act::File(unescape(&path.replace("\\s", " ")), unbase64(data)?)
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

/// `\` as `\\`, a newline as `\n`.
pub fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('\n', "\\n")
}

/// The inverse of [`escape`].
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Engine;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn text_round_trips() {
        let s = Session {
            seed: 42,
            members: 5,
            tls: true,
            entries: vec![
                Entry { at_ms: 10, tab: 0, act: Act::Line("etcdctl put a 'b c'".into()) },
                Entry {
                    at_ms: 20,
                    tab: 1,
                    act: Act::Line("kubectl apply -f - <<EOF\nkind: x\\y\nEOF".into()),
                },
                Entry { at_ms: 30, tab: 1, act: Act::Interrupt },
                Entry { at_ms: 35, tab: 1, act: Act::Clear },
                Entry { at_ms: 40, tab: 0, act: Act::Step },
                Entry { at_ms: 41, tab: 0, act: Act::StepTo(StepTo::Message) },
                Entry { at_ms: 42, tab: 0, act: Act::StepTo(StepTo::Event) },
                Entry { at_ms: 50, tab: 0, act: Act::File("/root/my snap.db".into(), vec![0, 1, 2, 255, 7]) },
                Entry { at_ms: 60, tab: 0, act: Act::Manifest("kind: ConfigMap\n  a: \\x\n".into()) },
            ],
            clock_ms: 90,
            view_ms: 99,
            speed: 0.25,
            paused: true,
        };
        assert_eq!(Session::from_text(&s.to_text()), Some(s));
        assert_eq!(Session::from_text("garbage"), None);
        assert_eq!(Session::from_text("etcd-playground 2 seed=x"), None);
        // A hostile record cannot make the replay run for ever.
        let huge = "etcd-playground 2 seed=1 members=1 clock=18446744073709551615 view=18446744073709551615\n\
                    18446744073709551615 0 > etcdctl put a b\n";
        let fresh = Engine::new(1, 1).now();
        let e = Engine::restore_within(&Session::from_text(huge).expect("parses"), 2_000);
        assert_eq!(e.now(), fresh + 2_000);
        assert!(e.view_ms <= e.now() + crate::engine::GRID_MS);
        assert!(e.session().entries.is_empty());
        for n in 0..7 {
            let bytes: Vec<u8> = (0..n).map(|i| i * 37).collect();
            assert_eq!(unbase64(&base64(&bytes)), Some(bytes));
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_saved_session_replays_to_the_same_state() {
        let mut e = Engine::new(11, 3);
        for _ in 0..30 {
            e.frame(100.0);
        }
        for tab in [0, 1] {
            crate::engine::tests::use_certs(&mut e, tab);
        }
        e.run_line(1, "etcdctl watch foo");
        e.run_line(0, "etcdctl put foo bar");
        for _ in 0..10 {
            e.frame(16.0);
        }
        e.interrupt(1);
        e.stage(vec!["cluster stop etcd-3".into()]);
        for _ in 0..10 {
            e.frame(33.0);
        }
        e.paused = true;
        for _ in 0..5 {
            e.step_once();
        }
        e.paused = false;
        e.run_line(0, "load 50");
        for _ in 0..20 {
            e.frame(16.0);
        }
        e.interrupt(0);
        e.frame(7.0);
        let text = e.session().to_text();
        let back = Engine::restore(&Session::from_text(&text).expect("parses"));
        assert_eq!(back.sim().state_hash(), e.sim().state_hash());
        assert_eq!(back.now(), e.now());
        // The kubeadm cluster's keys, and ours among them.
        let keys = back.keys(usize::MAX);
        assert!(keys.iter().any(|k| k == "foo"), "{keys:?}");
        assert_eq!(keys, e.keys(usize::MAX));
        assert_eq!(back.tab_texts(0), e.tab_texts(0));
        assert_eq!(back.tab_texts(1), e.tab_texts(1));
        assert_eq!(e.tab_texts(1)[1..4], ["PUT", "foo", "bar"]);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn ctrl_l_is_replayed_and_cleared_lines_stay_gone() {
        let mut e = Engine::new(13, 3);
        for _ in 0..30 {
            e.frame(100.0);
        }
        crate::engine::tests::use_certs(&mut e, 0);
        e.run_line(0, "etcdctl put gone soon");
        e.run_line(1, "echo kept in tab 2");
        for _ in 0..10 {
            e.frame(16.0);
        }
        e.clear(0);
        assert!(e.tab_texts(0).is_empty());
        e.run_line(0, "echo after");
        e.interrupt(0);
        e.upload("/root/a.bin", vec![1, 2, 3]);
        e.frame(16.0);
        let text = e.session().to_text();
        assert!(text.contains(" 0 clear\n"), "{text}");
        let back = Engine::restore(&Session::from_text(&text).expect("parses"));
        let shown = e.tab_texts(0);
        assert_eq!(
            shown,
            ["etcd-1 $ echo after", "after", "etcd-1 $ ^C", "# uploaded /root/a.bin (3 bytes)"]
        );
        assert_eq!(back.tab_texts(0), shown);
        assert_eq!(back.tab_texts(1), e.tab_texts(1));
        assert!(back.tab_texts(1).iter().any(|l| l == "kept in tab 2"));
        assert_eq!(back.sim().state_hash(), e.sim().state_hash());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_session_saved_before_ctrl_l_was_recorded_still_loads() {
        let old = "etcd-playground 2 seed=7 members=3 clock=9000 view=9003 speed=1 paused=0\n\
                   7000 0 > etcdctl put a b\n\
                   7500 1 > etcdctl watch a\n\
                   8000 1 ^C\n\
                   8010 0 step\n";
        let s = Session::from_text(old).expect("an older record reads");
        assert_eq!(s.entries.len(), 4);
        let e = Engine::restore(&s);
        assert_eq!(e.tab_texts(0), ["etcd-1 $ etcdctl put a b", "OK"]);
        assert_eq!(e.tab_texts(1), ["etcd-1 $ etcdctl watch a", "^C"]);
        assert_eq!(e.now(), 9000);
        assert_eq!(Session::from_text(&e.session().to_text()), Some(e.session()));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_fresh_page_serves_tls_and_its_record_says_so() {
        use crate::engine::tests::run;
        let mut e = Engine::new(7, 3);
        e.frame(100.0);
        run(&mut e, 0, "etcdctl put a b");
        // etcdctl's 5 s dial timeout, on the page's clock.
        for _ in 0..200 {
            e.frame(16.0);
        }
        run(&mut e, 0, &format!("etcdctl{} put c d", ctl::pki::ETCDCTL_FLAGS));
        let shown = e.tab_texts(0);
        assert!(shown.iter().any(|l| l == "Error: context deadline exceeded"), "{shown:?}");
        assert_eq!(shown.last().map(String::as_str), Some("OK"), "{shown:?}");
        let text = e.session().to_text();
        assert!(text.lines().next().is_some_and(|head| head.contains(" tls=1 ")), "{text}");
        let back = Engine::restore(&Session::from_text(&text).expect("parses"));
        assert_eq!(back.tab_texts(0), shown);
    }
}
