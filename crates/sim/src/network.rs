//! The simulated network between members: one queue per directed link,
//! ordered by delivery time, with delay, loss, duplication and reordering
//! drawn from a seeded generator, and partitions that block links.
//!
//! ```text
//!   send(1->2 MsgApp) at 300 ms, link 1->2 { delay 5..20 ms, drop 1% }
//!     blocked?  yes -> record Dropped(Partition)
//!     lost?     yes -> record Dropped(Loss)
//!     deliver_at = 300 + delay, raised to the link's last delivery time
//!                  unless the message is reordered (links are FIFO, like
//!                  the TCP streams etcd's peers use)
//!     duplicated? a second copy with its own delay
//! ```
//!
//! Every message gets a [`MessageRecord`] (source, target, type, send time,
//! delivery time, fate) kept in a bounded log for drawing.

use std::collections::{BTreeMap, VecDeque};

use raft::{Message, MessageType, Rng};
use serde::{Deserialize, Serialize};
use slim::{VecMap, VecSet};

/// How one directed link behaves. Rates are probabilities in `[0, 1]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinkSettings {
    /// Shortest delay of a message, in ms.
    pub delay_min_ms: u64,
    /// Longest delay of a message, in ms.
    pub delay_max_ms: u64,
    /// Chance that a message is lost.
    pub drop_rate: f64,
    /// Chance that a message is delivered twice (never a forwarded
    /// proposal, `MsgProp`: see [`Network::send`]).
    pub duplicate_rate: f64,
    /// Chance that a message ignores the link's FIFO order.
    pub reorder_rate: f64,
}

impl Default for LinkSettings {
    /// A LAN: 1 to 5 ms, nothing lost, duplicated or reordered.
    fn default() -> Self {
        LinkSettings {
            delay_min_ms: 1,
            delay_max_ms: 5,
            drop_rate: 0.0,
            duplicate_rate: 0.0,
            reorder_rate: 0.0,
        }
    }
}

impl LinkSettings {
    /// A network that delivers everything at once, in order.
    pub fn instant() -> Self {
        LinkSettings { delay_min_ms: 0, delay_max_ms: 0, ..Self::default() }
    }
}

/// Why a message never arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum DropReason {
    /// The link was blocked by a partition (at sending or at delivery).
    Partition,
    /// Lost at random (the link's drop rate).
    Loss,
    /// The target was stopped when the message arrived.
    TargetDown,
}

/// What became of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Fate {
    /// Still on the wire.
    InFlight,
    /// Handed to the target.
    Delivered,
    /// Never arrived.
    Dropped(DropReason),
}

/// One message as the page draws it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageRecord {
    /// Unique, increasing message id.
    pub id: u64,
    /// Sender.
    pub from: u64,
    /// Target.
    pub to: u64,
    /// Raft message type.
    pub msg_type: MessageType,
    /// Sender's term.
    pub term: u64,
    /// The message's index field (MsgApp: the entry before those carried).
    pub index: u64,
    /// Entries carried.
    pub entries: usize,
    /// Sent at (ms).
    pub sent_ms: u64,
    /// Due at (ms); for a message dropped at sending, the send time.
    pub deliver_ms: u64,
    /// A second copy made by the link's duplicate rate.
    pub duplicate: bool,
    /// What became of it.
    pub fate: Fate,
}

/// A message on the wire.
#[derive(Clone, Debug, PartialEq)]
pub struct InFlight {
    /// Its record's id.
    pub id: u64,
    /// The message.
    pub msg: Message,
    /// Sent at (ms).
    pub sent_ms: u64,
    /// Due at (ms).
    pub deliver_ms: u64,
    /// A second copy made by the link's duplicate rate.
    pub duplicate: bool,
}

impl InFlight {
    /// Its record, for drawing.
    pub fn record(&self) -> MessageRecord {
        MessageRecord {
            id: self.id,
            from: self.msg.from,
            to: self.msg.to,
            msg_type: self.msg.msg_type,
            term: self.msg.term,
            index: self.msg.index,
            entries: self.msg.entries.len(),
            sent_ms: self.sent_ms,
            deliver_ms: self.deliver_ms,
            duplicate: self.duplicate,
            fate: Fate::InFlight,
        }
    }
}

