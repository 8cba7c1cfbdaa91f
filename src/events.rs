//! The simulator's events as the page's sentences, members by name
//! (`etcd-2`), never by their hex IDs, wherever the page lists events: the
//! timeline and the member inspector's recent events. Plain data, no
//! signals, no browser API.
//!
//! ```text
//!   Member { member: 8e9e05c52164694d, VoteGranted { to: 91bc3c398fb3c146, term: 2 } }
//!     -> "etcd-1 grants its vote to etcd-2 (term 2)"           class ev-vote
//!   Fault(Partition { groups: [[8e9e..], [91bc.., fd42..]] })
//!     -> "fault: partition [etcd-1] [etcd-2 etcd-3]"           class ev-fault
//! ```
//!
//! A member the cluster no longer knows (removed) keeps its hex ID.

use server::MemberEventKind as K;
use sim::faults::Fault;
use sim::{EventRecord, SimEvent};

use crate::engine::Engine;

/// Member IDs to names.
pub type Names = slim::VecMap<u64, String>;

/// The names of every member `e`'s cluster knows.
pub fn names(e: &Engine) -> Names {
    let sim = e.sim();
    sim.member_ids().iter().filter_map(|id| sim.node(*id).map(|n| (*id, n.config.name.clone()))).collect()
}

/// One event, as the page lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct EventRow {
    /// Sequence number (the key).
    pub seq: u64,
    /// Virtual time (ms).
    pub at_ms: u64,
    /// The member it is about, if any.
    pub member: Option<u64>,
    /// The sentence.
    pub text: String,
    /// CSS class by kind.
    pub class: &'static str,
}

impl EventRow {
    /// When it happened, as the page lists it (`12.345 s`).
    pub fn when(&self) -> String {
        format!("{:.3} s", self.at_ms as f64 / 1000.0)
    }
}

/// Member `id`'s name, else its hex ID.
pub fn name(names: &Names, id: u64) -> String {
    names.get(&id).cloned().unwrap_or_else(|| format!("{id:x}"))
}

