//! A lesson's checks: what must hold of the cluster's real state (keys read as a client reads them, members, quorum, alarms, files in the vfs), never of the text typed.
//!
//! One check per line of a lesson file, words split as the shell splits
//! them, an optional ` -- description` at the end:
//!
//! ```text
//! key greeting hello                 the key holds that value (a linearizable read on the cluster)
//! key /registry/pods/default/web     the key exists          no-key KEY: it does not
//! everywhere raft/demo               every member's own store holds the key (stopped ones count as missing)
//! prefix /registry/pods/ 3           at least 3 keys under the prefix
//! json /registry/pods/default/web spec.nodeName           the stored JSON has that field (set)
//! json /registry/pods/default/web status.phase Running    ... with that value
//! member etcd-2 stopped              running | stopped | learner | voter | absent
//! members 4                          the membership has 4 members
//! quorum lost                        no group of running voters that can talk is a majority (quorum ok)
//! leader etcd-2                      leader any | leader none | leader not etcd-1
//! not-leader etcd-1                  etcd-1 itself no longer believes it leads (stepped down or stopped)
//! term-grew                          an election happened since the step began
//! revision-grew                      a write was applied since the step began
//! compacted                          the store was compacted since the step began
//! alarm NOSPACE                      alarm none
//! slow-disk etcd-3                   slow-disk none
//! isolated etcd-1                    healed: no link is cut
//! isolated-leader                    the member that led when the step began is cut off and stepped down
//! file /root/backup.db               a file in the console's filesystem; file-has PATH TEXT
//! snapshot /root/backup.db [KEY]     a valid snapshot file [that holds KEY]; snapshot-no-key PATH KEY
//! env ETCDCTL_CERT /etc/...          the console's environment
//! ```
//!
//! A check reads through the backend as etcdctl would: a key is read from
//! the cluster serving now (after a restore, the restored one), so a key
//! written to the wrong endpoint or a backup that was never restored does
//! not pass. A failure says which part is missing, in plain words.

use server::{AlarmType, Request, Response};

use crate::console::Console;

/// How long a check's read may wait for the cluster (virtual ms).
const READ_TIMEOUT_MS: u64 = 2_000;

/// What the cluster looked like when the step began (for `term-grew`,
/// `revision-grew`, `compacted`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mark {
    /// The highest term of a running member.
    pub term: u64,
    /// The highest revision of a running member.
    pub revision: i64,
    /// The leader.
    pub leader: Option<u64>,
}

