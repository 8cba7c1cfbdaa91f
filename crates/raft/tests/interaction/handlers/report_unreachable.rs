//! `report-unreachable FROM TO`: node FROM learns TO was unreachable.

use crate::env::InteractionEnv;
use datadriven::TestCase;

pub fn handle(env: &mut InteractionEnv, tc: &TestCase) {
    let ids = tc.ids();
    let (from, to) = (ids[0], ids[1]);
    env.with(from, |r| r.report_unreachable(to));
}
