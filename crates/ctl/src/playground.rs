//! Playground commands: `cluster status|stop|start|restart|partition|isolate|heal|net|campaign|reset`.
//!
//! ```text
//! cluster partition etcd-1 / etcd-2,etcd-3    two groups; members talk only inside a group
//! cluster isolate etcd-1                      etcd-1 alone
//! cluster net --delay 5-20ms --drop 1% --duplicate 0%
//! cluster reset --nodes 5 --seed 42 --tls     a fresh cluster (--data-dir DIR: from a restored snapshot)
//! ```

pub(crate) mod sim;

use mvcc::{Store, StoreConfig};

use crate::cluster::{ClusterOptions, Net};
use crate::console::{Console, Exec};
use crate::output::{Output, exit};
use crate::printers::table;

const USAGE: &str = "\
Usage: cluster COMMAND
  status                                  one row per member: role, term, commit, applied, up/down, group
  stop NAME | start NAME | restart NAME   crash a member (memory lost, disk kept) / start it again
  partition NAME[,NAME...] [/ NAME[,NAME...]]   split the network into groups
  isolate NAME                            cut one member off
  heal                                    one network again
  net [--delay MIN-MAXms] [--drop P%] [--duplicate P%]
  campaign NAME                           fire that member's election timer now
  reset [--nodes N] [--seed S] [--tls] [--data-dir DIR] [--quota-bytes N]   a fresh cluster
";

pub(crate) fn fail(msg: impl std::fmt::Display) -> Exec {
    Output::fail(format!("cluster: {msg}\n"), exit::ERROR).into()
}

fn member(con: &Console, name: &str) -> Result<usize, Exec> {
    con.cluster.member_named(name).ok_or_else(|| {
        let names: Vec<String> =
            con.cluster.members.iter().map(|m| m.name.clone()).filter(|n| !n.is_empty()).collect();
        fail(format!("unknown member {name:?} (members: {})", names.join(", ")))
    })
}

/// Runs `cluster ARGS`.
pub(crate) fn run(con: &mut Console, args: &[String]) -> Exec {
    let Some(sub) = args.first() else {
        return Output::ok(USAGE).into();
    };
    let rest = &args[1..];
    if con.sim_backed
        && ["stop", "start", "restart", "partition", "isolate", "heal", "campaign"].contains(&sub.as_str())
    {
        return sim::run(con, sub, rest);
    }
    match sub.as_str() {
        "status" => Output::ok(status(con)).into(),
        "stop" | "start" | "restart" => {
            let Some(name) = rest.first() else { return fail(format!("{sub} needs a member name")) };
            let i = match member(con, name) {
                Ok(i) => i,
                Err(e) => return e,
            };
            match sub.as_str() {
                "stop" => con.cluster.stop(i),
                "start" => con.cluster.start(i),
                _ => {
                    con.cluster.stop(i);
                    con.cluster.start(i);
                }
            }
            let state = if con.cluster.members[i].up { "running" } else { "stopped" };
            let name = con.cluster.members[i].name.clone();
            Exec::took(Output::ok(format!("{name}: {state}\n")), 1000)
        }
        "partition" => {
            let joined = rest.join(" ");
            let mut groups = Vec::new();
            for part in joined.split('/') {
                let mut g = Vec::new();
                for name in part.split([',', ' ']).filter(|s| !s.is_empty()) {
                    match member(con, name) {
                        Ok(i) => g.push(i),
                        Err(e) => return e,
                    }
                }
                if !g.is_empty() {
                    groups.push(g);
                }
            }
            if groups.is_empty() {
                return fail("partition needs member names: cluster partition etcd-1 / etcd-2,etcd-3");
            }
            con.cluster.partition(&groups);
            Exec::took(Output::ok(status(con)), 1000)
        }
        "isolate" => {
            let Some(name) = rest.first() else { return fail("isolate needs a member name") };
            match member(con, name) {
                Ok(i) => {
                    con.cluster.partition(&[vec![i]]);
                    Exec::took(Output::ok(status(con)), 1000)
                }
                Err(e) => e,
            }
        }
        "heal" => {
            con.cluster.heal();
            Exec::took(Output::ok(status(con)), 1000)
        }
        "net" => net(con, rest),
        "campaign" => {
            let Some(name) = rest.first() else { return fail("campaign needs a member name") };
            let i = match member(con, name) {
                Ok(i) => i,
                Err(e) => return e,
            };
            match con.cluster.campaign(i) {
                Ok(()) => Exec::took(Output::ok(status(con)), 100),
                Err(e) => fail(e),
            }
        }
        "reset" => reset(con, rest),
        "help" | "--help" | "-h" => Output::ok(USAGE).into(),
        other => Output::fail(format!("cluster: unknown command {other:?}\n{USAGE}"), exit::ERROR).into(),
    }
}

