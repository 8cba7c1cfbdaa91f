//! Membership data: the configuration (`ConfState`) and the changes to it
//! (`ConfChange` for single changes, `ConfChangeV2` for joint consensus), with
//! their entry encoding and etcd's compact text form (`v2 l3 r1`).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::message::{Entry, EntryType};

/// The membership as of some log index.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ConfState {
    /// Voters of the incoming (or only) majority.
    pub voters: Vec<u64>,
    /// Non-voting members.
    pub learners: Vec<u64>,
    /// Voters of the outgoing majority while in a joint configuration.
    pub voters_outgoing: Vec<u64>,
    /// Voters that become learners when the joint configuration is left.
    pub learners_next: Vec<u64>,
    /// Leave the joint configuration automatically once it is applied.
    pub auto_leave: bool,
}

impl ConfState {
    /// A simple configuration with these voters.
    pub fn from_voters(voters: impl IntoIterator<Item = u64>) -> Self {
        ConfState { voters: voters.into_iter().collect(), ..Default::default() }
    }

    /// Compares two states ignoring the order of ids.
    pub fn equivalent(&self, other: &ConfState) -> bool {
        fn s(v: &[u64]) -> Vec<u64> {
            let mut v = v.to_vec();
            slim::sort(&mut v);
            v
        }
        s(&self.voters) == s(&other.voters)
            && s(&self.learners) == s(&other.learners)
            && s(&self.voters_outgoing) == s(&other.voters_outgoing)
            && s(&self.learners_next) == s(&other.learners_next)
            && self.auto_leave == other.auto_leave
    }
}

impl std::fmt::Display for ConfState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        fn l(v: &[u64]) -> String {
            v.iter().map(|x| format!("{x:x}")).collect::<Vec<_>>().join(" ")
        }
        write!(
            f,
            "Voters:[{}] VotersOutgoing:[{}] Learners:[{}] LearnersNext:[{}] AutoLeave:{}",
            l(&self.voters),
            l(&self.voters_outgoing),
            l(&self.learners),
            l(&self.learners_next),
            self.auto_leave
        )
    }
}

/// What a single change does to one node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ConfChangeType {
    /// Add a voter, or promote a learner.
    #[default]
    AddNode,
    /// Remove a node.
    RemoveNode,
    /// No membership effect (context update only).
    UpdateNode,
    /// Add a learner, or demote a voter.
    AddLearnerNode,
}

/// How a `ConfChangeV2` uses joint consensus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ConfChangeTransition {
    /// Joint consensus only when needed (more than one voter changes), then
    /// leave automatically.
    #[default]
    Auto,
    /// Always joint; leave automatically.
    JointImplicit,
    /// Always joint; the application proposes the empty change to leave.
    JointExplicit,
}

/// A single-node change (etcd server's `ConfChange`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ConfChange {
    /// What to do.
    pub change_type: ConfChangeType,
    /// To whom.
    pub node_id: u64,
    /// Opaque application data (etcd puts the member's URLs here).
    pub context: Vec<u8>,
}

/// One step of a `ConfChangeV2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ConfChangeSingle {
    /// What to do.
    pub change_type: ConfChangeType,
    /// To whom.
    pub node_id: u64,
}

/// A change of several nodes at once, possibly through a joint configuration.
/// An empty `ConfChangeV2` leaves the current joint configuration.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ConfChangeV2 {
    /// Joint-consensus policy.
    pub transition: ConfChangeTransition,
    /// The changes, applied in order.
    pub changes: Vec<ConfChangeSingle>,
    /// Opaque application data.
    pub context: Vec<u8>,
}

impl ConfChangeV2 {
    /// `Some(auto_leave)` when this change enters a joint configuration.
    pub fn enter_joint(&self) -> Option<bool> {
        if self.transition != ConfChangeTransition::Auto || self.changes.len() > 1 {
            let auto_leave = match self.transition {
                ConfChangeTransition::Auto | ConfChangeTransition::JointImplicit => true,
                ConfChangeTransition::JointExplicit => false,
            };
            return Some(auto_leave);
        }
        None
    }

