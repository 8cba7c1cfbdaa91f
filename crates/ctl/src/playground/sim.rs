//! `cluster ...` on the simulated cluster: every fault is a recorded sim input (`sim::Fault`), and `cluster status` reads the members' raft state.
//!
//! ```text
//! cluster stop etcd-1            Fault::Stop       (memory lost, disk kept; the others elect a leader)
//! cluster partition etcd-1 / etcd-2,etcd-3   Fault::Partition
//! cluster net --delay 5-20ms     Fault::NetworkSettings
//! cluster slow-disk NAME 400ms   Fault::SlowDisk (also cluster disk NAME slow 400ms)
//! cluster disk NAME full|ok      Fault::DiskFull (ok: space again, and Fault::SlowDisk 0)
//! cluster partition A -/-> B     Fault::OneWay   (A's messages no longer reach B)
//! cluster start NAME             Fault::Start, or Fault::Join for a member `member add` announced
//! ```

use sim::{Fault, LinkSettings};

use super::Net;
use super::{fail, status_table};
use crate::backend::Endpoint;
use crate::console::{Console, Exec};
use crate::output::Output;

/// Virtual time `cluster campaign` lets pass before it shows the result.
const CAMPAIGN_MS: u64 = 100;

fn member(con: &Console, name: &str) -> Result<Endpoint, Exec> {
    con.backend.member_named(name).ok_or_else(|| {
        let names: Vec<String> = con.backend.endpoints().into_iter().map(|e| e.name).collect();
        fail(format!("unknown member {name:?} (members: {})", names.join(", ")))
    })
}

fn apply(con: &mut Console, fault: Fault) -> Result<(), Exec> {
    con.backend.fault(fault).map_err(fail)
}

/// Runs `cluster stop|start|restart|partition|isolate|heal|campaign` on the sim.
pub(crate) fn run(con: &mut Console, sub: &str, rest: &[String]) -> Exec {
    match sub {
        "stop" | "start" | "restart" => {
            let Some(name) = rest.first() else { return fail(format!("{sub} needs a member name")) };
            if sub == "start"
                && let Some((id, peer_urls)) = con.backend.pending.remove(name)
            {
                let join = Fault::Join { member: id, name: name.clone(), peer_urls };
                if let Err(e) = apply(con, join) {
                    return e;
                }
                return Exec::took(Output::ok(format!("{name}: running\n")), 1000);
            }
            let m = match member(con, name) {
                Ok(m) => m,
                Err(e) => return e,
            };
            let fault = match sub {
                "stop" => Fault::Stop { member: m.id },
                "start" => Fault::Start { member: m.id },
                _ => Fault::Restart { member: m.id },
            };
            if let Err(e) = apply(con, fault) {
                return e;
            }
            let state = if sub == "stop" { "stopped" } else { "running" };
            Exec::took(Output::ok(format!("{}: {state}\n", m.name)), 1000)
        }
        "partition" if rest.iter().any(|w| w == ONE_WAY) => one_way(con, rest),
        "partition" | "isolate" => {
            let joined = rest.join(" ");
            let mut groups = Vec::new();
            for part in joined.split('/') {
                let mut g = Vec::new();
                for name in part.split([',', ' ']).filter(|s| !s.is_empty()) {
                    match member(con, name) {
                        Ok(m) => g.push(m.id),
                        Err(e) => return e,
                    }
                }
                if !g.is_empty() {
                    groups.push(g);
                }
            }
            let fault = match (sub, groups.as_slice()) {
                ("isolate", [g]) if g.len() == 1 => Fault::Isolate { member: g[0] },
                ("isolate", _) => return fail("isolate needs a member name"),
                (_, []) => {
                    return fail("partition needs member names: cluster partition etcd-1 / etcd-2,etcd-3");
                }
                _ => Fault::Partition { groups },
            };
            if let Err(e) = apply(con, fault) {
                return e;
            }
            con.advance(1000);
            Output::ok(status(con)).into()
        }
        "heal" => {
            if let Err(e) = apply(con, Fault::Heal) {
                return e;
            }
            con.advance(1000);
            Output::ok(status(con)).into()
        }
        "campaign" => {
            let Some(name) = rest.first() else { return fail("campaign needs a member name") };
            let m = match member(con, name) {
                Ok(m) => m,
                Err(e) => return e,
            };
            if let Err(e) = apply(con, Fault::Campaign { member: m.id }) {
                return e;
            }
            // The election (pre-vote, vote, the new leader's first append)
            // takes a few round trips.
            con.advance(CAMPAIGN_MS);
            Output::ok(status(con)).into()
        }
        "slow-disk" => {
            let [name, delay] = rest else {
                return fail("slow-disk needs a member name and a duration (400ms, 0)");
            };
            slow_disk(con, name, delay)
        }
        "disk" => disk(con, rest),
        other => fail(format!("unknown command {other:?}")),
    }
}

