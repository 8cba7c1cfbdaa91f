//! Faults, as the playground's `cluster ...` commands apply them: each is a
//! recorded input of the simulator (`sim::Fault`).
//!
//! ```text
//! stop leader                 -> stopped leader (etcd-2)
//! partition etcd-1 / etcd-2,etcd-3
//! net drop=0.2 delay=1-5      -> every link: 1..5 ms, 20% lost
//! start etcd-4                -> a member announced by member-add joins
//! ```

use sim::{Fault, LinkSettings};

use crate::transcripts::env::Env;
use datadriven::TestCase;

/// `stop|start|restart|isolate|campaign NAME`, `partition A / B,C`, `heal`,
/// `net ...`.
pub fn handle(env: &mut Env, tc: &TestCase) -> String {
    let words = tc.positional();
    let one = || -> Result<(u64, String), String> {
        let word = words.first().copied().unwrap_or_else(|| panic!("line {}: {} NAME", tc.line, tc.cmd));
        let id = env.resolve(word)?;
        Ok((id, env.said(word, id)))
    };
    let (fault, done) = match tc.cmd.as_str() {
        "start" if words.first().is_some_and(|w| env.pending.contains_key(*w)) => {
            let name = words[0].to_string();
            let (member, peer_urls) = env.pending.remove(&name).expect("checked");
            (Fault::Join { member, name: name.clone(), peer_urls }, format!("{name} joined the cluster"))
        }
        cmd @ ("stop" | "start" | "restart" | "isolate" | "campaign") => {
            let (member, said) = match one() {
                Ok(m) => m,
                Err(e) => return e,
            };
            let fault = match cmd {
                "stop" => Fault::Stop { member },
                "start" => Fault::Start { member },
                "restart" => Fault::Restart { member },
                "isolate" => Fault::Isolate { member },
                _ => Fault::Campaign { member },
            };
            let verb = match cmd {
                "stop" => "stopped",
                "start" => "started",
                "restart" => "restarted",
                "isolate" => "isolated",
                _ => "election timer fired on",
            };
            (fault, format!("{verb} {said}"))
        }
        "partition" => {
            let joined = words.join(" ");
            let mut groups = Vec::new();
            let mut shown = Vec::new();
            for part in joined.split('/') {
                let names: Vec<&str> = part.split([',', ' ']).filter(|s| !s.is_empty()).collect();
                match env.resolve_all(&names) {
                    Ok(g) => {
                        shown.push(g.iter().map(|&id| env.name(id)).collect::<Vec<_>>().join(","));
                        groups.push(g);
                    }
                    Err(e) => return e,
                }
            }
            (Fault::Partition { groups }, format!("partitioned {}", shown.join(" / ")))
        }
        "heal" => (Fault::Heal, "healed".to_string()),
        "net" => {
            let mut s = LinkSettings::default();
            let float = |k: &str| {
                tc.get(k)
                    .and_then(|v| v.first())
                    .map(|v| v.parse::<f64>().unwrap_or_else(|_| panic!("line {}: bad rate {v}", tc.line)))
            };
            if let Some(d) = tc.get("delay").and_then(|v| v.first()) {
                let (lo, hi) = d.split_once('-').unwrap_or((d, d));
                let num = |x: &str| x.parse().unwrap_or_else(|_| panic!("line {}: bad delay {d}", tc.line));
                s.delay_min_ms = num(lo);
                s.delay_max_ms = num(hi);
            }
            s.drop_rate = float("drop").unwrap_or(0.0);
            s.duplicate_rate = float("duplicate").unwrap_or(0.0);
            s.reorder_rate = float("reorder").unwrap_or(0.0);
            let line = format!(
                "every link: {}..{}ms, drop {}%, duplicate {}%, reorder {}%",
                s.delay_min_ms,
                s.delay_max_ms,
                s.drop_rate * 100.0,
                s.duplicate_rate * 100.0,
                s.reorder_rate * 100.0
            );
            (Fault::NetworkSettings(s), line)
        }
        other => unreachable!("dispatched {other}"),
    };
    match env.sim().apply(fault) {
        Ok(()) => done,
        Err(e) => format!("refused: {}", env.with_names(&e.to_string())),
    }
}