    /// True for the empty change that leaves a joint configuration.
    pub fn leave_joint(&self) -> bool {
        self.changes.is_empty() && self.transition == ConfChangeTransition::Auto && self.context.is_empty()
    }
}

impl std::fmt::Display for ConfChangeV2 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&changes_to_string(&self.changes))
    }
}

/// Either kind of configuration change, as proposed and applied.
pub trait ConfChangeI {
    /// The change in V2 form.
    fn as_v2(&self) -> ConfChangeV2;
    /// The change as a log entry (type and encoded data).
    fn to_entry(&self) -> Entry;
}

impl ConfChangeI for ConfChange {
    fn as_v2(&self) -> ConfChangeV2 {
        ConfChangeV2 {
            transition: ConfChangeTransition::Auto,
            changes: vec![ConfChangeSingle { change_type: self.change_type, node_id: self.node_id }],
            context: self.context.clone(),
        }
    }
    fn to_entry(&self) -> Entry {
        Entry { entry_type: EntryType::EntryConfChange, data: encode(self).into(), ..Default::default() }
    }
}

impl ConfChangeI for ConfChangeV2 {
    fn as_v2(&self) -> ConfChangeV2 {
        self.clone()
    }
    fn to_entry(&self) -> Entry {
        // The empty change encodes as no bytes, so it is never refused by
        // the uncommitted-size limit (etcd relies on the same property).
        let data = if *self == ConfChangeV2::default() { Vec::new() } else { encode(self) };
        Entry { entry_type: EntryType::EntryConfChangeV2, data: data.into(), ..Default::default() }
    }
}

fn encode<T: wire::Encode>(v: &T) -> Vec<u8> {
    wire::to_vec(v)
}

// The entry forms, in the `wire` encoding.
wire::tagged!(ConfChangeType { 0 => AddNode, 1 => RemoveNode, 2 => UpdateNode, 3 => AddLearnerNode });
wire::tagged!(ConfChangeTransition { 0 => Auto, 1 => JointImplicit, 2 => JointExplicit });
wire::record!(ConfChange { change_type, node_id, context });
wire::record!(ConfChangeSingle { change_type, node_id });
wire::record!(ConfChangeV2 { transition, changes, context });

/// Decodes the configuration change held by a conf-change entry, as V2.
/// Normal entries and undecodable data are errors.
pub fn decode_conf_change(entry: &Entry) -> Result<ConfChangeV2> {
    let bad = |e: wire::Error| Error::ConfChangeInvalid(format!("invalid conf change entry: {e}"));
    match entry.entry_type {
        EntryType::EntryNormal => Err(Error::ConfChangeInvalid("not a conf change entry".into())),
        EntryType::EntryConfChange => {
            if entry.data.is_empty() {
                return Ok(ConfChange::default().as_v2());
            }
            wire::from_slice::<ConfChange>(&entry.data).map(|c| c.as_v2()).map_err(bad)
        }
        EntryType::EntryConfChangeV2 => {
            if entry.data.is_empty() {
                return Ok(ConfChangeV2::default());
            }
            wire::from_slice::<ConfChangeV2>(&entry.data).map_err(bad)
        }
    }
}

/// Decodes a V1 conf-change entry exactly (for applications that use V1).
pub fn decode_conf_change_v1(entry: &Entry) -> Result<ConfChange> {
    wire::from_slice::<ConfChange>(&entry.data)
        .map_err(|e| Error::ConfChangeInvalid(format!("invalid conf change entry: {e}")))
}

