//! A digest of the console's whole state, for time travel's "same state
//! after a jump as after running straight there" (`history.rs`), and the
//! bytes a checkpoint of it holds, estimated.

use sha2::{Digest, Sha256};

use super::Console;

impl Console {
    /// A sha256 (hex) of everything a run changes: the simulator
    /// ([`sim::Sim::state_hash`] and its status picture: members, messages
    /// in flight, links), kube's objects and controllers, the files, every
    /// tab's environment, history, stream and pending command, the kubeadm
    /// node (kubelet, static pods) and the lesson runner. Every map
    /// in it iterates in key order, so the digest does not depend on a hash.
    pub fn state_hash(&self) -> String {
        let mut h = Sha256::new();
        let sim = &self.backend.sim;
        h.update(sim.state_hash().as_bytes());
        h.update(format!("{:?}", sim.status()).as_bytes());
        h.update(format!("{:?}", self.backend.kube).as_bytes());
        h.update(self.backend.clock_ms().to_be_bytes());
        h.update(
            format!("{:?} {} {}", self.backend.pending, self.backend.tls, self.backend.kube_active)
                .as_bytes(),
        );
        h.update(format!("{:?}", self.backend.journal).as_bytes());
        h.update(format!("{:?}", self.net).as_bytes());
        h.update(format!("{:?}", self.vfs).as_bytes());
        h.update(format!("{} {:?} {:?} {:?}", self.active, self.env, self.history, self.stream).as_bytes());
        h.update(format!("{:?} {:?}", self.pending, self.typeahead).as_bytes());
        h.update(format!("{:?}", self.parked).as_bytes());
        h.update(format!("{:?} {:?}", self.node, self.lesson).as_bytes());
        h.update(format!("{} {:?}", self.seed, self.options).as_bytes());
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Bytes a clone of this console holds, estimated from what grows with
    /// a run: each member's store (three times its modelled size in use), its raft log
    /// and disk entries (their payloads are shared between clones), the
    /// files. Kube's caches are not counted (they follow the store).
    pub fn footprint_bytes(&self) -> u64 {
        let sim = &self.backend.sim;
        let mut bytes = 64 * 1024;
        for id in sim.member_ids() {
            bytes += 16 * 1024;
            if let Some(m) = sim.member(id) {
                // The modelled bolt size in use, times what a BTreeMap of
                // Vec keys and values takes over it (3.2x resident, measured
                // by benches/time_travel.rs on its 10-minute session).
                bytes += m.store().size_in_use() * 3;
            }
            if let Some(d) = sim.disk(id) {
                // The WAL's entries and the raft log's: two headers each.
                bytes += 2 * 64 * d.entries().len() as u64;
            }
        }
        for p in self.vfs.paths() {
            bytes += p.len() as u64 + self.vfs.read(p).map_or(0, |b| b.len() as u64) + 64;
        }
        bytes
    }
}
