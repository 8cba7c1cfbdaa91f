//! `etcdutl`: offline tools on files of the virtual filesystem (snapshot status/restore, defrag, version).

use crate::commands::snapshot;
use crate::console::{Console, Exec};
use crate::flags::{self, Parsed};
use crate::output::{Output, exit};
use crate::spec::{FlagKind, FlagSpec};
use crate::{API_VERSION, VERSION};

const HELP: &str = "NAME:\n\tetcdutl - An administrative command line tool for etcd3.\n\nUSAGE:\n\tetcdutl [flags]\n\nVERSION:\n\t3.5.33\n\nAPI VERSION:\n\t3.5\n\n\nCOMMANDS:\n\tdefrag\t\t\tDefragments the storage of the etcd\n\thelp\t\t\tHelp about any command\n\tsnapshot restore\tRestores an etcd member snapshot to an etcd directory\n\tsnapshot status\t\tGets backend snapshot status of a given file\n\tversion\t\t\tPrints the version of etcdutl\n\nOPTIONS:\n  -h, --help[=false]\t\t\thelp for etcdutl\n  -w, --write-out=\"simple\"\tset the output format (fields, json, protobuf, simple, table)\n";

fn flag(name: &str, kind: FlagKind, default: &str) -> FlagSpec {
    FlagSpec { name: name.to_string(), short: None, kind, default: default.to_string(), usage: String::new() }
}

/// Parses etcdutl's flags with pflag's rules.
fn parse(args: &[String], local: Vec<FlagSpec>) -> Result<Parsed, String> {
    let mut spec = crate::spec::Spec { commands: Default::default(), global: Vec::new() };
    spec.global.push(FlagSpec {
        name: "write-out".into(),
        short: Some('w'),
        kind: FlagKind::String,
        default: "simple".into(),
        usage: String::new(),
    });
    let cmd = crate::spec::CommandSpec { flags: local, ..Default::default() };
    flags::parse_flags(&spec, &cmd, args)
}

/// Runs `etcdutl ARGS`.
pub(crate) fn run(con: &mut Console, args: &[String]) -> Exec {
    let words: Vec<&str> = args.iter().filter(|a| !a.starts_with('-')).map(String::as_str).collect();
    let (path, skip) = match words.as_slice() {
        ["snapshot", "status", ..] => ("snapshot status", 2),
        ["snapshot", "restore", ..] => ("snapshot restore", 2),
        ["defrag", ..] => ("defrag", 1),
        ["version", ..] => ("version", 1),
        [] | ["help", ..] => return Output::ok(HELP).into(),
        ["snapshot"] => return Output::ok(HELP).into(),
        [other, ..] => {
            let e = format!("unknown command {other:?} for \"etcdutl\"");
            return Output::fail(
                format!("Error: {e}\nRun 'etcdutl --help' for usage.\nError: {e}\n"),
                exit::ERROR,
            )
            .into();
        }
    };
    let mut rest: Vec<String> = args.to_vec();
    for w in path.split(' ').take(skip) {
        if let Some(i) = rest.iter().position(|a| a == w) {
            rest.remove(i);
        }
    }
    let local = match path {
        "snapshot restore" => vec![
            flag("data-dir", FlagKind::String, ""),
            flag("wal-dir", FlagKind::String, ""),
            flag("name", FlagKind::String, "default"),
            flag("initial-cluster", FlagKind::String, "default=http://localhost:2380"),
            flag("initial-cluster-token", FlagKind::String, "etcd-cluster"),
            flag("initial-advertise-peer-urls", FlagKind::String, "http://localhost:2380"),
            flag("skip-hash-check", FlagKind::Bool, "false"),
            flag("bump-revision", FlagKind::Int, "0"),
            flag("mark-compacted", FlagKind::Bool, "false"),
        ],
        "defrag" => vec![flag("data-dir", FlagKind::String, "")],
        _ => Vec::new(),
    };
    let p = match parse(&rest, local) {
        Ok(p) => p,
        Err(e) => return Output::fail(format!("Error: {e}\n"), exit::ERROR).into(),
    };
    if p.bool("help") {
        return Output::ok(HELP).into();
    }
    match path {
        "version" => Output::ok(format!("etcdutl version: {VERSION}\nAPI version: {API_VERSION}\n")).into(),
        "snapshot status" => snapshot::status(con, &p).into(),
        "snapshot restore" => {
            if p.int("bump-revision") > 0 && !p.bool("mark-compacted") {
                return Output::error("--mark-compacted required if --bump-revision > 0", exit::BAD_ARGS)
                    .into();
            }
            snapshot::restore(con, &p, 10_737_418_240).into()
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
