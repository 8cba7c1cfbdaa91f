//! `etcdutl`: offline tools on files of the virtual filesystem (snapshot status/restore, defrag, version), with etcdutl 3.5's cobra tree.
//!
//! The commands and flags are etcdutl v3.5's (`etcdutl/ctl.go`,
//! `etcdutl/etcdutl/*_command.go`); cobra v1.1.3 finds the command past any
//! flags and prints its default usage template for `--help`:
//!
//! ```text
//! etcdutl --data-dir /var/lib/etcd-from-backup snapshot restore snap.db
//!   -> cobra skips `--data-dir DIR` (a flag it does not know at the root takes a value),
//!      finds `snapshot restore`, whose own --data-dir then parses
//! etcdutl snapshot restore snap.db      -> Error: required flag(s) "data-dir" not set
//! ```
//! `backup` and `check v2store` (v2 data dirs) are not in the playground.

use slim::VecMap;

use crate::commands::snapshot;
use crate::console::{Console, Exec};
use crate::flags;
use crate::output::{Output, exit};
use crate::spec::{CommandSpec, FlagKind, FlagSpec, Spec};
use crate::{API_VERSION, VERSION};

/// One cobra command of etcdutl.
struct Cmd {
    /// Its path below `etcdutl`.
    path: &'static str,
    /// cobra's `Use` (its name, then its arguments).
    use_line: &'static str,
    short: &'static str,
    /// Has a `Run` (else it only groups subcommands and prints its usage).
    runnable: bool,
    /// Flags cobra requires before it runs the command.
    required: &'static [&'static str],
    flags: Vec<FlagSpec>,
}

fn flag(name: &str, kind: FlagKind, default: &str, usage: &str) -> FlagSpec {
    FlagSpec {
        name: name.to_string(),
        short: None,
        kind,
        default: default.to_string(),
        usage: usage.to_string(),
    }
}

fn write_out() -> FlagSpec {
    FlagSpec {
        name: "write-out".into(),
        short: Some('w'),
        kind: FlagKind::String,
        default: "simple".into(),
        usage: "set the output format (fields, json, protobuf, simple, table)".into(),
    }
}

/// etcdutl 3.5's commands, in the order cobra sorts them.
fn commands() -> Vec<Cmd> {
    let cmd = |path, use_line, short, runnable, required, flags| Cmd {
        path,
        use_line,
        short,
        runnable,
        required,
        flags,
    };
    vec![
        cmd("", "etcdutl", "An administrative command line tool for etcd3.", false, &[], Vec::new()),
        cmd(
            "defrag",
            "defrag",
            "Defragments the storage of the etcd",
            true,
            &["data-dir"],
            vec![flag(
                "data-dir",
                FlagKind::String,
                "",
                "Required. Defragments a data directory not in use by etcd.",
            )],
        ),
        cmd("help", "help [command]", "Help about any command", true, &[], Vec::new()),
        cmd("snapshot", "snapshot <subcommand>", "Manages etcd node snapshots", false, &[], Vec::new()),
        // Hidden and deprecated: it only says where saving went.
        cmd(
            "snapshot save",
            "save <filename>",
            "Stores an etcd node backend snapshot to a given file",
            true,
            &[],
            Vec::new(),
        ),
        cmd(
            "snapshot restore",
            "restore <filename> --data-dir {output dir} [options]",
            "Restores an etcd member snapshot to an etcd directory",
            true,
            &["data-dir"],
            vec![
                flag("data-dir", FlagKind::String, "", "Path to the output data directory"),
                flag(
                    "wal-dir",
                    FlagKind::String,
                    "",
                    "Path to the WAL directory (use --data-dir if none given)",
                ),
                flag(
                    "initial-cluster",
                    FlagKind::String,
                    "default=http://localhost:2380",
                    "Initial cluster configuration for restore bootstrap",
                ),
                flag(
                    "initial-cluster-token",
                    FlagKind::String,
                    "etcd-cluster",
                    "Initial cluster token for the etcd cluster during restore bootstrap",
                ),
                flag(
                    "initial-advertise-peer-urls",
                    FlagKind::String,
                    "http://localhost:2380",
                    "List of this member's peer URLs to advertise to the rest of the cluster",
                ),
                flag("name", FlagKind::String, "default", "Human-readable name for this member"),
                flag(
                    "skip-hash-check",
                    FlagKind::Bool,
                    "false",
                    "Ignore snapshot integrity hash value (required if copied from data directory)",
                ),
                flag(
                    "initial-memory-map-size",
                    FlagKind::Uint,
                    "10737418240",
                    "Initial memory map size of the database in bytes. It uses the default value if not defined or defined to 0",
                ),
                flag(
                    "bump-revision",
                    FlagKind::Uint,
                    "0",
                    "How much to increase the latest revision after restore",
                ),
                flag(
                    "mark-compacted",
                    FlagKind::Bool,
                    "false",
                    "Mark the latest revision after restore as the point of scheduled compaction (required if --bump-revision > 0, disallowed otherwise)",
                ),
            ],
        ),
        cmd(
            "snapshot status",
            "status <filename>",
            "Gets backend snapshot status of a given file",
            true,
            &[],
            Vec::new(),
        ),
        cmd("version", "version", "Prints the version of etcdutl", true, &[], Vec::new()),
    ]
}

