//! `watch [-n SECONDS] [-t] COMMAND`: runs COMMAND again every interval of virtual time until Ctrl+C, each run a fresh screen, as procps' watch does.
//!
//! ```text
//!   watch -n 1 'etcdctl endpoint status -w table'
//!   ─► clear, "Every 1.0s: etcdctl endpoint status -w table  controlplane: Thu Jan  1 00:00:03 2026",
//!      a blank line, the command's output; again a second later; Ctrl+C stops (exit 130)
//! ```
//!
//! The command is a whole console line (pipes included), run at the
//! frame's virtual time. Each frame asks the terminal to clear its screen
//! first (the page clears the tab; the REPL prints the ANSI clear); a poll
//! that spans several intervals shows its frames one after another, so a
//! transcript keeps them all. The shell's `watch` is not `etcdctl watch`:
//! it only repeats a command.

use crate::console::{Console, Exec};
use crate::output::Output;
use crate::stream::{Kind, Stream};

/// The host name in the title, the kubeadm node's.
const HOST: &str = "controlplane";

/// procps' usage text (the first lines).
const USAGE: &str = "\nUsage:\n watch [options] command\n\nOptions:\n  -n, --interval <secs>  seconds to wait between updates\n  -t, --no-title         turn off header\n";

/// A running `watch`.
#[derive(Clone, Debug)]
pub(crate) struct Repeat {
    line: String,
    interval_ms: u64,
    next_ms: u64,
    title: bool,
}

impl Repeat {
    /// Runs the command when its time has come, as a new frame on `out`.
    pub(crate) fn step(&mut self, con: &mut Console, out: &mut Output) {
        let now = con.now_ms();
        if now < self.next_ms {
            return;
        }
        // The next frame counts from this one, as watch sleeps after each run.
        self.next_ms = now.saturating_add(self.interval_ms);
        let mut ran = crate::shell::run_entry(con, &self.line);
        if let Some(mut inner) = ran.stream.take() {
            // A streaming command never ends on its own: watch cannot show it.
            ran.out.append(inner.stop(con, crate::output::exit::ERROR));
            ran.out.eprint("watch: a streaming command (etcdctl watch, lease keep-alive) never ends; watch runs commands that do\n");
        }
        let mut frame = Output { clear: true, ..Output::default() };
        if self.title {
            let secs = self.interval_ms as f64 / 1000.0;
            frame.print(format!(
                "Every {secs:.1}s: {}  {HOST}: {}\n\n",
                self.line,
                crate::timefmt::ctime(con.now_ms())
            ));
        }
        frame.append(ran.out);
        frame.exit = 0;
        out.append(frame);
    }
}

/// `watch ARGS`.
pub(super) fn watch(con: &Console, args: &[String]) -> Exec {
    let mut interval_ms = 2000;
    let mut title = true;
    let mut i = 0;
    while let Some(a) = args.get(i) {
        let value = |i: &mut usize| -> Option<String> {
            if let Some(v) = a.strip_prefix("--interval=") {
                return Some(v.to_string());
            }
            if a.len() > 2 && a.starts_with("-n") {
                return Some(a[2..].to_string());
            }
            *i += 1;
            args.get(*i).cloned()
        };
        match a.as_str() {
            "-t" | "--no-title" => title = false,
            "-d" | "--differences" | "-c" | "--color" | "-x" | "--exec" => {}
            s if s == "-n"
                || s == "--interval"
                || s.starts_with("--interval=")
                || (s.starts_with("-n") && s.len() > 2) =>
            {
                let Some(v) = value(&mut i) else {
                    return Output::fail(format!("watch: option requires an argument -- 'n'{USAGE}"), 1)
                        .into();
                };
                match v.replace(',', ".").parse::<f64>() {
                    // procps takes at least a tenth of a second.
                    Ok(s) if s.is_finite() && s >= 0.0 => interval_ms = ((s * 1000.0) as u64).max(100),
                    _ => return Output::fail(format!("watch: failed to parse argument: '{v}'\n"), 1).into(),
                }
            }
            "--" => {
                i += 1;
                break;
            }
            s if s.starts_with('-') && s.len() > 1 => {
                let what = if s.starts_with("--") {
                    format!("unrecognized option '{s}'")
                } else {
                    format!("invalid option -- '{}'", s[1..].chars().next().unwrap_or('-'))
                };
                return Output::fail(format!("watch: {what}{USAGE}"), 1).into();
            }
            _ => break,
        }
        i += 1;
    }
    let command = &args[i.min(args.len())..];
    if command.is_empty() {
        return Output::fail(USAGE.trim_start().to_string(), 1).into();
    }
    let repeat = Repeat { line: command.join(" "), interval_ms, next_ms: con.now_ms(), title };
    Exec { stream: Some(Stream::new(Kind::Repeat(repeat))), ..Exec::default() }
}
