//! The console: tabs, the active tab's output (the newest lines only, so
//! ten thousand lines stay fast), a pending indicator with virtual elapsed
//! time, and the prompt with history (kept across reloads), heredocs, Tab
//! completion, Ctrl+C and Ctrl+L; its tabs follow the tabs pattern's
//! keyboard (`components/layout/tabs.rs`).

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

use crate::components::console::editor::Editor;
use crate::components::layout::tabs::{on_tab_keydown, roving_tabindex};
use crate::console_log::Stream;
use crate::engine::VISIBLE_TABS;
use crate::live::{handler, live, show};
use crate::state::AppState;

/// Output lines drawn at most; older ones stay in memory, summarised.
pub const DRAWN_LINES: usize = 600;

/// The DOM id of the console's tab panel, which both tabs control.
const PANEL_ID: &str = "console-tabpanel";

/// The console panel.
#[component]
pub fn Terminal() -> impl IntoView {
    let state = expect_context::<AppState>();
    let input = RwSignal::new(String::new());
    // Lines of a heredoc typed so far (the entry is not complete yet).
    let partial = RwSignal::new(String::new());
    let hint = RwSignal::new(String::new());
    let output_ref = NodeRef::<leptos::html::Div>::new();
    let input_ref = NodeRef::<leptos::html::Input>::new();
    let tab = state.active_tab;
    // Tabs pressed in a row on the same text: the second lists candidates.
    let tabs_in_row = RwSignal::new(0u32);
    // The banner's sentence for this tab's endpoint, repeated above the
    // prompt on a phone (the stage scrolls away while typing).
    let banner = Memo::new(move |_| {
        state.console.track();
        let t = tab.get();
        let endpoint = state.read(|e| e.tabs.get(t).map_or(1, |x| x.endpoint)).unwrap_or(1);
        state.stage.with(|s| crate::components::cluster::quorum::banner(&s.quorum, endpoint))
    });
    // The input has focus when the page opens (not on a phone: that would
    // raise its keyboard over the stage).
    Effect::new(move |_| {
        if let Some(el) = input_ref.get()
            && !crate::browser::narrow()
        {
            let _ = el.focus();
        }
    });

    let lines = Memo::new(move |_| {
        state.console.track();
        let t = tab.get();
        state
            .read(|e| {
                e.tabs.get(t).map(|tab| {
                    let all = tab.log.lines();
                    let from = all.len().saturating_sub(DRAWN_LINES);
                    (from, all[from..].to_vec())
                })
            })
            .flatten()
            .unwrap_or_default()
    });
    let prompt = Memo::new(move |_| {
        state.console.track();
        let t = tab.get();
        state.read(|e| e.prompt(t)).unwrap_or_default()
    });
    // The password prompt the tab's command waits at: the field is masked.
    let secret = Memo::new(move |_| {
        state.console.track();
        let t = tab.get();
        state.read(|e| e.password_prompt(t)).flatten()
    });
    // What the tab's command waits for, with the virtual time it has waited.
    let pending = Memo::new(move |_| {
        let t = tab.get();
        state.clock.track();
        state.console.track();
        state
            .read(|e| {
                e.pending(t).map(|(what, since)| {
                    let secs = e.now().saturating_sub(since) as f64 / 1000.0;
                    format!("{what} · {secs:.1} s (virtual)")
                })
            })
            .flatten()
    });
    // The editor pane covers the tab that opened it.
    let editing = Memo::new(move |_| {
        state.console.track();
        let t = tab.get();
        state.read(|e| e.editor().is_some_and(|p| p.tab == t)).unwrap_or(false)
    });
    let last_exit = Memo::new(move |_| {
        state.console.track();
        let t = tab.get();
        state.read(|e| e.tabs.get(t).map_or(0, |x| x.last_exit)).unwrap_or(0)
    });

    // Keep the newest line in view (an empty console has nothing to
    // scroll: reading its height would force a layout of the page at start).
    Effect::new(move |_| {
        if lines.with(|(_, l)| l.is_empty()) {
            return;
        }
        if let Some(el) = output_ref.get() {
            el.set_scroll_top(el.scroll_height());
        }
    });

    // Lines pasted and not run yet: they run one after another, each once
    // the command before it has finished, as a shell runs pasted lines.
    let pasted = RwSignal::new(std::collections::VecDeque::<String>::new());
    // One line as if typed and entered: it completes an entry (which runs)
    // or continues one (a heredoc, a trailing `\`, an open quote).
    let enter = move |line: String| {
        let entry = if partial.with_untracked(String::is_empty) {
            line
        } else {
            format!("{}\n{line}", partial.get_untracked())
        };
        if ctl::Console::needs_more(&entry) {
            partial.set(entry);
            return;
        }
        partial.set(String::new());
        let t = tab.get_untracked();
        let history = state.act(|e| {
            e.run_line(t, &entry);
            e.tabs.get(t).map(|tab| tab.log.history().to_vec())
        });
        if let Some(Some(h)) = history {
            crate::browser::save_history(&h);
            state.engine.update_value(|e| {
                for (i, other) in e.tabs.iter_mut().enumerate() {
                    if i != t {
                        other.log.set_history(h.clone());
                    }
                }
            });
        }
    };
    let drain = move || {
        loop {
            let t = tab.get_untracked();
            if state.read(|e| e.pending(t).is_some()).unwrap_or(true) {
                return;
            }
            let Some(Some(line)) = pasted.try_update(|q| q.pop_front()) else { return };
            enter(line);
        }
    };
    // A command finished (the console changed): the next pasted line.
    Effect::new(move |_| {
        state.console.track();
        if !pasted.with(|q| q.is_empty()) {
            drain();
        }
    });
    let submit = move || {
        let line = input.get_untracked();
        input.set(String::new());
        hint.set(String::new());
        if secret.get_untracked().is_some() {
            // The answer, as typed: no continuation, no history.
            let t = tab.get_untracked();
            state.act(|e| e.run_line(t, &line));
            return;
        }
        if pasted.with_untracked(|q| q.is_empty()) {
            enter(line);
        } else {
            // Typed after a paste still running: it waits its turn.
            pasted.update(|q| q.push_back(line));
        }
    };
    // A paste of several lines: every whole line is entered in turn; the
    // text after the last newline stays in the field, as in a terminal.
    let on_paste = move |ev: leptos::ev::ClipboardEvent| {
        let Some(text) = ev.clipboard_data().and_then(|d| d.get_data("text").ok()) else { return };
        if !text.contains('\n') {
            return;
        }
        ev.prevent_default();
        hint.set(String::new());
        let text = format!("{}{}", input.get_untracked(), text.replace("\r\n", "\n"));
        let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        let rest = lines.pop().unwrap_or_default();
        input.set(rest);
        pasted.update(|q| q.extend(lines));
        drain();
    };
    // Another tab comes to the front: a half-typed heredoc and pasted lines
    // not run yet stay behind.
    let select = move |i: usize| {
        tab.set(i);
        partial.set(String::new());
        pasted.update(|q| q.clear());
    };
    // Tab, as a shell's: one candidate is completed; several are completed
    // to their common prefix, and listed on the second Tab in a row (at
    // once with `list`, the on-screen key). Returns false when there is
    // nothing to complete (an empty line, no candidate, or a third Tab
    // after the list): then Tab moves focus on, as it does elsewhere.
    let complete = move |list: bool| -> bool {
        let line = input.get_untracked();
        if line.trim().is_empty() {
            hint.set(String::new());
            return false;
        }
        let Some(candidates) = state.read(|e| e.complete(&line)) else {
            return false;
        };
        match candidates.len() {
            0 => {
                hint.set(String::new());
                false
            }
            1 => {
                // A whole word gets a space after it; a flag's `=` or a folder's `/` does not.
                let one = &candidates[0];
                let open = one.ends_with('=') || one.ends_with('/');
                input.set(if open { one.clone() } else { format!("{one} ") });
                hint.set(String::new());
                tabs_in_row.set(0);
                true
            }
            _ => {
                let common = common_prefix(&candidates);
                let presses = tabs_in_row.get_untracked() + 1;
                tabs_in_row.set(presses);
                if presses > 2 && !list && common.len() <= line.len() {
                    // Listed already: the third Tab moves on (nobody is trapped).
                    tabs_in_row.set(0);
                    return false;
                }
                if common.len() > line.len() {
                    input.set(common);
                    tabs_in_row.set(1);
                } else if list || presses >= 2 {
                    let shown: Vec<&str> =
                        candidates.iter().take(12).map(|c| c.rsplit(' ').next().unwrap_or(c)).collect();
                    let more = candidates.len().saturating_sub(12);
                    let tail = if more > 0 { format!("  (+{more} more)") } else { String::new() };
                    hint.set(format!("{}{tail}", shown.join("  ")));
                } else {
                    hint.set(format!("{} candidates: Tab again lists them", candidates.len()));
                }
                true
            }
        }
    };
    let history_prev = move || {
        let t = tab.get_untracked();
        if let Some(Some(prev)) = state
            .engine
            .try_update_value(|e| e.tabs.get_mut(t).and_then(|tab| tab.log.history_prev().map(str::to_owned)))
        {
            input.set(prev);
        }
    };
    let history_next = move || {
        let t = tab.get_untracked();
        if let Some(Some(next)) =
            state.engine.try_update_value(|e| e.tabs.get_mut(t).map(|tab| tab.log.history_next().to_owned()))
        {
            input.set(next);
        }
    };
    let ctrl_c = move || {
        let t = tab.get_untracked();
        partial.set(String::new());
        pasted.update(|q| q.clear());
        input.set(String::new());
        hint.set(String::new());
        state.act(|e| e.interrupt(t));
    };
    let on_keydown = move |ev: KeyboardEvent| {
        let t = tab.get_untracked();
        match ev.key().as_str() {
            "Enter" => {
                ev.prevent_default();
                submit();
            }
            // Nothing to complete: the browser moves focus on.
            "Tab"
                if !ev.shift_key()
                    && !ev.ctrl_key()
                    && !ev.alt_key()
                    && !ev.meta_key()
                    && complete(false) =>
            {
                ev.prevent_default();
            }
            "Escape" => {
                // Releases the keyboard: focus goes to the output (it
                // scrolls with the arrow keys; Tab goes on from there).
                ev.prevent_default();
                hint.set(String::new());
                if let Some(out) = output_ref.get_untracked() {
                    let _ = out.focus();
                }
            }
            "ArrowUp" => {
                ev.prevent_default();
                history_prev();
            }
            "ArrowDown" => {
                ev.prevent_default();
                history_next();
            }
            "c" | "C" if ev.ctrl_key() => {
                // With text selected, Ctrl+C copies; otherwise it interrupts.
                let selected = web_sys::window()
                    .and_then(|w| w.get_selection().ok().flatten())
                    .is_some_and(|s| !s.is_collapsed());
                let field_selection = ev
                    .target()
                    .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok())
                    .and_then(|i| Some((i.selection_start().ok()??, i.selection_end().ok()??)))
                    .is_some_and(|(a, b)| a != b);
                if !selected && !field_selection {
                    ev.prevent_default();
                    ctrl_c();
                }
            }
            "l" | "L" if ev.ctrl_key() => {
                ev.prevent_default();
                // Recorded, so a reload or a share link shows the same.
                state.act(|e| e.clear(t));
            }
            _ => {}
        }
    };

    view! {
        <section class="panel console" data-testid="console" aria-labelledby="console-title">
            <div class="panel-head">
                <h2 id="console-title">"Console"</h2>
                <div class="tabs" role="tablist" aria-label="console tabs">
                    {(0..VISIBLE_TABS)
                        .map(|i| {
                            view! {
                                <button
                                    role="tab"
                                    class="tab"
                                    id=format!("console-tab-{}", i + 1)
                                    data-testid=format!("console-tab-{}", i + 1)
                                    aria-controls=PANEL_ID
                                    aria-selected=live(move || (tab.get() == i).to_string())
                                    tabindex=live(move || roving_tabindex(tab.get() == i).to_string())
                                    on:click=handler(move |_| select(i))
                                    on:keydown=handler(move |ev| {
                                        if let Some(next) = on_tab_keydown(&ev, tab.get_untracked(), VISIBLE_TABS) {
                                            select(next);
                                        }
                                    })
                                >
                                    {format!("Tab {}", i + 1)}
                                    {move || {
                                        state.console.track();
                                        state
                                            .read(|e| e.pending(i).is_some())
                                            .unwrap_or(false)
                                            .then_some(" •")
                                    }}
                                </button>
                            }
                            .into_any()
                        })
                        .collect_view()}
                </div>
                <label class="endpoint">
                    <span>"endpoint"</span>
                    <select
                        data-testid="endpoint"
                        prop:value=live(move || {
                            state.console.track();
                            let t = tab.get();
                            state.read(|e| e.tabs.get(t).map_or(1, |x| x.endpoint)).unwrap_or(1).to_string()
                        })
                        on:change=handler(move |ev| {
                            let n: u64 = event_target_value(&ev).parse().unwrap_or(1);
                            let t = tab.get_untracked();
                            state.act(|e| e.set_endpoint(t, n));
                        })
                    >
                        {live(move || {
                            state
                                .stage
                                .with(|s| s.members.iter().map(|m| (m.number, m.name.clone())).collect::<Vec<_>>())
                                .into_iter()
                                .map(|(n, name)| view! { <option value=n.to_string()>{name}</option> }.into_any())
                                .collect_view()
                                .into_any()
                        })}
                    </select>
                </label>
            </div>
            {show(live(move || editing.get()), live(move || view! { <Editor /> }.into_any()))}
            <div
                class="console-body"
                role="tabpanel"
                id=PANEL_ID
                aria-labelledby=live(move || format!("console-tab-{}", tab.get() + 1))
            >
            {show(
                live(move || lines.with(|(from, l)| *from == 0 && l.is_empty())),
                live(move || {
                    view! {
                        <div class="welcome" aria-hidden="true">
                            <p>"A kubeadm control-plane node runs in this tab, as on the CKA exam. Its etcd serves TLS: give etcdctl the certificates once,"</p>
                            <p><code>{ctl::pki::ETCDCTL_ENV}</code></p>
                            <p>"then try "<code>"etcdctl get / --prefix --keys-only"</code>" and "<code>"etcdctl put greeting hello"</code>". Stop two members (click one on the ring, then Stop; or type "<code>"cluster stop etcd-2"</code>") and try again. "<code>"help"</code>" lists the commands."</p>
                        </div>
                    }
                    .into_any()
                }),
            )}
            <div class="console-output" data-testid="console-output" role="log" aria-live="polite" aria-label="console output" tabindex="0" node_ref=output_ref>
                {live(move || {
                    let (from, _) = lines.get();
                    (from > 0).then(|| view! { <div class="hidden-lines">{format!("… {from} earlier lines not shown")}</div> }.into_any())
                })}
                <For
                    each=move || {
                        let t = tab.get();
                        blocks(&lines.get().1).into_iter().map(move |b| (t, b))
                    }
                    // Tab, first line id and length in one `u64`, the key type
                    // of the page's other numeric lists (a tab's ids stay far
                    // below 2^40): a table that grows is drawn again.
                    key=|(t, b)| ((*t as u64) << 56) | ((b.lines[0].id & 0xff_ffff_ffff) << 16) | (b.lines.len() as u64).min(0xffff)
                    children=|(_, b)| {
                        let rows = b.lines.into_iter().map(line_view).collect_view();
                        if b.table {
                            // etcdctl's and cluster status's tables, and kubectl's
                            // space-aligned columns, keep their shape and scroll
                            // sideways on their own; prompts and the rest wrap.
                            view! { <div class="table-block" data-testid="console-table" tabindex="0" role="group" aria-label="table (scrolls sideways)">{rows}</div> }.into_any()
                        } else {
                            rows.into_any()
                        }
                    }
                />
            </div>
            {show(
                live(move || pending.with(Option::is_some)),
                live(move || {
                    view! {
                        <div class="pending" data-testid="console-pending" role="status" aria-live="off">
                            <span class="spinner" aria-hidden="true"></span>
                            {live(move || pending.get().unwrap_or_default())}
                        </div>
                    }
                    .into_any()
                }),
            )}
            {live(move || (!hint.get().is_empty()).then(|| view! { <div class="hint">{hint.get()}</div> }.into_any()))}
            <div
                class=live(move || format!("console-banner {}", banner.get().0.as_str()))
                data-testid="console-banner"
                data-state=live(move || banner.get().0.as_str().to_string())
                aria-hidden="true"
            >
                {live(move || banner.get().1)}
            </div>
            <label class="console-prompt">
                {live(move || (last_exit.get() != 0).then(|| view! {
                    <span class="exit" data-testid="console-exit" title="exit status of the last command">{last_exit.get()}</span>
                }.into_any()))}
                <span class="prompt" data-testid="console-prompt" aria-hidden="true">
                    {live(move || match secret.get() {
                        Some(ask) => ask,
                        None if partial.with(String::is_empty) => prompt.get(),
                        None => "> ".to_string(),
                    })}
                </span>
                <span class="visually-hidden">{live(move || if secret.with(Option::is_some) { "Password" } else { "Command" }.to_string())}</span>
                <input
                    type=live(move || if secret.with(Option::is_some) { "password" } else { "text" }.to_string())
                    data-testid="console-input"
                    autocomplete="off"
                    autocapitalize="off"
                    spellcheck="false"
                    // A phone has the keys on screen, under the field: a short hint.
                    placeholder=live(move || {
                        if secret.with(Option::is_some) {
                            ""
                        } else if crate::browser::narrow() {
                            "etcdctl put foo bar   (help)"
                        } else {
                            "etcdctl put foo bar   (Tab completes, ↑ history, help)"
                        }
                        .to_string()
                    })
                    node_ref=input_ref
                    prop:value=live(move || input.get())
                    on:input=handler(move |ev| {
                        tabs_in_row.set(0);
                        input.set(event_target_value(&ev));
                    })
                    on:keydown=handler(on_keydown)
                    on:paste=handler(on_paste)
                    on:focus=handler(move |_| keep_prompt_in_view(input_ref))
                />
            </label>
            // A phone has no Tab, arrow or Ctrl key: the same keys on screen.
            // They keep the focus (and the software keyboard) in the input.
            <div class="console-keys" data-testid="console-keys" role="group" aria-label="console keys">
                {[("Tab", "key-tab", "complete (Tab)"), ("↑", "key-up", "previous command (↑)"), ("↓", "key-down", "next command (↓)"), ("Ctrl+C", "key-ctrl-c", "interrupt (Ctrl+C)")]
                    .into_iter()
                    .map(|(label, testid, title)| {
                        view! {
                            <button
                                type="button"
                                class="btn key-btn"
                                data-testid=testid
                                title=title
                                aria-label=title
                                on:pointerdown=handler(move |ev: leptos::ev::PointerEvent| ev.prevent_default())
                                on:click=handler(move |_| {
                                    match testid {
                                        "key-tab" => {
                                            complete(true);
                                        }
                                        "key-up" => history_prev(),
                                        "key-down" => history_next(),
                                        _ => ctrl_c(),
                                    }
                                    if let Some(el) = input_ref.get_untracked() {
                                        let _ = el.focus();
                                    }
                                })
                            >
                                {label}
                            </button>
                        }
                        .into_any()
                    })
                    .collect_view()}
            </div>
            </div>
        </section>
    }
}