/// The tree for the cobra-like parser: subcommands by name, `-w` everywhere.
fn spec(cmds: &[Cmd]) -> Spec {
    let mut commands = VecMap::new();
    for c in cmds {
        let prefix = if c.path.is_empty() { String::new() } else { format!("{} ", c.path) };
        let subcommands = cmds
            .iter()
            .filter_map(|s| {
                s.path.strip_prefix(&prefix).filter(|rest| !rest.is_empty() && !rest.contains(' '))
            })
            .map(str::to_string)
            .collect();
        let spec = CommandSpec {
            path: c.path.to_string(),
            help: String::new(),
            flags: c.flags.clone(),
            subcommands,
        };
        commands.insert(c.path.to_string(), spec);
    }
    Spec { commands, global: vec![write_out()] }
}

/// A command cobra hides from its parent's usage (`snapshot save`).
fn is_hidden(c: &Cmd) -> bool {
    c.path == "snapshot save"
}

/// cobra v1.1.3's default usage template for `c` (what `--help` prints).
fn usage(cmds: &[Cmd], c: &Cmd) -> String {
    let command_path = if c.path.is_empty() { "etcdutl".to_string() } else { format!("etcdutl {}", c.path) };
    let prefix = if c.path.is_empty() { String::new() } else { format!("{} ", c.path) };
    let subs: Vec<(&str, &Cmd)> = cmds
        .iter()
        .filter_map(|s| Some((s.path.strip_prefix(&prefix)?, s)))
        .filter(|(rest, s)| !rest.is_empty() && !rest.contains(' ') && !is_hidden(s))
        .collect();
    let mut out = String::from("Usage:");
    if c.runnable {
        let args = c.use_line.split_once(' ').map_or("", |(_, a)| a);
        let line = if args.is_empty() { command_path.clone() } else { format!("{command_path} {args}") };
        out.push_str(&format!("\n  {line} [flags]"));
    }
    if !subs.is_empty() {
        out.push_str(&format!("\n  {command_path} [command]\n\nAvailable Commands:"));
        // cobra pads names to the longest it was given, at least 11.
        let pad = subs.iter().map(|(n, _)| n.len()).max().unwrap_or(0).max(11);
        for (name, s) in &subs {
            out.push_str(&format!("\n  {name:pad$} {}", s.short));
        }
    }
    let name = c.path.rsplit(' ').next().filter(|n| !n.is_empty()).unwrap_or("etcdutl");
    let help = FlagSpec {
        name: "help".into(),
        short: Some('h'),
        kind: FlagKind::Bool,
        default: "false".into(),
        usage: format!("help for {name}"),
    };
    let mut local = c.flags.clone();
    local.push(help);
    if c.path.is_empty() {
        local.push(write_out());
    }
    let usages = |flags: Vec<FlagSpec>| CommandSpec { flags, ..CommandSpec::default() }.flag_usages();
    out.push_str(&format!("\n\nFlags:\n{}", usages(local).trim_end()));
    if !c.path.is_empty() {
        out.push_str(&format!("\n\nGlobal Flags:\n{}", usages(vec![write_out()]).trim_end()));
    }
    if !subs.is_empty() {
        out.push_str(&format!(
            "\n\nUse \"{command_path} [command] --help\" for more information about a command."
        ));
    }
    out.push('\n');
    out
}

/// cobra's error for a line it cannot place, as etcdutl prints it (cobra's
/// lines, then cobrautl's `Error:` again).
fn cobra_error(e: &str) -> Exec {
    Output::fail(format!("Error: {e}\nRun 'etcdutl --help' for usage.\nError: {e}\n"), exit::ERROR).into()
}

/// A flag cobra rejects: its error, the command's usage (cobra v1.1.3
/// prints both on stderr), then cobrautl's error.
fn flag_error(usage: &str, e: &str) -> Exec {
    Output::fail(format!("Error: {e}\n{usage}\nError: {e}\n"), exit::ERROR).into()
}