/// Renders changes as etcd does: `v1` add voter, `l1` add learner, `r1`
/// remove, `u1` update, separated by spaces.
pub fn changes_to_string(ccs: &[ConfChangeSingle]) -> String {
    ccs.iter()
        .map(|c| {
            let p = match c.change_type {
                ConfChangeType::AddNode => 'v',
                ConfChangeType::AddLearnerNode => 'l',
                ConfChangeType::RemoveNode => 'r',
                ConfChangeType::UpdateNode => 'u',
            };
            format!("{p}{}", c.node_id)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Parses the text form produced by [`changes_to_string`].
pub fn changes_from_string(s: &str) -> Result<Vec<ConfChangeSingle>> {
    let mut out = Vec::new();
    for tok in s.split_whitespace() {
        let (p, id) = tok.split_at(1);
        let change_type = match p {
            "v" => ConfChangeType::AddNode,
            "l" => ConfChangeType::AddLearnerNode,
            "r" => ConfChangeType::RemoveNode,
            "u" => ConfChangeType::UpdateNode,
            _ => return Err(Error::ConfChangeInvalid(format!("unknown input: {tok}"))),
        };
        let node_id = id.parse::<u64>().map_err(|e| Error::ConfChangeInvalid(format!("{tok}: {e}")))?;
        out.push(ConfChangeSingle { change_type, node_id });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trip() {
        let ccs = changes_from_string("v1 l2 r3 u4").unwrap();
        assert_eq!(changes_to_string(&ccs), "v1 l2 r3 u4");
        assert!(changes_from_string("x1").is_err());
        assert!(changes_from_string("vx").is_err());
    }

    #[test]
    fn entry_round_trip() {
        let cc =
            ConfChange { change_type: ConfChangeType::AddLearnerNode, node_id: 4, context: b"u".to_vec() };
        let e = cc.to_entry();
        assert_eq!(decode_conf_change_v1(&e).unwrap(), cc);
        assert_eq!(decode_conf_change(&e).unwrap(), cc.as_v2());
        let leave = ConfChangeV2::default().to_entry();
        assert!(leave.data.is_empty());
        assert!(decode_conf_change(&leave).unwrap().leave_joint());
        let junk = Entry {
            entry_type: EntryType::EntryConfChangeV2,
            data: b"{".to_vec().into(),
            ..Default::default()
        };
        assert!(decode_conf_change(&junk).is_err());
    }

    proptest::proptest! {
        #[test]
        fn entries_round_trip(
            changes in proptest::collection::vec((0..4usize, proptest::prelude::any::<u64>()), 0..5),
            transition in 0..3usize,
            context in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..16),
        ) {
            use ConfChangeType::*;
            let changes: Vec<ConfChangeSingle> = changes
                .into_iter()
                .map(|(t, node_id)| ConfChangeSingle {
                    change_type: [AddNode, RemoveNode, UpdateNode, AddLearnerNode][t],
                    node_id,
                })
                .collect();
            let transition = [
                ConfChangeTransition::Auto,
                ConfChangeTransition::JointImplicit,
                ConfChangeTransition::JointExplicit,
            ][transition];
            let v2 = ConfChangeV2 { transition, changes: changes.clone(), context: context.clone() };
            proptest::prop_assert_eq!(decode_conf_change(&v2.to_entry()), Ok(v2));
            if let Some(c) = changes.first() {
                let v1 = ConfChange { change_type: c.change_type, node_id: c.node_id, context };
                let e = v1.to_entry();
                proptest::prop_assert_eq!(decode_conf_change_v1(&e), Ok(v1.clone()));
                for cut in 0..e.data.len() {
                    let short = Entry { data: e.data[..cut].to_vec().into(), ..e.clone() };
                    proptest::prop_assert!(decode_conf_change_v1(&short).is_err());
                }
            }
        }

        #[test]
        fn garbage_entries_are_errors(data in proptest::collection::vec(proptest::prelude::any::<u8>(), 1..64)) {
            for entry_type in [EntryType::EntryConfChange, EntryType::EntryConfChangeV2] {
                let _ = decode_conf_change(&Entry { entry_type, data: data.clone().into(), ..Default::default() });
            }
        }
    }

    #[test]
    fn joint_policy() {
        let one = ConfChangeV2 { changes: changes_from_string("v2").unwrap(), ..Default::default() };
        assert_eq!(one.enter_joint(), None);
        let two = ConfChangeV2 { changes: changes_from_string("v2 v3").unwrap(), ..Default::default() };
        assert_eq!(two.enter_joint(), Some(true));
        let explicit = ConfChangeV2 { transition: ConfChangeTransition::JointExplicit, ..one };
        assert_eq!(explicit.enter_joint(), Some(false));
    }
}
