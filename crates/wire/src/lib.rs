//! A compact binary encoding for what the core writes into raft entries,
//! snapshot files and backups, in place of JSON: smaller, several times
//! faster to read and write, and a fraction of the code serde derives put
//! into the web app's wasm.
//!
//! The format has no field names and no schema; writer and reader agree on
//! the order of fields, as protobuf's wire format without tags would:
//!
//! ```text
//! u8                      one byte
//! u32, u64, usize         LEB128 varint: 7 bits a byte, low bits first,
//!                         high bit set on every byte but the last
//!                         300 -> ac 02
//! i32, i64                zigzag, then varint: 0 -> 00, -1 -> 01, 1 -> 02
//! bool                    one byte, 0 or 1 (anything else is an error)
//! bytes, str              varint length, then the bytes (str: UTF-8)
//! Vec, VecDeque, BTreeSet varint count, then each item (also slim's VecSet)
//! BTreeMap                varint count, then key, value, key, value...
//!                         (also slim's VecMap: the same bytes)
//! Option                  00 (None) | 01 value
//! tuples, records         each field in order
//! enums                   one tag byte, then the variant's fields
//! ```
//!
//! [`record!`] and [`tagged!`] write the two impls for a struct or an
//! enum from a list of its fields or variants, so each type's format is one
//! short, readable declaration next to the others of its crate.
//!
//! Decoding never panics and never allocates more than its input justifies:
//! a count is refused when fewer bytes are left than it announces items
//! (every encoding is at least one byte), truncated input, unknown tags,
//! bad UTF-8, overlong varints and nesting deeper than [`MAX_DEPTH`] are
//! [`Error`]s. Every encoding is self-delimiting, so a strict prefix of a
//! valid encoding never decodes by [`from_slice`].
#![deny(missing_docs)]

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use slim::{VecMap, VecSet};

/// The deepest nesting of [`tagged!`] enums a reader accepts, so no input
/// can overflow the stack (a transaction nests its operations).
pub const MAX_DEPTH: u32 = 100;

/// Why bytes could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// What was wrong.
    pub what: &'static str,
    /// Where, in bytes from the start of the input.
    pub offset: usize,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at byte {}", self.what, self.offset)
    }
}

impl std::error::Error for Error {}

/// The crate's result.
pub type Result<T> = std::result::Result<T, Error>;

/// A value that can be written.
pub trait Encode {
    /// Appends the value's encoding to `out`.
    fn encode(&self, out: &mut Vec<u8>);

    /// Appends the encodings of `items` (no count); `u8` copies them at
    /// once.
    #[doc(hidden)]
    fn encode_slice(items: &[Self], out: &mut Vec<u8>)
    where
        Self: Sized,
    {
        for i in items {
            i.encode(out);
        }
    }
}

/// A value that can be read back.
pub trait Decode: Sized {
    /// Reads one value.
    fn decode(r: &mut Reader<'_>) -> Result<Self>;

    /// Reads `n` values (the count was checked against the input's length);
    /// `u8` copies them at once.
    #[doc(hidden)]
    fn decode_vec(r: &mut Reader<'_>, n: usize) -> Result<Vec<Self>> {
        // Bounded so forged counts cannot reserve much more than the input.
        let mut v = Vec::with_capacity(n.min(1024));
        for _ in 0..n {
            v.push(Self::decode(r)?);
        }
        Ok(v)
    }
}

/// The encoding of `v`.
pub fn to_vec<T: Encode + ?Sized>(v: &T) -> Vec<u8> {
    let mut out = Vec::new();
    v.encode(&mut out);
    out
}

/// Decodes a whole `bytes` as one `T`; bytes left over are an error.
pub fn from_slice<T: Decode>(bytes: &[u8]) -> Result<T> {
    let mut r = Reader::new(bytes);
    let v = T::decode(&mut r)?;
    r.finish()?;
    Ok(v)
}

/// Appends `v` as a varint.
pub fn put_uvarint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Appends `v` zigzag-encoded as a varint.
pub fn put_ivarint(out: &mut Vec<u8>, v: i64) {
    put_uvarint(out, ((v << 1) ^ (v >> 63)) as u64);
}

/// Appends a varint length and the bytes.
pub fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_uvarint(out, b.len() as u64);
    out.extend_from_slice(b);
}

