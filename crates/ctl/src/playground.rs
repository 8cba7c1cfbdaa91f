//! Playground commands: `cluster status|stop|start|restart|partition|isolate|heal|net|campaign|slow-disk|disk|reset`.
//!
//! ```text
//! cluster partition etcd-1 / etcd-2,etcd-3    two groups; members talk only inside a group
//! cluster isolate etcd-1                      etcd-1 alone
//! cluster partition etcd-1 -/-> etcd-2       one way: etcd-2 no longer hears etcd-1
//! cluster slow-disk etcd-1 400ms               each fsync of etcd-1 takes 400 ms more
//! cluster disk etcd-1 full                     its next write fails: etcd exits, as on ENOSPC
//! cluster net --delay 5-20ms --drop 1% --duplicate 0% --reorder 10%
//! cluster reset --nodes 5 --seed 42 --plain   a fresh cluster over http (TLS as the last one by default; --data-dir DIR: from a restored snapshot)
//! ```

pub(crate) mod sim;

use crate::backend::Backend;
use crate::console::{Console, ConsoleOptions, Exec};
use crate::output::{Output, exit};
use crate::printers::table;

const USAGE: &str = "\
Usage: cluster COMMAND
  status                                  one row per member: role, term, commit, applied, up/down, group
  stop NAME | start NAME | restart NAME   crash a member (memory lost, disk kept) / start it again
  partition NAME[,NAME...] [/ NAME[,NAME...]]   split the network into groups
  partition NAME -/-> NAME                one way: the first's messages no longer reach the second
  isolate NAME                            cut one member off
  heal                                    one network again
  net [--delay MIN-MAXms] [--drop P%] [--duplicate P%] [--reorder P%]
  campaign NAME                           fire that member's election timer now
  slow-disk NAME DURATION                 every fsync of NAME takes DURATION more (0: a healthy disk)
  disk NAME full|slow DURATION|ok         no space left (etcd exits at its next write), slow, or healthy
  reset [--nodes N] [--seed S] [--tls|--plain] [--data-dir DIR] [--quota-bytes N]   a fresh cluster
        [--bare | --kubeadm] [--storage json|protobuf]   etcd alone, or a kubeadm cluster's objects
        [--topology single|stacked|external]     one control-plane node with one etcd member, three
                                                 stacked members, or etcd under systemd (etcd.service)
                                                          (JSON, or protobuf as a real apiserver stores them)
";

pub(crate) fn fail(msg: impl std::fmt::Display) -> Exec {
    Output::fail(format!("cluster: {msg}\n"), exit::ERROR).into()
}

/// Runs `cluster ARGS`.
pub(crate) fn run(con: &mut Console, args: &[String]) -> Exec {
    let Some(sub) = args.first() else {
        return Output::ok(USAGE).into();
    };
    let rest = &args[1..];
    match sub.as_str() {
        "status" => Output::ok(status(con)).into(),
        "stop" | "start" | "restart" | "partition" | "isolate" | "heal" | "campaign" | "slow-disk"
        | "disk" => sim::run(con, sub, rest),
        "net" => net(con, rest),
        "reset" => reset(con, rest),
        "help" | "--help" | "-h" => Output::ok(USAGE).into(),
        other => Output::fail(format!("cluster: unknown command {other:?}\n{USAGE}"), exit::ERROR).into(),
    }
}

/// The `cluster status` table, read from the simulated members.
pub fn status(con: &Console) -> String {
    sim::status(con)
}

pub(crate) fn status_table(rows: &[Vec<String>]) -> String {
    table::render(&["NAME", "ID", "ROLE", "TERM", "COMMIT", "APPLIED", "STATE", "GROUP"], rows)
}

/// `cluster net` settings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Net {
    /// Least one-way delay.
    pub delay_min_ms: u64,
    /// Most one-way delay.
    pub delay_max_ms: u64,
    /// Messages dropped, in percent.
    pub drop_percent: u32,
    /// Messages delivered twice, in percent.
    pub duplicate_percent: u32,
    /// Messages that may overtake the ones sent before them, in percent.
    pub reorder_percent: u32,
}

