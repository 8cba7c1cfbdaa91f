//! A member's life in the simulator: running (a [`Member`] in memory) or
//! stopped (only its [`Disk`]), and the faults that move it between the
//! two or bend its network.
//!
//! ```text
//!   Running(Member) --stop--> Stopped(Disk)      memory lost, disk kept
//!   Stopped(Disk)  --start--> Running(Member::start(config, disk))
//! ```

use server::{Disk, InitialClusterState, Member, MemberConfig, PeerInfo};

use crate::client::ClientError;
use crate::events::SimEvent;
use crate::faults::Fault;
use crate::sim::{Input, Sim, SimError};

/// Whether a member runs.
#[derive(Clone)]
pub enum NodeState {
    /// Running, with everything in memory.
    Running(Box<Member>),
    /// Stopped: only the disk is left.
    Stopped(Box<Disk>),
}

/// One member slot of the simulated cluster.
#[derive(Clone)]
pub struct Node {
    /// N of `etcd-N`.
    pub number: u64,
    /// How it starts.
    pub config: MemberConfig,
    /// Running or stopped.
    pub state: NodeState,
    /// Extra latency of its disk in ms (0: healthy).
    pub slow_disk_ms: u64,
    /// Output held by a slow disk leaves no earlier than this (ms), so a
    /// member's output stays in order when its disk speeds up.
    pub held_until: u64,
    /// Bumped at every start, so output held by a slow disk before a crash
    /// is never released.
    pub incarnation: u64,
}

impl Node {
    pub(crate) fn new(number: u64, config: MemberConfig) -> Node {
        Node {
            number,
            config,
            state: NodeState::Stopped(Box::default()),
            slow_disk_ms: 0,
            held_until: 0,
            incarnation: 0,
        }
    }

    /// The member, if running.
    pub fn member(&self) -> Option<&Member> {
        match &self.state {
            NodeState::Running(m) => Some(m),
            NodeState::Stopped(_) => None,
        }
    }

    pub(crate) fn member_mut(&mut self) -> Option<&mut Member> {
        match &mut self.state {
            NodeState::Running(m) => Some(m),
            NodeState::Stopped(_) => None,
        }
    }

    /// True if running.
    pub fn is_running(&self) -> bool {
        matches!(self.state, NodeState::Running(_))
    }
}

/// etcd's client port.
const CLIENT_PORT: u16 = 2379;

/// The client URLs of a member whose peer URLs are `peer_urls`: the same
/// scheme and host on etcd's client port (`http://127.0.0.4:2380` ->
/// `http://127.0.0.4:2379`), as the playground's members advertise.
pub(crate) fn client_urls_for(peer_urls: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for url in peer_urls {
        let (scheme, rest) = url.split_once("://").unwrap_or(("http", url.as_str()));
        let authority = rest.split('/').next().unwrap_or_default();
        let host = match authority.rsplit_once(':') {
            // An IPv6 literal without a port ends in `]`.
            Some((h, port)) if !port.contains(']') => h,
            _ => authority,
        };
        let client = format!("{scheme}://{host}:{CLIENT_PORT}");
        if !out.contains(&client) {
            out.push(client);
        }
    }
    out
}