/// The arrow of a one-way partition: `cluster partition A -/-> B`.
const ONE_WAY: &str = "-/->";

/// `cluster partition A -/-> B`: A's messages no longer reach B; B still
/// reaches A (`Fault::OneWay`). Several senders or receivers cut every pair.
fn one_way(con: &mut Console, rest: &[String]) -> Exec {
    let usage = "a one-way partition is FROM -/-> TO: cluster partition etcd-1 -/-> etcd-2";
    let Some(at) = rest.iter().position(|w| w == ONE_WAY) else { return fail(usage) };
    let side = |words: &[String]| -> Result<Vec<Endpoint>, Exec> {
        let names: Vec<&str> = words.iter().flat_map(|w| w.split(',')).filter(|s| !s.is_empty()).collect();
        if names.is_empty() {
            return Err(fail(usage));
        }
        names.into_iter().map(|n| member(con, n)).collect()
    };
    let (from, to) = match (side(&rest[..at]), side(&rest[at + 1..])) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let mut lines = String::new();
    for f in &from {
        for t in &to {
            if f.id == t.id {
                return fail(format!("{} -/-> {}: a member always hears itself", f.name, t.name));
            }
        }
    }
    for f in &from {
        for t in &to {
            if let Err(e) = apply(con, Fault::OneWay { from: f.id, to: t.id }) {
                return e;
            }
            lines.push_str(&format!("{} -/-> {}: {} no longer hears {}\n", f.name, t.name, t.name, f.name));
        }
    }
    con.advance(1000);
    Output::ok(format!("{lines}{}", status(con))).into()
}

/// `cluster slow-disk NAME DURATION`, `cluster disk NAME slow DURATION`.
fn slow_disk(con: &mut Console, name: &str, delay: &str) -> Exec {
    let m = match member(con, name) {
        Ok(m) => m,
        Err(e) => return e,
    };
    let delay_ms = match delay {
        "0" | "off" => 0,
        d => match crate::flags::parse_duration_ms(d) {
            Ok(ms) => ms.min(60_000),
            Err(_) => return fail(format!("invalid duration {d:?} (400ms, 1s, 0)")),
        },
    };
    if let Err(e) = apply(con, Fault::SlowDisk { member: m.id, delay_ms }) {
        return e;
    }
    let what = if delay_ms == 0 {
        "a healthy disk".to_string()
    } else {
        format!("a slow disk (+{delay_ms}ms per fsync)")
    };
    Exec::took(Output::ok(format!("{}: {what}\n", m.name)), 1000)
}

