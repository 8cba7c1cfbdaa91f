//! The console tabs: running an entry in one, and routing what each tab
//! printed to where the page shows it.
//!
//! ```text
//!   tab 0, 1   visible: echoed after the prompt, output in the tab's log
//!   tab 6, 7   the hidden tabs of tab 0's and tab 1's `load` (see load.rs):
//!              only counted
//!   tab 9      the stage's buttons: a queue of line groups run one line at
//!              a time; a failing line prints "LINE: ERROR" in tab 0 and
//!              drops the rest of its group
//! ```
//!
//! A stage line is recorded like a typed one (in tab 9), so a replay runs
//! the same lines at the same times without the queue.

use ctl::{Output, Run};

use super::load::{LOAD_TAB_BASE, parse_load};
use super::{CONSOLE_KEEP, Engine, STAGE_TAB, VISIBLE_TABS};
use crate::console_log::Stream;
use crate::session::Act;

impl Engine {
    /// What tabs printed and whether their commands finished.
    pub(super) fn route(&mut self, runs: Vec<(usize, Run)>) {
        for (tab, run) in runs {
            let done = matches!(run, Run::Done(_));
            let out = match run {
                Run::Done(o) | Run::Streaming(o) => o,
            };
            self.output(tab, out, done);
        }
    }

    /// Shows what tab `tab` printed; `done`: its command has finished.
    pub(super) fn output(&mut self, tab: usize, out: Output, done: bool) {
        if tab == STAGE_TAB {
            if done
                && let Some(line) = self.stage_busy.take()
                && out.exit != 0
            {
                self.stage_rest.clear();
                let err = if out.stderr.is_empty() { out.stdout } else { out.stderr };
                self.print(0, Stream::Stderr, &format!("{line}: {}", err.trim_end()));
            }
            return;
        }
        if let Some(t) = tab.checked_sub(LOAD_TAB_BASE).filter(|t| *t < VISIBLE_TABS) {
            if done {
                self.load_answered(t, out.exit);
            }
            return;
        }
        let Some(t) = self.tabs.get_mut(tab) else { return };
        if out.clear {
            t.log.clear();
        }
        // Both streams in the order the command wrote them.
        for (err, text) in out.chunks() {
            t.log.push(if err { Stream::Stderr } else { Stream::Stdout }, text);
        }
        t.log.keep_last(CONSOLE_KEEP);
        if done {
            t.last_exit = out.exit;
            let finished = t.running.take();
            if let Some(path) = out.edit.clone()
                && !self.replaying
            {
                self.open_editor(tab, path);
            }
            if out.exit == 0
                && !self.replaying
                && let Some((entry, _)) = finished
                && let Some(path) = snapshot_saved(&entry)
            {
                let file = self.console.vfs().resolve(&path);
                if let Some(bytes) = self.console.vfs().read(&file) {
                    let name = path.rsplit('/').next().unwrap_or(&path).to_string();
                    self.downloads.push((name, bytes.to_vec()));
                }
            }
            // The shell reads the next line typed meanwhile.
            if let Some(next) = self.console.next_typed_in(tab) {
                self.exec(tab, &next);
            }
        }
        self.console_version += 1;
    }

    /// Prints `text` in visible tab `tab`, as the page's own message.
    pub(super) fn print(&mut self, tab: usize, stream: Stream, text: &str) {
        if let Some(t) = self.tabs.get_mut(tab) {
            t.log.push(stream, text);
            t.log.keep_last(CONSOLE_KEEP);
        }
        self.console_version += 1;
    }

    /// Runs `entry` in console tab `tab` (visible, the stage's or a load's).
    /// A visible tab whose command still runs keeps the line, as a terminal
    /// keeps type-ahead: it runs once the command is done (or answers its
    /// password prompt); Ctrl+C drops it.
    pub(super) fn exec(&mut self, tab: usize, entry: &str) {
        if tab < VISIBLE_TABS && self.tabs[tab].running.is_some() {
            self.console.type_ahead_in(tab, entry);
            self.console_version += 1;
            return;
        }
        if tab < VISIBLE_TABS {
            // Echoed after the prompt; a replayed line is not new history.
            let prompt = self.prompt(tab);
            let log = &mut self.tabs[tab].log;
            if super::editor::is_save(entry) {
                self.echo_save(tab, entry);
            } else if self.replaying {
                log.push(Stream::Input, &format!("{prompt}{entry}"));
            } else {
                log.enter(&prompt, entry);
            }
            self.console_version += 1;
            if let Some(load) = parse_load(entry) {
                self.start_load(tab, load);
                return;
            }
            if let Some(n) = endpoint_number(entry) {
                self.tabs[tab].endpoint = n;
            }
        }
        let started = self.now();
        let events = self.sim().events().total();
        let (out, done) = match self.console.run_line_in(tab, entry) {
            Run::Done(out) => (out, true),
            Run::Streaming(out) => (out, false),
        };
        if tab < VISIBLE_TABS || tab == STAGE_TAB {
            self.note_user_requests(events);
        }
        if tab < VISIBLE_TABS {
            self.tabs[tab].running = Some((entry.to_string(), started));
        } else if tab == STAGE_TAB {
            self.stage_busy = Some(entry.to_string());
        }
        self.output(tab, out, done);
        self.sync_view();
    }

