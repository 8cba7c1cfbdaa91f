//! A console tab: output above, a prompt below, history on ↑/↓, Ctrl+L clears.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

use crate::console_log::{ConsoleLog, Stream};

/// The prompt printed before each echoed command.
pub const PROMPT: &str = "$ ";

/// A terminal that keeps its own [`ConsoleLog`].
#[component]
pub fn Terminal() -> impl IntoView {
    let log = RwSignal::new(ConsoleLog::default());
    let input = RwSignal::new(String::new());

    let on_keydown = move |ev: KeyboardEvent| match ev.key().as_str() {
        "Enter" => {
            ev.prevent_default();
            let line = input.get_untracked();
            input.set(String::new());
            log.update(|log| run_line(log, &line));
        }
        "ArrowUp" => {
            ev.prevent_default();
            let mut prev = None;
            log.update(|log| prev = log.history_prev().map(str::to_owned));
            if let Some(prev) = prev {
                input.set(prev);
            }
        }
        "ArrowDown" => {
            ev.prevent_default();
            let mut next = String::new();
            log.update(|log| next = log.history_next().to_owned());
            input.set(next);
        }
        "l" if ev.ctrl_key() => {
            ev.prevent_default();
            log.update(ConsoleLog::clear);
        }
        _ => {}
    };

    view! {
        <section class="panel console" data-testid="console" aria-labelledby="console-title">
            <div class="panel-head">
                <h2 id="console-title">"Console"</h2>
            </div>
            <div class="console-output" data-testid="console-output" role="log" aria-live="polite">
                <For
                    each=move || log.with(|log| log.lines().to_vec())
                    key=|line| line.id
                    children=|line| {
                        let class = match line.stream {
                            Stream::Input => "line line-input",
                            Stream::Stdout => "line line-stdout",
                            Stream::Stderr => "line line-stderr",
                        };
                        view! { <div class=class>{line.text}</div> }
                    }
                />
            </div>
            <label class="console-prompt">
                <span class="prompt" aria-hidden="true">{PROMPT}</span>
                <span class="visually-hidden">"Command"</span>
                <input
                    type="text"
                    data-testid="console-input"
                    autocomplete="off"
                    autocapitalize="off"
                    spellcheck="false"
                    placeholder="etcdctl put foo bar"
                    prop:value=move || input.get()
                    on:input=move |ev| input.set(event_target_value(&ev))
                    on:keydown=on_keydown
                />
            </label>
        </section>
    }
}

/// Echoes `line` and answers it. The console language (crates/ctl) is not
/// part of the app yet, so every command but `clear` is answered with that.
fn run_line(log: &mut ConsoleLog, line: &str) {
    log.enter(PROMPT, line);
    match line.trim() {
        "" => {}
        "clear" => log.clear(),
        command => log.push(
            Stream::Stderr,
            &format!("{command}: the console language is not connected to this page yet"),
        ),
    }
}