/// One check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    what: What,
    /// How the lesson names it (`-- words`), else a sentence made from `what`.
    description: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum What {
    Key { key: String, value: Option<String> },
    NoKey(String),
    Everywhere(String),
    Prefix { prefix: String, at_least: usize },
    Json { key: String, path: String, value: Option<String> },
    Member { name: String, state: MemberState },
    Members(usize),
    Quorum { lost: bool },
    Leader(LeaderIs),
    NotLeader(String),
    TermGrew,
    RevisionGrew,
    Compacted,
    Alarm(Option<AlarmType>),
    SlowDisk(Option<String>),
    Isolated(String),
    IsolatedLeader,
    Healed,
    File(String),
    FileHas { path: String, text: String },
    Snapshot { path: String, key: Option<String> },
    SnapshotNoKey { path: String, key: String },
    Env { name: String, value: String },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MemberState {
    Running,
    Stopped,
    Learner,
    Voter,
    Absent,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum LeaderIs {
    Named(String),
    Not(String),
    Any,
    None,
}

impl Check {
    /// Parses one check line.
    pub fn parse(line: &str) -> Result<Check, String> {
        let (line, description) = match line.split_once(" -- ") {
            Some((l, d)) => (l, Some(d.trim().to_string())),
            None => (line, None),
        };
        let words = crate::shell::lexer::split_words(line, &slim::VecMap::new())
            .map_err(|_| "unbalanced quotes".to_string())?;
        let w: Vec<&str> = words.iter().map(String::as_str).collect();
        let s = |x: &str| x.to_string();
        let what = match w.as_slice() {
            ["key", k] => What::Key { key: s(k), value: None },
            ["key", k, v] => What::Key { key: s(k), value: Some(s(v)) },
            ["no-key", k] => What::NoKey(s(k)),
            ["everywhere", k] => What::Everywhere(s(k)),
            ["prefix", p, n] => What::Prefix { prefix: s(p), at_least: n.parse().map_err(|_| "a count")? },
            ["json", k, p] => What::Json { key: s(k), path: s(p), value: None },
            ["json", k, p, v] => What::Json { key: s(k), path: s(p), value: Some(s(v)) },
            ["member", n, st] => {
                let state = match *st {
                    "running" => MemberState::Running,
                    "stopped" => MemberState::Stopped,
                    "learner" => MemberState::Learner,
                    "voter" => MemberState::Voter,
                    "absent" => MemberState::Absent,
                    _ => return Err(format!("unknown member state {st}")),
                };
                What::Member { name: s(n), state }
            }
            ["members", n] => What::Members(n.parse().map_err(|_| "a count")?),
            ["quorum", "lost"] => What::Quorum { lost: true },
            ["quorum", "ok"] => What::Quorum { lost: false },
            ["leader", "any"] => What::Leader(LeaderIs::Any),
            ["leader", "none"] => What::Leader(LeaderIs::None),
            ["leader", "not", n] => What::Leader(LeaderIs::Not(s(n))),
            ["leader", n] => What::Leader(LeaderIs::Named(s(n))),
            ["not-leader", n] => What::NotLeader(s(n)),
            ["term-grew"] => What::TermGrew,
            ["revision-grew"] => What::RevisionGrew,
            ["compacted"] => What::Compacted,
            ["alarm", "none"] => What::Alarm(None),
            ["alarm", "NOSPACE"] => What::Alarm(Some(AlarmType::NoSpace)),
            ["alarm", "CORRUPT"] => What::Alarm(Some(AlarmType::Corrupt)),
            ["slow-disk", "none"] => What::SlowDisk(None),
            ["slow-disk", n] => What::SlowDisk(Some(s(n))),
            ["isolated", n] => What::Isolated(s(n)),
            ["healed"] => What::Healed,
            ["isolated-leader"] => What::IsolatedLeader,
            ["file", p] => What::File(s(p)),
            ["file-has", p, t] => What::FileHas { path: s(p), text: s(t) },
            ["snapshot", p] => What::Snapshot { path: s(p), key: None },
            ["snapshot", p, k] => What::Snapshot { path: s(p), key: Some(s(k)) },
            ["snapshot-no-key", p, k] => What::SnapshotNoKey { path: s(p), key: s(k) },
            ["env", n, v] => What::Env { name: s(n), value: s(v) },
            _ => return Err("not a check this runner knows".into()),
        };
        Ok(Check { what, description: description.filter(|d| !d.is_empty()) })
    }

    /// What the check wants, in words.
    pub fn describe(&self) -> String {
        if let Some(d) = &self.description {
            return d.clone();
        }
        match &self.what {
            What::Key { key, value: Some(v) } => format!("the key {key} holds {v:?}"),
            What::Key { key, value: None } => format!("the key {key} exists"),
            What::NoKey(k) => format!("the key {k} does not exist"),
            What::Everywhere(k) => format!("every member has applied {k}"),
            What::Prefix { prefix, at_least } => format!("at least {at_least} keys under {prefix}"),
            What::Json { key, path, value: Some(v) } => format!("{path} of {key} is {v:?}"),
            What::Json { key, path, value: None } => format!("{path} of {key} is set"),
            What::Member { name, state } => format!("{name} is {}", state_word(*state)),
            What::Members(n) => format!("the cluster has {n} members"),
            What::Quorum { lost: true } => "the cluster has lost its quorum".into(),
            What::Quorum { lost: false } => "the cluster has its quorum".into(),
            What::Leader(LeaderIs::Named(n)) => format!("{n} is the leader"),
            What::Leader(LeaderIs::Not(n)) => format!("a member other than {n} leads"),
            What::Leader(LeaderIs::Any) => "the cluster has a leader".into(),
            What::Leader(LeaderIs::None) => "no member is the leader".into(),
            What::NotLeader(n) => format!("{n} no longer thinks it leads"),
            What::TermGrew => "a new election happened (the term grew)".into(),
            What::RevisionGrew => "a new write was applied (the revision grew)".into(),
            What::Compacted => "the store was compacted".into(),
            What::Alarm(Some(a)) => format!("the {} alarm is raised", alarm_word(*a)),
            What::Alarm(None) => "no alarm is raised".into(),
            What::SlowDisk(Some(n)) => format!("{n}'s disk is slow"),
            What::SlowDisk(None) => "every disk is healthy".into(),
            What::Isolated(n) => format!("{n} is cut off from the others"),
            What::Healed => "the network is whole".into(),
            What::IsolatedLeader => {
                "the member that led when the step began is cut off and stepped down".into()
            }
            What::File(p) => format!("the file {p} exists"),
            What::FileHas { path, text } => format!("{path} contains {text:?}"),
            What::Snapshot { path, key: None } => format!("{path} is a valid snapshot"),
            What::Snapshot { path, key: Some(k) } => format!("the snapshot {path} holds {k}"),
            What::SnapshotNoKey { path, key } => format!("the snapshot {path} does not hold {key}"),
            What::Env { name, value } => format!("{name} is set to {value}"),
        }
    }

    /// Whether the check holds now; if not, what is missing.
    pub(crate) fn eval(&self, con: &mut Console, mark: Mark) -> Result<(), String> {
        match &self.what {
            What::Key { key, value } => match read_key(con, key)? {
                None => Err(format!("the key {key} is not there")),
                Some(got) => match value {
                    Some(v) if got != v.as_bytes() => {
                        Err(format!("{key} holds {:?}, not {v:?}", String::from_utf8_lossy(&got)))
                    }
                    _ => Ok(()),
                },
            },
            What::NoKey(key) => match read_key(con, key)? {
                None => Ok(()),
                Some(_) => Err(format!("the key {key} is still there")),
            },
            What::Everywhere(key) => {
                let st = con.backend.sim.status();
                let missing: Vec<String> = st
                    .members
                    .iter()
                    .filter(|m| {
                        !con.backend.sim.member(m.id).is_some_and(|member| store_has(member.store(), key))
                    })
                    .map(|m| if m.running { m.name.clone() } else { format!("{} (stopped)", m.name) })
                    .collect();
                if missing.is_empty() {
                    Ok(())
                } else {
                    Err(format!(
                        "{} {} not applied {key} yet",
                        missing.join(", "),
                        if missing.len() == 1 { "has" } else { "have" }
                    ))
                }
            }
            What::Prefix { prefix, at_least } => {
                let n = read_prefix_count(con, prefix)?;
                if n >= *at_least {
                    Ok(())
                } else {
                    Err(format!("{n} keys under {prefix}, not yet {at_least}"))
                }
            }
            What::Json { key, path, value } => {
                let Some(raw) = read_key(con, key)? else {
                    return Err(format!("the key {key} is not there"));
                };
                let doc: serde_json::Value = serde_json::from_slice(&raw)
                    .map_err(|_| format!("{key} does not hold JSON (protobuf storage?)"))?;
                let got = path.split('.').try_fold(&doc, |v, part| v.get(part));
                let text = match got {
                    None | Some(serde_json::Value::Null) => return Err(format!("{key} has no {path} yet")),
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                };
                match value {
                    Some(v) if text != *v => Err(format!("{path} of {key} is {text:?}, not {v:?}")),
                    _ => Ok(()),
                }
            }
            What::Member { name, state } => member(con, name, *state),
            What::Members(n) => {
                let have = membership(con).ok_or("no member of the cluster is running")?.len();
                if have == *n { Ok(()) } else { Err(format!("the cluster has {have} members, not {n}")) }
            }
            What::Quorum { lost } => {
                let (biggest, voters) = quorum(con)?;
                let need = voters / 2 + 1;
                match (*lost, biggest >= need) {
                    (true, true) => Err(format!(
                        "{biggest} of {voters} voting members can still reach each other: a quorum needs {need}, so it still holds"
                    )),
                    (false, false) => Err(format!(
                        "only {biggest} of {voters} voting members run and reach each other; a quorum needs {need}"
                    )),
                    _ => Ok(()),
                }
            }
            What::Leader(want) => leader(con, want),
            What::NotLeader(name) => {
                let ep = con.backend.member_named(name).ok_or(format!("there is no member {name}"))?;
                match con.backend.sim.member(ep.id) {
                    Some(m) if m.is_leader() => Err(format!("{name} still thinks it is the leader")),
                    _ => Ok(()),
                }
            }
            What::TermGrew => {
                let now = current(con).term;
                if now > mark.term {
                    Ok(())
                } else {
                    Err(format!("the term is still {now}: no election yet"))
                }
            }
            What::RevisionGrew => {
                let now = current(con).revision;
                if now > mark.revision {
                    Ok(())
                } else {
                    Err(format!("the revision is still {now}: nothing was written yet"))
                }
            }
            What::Compacted => {
                let compacted = running_status(con).iter().map(|s| s.compact_revision).max().unwrap_or(0);
                if compacted >= mark.revision && compacted > 0 {
                    Ok(())
                } else {
                    Err(format!(
                        "the store was last compacted at revision {compacted}; compact at the current revision"
                    ))
                }
            }
            What::Alarm(want) => {
                let raised: Vec<AlarmType> =
                    running_status(con).iter().flat_map(|s| s.alarms.iter().map(|a| a.alarm)).collect();
                match want {
                    Some(a) if raised.contains(a) => Ok(()),
                    Some(a) => Err(format!("no member has raised {}", alarm_word(*a))),
                    None if raised.is_empty() => Ok(()),
                    None => Err(format!("the {} alarm is still raised", alarm_word(raised[0]))),
                }
            }
            What::SlowDisk(want) => {
                let st = con.backend.sim.status();
                match want {
                    Some(name) => match st.members.iter().find(|m| m.name == *name) {
                        None => Err(format!("there is no member {name}")),
                        Some(m) if m.slow_disk_ms > 0 => Ok(()),
                        Some(_) => Err(format!("{name}'s disk is not slow")),
                    },
                    None => match st.members.iter().find(|m| m.slow_disk_ms > 0) {
                        Some(m) => Err(format!("{}'s disk is still slow (+{} ms)", m.name, m.slow_disk_ms)),
                        None => Ok(()),
                    },
                }
            }
            What::Isolated(name) => {
                let ep = con.backend.member_named(name).ok_or(format!("there is no member {name}"))?;
                let groups = con.backend.partition_groups();
                let mine = groups.get(&ep.id).copied().unwrap_or(0);
                let alone = mine != 0 && groups.iter().filter(|(_, g)| **g == mine).count() == 1;
                if alone { Ok(()) } else { Err(format!("{name} can still talk to other members")) }
            }
            What::IsolatedLeader => {
                let id = mark.leader.ok_or("no member led when the step began")?;
                let name = con
                    .backend
                    .endpoints()
                    .into_iter()
                    .find(|e| e.id == id)
                    .map_or(format!("{id:x}"), |e| e.name);
                let groups = con.backend.partition_groups();
                let mine = groups.get(&id).copied().unwrap_or(0);
                if mine == 0 || groups.iter().filter(|(_, g)| **g == mine).count() > 1 {
                    return Err(format!("{name}, the leader, can still talk to other members"));
                }
                match con.backend.sim.member(id) {
                    Some(m) if m.is_leader() => Err(format!("{name} is cut off but still thinks it leads")),
                    _ => Ok(()),
                }
            }
            What::Healed => {
                if con.backend.sim.status().blocked.is_empty() {
                    Ok(())
                } else {
                    Err("some links between members are still cut".into())
                }
            }
            What::File(p) => {
                let path = con.vfs.resolve(p);
                if con.vfs.is_file(&path) { Ok(()) } else { Err(format!("there is no file {path}")) }
            }
            What::FileHas { path, text } => {
                let path = con.vfs.resolve(path);
                let bytes = con.vfs.read(&path).ok_or(format!("there is no file {path}"))?;
                if String::from_utf8_lossy(bytes).contains(text.as_str()) {
                    Ok(())
                } else {
                    Err(format!("{path} does not contain {text:?}"))
                }
            }
            What::Snapshot { path, key } => {
                let store = snapshot(con, path)?;
                match key {
                    Some(k) if !store_has(&store, k) => Err(format!("the snapshot {path} does not hold {k}")),
                    _ => Ok(()),
                }
            }
            What::SnapshotNoKey { path, key } => {
                let store = snapshot(con, path)?;
                if store_has(&store, key) { Err(format!("the snapshot {path} holds {key}")) } else { Ok(()) }
            }
            What::Env { name, value } => match con.env.get(name) {
                Some(v) if v == value => Ok(()),
                Some(v) => Err(format!("{name} is {v}, not {value}")),
                None => Err(format!("{name} is not set in this console tab")),
            },
        }
    }
}

fn state_word(s: MemberState) -> &'static str {
    match s {
        MemberState::Running => "running",
        MemberState::Stopped => "stopped",
        MemberState::Learner => "a learner",
        MemberState::Voter => "a voting member",
        MemberState::Absent => "not a member",
    }
}

fn alarm_word(a: AlarmType) -> &'static str {
    match a {
        AlarmType::NoSpace => "NOSPACE",
        AlarmType::Corrupt => "CORRUPT",
        AlarmType::None => "NONE",
    }
}

