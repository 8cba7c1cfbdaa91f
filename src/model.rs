//! What the stage draws, computed from the simulator: members on a ring,
//! messages on their way, cut links and the quorum. Plain data, no signals,
//! no browser API.
//!
//! ```text
//!   member i of n at angle -90° + i·360°/n on a circle of radius 150
//!   message: t = (view - sent) / max(deliver - sent, visible_ms)
//!            drawn at a + t·(b - a), where a and b are the points where the
//!            line between the two members leaves their timer rings
//!            (MEMBER_EDGE from each centre); dropped: fades where it was lost
//! ```

use raft::{MessageType, StateRole};
use sim::{DropReason, Fate, Sim};

/// Centre of the ring in the SVG's coordinates (viewBox 0 0 440 440).
pub const CENTRE: f64 = 220.0;
/// Radius of the ring.
pub const RADIUS: f64 = 150.0;
/// Distance from a member's centre to the outside of its election-timer
/// ring (radius 36, stroke 4): messages start and end there.
pub const MEMBER_EDGE: f64 = 40.0;

/// A member's role, as drawn (colour, shape and label).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Leads the term.
    Leader,
    /// Follows.
    Follower,
    /// Asks for pre-votes.
    PreCandidate,
    /// Campaigns.
    Candidate,
    /// Non-voting learner.
    Learner,
    /// Crashed or stopped.
    Stopped,
}

impl Role {
    /// The `data-role` value and CSS class.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Leader => "leader",
            Role::Follower => "follower",
            Role::PreCandidate => "precandidate",
            Role::Candidate => "candidate",
            Role::Learner => "learner",
            Role::Stopped => "stopped",
        }
    }

    /// The label under the member.
    pub fn label(self) -> &'static str {
        match self {
            Role::Leader => "leader",
            Role::Follower => "follower",
            Role::PreCandidate => "pre-candidate",
            Role::Candidate => "candidate",
            Role::Learner => "learner",
            Role::Stopped => "stopped",
        }
    }
}

/// One member as drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberView {
    /// Simulator id.
    pub id: u64,
    /// N of `etcd-N`.
    pub number: u64,
    /// `etcd-N`.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Raft term (0 when stopped).
    pub term: u64,
    /// Election timer, 0..1 (leaders and stopped members: none).
    pub timer: Option<f64>,
    /// Position.
    pub x: f64,
    /// Position.
    pub y: f64,
    /// Commit index.
    pub commit: u64,
    /// Last log index.
    pub last_index: u64,
    /// Store revision.
    pub revision: i64,
    /// Its disk's fault, in words: `disk full`, `slow disk`, or empty.
    pub disk: &'static str,
}

/// A message on its way (or fading where it was lost).
#[derive(Clone, Debug, PartialEq)]
pub struct MessageView {
    /// Record id.
    pub id: u64,
    /// The drawing slot it keeps for its whole flight (id modulo the pool).
    pub slot: usize,
    /// Short label (`App`, `HB`, `Vote`...).
    pub label: &'static str,
    /// CSS class by type.
    pub class: &'static str,
    /// Position.
    pub x: f64,
    /// Position.
    pub y: f64,
    /// Opacity (a dropped message fades).
    pub opacity: f64,
    /// Lost on the way.
    pub dropped: bool,
    /// Where the label sits relative to the dot, on the dot's own side of
    /// the link (a request and its response crossing keep their labels
    /// apart): offset and `text-anchor`.
    pub label_at: (f64, f64, &'static str),
    /// The label is drawn: only the newest message of each direction of a
    /// link is labelled, and only where its label overlaps no other label
    /// and no member (the rest show their label on hover, in the title).
    pub labelled: bool,
    /// The tooltip: `etcd-1 → etcd-2 MsgApp term 3, 1 entry after index 5`.
    pub title: String,
    /// Sender and target ids.
    pub from_to: (u64, u64),
}

/// A line between two members.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkView {
    /// Key: (smaller id, larger id).
    pub key: (u64, u64),
    /// Ends.
    pub x1: f64,
    /// Ends.
    pub y1: f64,
    /// Ends.
    pub x2: f64,
    /// Ends.
    pub y2: f64,
    /// Blocked in at least one direction.
    pub cut: bool,
}

