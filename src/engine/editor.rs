//! The editor pane: `vi FILE` in a visible tab opens it on FILE; saving
//! types `editor-save FILE <<'EOF'` into that tab, so a save is a recorded
//! console input that a reload or a share link replays.
//!
//! ```text
//!   vi etcd.yaml        -> Output::edit = "/root/etcd.yaml"  -> Engine::editor() = Some(pane)
//!   :w (or Save)        -> editor-save /root/etcd.yaml <<'EOF' ... EOF   (run in the tab, recorded)
//!   :q  with changes    -> "E37: No write since last change (add ! to override)"
//!   :wq, :x, ZZ         -> save, then close;   :q!  -> close, changes dropped
//! ```
//!
//! The vim command line is a pure function ([`vim_command`]), tested natively.

use ctl::shell::editor::EDITOR_SAVE;

use super::Engine;
use crate::console_log::Stream;

/// The file open in the editor pane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditorPane {
    /// The console tab that opened it (saves run there).
    pub tab: usize,
    /// The file, an absolute path.
    pub path: String,
    /// The file's text when opened or last saved (the pane's buffer starts from it).
    pub saved: String,
    /// The file did not exist yet (vim's `[New]`).
    pub new_file: bool,
    /// Bumped on every open and save, so the page reloads its buffer.
    pub generation: u64,
    /// The filesystem's version when the pane last read or wrote the file.
    pub mark: u64,
}

/// What a line typed in the pane's command line asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VimAction {
    /// `:w`: save.
    Write,
    /// `:wq`, `:x`, `ZZ`: save and close.
    WriteQuit,
    /// `:q` without changes, `:q!`: close.
    Quit,
    /// Nothing to do (an empty line).
    Nothing,
    /// vim's message for a command it refuses.
    Error(String),
}

/// Reads a command typed in the pane's command line as vim would
/// (`modified`: the buffer differs from the file).
pub fn vim_command(line: &str, modified: bool) -> VimAction {
    let cmd = line.trim();
    if cmd == "ZZ" {
        return VimAction::WriteQuit;
    }
    if cmd == "ZQ" {
        return VimAction::Quit;
    }
    let Some(cmd) = cmd.strip_prefix(':') else {
        return if cmd.is_empty() {
            VimAction::Nothing
        } else {
            VimAction::Error(format!("E492: Not an editor command: {cmd}"))
        };
    };
    match cmd.trim() {
        "" => VimAction::Nothing,
        "w" | "w!" | "write" => VimAction::Write,
        "wq" | "wq!" | "x" | "x!" | "xit" | "exit" | "wqa" | "xa" => VimAction::WriteQuit,
        "q!" | "quit!" | "qa!" | "cq" => VimAction::Quit,
        "q" | "quit" | "qa" if !modified => VimAction::Quit,
        "q" | "quit" | "qa" => VimAction::Error("E37: No write since last change (add ! to override)".into()),
        other => VimAction::Error(format!("E492: Not an editor command: {other}")),
    }
}

/// The console entry that saves `text` to `path`: a quoted heredoc whose
/// terminator appears nowhere in the text as a line. The text ends with a
/// newline, as vim writes it.
pub fn save_entry(path: &str, text: &str) -> String {
    let mut body = text.replace("\r\n", "\n").replace('\r', "\n");
    if !body.is_empty() && !body.ends_with('\n') {
        body.push('\n');
    }
    let mut word = "EOF".to_string();
    let mut n = 0;
    while body.lines().any(|l| l == word) {
        n += 1;
        word = format!("EOF_{n}");
    }
    let quoted = if path.chars().all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c)) {
        path.to_string()
    } else {
        format!("'{}'", path.replace('\'', r"'\''"))
    };
    format!("{EDITOR_SAVE} {quoted} <<'{word}'\n{body}{word}")
}

impl Engine {
    /// The file open in the editor pane, if any.
    pub fn editor(&self) -> Option<&EditorPane> {
        self.editor.as_ref()
    }

    /// Opens `path` in the pane for tab `tab` (a `vi FILE` finished there).
    pub(super) fn open_editor(&mut self, tab: usize, path: String) {
        let bytes = self.console.vfs().read(&path).map(<[u8]>::to_vec);
        let generation = self.editor.as_ref().map_or(0, |e| e.generation) + 1;
        let mark = self.console.vfs().version();
        self.editor = Some(EditorPane {
            mark,
            tab,
            new_file: bytes.is_none(),
            saved: String::from_utf8_lossy(&bytes.unwrap_or_default()).into_owned(),
            path,
            generation,
        });
        self.console_version += 1;
    }