/// The statuses of the running members.
fn running_status(con: &Console) -> Vec<server::MemberStatus> {
    con.backend.sim.status().members.into_iter().filter_map(|m| m.status).collect()
}

/// The cluster now, for a step's [`Mark`].
pub(crate) fn current(con: &Console) -> Mark {
    let st = running_status(con);
    Mark {
        term: st.iter().map(|s| s.term).max().unwrap_or(0),
        revision: st.iter().map(|s| s.revision).max().unwrap_or(0),
        leader: con.backend.sim.leader(),
    }
}

/// The member a client reaches first: the leader, else any running member.
fn serving(con: &Console) -> Result<u64, String> {
    con.backend
        .sim
        .leader()
        .or_else(|| con.backend.sim.running().first().copied())
        .ok_or_else(|| "no member of the cluster is running".to_string())
}

fn range(
    con: &mut Console,
    key: &[u8],
    range_end: Vec<u8>,
    count_only: bool,
) -> Result<mvcc::RangeResponse, String> {
    let id = serving(con)?;
    let req = mvcc::RangeRequest { key: key.to_vec(), range_end, count_only, ..Default::default() };
    match con.backend.call(id, Request::Range { req, serializable: false }, READ_TIMEOUT_MS, None).0 {
        Ok(Response::Range(r)) => Ok(r),
        Ok(_) => Err("the cluster answered a read with something else".into()),
        Err(e) => Err(format!("the cluster does not answer a read ({e})")),
    }
}