fn net(con: &mut Console, args: &[String]) -> Exec {
    let mut net = con.net.clone();
    let mut i = 0;
    while i < args.len() {
        let (flag, inline) = match args[i].split_once('=') {
            Some((f, v)) => (f.to_string(), Some(v.to_string())),
            None => (args[i].clone(), None),
        };
        let value = match inline {
            Some(v) => v,
            None => {
                i += 1;
                match args.get(i) {
                    Some(v) => v.clone(),
                    None => return fail(format!("{flag} needs a value")),
                }
            }
        };
        let pct = |v: &str| v.trim_end_matches('%').parse::<u32>().ok().filter(|p| *p <= 100);
        match flag.as_str() {
            "--delay" => {
                let v = value.trim_end_matches("ms");
                let (lo, hi) = v.split_once('-').unwrap_or((v, v));
                match (lo.parse::<u64>(), hi.parse::<u64>()) {
                    (Ok(lo), Ok(hi)) if lo <= hi && hi <= 10_000 => {
                        net.delay_min_ms = lo;
                        net.delay_max_ms = hi;
                    }
                    _ => return fail(format!("bad --delay {value:?} (want MIN-MAXms, like 5-20ms)")),
                }
            }
            "--drop" => match pct(&value) {
                Some(p) => net.drop_percent = p,
                None => return fail(format!("bad --drop {value:?} (want P%)")),
            },
            "--duplicate" => match pct(&value) {
                Some(p) => net.duplicate_percent = p,
                None => return fail(format!("bad --duplicate {value:?} (want P%)")),
            },
            "--reorder" => match pct(&value) {
                Some(p) => net.reorder_percent = p,
                None => return fail(format!("bad --reorder {value:?} (want P%)")),
            },
            other => return fail(format!("unknown flag {other}")),
        }
        i += 1;
    }
    if let Err(e) = sim::net(con, &net) {
        return e;
    }
    con.net = net.clone();
    let Net { delay_min_ms, delay_max_ms, drop_percent, duplicate_percent, reorder_percent } = net;
    // The reordering is shown only once asked for (the line as it was).
    let reorder = if reorder_percent > 0 { format!(", reorder {reorder_percent}%") } else { String::new() };
    Output::ok(format!(
        "network: delay {delay_min_ms}-{delay_max_ms}ms, drop {drop_percent}%, duplicate {duplicate_percent}%{reorder}\n"
    ))
    .into()
}