/// The quorum banner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuorumView {
    /// Voting members.
    pub voters: usize,
    /// Voters running.
    pub up: usize,
    /// Majority of the voters.
    pub quorum: usize,
    /// Voters running and able to reach each other, at most.
    pub reachable: usize,
    /// Voters added with `member add` whose member was never started.
    pub unstarted: usize,
    /// Writes can commit.
    pub ok: bool,
    /// The leader's name, if any.
    pub leader: Option<String>,
    /// The running voters by who reaches whom both ways, in member order:
    /// one group while the network is whole, one per side of a partition.
    pub groups: Vec<GroupView>,
    /// Numbers (N of `etcd-N`) of the members that are not running.
    pub stopped: Vec<u64>,
}

/// Running voters that all reach one another: one side of a partition.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupView {
    /// Their numbers (N of `etcd-N`), ascending.
    pub numbers: Vec<u64>,
    /// The member of the group that believes it leads (a leader cut off
    /// from its quorum goes on believing so until check-quorum steps it
    /// down).
    pub leader: Option<u64>,
    /// The group holds a majority of the voters.
    pub has_quorum: bool,
}

impl GroupView {
    /// `etcd-1, etcd-2`.
    pub fn names(&self) -> String {
        self.numbers.iter().map(|n| format!("etcd-{n}")).collect::<Vec<_>>().join(", ")
    }
}

/// Everything the stage draws at one instant.
#[derive(Clone, Debug, PartialEq)]
pub struct StageModel {
    /// Shown virtual time (ms).
    pub now_ms: u64,
    /// Members, by id.
    pub members: Vec<MemberView>,
    /// Messages in sight.
    pub messages: Vec<MessageView>,
    /// Links between members.
    pub links: Vec<LinkView>,
    /// The quorum.
    pub quorum: QuorumView,
}

impl Default for StageModel {
    fn default() -> Self {
        StageModel {
            now_ms: 0,
            members: Vec::new(),
            messages: Vec::new(),
            links: Vec::new(),
            quorum: QuorumView {
                voters: 0,
                up: 0,
                quorum: 1,
                reachable: 0,
                unstarted: 0,
                ok: false,
                leader: None,
                groups: Vec::new(),
                stopped: Vec::new(),
            },
        }
    }
}

/// Label and CSS class of a raft message type.
pub fn message_kind(t: MessageType) -> (&'static str, &'static str) {
    use MessageType as M;
    match t {
        M::MsgApp => ("App", "m-app"),
        M::MsgAppResp => ("AppResp", "m-appresp"),
        M::MsgHeartbeat => ("HB", "m-hb"),
        M::MsgHeartbeatResp => ("HBResp", "m-hbresp"),
        M::MsgPreVote => ("PreVote", "m-prevote"),
        M::MsgPreVoteResp => ("PreVoteResp", "m-prevoteresp"),
        M::MsgVote => ("Vote", "m-vote"),
        M::MsgVoteResp => ("VoteResp", "m-voteresp"),
        M::MsgSnap => ("Snap", "m-snap"),
        M::MsgReadIndex => ("ReadIndex", "m-read"),
        M::MsgReadIndexResp => ("ReadIndexResp", "m-read"),
        M::MsgTimeoutNow => ("TimeoutNow", "m-timeout"),
        M::MsgProp => ("Prop", "m-prop"),
        M::MsgTransferLeader => ("Transfer", "m-timeout"),
        _ => ("Msg", "m-other"),
    }
}

/// Where member `i` of `n` sits.
pub fn ring_position(i: usize, n: usize) -> (f64, f64) {
    let a = -std::f64::consts::FRAC_PI_2 + (i as f64) * std::f64::consts::TAU / (n.max(1) as f64);
    let (cos, sin) = cos_sin(a);
    (CENTRE + RADIUS * cos, CENTRE + RADIUS * sin)
}