/// The `cluster status` table.
pub fn status(con: &Console) -> String {
    if con.sim_backed {
        return sim::status(con);
    }
    let c = &con.cluster;
    let group = c.quorum_group();
    let rows: Vec<Vec<String>> = c
        .members
        .iter()
        .map(|m| {
            let role = if !m.up {
                "-".to_string()
            } else if Some(m.id) == c.leader {
                "leader".to_string()
            } else if m.is_learner {
                "learner".to_string()
            } else if c.leader.is_some() && Some(m.group) == group {
                "follower".to_string()
            } else {
                "candidate".to_string()
            };
            let name = if m.name.is_empty() { format!("({})", m.pending_name) } else { m.name.clone() };
            vec![
                name,
                format!("{:x}", m.id),
                role,
                m.term.to_string(),
                m.applied.to_string(),
                m.applied.to_string(),
                if m.up { "up".to_string() } else { "down".to_string() },
                m.group.to_string(),
            ]
        })
        .collect();
    status_table(&rows)
}

pub(crate) fn status_table(rows: &[Vec<String>]) -> String {
    table::render(&["NAME", "ID", "ROLE", "TERM", "COMMIT", "APPLIED", "STATE", "GROUP"], rows)
}

fn net(con: &mut Console, args: &[String]) -> Exec {
    let mut net = con.cluster.net.clone();
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
            other => return fail(format!("unknown flag {other}")),
        }
        i += 1;
    }
    if con.sim_backed
        && let Err(e) = sim::net(con, &net)
    {
        return e;
    }
    con.cluster.net = net.clone();
    let Net { delay_min_ms, delay_max_ms, drop_percent, duplicate_percent } = net;
    Output::ok(format!(
        "network: delay {delay_min_ms}-{delay_max_ms}ms, drop {drop_percent}%, duplicate {duplicate_percent}%\n"
    ))
    .into()
}

fn reset(con: &mut Console, args: &[String]) -> Exec {
    let mut nodes = con.cluster.options.nodes;
    let mut seed = con.seed;
    let mut tls = false;
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
            "--tls" => tls = true,
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
    if con.sim_backed && data_dir.is_some() {
        return fail("--data-dir needs the simulator to start a cluster from restored disks (not yet)");
    }
    let restored = match &data_dir {
        Some(dir) => {
            let Some(bytes) = con.vfs.read(&format!("{dir}/member/snap/db")) else {
                return fail(format!("{dir} is not a restored data directory (no member/snap/db)"));
            };
            match Store::restore(bytes, StoreConfig::default()) {
                Ok(s) => Some(s),
                Err(e) => return fail(format!("cannot start from {dir}: {e}")),
            }
        }
        None => None,
    };
    con.reset_cluster(seed, ClusterOptions { nodes, tls });
    if let Some(q) = quota {
        con.cluster.quota_bytes = q;
        con.backend = crate::backend::Backend::with_quota(seed, nodes, Some(q));
        con.backend.tls = tls;
    }
    if let Some(mut store) = restored {
        store.lessor_mut().promote(0, crate::cluster::ELECTION_MS);
        con.cluster.store = store;
    }
    Output::ok(status(con)).into()
}
