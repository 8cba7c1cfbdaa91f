//! [`Sim`]: the cluster in one process. It owns the members, the network,
//! the virtual clock and the clients, and moves everything one event at a
//! time:
//!
//! ```text
//!   step():  the earliest of
//!     - a message due on the network  -> member.step(msg), drain
//!     - the tick timer (every tick_ms) -> member.tick() on every running member, drain
//!     - a client deadline              -> member.cancel(id), "context deadline exceeded"
//!     - a slow disk's held output      -> its messages and replies leave
//!   drain(member): Output { messages -> network, replies -> clients, events -> log }
//!                  then the safety checker reads the member's status;
//!                  a member that exited (a full disk) is stopped
//! ```
//!
//! Every input from outside (a fault, a client request, a cancel) goes
//! through a method that records it with the step count at which it came,
//! so [`Sim::replay`] rebuilds the same run byte for byte from the seed and
//! the inputs. `Sim` is `Clone`: a clone is a checkpoint.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use server::{Member, MemberConfig, PeerInfo, Reply, Request};
use slim::VecMap;

use crate::checker::history::History;
use crate::checker::safety::{MemberView, SafetyChecker};
use crate::client::{COMMAND_TIMEOUT_MS, Call, CallOptions, ClientError, DIAL_TIMEOUT_MS};
use crate::clock::{Clock, EventQueue, QueueKey};
use crate::events::{EventLog, SimEvent};
use crate::faults::Fault;
use crate::network::{DropReason, LinkSettings, Network};
use crate::node::Node;

/// How to build a simulated cluster.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimOptions {
    /// Number of members (etcd-1 .. etcd-N).
    pub members: u64,
    /// Election timeout in ticks (etcd: 1000 ms / 100 ms = 10).
    pub election_ticks: u64,
    /// Heartbeat interval in ticks (1).
    pub heartbeat_ticks: u64,
    /// Length of a tick in ms (etcd's `--heartbeat-interval`, 100).
    pub tick_ms: u64,
    /// Every link's initial settings.
    pub network: LinkSettings,
    /// Applied entries between raft snapshots (`None`: the member's default).
    pub snapshot_count: Option<u64>,
    /// Backend quota in bytes (`None`: the member's default).
    pub quota_bytes: Option<u64>,
    /// etcdctl's dial timeout (2 s).
    pub dial_timeout_ms: u64,
    /// etcdctl's command timeout (5 s).
    pub command_timeout_ms: u64,
    /// Message records kept for drawing.
    pub message_log_capacity: usize,
    /// Event records kept for the timeline.
    pub event_log_capacity: usize,
    /// Run the raft safety checker after every step.
    pub check_safety: bool,
    /// Record single-key KV operations for the linearizability checker.
    pub record_history: bool,
    /// A deliberately broken read path, for testing the checkers only:
    /// linearizable reads are served from the local store without
    /// ReadIndex (the members' `MemberConfig::unsafe_local_reads`).
    pub unsafe_local_reads: bool,
    /// Lease checkpoints every this many ms (`None`: off, as etcd 3.5's
    /// `--experimental-enable-lease-checkpoint` is by default).
    #[serde(default)]
    pub lease_checkpoint_interval_ms: Option<u64>,
}

impl Default for SimOptions {
    /// Three members with etcd's timing: heartbeat 100 ms, election 1000 ms.
    fn default() -> Self {
        SimOptions {
            members: 3,
            election_ticks: 10,
            heartbeat_ticks: 1,
            tick_ms: 100,
            network: LinkSettings::default(),
            snapshot_count: None,
            quota_bytes: None,
            dial_timeout_ms: DIAL_TIMEOUT_MS,
            command_timeout_ms: COMMAND_TIMEOUT_MS,
            message_log_capacity: 2_000,
            event_log_capacity: 10_000,
            check_safety: true,
            record_history: true,
            unsafe_local_reads: false,
            lease_checkpoint_interval_ms: None,
        }
    }
}