/// One directed link. Messages are boxed: a B-tree shifts its entries on
/// every insert and removal, and a raft message is a few hundred bytes.
#[derive(Clone, Debug, Default, PartialEq)]
struct Link {
    queue: BTreeMap<(u64, u64), Box<InFlight>>,
    last_deliver_ms: u64,
}

/// Counters since the start.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkStats {
    /// Messages sent (duplicates not counted).
    pub sent: u64,
    /// Messages delivered.
    pub delivered: u64,
    /// Messages dropped, for any reason.
    pub dropped: u64,
    /// Extra copies made.
    pub duplicated: u64,
}

/// The network: link settings, partitions and the messages on the wire.
#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    rng: Rng,
    default_link: LinkSettings,
    links_settings: VecMap<(u64, u64), LinkSettings>,
    blocked: VecSet<(u64, u64)>,
    /// One per pair of members that ever exchanged a message.
    links: VecMap<(u64, u64), Link>,
    /// Every message on the wire by `(deliver_ms, id)`, with its link: the
    /// next delivery without scanning every link.
    due: BTreeMap<(u64, u64), (u64, u64)>,
    next_id: u64,
    log: VecDeque<MessageRecord>,
    log_capacity: usize,
    stats: NetworkStats,
}

impl Network {
    /// A healed network whose random choices come from `seed`; at most
    /// `log_capacity` message records are kept (0: none).
    pub fn new(seed: u64, default_link: LinkSettings, log_capacity: usize) -> Self {
        Network {
            rng: Rng::new(seed),
            default_link,
            links_settings: VecMap::new(),
            blocked: VecSet::new(),
            links: VecMap::new(),
            due: BTreeMap::new(),
            next_id: 1,
            log: VecDeque::new(),
            log_capacity,
            stats: NetworkStats::default(),
        }
    }

    /// The settings of link `from -> to`.
    pub fn link(&self, from: u64, to: u64) -> &LinkSettings {
        self.links_settings.get(&(from, to)).unwrap_or(&self.default_link)
    }

    /// Sets every link's settings (and forgets per-link overrides).
    pub fn set_default_link(&mut self, settings: LinkSettings) {
        self.default_link = settings;
        self.links_settings.clear();
    }

    /// Sets the settings of one directed link.
    pub fn set_link(&mut self, from: u64, to: u64, settings: LinkSettings) {
        self.links_settings.insert((from, to), settings);
    }

    /// Blocks every link between members of different groups; members in
    /// no group keep their links to everyone.
    pub fn partition(&mut self, groups: &[Vec<u64>]) {
        for (i, a) in groups.iter().enumerate() {
            for (j, b) in groups.iter().enumerate() {
                if i != j {
                    for &x in a {
                        for &y in b {
                            if x != y {
                                self.blocked.insert((x, y));
                            }
                        }
                    }
                }
            }
        }
    }

    /// Blocks messages from `from` to `to` only.
    pub fn block_one_way(&mut self, from: u64, to: u64) {
        self.blocked.insert((from, to));
    }

    /// Cuts `member` off from every member in `all`, both ways.
    pub fn isolate(&mut self, member: u64, all: &[u64]) {
        for &o in all {
            if o != member {
                self.blocked.insert((member, o));
                self.blocked.insert((o, member));
            }
        }
    }

    /// Removes every partition (link settings stay).
    pub fn heal(&mut self) {
        self.blocked.clear();
    }

    /// True if `from -> to` is blocked.
    pub fn is_blocked(&self, from: u64, to: u64) -> bool {
        self.blocked.contains(&(from, to))
    }

    /// Blocked directed links, for drawing.
    pub fn blocked_links(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.blocked.iter().copied()
    }