/// Runs `etcdutl ARGS`: cobra finds the command past any flags, parses its
/// flags with pflag's rules, checks the required ones, then runs it.
pub(crate) fn run(con: &mut Console, args: &[String]) -> Exec {
    let cmds = commands();
    let spec = spec(&cmds);
    let (path, rest) = match flags::find_command(&spec, args) {
        Ok(found) => found,
        Err(word) => {
            let root = spec.command("").cloned().unwrap_or_default();
            let hint = crate::etcdctl::did_you_mean(&root, &word);
            return cobra_error(&format!("unknown command {word:?} for \"etcdutl\"{hint}"));
        }
    };
    let (Some(cmd), Some(c)) = (spec.command(&path), cmds.iter().find(|c| c.path == path)) else {
        return cobra_error("internal: command spec missing");
    };
    let p = match flags::parse_flags(&spec, cmd, &rest) {
        Ok(p) => p,
        Err(e) => return flag_error(&usage(&cmds, c), &e),
    };
    if p.bool("help") || !c.runnable {
        return Output::ok(usage(&cmds, c)).into();
    }
    if path == "help" {
        let topic = flags::find_command(&spec, &p.args).ok().map(|(t, _)| t).unwrap_or_default();
        let c = cmds.iter().find(|c| c.path == topic).unwrap_or(&cmds[0]);
        return Output::ok(usage(&cmds, c)).into();
    }
    let missing: Vec<String> = c.required.iter().filter(|f| !p.is_set(f)).map(|f| format!("{f:?}")).collect();
    if !missing.is_empty() {
        return flag_error(&usage(&cmds, c), &format!("required flag(s) {} not set", missing.join(", ")));
    }
    match path.as_str() {
        "version" => Output::ok(format!("etcdutl version: {VERSION}\nAPI version: {API_VERSION}\n")).into(),
        "snapshot status" => snapshot::status(con, &p).into(),
        "snapshot save" => {
            // cobra announces the deprecation (on stderr) before the command runs.
            let mut out = Output::fail(
                "Command \"save\" is deprecated, Use `etcdctl snapshot save` to download snapshot\n",
                exit::BAD_ARGS,
            );
            out.append(Output::error(
                "In order to download snapshot use: `etcdctl snapshot save ...`",
                exit::BAD_ARGS,
            ));
            out.into()
        }
        "snapshot restore" => {
            let mmap = match p.int("initial-memory-map-size") {
                0 => 10_737_418_240,
                n => n.unsigned_abs(),
            };
            snapshot::restore(con, &p, mmap).into()
        }
        _ => defrag(con, p.get("data-dir")).into(),
    }
}

/// `etcdutl defrag --data-dir DIR`: [`defrag_data`]; its failure in etcdutl's words.
fn defrag(con: &Console, dir: &str) -> Output {
    defrag_data(con, dir).unwrap_or_else(|e| {
        Output::error(format!("Failed to defragment etcd data[{dir}] ({e})"), exit::ERROR)
    })
}

/// etcdutl's `DefragData`: the backend's two log lines (zap's console
/// encoder on stderr, backend.go's callers), nothing on stdout; a data dir
/// without its db file fails the stat of it (the error returned).
pub(crate) fn defrag_data(con: &Console, dir: &str) -> Result<Output, String> {
    let db = format!("{dir}/member/snap/db");
    // (A bolt file is never smaller than its first pages: 20 kB as etcd creates it.)
    let Some(size) = con.vfs.read(&db).map(|b| (b.len() as u64).max(20_480)) else {
        return Err(format!("stat {db}: no such file or directory"));
    };
    let now = con.backend.clock_ms();
    let human = crate::printers::humanize_bytes(size);
    let db_json = crate::printers::json::string(&db);
    let mut out = Output::default();
    out.eprint(format!(
        "{}\tinfo\tbackend/backend.go:517\tdefragmenting\t{{\"path\": {db_json}, \"current-db-size-bytes\": {size}, \"current-db-size\": \"{human}\", \"current-db-size-in-use-bytes\": {size}, \"current-db-size-in-use\": \"{human}\"}}\n",
        crate::timefmt::rfc3339(now)
    ));
    out.eprint(format!(
        "{}\tinfo\tbackend/backend.go:579\tfinished defragmenting directory\t{{\"path\": {db_json}, \"current-db-size-bytes-diff\": 0, \"current-db-size-bytes\": {size}, \"current-db-size\": \"{human}\", \"current-db-size-in-use-bytes-diff\": 0, \"current-db-size-in-use-bytes\": {size}, \"current-db-size-in-use\": \"{human}\", \"took\": \"1.2ms\"}}\n",
        crate::timefmt::rfc3339(now)
    ));
    Ok(out)
}