/// An input from outside the simulation, recorded for replay.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Input {
    /// A fault or repair.
    Fault(Fault),
    /// A client request.
    Submit {
        /// The member it enters through.
        endpoint: u64,
        /// The request.
        request: Request,
        /// Its client settings.
        options: CallOptions,
    },
    /// A client gave up on a request.
    Cancel {
        /// The request's id.
        request: u64,
    },
}

/// One recorded input: it came after `step` steps, at `at_ms`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InputRecord {
    /// Steps taken before it came.
    pub step: u64,
    /// Virtual time (ms).
    pub at_ms: u64,
    /// The input.
    pub input: Input,
}

/// What one [`Sim::step`] did, for the page's step button.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    /// Every running member ticked.
    Tick {
        /// At (ms).
        at_ms: u64,
    },
    /// A message reached its target (or was dropped there).
    Message {
        /// At (ms).
        at_ms: u64,
        /// The message record's id.
        id: u64,
        /// Sender.
        from: u64,
        /// Target.
        to: u64,
        /// Raft message type.
        msg_type: raft::MessageType,
        /// Delivered (false: dropped by a partition or a stopped target).
        delivered: bool,
    },
    /// A client's deadline passed.
    Deadline {
        /// At (ms).
        at_ms: u64,
        /// The request.
        request: u64,
    },
    /// A slow disk let a member's output go.
    Released {
        /// At (ms).
        at_ms: u64,
        /// The member.
        member: u64,
    },
}

/// Something the simulator refuses to do.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    /// No member has this id.
    #[error("member {0:x} not found")]
    NoSuchMember(u64),
    /// The member is already running.
    #[error("member {0:x} is already started")]
    AlreadyRunning(u64),
    /// The member is already stopped.
    #[error("member {0:x} is already stopped")]
    AlreadyStopped(u64),
    /// A joining member needs a running member to learn the cluster from.
    #[error("no running member to join through")]
    NoRunningMember,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Timer {
    Tick,
    Deadline { request: u64 },
    Release { member: u64, incarnation: u64, messages: Vec<raft::Message>, replies: Vec<Reply> },
}

/// The simulated cluster. See the module docs.
#[derive(Clone)]
pub struct Sim {
    pub(crate) seed: u64,
    pub(crate) options: SimOptions,
    pub(crate) clock: Clock,
    pub(crate) timers: EventQueue<Timer>,
    pub(crate) network: Network,
    pub(crate) nodes: VecMap<u64, Node>,
    pub(crate) cluster_id: u64,
    pub(crate) calls: BTreeMap<u64, Call>,
    pub(crate) deadlines: BTreeMap<u64, QueueKey>,
    pub(crate) next_request: u64,
    pub(crate) events: EventLog,
    pub(crate) inputs: Vec<InputRecord>,
    /// See [`Sim::set_lean`].
    lean: bool,
    pub(crate) steps: u64,
    pub(crate) safety: SafetyChecker,
    pub(crate) violation: Option<String>,
    pub(crate) history: History,
    pub(crate) history_time: u64,
    pub(crate) resolved: u64,
    /// The disks the run started from, if not a fresh cluster
    /// ([`Sim::from_disks`]); shared, so checkpoints stay cheap.
    pub(crate) origin: Option<std::sync::Arc<Vec<(PeerInfo, server::Disk)>>>,
    /// When the run's clock started ([`Sim::from_disks_at`]; 0 otherwise).
    pub(crate) origin_ms: u64,
}

/// splitmix64 of `seed` and a stream number: independent seeds per member.
pub(crate) fn derive_seed(seed: u64, stream: u64) -> u64 {
    let mut r = raft::Rng::new(seed ^ stream.wrapping_mul(0xA076_1D64_78BD_642F));
    r.next_u64()
}

