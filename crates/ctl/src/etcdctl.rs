//! `etcdctl`: finds the command, parses its flags as cobra does, applies `ETCDCTL_*`, prints help and cobra's errors, and runs it.
//!
//! Error shapes, as etcdctl 3.5 prints them:
//!
//! ```text
//! unknown command:  stderr "Error: unknown command \"x\" for \"etcdctl\"\nRun 'etcdctl --help' for usage.\n"
//!                   then etcdctl's own "Error: ..." line; exit 1
//! bad flag:         stdout the command's usage; stderr "Error: <pflag's text>\n\nError: <same>\n"; exit 1
//! bad arguments:    stderr "Error: <text>\n"; exit 128 (ExitBadArgs)
//! ```

use slim::VecMap;

use crate::client;
use crate::commands;
use crate::console::{Console, Exec};
use crate::flags;
use crate::output::{Output, exit};

/// What the v2 API's users want to know.
pub const V2_NOTE: &str = "\
playground: ETCDCTL_API=2 selects etcd's v2 API, which this cluster does not serve: the v2 API
and its store are deprecated in etcd v3.5 (and removed in v3.6); Kubernetes keeps its data in v3.
The v3 commands for what v2 did:
  etcdctl set KEY VALUE         ->  etcdctl put KEY VALUE
  etcdctl mk / update KEY VALUE ->  etcdctl put KEY VALUE (txn for create-only)
  etcdctl get KEY               ->  etcdctl get KEY
  etcdctl ls [DIR]              ->  etcdctl get DIR --prefix --keys-only
  etcdctl rm KEY                ->  etcdctl del KEY
  etcdctl rmdir / rm -r DIR     ->  etcdctl del DIR --prefix
  etcdctl watch / exec-watch    ->  etcdctl watch KEY
  etcdctl cluster-health        ->  etcdctl endpoint health --cluster
  etcdctl member list           ->  etcdctl member list
  etcdctl backup                ->  etcdctl snapshot save FILE
Run: export ETCDCTL_API=3
";

/// Runs `etcdctl ARGS` with environment `env` and standard input `stdin`.
pub(crate) fn run(
    con: &mut Console,
    args: &[String],
    env: &VecMap<String, String>,
    stdin: Option<&str>,
) -> Exec {
    match env.get("ETCDCTL_API").map(String::as_str) {
        None | Some("") | Some("3") => {}
        Some("2") if matches!(args, [v] if v == "--version" || v == "-v") => {
            // The v2 etcdctl (urfave/cli) still ships in 3.5 and prints its version.
            return Output::ok(format!("etcdctl version: {}\nAPI version: 2\n", crate::VERSION)).into();
        }
        Some("2") => {
            return Output::fail(
                format!(
                    "Error:  client: response is invalid json. The endpoint is probably not valid etcd cluster endpoint\n{V2_NOTE}"
                ),
                exit::BAD_FEATURE,
            )
            .into();
        }
        Some(v) => return Output::fail(format!("unsupported API version: {v}\n"), exit::ERROR).into(),
    }
    let (path, rest) = match flags::find_command(&con.spec, args) {
        Ok(found) => found,
        Err(word) => {
            let err = format!("unknown command {word:?} for \"etcdctl\"{}", suggestions(con, &word));
            return Output::fail(
                format!("Error: {err}\nRun 'etcdctl --help' for usage.\nError: {err}\n"),
                exit::ERROR,
            )
            .into();
        }
    };
    let Some(cmd) = con.spec.command(&path).cloned() else {
        return Output::error("internal: command spec missing", exit::ERROR).into();
    };
    let mut p = match flags::parse_flags(&con.spec, &cmd, &rest) {
        Ok(p) => p,
        Err(e) => {
            // cobra's error, the usage, then etcdctl's own error (as a
            // terminal shows them: `etcdctl get --bad 2>&1`).
            let mut out = Output::default();
            out.eprint(format!("Error: {e}\n"));
            out.print(&cmd.help);
            out.eprint(format!("\nError: {e}\n"));
            out.exit = exit::ERROR;
            return out.into();
        }
    };
    if p.bool("help") {
        return Output::ok(cmd.help.clone()).into();
    }
    if path == "help" {
        return help(con, &p.args).into();
    }
    if !cmd.subcommands.is_empty() {
        return Output::ok(cmd.help.clone()).into();
    }
    let now = con.now_ms();
    // The environment is read where etcdctl builds its client: the
    // commands that never do leave it alone.
    let offline = matches!(path.as_str(), "version" | "snapshot status" | "snapshot restore")
        || (path == "defrag" && !p.get("data-dir").is_empty());
    let mut env_log = String::new();
    if !offline {
        match client::apply_env(&mut p, &con.spec, env, now) {
            Ok(log) => env_log = log,
            Err(out) => return out.into(),
        }
    }
    let var = |name: &str| env.get(name).cloned().unwrap_or_default();
    p.watch_env = (var("ETCDCTL_WATCH_KEY"), var("ETCDCTL_WATCH_RANGE_END"));
    // Prompts read the same input the command does (a lock's command runs another etcdctl).
    let outer = std::mem::replace(&mut con.stdin.rest, stdin.map(str::to_string));
    let mut ex = commands::dispatch(con, &p, stdin);
    con.stdin.rest = outer;
    // pkg/flags logs when the client is built, after the command's own
    // argument checks (a refused command never gets there).
    if !env_log.is_empty() && ex.out.exit != exit::BAD_ARGS {
        let mut out = Output::fail(env_log, 0);
        out.append(std::mem::take(&mut ex.out));
        ex.out = out;
    }
    ex
}

/// `etcdctl help [command]`.
fn help(con: &Console, args: &[String]) -> Output {
    if args.is_empty() {
        return Output::ok(con.spec.command("").map(|c| c.help.clone()).unwrap_or_default());
    }
    match flags::find_command(&con.spec, args) {
        Ok((path, rest)) if rest.is_empty() || !path.is_empty() => {
            Output::ok(con.spec.command(&path).map(|c| c.help.clone()).unwrap_or_default())
        }
        _ => {
            let topic = args.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(" ");
            // cobra prints the root's usage before it added its -h flag.
            let root = con.spec.command("").map(|c| c.help.clone()).unwrap_or_default();
            let root: String =
                root.split_inclusive('\n').filter(|l| !l.contains("help for etcdctl")).collect();
            let mut out = Output::ok(root);
            out.stderr = format!("Unknown help topic [{topic}]\n");
            out
        }
    }
}

fn suggestions(con: &Console, word: &str) -> String {
    con.spec.command("").map(|root| did_you_mean(root, word)).unwrap_or_default()
}

/// cobra's "Did you mean this?" (Levenshtein distance up to 2, or a prefix).
pub(crate) fn did_you_mean(root: &crate::spec::CommandSpec, word: &str) -> String {
    let found: Vec<&String> = root
        .subcommands
        .iter()
        .filter(|s| levenshtein(&word.to_lowercase(), s) <= 2 || s.starts_with(&word.to_lowercase()))
        .collect();
    if found.is_empty() {
        return String::new();
    }
    let mut s = String::from("\n\nDid you mean this?\n");
    for f in found {
        s.push_str(&format!("\t{f}\n"));
    }
    s
}

fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}
