//! Time travel (`ctl::history`): after a jump to any moment of any branch,
//! the whole state (cluster, kube, files, tabs, transcripts) hashes the
//! same as a run that went straight to that moment; forks keep the old
//! future; step back lands one simulator step earlier.

use ctl::ConsoleOptions;
use ctl::history::terminal::{Act, Terminal};
use ctl::history::{History, Machine, Options, replay};
use proptest::prelude::*;

fn base() -> Terminal {
    Terminal::new(7, ConsoleOptions::bare_etcd())
}

fn line(tab: usize, text: &str) -> Act {
    Act::Line { tab, text: text.to_string() }
}

/// What a session does next.
#[derive(Clone, Debug)]
enum Op {
    /// Time runs on by this many grid steps.
    Run(u64),
    /// A line typed in tab 0 or 1.
    Type(usize, &'static str),
    /// Ctrl+C.
    Interrupt(usize),
    /// One simulator step.
    Step,
    /// Back to a moment: this fraction (per mille) of the way from the start.
    Jump(u64),
    /// Another branch.
    Switch(usize),
    /// One step back.
    StepBack,
}

const LINES: &[&str] = &[
    "etcdctl put a 1",
    "etcdctl put b 2",
    "etcdctl get a",
    "etcdctl get --prefix ''",
    "etcdctl del b",
    "cluster stop etcd-1",
    "cluster stop etcd-2",
    "cluster start etcd-1",
    "cluster start etcd-2",
    "etcdctl watch a",
    "etcdctl lease grant 5",
    "echo hi > /tmp/f; cat /tmp/f",
    "export X=1",
    "etcdctl endpoint status -w table",
];

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (1u64..200).prop_map(Op::Run),
        4 => (0usize..2, proptest::sample::select(LINES)).prop_map(|(t, l)| Op::Type(t, l)),
        1 => (0usize..2).prop_map(Op::Interrupt),
        1 => Just(Op::Step),
        2 => (0u64..1000).prop_map(Op::Jump),
        1 => (0usize..4).prop_map(Op::Switch),
        1 => Just(Op::StepBack),
    ]
}

fn play(h: &mut History<Terminal>, ops: &[Op]) {
    for op in ops {
        match op {
            Op::Run(n) => h.advance_to(h.now_ms() + n * 10),
            Op::Type(t, l) => h.input(line(*t, l)),
            Op::Interrupt(t) => h.input(Act::Interrupt { tab: *t }),
            Op::Step => h.step(),
            Op::Jump(f) => {
                let (s, e) = (h.start_ms(), h.end_ms());
                h.jump(s + (e - s) * f / 1000);
            }
            Op::Switch(b) => {
                h.switch(*b % h.branches().len());
            }
            Op::StepBack => {
                h.step_back();
            }
        }
    }
}

/// The state at `t_ms` of branch `b`, run straight from the start.
fn straight(start: &Terminal, h: &History<Terminal>, b: usize, t_ms: u64) -> Terminal {
    let mut m = start.clone();
    replay(&mut m, h.branch_inputs(b).unwrap(), t_ms);
    m
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn a_jump_gives_the_state_of_a_run_straight_to_that_moment(
        ops in proptest::collection::vec(op(), 1..25),
        targets in proptest::collection::vec(0u64..=1000, 1..4),
        every in prop_oneof![Just(100u64), Just(500), Just(2_000)],
        budget_kib in prop_oneof![Just(1u64), Just(4_000), Just(1 << 20)],
    ) {
        let start = base();
        let opts = Options { every_ms: every, budget_bytes: budget_kib << 10, grid_ms: 10 };
        let mut h = History::new(start.clone(), opts);
        play(&mut h, &ops);
        h.advance_to(h.now_ms() + 300);
        for b in 0..h.branches().len() {
            h.switch(b);
            for f in &targets {
                let (s, e) = (h.start_ms(), h.end_ms());
                let t = s + (e - s) * f / 1000;
                h.jump(t);
                let want_t = if t >= e { e } else { (t / 10 * 10).max(s) };
                let direct = straight(&start, &h, b, want_t);
                // A step at the moment itself leaves the clock where it took it.
                prop_assert!(h.now_ms() >= want_t);
                prop_assert_eq!(h.now_ms(), direct.now_ms());
                prop_assert_eq!(h.state().state_hash(), direct.state_hash(), "branch {} at {} ms", b, want_t);
                prop_assert_eq!(h.state().transcript(0), direct.transcript(0));
            }
        }
        // Over the budget only when each branch is down to its start and its newest.
        prop_assert!(h.checkpoint_bytes() <= budget_kib << 10 || h.checkpoint_count() <= 1 + h.branches().len());
    }
}