/// On a phone, the prompt scrolls into view when it takes focus (and the
/// console with it), so what is typed and its answer stay on screen.
fn keep_prompt_in_view(input: NodeRef<leptos::html::Input>) {
    if !crate::browser::narrow() {
        return;
    }
    if let Some(el) = input.get_untracked() {
        // Aligned with the bottom of the screen: the console above it.
        el.scroll_into_view_with_bool(false);
    }
}

/// Consecutive output lines, drawn together: a run of table lines (it
/// scrolls sideways as one), or one line of anything else.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// A table's lines.
    pub table: bool,
    /// The lines, at least one.
    pub lines: Vec<crate::console_log::Line>,
}

/// `lines` as blocks: each run of stdout table lines one block, every
/// other line a block of its own.
pub fn blocks(lines: &[crate::console_log::Line]) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    for l in lines {
        let table = l.stream == Stream::Stdout && is_table_line(&l.text);
        match out.last_mut() {
            Some(b) if table && b.table => b.lines.push(l.clone()),
            _ => out.push(Block { table, lines: vec![l.clone()] }),
        }
    }
    out
}

/// One output line.
fn line_view(line: crate::console_log::Line) -> AnyView {
    let table = line.stream == Stream::Stdout && is_table_line(&line.text);
    let (class, stream) = match (line.stream, table) {
        (Stream::Input, _) => ("line line-input", "input"),
        (Stream::Stdout, false) => ("line line-stdout", "stdout"),
        (Stream::Stdout, true) => ("line line-stdout line-table", "table"),
        (Stream::Stderr, _) => ("line line-stderr", "stderr"),
    };
    view! { <div class=class data-testid="console-line" data-stream=stream>{line.text}</div> }.into_any()
}

