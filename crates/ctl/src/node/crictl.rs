//! `crictl ps [-a] [--name RE] [--state S] [-q]`, `crictl pods`, `crictl logs [--tail N] ID`, `crictl images`: the node's containers as containerd reports them.
//!
//! ```text
//! CONTAINER           IMAGE               CREATED              STATE               NAME                      ATTEMPT             POD ID              POD
//! 5d1c0b6e7f0a2       3861cfcd7c04c       About a minute ago   Running             etcd                      0                   9a3f...             etcd-controlplane
//! ```
//!
//! Columns as crictl's tabwriter sets them (at least 20 wide, 3 spaces of
//! padding), IDs cut to 13 hex digits, newest first.

use super::{Container, Node};
use crate::console::Console;
use crate::output::Output;

/// How many hex digits crictl shows of an ID.
const TRUNC: usize = 13;

fn usage_fail(msg: &str) -> Output {
    Output::fail(format!("FATA[0000] {msg}\n"), 1)
}

/// Go's `text/tabwriter` as crictl configures it: minwidth 20, padding 3.
fn tabwrite(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; cols];
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if i + 1 < r.len() {
                widths[i] = widths[i].max((c.chars().count() + 3).max(20));
            }
        }
    }
    let mut out = String::new();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            out.push_str(c);
            if i + 1 < r.len() {
                out.push_str(&" ".repeat(widths[i] - c.chars().count()));
            }
        }
        out.push('\n');
    }
    out
}

/// go-units' `HumanDuration` (what crictl prints before "ago").
pub(crate) fn human_duration(ms: u64) -> String {
    let s = ms / 1000;
    let m = s / 60;
    let h = (ms + 1_800_000) / 3_600_000;
    match s {
        0 => "Less than a second".into(),
        1 => "1 second".into(),
        2..=59 => format!("{s} seconds"),
        _ if m == 1 => "About a minute".into(),
        _ if m < 60 => format!("{m} minutes"),
        _ if h == 1 => "About an hour".into(),
        _ if h < 48 => format!("{h} hours"),
        _ => format!("{} days", h / 24),
    }
}

/// An image's ID (sha256, 64 hex digits): etcd 3.5.12-0's real one, a
/// stable digest of the name for the others.
pub(crate) fn image_id(image: &str) -> String {
    if image == kube::kubeadm::manifests::ETCD_IMAGE {
        return "3861cfcd7c04ccac1f062788eca39487248527ef0c0cfd477a83d7691a75a899".into();
    }
    let mut out = String::new();
    let mut h = slim::FNV_OFFSET;
    for round in 0..4u64 {
        h = slim::fnv1a(slim::fnv1a(h, image.as_bytes()), &round.to_le_bytes());
        out.push_str(&format!("{h:016x}"));
    }
    out
}

fn short(id: &str) -> &str {
    &id[..id.len().min(TRUNC)]
}

fn ago(now: u64, at: u64) -> String {
    format!("{} ago", human_duration(now.saturating_sub(at)))
}

/// Runs `crictl ARGS`.
pub(crate) fn run(con: &mut Console, args: &[String]) -> Output {
    let node = &con.node;
    let now = con.now_ms();
    if !node.enabled {
        return usage_fail(
            "validate service connection: validate CRI v1 runtime API for endpoint \"unix:///run/containerd/containerd.sock\": rpc error: code = Unavailable desc = connection error: desc = \"transport: Error while dialing: dial unix /run/containerd/containerd.sock: connect: no such file or directory\"",
        );
    }
    let Some(sub) = args.first() else {
        return Output::ok(USAGE);
    };
    let rest = &args[1..];
    match sub.as_str() {
        "ps" => ps(node, rest, now),
        "pods" => pods(node, rest, now),
        "logs" => logs(node, rest),
        "images" | "img" => images(node),
        "--help" | "-h" | "help" => Output::ok(USAGE),
        "--version" | "-v" | "version" => Output::ok("crictl version v1.30.0\n".to_string()),
        other => Output::fail(format!("No help topic for '{other}'\n"), 3),
    }
}

const USAGE: &str = "\
NAME:
   crictl - client for CRI

USAGE:
   crictl [global options] command [command options]

COMMANDS (in the playground):
   images, image, img  List images
   logs                Fetch the logs of a container
   pods                List pods
   ps                  List containers
";

