//! `VecMap`: an ordered map kept as a sorted `Vec<(K, V)>`, for maps that
//! stay small by nature (members, tabs, flags, users).
//!
//! Each distinct `BTreeMap<K, V>` compiles std's whole B-tree again (insert
//! with node splits, remove with steals and merges, subtree clone, drop):
//! 3 to 6 KB of wasm per type. A `VecMap` costs a few hundred bytes: a
//! lookup is one binary search through [`search`], which is not generic,
//! and the rest is `Vec`'s own insert, remove and clone.
//!
//! The trade-off: insert and remove shift the entries after the position,
//! O(n) instead of O(log n). Use it only for maps bounded by something
//! small; a map that grows with the user's data or the load (keys,
//! revisions, leases, watchers, messages in flight) stays a `BTreeMap`.
//!
//! Behaviour follows `BTreeMap`: iteration in key order, `insert` returns
//! the old value and keeps the old key, building from an iterator keeps the
//! last value of a repeated key, `Debug` prints `{k: v, ...}`.
//!
//! ```text
//! insert(3, c); insert(1, a); insert(2, b)   entries [(1,a) (2,b) (3,c)]
//! get(&2)        search -> Ok(1)             Some(&b)
//! insert(0, z)   search -> Err(0)            Vec::insert at 0: [(0,z) (1,a) ...]
//! range(1..3)    lower bound 1, lower bound 3 entries[1..3]: (1,a) (2,b)
//! ```

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::ops::{Bound, RangeBounds};

/// An ordered map over a sorted vector; see the module documentation.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VecMap<K, V> {
    entries: Vec<(K, V)>,
}

/// Binary search over `len` sorted items, `cmp(i)` comparing item `i` with
/// the key sought: `Ok(i)` where it is, `Err(i)` where it would go. Not
/// generic, so the size-optimised wasm carries one copy of the loop and each
/// map type adds only its small comparison closure. `#[inline]` lets a
/// speed-optimised build fold the closure into the loop: with
/// `inline(never)`, every probe was an indirect call, and the simulator's
/// puts took 6-8% more instructions than with `BTreeMap`; inlined they take
/// 1-2% fewer (and the wasm is no larger).
#[inline]
pub(crate) fn search(len: usize, cmp: &dyn Fn(usize) -> Ordering) -> Result<usize, usize> {
    let (mut lo, mut hi) = (0, len);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        match cmp(mid) {
            Ordering::Less => lo = mid + 1,
            Ordering::Greater => hi = mid,
            Ordering::Equal => return Ok(mid),
        }
    }
    Err(lo)
}

impl<K, V> VecMap<K, V> {
    /// An empty map (no allocation).
    pub const fn new() -> Self {
        VecMap { entries: Vec::new() }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True with no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Entries in key order.
    pub fn iter(&self) -> Iter<'_, K, V> {
        Iter(self.entries.iter())
    }

    /// Entries in key order, values mutable.
    pub fn iter_mut(&mut self) -> IterMut<'_, K, V> {
        IterMut(self.entries.iter_mut())
    }

    /// Keys in order.
    pub fn keys(&self) -> Keys<'_, K, V> {
        Keys(self.entries.iter())
    }

    /// Values in key order.
    pub fn values(&self) -> Values<'_, K, V> {
        Values(self.entries.iter())
    }

    /// Values in key order, mutable.
    pub fn values_mut(&mut self) -> ValuesMut<'_, K, V> {
        ValuesMut(self.entries.iter_mut())
    }

    /// Keys in order, consuming the map.
    pub fn into_keys(self) -> impl DoubleEndedIterator<Item = K> + ExactSizeIterator {
        self.entries.into_iter().map(|(k, _)| k)
    }

    /// Values in key order, consuming the map.
    pub fn into_values(self) -> impl DoubleEndedIterator<Item = V> + ExactSizeIterator {
        self.entries.into_iter().map(|(_, v)| v)
    }

    /// The entry with the smallest key.
    pub fn first_key_value(&self) -> Option<(&K, &V)> {
        self.entries.first().map(|(k, v)| (k, v))
    }

    /// The entry with the largest key.
    pub fn last_key_value(&self) -> Option<(&K, &V)> {
        self.entries.last().map(|(k, v)| (k, v))
    }

    /// Removes and returns the entry with the smallest key.
    pub fn pop_first(&mut self) -> Option<(K, V)> {
        if self.entries.is_empty() { None } else { Some(self.entries.remove(0)) }
    }

    /// Removes and returns the entry with the largest key.
    pub fn pop_last(&mut self) -> Option<(K, V)> {
        self.entries.pop()
    }

    /// Keeps only the entries for which `f` returns true, in order.
    pub fn retain(&mut self, mut f: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| f(k, v));
    }
}

