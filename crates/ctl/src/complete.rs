//! Tab completion: commands, subcommands, flags, keys, member names and file paths.

use mvcc::{RangeRequest, prefix_end};

use crate::console::Console;
use crate::shell::{COMMANDS, NODE_COMMANDS, lexer};

/// Candidates for the last word of `line` (the whole word each, sorted, unique).
pub fn candidates(con: &Console, line: &str) -> Vec<String> {
    let mut words = lexer::split_words(line, &Default::default()).unwrap_or_default();
    if line.ends_with(' ') || line.is_empty() {
        words.push(String::new());
    }
    let Some(last) = words.last().cloned() else { return Vec::new() };
    let before = &words[..words.len() - 1];
    // `ETCDCTL_API=3 etcdctl ...`: the command comes after the assignments.
    let assignments = before.iter().take_while(|w| crate::shell::assignment(w).is_some()).count();
    let before = &before[assignments..];
    let mut out: Vec<String> = if before.is_empty() {
        COMMANDS.iter().chain(&NODE_COMMANDS).map(|s| s.to_string()).collect()
    } else {
        match crate::shell::tool_name(&before[0]) {
            "etcdctl" => etcdctl(con, &before[1..], &last),
            "cluster" if before.len() == 1 => [
                "status",
                "stop",
                "start",
                "restart",
                "partition",
                "isolate",
                "heal",
                "net",
                "campaign",
                "slow-disk",
                "disk",
                "reset",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            "cluster" if before.len() == 3 && before[1] == "disk" => {
                ["full", "slow", "ok"].iter().map(|s| s.to_string()).collect()
            }
            "cluster" => con.backend.endpoints().into_iter().map(|e| e.name).collect(),
            "etcdutl" => ["snapshot", "status", "restore", "defrag", "version", "--data-dir", "--write-out"]
                .iter()
                .map(|s| s.to_string())
                .chain(con.vfs.paths().cloned())
                .collect(),
            "cat" | "rm" | "ls" => {
                con.vfs.paths().map(|p| p.trim_start_matches("/root/").to_string()).collect()
            }
            _ => Vec::new(),
        }
    };
    out.retain(|c| c.starts_with(&last));
    slim::sort(&mut out);
    out.dedup();
    out
}

fn etcdctl(con: &Console, before: &[String], last: &str) -> Vec<String> {
    let plain: Vec<&String> = before.iter().filter(|w| !w.starts_with('-')).collect();
    let mut path = String::new();
    let mut consumed = 0;
    for w in &plain {
        let next = if path.is_empty() { w.to_string() } else { format!("{path} {w}") };
        if con.spec.command(&next).is_some() {
            path = next;
            consumed += 1;
        } else {
            break;
        }
    }
    let Some(cmd) = con.spec.command(&path) else { return Vec::new() };
    if last.starts_with("--endpoints=") {
        return con
            .backend
            .endpoints()
            .into_iter()
            .flat_map(|e| [format!("--endpoints={}", e.host), format!("--endpoints=http://{}", e.host)])
            .collect();
    }
    if last.starts_with('-') {
        return cmd
            .flags
            .iter()
            .chain(con.spec.global.iter())
            .map(|f| format!("--{}", f.name))
            .chain(std::iter::once("--help".to_string()))
            .collect();
    }
    if !cmd.subcommands.is_empty() {
        return cmd.subcommands.clone();
    }
    let args_so_far = plain.len() - consumed;
    match path.as_str() {
        "member remove" | "member update" | "member promote" | "move-leader" => {
            con.backend.endpoints().iter().map(|e| format!("{:x}", e.id)).collect()
        }
        "lease revoke" | "lease timetolive" | "lease keep-alive" => store(con)
            .map(|s| s.lease_leases().leases.iter().map(|id| format!("{id:x}")).collect())
            .unwrap_or_default(),
        "get" | "del" | "watch" | "put" if args_so_far == 0 => keys(con, last),
        "snapshot status" | "snapshot restore" | "snapshot save" => {
            con.vfs.paths().map(|p| p.trim_start_matches("/root/").to_string()).collect()
        }
        _ => Vec::new(),
    }
}

fn keys(con: &Console, prefix: &str) -> Vec<String> {
    let start = if prefix.is_empty() { vec![0] } else { prefix.as_bytes().to_vec() };
    let end = if prefix.is_empty() { vec![0] } else { prefix_end(prefix.as_bytes()) };
    let req = RangeRequest { key: start, range_end: end, keys_only: true, limit: 50, ..Default::default() };
    store(con)
        .and_then(|s| s.range(&req).ok())
        .map(|r| r.kvs.iter().map(|kv| String::from_utf8_lossy(&kv.key).into_owned()).collect())
        .unwrap_or_default()
}

/// The store completion reads: on the simulated cluster the leader's (or any
/// running member's) local store, read without letting virtual time pass.
fn store(con: &Console) -> Option<&mvcc::Store> {
    let sim = con.sim();
    let id = sim.leader().or_else(|| sim.running().first().copied())?;
    sim.member(id).map(|m| m.store())
}