fn reset(con: &mut Console, args: &[String]) -> Exec {
    let mut nodes = con.options.nodes;
    let mut seed = con.seed;
    let mut tls = con.options.tls;
    let mut kubernetes = con.options.kubernetes;
    let mut protobuf = con.options.protobuf;
    let mut external_etcd = con.options.external_etcd;
    let mut data_dir = None;
    let mut quota = None;
    let mut i = 0;
    while i < args.len() {
        let (flag, inline) = match args[i].split_once('=') {
            Some((f, v)) => (f.to_string(), Some(v.to_string())),
            None => (args[i].clone(), None),
        };
        let mut value = || {
            inline.clone().or_else(|| {
                i += 1;
                args.get(i).cloned()
            })
        };
        match flag.as_str() {
            "--tls" => match inline.as_deref() {
                None | Some("true") => tls = true,
                Some("false") => tls = false,
                Some(_) => return fail("--tls takes true or false"),
            },
            "--plain" => tls = false,
            "--bare" => kubernetes = false,
            "--topology" => match value().as_deref() {
                Some("single") => (nodes, kubernetes, external_etcd) = (1, true, false),
                Some("stacked") => (nodes, kubernetes, external_etcd) = (3, true, false),
                Some("external") => (kubernetes, external_etcd) = (true, true),
                _ => return fail("--topology takes single, stacked or external"),
            },
            "--kubeadm" => kubernetes = true,
            "--storage" => match value().as_deref() {
                Some("json") => protobuf = false,
                Some("protobuf") => protobuf = true,
                _ => return fail("--storage takes json or protobuf"),
            },
            "--nodes" => {
                match value().and_then(|v| v.parse::<usize>().ok()).filter(|n| (1..=7).contains(n)) {
                    Some(n) => nodes = n,
                    None => return fail("--nodes takes a number from 1 to 7"),
                }
            }
            "--seed" => match value().and_then(|v| v.parse::<u64>().ok()) {
                Some(s) => seed = s,
                None => return fail("--seed takes a number"),
            },
            "--data-dir" => data_dir = value(),
            "--quota-bytes" => match value().and_then(|v| v.parse::<u64>().ok()).filter(|q| *q >= 4096) {
                Some(q) => quota = Some(q),
                None => return fail("--quota-bytes takes a number of bytes (at least 4096)"),
            },
            other => return fail(format!("unknown flag {other}")),
        }
        i += 1;
    }
    let options = ConsoleOptions { nodes, tls, kubernetes, protobuf, external_etcd };
    let backend = match &data_dir {
        Some(dir) => match restored_disks(con, dir) {
            Ok(disks) => Backend::from_disks(seed, disks, quota),
            Err(e) => return fail(e),
        },
        None => Backend::with_quota(seed, nodes, quota),
    };
    con.reset_cluster(seed, options, backend);
    Output::ok(status(con)).into()
}

/// The disks of the cluster a restored data directory describes (written
/// by `etcdutl snapshot restore`: the backup in `member/snap/db`, the
/// restore's settings in the WAL file): every member of its
/// `--initial-cluster`, restored from the same backup, as etcd's restore
/// procedure has each member restore the same snapshot.
pub(crate) fn restored_disks(
    con: &Console,
    dir: &str,
) -> Result<Vec<(server::PeerInfo, server::Disk)>, String> {
    let dir = dir.trim_end_matches('/');
    let not_restored = || format!("{dir} is not a restored data directory (no member/snap/db)");
    let db = con.vfs.read(&format!("{dir}/member/snap/db")).ok_or_else(not_restored)?;
    let meta = con
        .vfs
        .read(&format!("{dir}/member/wal/{}", crate::commands::snapshot::WAL_FILE))
        .ok_or_else(not_restored)?;
    let meta = String::from_utf8_lossy(meta);
    let mut opts = server::RestoreOptions::default();
    for line in meta.lines() {
        match line.split_once('=') {
            Some(("token", t)) => opts.cluster_token = t.to_string(),
            Some(("bump", n)) => opts.bump_revision = n.parse().unwrap_or(0),
            Some(("mark_compacted", b)) => opts.mark_compacted = b == "true",
            Some(("skip_hash_check", b)) => opts.skip_hash_check = b == "true",
            Some(("member", m)) => {
                let (name, url) = m.split_once('=').unwrap_or((m, ""));
                opts.initial_cluster.push(server::PeerInfo {
                    id: 0,
                    name: name.to_string(),
                    peer_urls: vec![url.to_string()],
                    client_urls: vec![client_url(url)],
                    is_learner: false,
                });
            }
            _ => {}
        }
    }
    server::restore_disks(db, opts).map_err(|e| format!("cannot start from {dir}: {e}"))
}

/// The client URL of a member restored with peer URL `peer`: the same host
/// on port 2379 (`localhost` as `127.0.0.1`, so etcdctl's default endpoint
/// reaches a cluster restored with etcdutl's defaults).
fn client_url(peer: &str) -> String {
    let scheme_end = peer.find("://").map_or(0, |i| i + 3);
    let (scheme, rest) = peer.split_at(scheme_end);
    let host = rest.rsplit_once(':').map_or(rest, |(h, _)| h);
    let host = if host == "localhost" { "127.0.0.1" } else { host };
    let scheme = if scheme.is_empty() { "http://" } else { scheme };
    format!("{scheme}{host}:2379")
}