/// The cosine and sine of `a`. In wasm they come from JavaScript's `Math`
/// (a language builtin, not a browser API): Rust's own would add
/// compiler-builtins' libm argument reduction, about 5 KB, to the page.
#[cfg(target_arch = "wasm32")]
fn cos_sin(a: f64) -> (f64, f64) {
    (js_sys::Math::cos(a), js_sys::Math::sin(a))
}

/// The cosine and sine of `a`.
#[cfg(not(target_arch = "wasm32"))]
fn cos_sin(a: f64) -> (f64, f64) {
    (a.cos(), a.sin())
}

/// Virtual ms a message takes on screen at least: 300 ms of wall time at
/// `speed`, capped below a tick so heartbeats do not pile up.
pub fn visible_ms(speed: f64) -> f64 {
    (300.0 * speed).clamp(2.0, 90.0)
}

/// The stage at `view_ms` of `sim`, drawn at `speed`, with normal text.
pub fn stage(sim: &Sim, view_ms: u64, speed: f64) -> StageModel {
    stage_with(sim, view_ms, speed, 1.0)
}

/// The stage at `view_ms` of `sim`, drawn at `speed`, with message labels
/// `text_scale` times their normal size (the larger-text mode).
pub fn stage_with(sim: &Sim, view_ms: u64, speed: f64, text_scale: f64) -> StageModel {
    // By member number, clockwise from the top: etcd-1 where the page's
    // static shell (index.html) draws it, and an added member at the end.
    let mut ids = sim.member_ids();
    slim::sort_by_key(&mut ids, |id| sim.node(*id).map(|n| n.number));
    let n = ids.len();
    let tick_ms = sim.options().tick_ms.max(1) as f64;
    let sub_tick = (view_ms as f64 - sim.now_ms() as f64).max(0.0).min(tick_ms) / tick_ms;
    let mut members = Vec::with_capacity(n);
    let mut voters: Vec<u64> = Vec::new();
    for (i, &id) in ids.iter().enumerate() {
        let Some(node) = sim.node(id) else { continue };
        let (x, y) = ring_position(i, n);
        let mut view = MemberView {
            id,
            number: node.number,
            name: node.config.name.clone(),
            role: Role::Stopped,
            term: 0,
            timer: None,
            x,
            y,
            commit: 0,
            last_index: 0,
            revision: 0,
            disk: if sim.disk(id).is_some_and(server::Disk::is_full) {
                "disk full"
            } else if node.slow_disk_ms > 0 {
                "slow disk"
            } else {
                ""
            },
        };
        if let Some(m) = sim.member(id) {
            let raft = m.raft().raft();
            view.term = raft.term;
            view.commit = raft.raft_log.committed;
            view.last_index = raft.raft_log.last_index();
            view.revision = m.store().current_revision();
            view.role = match raft.state {
                _ if raft.is_learner => Role::Learner,
                StateRole::Leader => Role::Leader,
                StateRole::Follower => Role::Follower,
                StateRole::PreCandidate => Role::PreCandidate,
                StateRole::Candidate => Role::Candidate,
            };
            if view.role != Role::Leader && view.role != Role::Learner && raft.randomized_election_timeout > 0
            {
                let t = (raft.election_elapsed as f64 + sub_tick) / raft.randomized_election_timeout as f64;
                view.timer = Some(t.clamp(0.0, 1.0));
            }
            if voters.is_empty() {
                voters = raft.trk.voter_nodes();
            }
        }
        members.push(view);
    }
    if voters.is_empty() {
        voters = ids.clone();
    }
    let pos = |id: u64| members.iter().find(|m| m.id == id).map(|m| (m.x, m.y));
    let mut links = Vec::new();
    for (i, &a) in ids.iter().enumerate() {
        for &b in &ids[i + 1..] {
            if let (Some((x1, y1)), Some((x2, y2))) = (pos(a), pos(b)) {
                let net = sim.network();
                let cut = net.is_blocked(a, b) || net.is_blocked(b, a);
                links.push(LinkView { key: (a, b), x1, y1, x2, y2, cut });
            }
        }
    }
    let mut messages = messages(sim, view_ms, speed, &pos);
    place_labels(&mut messages, &members, text_scale);
    let mut quorum = quorum(sim, &voters, &members);
    quorum.unstarted = voters.iter().filter(|v| !ids.contains(v)).count();
    StageModel { now_ms: view_ms, members, messages, links, quorum }
}