/// `cluster disk NAME full|slow DURATION|ok`. A full disk fails the
/// member's next write and etcd exits on it (its raft loop's `Fatal`, see
/// the server's `fatal.rs`); that is not the `NOSPACE` alarm, which is the
/// backend quota (`cluster reset --quota-bytes`). `ok` frees the space and
/// heals the latency.
fn disk(con: &mut Console, rest: &[String]) -> Exec {
    let usage = "disk needs a member name and full, slow DURATION or ok: cluster disk etcd-1 full";
    let (name, state, duration) = match rest {
        [name, state] => (name, state.as_str(), None),
        [name, state, d] => (name, state.as_str(), Some(d.as_str())),
        _ => return fail(usage),
    };
    match (state, duration) {
        ("slow", Some(d)) => return slow_disk(con, name, d),
        ("slow", None) => return fail("disk NAME slow needs a duration (400ms, 1s)"),
        ("full" | "ok", None) => {}
        _ => return fail(usage),
    }
    let m = match member(con, name) {
        Ok(m) => m,
        Err(e) => return e,
    };
    let node = con.backend.sim.status().members.into_iter().find(|n| n.id == m.id);
    let (full, slow_ms) = node.map_or((false, 0), |n| (n.disk_full, n.slow_disk_ms));
    let what = if state == "full" {
        if let Err(e) = apply(con, Fault::DiskFull { member: m.id, full: true }) {
            return e;
        }
        "no space left on its disk: etcd exits at its next write (failed to save Raft hard state and entries)"
    } else {
        if full && let Err(e) = apply(con, Fault::DiskFull { member: m.id, full: false }) {
            return e;
        }
        if slow_ms > 0
            && let Err(e) = apply(con, Fault::SlowDisk { member: m.id, delay_ms: 0 })
        {
            return e;
        }
        "a healthy disk"
    };
    Exec::took(Output::ok(format!("{}: {what}\n", m.name)), 1000)
}

/// `cluster net` settings as a sim input.
pub(crate) fn net(con: &mut Console, net: &Net) -> Result<(), Exec> {
    let settings = LinkSettings {
        delay_min_ms: net.delay_min_ms.max(1),
        delay_max_ms: net.delay_max_ms.max(net.delay_min_ms.max(1)),
        drop_rate: f64::from(net.drop_percent) / 100.0,
        duplicate_rate: f64::from(net.duplicate_percent) / 100.0,
        reorder_rate: f64::from(net.reorder_percent) / 100.0,
    };
    apply(con, Fault::NetworkSettings(settings))
}

/// The `cluster status` table from the members' raft state.
pub fn status(con: &Console) -> String {
    let groups = con.backend.partition_groups();
    let mut st = con.backend.sim.status();
    slim::sort_by_key(&mut st.members, |n| n.number);
    let pending: Vec<Vec<String>> = con
        .backend
        .pending
        .iter()
        .map(|(name, (id, _))| {
            let mut row = vec![format!("({name})"), format!("{id:x}"), "-".to_string()];
            row.extend(["0", "0", "0", "down", "0"].map(String::from));
            row
        })
        .collect();
    let rows: Vec<Vec<String>> = st
        .members
        .iter()
        .map(|n| {
            let group = groups.get(&n.id).copied().unwrap_or(0);
            let (role, term, commit, applied) = match &n.status {
                Some(s) => {
                    let role = if s.is_learner {
                        "learner"
                    } else {
                        match s.raft.soft_state.raft_state {
                            raft::StateRole::Leader => "leader",
                            raft::StateRole::Follower => "follower",
                            // The page's one name for each role (the ring's, the legend's).
                            raft::StateRole::PreCandidate => "pre-candidate",
                            raft::StateRole::Candidate => "candidate",
                        }
                    };
                    (role, s.term, s.commit, s.applied)
                }
                None => ("-", 0, 0, 0),
            };
            vec![
                n.name.clone(),
                format!("{:x}", n.id),
                role.to_string(),
                term.to_string(),
                commit.to_string(),
                applied.to_string(),
                if n.running { "up" } else { "down" }.to_string(),
                group.to_string(),
            ]
        })
        .chain(pending)
        .collect();
    status_table(&rows)
}
