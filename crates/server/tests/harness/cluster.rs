//! A few members wired by a trivial router: messages are delivered in
//! order, instantly, unless a member is down or cut off by a partition.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use server::{
    ClientRequest, Disk, Member, MemberConfig, MemberEvent, PeerInfo, Reply, Request, default_cluster,
};

/// The cluster under test.
pub struct Cluster {
    /// Running members by number (1-based).
    pub members: BTreeMap<u64, Member>,
    /// Disks of crashed members.
    pub down: BTreeMap<u64, Disk>,
    /// Configurations by number.
    pub configs: BTreeMap<u64, MemberConfig>,
    /// Member number by ID.
    pub numbers: BTreeMap<u64, u64>,
    /// Messages in flight.
    pub inbox: VecDeque<raft::Message>,
    /// Partition groups: members in different groups cannot talk.
    pub groups: Vec<BTreeSet<u64>>,
    /// Replies received, in order.
    pub replies: Vec<(u64, Reply)>,
    /// Events received, in order.
    pub events: Vec<MemberEvent>,
    next_req: u64,
    /// Which member each request went to.
    pub req_member: BTreeMap<u64, u64>,
}

impl Cluster {
    /// A new cluster of `n` members, configured by `tweak`.
    pub fn new(n: u64, tweak: impl Fn(&mut MemberConfig)) -> Cluster {
        let (peers, cid) = default_cluster(n);
        let mut c = Cluster {
            members: BTreeMap::new(),
            down: BTreeMap::new(),
            configs: BTreeMap::new(),
            numbers: BTreeMap::new(),
            inbox: VecDeque::new(),
            groups: Vec::new(),
            replies: Vec::new(),
            events: Vec::new(),
            next_req: 0,
            req_member: BTreeMap::new(),
        };
        for (i, p) in peers.iter().enumerate() {
            let num = i as u64 + 1;
            let mut cfg = MemberConfig::new(p.id, &p.name, cid, peers.clone(), num);
            tweak(&mut cfg);
            c.numbers.insert(p.id, num);
            c.configs.insert(num, cfg.clone());
            c.members.insert(num, Member::start(cfg, Disk::default()));
        }
        c
    }

    /// The number of the member with `id`.
    pub fn num(&self, id: u64) -> u64 {
        self.numbers.get(&id).copied().unwrap_or(0)
    }

    /// The ID of member `num`.
    pub fn id(&self, num: u64) -> u64 {
        self.configs.get(&num).map_or(0, |c| c.id)
    }

    /// Adds the configuration of a member joining later (not started).
    pub fn add_config(&mut self, num: u64, peer: PeerInfo, all: Vec<PeerInfo>) {
        let cid = self.configs.values().next().map_or(0, |c| c.cluster_id);
        let mut cfg = MemberConfig::new(peer.id, &format!("etcd-{num}"), cid, all, num);
        if let Some(first) = self.configs.values().next() {
            cfg.snapshot_count = first.snapshot_count;
            cfg.quota_bytes = first.quota_bytes;
        }
        cfg.initial_cluster_state = server::InitialClusterState::Existing;
        self.numbers.insert(peer.id, num);
        self.configs.insert(num, cfg);
    }

    fn can_talk(&self, a: u64, b: u64) -> bool {
        if self.groups.is_empty() {
            return true;
        }
        let ga = self.groups.iter().position(|g| g.contains(&a));
        let gb = self.groups.iter().position(|g| g.contains(&b));
        ga == gb
    }

    /// Drains every member and delivers messages until nothing moves.
    pub fn stabilize(&mut self) {
        for _ in 0..10_000 {
            let nums: Vec<u64> = self.members.keys().copied().collect();
            for n in nums {
                let out = match self.members.get_mut(&n) {
                    Some(m) => m.drain(),
                    None => continue,
                };
                self.inbox.extend(out.messages);
                self.replies.extend(out.replies.into_iter().map(|r| (n, r)));
                self.events.extend(out.events);
            }
            let Some(msg) = self.inbox.pop_front() else { return };
            let (from, to) = (self.num(msg.from), self.num(msg.to));
            if !self.can_talk(from, to) {
                continue;
            }
            if let Some(m) = self.members.get_mut(&to) {
                m.step(msg);
            }
        }
    }

    /// Ticks every running member once, then stabilizes.
    pub fn tick(&mut self) {
        for m in self.members.values_mut() {
            m.tick();
        }
        self.stabilize();
    }

    /// Sends a request to member `num`.
    pub fn request(&mut self, num: u64, op: Request, token: Option<String>) -> u64 {
        self.next_req += 1;
        let id = self.next_req;
        self.req_member.insert(id, num);
        match self.members.get_mut(&num) {
            Some(m) => m.request(ClientRequest { id, op, token }),
            None => self
                .replies
                .push((num, Reply { id, body: server::ReplyBody::Done(Err(server::Error::Stopped)) })),
        }
        id
    }

    /// Crashes member `num`: its memory is lost, its disk kept.
    pub fn crash(&mut self, num: u64) {
        if let Some(m) = self.members.remove(&num) {
            self.down.insert(num, m.into_disk());
        }
    }

    /// Restarts member `num` from its disk (or starts a joining member).
    pub fn restart(&mut self, num: u64) {
        if self.members.contains_key(&num) {
            return;
        }
        let disk = self.down.remove(&num).unwrap_or_default();
        if let Some(cfg) = self.configs.get(&num).cloned() {
            self.members.insert(num, Member::start(cfg, disk));
        }
    }

    /// The leader's number, if exactly the running members agree on one.
    pub fn leader(&self) -> Option<u64> {
        self.members.iter().find(|(_, m)| m.is_leader()).map(|(&n, _)| n)
    }

    /// Ticks until some member leads (at most `max` ticks).
    pub fn elect(&mut self, max: u64) -> Option<u64> {
        for _ in 0..max {
            if let Some(l) = self.leader() {
                return Some(l);
            }
            self.tick();
        }
        self.leader()
    }
}