fn messages(
    sim: &Sim,
    view_ms: u64,
    speed: f64,
    pos: &dyn Fn(u64) -> Option<(f64, f64)>,
) -> Vec<MessageView> {
    let vis = visible_ms(speed);
    let fade = (500.0 * speed).clamp(5.0, 400.0);
    let now = view_ms as f64;
    let horizon = now - vis.max(fade) - 10.0;
    let pool = crate::components::cluster::message::POOL;
    let mut taken = vec![false; pool];
    let mut out = Vec::new();
    for r in sim.network().records() {
        let slot = (r.id % pool as u64) as usize;
        if taken[slot] {
            continue;
        }
        let sent = r.sent_ms as f64;
        if sent < horizon || sent > now {
            continue;
        }
        let (Some((x1, y1)), Some((x2, y2))) = (pos(r.from), pos(r.to)) else { continue };
        let flight = (r.deliver_ms as f64 - sent).max(vis);
        let (label, class) = message_kind(r.msg_type);
        let name = |id: u64| sim.node(id).map_or_else(|| format!("{id:x}"), |n| n.config.name.clone());
        let (t, opacity, dropped) = match r.fate {
            Fate::Dropped(reason) => {
                let (at, lost_ms) = match reason {
                    DropReason::TargetDown => (0.85, sent + flight * 0.85),
                    DropReason::Partition | DropReason::Loss => (0.45, sent + flight * 0.45),
                };
                if now < lost_ms {
                    (((now - sent) / flight).clamp(0.0, 1.0), 1.0, false)
                } else {
                    let o = 1.0 - (now - lost_ms) / fade;
                    if o <= 0.0 {
                        continue;
                    }
                    (at, o, true)
                }
            }
            _ => {
                let t = (now - sent) / flight;
                if t >= 1.0 {
                    continue;
                }
                (t.max(0.0), 1.0, false)
            }
        };
        // Requests and responses travel side by side, a little apart, from
        // the edge of one member's timer ring to the edge of the other's, so
        // a message never covers a member's number.
        let (dx, dy) = (x2 - x1, y2 - y1);
        let len = (dx * dx + dy * dy).sqrt().max(1.0);
        let (ux, uy) = (dx / len, dy / len);
        let edge = MEMBER_EDGE.min(len / 3.0);
        let (sx, sy) = (x1 + ux * edge, y1 + uy * edge);
        let span = len - 2.0 * edge;
        let side = if r.from < r.to { 5.0 } else { -5.0 };
        let (ox, oy) = (-uy * side, ux * side);
        taken[slot] = true;
        out.push(MessageView {
            id: r.id,
            slot,
            label,
            class,
            x: sx + ux * span * t + ox,
            y: sy + uy * span * t + oy,
            opacity: (opacity * 100.0).round() / 100.0,
            dropped,
            label_at: label_offset(-uy * side.signum(), ux * side.signum()),
            labelled: false,
            title: message_title(r, &name(r.from), &name(r.to), dropped),
            from_to: (r.from, r.to),
        });
    }
    out
}

/// What a message's tooltip says.
fn message_title(r: &sim::MessageRecord, from: &str, to: &str, dropped: bool) -> String {
    use MessageType as M;
    let what = match r.msg_type {
        M::MsgApp if r.entries == 0 => format!(", no entries, commit known after index {}", r.index),
        M::MsgApp => format!(
            ", {} {} after index {}",
            r.entries,
            if r.entries == 1 { "entry" } else { "entries" },
            r.index
        ),
        M::MsgAppResp => format!(", matched up to index {}", r.index),
        M::MsgVote | M::MsgPreVote => format!(", last log index {}", r.index),
        _ => String::new(),
    };
    let lost = if dropped { " (lost)" } else { "" };
    format!("{from} → {to} {:?} term {}{what}{lost}", r.msg_type, r.term)
}

/// A label's box: left, top, right, bottom.
type LabelBox = (f64, f64, f64, f64);

