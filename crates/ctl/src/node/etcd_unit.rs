//! etcd under systemd, the external topology (`cluster reset --topology external`): `/etc/systemd/system/etcd.service` and `systemctl status|stop|start|restart|daemon-reload etcd`, `journalctl -u etcd`.
//!
//! ```text
//!   sed -i 's|--data-dir=/var/lib/etcd|--data-dir=/var/lib/etcd-from-backup|' /etc/systemd/system/etcd.service
//!   systemctl restart etcd      warns that the unit changed on disk, restarts with the old flags
//!   systemctl daemon-reload
//!   systemctl restart etcd      etcd on the restored dir (the same machinery as the static pod)
//! ```

use serde_json::{Value, json};

use super::Node;
use super::kubelet::flag;
use crate::console::Console;
use crate::output::Output;

/// The unit file.
pub const UNIT_FILE: &str = "/etc/systemd/system/etcd.service";

/// etcd's process ID in the journal and `systemctl status`.
const PID: u32 = 2_103;

/// The unit as systemd has it.
#[derive(Clone, Debug, Default)]
pub(crate) struct EtcdUnit {
    /// The file's text at the last daemon-reload.
    pub loaded: String,
    /// Since when etcd runs (`None`: stopped).
    pub since_ms: Option<u64>,
    /// What etcd logged.
    pub journal: Vec<(u64, String)>,
}

/// The unit file for the cluster's first member.
fn unit_text(m: &kube::kubeadm::manifests::EtcdMember) -> String {
    let pki = "/etc/kubernetes/pki/etcd";
    format!(
        "[Unit]\nDescription=etcd\nDocumentation=https://github.com/etcd-io/etcd\n\n[Service]\nType=notify\nExecStart=/usr/local/bin/etcd \\\n  --name={} \\\n  --cert-file={pki}/server.crt \\\n  --key-file={pki}/server.key \\\n  --peer-cert-file={pki}/peer.crt \\\n  --peer-key-file={pki}/peer.key \\\n  --trusted-ca-file={pki}/ca.crt \\\n  --peer-trusted-ca-file={pki}/ca.crt \\\n  --peer-client-cert-auth \\\n  --client-cert-auth \\\n  --initial-advertise-peer-urls={} \\\n  --listen-peer-urls={} \\\n  --listen-client-urls={},https://127.0.0.1:2379 \\\n  --advertise-client-urls={} \\\n  --initial-cluster-token=etcd-cluster-0 \\\n  --initial-cluster={} \\\n  --initial-cluster-state=new \\\n  --data-dir=/var/lib/etcd\nRestart=on-failure\nRestartSec=5\n\n[Install]\nWantedBy=multi-user.target\n",
        m.name, m.peer_url, m.peer_url, m.client_url, m.client_url, m.initial_cluster
    )
}

/// `ExecStart=` of a unit's text as a pod-shaped value (its command line),
/// so the static pod's flag readers serve both.
fn exec_start(text: &str) -> Value {
    let joined = text.replace("\\\n", " ");
    let line = joined.lines().find_map(|l| l.trim().strip_prefix("ExecStart=")).unwrap_or("");
    let words: Vec<&str> = line.split_whitespace().collect();
    json!({"spec": {"containers": [{"command": words}]}})
}

/// Writes the unit and records etcd as running since kubeadm's time 0.
pub(crate) fn install(con: &mut Console, node: &mut Node) {
    let m = kube::kubeadm::manifests::EtcdMember::of(&con.backend.sim);
    let text = unit_text(&m);
    con.vfs.write(UNIT_FILE, text.clone().into_bytes());
    let logs = super::etcd::start_logs(&exec_start(&text), 0);
    node.etcd_unit = Some(EtcdUnit {
        loaded: text,
        since_ms: Some(0),
        journal: logs.into_iter().map(|l| (0, l)).collect(),
    });
    super::etcd::install(con, node);
}

/// systemd's warning when the file changed since the last daemon-reload.
fn changed_warning(con: &Console, unit: &EtcdUnit) -> Option<String> {
    let now = con.vfs.read(UNIT_FILE).map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default();
    (now != unit.loaded).then(|| {
        "Warning: The unit file, source configuration file or drop-ins of etcd.service changed on disk. Run 'systemctl daemon-reload' to reload units.\n".to_string()
    })
}

/// The file's text again (daemon-reload).
pub(crate) fn reload(con: &mut Console) {
    let text = con.vfs.read(UNIT_FILE).map(|b| String::from_utf8_lossy(b).into_owned());
    if let (Some(unit), Some(text)) = (con.node.etcd_unit.as_mut(), text) {
        unit.loaded = text;
    }
}

