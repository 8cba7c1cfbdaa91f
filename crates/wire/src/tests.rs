//! Round trips against the values themselves, the worked bytes of the
//! format, and garbage: truncated, corrupted or random input is an error,
//! never a panic.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use proptest::prelude::*;

use super::*;

#[derive(Clone, Debug, PartialEq)]
struct Rec {
    key: Vec<u8>,
    name: String,
    n: i64,
    flags: Vec<bool>,
    kids: Vec<Node>,
}
record!(Rec { key, name, n, flags, kids });

#[derive(Clone, Debug, PartialEq)]
enum Node {
    Leaf,
    Pair(u64, Option<String>),
    Tree { rec: Box<Rec> },
}

// A recursive type, written by hand around a boxed record.
impl Encode for Box<Rec> {
    fn encode(&self, out: &mut Vec<u8>) {
        (**self).encode(out);
    }
}
impl Decode for Box<Rec> {
    fn decode(r: &mut Reader<'_>) -> Result<Self> {
        Rec::decode(r).map(Box::new)
    }
}
tagged!(Node { 0 => Leaf, 1 => Pair(a, b), 2 => Tree { rec } });

fn node() -> impl Strategy<Value = Node> {
    let leaf = prop_oneof![
        Just(Node::Leaf),
        (any::<u64>(), proptest::option::of(".{0,8}")).prop_map(|(a, b)| Node::Pair(a, b)),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        (
            proptest::collection::vec(any::<u8>(), 0..8),
            ".{0,6}",
            any::<i64>(),
            proptest::collection::vec(any::<bool>(), 0..4),
            proptest::collection::vec(inner, 0..4),
        )
            .prop_map(|(key, name, n, flags, kids)| Node::Tree {
                rec: Box::new(Rec { key, name, n, flags, kids }),
            })
    })
}