fn overlaps(a: LabelBox, b: LabelBox) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// The box a message's label covers, for labels of `scale` × 11 px mono.
pub fn label_box(m: &MessageView, scale: f64) -> LabelBox {
    let (dx, dy, anchor) = m.label_at;
    let (w, h) = (m.label.len() as f64 * 6.6 * scale, 11.0 * scale);
    let x = m.x + dx * scale;
    let y = m.y + dy * scale;
    let left = match anchor {
        "start" => x,
        "end" => x - w,
        _ => x - w / 2.0,
    };
    (left - 1.0, y - h * 0.8, left + w + 1.0, y + h * 0.25)
}

/// The boxes a member covers: its shape and timer ring, and its name and
/// role under it.
pub fn member_boxes(m: &MemberView, scale: f64) -> [LabelBox; 2] {
    let half = 13.0 * 6.0 * scale;
    [
        (m.x - 42.0, m.y - 42.0, m.x + 42.0, m.y + 42.0),
        (m.x - half, m.y + 40.0, m.x + half, m.y + 40.0 + 30.0 * scale),
    ]
}

/// Chooses which labels are drawn: newest first, one per direction of a
/// link, each only where it overlaps no member and no label drawn before.
fn place_labels(messages: &mut [MessageView], members: &[MemberView], scale: f64) {
    let mut order: Vec<usize> = (0..messages.len()).collect();
    slim::sort_by_key(&mut order, |&i| std::cmp::Reverse(messages[i].id));
    let blocked: Vec<LabelBox> = members.iter().flat_map(|m| member_boxes(m, scale)).collect();
    let mut placed: Vec<LabelBox> = Vec::new();
    let mut directions: Vec<(u64, u64)> = Vec::new();
    for i in order {
        let m = &messages[i];
        if m.dropped || directions.contains(&m.from_to) {
            continue;
        }
        directions.push(m.from_to);
        let b = label_box(m, scale);
        if blocked.iter().chain(&placed).any(|o| overlaps(b, *o)) {
            continue;
        }
        placed.push(b);
        messages[i].labelled = true;
    }
}

/// The label's offset from its dot and its anchor, for a dot pushed off
/// its link towards the unit vector (px, py): the label goes further that
/// way, so it never lies across the link or the message coming back.
fn label_offset(px: f64, py: f64) -> (f64, f64, &'static str) {
    if px.abs() > 0.5 {
        let (x, anchor) = if px > 0.0 { (8.0, "start") } else { (-8.0, "end") };
        (x, 3.0 + py * 6.0, anchor)
    } else if py > 0.0 {
        (0.0, 15.0, "middle")
    } else {
        (0.0, -8.0, "middle")
    }
}

fn quorum(sim: &Sim, voters: &[u64], members: &[MemberView]) -> QuorumView {
    let running: Vec<u64> = voters.iter().copied().filter(|v| sim.member(*v).is_some()).collect();
    let quorum = voters.len() / 2 + 1;
    let number = |id: u64| members.iter().find(|m| m.id == id).map_or(0, |m| m.number);
    // The largest group of running voters that all reach each other both
    // ways; `members` is in member order, so the groups are too.
    let net = sim.network();
    let mut groups = Vec::new();
    let mut seen: Vec<u64> = Vec::new();
    for m in members {
        let a = m.id;
        if !running.contains(&a) || seen.contains(&a) {
            continue;
        }
        let group: Vec<u64> = running
            .iter()
            .copied()
            .filter(|&b| !seen.contains(&b))
            .filter(|&b| a == b || (!net.is_blocked(a, b) && !net.is_blocked(b, a)))
            .collect();
        seen.extend(&group);
        let mut numbers: Vec<u64> = group.iter().map(|&id| number(id)).collect();
        slim::sort_by_key(&mut numbers, |n| *n);
        let leader =
            members.iter().find(|m| m.role == Role::Leader && group.contains(&m.id)).map(|m| m.number);
        groups.push(GroupView { has_quorum: group.len() >= quorum, numbers, leader });
    }
    let best = groups.iter().map(|g| g.numbers.len()).max().unwrap_or(0);
    let leader = groups
        .iter()
        .find(|g| g.has_quorum)
        .and_then(|g| g.leader)
        .or_else(|| groups.iter().find_map(|g| g.leader))
        .map(|n| format!("etcd-{n}"));
    let stopped = members.iter().filter(|m| m.role == Role::Stopped).map(|m| m.number).collect();
    QuorumView {
        voters: voters.len(),
        up: running.len(),
        quorum,
        reachable: best,
        unstarted: 0,
        ok: best >= quorum,
        leader,
        groups,
        stopped,
    }
}