fn ps(node: &Node, args: &[String], now: u64) -> Output {
    let mut all = false;
    let mut quiet = false;
    let mut name: Option<String> = None;
    let mut state: Option<String> = None;
    let mut pod: Option<String> = None;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) => (f, Some(v.to_string())),
            None => (a, None),
        };
        let mut value = || {
            inline.clone().or_else(|| {
                i += 1;
                args.get(i).cloned()
            })
        };
        match flag {
            "-a" | "--all" => all = true,
            "-q" | "--quiet" => quiet = true,
            "-aq" | "-qa" => {
                all = true;
                quiet = true;
            }
            "--name" | "--state" | "-s" | "--pod" | "-p" => {
                let Some(v) = value() else {
                    return usage_fail(&format!("flag needs an argument: {flag}"));
                };
                match flag {
                    "--name" => name = Some(v),
                    "--pod" | "-p" => pod = Some(v),
                    _ => state = Some(v),
                }
            }
            "-o" | "--output" => {
                let _ = value();
            }
            other => {
                return usage_fail(&format!(
                    "flag provided but not defined: {}",
                    other.trim_start_matches('-')
                ));
            }
        }
        i += 1;
    }
    let mut list: Vec<&Container> = node
        .containers
        .iter()
        .filter(|c| all || state.is_some() || c.exited.is_none())
        .filter(|c| name.as_deref().is_none_or(|n| c.name.contains(n)))
        .filter(|c| pod.as_deref().is_none_or(|p| c.pod_id.starts_with(p)))
        .filter(|c| {
            state.as_deref().is_none_or(|s| {
                let running = c.exited.is_none();
                matches!(s.to_ascii_lowercase().as_str(), "running" if running)
                    || matches!(s.to_ascii_lowercase().as_str(), "exited" if !running)
            })
        })
        .collect();
    list.reverse();
    slim::sort_by(&mut list, |a, b| b.created_ms.cmp(&a.created_ms));
    if quiet {
        return Output::ok(list.iter().map(|c| format!("{}\n", c.id)).collect::<String>());
    }
    let mut rows = vec![
        ["CONTAINER", "IMAGE", "CREATED", "STATE", "NAME", "ATTEMPT", "POD ID", "POD"]
            .map(String::from)
            .to_vec(),
    ];
    for c in list {
        rows.push(vec![
            short(&c.id).to_string(),
            short(&image_id(&c.image)).to_string(),
            ago(now, c.created_ms),
            if c.exited.is_none() { "Running" } else { "Exited" }.to_string(),
            c.name.clone(),
            c.attempt.to_string(),
            short(&c.pod_id).to_string(),
            c.pod.clone(),
        ]);
    }
    Output::ok(tabwrite(&rows))
}

fn pods(node: &Node, args: &[String], now: u64) -> Output {
    let quiet = args.iter().any(|a| a == "-q" || a == "--quiet");
    let name = args.iter().position(|a| a == "--name").and_then(|i| args.get(i + 1));
    let mut list: Vec<_> =
        node.sandboxes.iter().filter(|s| name.is_none_or(|n| s.name.contains(n.as_str()))).collect();
    list.reverse();
    slim::sort_by(&mut list, |a, b| b.created_ms.cmp(&a.created_ms));
    if quiet {
        return Output::ok(list.iter().map(|s| format!("{}\n", s.id)).collect::<String>());
    }
    let mut rows = vec![
        ["POD ID", "CREATED", "STATE", "NAME", "NAMESPACE", "ATTEMPT", "RUNTIME"].map(String::from).to_vec(),
    ];
    for s in list {
        rows.push(vec![
            short(&s.id).to_string(),
            ago(now, s.created_ms),
            if s.ready { "Ready" } else { "NotReady" }.to_string(),
            s.name.clone(),
            s.namespace.clone(),
            "0".into(),
            "(default)".into(),
        ]);
    }
    Output::ok(tabwrite(&rows))
}

fn logs(node: &Node, args: &[String]) -> Output {
    let mut tail: Option<usize> = None;
    let mut id: Option<&str> = None;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if let Some(n) = a.strip_prefix("--tail=") {
            tail = n.parse().ok();
        } else if a == "--tail" {
            i += 1;
            tail = args.get(i).and_then(|n| n.parse().ok());
        } else if a == "-f" || a == "--follow" || a == "-t" || a == "--timestamps" {
        } else if a.starts_with('-') {
            return usage_fail(&format!("flag provided but not defined: {}", a.trim_start_matches('-')));
        } else {
            id = Some(a);
        }
        i += 1;
    }
    let Some(id) = id else { return usage_fail("ID cannot be empty") };
    let found: Vec<&Container> = node.containers.iter().filter(|c| c.id.starts_with(id)).collect();
    let c = match found.as_slice() {
        [one] => one,
        [] => {
            return usage_fail(&format!(
                "rpc error: code = NotFound desc = an error occurred when try to find container {id:?}: not found"
            ));
        }
        _ => return usage_fail(&format!("rpc error: code = Unknown desc = {id:?} is ambiguous")),
    };
    let skip = tail.map_or(0, |n| c.logs.len().saturating_sub(n));
    Output::ok(c.logs.iter().skip(skip).map(|l| format!("{l}\n")).collect::<String>())
}

