//! `load RATE`, a page command: a visible console tab types
//! `etcdctl put load/N vN` RATE times per virtual second into a hidden tab
//! of its own, one write at a time, until Ctrl+C.
//!
//! ```text
//!   tab 0: load 50         -> Load { rate: 50, started_ms: 5000, .. }
//!   after each step:          due = started_ms + sent × 1000 / rate
//!     now >= due, no write waiting:
//!       tab 6: etcdctl --endpoints=http://127.0.0.1:2379 put load/000012 v12
//!   its answer (routed from tab 6): waiting = false, ok += exit == 0
//!   Ctrl+C in tab 0:       "^C" and "N writes sent, M answered OK"
//! ```
//!
//! The writes are not recorded: replaying `load 50` and its Ctrl+C at the
//! same virtual times makes the same writes.

use ctl::Run;

use super::Engine;
use crate::console_log::Stream;

/// Hidden tabs that carry `load` writes: this plus the visible tab.
pub(super) const LOAD_TAB_BASE: usize = 6;

/// A running `load RATE`.
#[derive(Clone, Debug, PartialEq)]
pub struct Load {
    /// Writes per virtual second.
    pub rate: u64,
    /// Virtual time it started (ms).
    pub started_ms: u64,
    /// Writes sent so far.
    pub sent: u64,
    /// Writes that answered OK.
    pub ok: u64,
    /// The endpoint the writes go to.
    pub url: String,
    /// A write is on its way.
    pub waiting: bool,
}

impl Engine {
    /// Starts `load` in visible tab `tab`, or prints why not.
    pub(super) fn start_load(&mut self, tab: usize, rate: Result<u64, String>) {
        match rate {
            Ok(rate) => {
                let url =
                    self.console.member_url(&format!("http://127.0.0.{}:2379", self.tabs[tab].endpoint));
                let started_ms = self.now();
                self.tabs[tab].load = Some(Load { rate, started_ms, sent: 0, ok: 0, url, waiting: false });
                let text = format!("writing {rate} keys per second under load/ (Ctrl+C stops)");
                self.print(tab, Stream::Stdout, &text);
            }
            Err(e) => {
                self.tabs[tab].last_exit = 1;
                self.print(tab, Stream::Stderr, &e);
            }
        }
    }

    /// Types the load's due `etcdctl put` into its hidden tab, one at a time.
    pub(super) fn load_writes(&mut self, tab: usize) {
        let now = self.now();
        let hidden = LOAD_TAB_BASE + tab;
        let Some(load) = &self.tabs[tab].load else { return };
        if load.started_ms + load.sent * 1000 / load.rate > now || load.waiting {
            return;
        }
        let flags = self.console.tls_flags();
        let line =
            format!("etcdctl --endpoints={}{flags} put load/{:06} v{}", load.url, load.sent, load.sent);
        if let Some(load) = &mut self.tabs[tab].load {
            load.sent += 1;
            load.waiting = true;
        }
        let run = self.console.run_line_in(hidden, &line);
        if let Run::Done(out) = run {
            self.output(hidden, out, true);
        }
    }

    /// A write of visible tab `tab`'s load answered with `exit`.
    pub(super) fn load_answered(&mut self, tab: usize, exit: i32) {
        if let Some(load) = &mut self.tabs[tab].load {
            load.waiting = false;
            // The pending line shows the count as the clock moves: no
            // console redraw for each write.
            load.ok += u64::from(exit == 0);
        }
    }

    /// Ctrl+C on a load: stops it and prints its count. False if tab
    /// `tab` runs no load.
    pub(super) fn stop_load(&mut self, tab: usize) -> bool {
        let Some(load) = self.tabs.get_mut(tab).and_then(|t| t.load.take()) else { return false };
        let _ = self.console.interrupt_in(LOAD_TAB_BASE + tab);
        let text = format!("^C\n{} writes sent, {} answered OK", load.sent, load.ok);
        self.print(tab, Stream::Stdout, &text);
        true
    }
}

/// `load RATE` (a page command): the rate, or the error to print.
pub(super) fn parse_load(entry: &str) -> Option<Result<u64, String>> {
    let mut words = entry.split_whitespace();
    if words.next() != Some("load") {
        return None;
    }
    let rate = words.next().and_then(|w| w.parse::<u64>().ok()).filter(|r| (1..=100).contains(r));
    Some(rate.ok_or_else(|| "load: usage: load RATE (1 to 100 writes per second; Ctrl+C stops)".to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn load_reads_its_rate() {
        assert_eq!(parse_load("load 50"), Some(Ok(50)));
        assert!(matches!(parse_load("load x"), Some(Err(_))));
        assert!(matches!(parse_load("load 0"), Some(Err(_))));
        assert_eq!(parse_load("etcdctl get load"), None);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn load_writes_at_its_rate_until_ctrl_c() {
        let mut e = Engine::new(3, 3);
        for _ in 0..30 {
            e.frame(100.0);
        }
        e.run_line(0, "load 20");
        for _ in 0..20 {
            e.frame(100.0);
        }
        let sent = e.tabs[0].load.as_ref().map_or(0, |l| l.sent);
        assert!((30..=41).contains(&sent), "{sent} writes in 2 s at 20/s");
        e.interrupt(0);
        assert!(e.tabs[0].load.is_none());
        let last = e.tab_texts(0).last().cloned().unwrap_or_default();
        assert!(last.ends_with("answered OK"), "{last}");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn load_reaches_a_cluster_that_serves_tls() {
        let mut e = Engine::new(3, 3);
        e.run_line(0, "cluster reset --tls");
        for _ in 0..30 {
            e.frame(100.0);
        }
        e.run_line(0, "load 10");
        for _ in 0..20 {
            e.frame(100.0);
        }
        e.interrupt(0);
        let last = e.tab_texts(0).last().cloned().unwrap_or_default();
        let numbers: Vec<u64> = last.split(' ').filter_map(|w| w.parse().ok()).collect();
        let [sent, ok] = numbers[..] else { panic!("{last}") };
        // 10 writes a second for 2 s; only the one in flight at Ctrl+C may lack its answer.
        assert!((15..=21).contains(&sent) && ok + 1 >= sent, "{last}");
    }
}
