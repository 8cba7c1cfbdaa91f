//! `etcdutl`: offline tools on files of the virtual filesystem (snapshot status/restore, defrag, version).

use crate::commands::snapshot;
use crate::console::{Console, Exec};
use slim::VecMap;

use crate::flags;
use crate::output::{Output, exit};
use crate::spec::{CommandSpec, FlagKind, FlagSpec, Spec};
use crate::{API_VERSION, VERSION};

const HELP: &str = "NAME:\n\tetcdutl - An administrative command line tool for etcd3.\n\nUSAGE:\n\tetcdutl [flags]\n\nVERSION:\n\t3.5.33\n\nAPI VERSION:\n\t3.5\n\n\nCOMMANDS:\n\tdefrag\t\t\tDefragments the storage of the etcd\n\thelp\t\t\tHelp about any command\n\tsnapshot restore\tRestores an etcd member snapshot to an etcd directory\n\tsnapshot status\t\tGets backend snapshot status of a given file\n\tversion\t\t\tPrints the version of etcdutl\n\nOPTIONS:\n  -h, --help[=false]\t\t\thelp for etcdutl\n  -w, --write-out=\"simple\"\tset the output format (fields, json, protobuf, simple, table)\n";

fn flag(name: &str, kind: FlagKind, default: &str, usage: &str) -> FlagSpec {
    FlagSpec {
        name: name.to_string(),
        short: None,
        kind,
        default: default.to_string(),
        usage: usage.to_string(),
    }
}

/// etcdutl 3.5's command tree (etcdutl/ctl.go, etcdutl/etcdutl/*_command.go):
/// `-w` is the root's persistent flag, the others are local to their command.
fn spec() -> Spec {
    let mut commands = VecMap::new();
    let mut add = |path: &str, subcommands: &[&str], flags: Vec<FlagSpec>| {
        let subcommands = subcommands.iter().map(|s| s.to_string()).collect();
        commands.insert(
            path.to_string(),
            CommandSpec { path: path.to_string(), help: HELP.to_string(), flags, subcommands },
        );
    };
    add("", &["defrag", "help", "snapshot", "version"], Vec::new());
    add("snapshot", &["restore", "status"], Vec::new());
    add("snapshot status", &[], Vec::new());
    add("version", &[], Vec::new());
    add("help", &[], Vec::new());
    add("defrag", &[], vec![flag("data-dir", FlagKind::String, "", "Data directory of the etcd server")]);
    add(
        "snapshot restore",
        &[],
        vec![
            flag("data-dir", FlagKind::String, "", "Path to the output data directory"),
            flag("wal-dir", FlagKind::String, "", "Path to the WAL directory (use --data-dir if none given)"),
            flag("name", FlagKind::String, "default", "Human-readable name for this member"),
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
            flag(
                "skip-hash-check",
                FlagKind::Bool,
                "false",
                "Ignore snapshot integrity hash value (required if copied from data directory)",
            ),
            flag(
                "initial-memory-map-size",
                FlagKind::Int,
                "10737418240",
                "Initial memory map size of the database in bytes. It uses the default value if not defined or defined to 0",
            ),
            flag(
                "bump-revision",
                FlagKind::Int,
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
    );
    let write_out = FlagSpec {
        name: "write-out".into(),
        short: Some('w'),
        kind: FlagKind::String,
        default: "simple".into(),
        usage: "set the output format (fields, json, protobuf, simple, table)".into(),
    };
    Spec { commands, global: vec![write_out] }
}

/// cobra's error for a bad line, as etcdutl's main prints it (cobra's
/// `Error:` line, then cobrautl's again).
fn cobra_error(e: &str) -> Exec {
    Output::fail(format!("Error: {e}\nRun 'etcdutl --help' for usage.\nError: {e}\n"), exit::ERROR).into()
}

/// A flag cobra rejects: its error, the usage, then cobrautl's error.
fn flag_error(e: &str) -> Exec {
    let mut out = Output::default();
    out.eprint(format!("Error: {e}\n"));
    out.print(HELP);
    out.eprint(format!("\nError: {e}\n"));
    out.exit = exit::ERROR;
    out.into()
}

/// Runs `etcdutl ARGS`: cobra finds the command past any flags (so
/// `etcdutl --data-dir DIR snapshot restore FILE` is `snapshot restore`
/// with its `--data-dir`), then parses its flags with pflag's rules.
pub(crate) fn run(con: &mut Console, args: &[String]) -> Exec {
    let spec = spec();
    let (path, rest) = match flags::find_command(&spec, args) {
        Ok(found) => found,
        Err(word) => return cobra_error(&format!("unknown command {word:?} for \"etcdutl\"")),
    };
    let Some(cmd) = spec.command(&path) else { return cobra_error("internal: command spec missing") };
    let p = match flags::parse_flags(&spec, cmd, &rest) {
        Ok(p) => p,
        Err(e) => return flag_error(&e),
    };
    if p.bool("help") || !cmd.subcommands.is_empty() || path == "help" {
        return Output::ok(HELP).into();
    }
    match path.as_str() {
        "version" => Output::ok(format!("etcdutl version: {VERSION}\nAPI version: {API_VERSION}\n")).into(),
        "snapshot status" => snapshot::status(con, &p).into(),
        "snapshot restore" => {
            if p.int("bump-revision") > 0 && !p.bool("mark-compacted") {
                return Output::error("--mark-compacted required if --bump-revision > 0", exit::BAD_ARGS)
                    .into();
            }
            if !p.is_set("data-dir") {
                // cobra checks the flag restore marks required before running it.
                return flag_error("required flag(s) \"data-dir\" not set");
            }
            let mmap = match p.int("initial-memory-map-size") {
                0 => 10_737_418_240,
                n => n.unsigned_abs(),
            };
            snapshot::restore(con, &p, mmap).into()
        }
        _ => {
            let dir = p.get("data-dir");
            if dir.is_empty() {
                return Output::error("Please provide --data-dir flag", exit::BAD_ARGS).into();
            }
            if !con.vfs.exists(&format!("{dir}/member/snap/db")) {
                return Output::fail(
                    format!("Error: open {dir}/member/snap/db: no such file or directory\n"),
                    exit::ERROR,
                )
                .into();
            }
            Output::ok(format!("finished defragmenting directory: {dir}\n")).into()
        }
    }
}
