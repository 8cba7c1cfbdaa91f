//! The shell around the commands: assignments, `export`, `echo`, `clear`, `history`, `sleep`, `timeout`, `sudo`, the file tools, `sed`; lists, pipes and redirections.
//!
//! Supported, exactly: `'...'`, `"..."`, backslash escapes, `$VAR`/`${VAR}`/`$?`,
//! `#` comments, `VAR=value cmd`, backslash-newline continuations, heredocs
//! (`<<EOF`, `<<'EOF'`, `<<-EOF`) as standard input, lists with `;`, `&&`
//! and `||`, pipes into the filters of `filters.rs` (`grep`, `head`,
//! `tail`, `wc`, `sort`, `uniq`, `base64`, `cut`, `cat`) or into a command
//! that reads standard input (`echo v | etcdctl put k`), and redirections
//! into the virtual filesystem (`>`, `>>`, `2>`, `&>`, `2>&1`, `<`; see
//! `redirect.rs`): `cat > f <<EOF` writes a file. The file tools (`ls`,
//! `cat`, `cp`, `mv`, `rm`, `mkdir`, `touch`, `tee`, `cd`) are in
//! `files.rs`, `diff` in `diff.rs`, `sed` in `sed.rs`. Background jobs,
//! subshells and command substitution are refused with a "not supported in
//! the playground" message.
//!
//! ```text
//!   etcdctl put a 1 && etcdctl get a | grep 1 ; echo $?
//!   ─► list.rs: [put] && [get | grep] ; [echo]      run left to right, $? after each
//! ```

mod diff;
pub mod editor;
mod files;
pub mod filters;
pub mod lexer;
pub mod list;
mod printf;
mod redirect;
pub(crate) mod regex;
pub(crate) mod sed;
pub(crate) mod watch;

use slim::VecMap;

use crate::console::{Console, Exec};
use crate::flags::parse_duration_ms;
use crate::journal::Entry;
use crate::output::{Output, exit};
use lexer::LexError;

/// The commands the playground knows, for `help` and completion.
pub const COMMANDS: [&str; 37] = [
    "etcdctl", "etcdutl", "kubectl", "cluster", "lesson", "echo", "export", "unset", "env", "clear",
    "history", "sleep", "timeout", "ls", "cat", "rm", "mkdir", "pwd", "help", "true", "false", "sed", "cp",
    "mv", "touch", "tee", "diff", "cd", "sudo", "grep", "head", "printf", "seq", "watch", "vi", "vim",
    "nano",
];

/// The node's tools (`node/`), also offered by completion.
pub const NODE_COMMANDS: [&str; 3] = ["crictl", "systemctl", "journalctl"];

