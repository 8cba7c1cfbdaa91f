//! `VecSet`: an ordered set kept as a sorted `Vec<T>`, the set beside
//! [`VecMap`](crate::VecMap), for sets that stay small by nature (voters,
//! blocked links, names in one listing). Same reasons and the same
//! trade-off: a few hundred bytes of wasm per item type instead of a
//! B-tree's kilobytes, for O(n) insert and remove.
//!
//! ```text
//! insert(3); insert(1); insert(3)    items [1 3], the second insert(3) is false
//! contains(&2)   search -> Err(1)    false
//! ```

use std::borrow::Borrow;
use std::fmt;
use std::ops::RangeBounds;

use crate::vec_map::{search, span};

/// An ordered set over a sorted vector; see the module documentation.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VecSet<T> {
    items: Vec<T>,
}

impl<T> VecSet<T> {
    /// An empty set (no allocation).
    pub const fn new() -> Self {
        VecSet { items: Vec::new() }
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True with no items.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Removes every item.
    pub fn clear(&mut self) {
        self.items.clear();
    }

    /// Items in order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    /// The items in order, as a slice.
    pub fn as_slice(&self) -> &[T] {
        &self.items
    }

    /// The smallest item.
    pub fn first(&self) -> Option<&T> {
        self.items.first()
    }

    /// The largest item.
    pub fn last(&self) -> Option<&T> {
        self.items.last()
    }

    /// Removes and returns the smallest item.
    pub fn pop_first(&mut self) -> Option<T> {
        if self.items.is_empty() { None } else { Some(self.items.remove(0)) }
    }

    /// Removes and returns the largest item.
    pub fn pop_last(&mut self) -> Option<T> {
        self.items.pop()
    }

    /// Keeps only the items for which `f` returns true.
    pub fn retain(&mut self, f: impl FnMut(&T) -> bool) {
        self.items.retain(f);
    }
}

impl<T: Ord> VecSet<T> {
    /// Where `value` is (`Ok`) or would be inserted (`Err`).
    fn find<Q: Ord + ?Sized>(&self, value: &Q) -> Result<usize, usize>
    where
        T: Borrow<Q>,
    {
        search(self.items.len(), &|i| self.items[i].borrow().cmp(value))
    }

    /// True if `value` is in the set.
    pub fn contains<Q: Ord + ?Sized>(&self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.find(value).is_ok()
    }

    /// The stored item equal to `value`.
    pub fn get<Q: Ord + ?Sized>(&self, value: &Q) -> Option<&T>
    where
        T: Borrow<Q>,
    {
        self.find(value).ok().map(|i| &self.items[i])
    }

    /// Adds `value`; false if it was there already (the stored one is kept).
    pub fn insert(&mut self, value: T) -> bool {
        match self.find(&value) {
            Ok(_) => false,
            Err(i) => {
                self.items.insert(i, value);
                true
            }
        }
    }

    /// Removes `value`; false if it was not there.
    pub fn remove<Q: Ord + ?Sized>(&mut self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.take(value).is_some()
    }

    /// Removes `value` and returns the stored item.
    pub fn take<Q: Ord + ?Sized>(&mut self, value: &Q) -> Option<T>
    where
        T: Borrow<Q>,
    {
        self.find(value).ok().map(|i| self.items.remove(i))
    }

    /// The items in `range`, in order (empty if its start is after its end).
    pub fn range<Q: Ord + ?Sized, R: RangeBounds<Q>>(&self, range: R) -> std::slice::Iter<'_, T>
    where
        T: Borrow<Q>,
    {
        let (lo, hi) = span(self.items.len(), &range, &|v| self.find(v));
        self.items[lo..hi].iter()
    }

    /// True if every item of `self` is in `other`.
    pub fn is_subset(&self, other: &VecSet<T>) -> bool {
        self.items.iter().all(|v| other.contains(v))
    }
}

impl<T> Default for VecSet<T> {
    fn default() -> Self {
        VecSet::new()
    }
}

impl<T: fmt::Debug> fmt::Debug for VecSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl<T: Ord> Extend<T> for VecSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        for v in iter {
            self.insert(v);
        }
    }
}

impl<'a, T: Ord + Copy + 'a> Extend<&'a T> for VecSet<T> {
    fn extend<I: IntoIterator<Item = &'a T>>(&mut self, iter: I) {
        self.extend(iter.into_iter().copied());
    }
}

impl<T: Ord> FromIterator<T> for VecSet<T> {
    /// Built by inserting, not by sorting: already sorted input appends.
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut s = VecSet::new();
        s.extend(iter);
        s
    }
}

