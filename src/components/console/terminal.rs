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
    let tab = state.active_tab;

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
    let complete = move || {
        let line = input.get_untracked();
        let Some(candidates) = state.read(|e| e.complete(&line)) else {
            return;
        };
        match candidates.len() {
            0 => hint.set(String::new()),
            1 => {
                // A whole word gets a space after it; a flag's `=` or a folder's `/` does not.
                let one = &candidates[0];
                let open = one.ends_with('=') || one.ends_with('/');
                input.set(if open { one.clone() } else { format!("{one} ") });
                hint.set(String::new());
            }
            _ => {
                let common = common_prefix(&candidates);
                if common.len() > line.len() {
                    input.set(common);
                }
                let shown: Vec<&str> =
                    candidates.iter().take(12).map(|c| c.rsplit(' ').next().unwrap_or(c)).collect();
                hint.set(shown.join("  "));
            }
        }
    };
    let on_keydown = move |ev: KeyboardEvent| {
        let t = tab.get_untracked();
        match ev.key().as_str() {
            "Enter" => {
                ev.prevent_default();
                submit();
            }
            "Tab" if !ev.shift_key() => {
                ev.prevent_default();
                complete();
            }
            "ArrowUp" => {
                ev.prevent_default();
                if let Some(Some(prev)) = state.engine.try_update_value(|e| {
                    e.tabs.get_mut(t).and_then(|tab| tab.log.history_prev().map(str::to_owned))
                }) {
                    input.set(prev);
                }
            }
            "ArrowDown" => {
                ev.prevent_default();
                if let Some(Some(next)) = state
                    .engine
                    .try_update_value(|e| e.tabs.get_mut(t).map(|tab| tab.log.history_next().to_owned()))
                {
                    input.set(next);
                }
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
                    partial.set(String::new());
                    pasted.update(|q| q.clear());
                    input.set(String::new());
                    state.act(|e| e.interrupt(t));
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
                            <p>"A real etcd cluster runs in this tab. Try:"</p>
                            <p><code>"etcdctl put greeting hello"</code></p>
                            <p><code>"etcdctl get greeting"</code></p>
                            <p>"then stop two members on the ring and try again. "<code>"help"</code>" lists the commands."</p>
                        </div>
                    }
                    .into_any()
                }),
            )}
            <div class="console-output" data-testid="console-output" role="log" aria-live="polite" node_ref=output_ref>
                {live(move || {
                    let (from, _) = lines.get();
                    (from > 0).then(|| view! { <div class="hidden-lines">{format!("… {from} earlier lines not shown")}</div> }.into_any())
                })}
                <For
                    each=move || {
                        let t = tab.get();
                        lines.get().1.into_iter().map(move |l| (t, l))
                    }
                    // Tab and line id in one `u64`, the key type of the page's
                    // other numeric lists (a tab's ids stay far below 2^48).
                    key=|(t, line)| ((*t as u64) << 48) | line.id
                    children=|(_, line)| {
                        // etcdctl's and cluster status's tables, and kubectl's
                        // space-aligned columns, keep their shape (the output
                        // scrolls sideways) instead of wrapping.
                        let table = is_table_line(&line.text);
                        let (class, stream) = match (line.stream, table) {
                            (Stream::Input, _) => ("line line-input", "input"),
                            (Stream::Stdout, false) => ("line line-stdout", "stdout"),
                            (Stream::Stdout, true) => ("line line-stdout line-table", "table"),
                            (Stream::Stderr, _) => ("line line-stderr", "stderr"),
                        };
                        view! { <div class=class data-testid="console-line" data-stream=stream>{line.text}</div> }.into_any()
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
                    placeholder=live(move || {
                        if secret.with(Option::is_some) { "" } else { "etcdctl put foo bar   (Tab completes, ↑ history, help)" }
                            .to_string()
                    })
                    prop:value=live(move || input.get())
                    on:input=handler(move |ev| input.set(event_target_value(&ev)))
                    on:keydown=handler(on_keydown)
                    on:paste=handler(on_paste)
                />
            </label>
            </div>
        </section>
    }
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