impl Sim {
    /// Applies a fault or repair now, recording it in the input log.
    pub fn apply(&mut self, fault: Fault) -> Result<(), SimError> {
        self.record_fault(&fault);
        let all = self.member_ids();
        let exists = |id: u64| if all.contains(&id) { Ok(()) } else { Err(SimError::NoSuchMember(id)) };
        match &fault {
            Fault::Stop { member } => {
                exists(*member)?;
                if !self.nodes[member].is_running() {
                    return Err(SimError::AlreadyStopped(*member));
                }
                self.log_fault(&fault);
                self.stop_member(*member);
            }
            Fault::Start { member } => {
                exists(*member)?;
                if self.nodes[member].is_running() {
                    return Err(SimError::AlreadyRunning(*member));
                }
                self.log_fault(&fault);
                self.start_member(*member);
            }
            Fault::Restart { member } => {
                exists(*member)?;
                self.log_fault(&fault);
                if self.nodes[member].is_running() {
                    self.stop_member(*member);
                }
                self.start_member(*member);
            }
            Fault::Partition { groups } => {
                self.log_fault(&fault);
                self.network.partition(groups);
            }
            Fault::OneWay { from, to } => {
                self.log_fault(&fault);
                self.network.block_one_way(*from, *to);
            }
            Fault::Isolate { member } => {
                exists(*member)?;
                self.log_fault(&fault);
                self.network.isolate(*member, &all);
            }
            Fault::Heal => {
                self.log_fault(&fault);
                self.network.heal();
            }
            Fault::NetworkSettings(s) => {
                self.log_fault(&fault);
                self.network.set_default_link(s.clone());
            }
            Fault::LinkSettings { from, to, settings } => {
                self.log_fault(&fault);
                self.network.set_link(*from, *to, settings.clone());
            }
            Fault::SlowDisk { member, delay_ms } => {
                exists(*member)?;
                self.log_fault(&fault);
                self.nodes.get_mut(member).expect("exists").slow_disk_ms = *delay_ms;
            }
            Fault::DiskFull { member, full } => {
                exists(*member)?;
                self.log_fault(&fault);
                match &mut self.nodes.get_mut(member).expect("exists").state {
                    NodeState::Running(m) => m.set_disk_full(*full),
                    NodeState::Stopped(d) => d.set_full(*full),
                }
            }
            Fault::Quota { member, bytes } => {
                exists(*member)?;
                self.log_fault(&fault);
                self.nodes.get_mut(member).expect("exists").config.quota_bytes = *bytes;
                if self.nodes[member].is_running() {
                    self.stop_member(*member);
                    self.start_member(*member);
                }
            }
            Fault::Campaign { member } => {
                exists(*member)?;
                if !self.nodes[member].is_running() {
                    return Err(SimError::AlreadyStopped(*member));
                }
                self.log_fault(&fault);
                self.fire_election_timer(*member);
            }
            Fault::Join { member, name, peer_urls } => {
                if all.contains(member) {
                    return Err(SimError::AlreadyRunning(*member));
                }
                let Some(through) = self.running().into_iter().next() else {
                    return Err(SimError::NoRunningMember);
                };
                self.log_fault(&fault);
                let mut peers: Vec<PeerInfo> =
                    self.nodes[&through].member().map(|m| m.status().members).unwrap_or_default();
                // The member's own entry carries the client URLs it
                // publishes once it has a leader (etcd's `publishV3`, from
                // its `--advertise-client-urls`); `member add` knows only
                // peer URLs, so they come from those, as for etcd-1..N.
                let client_urls = client_urls_for(peer_urls);
                match peers.iter_mut().find(|p| p.id == *member) {
                    Some(p) => {
                        p.name = name.clone();
                        p.client_urls = client_urls;
                    }
                    None => peers.push(PeerInfo {
                        id: *member,
                        name: name.clone(),
                        peer_urls: peer_urls.clone(),
                        client_urls,
                        is_learner: false,
                    }),
                }
                let number = self.nodes.values().map(|n| n.number).max().unwrap_or(0) + 1;
                let mut config = self.member_config(*member, name, peers, number);
                config.initial_cluster_state = InitialClusterState::Existing;
                self.nodes.insert(*member, Node::new(number, config));
                self.start_member(*member);
            }
        }
        Ok(())
    }

    fn record_fault(&mut self, fault: &Fault) {
        self.record(Input::Fault(fault.clone()));
    }

    fn log_fault(&mut self, fault: &Fault) {
        self.events.push(self.clock.now_ms(), SimEvent::Fault(fault.clone()));
    }

    /// Fires member `id`'s election timer now ([`Member::campaign`]): a
    /// follower or candidate starts a pre-vote or an election at once; a
    /// leader or a learner does nothing.
    pub(crate) fn fire_election_timer(&mut self, id: u64) {
        let Some(m) = self.nodes.get_mut(&id).and_then(Node::member_mut) else { return };
        m.campaign();
        self.drain(id);
    }

    /// Crash: the member's memory is lost, its disk kept; its streams end.
    pub(crate) fn stop_member(&mut self, id: u64) {
        let node = self.nodes.get_mut(&id).expect("member exists");
        let state = std::mem::replace(&mut node.state, NodeState::Stopped(Box::default()));
        node.state = match state {
            NodeState::Running(m) => NodeState::Stopped(Box::new(m.into_disk())),
            stopped => stopped,
        };
        self.events.push(self.clock.now_ms(), SimEvent::Stopped { member: id });
        let streams: Vec<u64> = self
            .calls
            .values()
            .filter(|c| c.endpoint == id && !c.is_done() && c.is_stream())
            .map(|c| c.id)
            .collect();
        for s in streams {
            self.resolve(s, Err(ClientError::ConnectionLost));
        }
    }

    /// Starts member `id` from its disk (an empty disk bootstraps).
    pub(crate) fn start_member(&mut self, id: u64) {
        let node = self.nodes.get_mut(&id).expect("member exists");
        let disk = match std::mem::replace(&mut node.state, NodeState::Stopped(Box::default())) {
            NodeState::Stopped(d) => *d,
            NodeState::Running(m) => m.into_disk(),
        };
        node.incarnation += 1;
        node.held_until = 0;
        node.state = NodeState::Running(Box::new(Member::start(node.config.clone(), disk)));
        self.events.push(self.clock.now_ms(), SimEvent::Started { member: id });
        self.drain(id);
    }

    /// Member `id`'s disk (running or not).
    pub fn disk(&self, id: u64) -> Option<&Disk> {
        self.nodes.get(&id).map(|n| match &n.state {
            NodeState::Running(m) => m.disk(),
            NodeState::Stopped(d) => d,
        })
    }

    /// Member `id`'s slot: number, config, state, disk latency.
    pub fn node(&self, id: u64) -> Option<&Node> {
        self.nodes.get(&id)
    }
}

#[cfg(test)]
mod tests {
    use super::client_urls_for;

    #[test]
    fn client_urls_are_the_peer_hosts_on_the_client_port() {
        let urls = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(client_urls_for(&urls(&["http://127.0.0.4:2380"])), urls(&["http://127.0.0.4:2379"]));
        assert_eq!(
            client_urls_for(&urls(&["https://10.0.0.1:12380", "https://10.0.0.1:2380", "http://[::1]"])),
            urls(&["https://10.0.0.1:2379", "http://[::1]:2379"])
        );
    }
}