/// A key's value as a linearizable read on the cluster gives it.
fn read_key(con: &mut Console, key: &str) -> Result<Option<Vec<u8>>, String> {
    Ok(range(con, key.as_bytes(), Vec::new(), false)?.kvs.into_iter().next().map(|kv| kv.value))
}

fn read_prefix_count(con: &mut Console, prefix: &str) -> Result<usize, String> {
    let r = range(con, prefix.as_bytes(), mvcc::prefix_end(prefix.as_bytes()), true)?;
    Ok(usize::try_from(r.count).unwrap_or(usize::MAX))
}

/// The membership as the leader (else a running member) knows it.
fn membership(con: &Console) -> Option<Vec<server::PeerInfo>> {
    let id = serving(con).ok()?;
    con.backend.sim.member(id).map(|m| m.status().members)
}

fn member(con: &Console, name: &str, want: MemberState) -> Result<(), String> {
    let ep = con.backend.member_named(name);
    // A member added but never started has no name in the membership yet:
    // its ID is the one `member add` announced.
    let id =
        ep.as_ref().map(|e| e.id).or_else(|| con.backend.pending.get(&name.to_string()).map(|(id, _)| *id));
    let peers = membership(con);
    let peer = peers
        .as_ref()
        .and_then(|ps| ps.iter().find(|p| Some(p.id) == id || (!p.name.is_empty() && p.name == name)));
    match want {
        MemberState::Absent => match peer {
            Some(_) => Err(format!("{name} is still a member of the cluster")),
            None => Ok(()),
        },
        MemberState::Running | MemberState::Stopped => {
            let ep = ep.ok_or(format!("there is no member {name}"))?;
            match (want, ep.running) {
                (MemberState::Running, false) => Err(format!("{name} is stopped")),
                (MemberState::Stopped, true) => Err(format!("{name} is still running")),
                _ => Ok(()),
            }
        }
        MemberState::Learner | MemberState::Voter => {
            let peer = peer.ok_or(format!("{name} is not a member of the cluster"))?;
            match (want, peer.is_learner) {
                (MemberState::Learner, false) => Err(format!("{name} is a voting member, not a learner")),
                (MemberState::Voter, true) => Err(format!("{name} is still a learner")),
                _ => Ok(()),
            }
        }
    }
}