    /// Puts `msg` on the wire at `now_ms`.
    pub fn send(&mut self, now_ms: u64, msg: Message) {
        self.stats.sent += 1;
        let (from, to) = (msg.from, msg.to);
        if self.is_blocked(from, to) {
            self.record(&msg, now_ms, now_ms, false, Fate::Dropped(DropReason::Partition));
            self.stats.dropped += 1;
            return;
        }
        let settings = self.link(from, to).clone();
        if settings.drop_rate > 0.0 && self.chance(settings.drop_rate) {
            self.record(&msg, now_ms, now_ms, false, Fate::Dropped(DropReason::Loss));
            self.stats.dropped += 1;
            return;
        }
        // A forwarded proposal is never duplicated: etcd's peers talk over
        // TCP, and a proposal carried twice would be applied twice. Raft's
        // own messages tolerate duplicates by design, so they may be.
        let duplicate = settings.duplicate_rate > 0.0
            && msg.msg_type != MessageType::MsgProp
            && self.chance(settings.duplicate_rate);
        if duplicate {
            self.stats.duplicated += 1;
            self.enqueue(now_ms, msg.clone(), &settings, true);
        }
        self.enqueue(now_ms, msg, &settings, false);
    }

    fn enqueue(&mut self, now_ms: u64, msg: Message, settings: &LinkSettings, duplicate: bool) {
        let spread = settings.delay_max_ms.saturating_sub(settings.delay_min_ms);
        let delay = settings.delay_min_ms + if spread > 0 { self.rng.below(spread + 1) } else { 0 };
        let reorder = settings.reorder_rate > 0.0 && self.chance(settings.reorder_rate);
        let link_key = (msg.from, msg.to);
        let link = self.links.get_or_default(link_key);
        let mut deliver_ms = now_ms + delay;
        if !reorder {
            deliver_ms = deliver_ms.max(link.last_deliver_ms);
            link.last_deliver_ms = deliver_ms;
        }
        let id = self.next_id;
        self.next_id += 1;
        let flight = InFlight { id, msg, sent_ms: now_ms, deliver_ms, duplicate };
        let rec = flight.record();
        link.queue.insert((deliver_ms, id), Box::new(flight));
        self.due.insert((deliver_ms, id), link_key);
        self.push_record(rec);
    }