impl Sim {
    /// A cluster of `options.members` members, bootstrapped and started at
    /// time 0. Everything random derives from `seed`.
    pub fn new(seed: u64, options: SimOptions) -> Sim {
        let (peers, cluster_id) = server::default_cluster(options.members.max(1));
        let mut sim = Sim::bare(seed, options, cluster_id);
        for (i, p) in peers.iter().enumerate() {
            let number = i as u64 + 1;
            let config = sim.member_config(p.id, &p.name, peers.clone(), number);
            sim.nodes.insert(p.id, Node::new(number, config));
        }
        sim.start_all();
        sim
    }

    /// A simulation with no member yet, at time 0.
    pub(crate) fn bare(seed: u64, options: SimOptions, cluster_id: u64) -> Sim {
        Sim {
            seed,
            network: Network::new(
                derive_seed(seed, 0),
                options.network.clone(),
                options.message_log_capacity,
            ),
            events: EventLog::new(options.event_log_capacity),
            options,
            clock: Clock::default(),
            timers: EventQueue::default(),
            nodes: VecMap::new(),
            cluster_id,
            calls: BTreeMap::new(),
            deadlines: BTreeMap::new(),
            next_request: 1,
            inputs: Vec::new(),
            lean: false,
            steps: 0,
            safety: SafetyChecker::default(),
            violation: None,
            history: History::default(),
            history_time: 0,
            resolved: 0,
            origin: None,
            origin_ms: 0,
        }
    }

    /// Starts every member (in id order) and the tick timer, at time 0.
    pub(crate) fn start_all(&mut self) {
        let ids: Vec<u64> = self.nodes.keys().copied().collect();
        for id in ids {
            self.start_member(id);
        }
        let tick = self.options.tick_ms.max(1);
        self.timers.push(self.clock.now_ms() + tick, Timer::Tick);
    }

    pub(crate) fn member_config(
        &self,
        id: u64,
        name: &str,
        peers: Vec<PeerInfo>,
        number: u64,
    ) -> MemberConfig {
        let o = &self.options;
        let mut c = MemberConfig::new(id, name, self.cluster_id, peers, derive_seed(self.seed, number));
        c.election_ticks = o.election_ticks;
        c.heartbeat_ticks = o.heartbeat_ticks;
        c.tick_ms = o.tick_ms;
        c.unsafe_local_reads = o.unsafe_local_reads;
        if let Some(ms) = o.lease_checkpoint_interval_ms {
            c.lease_checkpoint = true;
            c.lease_checkpoint_interval_ms = ms;
        }
        if let Some(n) = o.snapshot_count {
            c.snapshot_count = n;
        }
        if let Some(q) = o.quota_bytes {
            c.quota_bytes = q;
        }
        c
    }

    /// Replays a recorded run: a new simulation from `seed` and `options`
    /// with every input applied after the same number of steps.
    pub fn replay(seed: u64, options: SimOptions, inputs: &[InputRecord]) -> Sim {
        let mut sim = Sim::new(seed, options);
        sim.replay_inputs(inputs, None);
        sim
    }

    pub(crate) fn record(&mut self, input: Input) {
        if self.lean {
            return;
        }
        self.inputs.push(InputRecord { step: self.steps, at_ms: self.clock.now_ms(), input });
    }

    /// Lean mode, for a simulation that runs as long as a browser tab stays
    /// open: no safety checker after every step, no client history for the
    /// linearizability checker, no record of inputs (so no [`Sim::replay`]
    /// of this run; replay its inputs from where they are kept instead).
    /// What the run does is the same either way: only the records differ.
    pub fn set_lean(&mut self, on: bool) {
        self.lean = on;
        self.options.check_safety = !on;
        self.options.record_history = !on;
        if on {
            self.inputs = Vec::new();
        }
    }