/// A cursor over bytes being decoded.
#[derive(Debug)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    depth: u32,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0, depth: 0 }
    }

    /// An error at the current position.
    pub fn error(&self, what: &'static str) -> Error {
        Error { what, offset: self.pos }
    }

    /// Bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// Succeeds if everything was read.
    pub fn finish(self) -> Result<()> {
        if self.remaining() == 0 { Ok(()) } else { Err(self.error("trailing bytes")) }
    }

    /// One byte.
    pub fn u8(&mut self) -> Result<u8> {
        let b = *self.buf.get(self.pos).ok_or_else(|| self.error("truncated"))?;
        self.pos += 1;
        Ok(b)
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.remaining() {
            return Err(self.error("truncated"));
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    /// A varint.
    pub fn uvarint(&mut self) -> Result<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            if shift == 63 && b > 1 {
                return Err(self.error("varint overflows 64 bits"));
            }
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(self.error("varint longer than 10 bytes"))
    }

    /// A zigzag varint.
    pub fn ivarint(&mut self) -> Result<i64> {
        let u = self.uvarint()?;
        Ok(((u >> 1) as i64) ^ -((u & 1) as i64))
    }

    /// A count of items that each take at least one byte: no more than the
    /// bytes left.
    pub fn count(&mut self) -> Result<usize> {
        let n = self.uvarint()?;
        match usize::try_from(n) {
            Ok(n) if n <= self.remaining() => Ok(n),
            _ => Err(self.error("count exceeds the input")),
        }
    }

    /// Length-prefixed bytes.
    pub fn bytes(&mut self) -> Result<&'a [u8]> {
        let n = self.count()?;
        self.take(n)
    }

    /// Runs `f` one nesting level deeper; past [`MAX_DEPTH`] it is an error.
    pub fn nest<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        self.depth += 1;
        let v = f(self);
        self.depth -= 1;
        v
    }
}

impl Encode for u8 {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(*self);
    }
    fn encode_slice(items: &[u8], out: &mut Vec<u8>) {
        out.extend_from_slice(items);
    }
}

impl Decode for u8 {
    fn decode(r: &mut Reader<'_>) -> Result<Self> {
        r.u8()
    }
    fn decode_vec(r: &mut Reader<'_>, n: usize) -> Result<Vec<u8>> {
        Ok(r.take(n)?.to_vec())
    }
}

macro_rules! unsigned {
    ($($t:ty),*) => {$(
        impl Encode for $t {
            fn encode(&self, out: &mut Vec<u8>) {
                put_uvarint(out, *self as u64);
            }
        }
        impl Decode for $t {
            fn decode(r: &mut Reader<'_>) -> Result<Self> {
                let v = r.uvarint()?;
                <$t>::try_from(v).map_err(|_| r.error("integer out of range"))
            }
        }
    )*};
}
unsigned!(u32, u64, usize);

macro_rules! signed {
    ($($t:ty),*) => {$(
        impl Encode for $t {
            fn encode(&self, out: &mut Vec<u8>) {
                put_ivarint(out, i64::from(*self));
            }
        }
        impl Decode for $t {
            fn decode(r: &mut Reader<'_>) -> Result<Self> {
                let v = r.ivarint()?;
                <$t>::try_from(v).map_err(|_| r.error("integer out of range"))
            }
        }
    )*};
}
signed!(i32, i64);

impl Encode for bool {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(u8::from(*self));
    }
}

impl Decode for bool {
    fn decode(r: &mut Reader<'_>) -> Result<Self> {
        match r.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(r.error("bad bool")),
        }
    }
}

impl Encode for str {
    fn encode(&self, out: &mut Vec<u8>) {
        put_bytes(out, self.as_bytes());
    }
}

impl Encode for String {
    fn encode(&self, out: &mut Vec<u8>) {
        self.as_str().encode(out);
    }
}

impl Decode for String {
    fn decode(r: &mut Reader<'_>) -> Result<Self> {
        let at = r.pos;
        let b = r.bytes()?;
        std::str::from_utf8(b).map(str::to_owned).map_err(|_| Error { what: "invalid UTF-8", offset: at })
    }
}

impl<T: Encode + ?Sized> Encode for &T {
    fn encode(&self, out: &mut Vec<u8>) {
        (**self).encode(out);
    }
}

impl<T: Encode> Encode for [T] {
    fn encode(&self, out: &mut Vec<u8>) {
        put_uvarint(out, self.len() as u64);
        T::encode_slice(self, out);
    }
}

