//! The editor pane over the console: `vi`/`vim`/`nano FILE` open it on
//! FILE; the text is edited in a textarea; Save, Save and quit, Quit, and a
//! vim command line (`:w`, `:wq`, `:x`, `ZZ`, `:q`, `:q!`; Esc moves
//! between the text and the command line; Ctrl+S saves) act as a vim user
//! expects. Saving types `editor-save FILE <<'EOF'` into the console tab
//! that opened it (see `engine/editor.rs`), so it is recorded and replayed.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

use crate::engine::editor::{VimAction, vim_command};
use crate::live::{handler, live};
use crate::state::AppState;

/// The pane, shown while a file is open.
#[component]
pub fn Editor() -> impl IntoView {
    let state = expect_context::<AppState>();
    let buffer = RwSignal::new(String::new());
    let command = RwSignal::new(String::new());
    let message = RwSignal::new(String::new());
    // The pane's generation the buffer was loaded from.
    let loaded = StoredValue::new(0u64);
    let text_ref = NodeRef::<leptos::html::Textarea>::new();
    let command_ref = NodeRef::<leptos::html::Input>::new();

    let pane = Memo::new(move |_| {
        state.console.track();
        state.read(|e| e.editor().cloned()).flatten()
    });
    // A newly opened file (or a save) loads the buffer from the file.
    Effect::new(move |_| {
        let Some(p) = pane.get() else { return };
        if loaded.get_value() != p.generation {
            loaded.set_value(p.generation);
            buffer.set(p.saved.clone());
            if let Some(t) = text_ref.get() {
                let _ = t.focus();
            }
        }
    });
    // Another command changed the file under the pane (vim's W11).
    let changed = Memo::new(move |_| {
        state.console.track();
        state.read(|e| e.editor_file_changed()).unwrap_or(false)
    });
    Effect::new(move |_| {
        if changed.get() {
            let path = pane.with_untracked(|p| p.as_ref().map(|p| p.path.clone())).unwrap_or_default();
            message.set(format!("W11: Warning: File \"{path}\" has changed since editing started"));
        }
    });
    let modified = move || {
        let saved = pane.with(|p| p.as_ref().map(|p| p.saved.clone())).unwrap_or_default();
        let now = buffer.get();
        // vim writes a final newline: a buffer without one is the same file.
        now != saved && format!("{now}\n") != saved
    };

    let close = move || {
        loaded.set_value(0);
        message.set(String::new());
        command.set(String::new());
        state.act(|e| e.editor_close());
    };
    let save = move |quit: bool| {
        let text = buffer.get_untracked();
        let path = pane.with_untracked(|p| p.as_ref().map(|p| p.path.clone())).unwrap_or_default();
        match state.act(|e| e.editor_save(&text)) {
            Some(true) => {
                let lines = text.lines().count();
                message.set(format!("\"{path}\" {lines}L written"));
                if quit {
                    close();
                }
            }
            _ => message.set(format!("\"{path}\" E212: Can't open file for writing")),
        }
    };
    let quit = move |force: bool| {
        if !force && modified() {
            message.set("E37: No write since last change (add ! to override)".to_string());
        } else {
            close();
        }
    };
    let run_command = move || {
        let line = command.get_untracked();
        command.set(String::new());
        match vim_command(&line, modified()) {
            VimAction::Write => save(false),
            VimAction::WriteQuit => save(true),
            VimAction::Quit => quit(true),
            VimAction::Nothing => {}
            VimAction::Error(e) => message.set(e),
        }
        if let Some(t) = text_ref.get_untracked() {
            let _ = t.focus();
        }
    };
    let on_text_key = move |ev: KeyboardEvent| match ev.key().as_str() {
        "Escape" => {
            ev.prevent_default();
            command.set(":".to_string());
            if let Some(c) = command_ref.get_untracked() {
                let _ = c.focus();
            }
        }
        "s" | "S" if ev.ctrl_key() || ev.meta_key() => {
            ev.prevent_default();
            save(false);
        }
        _ => {}
    };
    let on_command_key = move |ev: KeyboardEvent| match ev.key().as_str() {
        "Enter" => {
            ev.prevent_default();
            run_command();
        }
        "Escape" => {
            ev.prevent_default();
            command.set(String::new());
            if let Some(t) = text_ref.get_untracked() {
                let _ = t.focus();
            }
        }
        _ => {}
    };

    view! {
        <div class="editor" data-testid="editor" role="dialog" aria-label="editor">
            <div class="editor-head">
                <span class="editor-file" data-testid="editor-file">
                    {live(move || pane.with(|p| p.as_ref().map(|p| p.path.clone())).unwrap_or_default())}
                </span>
                <span class="editor-flags">
                    {live(move || {
                        let new = pane.with(|p| p.as_ref().is_some_and(|p| p.new_file));
                        let mut flags = String::new();
                        if new {
                            flags.push_str(" [New]");
                        }
                        if modified() {
                            flags.push_str(" [+]");
                        }
                        flags
                    })}
                </span>
                <span class="editor-actions">
                    <button data-testid="editor-save" on:click=handler(move |_| save(false))>"Save"</button>
                    <button data-testid="editor-save-quit" on:click=handler(move |_| save(true))>"Save and quit"</button>
                    <button data-testid="editor-quit" on:click=handler(move |_| quit(false))>"Quit"</button>
                </span>
            </div>
            <textarea
                class="editor-text"
                data-testid="editor-text"
                aria-label="file contents"
                spellcheck="false"
                autocapitalize="off"
                node_ref=text_ref
                prop:value=live(move || buffer.get())
                on:input=handler(move |ev| buffer.set(event_target_value(&ev)))
                on:keydown=handler(on_text_key)
            ></textarea>
            <label class="editor-command">
                <span class="visually-hidden">"vim command"</span>
                <input
                    type="text"
                    data-testid="editor-command"
                    autocomplete="off"
                    autocapitalize="off"
                    spellcheck="false"
                    placeholder="Esc, then :w save · :wq save, quit · :q! quit"
                    node_ref=command_ref
                    prop:value=live(move || command.get())
                    on:input=handler(move |ev| command.set(event_target_value(&ev)))
                    on:keydown=handler(on_command_key)
                />
                <span class="editor-message" data-testid="editor-message" role="status">{live(move || message.get())}</span>
            </label>
        </div>
    }
}