    fn chance(&mut self, p: f64) -> bool {
        // 53 random bits as a fraction in [0, 1): IEEE arithmetic, so the
        // same on every platform.
        let x = (self.rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        x < p
    }

    fn record(&mut self, msg: &Message, sent_ms: u64, deliver_ms: u64, duplicate: bool, fate: Fate) {
        let id = self.next_id;
        self.next_id += 1;
        self.push_record(MessageRecord {
            id,
            from: msg.from,
            to: msg.to,
            msg_type: msg.msg_type,
            term: msg.term,
            index: msg.index,
            entries: msg.entries.len(),
            sent_ms,
            deliver_ms,
            duplicate,
            fate,
        });
    }

    fn push_record(&mut self, rec: MessageRecord) {
        if self.log_capacity == 0 {
            return;
        }
        if self.log.len() == self.log_capacity {
            self.log.pop_front();
        }
        self.log.push_back(rec);
    }

    fn set_fate(&mut self, id: u64, fate: Fate) {
        if let Ok(i) = self.log.binary_search_by_key(&id, |r| r.id) {
            self.log[i].fate = fate;
        }
    }

    /// When the next message is due, if any is on the wire.
    pub fn next_delivery_ms(&self) -> Option<u64> {
        self.due.keys().next().map(|k| k.0)
    }

    /// Takes the next due message off the wire: `Ok` to deliver, or `Err`
    /// if its link is blocked by now (it is dropped, and recorded so).
    pub fn pop_next(&mut self) -> Option<Result<InFlight, InFlight>> {
        // The earliest (deliver_ms, id) on any link: ids are unique, so
        // this is the same order as taking the earliest link's head.
        let (key, link_key) = self.due.pop_first()?;
        let link = self.links.get_mut(&link_key).expect("an indexed message's link exists");
        let flight = link.queue.remove(&key).expect("an indexed message is queued");
        let flight = *flight;
        if self.is_blocked(link_key.0, link_key.1) {
            self.drop_in_flight(flight.id, DropReason::Partition);
            return Some(Err(flight));
        }
        self.stats.delivered += 1;
        self.set_fate(flight.id, Fate::Delivered);
        Some(Ok(flight))
    }

    /// Records that an in-flight message taken off the wire was dropped
    /// (its target was stopped).
    pub fn drop_in_flight(&mut self, id: u64, reason: DropReason) {
        if reason == DropReason::TargetDown {
            // Counted as delivered by `pop_next`; correct the counters.
            self.stats.delivered -= 1;
        }
        self.stats.dropped += 1;
        self.set_fate(id, Fate::Dropped(reason));
    }

    /// Messages on the wire, in delivery order per link.
    pub fn in_flight(&self) -> impl Iterator<Item = &InFlight> {
        self.links.values().flat_map(|l| l.queue.values().map(|f| &**f))
    }

    /// Number of messages on the wire.
    pub fn in_flight_len(&self) -> usize {
        self.due.len()
    }

    /// The most recent message records, oldest first.
    pub fn records(&self) -> impl Iterator<Item = &MessageRecord> {
        self.log.iter()
    }

    /// Counters since the start.
    pub fn stats(&self) -> NetworkStats {
        self.stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(from: u64, to: u64, index: u64) -> Message {
        Message { index, ..Message::new(MessageType::MsgApp, from, to) }
    }

    fn drain(net: &mut Network) -> Vec<(u64, u64)> {
        std::iter::from_fn(|| net.pop_next())
            .filter_map(Result::ok)
            .map(|f| (f.deliver_ms, f.msg.index))
            .collect()
    }

    #[test]
    fn links_are_fifo_without_reordering() {
        let s = LinkSettings { delay_min_ms: 1, delay_max_ms: 50, ..LinkSettings::default() };
        let mut net = Network::new(3, s, 100);
        for i in 0..20 {
            net.send(i, msg(1, 2, i));
        }
        let got = drain(&mut net);
        let idx: Vec<u64> = got.iter().map(|g| g.1).collect();
        assert_eq!(idx, (0..20).collect::<Vec<_>>());
        assert!(got.windows(2).all(|w| w[0].0 <= w[1].0));
    }

    #[test]
    fn reordering_breaks_fifo_sometimes() {
        let s =
            LinkSettings { delay_min_ms: 1, delay_max_ms: 50, reorder_rate: 1.0, ..LinkSettings::default() };
        let mut net = Network::new(3, s, 100);
        for i in 0..20 {
            net.send(0, msg(1, 2, i));
        }
        let idx: Vec<u64> = drain(&mut net).iter().map(|g| g.1).collect();
        assert_ne!(idx, (0..20).collect::<Vec<_>>());
    }

    #[test]
    fn partitions_drop_both_ways_and_one_way_drops_one() {
        let mut net = Network::new(1, LinkSettings::instant(), 100);
        net.partition(&[vec![1], vec![2, 3]]);
        net.send(0, msg(1, 2, 1));
        net.send(0, msg(3, 1, 2));
        net.send(0, msg(2, 3, 3));
        assert_eq!(drain(&mut net), vec![(0, 3)]);
        net.heal();
        net.block_one_way(1, 2);
        net.send(0, msg(1, 2, 4));
        net.send(0, msg(2, 1, 5));
        assert_eq!(drain(&mut net), vec![(0, 5)]);
        let fates: Vec<Fate> = net.records().map(|r| r.fate).collect();
        assert_eq!(fates.iter().filter(|f| **f == Fate::Dropped(DropReason::Partition)).count(), 3);
    }

    #[test]
    fn a_partition_drops_messages_already_in_flight() {
        let mut net =
            Network::new(1, LinkSettings { delay_min_ms: 10, delay_max_ms: 10, ..Default::default() }, 10);
        net.send(0, msg(1, 2, 1));
        net.isolate(2, &[1, 2, 3]);
        assert_eq!(net.pop_next().map(|r| r.unwrap_err().deliver_ms), Some(10));
        assert_eq!(net.stats().dropped, 1);
    }

    #[test]
    fn loss_and_duplication_follow_their_rates_and_the_seed() {
        let s = LinkSettings { drop_rate: 0.3, duplicate_rate: 0.2, ..LinkSettings::default() };
        let run = |seed| {
            let mut net = Network::new(seed, s.clone(), 0);
            for i in 0..1000 {
                net.send(i, msg(1, 2, i));
            }
            let got = drain(&mut net);
            (got, net.stats())
        };
        let (a, stats) = run(9);
        assert_eq!(run(9).0, a);
        assert!((250..350).contains(&stats.dropped), "{stats:?}");
        assert!((100..200).contains(&stats.duplicated), "{stats:?}");
        assert_eq!(stats.delivered as usize, a.len());
    }
}