    /// Whether [`Sim::set_lean`] is on.
    pub fn is_lean(&self) -> bool {
        self.lean
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The options.
    pub fn options(&self) -> &SimOptions {
        &self.options
    }

    /// Virtual time in ms.
    pub fn now_ms(&self) -> u64 {
        self.clock.now_ms()
    }

    /// Steps taken since the start.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The cluster ID.
    pub fn cluster_id(&self) -> u64 {
        self.cluster_id
    }

    /// Every input so far, for replay and shareable links.
    pub fn inputs(&self) -> &[InputRecord] {
        &self.inputs
    }

    /// Takes the next event: one message delivery, one tick of every
    /// running member, one client deadline or one slow-disk release.
    /// `None` only if nothing is scheduled (never, while ticks run).
    pub fn step(&mut self) -> Option<Step> {
        let net = self.network.next_delivery_ms();
        let timer = self.timers.next_time();
        let take_message = match (net, timer) {
            (Some(n), Some(t)) => n <= t,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return None,
        };
        self.steps += 1;
        if take_message {
            return Some(self.deliver_next());
        }
        let (key, timer) = self.timers.pop()?;
        self.clock.advance_to(key.at_ms);
        let at_ms = key.at_ms;
        Some(match timer {
            Timer::Tick => {
                let ids: Vec<u64> = self.nodes.keys().copied().collect();
                for id in ids {
                    if let Some(m) = self.nodes.get_mut(&id).and_then(Node::member_mut) {
                        m.tick();
                        self.drain(id);
                    }
                }
                self.timers.push(at_ms + self.options.tick_ms.max(1), Timer::Tick);
                Step::Tick { at_ms }
            }
            Timer::Deadline { request } => {
                self.deadlines.remove(&request);
                self.give_up(request, ClientError::DeadlineExceeded);
                Step::Deadline { at_ms, request }
            }
            Timer::Release { member, incarnation, messages, replies } => {
                let alive =
                    self.nodes.get(&member).is_some_and(|n| n.is_running() && n.incarnation == incarnation);
                if alive {
                    self.route(messages, replies);
                }
                Step::Released { at_ms, member }
            }
        })
    }

    fn deliver_next(&mut self) -> Step {
        let Some(next) = self.network.pop_next() else { unreachable!("a delivery was due") };
        match next {
            Err(flight) => {
                self.clock.advance_to(flight.deliver_ms);
                Step::Message {
                    at_ms: flight.deliver_ms,
                    id: flight.id,
                    from: flight.msg.from,
                    to: flight.msg.to,
                    msg_type: flight.msg.msg_type,
                    delivered: false,
                }
            }
            Ok(flight) => {
                self.clock.advance_to(flight.deliver_ms);
                let (from, to, msg_type) = (flight.msg.from, flight.msg.to, flight.msg.msg_type);
                let delivered = match self.nodes.get_mut(&to).and_then(Node::member_mut) {
                    Some(m) => {
                        m.step(flight.msg);
                        self.drain(to);
                        true
                    }
                    None => {
                        self.network.drop_in_flight(flight.id, DropReason::TargetDown);
                        false
                    }
                };
                Step::Message { at_ms: flight.deliver_ms, id: flight.id, from, to, msg_type, delivered }
            }
        }
    }

    /// Runs until `done` holds (true, the clock at the event that made it
    /// hold) or the next event would come after `deadline_ms` (false, the
    /// clock moved on to `deadline_ms`: nothing happened in between, so a
    /// caller waiting for `now_ms() >= deadline_ms` is done).
    ///
    /// Moving the clock takes no step; an input made afterwards is recorded
    /// at that time, and replay moves the clock there before applying it
    /// ([`Sim::replay_inputs`]), so runs still replay byte for byte.
    pub fn run_until(&mut self, deadline_ms: u64, mut done: impl FnMut(&Sim) -> bool) -> bool {
        loop {
            if done(self) {
                return true;
            }
            let next = match (self.network.next_delivery_ms(), self.timers.next_time()) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            if next.is_none_or(|t| t > deadline_ms) {
                self.idle_until(deadline_ms);
                return false;
            }
            self.step();
        }
    }

    /// Moves the clock on to `at_ms` when nothing is due before it (never
    /// backwards).
    pub(crate) fn idle_until(&mut self, at_ms: u64) {
        if at_ms > self.clock.now_ms() {
            self.clock.advance_to(at_ms);
        }
    }

    /// Runs for `ms` of virtual time.
    pub fn run_for(&mut self, ms: u64) {
        let until = self.now_ms() + ms;
        self.run_until(until, |_| false);
    }

    /// Drains member `id`'s output and routes it; then checks safety.
    pub(crate) fn drain(&mut self, id: u64) {
        let Some(node) = self.nodes.get_mut(&id) else { return };
        let now = self.clock.now_ms();
        // Output leaves in order: behind whatever a slow disk still holds,
        // including output due this very millisecond whose release timer has
        // not fired yet (new output must queue behind it, not overtake it).
        let release_at = (now + node.slow_disk_ms).max(node.held_until);
        let behind_held = node.held_until > 0 && node.held_until >= now;
        let incarnation = node.incarnation;
        let Some(m) = node.member_mut() else { return };
        let out = m.drain();
        let exited = m.exited().is_some();
        // A member that exited in this drain died before the write its
        // raft state had moved on to (a single voter commits what it
        // appends before persisting it): that state is lost with the
        // process and was never acted on, so the checker does not see it.
        if self.options.check_safety && self.violation.is_none() && !exited {
            let st = m.status();
            if let Err(e) = self.safety.observe(&MemberView { raft: &st.raft, revision: st.revision }) {
                self.violation = Some(format!("at {} ms (step {}): {e}", self.clock.now_ms(), self.steps));
            }
        }
        for ev in out.events {
            self.events.push(now, SimEvent::Member(ev));
        }
        if (release_at > now || behind_held) && !(out.messages.is_empty() && out.replies.is_empty()) {
            let t = Timer::Release { member: id, incarnation, messages: out.messages, replies: out.replies };
            self.timers.push(release_at, t);
            if let Some(node) = self.nodes.get_mut(&id) {
                node.held_until = release_at;
            }
        } else {
            self.route(out.messages, out.replies);
        }
        // The process exited (a write failed on a full disk): it is down
        // as after a crash, its disk as the failed write left it.
        if exited {
            self.stop_member(id);
        }
    }

    fn route(&mut self, messages: Vec<raft::Message>, replies: Vec<Reply>) {
        let now = self.clock.now_ms();
        for msg in messages {
            self.network.send(now, msg);
        }
        for reply in replies {
            self.on_reply(reply);
        }
    }

    /// The event log.
    pub fn events(&self) -> &EventLog {
        &self.events
    }

    /// The network: records, messages in flight, partitions, settings.
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// The first safety violation seen, if any.
    pub fn safety_violation(&self) -> Option<&str> {
        self.violation.as_deref()
    }

    /// The safety checker's state (number of checks).
    pub fn safety(&self) -> &SafetyChecker {
        &self.safety
    }

    /// The recorded client history.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// Member `id`, if it is running.
    pub fn member(&self, id: u64) -> Option<&Member> {
        self.nodes.get(&id).and_then(Node::member)
    }

    /// Every member's id, in order.
    pub fn member_ids(&self) -> Vec<u64> {
        self.nodes.keys().copied().collect()
    }

    /// The id of member `etcd-N` by its number N.
    pub fn member_id(&self, number: u64) -> Option<u64> {
        self.nodes.iter().find(|(_, n)| n.number == number).map(|(id, _)| *id)
    }

    /// Running members' ids.
    pub fn running(&self) -> Vec<u64> {
        self.nodes.iter().filter(|(_, n)| n.is_running()).map(|(id, _)| *id).collect()
    }

    /// The running member that leads the highest term, if any (cheap: no
    /// status is built).
    pub fn leader(&self) -> Option<u64> {
        self.nodes
            .iter()
            .filter_map(|(id, n)| n.member().map(|m| (id, m)))
            .filter(|(_, m)| m.is_leader())
            .max_by_key(|(_, m)| m.raft().raft().term)
            .map(|(id, _)| *id)
    }
}