#[test]
fn the_past_comes_back_and_acting_there_forks_a_branch() {
    let mut h = History::new(base(), Options { every_ms: 500, ..Options::default() });
    h.input(line(0, "etcdctl put k before"));
    h.advance_to(h.now_ms() + 1_000);
    let before_stop = h.now_ms();
    h.input(line(0, "cluster stop etcd-2"));
    h.advance_to(h.now_ms() + 1_000);
    h.input(line(0, "etcdctl put k after"));
    h.advance_to(h.now_ms() + 1_000);
    h.input(line(0, "etcdctl get k"));
    h.advance_to(h.now_ms() + 1_000);
    let end = h.now_ms();
    let live = h.state().transcript(0);
    assert!(live.ends_with("$ etcdctl get k\nk\nafter\n"), "{live}");
    let stopped = |h: &History<Terminal>, n: u64| {
        let sim = h.state().console().sim();
        !sim.node(sim.member_id(n).unwrap()).unwrap().is_running()
    };
    assert!(stopped(&h, 2));

    // Back before the stop: etcd-2 runs, the transcript is as it was.
    let back = (before_stop - 10) / 10 * 10;
    h.jump(before_stop - 10);
    assert_eq!(h.now_ms(), back, "a moment on the 10 ms grid");
    assert!(h.in_past());
    assert!(!stopped(&h, 2));
    let then = h.state().transcript(0);
    assert!(then.ends_with("$ etcdctl put k before\nOK\n"), "{then}");
    assert!(live.starts_with(&then));

    // Acting there forks: stop etcd-3 instead.
    h.input(line(0, "cluster stop etcd-3"));
    assert_eq!(h.current(), 1);
    assert_eq!(h.branches()[1].forked_from, Some((0, back)));
    h.advance_to(h.now_ms() + 1_000);
    assert!(stopped(&h, 3) && !stopped(&h, 2));

    // The old future is kept.
    assert!(h.switch(0));
    h.jump(end);
    assert_eq!(h.state().transcript(0), live);
    assert!(stopped(&h, 2) && !stopped(&h, 3));
    assert!(!h.in_past());
}

#[test]
fn step_back_is_one_simulator_step_earlier() {
    let mut h = History::new(base(), Options { every_ms: 500, ..Options::default() });
    h.input(line(0, "etcdctl put k v"));
    h.advance_to(h.now_ms() + 1_234);
    let steps = h.state().steps();
    assert!(h.step_back());
    assert_eq!(h.state().steps(), steps - 1);
    assert!(h.step_back());
    assert_eq!(h.state().steps(), steps - 2);
    // Forward again by one step, as far as it was before: the same members' state.
    let transcript = h.state().transcript(0);
    h.step();
    assert_eq!(h.state().steps(), steps - 1);
    assert!(h.in_past());
    assert_eq!(h.state().transcript(0), transcript);
}

#[test]
fn checkpoints_stay_within_their_budget_thinning_the_oldest_first() {
    let probe = base();
    let one = probe.footprint_bytes();
    let mut h = History::new(probe, Options { every_ms: 100, budget_bytes: one * 6, grid_ms: 10 });
    for i in 0..60 {
        h.input(line(0, &format!("etcdctl put k{i} v")));
        h.advance_to(h.now_ms() + 100);
    }
    assert!(h.checkpoint_bytes() <= one * 6 + one / 2, "{} > {}", h.checkpoint_bytes(), one * 6);
    let times = h.checkpoint_times();
    assert_eq!(times[0], h.start_ms(), "the start is kept");
    // Gaps widen towards the past.
    let gaps: Vec<u64> = times.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(gaps.first() >= gaps.last(), "{times:?}");
    // And every moment still comes back exactly.
    let t = (h.start_ms() + 2_000) / 10 * 10;
    h.jump(t);
    assert_eq!(h.now_ms(), t);
    let mut direct = base();
    replay(&mut direct, h.inputs(), t);
    assert_eq!(h.state().state_hash(), direct.state_hash());
}