impl<K: Ord, V> VecMap<K, V> {
    /// Where `key` is (`Ok`) or would be inserted (`Err`).
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        search(self.entries.len(), &|i| self.entries[i].0.borrow().cmp(key))
    }

    /// The value for `key`.
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    /// The stored key and value for `key`.
    pub fn get_key_value<Q: Ord + ?Sized>(&self, key: &Q) -> Option<(&K, &V)>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| {
            let (k, v) = &self.entries[i];
            (k, v)
        })
    }

    /// The value for `key`, mutable.
    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &mut self.entries[i].1)
    }

    /// True if `key` has a value.
    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Sets `key` to `value`; returns the value it replaced (the stored key
    /// is kept, as `BTreeMap` does).
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// Removes `key`; returns its value.
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.remove_entry(key).map(|(_, v)| v)
    }

    /// Removes `key`; returns the stored key and its value.
    pub fn remove_entry<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<(K, V)>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.entries.remove(i))
    }

    /// The value for `key`, inserting `f()` first if there is none (what
    /// `BTreeMap`'s `entry(key).or_insert_with(f)` does).
    pub fn get_or_insert_with(&mut self, key: K, f: impl FnOnce() -> V) -> &mut V {
        let i = match self.find(&key) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (key, f()));
                i
            }
        };
        &mut self.entries[i].1
    }

    /// The value for `key`, inserting `V::default()` first if there is none
    /// (`entry(key).or_default()`).
    pub fn get_or_default(&mut self, key: K) -> &mut V
    where
        V: Default,
    {
        self.get_or_insert_with(key, V::default)
    }

    /// The entries whose keys lie in `range`, in order. Unlike `BTreeMap`,
    /// a range whose start is after its end is empty rather than a panic.
    pub fn range<Q: Ord + ?Sized, R: RangeBounds<Q>>(&self, range: R) -> Iter<'_, K, V>
    where
        K: Borrow<Q>,
    {
        let (lo, hi) = span(self.entries.len(), &range, &|k| self.find(k));
        Iter(self.entries[lo..hi].iter())
    }
}

