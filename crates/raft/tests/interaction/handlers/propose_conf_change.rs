//! `propose-conf-change ID [v1=true] [transition=auto|implicit|explicit]`
//! with the changes on the next line (`v2 l3 r1`): proposes a membership
//! change on node ID.

use raft::{ConfChange, ConfChangeTransition, ConfChangeV2, changes_from_string};

use crate::env::InteractionEnv;
use datadriven::TestCase;

pub fn handle(env: &mut InteractionEnv, tc: &TestCase) {
    let id = tc.ids()[0];
    let changes = changes_from_string(&tc.input.join(" ")).expect("changes");
    let res = if tc.get_bool("v1").unwrap_or(false) {
        assert_eq!(changes.len(), 1, "v1 conf change takes exactly one change");
        let cc = ConfChange {
            change_type: changes[0].change_type,
            node_id: changes[0].node_id,
            context: Vec::new(),
        };
        env.with(id, |r| r.propose_conf_change(&cc))
    } else {
        let transition = match tc.get("transition").map(|v| v[0].as_str()) {
            None | Some("auto") => ConfChangeTransition::Auto,
            Some("implicit") => ConfChangeTransition::JointImplicit,
            Some("explicit") => ConfChangeTransition::JointExplicit,
            Some(other) => panic!("unknown transition {other}"),
        };
        let cc = ConfChangeV2 { transition, changes, context: Vec::new() };
        env.with(id, |r| r.propose_conf_change(&cc))
    };
    if let Err(e) = res {
        env.line(&e.to_string());
    }
}
