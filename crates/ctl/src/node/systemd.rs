//! `systemctl status|start|stop|restart|is-active|daemon-reload kubelet` and `journalctl -u kubelet [-n N]`: the kubelet as a systemd unit of the node.
//!
//! ```text
//!   systemctl restart kubelet   the kubelet starts again and reads the manifests at once
//!   systemctl stop kubelet      no more file checks; the pods keep running
//!   journalctl -u kubelet       what it logged (file checks, pods added and removed)
//! ```

use super::{KUBELET_PID, Node};
use crate::console::Console;
use crate::output::Output;

const UNIT_DESC: &str = "kubelet: The Kubernetes Node Agent";

/// systemd's `3min 5s ago`.
pub(crate) fn since(ms: u64) -> String {
    let s = ms / 1000;
    match s {
        0..=59 => format!("{s}s ago"),
        60..=3599 if s.is_multiple_of(60) => format!("{}min ago", s / 60),
        60..=3599 => format!("{}min {}s ago", s / 60, s % 60),
        _ => format!("{}h {}min ago", s / 3600, s % 3600 / 60),
    }
}

fn unit_name(arg: &str) -> String {
    if arg.contains('.') { arg.to_string() } else { format!("{arg}.service") }
}

fn not_found(unit: &str) -> Output {
    Output::fail(format!("Unit {unit} could not be found.\n"), 4)
}

/// One journal line, as `journalctl` prints it.
fn journal_line(at: u64, line: &str) -> String {
    let level = if line.starts_with("\"Could not") || line.starts_with("\"Error") { 'E' } else { 'I' };
    let host = kube::kubeadm::CONTROL_PLANE;
    if let Some(sys) = line.strip_prefix("systemd: ") {
        return format!("{} {host} systemd[1]: {sys}", crate::timefmt::journal(at));
    }
    format!(
        "{} {host} kubelet[{KUBELET_PID}]: {level}{}    {KUBELET_PID} kubelet.go:0] {line}",
        crate::timefmt::journal(at),
        super::kubelet::klog_time(at)
    )
}

/// Runs `systemctl ARGS`.
pub(crate) fn systemctl(con: &mut Console, args: &[String]) -> Output {
    let words: Vec<&str> = args.iter().map(String::as_str).filter(|a| !a.starts_with('-')).collect();
    let Some((&verb, units)) = words.split_first() else {
        return Output::fail(
            "systemctl: listing units is not supported in the playground (try: systemctl status kubelet)\n",
            1,
        );
    };
    if verb == "daemon-reload" {
        super::etcd_unit::reload(con);
        return Output::default();
    }
    let Some(&unit) = units.first() else {
        return Output::fail("Too few arguments.\n", 1);
    };
    let name = unit_name(unit);
    if name == "etcd.service" && con.node.etcd_unit.is_some() {
        return super::etcd_unit::systemctl(con, verb);
    }
    if name != "kubelet.service" || !con.node.enabled {
        return match verb {
            "is-active" => Output { stdout: "inactive\n".into(), exit: 3, ..Output::default() },
            "status" => not_found(&name),
            _ => Output::fail(format!("Failed to {verb} {name}: Unit {name} not found.\n"), 5),
        };
    }
    let now = con.now_ms();
    let node = &mut con.node;
    match verb {
        "status" => status(node, now),
        "is-active" => match node.kubelet_since_ms {
            Some(_) => Output::ok("active\n"),
            None => Output { stdout: "inactive\n".into(), exit: 3, ..Output::default() },
        },
        "start" | "restart" | "reload-or-restart" | "try-restart" => {
            if verb == "start" && node.kubelet_since_ms.is_some() {
                return Output::default();
            }
            if node.kubelet_since_ms.is_some() {
                node.log(now, "systemd: Stopping kubelet.service - kubelet: The Kubernetes Node Agent...");
                node.log(now, "systemd: kubelet.service: Deactivated successfully.");
            }
            node.log(now, format!("systemd: Started kubelet.service - {UNIT_DESC}."));
            node.log(now, "\"Starting kubelet main sync loop\"");
            node.kubelet_since_ms = Some(now);
            // A starting kubelet reads its manifests at once.
            node.next_sync_ms = now;
            node.mark = 0;
            Output::default()
        }
        "stop" => {
            if node.kubelet_since_ms.take().is_some() {
                node.log(now, "systemd: Stopping kubelet.service - kubelet: The Kubernetes Node Agent...");
                node.log(now, "systemd: kubelet.service: Deactivated successfully.");
                node.log(now, format!("systemd: Stopped kubelet.service - {UNIT_DESC}."));
            }
            Output::default()
        }
        "enable" | "disable" => Output::default(),
        other => Output::fail(format!("Unknown command verb {other}.\n"), 1),
    }
}