/// The positions `lo..hi` of the items of `range` among `len` sorted items,
/// `find` being their binary search (empty, not a panic, for a range
/// whose start is after its end). The one copy for maps and sets.
pub(crate) fn span<Q: ?Sized>(
    len: usize,
    range: &impl RangeBounds<Q>,
    find: &dyn Fn(&Q) -> Result<usize, usize>,
) -> (usize, usize) {
    let position = |b: Bound<&Q>, start: bool| match b {
        Bound::Unbounded if start => 0,
        Bound::Unbounded => len,
        // The first item at or above k, for `k..` and `..k`.
        Bound::Included(k) if start => find(k).unwrap_or_else(|i| i),
        Bound::Excluded(k) if !start => find(k).unwrap_or_else(|i| i),
        // The first item above k, for `(k, ..` and `..=k`.
        Bound::Included(k) | Bound::Excluded(k) => find(k).map_or_else(|i| i, |i| i + 1),
    };
    let lo = position(range.start_bound(), true);
    (lo, position(range.end_bound(), false).max(lo))
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap::new()
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for VecMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Ord, V> Extend<(K, V)> for VecMap<K, V> {
    /// Inserts each pair in turn: a repeated key keeps the last value.
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<'a, K: Ord + Copy, V: Copy> Extend<(&'a K, &'a V)> for VecMap<K, V> {
    fn extend<I: IntoIterator<Item = (&'a K, &'a V)>>(&mut self, iter: I) {
        self.extend(iter.into_iter().map(|(&k, &v)| (k, v)));
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for VecMap<K, V> {
    /// Built by inserting, not by sorting (std's sort would be compiled
    /// again for each pair type); already sorted input appends.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut m = VecMap::new();
        m.extend(iter);
        m
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for VecMap<K, V> {
    fn from(pairs: [(K, V); N]) -> Self {
        pairs.into_iter().collect()
    }
}

impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> std::ops::Index<&Q> for VecMap<K, V> {
    type Output = V;

    /// The value for `key`; panics if there is none, as `BTreeMap` does.
    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entry found for key")
    }
}

impl<K, V> IntoIterator for VecMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a VecMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, K, V> IntoIterator for &'a mut VecMap<K, V> {
    type Item = (&'a K, &'a mut V);
    type IntoIter = IterMut<'a, K, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

/// Writes the four traits of an iterator that wraps a slice iterator,
/// mapping each element with `$map`.
macro_rules! slice_iter {
    ($name:ident, $item:ty, |$e:ident| $map:expr) => {
        impl<'a, K, V> Iterator for $name<'a, K, V> {
            type Item = $item;

            fn next(&mut self) -> Option<Self::Item> {
                self.0.next().map(|$e| $map)
            }

            fn size_hint(&self) -> (usize, Option<usize>) {
                self.0.size_hint()
            }
        }

        impl<K, V> DoubleEndedIterator for $name<'_, K, V> {
            fn next_back(&mut self) -> Option<Self::Item> {
                self.0.next_back().map(|$e| $map)
            }
        }

        impl<K, V> ExactSizeIterator for $name<'_, K, V> {}

        impl<K, V> std::iter::FusedIterator for $name<'_, K, V> {}
    };
}

/// Entries of a [`VecMap`] in key order.
#[derive(Clone, Debug)]
pub struct Iter<'a, K, V>(std::slice::Iter<'a, (K, V)>);
slice_iter!(Iter, (&'a K, &'a V), |e| (&e.0, &e.1));

/// Entries of a [`VecMap`] in key order, values mutable.
#[derive(Debug)]
pub struct IterMut<'a, K, V>(std::slice::IterMut<'a, (K, V)>);
slice_iter!(IterMut, (&'a K, &'a mut V), |e| (&e.0, &mut e.1));