#[test]
fn worked_bytes() {
    assert_eq!(to_vec(&0u64), [0]);
    assert_eq!(to_vec(&127u64), [0x7f]);
    assert_eq!(to_vec(&300u64), [0xac, 0x02]);
    assert_eq!(to_vec(&u64::MAX), [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    assert_eq!(to_vec(&0i64), [0]);
    assert_eq!(to_vec(&-1i64), [1]);
    assert_eq!(to_vec(&1i64), [2]);
    assert_eq!(to_vec(&i64::MIN).len(), 10);
    assert_eq!(to_vec(&true), [1]);
    assert_eq!(to_vec("ab"), [2, b'a', b'b']);
    assert_eq!(to_vec(&vec![1u8, 2]), [2, 1, 2]);
    assert_eq!(to_vec(&vec![300u64]), [1, 0xac, 0x02]);
    assert_eq!(to_vec(&Some(5u64)), [1, 5]);
    assert_eq!(to_vec(&None::<u64>), [0]);
    assert_eq!(to_vec(&Node::Pair(1, None)), [1, 1, 0]);
}

#[test]
fn malformed_input_is_an_error() {
    let err = |b: &[u8]| from_slice::<u64>(b).unwrap_err().what;
    assert_eq!(err(&[]), "truncated");
    assert_eq!(err(&[0x80]), "truncated");
    assert_eq!(err(&[0xff; 10]), "varint overflows 64 bits");
    assert_eq!(err(&[1, 2]), "trailing bytes");
    assert_eq!(from_slice::<bool>(&[2]).unwrap_err().what, "bad bool");
    assert_eq!(from_slice::<String>(&[1, 0xff]).unwrap_err().what, "invalid UTF-8");
    assert_eq!(from_slice::<Vec<u8>>(&[5, 1]).unwrap_err().what, "count exceeds the input");
    assert_eq!(from_slice::<u32>(&to_vec(&(1u64 << 40))).unwrap_err().what, "integer out of range");
    assert_eq!(from_slice::<Node>(&[7]).unwrap_err().what, "unknown tag");
    assert_eq!(from_slice::<Option<u8>>(&[2, 0]).unwrap_err().what, "bad option tag");
    // A huge announced count with little behind it reserves nothing.
    assert!(from_slice::<Vec<Vec<u8>>>(&[0xff, 0xff, 0xff, 0xff, 0x0f]).is_err());
}

#[test]
fn deep_nesting_is_refused_not_a_stack_overflow() {
    // Tree { rec: { key: [], name: "", n: 0, flags: [], kids: [Tree {...}] } }
    let level = [2u8, 0, 0, 0, 0, 1];
    let mut deep: Vec<u8> = level.iter().copied().cycle().take(level.len() * 100_000).collect();
    deep.extend_from_slice(&[0]);
    let e = from_slice::<Node>(&deep).unwrap_err();
    assert_eq!(e.what, "nested too deeply");
    let mut ok: Vec<u8> = level.iter().copied().cycle().take(level.len() * 50).collect();
    ok.push(0);
    assert!(from_slice::<Node>(&ok).is_ok());
}

proptest! {
    #[test]
    fn integers_round_trip(a: u64, b: i64, c: u32, d: i32, e: u8, f: bool, g: usize) {
        let v = (a, b, (c, d), (e, f, g));
        prop_assert_eq!(from_slice::<(u64, i64, (u32, i32), (u8, bool, usize))>(&to_vec(&v)), Ok(v));
    }

    #[test]
    fn collections_round_trip(
        bytes in proptest::collection::vec(any::<u8>(), 0..64),
        strings in proptest::collection::vec(".{0,12}", 0..6),
        map in proptest::collection::btree_map(".{0,4}", any::<i64>(), 0..6),
        set in proptest::collection::btree_set(any::<u64>(), 0..6),
        opt in proptest::option::of(any::<i64>()),
    ) {
        let deque: VecDeque<u64> = set.iter().copied().collect();
        let v = (bytes, strings, (map, set, deque), opt);
        let back = from_slice::<(Vec<u8>, Vec<String>, (BTreeMap<String, i64>, BTreeSet<u64>, VecDeque<u64>), Option<i64>)>(&to_vec(&v));
        prop_assert_eq!(back, Ok(v));
    }

    #[test]
    fn vec_map_and_set_are_btree_bytes(
        map in proptest::collection::btree_map(".{0,4}", any::<i64>(), 0..6),
        set in proptest::collection::btree_set(any::<u64>(), 0..6),
        junk in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let vm: slim::VecMap<String, i64> = map.clone().into_iter().collect();
        let vs: slim::VecSet<u64> = set.iter().copied().collect();
        prop_assert_eq!(to_vec(&vm), to_vec(&map));
        prop_assert_eq!(to_vec(&vs), to_vec(&set));
        // Whatever bytes come, both read the same: repeated keys keep the
        // last value, and the same inputs are refused.
        let a = from_slice::<BTreeMap<u8, u8>>(&junk).map(|m| m.into_iter().collect::<Vec<_>>());
        let b = from_slice::<slim::VecMap<u8, u8>>(&junk).map(|m| m.into_iter().collect::<Vec<_>>());
        prop_assert_eq!(a, b);
        let a = from_slice::<BTreeSet<u8>>(&junk).map(|s| s.into_iter().collect::<Vec<_>>());
        let b = from_slice::<slim::VecSet<u8>>(&junk).map(|s| s.into_iter().collect::<Vec<_>>());
        prop_assert_eq!(a, b);
    }

    #[test]
    fn records_and_enums_round_trip(n in node()) {
        prop_assert_eq!(from_slice::<Node>(&to_vec(&n)), Ok(n));
    }

    #[test]
    fn every_strict_prefix_is_refused(n in node()) {
        let b = to_vec(&n);
        for cut in 0..b.len() {
            prop_assert!(from_slice::<Node>(&b[..cut]).is_err(), "prefix {cut} of {b:?}");
        }
    }

    #[test]
    fn corrupted_bytes_never_panic(n in node(), at: usize, x: u8) {
        let mut b = to_vec(&n);
        if !b.is_empty() {
            let i = at % b.len();
            b[i] ^= x;
        }
        let _ = from_slice::<Node>(&b);
    }

    #[test]
    fn random_bytes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = from_slice::<Node>(&b);
        let _ = from_slice::<Vec<String>>(&b);
        let _ = from_slice::<BTreeMap<u64, Vec<u8>>>(&b);
        let _ = from_slice::<(i64, Option<bool>, VecDeque<i32>)>(&b);
    }
}