/// Members, majority and failures tolerated for 1..=7 members (etcd's table).
pub fn quorum_table() -> Vec<(usize, usize, usize)> {
    (1..=7).map(|n| (n, n / 2 + 1, n - (n / 2 + 1))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn the_ring_and_the_table() {
        let (x, y) = ring_position(0, 3);
        assert!((x - CENTRE).abs() < 1e-9 && (y - (CENTRE - RADIUS)).abs() < 1e-9);
        assert_eq!(quorum_table()[4], (5, 3, 2));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn labels_sit_on_their_own_side_of_the_link() {
        // A horizontal link: one direction above, the other below.
        assert_eq!(label_offset(0.0, -1.0), (0.0, -8.0, "middle"));
        assert_eq!(label_offset(0.0, 1.0), (0.0, 15.0, "middle"));
        // A vertical link: one to the right, the other to the left.
        assert_eq!(label_offset(1.0, 0.0).2, "start");
        assert_eq!(label_offset(-1.0, 0.0).2, "end");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn labels_never_overlap_each_other_or_a_member_through_elections() {
        for seed in 1..=4 {
            let mut sim = Sim::new(seed, sim::SimOptions::default());
            let mut labelled = 0;
            for step in 0..400 {
                if step == 150
                    && let Some(l) = sim.leader()
                {
                    let _ = sim.apply(sim::Fault::Stop { member: l });
                }
                sim.run_for(10);
                for scale in [1.0, 1.5] {
                    let m = stage_with(&sim, sim.now_ms(), 1.0, scale);
                    let boxes: Vec<LabelBox> =
                        m.messages.iter().filter(|x| x.labelled).map(|x| label_box(x, scale)).collect();
                    labelled += boxes.len();
                    for (i, a) in boxes.iter().enumerate() {
                        for b in &boxes[i + 1..] {
                            assert!(!overlaps(*a, *b), "seed {seed} step {step}: {a:?} {b:?}");
                        }
                        for member in &m.members {
                            for mb in member_boxes(member, scale) {
                                assert!(
                                    !overlaps(*a, mb),
                                    "seed {seed} step {step}: {a:?} on {}",
                                    member.name
                                );
                            }
                        }
                    }
                    let mut dirs: Vec<(u64, u64)> =
                        m.messages.iter().filter(|x| x.labelled).map(|x| x.from_to).collect();
                    let n = dirs.len();
                    slim::sort_by_key(&mut dirs, |d| *d);
                    dirs.dedup();
                    assert_eq!(dirs.len(), n, "one label per direction of a link");
                }
            }
            assert!(labelled > 100, "seed {seed}: labels are still drawn ({labelled})");
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_fresh_cluster_elects_a_leader_and_has_quorum() {
        let mut sim = Sim::new(3, sim::SimOptions::default());
        sim.run_for(3000);
        let m = stage(&sim, sim.now_ms(), 1.0);
        assert_eq!(m.members.len(), 3);
        assert_eq!(m.members.iter().filter(|m| m.role == Role::Leader).count(), 1);
        assert!(m.quorum.ok);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn members_go_round_the_ring_by_number_from_etcd_1_at_the_top() {
        // Member IDs are random: the drawing must not follow their order.
        for seed in 1..=6 {
            let sim = Sim::new(seed, sim::SimOptions::default());
            let m = stage(&sim, sim.now_ms(), 1.0);
            assert_eq!(m.members.iter().map(|m| m.number).collect::<Vec<_>>(), [1, 2, 3], "seed {seed}");
            for (i, member) in m.members.iter().enumerate() {
                assert_eq!((member.x, member.y), ring_position(i, 3), "seed {seed}");
            }
        }
    }
}