    /// Saves `text` into the open file through its console tab (recorded);
    /// whether the write succeeded.
    pub fn editor_save(&mut self, text: &str) -> bool {
        let Some(pane) = self.editor.clone() else { return false };
        let entry = save_entry(&pane.path, text);
        self.run_line(pane.tab, &entry);
        let written = self.tabs.get(pane.tab).is_some_and(|t| t.last_exit == 0);
        if written && let Some(p) = self.editor.as_mut() {
            p.saved = self
                .console
                .vfs()
                .read(&p.path)
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default();
            p.new_file = false;
            p.generation += 1;
            p.mark = self.console.vfs().version();
        }
        self.console_version += 1;
        written
    }

    /// Whether something else changed the open file since the pane read or
    /// wrote it (`sed -i` in another tab): vim's W11.
    pub fn editor_file_changed(&self) -> bool {
        self.editor.as_ref().is_some_and(|p| self.console.vfs().changed_since(p.mark).contains(&p.path))
    }

    /// Closes the pane (`:q`, Save and quit).
    pub fn editor_close(&mut self) {
        if self.editor.take().is_some() {
            self.console_version += 1;
        }
    }

    /// Echoes an `editor-save` entry as its first line only, not into the
    /// history: the pane's save, not something the user typed.
    pub(super) fn echo_save(&mut self, tab: usize, entry: &str) {
        let first = entry.lines().next().unwrap_or(entry).to_string();
        let prompt = self.prompt(tab);
        if let Some(t) = self.tabs.get_mut(tab) {
            t.log.push(Stream::Input, &format!("{prompt}{first}"));
        }
    }
}

/// Whether `entry` is the pane's save.
pub(super) fn is_save(entry: &str) -> bool {
    entry.strip_prefix(EDITOR_SAVE).is_some_and(|rest| rest.starts_with(' '))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn vim_commands_as_vim_reads_them() {
        assert_eq!(vim_command(":w", false), VimAction::Write);
        assert_eq!(vim_command(":wq", true), VimAction::WriteQuit);
        assert_eq!(vim_command(":x", true), VimAction::WriteQuit);
        assert_eq!(vim_command("ZZ", true), VimAction::WriteQuit);
        assert_eq!(vim_command(":q", false), VimAction::Quit);
        assert_eq!(vim_command(":q!", true), VimAction::Quit);
        assert_eq!(
            vim_command(":q", true),
            VimAction::Error("E37: No write since last change (add ! to override)".into())
        );
        assert_eq!(vim_command(":foo", false), VimAction::Error("E492: Not an editor command: foo".into()));
        assert_eq!(vim_command("", false), VimAction::Nothing);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_save_is_a_heredoc_the_text_cannot_end() {
        assert_eq!(save_entry("/root/a", "x\ny"), "editor-save /root/a <<'EOF'\nx\ny\nEOF");
        assert_eq!(save_entry("/root/a", "EOF\n"), "editor-save /root/a <<'EOF_1'\nEOF\nEOF_1");
        assert_eq!(save_entry("/root/a b", ""), "editor-save '/root/a b' <<'EOF'\nEOF");
        let e = ctl::shell::lexer::split_entry(&save_entry("/root/a", "a\r\n$b\n")).expect("entry");
        assert_eq!(e.stdin.as_deref(), Some("a\n$b\n"));
        assert!(!e.expand);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn vi_opens_the_pane_and_a_save_writes_through_the_console() {
        let mut e = Engine::new(3, 3);
        e.run_line(0, "echo old > /root/f.txt");
        e.run_line(0, "vi f.txt");
        for _ in 0..3 {
            e.frame(16.0);
        }
        let pane = e.editor().cloned().expect("vi opened the pane");
        assert_eq!((pane.path.as_str(), pane.saved.as_str(), pane.new_file), ("/root/f.txt", "old\n", false));
        assert!(!e.editor_file_changed());
        assert!(e.editor_save("new"));
        assert_eq!(e.console().vfs().read("/root/f.txt"), Some(&b"new\n"[..]));
        // The pane's own save is not a change underneath it; another tab's is.
        assert!(!e.editor_file_changed());
        e.run_line(1, "sed -i s/new/newer/ /root/f.txt");
        assert!(e.editor_file_changed());
        let texts = e.tab_texts(0);
        assert!(texts.iter().any(|l| l.ends_with("editor-save /root/f.txt <<'EOF'")), "{texts:?}");
        assert!(texts.iter().any(|l| l == "\"/root/f.txt\" 1L, 4B written"), "{texts:?}");
        // The save is recorded: a replay of the session writes the file too.
        assert!(!e.tabs[0].log.history().iter().any(|h| h.starts_with("editor-save")));
        e.editor_close();
        assert!(e.editor().is_none());
    }
}