    /// Stops tab `tab`'s command, stream or load (Ctrl+C, recorded or replayed).
    pub(super) fn stop(&mut self, tab: usize) {
        if self.stop_load(tab) {
            return;
        }
        let out = self.console.interrupt_in(tab);
        if let Some(t) = self.tabs.get_mut(tab) {
            t.log.push(Stream::Stdout, "^C");
        }
        self.output(tab, out, true);
    }

    /// Queues stage actions: console lines run one after another in the
    /// hidden stage tab; the rest is dropped when one fails.
    pub fn stage(&mut self, lines: Vec<String>) {
        if !lines.is_empty() {
            self.stage_queue.push_back(lines);
            self.next_stage_line();
        }
    }

    /// Runs the stage's next line, if the stage tab is free (recorded).
    pub(super) fn next_stage_line(&mut self) {
        if self.stage_busy.is_some() {
            return;
        }
        if self.stage_rest.is_empty() {
            match self.stage_queue.pop_front() {
                Some(lines) => self.stage_rest = lines,
                None => return,
            }
        }
        let line = self.stage_rest.remove(0);
        let act = Act::Line(line);
        self.record(STAGE_TAB, act.clone());
        self.apply(STAGE_TAB, &act);
        self.console_version += 1;
    }

    /// The prompt of tab `i`.
    pub fn prompt(&self, i: usize) -> String {
        format!("etcd-{} $ ", self.tabs.get(i).map_or(1, |t| t.endpoint))
    }

    /// Sets tab `tab`'s endpoint to member `etcd-N`: types the export.
    pub fn set_endpoint(&mut self, tab: usize, n: u64) {
        let url = self.console.member_url(&format!("http://127.0.0.{n}:2379"));
        self.run_line(tab, &format!("export ETCDCTL_ENDPOINTS={url}"));
    }

    /// The prompt tab `tab`'s command waits at when it asks for a password
    /// (`Password: `): the page hides what is typed and sends it as the
    /// answer (a typed line, as a terminal hands type-ahead to the prompt).
    pub fn password_prompt(&self, tab: usize) -> Option<String> {
        self.console.prompt_in(tab).filter(|p| p.masked).map(|p| p.text)
    }

    /// What tab `tab` waits for, and since when (virtual ms).
    pub fn pending(&self, tab: usize) -> Option<(String, u64)> {
        let t = self.tabs.get(tab)?;
        if let Some(l) = &t.load {
            return Some((format!("load: {} sent, {} OK", l.sent, l.ok), l.started_ms));
        }
        let (entry, since) = t.running.as_ref()?;
        let since = self.console.pending_since_ms(tab).unwrap_or(*since);
        Some((waiting_for(entry).to_string(), since))
    }

    /// Recent output lines of tab `tab`, for tests.
    pub fn tab_texts(&self, tab: usize) -> Vec<String> {
        self.tabs.get(tab).map(|t| t.log.lines().iter().map(|l| l.text.clone()).collect()).unwrap_or_default()
    }
}

/// The member number an `export ETCDCTL_ENDPOINTS=...127.0.0.N:2379` picks.
fn endpoint_number(entry: &str) -> Option<u64> {
    let rest = entry.trim().strip_prefix("export ETCDCTL_ENDPOINTS=")?;
    let first = rest.trim_matches(|c| c == '"' || c == '\'').split(',').next()?;
    let host = first.trim_start_matches("http://").trim_start_matches("https://");
    host.split(':').next()?.strip_prefix("127.0.0.")?.parse().ok()
}

/// The file `etcdctl snapshot save FILE` wrote, if `entry` is one.
fn snapshot_saved(entry: &str) -> Option<String> {
    let words: Vec<&str> = entry.split_whitespace().filter(|w| !w.starts_with('-')).collect();
    let at = words.windows(2).position(|w| w == ["snapshot", "save"])?;
    (words.first() == Some(&"etcdctl")).then(|| words.get(at + 2).map(|s| s.to_string()))?
}