impl<T: Ord, const N: usize> From<[T; N]> for VecSet<T> {
    fn from(items: [T; N]) -> Self {
        items.into_iter().collect()
    }
}

impl<T> IntoIterator for VecSet<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a VecSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

#[cfg(feature = "serde")]
mod serde_impls {
    //! Serialized as a sequence, exactly as `BTreeSet` is; read back by
    //! inserting.

    use super::VecSet;
    use serde::de::{Deserialize, Deserializer, SeqAccess, Visitor};
    use serde::ser::{Serialize, Serializer};
    use std::marker::PhantomData;

    impl<T: Serialize> Serialize for VecSet<T> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(self.iter())
        }
    }

    struct SeqVisitor<T>(PhantomData<T>);

    impl<'de, T: Deserialize<'de> + Ord> Visitor<'de> for SeqVisitor<T> {
        type Value = VecSet<T>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a sequence")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
            let mut s = VecSet::new();
            while let Some(v) = a.next_element()? {
                s.insert(v);
            }
            Ok(s)
        }
    }

    impl<'de, T: Deserialize<'de> + Ord> Deserialize<'de> for VecSet<T> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_seq(SeqVisitor(PhantomData))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;
    use std::ops::Bound;

    #[derive(Debug, Clone)]
    enum Op {
        Insert(u8),
        Remove(u8),
        Contains(u8),
        Retain(u8),
        PopFirst,
        PopLast,
        Range(Bound<u8>, Bound<u8>),
        Extend(Vec<u8>),
    }

    fn bound() -> impl Strategy<Value = Bound<u8>> {
        prop_oneof![
            Just(Bound::Unbounded),
            (0u8..24).prop_map(Bound::Included),
            (0u8..24).prop_map(Bound::Excluded),
        ]
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            5 => (0u8..24).prop_map(Op::Insert),
            3 => (0u8..24).prop_map(Op::Remove),
            2 => (0u8..24).prop_map(Op::Contains),
            1 => (0u8..24).prop_map(Op::Retain),
            1 => Just(Op::PopFirst),
            1 => Just(Op::PopLast),
            2 => (bound(), bound()).prop_map(|(a, b)| Op::Range(a, b)),
            1 => proptest::collection::vec(0u8..24, 0..6).prop_map(Op::Extend),
        ]
    }

    proptest! {
        #[test]
        fn matches_btree_set(ops in proptest::collection::vec(op(), 0..120)) {
            let mut model: BTreeSet<u8> = BTreeSet::new();
            let mut got: VecSet<u8> = VecSet::new();
            for op in ops {
                match op {
                    Op::Insert(v) => prop_assert_eq!(got.insert(v), model.insert(v)),
                    Op::Remove(v) => prop_assert_eq!(got.remove(&v), model.remove(&v)),
                    Op::Contains(v) => {
                        prop_assert_eq!(got.contains(&v), model.contains(&v));
                        prop_assert_eq!(got.get(&v), model.get(&v));
                    }
                    Op::Retain(t) => {
                        got.retain(|&v| v % 3 != t % 3);
                        model.retain(|&v| v % 3 != t % 3);
                    }
                    Op::PopFirst => prop_assert_eq!(got.pop_first(), model.pop_first()),
                    Op::PopLast => prop_assert_eq!(got.pop_last(), model.pop_last()),
                    Op::Range(a, b) => {
                        let want: Vec<u8> = model.iter().copied().filter(|v| (a, b).contains(v)).collect();
                        prop_assert_eq!(got.range((a, b)).copied().collect::<Vec<_>>(), want);
                    }
                    Op::Extend(vs) => {
                        got.extend(vs.iter());
                        model.extend(vs.iter());
                    }
                }
                prop_assert_eq!(got.len(), model.len());
                prop_assert!(got.iter().eq(model.iter()));
                prop_assert_eq!(got.first(), model.first());
                prop_assert_eq!(got.last(), model.last());
                prop_assert_eq!(format!("{got:?}"), format!("{model:?}"));
            }
            let other: VecSet<u8> = model.iter().copied().filter(|v| v % 2 == 0).collect();
            let other_model: BTreeSet<u8> = other.iter().copied().collect();
            prop_assert_eq!(other.is_subset(&got), other_model.is_subset(&model));
            prop_assert_eq!(got.into_iter().collect::<Vec<_>>(), model.into_iter().collect::<Vec<_>>());
        }
    }
}
