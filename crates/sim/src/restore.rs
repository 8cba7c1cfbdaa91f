//! Starting a simulated cluster from restored disks (`etcdutl snapshot
//! restore` then `cluster reset --data-dir DIR` in the console):
//!
//! ```text
//!   let disks = server::backup::restore_disks(&backup, opts)?;   // Vec<(PeerInfo, Disk)>
//!   let mut sim = Sim::from_disks(seed, options, disks.clone()); // etcd-1.. in that order
//!   ...
//!   let again = Sim::replay_from_disks(seed, options, disks, sim.inputs());
//!   let again = sim.rerun(sim.inputs());                         // the same, from sim's own start
//! ```
//!
//! The disks are part of the run's start, as the seed is: the simulation
//! keeps them (shared, never copied) so a replay starts from the same bytes.

use std::sync::Arc;

use server::{Disk, PeerInfo};

use crate::node::{Node, NodeState};
use crate::sim::{InputRecord, Sim, SimOptions};

impl Sim {
    /// A cluster started at time 0 from `members`' disks, member N being
    /// the Nth pair (so [`Sim::member_id`]`(N)` finds it). Every member's
    /// id, name and peer URLs come from its [`PeerInfo`]; the cluster ID
    /// from the disks (as etcd reads it from its data dir), or derived from
    /// the member IDs when no disk names one. `options.members` is set to
    /// the number of members. Everything random derives from `seed`.
    pub fn from_disks(seed: u64, options: SimOptions, members: Vec<(PeerInfo, Disk)>) -> Sim {
        Sim::from_disks_at(seed, options, members, 0)
    }

    /// [`Sim::from_disks`] with the clock starting at `start_ms` rather
    /// than 0: the console's kubelet starting etcd again on a restored data
    /// dir, the virtual time of the run it replaces going on. A replay
    /// ([`Sim::rerun`]) starts at the same time.
    pub fn from_disks_at(
        seed: u64,
        mut options: SimOptions,
        members: Vec<(PeerInfo, Disk)>,
        start_ms: u64,
    ) -> Sim {
        options.members = members.len() as u64;
        let peers: Vec<PeerInfo> = members.iter().map(|(p, _)| p.clone()).collect();
        let ids: Vec<u64> = peers.iter().map(|p| p.id).collect();
        let cluster_id = members
            .iter()
            .find_map(|(_, d)| d.identity().map(|i| i.cluster_id))
            .unwrap_or_else(|| server::cluster_id(&ids));
        let mut sim = Sim::bare(seed, options, cluster_id);
        sim.clock.advance_to(start_ms);
        sim.origin_ms = start_ms;
        for (i, (p, disk)) in members.iter().enumerate() {
            let number = i as u64 + 1;
            let config = sim.member_config(p.id, &p.name, peers.clone(), number);
            let mut node = Node::new(number, config);
            node.state = NodeState::Stopped(Box::new(disk.clone()));
            sim.nodes.insert(p.id, node);
        }
        sim.origin = Some(Arc::new(members));
        sim.start_all();
        sim
    }

    /// Replays a run that started from restored disks: [`Sim::from_disks`]
    /// with the same seed, options and disks, then every input at the same
    /// step.
    pub fn replay_from_disks(
        seed: u64,
        options: SimOptions,
        members: Vec<(PeerInfo, Disk)>,
        inputs: &[InputRecord],
    ) -> Sim {
        let mut sim = Sim::from_disks(seed, options, members);
        sim.replay_inputs(inputs, None);
        sim
    }

    /// The disks this run started from ([`Sim::from_disks`]), or `None` for
    /// a freshly bootstrapped cluster ([`Sim::new`]).
    pub fn initial_disks(&self) -> Option<&[(PeerInfo, Disk)]> {
        self.origin.as_deref().map(Vec::as_slice)
    }

    /// Replays `inputs` on a new run with this run's start: its seed, its
    /// options and, if it started from restored disks, those disks.
    pub fn rerun(&self, inputs: &[InputRecord]) -> Sim {
        let mut sim = match &self.origin {
            Some(disks) => {
                Sim::from_disks_at(self.seed, self.options.clone(), disks.as_ref().clone(), self.origin_ms)
            }
            None => Sim::new(self.seed, self.options.clone()),
        };
        sim.replay_inputs(inputs, None);
        sim
    }
}
