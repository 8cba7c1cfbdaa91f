//! The porcupine-style search against a brute force over every order of a
//! small history (proptest): both must agree on every history.

use proptest::prelude::*;
use sim::checker::history::{KvOp, KvOutput, ObservedKv, Operation, Outcome};
use sim::checker::linearizability::{KeyState, check_key};

/// Is there an order of `ops` (unknown ones may also be left out) that
/// respects real time and that the model accepts?
fn brute_force(ops: &[Operation]) -> bool {
    fn go(ops: &[Operation], used: &mut Vec<bool>, state: &KeyState) -> bool {
        // Done when every op that must appear (not unknown) is used.
        if ops.iter().zip(used.iter()).all(|(o, &u)| u || o.outcome == Outcome::Unknown) {
            return true;
        }
        for i in 0..ops.len() {
            if used[i] {
                continue;
            }
            // `i` may go next only if no unused op returned before `i` was invoked.
            let blocked =
                (0..ops.len()).any(|j| j != i && !used[j] && ops[j].ret.is_some_and(|r| r < ops[i].invoke));
            if blocked {
                continue;
            }
            if let Some(next) = state.step(&ops[i].op, &ops[i].outcome) {
                used[i] = true;
                if go(ops, used, &next) {
                    return true;
                }
                used[i] = false;
            }
        }
        false
    }
    go(ops, &mut vec![false; ops.len()], &KeyState::default())
}

fn op_strategy() -> impl Strategy<Value = (u8, u8, u8, u8, u64, u64, bool)> {
    (0u8..4, 0u8..3, 0u8..3, 0u8..6, 0u64..12, 1u64..6, any::<bool>())
}

fn build(raw: Vec<(u8, u8, u8, u8, u64, u64, bool)>) -> Vec<Operation> {
    let key = b"k".to_vec();
    raw.into_iter()
        .enumerate()
        .map(|(i, (kind, v, e, rev, invoke, len, unknown))| {
            let value = format!("v{v}").into_bytes();
            let revision = 2 + i64::from(rev);
            let (op, out) = match kind {
                0 => {
                    let kv = (v > 0).then(|| ObservedKv {
                        value: value.clone(),
                        create_revision: 2,
                        mod_revision: revision.min(2 + i64::from(e)),
                        version: i64::from(e) + 1,
                    });
                    (KvOp::Get { key: key.clone() }, KvOutput::Get { kv, revision })
                }
                1 => (KvOp::Put { key: key.clone(), value }, KvOutput::Put { revision }),
                2 => (
                    KvOp::Delete { key: key.clone() },
                    KvOutput::Delete { deleted: i64::from(e % 2), revision },
                ),
                _ => (
                    KvOp::Cas {
                        key: key.clone(),
                        expected: (e > 0).then(|| format!("v{e}").into_bytes()),
                        value,
                    },
                    KvOutput::Cas { succeeded: v % 2 == 0, revision },
                ),
            };
            let unknown = unknown && !op.is_read();
            Operation {
                request: i as u64,
                op,
                invoke: invoke * 2,
                ret: (!unknown).then_some(invoke * 2 + len * 2 + 1),
                outcome: if unknown { Outcome::Unknown } else { Outcome::Ok(out) },
            }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]
    #[test]
    fn search_agrees_with_brute_force(raw in prop::collection::vec(op_strategy(), 1..7)) {
        let ops = build(raw);
        prop_assert_eq!(check_key(&ops, 10_000_000), Some(brute_force(&ops)), "{:#?}", ops);
    }
}

#[test]
fn both_find_simple_histories_linearizable() {
    let ops = build(vec![(1, 1, 0, 0, 0, 1, false), (0, 1, 0, 0, 5, 1, false)]);
    assert!(brute_force(&ops));
    assert_eq!(check_key(&ops, 1_000), Some(true));
}

#[test]
fn the_generator_makes_both_kinds_of_history() {
    let mut rng = raft::Rng::new(42);
    let mut yes = 0;
    let n = 3_000;
    for _ in 0..n {
        let len = 1 + rng.below(6) as usize;
        let raw: Vec<_> = (0..len)
            .map(|_| {
                (
                    rng.below(4) as u8,
                    rng.below(3) as u8,
                    rng.below(3) as u8,
                    rng.below(6) as u8,
                    rng.below(12),
                    1 + rng.below(5),
                    rng.chance(1, 2),
                )
            })
            .collect();
        let ops = build(raw);
        let truth = brute_force(&ops);
        assert_eq!(check_key(&ops, 10_000_000), Some(truth), "{ops:#?}");
        yes += usize::from(truth);
    }
    assert!(yes > n / 20 && yes < n - n / 20, "{yes} of {n} linearizable");
}