/// `systemctl VERB etcd`.
pub(crate) fn systemctl(con: &mut Console, verb: &str) -> Output {
    let now = con.now_ms();
    let Some(unit) = con.node.etcd_unit.clone() else {
        return Output::fail("Unit etcd.service could not be found.\n", 4);
    };
    let warning = changed_warning(con, &unit).unwrap_or_default();
    match verb {
        "status" => status(con, &unit, now, warning),
        "is-active" => match unit.since_ms {
            Some(_) => Output::ok("active\n"),
            None => Output { stdout: "inactive\n".into(), exit: 3, ..Output::default() },
        },
        "stop" | "start" | "restart" => {
            let mut node = std::mem::take(&mut con.node);
            if verb != "start" && unit.since_ms.is_some() {
                super::etcd::stopped(con, &mut node, now);
            }
            let running = unit.since_ms.is_some() && verb == "start";
            let mut unit = unit;
            if verb == "stop" {
                unit.since_ms = None;
            } else if !running {
                let pod = exec_start(&unit.loaded);
                let dir = flag(&pod, "data-dir").unwrap_or_else(|| "default.etcd".into());
                let dir = crate::vfs::Vfs::resolve_in("/", &dir);
                match super::etcd::start_on(con, &mut node, &pod, dir, now, false) {
                    Ok(()) => {
                        unit.journal.extend(super::etcd::start_logs(&pod, now).into_iter().map(|l| (now, l)));
                        unit.since_ms = Some(now);
                    }
                    Err(logs) => {
                        unit.journal.extend(logs.into_iter().map(|l| (now, l)));
                        unit.journal.push((
                            now,
                            "systemd: etcd.service: Main process exited, code=exited, status=1/FAILURE"
                                .into(),
                        ));
                        unit.since_ms = None;
                        node.etcd_unit = Some(unit);
                        con.node = node;
                        return Output::fail(
                            format!(
                                "{warning}Job for etcd.service failed because the control process exited with error code.\nSee \"systemctl status etcd.service\" and \"journalctl -xeu etcd.service\" for details.\n"
                            ),
                            1,
                        );
                    }
                }
            }
            node.etcd_unit = Some(unit);
            con.node = node;
            Output { stderr: warning, ..Output::default() }
        }
        "enable" | "disable" => Output::default(),
        other => Output::fail(format!("Unknown command verb {other}.\n"), 1),
    }
}

fn status(con: &Console, unit: &EtcdUnit, now: u64, warning: String) -> Output {
    let active = match unit.since_ms {
        Some(at) => format!(
            "active (running) since {}; {}",
            crate::timefmt::systemd(at),
            super::systemd::since(now.saturating_sub(at))
        ),
        None => "inactive (dead)".to_string(),
    };
    let mut out = format!(
        "\u{25cf} etcd.service - etcd\n     Loaded: loaded ({UNIT_FILE}; enabled; vendor preset: enabled)\n     Active: {active}\n       Docs: https://github.com/etcd-io/etcd\n"
    );
    if unit.since_ms.is_some() {
        let cmd = kube_words(&exec_start(&unit.loaded)).join(" ");
        out.push_str(&format!("   Main PID: {PID} (etcd)\n      Tasks: 9 (limit: 4613)\n     Memory: 41.5M\n     CGroup: /system.slice/etcd.service\n             \u{2514}\u{2500}{PID} {cmd}\n"));
    }
    let lines: Vec<String> = unit.journal.iter().rev().take(10).rev().map(|(t, l)| line(*t, l)).collect();
    if !lines.is_empty() {
        out.push('\n');
        for l in lines {
            out.push_str(&l);
            out.push('\n');
        }
    }
    let _ = con;
    let exit = if unit.since_ms.is_some() { 0 } else { 3 };
    Output { stdout: out, stderr: warning, exit, ..Output::default() }
}

fn kube_words(pod: &Value) -> Vec<String> {
    super::kubelet::command(pod)
}

/// A journal line of the unit: etcd's own, or systemd's (`systemd: ...`).
fn line(at: u64, l: &str) -> String {
    let host = kube::kubeadm::CONTROL_PLANE;
    let t = crate::timefmt::journal(at);
    match l.strip_prefix("systemd: ") {
        Some(s) => format!("{t} {host} systemd[1]: {s}"),
        None => format!("{t} {host} etcd[{PID}]: {l}"),
    }
}

/// `journalctl -u etcd [-n N]`.
pub(crate) fn journal(con: &Console, lines: Option<usize>) -> Output {
    let Some(unit) = con.node.etcd_unit.as_ref() else { return Output::ok("-- No entries --\n") };
    let skip = lines.map_or(0, |n| unit.journal.len().saturating_sub(n));
    Output::ok(unit.journal.iter().skip(skip).map(|(t, l)| format!("{}\n", line(*t, l))).collect::<String>())
}