impl<T: Encode> Encode for Vec<T> {
    fn encode(&self, out: &mut Vec<u8>) {
        self.as_slice().encode(out);
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn decode(r: &mut Reader<'_>) -> Result<Self> {
        let n = r.count()?;
        T::decode_vec(r, n)
    }
}

/// A count, then each item: sequences and sets that are not slices.
fn encode_items<'a, T: Encode + 'a>(out: &mut Vec<u8>, len: usize, items: impl IntoIterator<Item = &'a T>) {
    put_uvarint(out, len as u64);
    for i in items {
        i.encode(out);
    }
}

/// A count, then each key and its value: every map.
fn encode_pairs<'a, K: Encode + 'a, V: Encode + 'a>(
    out: &mut Vec<u8>,
    len: usize,
    pairs: impl IntoIterator<Item = (&'a K, &'a V)>,
) {
    put_uvarint(out, len as u64);
    for (k, v) in pairs {
        k.encode(out);
        v.encode(out);
    }
}

/// Reads a count, then that many keys and values, handing each pair to
/// `insert` (a repeated key: the map keeps the last value).
fn decode_pairs<K: Decode, V: Decode>(r: &mut Reader<'_>, mut insert: impl FnMut(K, V)) -> Result<()> {
    let n = r.count()?;
    for _ in 0..n {
        let k = K::decode(r)?;
        let v = V::decode(r)?;
        insert(k, v);
    }
    Ok(())
}

impl<T: Encode> Encode for VecDeque<T> {
    fn encode(&self, out: &mut Vec<u8>) {
        encode_items(out, self.len(), self);
    }
}

impl<T: Decode> Decode for VecDeque<T> {
    fn decode(r: &mut Reader<'_>) -> Result<Self> {
        Vec::decode(r).map(VecDeque::from)
    }
}

impl<T: Encode> Encode for BTreeSet<T> {
    fn encode(&self, out: &mut Vec<u8>) {
        encode_items(out, self.len(), self);
    }
}

impl<T: Decode + Ord> Decode for BTreeSet<T> {
    fn decode(r: &mut Reader<'_>) -> Result<Self> {
        // Inserted one by one: `from_iter` would sort first, and std's sort
        // is compiled again for every item type (kilobytes of wasm each).
        let mut s = BTreeSet::new();
        for i in Vec::decode(r)? {
            s.insert(i);
        }
        Ok(s)
    }
}

impl<K: Encode, V: Encode> Encode for BTreeMap<K, V> {
    fn encode(&self, out: &mut Vec<u8>) {
        encode_pairs(out, self.len(), self);
    }
}

impl<K: Decode + Ord, V: Decode> Decode for BTreeMap<K, V> {
    fn decode(r: &mut Reader<'_>) -> Result<Self> {
        let mut m = BTreeMap::new();
        decode_pairs(r, |k, v| {
            m.insert(k, v);
        })?;
        Ok(m)
    }
}

impl<T: Encode> Encode for VecSet<T> {
    fn encode(&self, out: &mut Vec<u8>) {
        self.as_slice().encode(out);
    }
}

impl<T: Decode + Ord> Decode for VecSet<T> {
    fn decode(r: &mut Reader<'_>) -> Result<Self> {
        Ok(Vec::decode(r)?.into_iter().collect())
    }
}

impl<K: Encode, V: Encode> Encode for VecMap<K, V> {
    fn encode(&self, out: &mut Vec<u8>) {
        encode_pairs(out, self.len(), self);
    }
}

impl<K: Decode + Ord, V: Decode> Decode for VecMap<K, V> {
    fn decode(r: &mut Reader<'_>) -> Result<Self> {
        let mut m = VecMap::new();
        decode_pairs(r, |k, v| {
            m.insert(k, v);
        })?;
        Ok(m)
    }
}

impl<T: Encode> Encode for Option<T> {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            None => out.push(0),
            Some(v) => {
                out.push(1);
                v.encode(out);
            }
        }
    }
}

impl<T: Decode> Decode for Option<T> {
    fn decode(r: &mut Reader<'_>) -> Result<Self> {
        match r.u8()? {
            0 => Ok(None),
            1 => T::decode(r).map(Some),
            _ => Err(r.error("bad option tag")),
        }
    }
}