fn status(node: &Node, now: u64) -> Output {
    let active = match node.kubelet_since_ms {
        Some(at) => format!(
            "active (running) since {}; {}",
            crate::timefmt::systemd(at),
            since(now.saturating_sub(at))
        ),
        None => "inactive (dead)".to_string(),
    };
    let mut out = format!(
        "\u{25cf} kubelet.service - {UNIT_DESC}\n     Loaded: loaded (/lib/systemd/system/kubelet.service; enabled; vendor preset: enabled)\n    Drop-In: /usr/lib/systemd/system/kubelet.service.d\n             \u{2514}\u{2500}10-kubeadm.conf\n     Active: {active}\n       Docs: https://kubernetes.io/docs/\n"
    );
    if node.kubelet_since_ms.is_some() {
        out.push_str(&format!(
            "   Main PID: {KUBELET_PID} (kubelet)\n      Tasks: 14 (limit: 4613)\n     Memory: 46.3M\n     CGroup: /system.slice/kubelet.service\n             \u{2514}\u{2500}{KUBELET_PID} /usr/bin/kubelet --bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf --config=/var/lib/kubelet/config.yaml --container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.9\n"
        ));
    }
    let tail: Vec<String> =
        node.journal.iter().rev().take(10).rev().map(|(t, l)| journal_line(*t, l)).collect();
    if !tail.is_empty() {
        out.push('\n');
        for l in tail {
            out.push_str(&l);
            out.push('\n');
        }
    }
    let exit = if node.kubelet_since_ms.is_some() { 0 } else { 3 };
    Output { stdout: out, exit, ..Output::default() }
}

/// Runs `journalctl ARGS` (`-u kubelet`, `-n N`, `--no-pager`, `-x`, `-e`).
pub(crate) fn journalctl(con: &mut Console, args: &[String]) -> Output {
    let mut unit: Option<String> = None;
    let mut lines: Option<usize> = None;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "-u" | "--unit" => {
                i += 1;
                unit = args.get(i).cloned();
                if unit.is_none() {
                    return Output::fail("journalctl: option requires an argument -- 'u'\n", 1);
                }
            }
            "-n" | "--lines" => {
                i += 1;
                lines = args.get(i).and_then(|n| n.parse().ok());
            }
            "-f" | "--follow" => {
                return Output::fail(
                    "journalctl: -f (follow) is not supported in the playground; try: journalctl -u kubelet -n 20\n",
                    1,
                );
            }
            _ if a.starts_with("--unit=") => unit = Some(a["--unit=".len()..].to_string()),
            _ if a.starts_with("-u") && a.len() > 2 => unit = Some(a[2..].to_string()),
            _ if a.starts_with("-n") && a.len() > 2 => lines = a[2..].parse().ok(),
            _ if a.starts_with("--lines=") => lines = a["--lines=".len()..].parse().ok(),
            _ => {}
        }
        i += 1;
    }
    let unit = unit.map(|u| unit_name(&u));
    if unit.as_deref() == Some("etcd.service") {
        return super::etcd_unit::journal(con, lines);
    }
    if unit.as_deref() != Some("kubelet.service") || !con.node.enabled {
        return Output::ok("-- No entries --\n");
    }
    let journal = &con.node.journal;
    let skip = lines.map_or(0, |n| journal.len().saturating_sub(n));
    Output::ok(
        journal.iter().skip(skip).map(|(t, l)| format!("{}\n", journal_line(*t, l))).collect::<String>(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(since(185_000), "3min 5s ago");
        assert_eq!(since(7_000), "7s ago");
    }
}