/// `kubectl logs [-n NS] [-p] [--tail N] POD` for a pod of this node (its
/// static pods, CoreDNS, kube-proxy): the container's logs as the kubelet
/// reads them. `None` for a pod the node does not run (kube answers).
pub(crate) fn kubectl_logs(node: &Node, args: &[String]) -> Option<Output> {
    if !node.enabled {
        return None;
    }
    let (mut ns, mut pod, mut tail, mut previous) = ("default".to_string(), None, None, false);
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        let mut value = || {
            i += 1;
            args.get(i).cloned()
        };
        match a {
            "-n" | "--namespace" => ns = value()?,
            "--tail" => tail = value()?.parse::<i64>().ok(),
            "-p" | "--previous" => previous = true,
            "-c" | "--container" => {
                value()?;
            }
            _ if a.starts_with("--namespace=") => ns = a["--namespace=".len()..].to_string(),
            _ if a.starts_with("--tail=") => tail = a["--tail=".len()..].parse().ok(),
            _ if a.starts_with('-') => {}
            _ => pod = Some(a.trim_start_matches("pod/").trim_start_matches("pods/").to_string()),
        }
        i += 1;
    }
    let pod = pod?;
    let sandboxes: Vec<&str> =
        node.sandboxes.iter().filter(|s| s.name == pod && s.namespace == ns).map(|s| s.id.as_str()).collect();
    let mut ours: Vec<&Container> =
        node.containers.iter().filter(|c| sandboxes.contains(&c.pod_id.as_str())).collect();
    if ours.is_empty() {
        return None;
    }
    // The newest sandbox's containers, newest last.
    let newest = ours.iter().map(|c| c.pod_id.as_str()).next_back().unwrap_or("").to_string();
    ours.retain(|c| c.pod_id == newest);
    let c = if previous {
        match ours.iter().rev().nth(1) {
            Some(c) => *c,
            None => {
                let name = ours.last().map_or("", |c| c.name.as_str());
                return Some(Output::fail(
                    format!(
                        "Error from server (BadRequest): previous terminated container \"{name}\" in pod \"{pod}\" not found\n"
                    ),
                    1,
                ));
            }
        }
    } else {
        ours.last()?
    };
    let n = tail.filter(|t| *t >= 0).map_or(c.logs.len(), |t| t as usize);
    let skip = c.logs.len().saturating_sub(n);
    Some(Output::ok(c.logs.iter().skip(skip).map(|l| format!("{l}\n")).collect::<String>()))
}

fn images(node: &Node) -> Output {
    let mut seen: Vec<&str> = node.containers.iter().map(|c| c.image.as_str()).collect();
    seen.push("registry.k8s.io/pause:3.9");
    slim::sort(&mut seen);
    seen.dedup();
    let mut rows = vec![["IMAGE", "TAG", "IMAGE ID", "SIZE"].map(String::from).to_vec()];
    for image in seen {
        let (repo, tag) = image.rsplit_once(':').unwrap_or((image, "latest"));
        let size = match repo {
            r if r.ends_with("/etcd") => "57.2MB",
            r if r.ends_with("/kube-apiserver") => "32.7MB",
            r if r.ends_with("/kube-controller-manager") => "31.1MB",
            r if r.ends_with("/kube-scheduler") => "19.2MB",
            r if r.ends_with("/pause") => "322kB",
            _ => "10MB",
        };
        rows.push(vec![
            repo.to_string(),
            tag.to_string(),
            short(&image_id(image)).to_string(),
            size.to_string(),
        ]);
    }
    Output::ok(tabwrite(&rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_go_units_prints_them() {
        assert_eq!(human_duration(400), "Less than a second");
        assert_eq!(human_duration(1_000), "1 second");
        assert_eq!(human_duration(42_000), "42 seconds");
        assert_eq!(human_duration(61_000), "About a minute");
        assert_eq!(human_duration(125_000), "2 minutes");
        assert_eq!(human_duration(3_600_000), "About an hour");
        assert_eq!(human_duration(5 * 3_600_000), "5 hours");
    }

    #[test]
    fn columns_are_at_least_twenty_wide() {
        let t = tabwrite(&[vec!["A".into(), "B".into()], vec!["a-long-cell-of-twenty".into(), "b".into()]]);
        assert_eq!(t, format!("A{}B\na-long-cell-of-twenty   b\n", " ".repeat(23)));
    }
}
