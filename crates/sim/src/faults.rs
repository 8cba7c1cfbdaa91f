//! Faults: everything a user or a fault schedule can do to the cluster,
//! as plain data. The simulator applies a fault only through
//! [`Sim::apply`](crate::Sim::apply), which records it in the input log, so
//! a run replays byte for byte from its seed and its inputs.

use serde::{Deserialize, Serialize};

use crate::network::LinkSettings;

/// One fault or repair.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Fault {
    /// Crash a member: everything in memory is lost, its disk is kept.
    Stop {
        /// The member.
        member: u64,
    },
    /// Start a stopped member from its disk.
    Start {
        /// The member.
        member: u64,
    },
    /// Stop then start a member at once.
    Restart {
        /// The member.
        member: u64,
    },
    /// Block every link between members of different groups.
    Partition {
        /// The groups; members in none keep all their links.
        groups: Vec<Vec<u64>>,
    },
    /// Block the messages from `from` to `to` only.
    OneWay {
        /// Sender whose messages are lost.
        from: u64,
        /// Receiver that no longer hears `from`.
        to: u64,
    },
    /// Cut one member off from all others.
    Isolate {
        /// The member.
        member: u64,
    },
    /// Remove every partition (link settings stay).
    Heal,
    /// Change every link's settings (forgetting per-link ones).
    NetworkSettings(LinkSettings),
    /// Change one directed link's settings.
    LinkSettings {
        /// Sender.
        from: u64,
        /// Receiver.
        to: u64,
        /// The new settings.
        settings: LinkSettings,
    },
    /// A slow disk: everything the member sends or answers leaves only
    /// after `delay_ms` more, as if each fsync took that long (0: healthy).
    SlowDisk {
        /// The member.
        member: u64,
        /// Extra latency of persistence, in ms.
        delay_ms: u64,
    },
    /// A full disk (`full`: no space left) or one with space again. A
    /// member on a full disk exits at its next write, as etcd does (its
    /// `lg.Fatal` on a failed WAL write); see the server's `fatal.rs`.
    /// The disk stays full across restarts until space is freed.
    DiskFull {
        /// The member.
        member: u64,
        /// No space left (false: space again).
        full: bool,
    },
    /// Set a member's backend quota (`--quota-backend-bytes`). etcd reads
    /// the flag at start-up, so a running member is restarted with it.
    Quota {
        /// The member.
        member: u64,
        /// The quota in bytes.
        bytes: u64,
    },
    /// Fire a member's election timer now (the playground's `cluster
    /// campaign NAME`): a follower or candidate starts a pre-vote (or an
    /// election) exactly as if its randomized election timeout had passed;
    /// a leader ignores it, as raft ignores `MsgHup` on a leader.
    Campaign {
        /// The member.
        member: u64,
    },
    /// Start a brand-new member with an empty disk that joins the existing
    /// cluster (`etcd --initial-cluster-state existing`) after a
    /// `member add`.
    Join {
        /// The member's id, as `member add` returned it.
        member: u64,
        /// Its name.
        name: String,
        /// Its peer URLs.
        peer_urls: Vec<String>,
    },
}

impl Fault {
    /// One line for the timeline, with each member written by `name`
    /// (`stop etcd-2`, `partition [etcd-1] [etcd-2 etcd-3]`); `Display`
    /// writes members as hex IDs. A joining member whose `name` is its own
    /// name is written once (`join etcd-4`), else with both (`join etcd-4 (c3)`).
    pub fn describe(&self, name: &dyn Fn(u64) -> String) -> String {
        match self {
            Fault::Stop { member } => format!("stop {}", name(*member)),
            Fault::Start { member } => format!("start {}", name(*member)),
            Fault::Restart { member } => format!("restart {}", name(*member)),
            Fault::Partition { groups } => {
                let mut out = "partition".to_string();
                for g in groups {
                    let names: Vec<String> = g.iter().map(|m| name(*m)).collect();
                    out.push_str(&format!(" [{}]", names.join(" ")));
                }
                out
            }
            Fault::OneWay { from, to } => format!("one-way partition {} -/-> {}", name(*from), name(*to)),
            Fault::Isolate { member } => format!("isolate {}", name(*member)),
            Fault::Heal => "heal".to_string(),
            Fault::NetworkSettings(s) => format!("network {}", describe_link(s)),
            Fault::LinkSettings { from, to, settings } => {
                format!("link {}->{} {}", name(*from), name(*to), describe_link(settings))
            }
            Fault::SlowDisk { member, delay_ms } => format!("slow disk {} +{delay_ms}ms", name(*member)),
            Fault::DiskFull { member, full: true } => format!("disk {} full", name(*member)),
            Fault::DiskFull { member, full: false } => format!("disk {} has space again", name(*member)),
            Fault::Quota { member, bytes } => format!("quota {} {bytes} bytes", name(*member)),
            Fault::Campaign { member } => format!("campaign {}", name(*member)),
            Fault::Join { member, name: joined, .. } => match name(*member) {
                m if m == *joined => format!("join {joined}"),
                m => format!("join {joined} ({m})"),
            },
        }
    }
}

impl std::fmt::Display for Fault {
    /// [`Fault::describe`] with members as hex IDs (`stop 8e9e05c52164694d`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe(&|m| format!("{m:x}")))
    }
}

fn describe_link(s: &LinkSettings) -> String {
    format!(
        "delay {}..{}ms drop {}% duplicate {}% reorder {}%",
        s.delay_min_ms,
        s.delay_max_ms,
        s.drop_rate * 100.0,
        s.duplicate_rate * 100.0,
        s.reorder_rate * 100.0
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_render_as_timeline_lines() {
        assert_eq!(Fault::Partition { groups: vec![vec![1, 2], vec![3]] }.to_string(), "partition [1 2] [3]");
        assert_eq!(Fault::OneWay { from: 1, to: 10 }.to_string(), "one-way partition 1 -/-> a");
        assert_eq!(
            Fault::NetworkSettings(LinkSettings { drop_rate: 0.25, ..LinkSettings::default() }).to_string(),
            "network delay 1..5ms drop 25% duplicate 0% reorder 0%"
        );
    }

    #[test]
    fn faults_describe_members_by_the_given_names() {
        let name = |m: u64| if m == 12 { "c".to_string() } else { format!("etcd-{m}") };
        let cut = Fault::Partition { groups: vec![vec![1], vec![2, 3]] };
        assert_eq!(cut.describe(&name), "partition [etcd-1] [etcd-2 etcd-3]");
        let link = Fault::LinkSettings { from: 1, to: 2, settings: LinkSettings::default() };
        assert_eq!(link.describe(&name), "link etcd-1->etcd-2 delay 1..5ms drop 0% duplicate 0% reorder 0%");
        let join = |member| Fault::Join { member, name: "etcd-4".into(), peer_urls: vec![] };
        assert_eq!(join(4).describe(&name), "join etcd-4");
        assert_eq!(join(12).describe(&name), "join etcd-4 (c)");
        assert_eq!(join(12).to_string(), "join etcd-4 (c)");
    }

    #[test]
    fn faults_round_trip_through_json() {
        let f = Fault::SlowDisk { member: 3, delay_ms: 40 };
        let s = serde_json::to_string(&f).unwrap();
        assert_eq!(serde_json::from_str::<Fault>(&s).unwrap(), f);
    }
}