/// A line of a table: etcdctl's `-w table` borders and rows, or columns
/// aligned with runs of spaces (kubectl's `NAME   READY   STATUS`).
pub fn is_table_line(text: &str) -> bool {
    text.starts_with("+-") || text.starts_with("| ") || text.trim().contains("   ")
}

/// The longest common prefix of `items`.
pub fn common_prefix(items: &[String]) -> String {
    let Some(first) = items.first() else { return String::new() };
    let mut len = first.len();
    for s in &items[1..] {
        len = len.min(first.bytes().zip(s.bytes()).take_while(|(a, b)| a == b).count());
    }
    while !first.is_char_boundary(len) {
        len -= 1;
    }
    first[..len].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::console_log::Line;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn line(id: u64, stream: Stream, text: &str) -> Line {
        Line { id, stream, text: text.to_string() }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_tables_lines_are_one_block_and_the_rest_one_block_a_line() {
        let lines = [
            line(1, Stream::Input, "etcd-1 $ etcdctl member list -w table"),
            line(2, Stream::Stdout, "+----+---------+"),
            line(3, Stream::Stdout, "| ID | STATUS  |"),
            line(4, Stream::Stdout, "+----+---------+"),
            line(5, Stream::Input, "etcd-1 $ echo a"),
            line(6, Stream::Stdout, "a"),
            // A stderr line shaped like a table is not part of one.
            line(7, Stream::Stderr, "| oops"),
        ];
        let b = blocks(&lines);
        let shape: Vec<(bool, Vec<u64>)> =
            b.iter().map(|b| (b.table, b.lines.iter().map(|l| l.id).collect())).collect();
        assert_eq!(
            shape,
            [(false, vec![1]), (true, vec![2, 3, 4]), (false, vec![5]), (false, vec![6]), (false, vec![7])]
        );
    }
}