/// Keys of a [`VecMap`] in order.
#[derive(Clone, Debug)]
pub struct Keys<'a, K, V>(std::slice::Iter<'a, (K, V)>);
slice_iter!(Keys, &'a K, |e| &e.0);

/// Values of a [`VecMap`] in key order.
#[derive(Clone, Debug)]
pub struct Values<'a, K, V>(std::slice::Iter<'a, (K, V)>);
slice_iter!(Values, &'a V, |e| &e.1);

/// Values of a [`VecMap`] in key order, mutable.
#[derive(Debug)]
pub struct ValuesMut<'a, K, V>(std::slice::IterMut<'a, (K, V)>);
slice_iter!(ValuesMut, &'a mut V, |e| &mut e.1);

#[cfg(feature = "serde")]
mod serde_impls {
    //! Serialized as a map, exactly as `BTreeMap` is; read back by
    //! inserting, so a repeated key keeps its last value as there.

    use super::VecMap;
    use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
    use serde::ser::{Serialize, Serializer};
    use std::marker::PhantomData;

    impl<K: Serialize, V: Serialize> Serialize for VecMap<K, V> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_map(self.iter())
        }
    }

    struct MapVisitor<K, V>(PhantomData<(K, V)>);

    impl<'de, K: Deserialize<'de> + Ord, V: Deserialize<'de>> Visitor<'de> for MapVisitor<K, V> {
        type Value = VecMap<K, V>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a map")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
            let mut m = VecMap::new();
            while let Some((k, v)) = a.next_entry()? {
                m.insert(k, v);
            }
            Ok(m)
        }
    }

    impl<'de, K: Deserialize<'de> + Ord, V: Deserialize<'de>> Deserialize<'de> for VecMap<K, V> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_map(MapVisitor(PhantomData))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    #[derive(Debug, Clone)]
    enum Op {
        Insert(u8, u16),
        Remove(u8),
        Get(u8),
        GetMut(u8, u16),
        GetOrInsert(u8, u16),
        Retain(u16),
        PopFirst,
        PopLast,
        Range(Bound<u8>, Bound<u8>),
        Extend(Vec<(u8, u16)>),
        Clear,
    }

    fn bound() -> impl Strategy<Value = Bound<u8>> {
        prop_oneof![
            Just(Bound::Unbounded),
            (0u8..24).prop_map(Bound::Included),
            (0u8..24).prop_map(Bound::Excluded),
        ]
    }

    fn op() -> impl Strategy<Value = Op> {
        let k = 0u8..24;
        prop_oneof![
            6 => (k.clone(), any::<u16>()).prop_map(|(k, v)| Op::Insert(k, v)),
            3 => k.clone().prop_map(Op::Remove),
            2 => k.clone().prop_map(Op::Get),
            1 => (k.clone(), any::<u16>()).prop_map(|(k, v)| Op::GetMut(k, v)),
            2 => (k.clone(), any::<u16>()).prop_map(|(k, v)| Op::GetOrInsert(k, v)),
            1 => any::<u16>().prop_map(Op::Retain),
            1 => Just(Op::PopFirst),
            1 => Just(Op::PopLast),
            2 => (bound(), bound()).prop_map(|(a, b)| Op::Range(a, b)),
            1 => proptest::collection::vec((k, any::<u16>()), 0..6).prop_map(Op::Extend),
            1 => Just(Op::Clear),
        ]
    }

    /// A `BTreeMap` range that is empty where `BTreeMap` would panic.
    fn model_range(m: &BTreeMap<u8, u16>, a: Bound<u8>, b: Bound<u8>) -> Vec<(u8, u16)> {
        m.iter().filter(|(k, _)| (a, b).contains(*k)).map(|(&k, &v)| (k, v)).collect()
    }

    proptest! {
        #[test]
        fn matches_btree_map(ops in proptest::collection::vec(op(), 0..120)) {
            let mut model: BTreeMap<u8, u16> = BTreeMap::new();
            let mut got: VecMap<u8, u16> = VecMap::new();
            for op in ops {
                match op {
                    Op::Insert(k, v) => prop_assert_eq!(got.insert(k, v), model.insert(k, v)),
                    Op::Remove(k) => prop_assert_eq!(got.remove(&k), model.remove(&k)),
                    Op::Get(k) => {
                        prop_assert_eq!(got.get(&k), model.get(&k));
                        prop_assert_eq!(got.contains_key(&k), model.contains_key(&k));
                        prop_assert_eq!(got.get_key_value(&k), model.get_key_value(&k));
                    }
                    Op::GetMut(k, v) => {
                        let (g, m) = (got.get_mut(&k), model.get_mut(&k));
                        prop_assert_eq!(g.is_some(), m.is_some());
                        if let (Some(g), Some(m)) = (g, m) {
                            *g = v;
                            *m = v;
                        }
                    }
                    Op::GetOrInsert(k, v) => {
                        let g = got.get_or_insert_with(k, || v);
                        let m = model.entry(k).or_insert_with(|| v);
                        prop_assert_eq!(*g, *m);
                        *g = g.wrapping_add(1);
                        *m = m.wrapping_add(1);
                    }
                    Op::Retain(t) => {
                        got.retain(|k, v| { *v = v.wrapping_add(u16::from(*k)); *v < t });
                        model.retain(|k, v| { *v = v.wrapping_add(u16::from(*k)); *v < t });
                    }
                    Op::PopFirst => prop_assert_eq!(got.pop_first(), model.pop_first()),
                    Op::PopLast => prop_assert_eq!(got.pop_last(), model.pop_last()),
                    Op::Range(a, b) => {
                        let g: Vec<(u8, u16)> = got.range((a, b)).map(|(&k, &v)| (k, v)).collect();
                        prop_assert_eq!(g, model_range(&model, a, b));
                        let back: Vec<(u8, u16)> = got.range((a, b)).rev().map(|(&k, &v)| (k, v)).collect();
                        let mut want = model_range(&model, a, b);
                        want.reverse();
                        prop_assert_eq!(back, want);
                    }
                    Op::Extend(pairs) => {
                        got.extend(pairs.iter().copied());
                        model.extend(pairs.iter().copied());
                    }
                    Op::Clear => {
                        got.clear();
                        model.clear();
                    }
                }
                prop_assert_eq!(got.len(), model.len());
                prop_assert_eq!(got.is_empty(), model.is_empty());
                prop_assert!(got.iter().eq(model.iter()));
                prop_assert!(got.keys().eq(model.keys()));
                prop_assert!(got.values().rev().eq(model.values().rev()));
                prop_assert_eq!(got.first_key_value(), model.first_key_value());
                prop_assert_eq!(got.last_key_value(), model.last_key_value());
                prop_assert_eq!(format!("{got:?}"), format!("{model:?}"));
            }
            for v in got.values_mut() {
                *v ^= 1;
            }
            for v in model.values_mut() {
                *v ^= 1;
            }
            for (k, v) in got.iter_mut() {
                *v = v.wrapping_mul(u16::from(*k));
            }
            for (k, v) in model.iter_mut() {
                *v = v.wrapping_mul(u16::from(*k));
            }
            prop_assert_eq!(got.clone().into_iter().collect::<Vec<_>>(), model.clone().into_iter().collect::<Vec<_>>());
        }

        #[test]
        fn from_iter_keeps_last_like_btree_map(pairs in proptest::collection::vec((0u8..16, any::<u16>()), 0..40)) {
            let got: VecMap<u8, u16> = pairs.iter().copied().collect();
            let model: BTreeMap<u8, u16> = pairs.iter().copied().collect();
            prop_assert!(got.iter().eq(model.iter()));
            let mut sorted = pairs.clone();
            sorted.sort_by_key(|p| p.0);
            let got2: VecMap<u8, u16> = sorted.iter().copied().collect();
            prop_assert_eq!(got2, got);
        }
    }

    #[test]
    fn string_keys_borrow_as_str() {
        let mut m: VecMap<String, u32> = VecMap::from([("b".to_string(), 2), ("a".to_string(), 1)]);
        assert_eq!(m.get("a"), Some(&1));
        assert_eq!(m["b"], 2);
        *m.get_or_default("c".to_string()) += 3;
        assert_eq!(
            m.range::<str, _>((Bound::Included("b"), Bound::Unbounded))
                .map(|(k, _)| k.as_str())
                .collect::<Vec<_>>(),
            ["b", "c"]
        );
        assert_eq!(m.remove("a"), Some(1));
        assert_eq!(format!("{m:?}"), r#"{"b": 2, "c": 3}"#);
        assert_eq!(m.clone().into_keys().collect::<Vec<_>>(), ["b", "c"]);
        assert_eq!(m.into_values().collect::<Vec<_>>(), [2, 3]);
    }
}
