//! One command of a pipeline with its redirections: `>`, `>>`, `2>`, `2>>`, `&>`, `2>&1`, `>&2`, `<`, into and out of the virtual filesystem.
//!
//! ```text
//!   etcdctl get k -w json > out.json 2>&1
//!     fd 1 -> out.json (truncated first, as bash opens it before the command runs)
//!     fd 2 -> where fd 1 goes now: out.json
//!   run, then each chunk of output goes where its stream points, in the order written
//! ```
//!
//! Redirections apply left to right as in bash (`2>&1 >f` sends errors to
//! the terminal, `>f 2>&1` both to `f`). A file that cannot be opened is
//! bash's error, and the command does not run. `/dev/null`, `/dev/stdout`
//! and `/dev/stderr` are the usual devices.

use super::lexer::{self, Redirect};
use super::{filters, lex_error, run_words};
use crate::console::{Console, Exec};
use crate::output::Output;

/// Where a stream goes.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Target {
    /// The command's standard output (the terminal, or the next command of a pipe).
    Stdout,
    /// The terminal's standard error.
    Stderr,
    /// Nowhere (`/dev/null`).
    Null,
    /// A file (its absolute path).
    File(String),
}

/// Splits `text` (one command of a pipeline), opens its redirections and
/// runs it with `input` as standard input (a heredoc, or the previous
/// command's output in a pipe).
pub(crate) fn run_command(con: &mut Console, text: &str, input: Option<&str>) -> Exec {
    let (words, redirects) = match lexer::split_command(text, &con.env) {
        Ok(w) => w,
        Err(e) => return lex_error(e).into(),
    };
    if redirects.is_empty() {
        return dispatch(con, &words, input);
    }
    let mut fds = [Target::Stdout, Target::Stderr];
    let mut file_input: Option<String> = None;
    for r in &redirects {
        match r {
            Redirect::Out { fd, path, append } => match open(con, path, *append) {
                Ok(t) => fds[usize::from(*fd == 2)] = t,
                Err(out) => return out.into(),
            },
            Redirect::Both { path, append } => match open(con, path, *append) {
                Ok(t) => fds = [t.clone(), t],
                Err(out) => return out.into(),
            },
            Redirect::Dup { fd, to } => fds[usize::from(*fd == 2)] = fds[usize::from(*to == 2)].clone(),
            Redirect::In { path } => match read(con, path) {
                Ok(text) => file_input = Some(text),
                Err(out) => return out.into(),
            },
        }
    }
    let input = file_input.as_deref().or(input);
    let mut exec = dispatch(con, &words, input);
    if con.backend.suspended() {
        return exec;
    }
    // (Only an output redirection stops a stream: `watch k < /dev/null` runs.)
    if fds != [Target::Stdout, Target::Stderr]
        && let Some(mut stream) = exec.stream.take()
    {
        let stopped = stream.stop(con, crate::output::exit::ERROR);
        let mut out = exec.out;
        out.append(stopped);
        out.append(Output::fail(
            "playground: a streaming command (watch, lease keep-alive, kubectl get -w) cannot be redirected\n",
            2,
        ));
        return out.into();
    }
    let mut routed = Output { exit: exec.out.exit, clear: exec.out.clear, ..Output::default() };
    routed.edit = exec.out.edit.take();
    for (err, text) in exec.out.chunks() {
        match &fds[usize::from(err)] {
            Target::Stdout => routed.print(text),
            Target::Stderr => routed.eprint(text),
            Target::Null => {}
            Target::File(path) => con.vfs.append(path, text.as_bytes()),
        }
    }
    exec.out = routed;
    exec
}

/// Runs split words: a filter over its input or the files it names, else a command.
fn dispatch(con: &mut Console, words: &[String], input: Option<&str>) -> Exec {
    match words.first() {
        Some(name) if filters::is_filter(name) && name != "cat" => {
            let vfs = &con.vfs;
            let read = |f: &str| -> Result<String, &'static str> {
                if vfs.is_dir(f) {
                    return Err("Is a directory");
                }
                vfs.read(f)
                    .map(|b| String::from_utf8_lossy(b).into_owned())
                    .ok_or("No such file or directory")
            };
            filters::run(words, input.unwrap_or(""), &read).into()
        }
        _ => run_words(con, words, input),
    }
}

/// Opens `path` for writing as bash does before running the command:
/// truncated (or created) unless appending.
fn open(con: &mut Console, path: &str, append: bool) -> Result<Target, Output> {
    match path {
        "/dev/null" => return Ok(Target::Null),
        "/dev/stdout" => return Ok(Target::Stdout),
        "/dev/stderr" => return Ok(Target::Stderr),
        "" => return Err(Output::fail("bash: : No such file or directory\n", 1)),
        _ => {}
    }
    if con.vfs.is_dir(path) {
        return Err(Output::fail(format!("bash: {path}: Is a directory\n"), 1));
    }
    if !con.vfs.parent_exists(path) {
        let why = if parent_is_file(con, path) { "Not a directory" } else { "No such file or directory" };
        return Err(Output::fail(format!("bash: {path}: {why}\n"), 1));
    }
    if !append || !con.vfs.is_file(path) {
        con.vfs.write(path, Vec::new());
    }
    Ok(Target::File(con.vfs.resolve(path)))
}

/// Whether the directory that would hold `path` is a file.
fn parent_is_file(con: &Console, path: &str) -> bool {
    let full = con.vfs.resolve(path);
    full.rfind('/').is_some_and(|i| i > 0 && con.vfs.is_file(&full[..i]))
}

/// `<FILE`: the file's text.
fn read(con: &Console, path: &str) -> Result<String, Output> {
    if path == "/dev/null" {
        return Ok(String::new());
    }
    if con.vfs.is_dir(path) {
        return Err(Output::fail(format!("bash: {path}: Is a directory\n"), 1));
    }
    match con.vfs.read(path) {
        Some(b) => Ok(String::from_utf8_lossy(b).into_owned()),
        None => Err(Output::fail(format!("bash: {path}: No such file or directory\n"), 1)),
    }
}
