//! Small stand-ins for std helpers whose generic code would otherwise be
//! compiled once per call site into the web app's wasm.
//!
//! std's stable sort (driftsort) is about 4.5 KB of wasm, and every distinct
//! `sort_by`/`sort_by_key` closure instantiates all of it again: thirty call
//! sites cost over 130 KB. The sorts here order a list of indices with one
//! comparator type, `&dyn Fn(usize, usize) -> Ordering`, so the whole
//! program carries a single copy of the sort; only the small permutation
//! step is generic. The result is exactly std's: the sort is stable, and
//! elements that compare equal keep their order.
//!
//! ```text
//! v = [c, a, b, a']        sort_by(|x, y| x.letter.cmp(&y.letter))
//! perm = [1, 3, 2, 0]      the indices of v in sorted order (stable: 1 before 3)
//! v = [a, a', b, c]        v[i] = old v[perm[i]], applied by swapping along cycles
//! ```
//!
//! Each distinct `BTreeMap<K, V>` or `BTreeSet<T>` likewise compiles std's
//! whole B-tree again, 3 to 6 KB per type: fifty of them cost 188 KB.
//! [`VecMap`] and [`VecSet`] keep their items in a sorted `Vec` behind one
//! shared, non-generic binary search, for a few hundred bytes per type, at
//! the price of O(n) inserts and removes: they are for the maps that stay
//! small by nature (members, tabs, flags, users). A map that grows with
//! the user's data or the load stays a `BTreeMap`.
#![deny(missing_docs)]

pub mod vec_map;
pub mod vec_set;

use std::cmp::Ordering;

pub use vec_map::VecMap;
pub use vec_set::VecSet;

/// FNV-1a's offset basis: the usual seed of [`fnv1a`].
pub const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a over `bytes` from state `seed` ([`FNV_OFFSET`] to start): a
/// stable digest for names and IDs that must read the same on every run
/// and every platform (std's hashers are seeded per process).
pub fn fnv1a(seed: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(seed, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

/// Sorts `v` stably with `cmp`, as `<[T]>::sort_by` does.
pub fn sort_by<T>(v: &mut [T], cmp: impl Fn(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let perm = sorted_indices(v.len(), &|a, b| cmp(&v[a], &v[b]));
    permute(v, perm);
}

/// Sorts `v` stably by the key `f` returns, as `<[T]>::sort_by_key` does
/// (the key is computed again at each comparison, as there).
pub fn sort_by_key<T, K: Ord>(v: &mut [T], f: impl Fn(&T) -> K) {
    sort_by(v, |a, b| f(a).cmp(&f(b)));
}

/// Sorts `v` stably in its natural order, as `<[T]>::sort` does.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// The indices `0..n` ordered stably by `cmp`: the one instantiation of
/// std's sort that every sort here goes through.
#[inline(never)]
fn sorted_indices(n: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_by(|&a, &b| cmp(a, b));
    idx
}

/// Rearranges `v` so that `v[i]` becomes the old `v[perm[i]]`, walking each
/// cycle of the permutation once with swaps.
fn permute<T>(v: &mut [T], mut perm: Vec<usize>) {
    for start in 0..perm.len() {
        let mut j = start;
        loop {
            let k = perm[j];
            perm[j] = j;
            if k == start {
                break;
            }
            v.swap(j, k);
            j = k;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn stable_like_std() {
        let mut v = vec![(3, 'a'), (1, 'b'), (3, 'c'), (0, 'd'), (1, 'e')];
        let mut want = v.clone();
        want.sort_by_key(|p| p.0);
        sort_by_key(&mut v, |p| p.0);
        assert_eq!(v, want);
    }

    proptest! {
        #[test]
        fn matches_std_sort_by(v in proptest::collection::vec((0u8..8, any::<u16>()), 0..200)) {
            let mut want = v.clone();
            want.sort_by_key(|a| std::cmp::Reverse(a.0));
            let mut got = v.clone();
            sort_by(&mut got, |a, b| b.0.cmp(&a.0));
            prop_assert_eq!(got, want);
        }

        #[test]
        fn matches_std_sort(v in proptest::collection::vec(any::<i32>(), 0..200)) {
            let mut want = v.clone();
            want.sort();
            let mut got = v;
            sort(&mut got);
            prop_assert_eq!(got, want);
        }
    }
}