impl<T: Encode, E: Encode> Encode for std::result::Result<T, E> {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Ok(v) => {
                out.push(0);
                v.encode(out);
            }
            Err(e) => {
                out.push(1);
                e.encode(out);
            }
        }
    }
}

impl<T: Decode, E: Decode> Decode for std::result::Result<T, E> {
    fn decode(r: &mut Reader<'_>) -> Result<Self> {
        match r.u8()? {
            0 => T::decode(r).map(Ok),
            1 => E::decode(r).map(Err),
            _ => Err(r.error("bad result tag")),
        }
    }
}

macro_rules! tuple {
    ($($name:ident)+) => {
        impl<$($name: Encode),+> Encode for ($($name,)+) {
            #[allow(non_snake_case)]
            fn encode(&self, out: &mut Vec<u8>) {
                let ($($name,)+) = self;
                $($name.encode(out);)+
            }
        }
        impl<$($name: Decode),+> Decode for ($($name,)+) {
            fn decode(r: &mut Reader<'_>) -> Result<Self> {
                Ok(($($name::decode(r)?,)+))
            }
        }
    };
}
tuple!(A B);
tuple!(A B C);
tuple!(A B C D);

/// Implements [`Encode`] and [`Decode`] for a struct as its fields in the
/// order listed. Every field must be listed (the struct is built from
/// them), and the list must not be empty.
///
/// ```
/// #[derive(Debug, PartialEq)]
/// struct Put { key: Vec<u8>, lease: i64 }
/// wire::record!(Put { key, lease });
/// let p = Put { key: b"k".to_vec(), lease: -1 };
/// assert_eq!(wire::to_vec(&p), [1, b'k', 1]);
/// assert_eq!(wire::from_slice::<Put>(&[1, b'k', 1]), Ok(p));
/// ```
#[macro_export]
macro_rules! record {
    ($ty:ty { $($field:ident),+ $(,)? }) => {
        impl $crate::Encode for $ty {
            fn encode(&self, out: &mut Vec<u8>) {
                $( $crate::Encode::encode(&self.$field, out); )+
            }
        }
        impl $crate::Decode for $ty {
            fn decode(r: &mut $crate::Reader<'_>) -> $crate::Result<Self> {
                Ok(Self { $( $field: $crate::Decode::decode(r)? ),+ })
            }
        }
    };
}

/// Implements [`Encode`] and [`Decode`] for an enum: a tag byte per
/// variant, then its fields in order. Tuple variants name their fields
/// (any names); struct variants list theirs. A tag must never be reused for
/// another meaning once data with it may exist.
///
/// ```
/// #[derive(Debug, PartialEq)]
/// enum Op { Stop, Put(Vec<u8>, bool), Move { to: u64 } }
/// wire::tagged!(Op { 0 => Stop, 1 => Put(key, sync), 2 => Move { to } });
/// assert_eq!(wire::to_vec(&Op::Move { to: 300 }), [2, 0xac, 0x02]);
/// assert_eq!(wire::from_slice::<Op>(&[1, 1, b'k', 0]), Ok(Op::Put(b"k".to_vec(), false)));
/// assert!(wire::from_slice::<Op>(&[9]).is_err());
/// ```
#[macro_export]
macro_rules! tagged {
    ($ty:ty { $( $tag:literal => $var:ident $( ( $($f:ident),+ ) )? $( { $($sf:ident),+ } )? ),+ $(,)? }) => {
        impl $crate::Encode for $ty {
            fn encode(&self, out: &mut Vec<u8>) {
                match self {
                    $( Self::$var $( ( $($f),+ ) )? $( { $($sf),+ } )? => {
                        out.push($tag);
                        $( $( $crate::Encode::encode($f, out); )+ )?
                        $( $( $crate::Encode::encode($sf, out); )+ )?
                    } )+
                }
            }
        }
        impl $crate::Decode for $ty {
            fn decode(r: &mut $crate::Reader<'_>) -> $crate::Result<Self> {
                r.nest(|r| {
                    Ok(match r.u8()? {
                        $( $tag => Self::$var
                            $( ( $( { let $f = $crate::Decode::decode(r)?; $f } ),+ ) )?
                            $( { $( $sf: $crate::Decode::decode(r)? ),+ } )?, )+
                        _ => return Err(r.error("unknown tag")),
                    })
                })
            }
        }
    };
}

#[cfg(test)]
mod tests;