/// What a command still running is doing, in words.
fn waiting_for(entry: &str) -> &'static str {
    let words: Vec<&str> = entry.split_whitespace().collect();
    let has = |w: &str| words.contains(&w);
    if has("watch") || (has("kubectl") && (has("-w") || has("--watch"))) {
        "watching… Ctrl+C stops"
    } else if has("keep-alive") {
        "keeping the lease alive… Ctrl+C stops"
    } else if has("lock") || has("elect") {
        "holding… Ctrl+C stops"
    } else if has("sleep") {
        "sleeping… Ctrl+C stops"
    } else {
        "waiting for the cluster… Ctrl+C cancels"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn helpers_read_lines() {
        assert_eq!(endpoint_number("export ETCDCTL_ENDPOINTS=http://127.0.0.3:2379"), Some(3));
        assert_eq!(snapshot_saved("etcdctl snapshot save snap.db").as_deref(), Some("snap.db"));
        assert_eq!(
            snapshot_saved("etcdctl --endpoints=x snapshot save /tmp/a.db").as_deref(),
            Some("/tmp/a.db")
        );
        assert_eq!(snapshot_saved("etcdutl snapshot save a"), None);
        assert_eq!(waiting_for("etcdctl watch foo"), "watching… Ctrl+C stops");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn watch_cmd_redraws_the_tab_each_interval_until_ctrl_c() {
        let mut e = Engine::new(5, 3);
        for tab in [0, 1] {
            crate::engine::tests::use_certs(&mut e, tab);
        }
        e.run_line(0, "etcdctl put k v1");
        for _ in 0..20 {
            e.frame(100.0);
        }
        e.run_line(0, "watch -n 1 etcdctl get k --print-value-only");
        for _ in 0..5 {
            e.frame(100.0);
        }
        // A frame cleared the tab: only the title, a blank line and the value.
        let texts = e.tab_texts(0);
        assert!(
            texts.first().is_some_and(|t| t.starts_with("Every 1.0s: etcdctl get k --print-value-only")),
            "{texts:?}"
        );
        assert_eq!(texts.last().map(String::as_str), Some("v1"), "{texts:?}");
        e.run_line(1, "etcdctl put k v2");
        for _ in 0..15 {
            e.frame(100.0);
        }
        assert_eq!(e.tab_texts(0).last().map(String::as_str), Some("v2"), "{:?}", e.tab_texts(0));
        assert!(e.pending(0).is_some());
        e.interrupt(0);
        assert!(e.pending(0).is_none());
        assert_eq!(e.tabs[0].last_exit, 130);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_failing_stage_line_drops_the_rest_of_its_group() {
        let mut e = Engine::new(5, 3);
        e.stage(vec!["cluster stop etcd-9".into(), "cluster stop etcd-2".into()]);
        for _ in 0..5 {
            e.frame(16.0);
        }
        let last = e.tab_texts(0).last().cloned().unwrap_or_default();
        assert!(last.starts_with("cluster stop etcd-9: "), "{last}");
        assert!(e.sim().running().len() == 3, "etcd-2 was not stopped");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_line_typed_while_a_command_runs_waits_for_it() {
        let mut e = Engine::new(7, 3);
        e.frame(100.0);
        crate::engine::tests::use_certs(&mut e, 0);
        e.run_line(0, "sleep 1");
        e.run_line(0, "etcdctl put a 1");
        e.run_line(0, "etcdctl get a --print-value-only");
        // The sleep is not interrupted; the typed lines wait for it.
        assert!(e.pending(0).is_some());
        assert_eq!(e.console.typed_ahead(0).len(), 2);
        for _ in 0..200 {
            e.frame(16.0);
        }
        let texts = e.tab_texts(0);
        assert_eq!(
            texts,
            [
                "etcd-1 $ sleep 1",
                "etcd-1 $ etcdctl put a 1",
                "OK",
                "etcd-1 $ etcdctl get a --print-value-only",
                "1"
            ],
            "{texts:?}"
        );
        assert_eq!(e.tabs[0].last_exit, 0);
        // Ctrl+C stops the command and drops what was typed ahead.
        e.run_line(0, "sleep 5");
        e.run_line(0, "etcdctl put a 2");
        e.interrupt(0);
        for _ in 0..50 {
            e.frame(16.0);
        }
        assert!(e.console.typed_ahead(0).is_empty());
        assert_eq!(e.tab_texts(0).last().map(String::as_str), Some("^C"), "{:?}", e.tab_texts(0));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_password_prompt_takes_the_next_line_typed() {
        let mut e = Engine::new(7, 3);
        e.frame(100.0);
        crate::engine::tests::use_certs(&mut e, 0);
        for line in ["etcdctl user add root:rootpw", "etcdctl auth enable"] {
            super::super::tests::run(&mut e, 0, line);
        }
        e.run_line(0, "etcdctl --user root put k v");
        for _ in 0..20 {
            e.frame(16.0);
        }
        assert_eq!(e.password_prompt(0).as_deref(), Some("Password: "));
        e.run_line(0, "rootpw");
        for _ in 0..100 {
            e.frame(16.0);
        }
        assert_eq!(e.password_prompt(0), None);
        let texts = e.tab_texts(0);
        // The answer is neither echoed nor kept in the history.
        assert_eq!(
            texts[texts.len() - 3..],
            ["etcd-1 $ etcdctl --user root put k v", "Password: ", "OK"],
            "{texts:?}"
        );
        assert!(!e.tabs[0].log.history().iter().any(|h| h == "rootpw"));
    }
}