/// `text` with every word that is a known member's hex ID replaced by
/// its name (raft's `voters=(8e9e05c52164694d 91bc3c398fb3c146)` reads
/// `voters=(etcd-1 etcd-2)`).
pub fn with_names(text: &str, names: &Names) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        match u64::from_str_radix(word, 16).ok().and_then(|id| names.get(&id)) {
            Some(name) if !word.is_empty() => out.push_str(name),
            _ => out.push_str(word),
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// The event `r` as a sentence, with member names for IDs.
pub fn describe(r: &EventRecord, names: &Names) -> EventRow {
    let n = |id: u64| name(names, id);
    let (member, text, class) = match &r.event {
        SimEvent::Member(e) => {
            let (text, class) = member_event(&n(e.member), &e.kind, &n);
            (Some(e.member), text, class)
        }
        SimEvent::Fault(f) => {
            // Mending and growing the cluster are not faults: they read (and
            // are coloured) as good news.
            let (prefix, class) = match f {
                Fault::Join { .. } | Fault::Start { .. } | Fault::Heal => ("", "ev-start"),
                _ => ("fault: ", "ev-fault"),
            };
            (None, format!("{prefix}{}", fault(f, &n)), class)
        }
        SimEvent::Stopped { member } => (
            Some(*member),
            format!("{} stopped: its memory is lost, its disk is kept", n(*member)),
            "ev-fault",
        ),
        SimEvent::Started { member } => {
            (Some(*member), format!("{}'s process started", n(*member)), "ev-start")
        }
        SimEvent::Request { id, endpoint, what } => {
            (Some(*endpoint), format!("client request {id} to {}: {what}", n(*endpoint)), "ev-client")
        }
        SimEvent::Response { id, outcome } => {
            (None, format!("request {id} answered: {outcome}"), "ev-client")
        }
    };
    EventRow { seq: r.seq, at_ms: r.at_ms, member, text, class }
}

/// A member's own event: the sentence and its class.
fn member_event(who: &str, kind: &K, n: &dyn Fn(u64) -> String) -> (String, &'static str) {
    match kind {
        // One wording for a pre-vote: for the term it would start (its own
        // term does not move until the real election).
        K::ElectionTimerFired { term } => {
            (format!("{who}'s election timer fired (term {term})"), "ev-election")
        }
        K::PreVoteStarted { term } => {
            (format!("{who} asks for pre-votes for term {} (its term stays {term})", term + 1), "ev-election")
        }
        K::ElectionStarted { term } => (format!("{who} starts an election for term {term}"), "ev-election"),
        K::VoteGranted { to, term, pre_vote } => (
            format!(
                "{who} grants its {} to {} (term {term})",
                if *pre_vote { "pre-vote" } else { "vote" },
                n(*to)
            ),
            "ev-vote",
        ),
        K::BecameLeader { term } => (format!("{who} becomes leader of term {term}"), "ev-leader"),
        K::BecameFollower { term, leader } if *leader != 0 => {
            (format!("{who} follows {} (term {term})", n(*leader)), "ev-follow")
        }
        K::BecameFollower { term, .. } => (format!("{who} becomes a follower (term {term})"), "ev-follow"),
        K::LeaderChanged { term, leader: 0 } => (format!("{who} has no leader (term {term})"), "ev-follow"),
        K::LeaderChanged { term, leader } => {
            (format!("{who} learns that {} leads term {term}", n(*leader)), "ev-follow")
        }
        K::EntryCommitted { index } => (format!("{who} commits entry {index}"), "ev-commit"),
        K::Applied { index } => (format!("{who} applies up to entry {index}"), "ev-commit"),
        K::SnapshotSent { to, index } => (format!("{who} sends snapshot {index} to {}", n(*to)), "ev-other"),
        K::AlarmRaised { member_id, alarm } => {
            (format!("{who}: alarm {alarm} raised for {}", n(*member_id)), "ev-fault")
        }
        K::AlarmCleared { member_id, alarm } => {
            (format!("{who}: alarm {alarm} cleared for {}", n(*member_id)), "ev-start")
        }
        K::MembershipChanged { what, id } => (format!("{who}: membership: {what} {}", n(*id)), "ev-other"),
        // The rest name no other member.
        other => (format!("{who}: {}", sim::events::describe_member_event(other)), "ev-other"),
    }
}

/// What the last step did, in words: `0.512 s: etcd-2 → etcd-3 MsgVote
/// term 3`, `1.2 s: a tick, every running member's clock moved on`; how
/// many steps it took when more than one, and the newest event it caused
/// after a dash.
///
/// ```text
///   3 steps to 1.523 s: etcd-2 → etcd-1 MsgPreVote term 2 — etcd-1 grants its pre-vote to etcd-2 (term 3)
/// ```
pub fn step_caption(e: &Engine, last: &crate::engine::LastStep) -> String {
    let names = names(e);
    let n = |id: u64| name(&names, id);
    let what = match &last.step {
        None => "nothing left to do".to_string(),
        Some(sim::Step::Tick { at_ms }) => {
            format!("{}: a tick, every running member's clock moved on", seconds(*at_ms))
        }
        Some(sim::Step::Message { at_ms, id, from, to, msg_type, delivered }) => {
            let term = e.sim().network().records().find(|r| r.id == *id).map(|r| r.term);
            format!(
                "{}: {} → {} {msg_type:?}{}{}",
                seconds(*at_ms),
                n(*from),
                n(*to),
                term.map(|t| format!(" term {t}")).unwrap_or_default(),
                if *delivered { "" } else { ", lost" }
            )
        }
        Some(sim::Step::Deadline { at_ms, request }) => {
            format!("{}: request {request}'s deadline passed", seconds(*at_ms))
        }
        Some(sim::Step::Released { at_ms, member }) => {
            format!("{}: {}'s slow disk let its output go", seconds(*at_ms), n(*member))
        }
    };
    let what = if last.count > 1 { format!("{} steps to {what}", last.count) } else { what };
    let caused = e.sim().events().since(last.events_before).filter(|r| !is_routine(e, r)).last();
    match caused {
        Some(r) => format!("{what} — {}", describe(r, &names).text),
        None => what,
    }
}

/// Virtual milliseconds as the caption shows them (`1.523 s`).
fn seconds(ms: u64) -> String {
    format!("{:.3} s", ms as f64 / 1000.0)
}

/// A fault (or repair) in a few words, members by name (the simulator's
/// own wording, [`Fault::describe`]).
fn fault(f: &Fault, n: &dyn Fn(u64) -> String) -> String {
    match f {
        // The joining member's name already says who it is.
        Fault::Join { name, .. } => format!("join {name}"),
        _ => f.describe(n),
    }
}

/// Commits and applies (one per member for every write), and the
/// requests of the cluster's own clients (the kubeadm node's apiserver
/// watches and renews all the time): hidden unless asked for. The
/// requests the user's lines sent, and their answers, are not: they are
/// the write a lecture demonstrates.
pub fn is_routine(e: &Engine, r: &EventRecord) -> bool {
    match &r.event {
        SimEvent::Member(m) => matches!(m.kind, K::EntryCommitted { .. } | K::Applied { .. }),
        SimEvent::Request { id, .. } | SimEvent::Response { id, .. } => !e.is_user_request(*id),
        _ => false,
    }
}

/// Whether `r` is about member `id` (the inspector's recent events): its
/// own transitions, its process, a fault aimed at it or a request sent to it.
pub fn concerns(r: &EventRecord, id: u64) -> bool {
    match &r.event {
        SimEvent::Member(m) => m.member == id,
        SimEvent::Stopped { member } | SimEvent::Started { member } => *member == id,
        SimEvent::Fault(f) => match f {
            Fault::Stop { member }
            | Fault::Start { member }
            | Fault::Restart { member }
            | Fault::Isolate { member }
            | Fault::SlowDisk { member, .. }
            | Fault::DiskFull { member, .. }
            | Fault::Quota { member, .. }
            | Fault::Campaign { member }
            | Fault::Join { member, .. } => *member == id,
            Fault::OneWay { from, to } | Fault::LinkSettings { from, to, .. } => *from == id || *to == id,
            Fault::Partition { .. } | Fault::Heal | Fault::NetworkSettings(_) => false,
        },
        SimEvent::Request { .. } | SimEvent::Response { .. } => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn record(event: SimEvent) -> EventRecord {
        EventRecord { seq: 1, at_ms: 1500, event }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn events_name_members_not_their_ids() {
        let names: Names = [(0xa1, "etcd-1".to_string()), (0xb2, "etcd-2".to_string())].into();
        let vote = record(SimEvent::Member(server::MemberEvent {
            member: 0xa1,
            kind: K::VoteGranted { to: 0xb2, term: 2, pre_vote: false },
        }));
        assert_eq!(describe(&vote, &names).text, "etcd-1 grants its vote to etcd-2 (term 2)");
        let sent = record(SimEvent::Member(server::MemberEvent {
            member: 0xa1,
            kind: K::SnapshotSent { to: 0xb2, index: 9 },
        }));
        assert_eq!(describe(&sent, &names).text, "etcd-1 sends snapshot 9 to etcd-2");
        let cut = record(SimEvent::Fault(Fault::Partition { groups: vec![vec![0xa1], vec![0xb2, 0xc3]] }));
        let row = describe(&cut, &names);
        assert_eq!(row.text, "fault: partition [etcd-1] [etcd-2 c3]");
        assert_eq!(row.class, "ev-fault");
        let join =
            record(SimEvent::Fault(Fault::Join { member: 0xc3, name: "etcd-3".into(), peer_urls: vec![] }));
        assert_eq!(describe(&join, &names).text, "join etcd-3");
        assert!(concerns(&record(SimEvent::Fault(Fault::Isolate { member: 0xb2 })), 0xb2));
        assert!(!concerns(&cut, 0xb2));
        assert_eq!(
            with_names("voters=(a1 b2)&&(a1) learners=(c3)", &names),
            "voters=(etcd-1 etcd-2)&&(etcd-1) learners=(c3)"
        );
        assert_eq!(with_names("a1b2 xa1 a1", &names), "a1b2 xa1 etcd-1");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_live_clusters_events_read_with_names() {
        let mut e = Engine::new(21, 3);
        for _ in 0..40 {
            e.frame(100.0);
        }
        let names = names(&e);
        let texts: Vec<String> = e.sim().events().records().map(|r| describe(r, &names).text).collect();
        assert!(texts.iter().any(|t| t.contains("becomes leader")), "{texts:?}");
        for id in names.keys() {
            let hex = format!("{id:x}");
            assert!(texts.iter().all(|t| !t.contains(&hex)), "{hex} in {texts:?}");
        }
    }
}
