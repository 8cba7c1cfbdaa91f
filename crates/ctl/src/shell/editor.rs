//! `vi`, `vim`, `nano FILE`: on the page, a request to open FILE in the editor pane; in the REPL and the goldens, how to edit instead. `editor-save FILE <<'EOF'` is how the pane saves, through the console, so a save is part of the recorded run.
//!
//! ```text
//!   page:   vi /etc/kubernetes/manifests/etcd.yaml   -> Output { edit: Some("/etc/kubernetes/manifests/etcd.yaml") }
//!           (the page opens its pane; Save types)    -> editor-save /etc/kubernetes/manifests/etcd.yaml <<'EOF' ... EOF
//!                                                    -> "/etc/kubernetes/manifests/etcd.yaml" 80L, 3012B written
//!   REPL:   vi f.yaml                                -> a hint: sed -i, or cat > f.yaml <<'EOF'
//! ```

use crate::console::Console;
use crate::output::Output;

/// The command the page's editor pane types to save a file.
pub const EDITOR_SAVE: &str = "editor-save";

/// `vi FILE` (also `vim`, `nano`, `vim.tiny`, `view`).
pub(super) fn edit(con: &Console, tool: &str, args: &[String]) -> Output {
    let files: Vec<&String> = args.iter().filter(|a| !a.starts_with('-') && !a.starts_with('+')).collect();
    let [file] = files.as_slice() else {
        return Output::fail(format!("{tool}: name one file to edit: {tool} FILE\n"), 1);
    };
    if con.vfs.is_dir(file) {
        return Output::fail(format!("{tool}: {file}: Is a directory\n"), 1);
    }
    if con.editor_pane {
        return Output { edit: Some(con.vfs.resolve(file)), ..Output::default() };
    }
    Output::fail(
        format!(
            "{tool}: there is no full-screen editor in this console (the web page opens {tool} FILE in an editor pane).\n\
             Change {file} with sed, for example:\n  \
             sed -i 's|/var/lib/etcd|/var/lib/etcd-from-backup|' {file}\n\
             or write it anew with a heredoc:\n  \
             cat > {file} <<'EOF'\n  ...\n  EOF\n"
        ),
        1,
    )
}

/// `editor-save FILE <<'EOF'`: writes standard input to FILE and answers
/// as vim does when it writes (`"FILE" 3L, 42B written`).
pub(super) fn save(con: &mut Console, args: &[String], stdin: Option<&str>) -> Output {
    let ([file], Some(text)) = (args, stdin) else {
        return Output::fail(
            format!("usage: {EDITOR_SAVE} FILE <<'EOF' ... EOF (the editor pane's save)\n"),
            2,
        );
    };
    if con.vfs.is_dir(file) || !con.vfs.parent_exists(file) {
        return Output::fail(format!("\"{file}\" E212: Can't open file for writing\n"), 1);
    }
    let new = if con.vfs.is_file(file) { "" } else { " [New]" };
    let lines = text.matches('\n').count();
    con.vfs.write(file, text.as_bytes().to_vec());
    Output::ok(format!("\"{file}\"{new} {lines}L, {}B written\n", text.len()))
}