/// (the biggest group of running voters that reach each other, voters).
fn quorum(con: &Console) -> Result<(usize, usize), String> {
    let st = con.backend.sim.status();
    // The membership as the running members know it (the largest view).
    let voters: Vec<u64> = st
        .members
        .iter()
        .filter_map(|m| m.status.as_ref())
        .map(|s| s.members.iter().filter(|p| !p.is_learner).map(|p| p.id).collect::<Vec<u64>>())
        .max_by_key(Vec::len)
        .unwrap_or_default();
    if voters.is_empty() {
        let all = st.members.len();
        return Ok((0, all));
    }
    let groups = con.backend.partition_groups();
    let running: Vec<u64> =
        st.members.iter().filter(|m| m.running && voters.contains(&m.id)).map(|m| m.id).collect();
    let mut sizes: slim::VecMap<u64, usize> = slim::VecMap::new();
    for id in &running {
        *sizes.get_or_default(groups.get(id).copied().unwrap_or(0)) += 1;
    }
    Ok((sizes.values().copied().max().unwrap_or(0), voters.len()))
}

fn leader(con: &Console, want: &LeaderIs) -> Result<(), String> {
    let st = con.backend.sim.status();
    // A leader that still has a quorum behind it (a cut-off old leader
    // steps down after an election timeout; until then it is not "the" leader).
    let now = con
        .backend
        .sim
        .leader()
        .and_then(|id| st.members.iter().find(|m| m.id == id))
        .map(|m| m.name.clone());
    match (want, &now) {
        (LeaderIs::Any, Some(_)) | (LeaderIs::None, None) => Ok(()),
        (LeaderIs::Any, None) => Err("no member is the leader".into()),
        (LeaderIs::None, Some(n)) => Err(format!("{n} is still the leader")),
        (LeaderIs::Named(w), Some(n)) if n == w => Ok(()),
        (LeaderIs::Named(w), Some(n)) => Err(format!("{n} leads, not {w}")),
        (LeaderIs::Named(w), None) => Err(format!("no member leads yet, {w} neither")),
        (LeaderIs::Not(w), Some(n)) if n == w => Err(format!("{w} still leads")),
        (LeaderIs::Not(_), Some(_)) => Ok(()),
        (LeaderIs::Not(_), None) => Err("no member leads yet".into()),
    }
}

fn snapshot(con: &Console, path: &str) -> Result<mvcc::Store, String> {
    let path = con.vfs.resolve(path);
    let bytes = con.vfs.read(&path).ok_or(format!("there is no file {path}"))?;
    server::snapshot_store(bytes).map_err(|e| format!("{path} is not a valid snapshot ({e})"))
}

fn store_has(store: &mvcc::Store, key: &str) -> bool {
    let req = mvcc::RangeRequest { key: key.as_bytes().to_vec(), ..Default::default() };
    store.range(&req).is_ok_and(|r| !r.kvs.is_empty())
}