/// `help`: every line fits in 70 columns (a phone's console, a narrow pane).
const HELP: &str = "\
etcd playground console. Supported commands:
  etcdctl ...        etcd's v3 client (etcdctl help)
  etcdutl ...        snapshot status|restore, defrag, version
  kubectl ...        apply, create, replace, get [-w], delete,
                     describe, run, scale (kubectl help)
  cluster ...        status, stop, start, restart, partition,
                     isolate, heal, net, campaign, reset
  lesson ...         list, start NAME, hint, show-me, check, next,
                     stop: guided lessons, checked on the cluster
  echo, export, unset, env, clear, history, pwd, true, false,
  sh -c 'LINE'
  sleep DURATION     let virtual time pass (1s, 500ms, 2m)
  timeout DUR CMD    stop CMD after DUR (exit 124)
  watch [-n S] CMD   run CMD every 2s (or S seconds) until Ctrl+C
  ls [-la] [DIR], cat, cp [-r], mv, rm [-rf], mkdir [-p], touch,
  tee [-a], diff, cd: the playground's own small filesystem
  sed [-n] [-i] [-E] [-e SCRIPT]... [FILE]...
                     GNU sed: s///, p, d, q, a/i/c, y, addresses
  sudo CMD           runs CMD (the console is root already)
  printf FORMAT [ARG]..., seq [FIRST [INC]] LAST
  vi FILE, vim FILE, nano FILE
                     edit FILE (in the page's editor pane)
  crictl ps [-a] | pods | logs ID | images
                     the node's containers: the static pods of
                     /etc/kubernetes/manifests (the kubelet
                     restarts one when its manifest changes)
  systemctl status|restart|stop|start kubelet,
  journalctl -u kubelet [-n N]
Shell syntax: quotes, backslash escapes, $VAR, # comments,
VAR=value cmd, heredocs (<<EOF ... EOF), lists (a; b, a && b,
a || b), pipes into grep, head, tail, wc, sort, uniq, base64, cut,
cat or a command reading stdin, and redirections (> f, >> f, 2> f,
2>&1, &> f, < f; cat > f <<EOF writes f).
Background jobs (&) and $(...) are not supported.
";

/// Runs one console entry.
pub(crate) fn run_entry(con: &mut Console, input: &str) -> Exec {
    let mut entry = match lexer::split_entry(input) {
        Ok(e) => e,
        Err(e) => return lex_error(e).into(),
    };
    if entry.expand
        && let Some(body) = &entry.stdin
    {
        match lexer::expand_heredoc(body, &con.env) {
            Ok(b) => entry.stdin = Some(b),
            Err(e) => return lex_error(e).into(),
        }
    }
    let list = match list::split_list(&entry.line) {
        Ok(l) => l,
        Err(list::ListError::Lex(e)) => return lex_error(e).into(),
        Err(list::ListError::Syntax(token)) => {
            return Output::fail(format!("bash: syntax error near unexpected token `{token}'\n"), 2).into();
        }
    };
    match list.as_slice() {
        [] => Output::default().into(),
        [(pipeline, _)] if pipeline.len() == 1 => {
            redirect::run_command(con, &pipeline[0], entry.stdin.as_deref())
        }
        _ => {
            let feeds = entry.heredoc_at.map_or(0, |at| heredoc_command(&entry.line, at));
            run_list(con, &list, entry.stdin.as_deref().map(|s| (feeds, s)))
        }
    }
}

/// Which command of the list in `line` (counted across its pipelines) the
/// heredoc that stood at byte `at` belongs to.
fn heredoc_command(line: &str, at: usize) -> usize {
    let prefix = format!("{} x", line.get(..at).unwrap_or(""));
    list::split_list(&prefix).map_or(0, |l| l.iter().map(|(p, _)| p.len()).sum::<usize>().saturating_sub(1))
}

/// Runs a list of pipelines left to right (`;`, `&&`, `||`), setting `$?`
/// after each. The heredoc goes to the command that names it.
///
/// In page mode a list is rerun from the start like any command (see
/// `journal.rs`); a run that is suspended stops at once, and the
/// environment and files it changed are put back, so the rerun starts
/// from the same state.
fn run_list(con: &mut Console, list: &[(Vec<String>, list::Sep)], heredoc: Option<(usize, &str)>) -> Exec {
    let saved = con.backend.page.then(|| (con.env.clone(), con.vfs.clone()));
    let mut total = Output::default();
    let mut status = 0;
    let mut run_next = true;
    let last = list.len() - 1;
    let mut first_command = 0;
    for (i, (pipeline, sep)) in list.iter().enumerate() {
        // The heredoc, if it belongs to a command of this pipeline: (index in it, text).
        let input = heredoc
            .filter(|(n, _)| (first_command..first_command + pipeline.len()).contains(n))
            .map(|(n, text)| (n - first_command, text));
        first_command += pipeline.len();
        if run_next {
            let mut exec = run_pipeline(con, pipeline, input);
            status = exec.out.exit;
            con.env.insert("?".to_string(), status.to_string());
            if con.backend.suspended() {
                if let Some((env, vfs)) = saved {
                    con.env = env;
                    con.vfs = vfs;
                }
                return Exec::done(total);
            }
            if let Some(mut stream) = exec.stream.take() {
                if i == last {
                    total.append(exec.out);
                    return Exec { out: total, elapsed_ms: exec.elapsed_ms, stream: Some(stream) };
                }
                // A stream would never let the list go on.
                let stopped = stream.stop(con, exit::ERROR);
                total.append(exec.out);
                total.append(stopped);
                total.append(Output::fail(
                    "playground: a streaming command (watch, lease keep-alive, kubectl get -w) must come last\n",
                    2,
                ));
                return Exec::done(total);
            }
            total.append(exec.out);
            if i < last && exec.elapsed_ms > 0 {
                // The next command starts once this one's time has passed.
                con.advance(exec.elapsed_ms);
                if con.backend.suspended() {
                    if let Some((env, vfs)) = saved {
                        con.env = env;
                        con.vfs = vfs;
                    }
                    return Exec::done(total);
                }
            } else if i == last {
                total.exit = status;
                return Exec::took(total, exec.elapsed_ms);
            }
        }
        run_next = match sep {
            list::Sep::Seq => true,
            list::Sep::And => status == 0,
            list::Sep::Or => status != 0,
        };
    }
    total.exit = status;
    Exec::done(total)
}

/// Runs `a | b | c`: each command's standard output is the next one's
/// standard input; standard error goes straight to the console; the exit
/// status is the last command's (bash without `pipefail`).
fn run_pipeline(con: &mut Console, pipeline: &[String], heredoc: Option<(usize, &str)>) -> Exec {
    let mut input: Option<String> = None;
    let mut stderr = String::new();
    let mut elapsed_ms = 0;
    let last = pipeline.len().saturating_sub(1);
    for (i, text) in pipeline.iter().enumerate() {
        if let Some((_, text)) = heredoc.filter(|(n, _)| *n == i) {
            input = Some(text.to_string());
        }
        let mut exec = redirect::run_command(con, text, input.as_deref());
        elapsed_ms += exec.elapsed_ms;
        if i == last || con.backend.suspended() {
            exec.out.stderr.insert_str(0, &stderr);
            exec.elapsed_ms = elapsed_ms;
            return exec;
        }
        if let Some(mut stream) = exec.stream.take() {
            let stopped = stream.stop(con, exit::ERROR);
            stderr.push_str(&exec.out.stderr);
            stderr.push_str(&stopped.stderr);
            let mut out = Output::fail(
                "playground: a streaming command (watch, lease keep-alive, kubectl get -w) cannot be piped\n",
                2,
            );
            out.stderr.insert_str(0, &stderr);
            return out.into();
        }
        stderr.push_str(&exec.out.stderr);
        input = Some(exec.out.stdout);
    }
    Output::default().into()
}

/// kubectl (kube's client runs the simulator until its answer): in a
/// page-mode run its output is journaled, so a list rerun after a later
/// command waited does not apply a manifest twice.
fn kubectl(con: &mut Console, args: &[String], stdin: Option<&str>) -> Exec {
    let Some(j) = con.backend.journal.as_mut() else { return crate::kubectl::run(con, args, stdin) };
    if j.suspended() {
        return Output::default().into();
    }
    let key = format!("{}\n{}", args.join(" "), stdin.unwrap_or(""));
    if let Some(Entry::Output { out, .. }) =
        j.next(|e| matches!(e, Entry::Output { key: k, .. } if *k == key))
    {
        return out.into();
    }
    let exec = crate::kubectl::run(con, args, stdin);
    if exec.stream.is_none()
        && let Some(j) = con.backend.journal.as_mut()
    {
        j.push(Entry::Output { key, out: exec.out.clone() });
    }
    exec
}

pub(crate) fn lex_error(e: LexError) -> Output {
    match e {
        LexError::UnterminatedQuote => {
            Output::fail("bash: unexpected EOF while looking for matching quote\n", 2)
        }
        LexError::Incomplete => Output::fail("bash: warning: here-document not terminated\n", 2),
        LexError::Unsupported(what) => {
            Output::fail(format!("playground: {what}: not supported in the playground\n"), 2)
        }
        LexError::Syntax(token) => {
            Output::fail(format!("bash: syntax error near unexpected token `{token}'\n"), 2)
        }
    }
}

/// How deeply commands may run other commands (`timeout`, `sh -c`, `lock NAME CMD`, watch's exec).
const MAX_DEPTH: usize = 16;

/// Runs a split command line with its standard input.
pub(crate) fn run_words(con: &mut Console, words: &[String], stdin: Option<&str>) -> Exec {
    if con.depth >= MAX_DEPTH {
        return Output::fail("playground: commands nested too deeply\n", 2).into();
    }
    con.depth += 1;
    let exec = run_words_inner(con, words, stdin);
    con.depth -= 1;
    exec
}

/// etcd's tools by the paths a learner runs them from: `./etcdctl` in the
/// folder of a downloaded release (seed 000), or where packages put them.
pub(crate) fn tool_name(cmd: &str) -> &str {
    match cmd {
        "./etcdctl" | "/usr/local/bin/etcdctl" | "/usr/bin/etcdctl" => "etcdctl",
        "./etcdutl" | "/usr/local/bin/etcdutl" | "/usr/bin/etcdutl" => "etcdutl",
        other => other,
    }
}

fn run_words_inner(con: &mut Console, words: &[String], stdin: Option<&str>) -> Exec {
    // Leading NAME=value assignments.
    let mut local: VecMap<String, String> = VecMap::new();
    let mut i = 0;
    while let Some((name, value)) = words.get(i).and_then(|w| assignment(w)) {
        local.insert(name, value);
        i += 1;
    }
    let words = &words[i..];
    let Some(cmd) = words.first() else {
        for (k, v) in local {
            con.env.insert(k, v);
        }
        return Output::default().into();
    };
    let args = &words[1..];
    let mut env = con.env.clone();
    env.extend(local);
    match tool_name(cmd) {
        "etcdctl" => crate::etcdctl::run(con, args, &env, stdin),
        "etcdutl" => crate::etcdutl::run(con, args),
        "cluster" => crate::playground::run(con, args),
        "crictl" => crate::node::crictl::run(con, args).into(),
        "systemctl" => crate::node::systemd::systemctl(con, args).into(),
        "journalctl" => crate::node::systemd::journalctl(con, args).into(),
        "lesson" => crate::lesson::run(con, args),
        "echo" => echo(args).into(),
        "export" => export(con, args).into(),
        "unset" => {
            for a in args {
                con.env.remove(a);
            }
            Output::default().into()
        }
        "env" => Output::ok(
            env.iter().filter(|(k, _)| *k != "?").map(|(k, v)| format!("{k}={v}\n")).collect::<String>(),
        )
        .into(),
        "clear" => Output { clear: true, ..Output::default() }.into(),
        "history" => {
            let h = con.history();
            Output::ok(h.iter().enumerate().map(|(n, l)| format!("{:5}  {l}\n", n + 1)).collect::<String>())
                .into()
        }
        "sleep" => sleep(args),
        "timeout" => timeout(con, args, stdin),
        "ls" => files::ls(con, args).into(),
        "cat" => files::cat(con, args, stdin).into(),
        "rm" => files::rm(con, args).into(),
        "mkdir" => files::mkdir(con, args).into(),
        "cp" => files::cp(con, args).into(),
        "mv" => files::mv(con, args).into(),
        "touch" => files::touch(con, args).into(),
        "tee" => files::tee(con, args, stdin).into(),
        "diff" => diff::diff(con, args).into(),
        "cd" => files::cd(con, args).into(),
        "sed" => sed::run(con, args, stdin).into(),
        "sudo" => sudo(con, args, stdin),
        "printf" => printf::printf(args).into(),
        "seq" => printf::seq(args).into(),
        "watch" => watch::watch(con, args),
        "vi" | "vim" | "nano" | "vim.tiny" | "view" => editor::edit(con, cmd, args).into(),
        editor::EDITOR_SAVE => editor::save(con, args, stdin).into(),
        "sh" | "bash" => match args {
            [c, line, ..] if c == "-c" => {
                let saved = std::mem::replace(&mut con.env, env);
                let exec = run_entry(con, line);
                let _ = std::mem::replace(&mut con.env, saved);
                exec
            }
            _ => Output::fail(format!("{cmd}: only `{cmd} -c 'LINE'` is supported in the playground\n"), 2)
                .into(),
        },
        "pwd" => Output::ok(format!("{}\n", con.vfs.cwd())).into(),
        "help" => Output::ok(HELP).into(),
        "true" | ":" => Output::default().into(),
        "false" => Output::fail("", 1).into(),
        "kubectl" => kubectl(con, args, stdin),
        other => {
            con.not_found = Some(other.to_string());
            Output::fail(
                format!(
                    "{other}: command not found: not supported in the playground (type 'help' for what is)\n"
                ),
                exit::NOT_FOUND,
            )
            .into()
        }
    }
}

/// `sudo [-E] [-i] [-s] CMD`: the console is root already, so it runs CMD.
fn sudo(con: &mut Console, args: &[String], stdin: Option<&str>) -> Exec {
    let mut rest = args;
    while rest.first().is_some_and(|a| a.starts_with('-')) {
        rest = &rest[1..];
    }
    if rest.is_empty() {
        return Output::fail(
            "usage: sudo -h | -K | -k | -V\nusage: sudo -v [-ABknS] [-g group] [-h host] [-p prompt] [-u user]\n",
            1,
        )
        .into();
    }
    run_words(con, rest, stdin)
}

/// `NAME=value` (a shell assignment word).
pub(crate) fn assignment(word: &str) -> Option<(String, String)> {
    let (name, value) = word.split_once('=')?;
    let ok = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    ok.then(|| (name.to_string(), value.to_string()))
}

fn echo(args: &[String]) -> Output {
    let mut newline = true;
    let mut escapes = false;
    let mut rest = args;
    while let Some(first) = rest.first() {
        match first.as_str() {
            "-n" => newline = false,
            "-e" => escapes = true,
            "-E" => escapes = false,
            "-ne" | "-en" => {
                newline = false;
                escapes = true;
            }
            _ => break,
        }
        rest = &rest[1..];
    }
    let mut s = rest.join(" ");
    if escapes {
        s = s.replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\");
    }
    if newline {
        s.push('\n');
    }
    Output::ok(s)
}

fn export(con: &mut Console, args: &[String]) -> Output {
    if args.is_empty() || args.iter().any(|a| a == "-p") {
        let mut out = String::new();
        for (k, v) in &con.env {
            if k != "?" {
                out.push_str(&format!("declare -x {k}={v:?}\n"));
            }
        }
        return Output::ok(out);
    }
    let mut out = Output::default();
    for a in args {
        match assignment(a) {
            Some((k, v)) => {
                con.env.insert(k, v);
            }
            None if a.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {}
            None => {
                out.eprint(format!("bash: export: `{a}': not a valid identifier\n"));
                out.exit = 1;
            }
        }
    }
    out
}

/// coreutils' duration: a number with an optional s/m/h/d suffix, or a Go duration.
fn shell_duration_ms(s: &str) -> Option<u64> {
    let (num, mult) = match s.chars().last()? {
        's' if !s.ends_with("ms") => (&s[..s.len() - 1], 1000.0),
        'm' => (&s[..s.len() - 1], 60_000.0),
        'h' => (&s[..s.len() - 1], 3_600_000.0),
        'd' => (&s[..s.len() - 1], 86_400_000.0),
        c if c.is_ascii_digit() || c == '.' => (s, 1000.0),
        _ => return parse_duration_ms(s).ok(),
    };
    let v: f64 = num.parse().ok()?;
    (v >= 0.0 && v.is_finite()).then_some((v * mult) as u64)
}

fn sleep(args: &[String]) -> Exec {
    let Some(d) = args.first() else {
        return Output::fail("sleep: missing operand\nTry 'sleep --help' for more information.\n", 1).into();
    };
    let mut total = 0;
    for a in args {
        match shell_duration_ms(a) {
            Some(ms) => total = ms.saturating_add(total),
            None => {
                return Output::fail(
                    format!("sleep: invalid time interval '{a}'\nTry 'sleep --help' for more information.\n"),
                    1,
                )
                .into();
            }
        }
    }
    let _ = d;
    Exec::took(Output::default(), total.min(crate::backend::MAX_WAIT_MS))
}

fn timeout(con: &mut Console, args: &[String], stdin: Option<&str>) -> Exec {
    let mut rest = args;
    while rest.first().is_some_and(|a| a.starts_with('-') && a.len() > 1) {
        rest = &rest[1..];
    }
    let Some(d) = rest.first() else {
        return Output::fail("timeout: missing operand\nTry 'timeout --help' for more information.\n", 125)
            .into();
    };
    let Some(limit) = shell_duration_ms(d) else {
        return Output::fail(
            format!("timeout: invalid time interval '{d}'\nTry 'timeout --help' for more information.\n"),
            125,
        )
        .into();
    };
    if rest.len() < 2 {
        return Output::fail("timeout: missing operand\nTry 'timeout --help' for more information.\n", 125)
            .into();
    }
    // In page mode the limit counts from when the command started (a rerun
    // of a waiting command starts later), and stops a waiting command too.
    let start = con.run_since_ms.unwrap_or_else(|| con.now_ms());
    if con.backend.page {
        let at = start.saturating_add(limit);
        con.run_deadline_ms = Some(con.run_deadline_ms.map_or(at, |d| d.min(at)));
    }
    let mut exec = run_words(con, &rest[1..], stdin);
    if let Some(stream) = exec.stream.as_mut() {
        stream.deadline_ms = Some(start + limit);
    } else if exec.elapsed_ms > limit {
        return Exec::took(Output::fail("", exit::TIMEOUT), limit);
    }
    exec
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(shell_duration_ms("2"), Some(2000));
        assert_eq!(shell_duration_ms("1s"), Some(1000));
        assert_eq!(shell_duration_ms("500ms"), Some(500));
        assert_eq!(shell_duration_ms("0.5"), Some(500));
        assert_eq!(shell_duration_ms("x"), None);
    }

    #[test]
    fn help_fits_in_70_columns() {
        let wide: Vec<&str> = HELP.lines().filter(|l| l.chars().count() > 70).collect();
        assert!(wide.is_empty(), "{wide:?}");
        assert!(HELP.contains("cluster ...") && HELP.contains("etcdutl ..."));
    }
}
