//! [`Bytes`]: an entry's payload, immutable and shared by every copy of
//! the entry (the unstable log, the storage, each `Ready`, the `MsgApp` to
//! every follower, the committed entries handed to the application), so
//! copying an entry copies a pointer instead of its data.

use std::sync::Arc;

/// Immutable bytes; clones share them. Compares, prints and serializes as
/// the byte slice it holds (like a `Vec<u8>`).
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Bytes(Option<Arc<[u8]>>);

impl Bytes {
    /// The bytes, copied into a `Vec`.
    pub fn to_vec(&self) -> Vec<u8> {
        self.as_ref().to_vec()
    }
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.0.as_deref().unwrap_or(&[])
    }
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl std::fmt::Debug for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

impl From<&[u8]> for Bytes {
    fn from(b: &[u8]) -> Self {
        // Empty is always `None`, so equality is the slices' equality.
        Bytes((!b.is_empty()).then(|| Arc::from(b)))
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(b: Vec<u8>) -> Self {
        Bytes((!b.is_empty()).then(|| Arc::from(b)))
    }
}

impl<const N: usize> From<&[u8; N]> for Bytes {
    fn from(b: &[u8; N]) -> Self {
        Bytes::from(&b[..])
    }
}

impl From<&str> for Bytes {
    fn from(s: &str) -> Self {
        Bytes::from(s.as_bytes())
    }
}

impl From<String> for Bytes {
    fn from(s: String) -> Self {
        Bytes::from(s.into_bytes())
    }
}

impl From<Bytes> for Vec<u8> {
    fn from(b: Bytes) -> Self {
        b.to_vec()
    }
}

impl PartialEq<[u8]> for Bytes {
    fn eq(&self, other: &[u8]) -> bool {
        **self == *other
    }
}

impl PartialEq<Vec<u8>> for Bytes {
    fn eq(&self, other: &Vec<u8>) -> bool {
        **self == **other
    }
}

impl PartialEq<Bytes> for Vec<u8> {
    fn eq(&self, other: &Bytes) -> bool {
        **self == **other
    }
}

impl PartialEq<Bytes> for [u8] {
    fn eq(&self, other: &Bytes) -> bool {
        *self == **other
    }
}

impl<const N: usize> PartialEq<[u8; N]> for Bytes {
    fn eq(&self, other: &[u8; N]) -> bool {
        **self == other[..]
    }
}

impl<const N: usize> PartialEq<&[u8; N]> for Bytes {
    fn eq(&self, other: &&[u8; N]) -> bool {
        **self == other[..]
    }
}

impl serde::Serialize for Bytes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> serde::Deserialize<'de> for Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<u8>::deserialize(d).map(Bytes::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_like_its_slice() {
        let a = Bytes::from(b"abc");
        let b = a.clone();
        assert_eq!(a, b);
        assert_eq!(a, b"abc".to_vec());
        assert_eq!(&a[1..], b"bc");
        assert_eq!(format!("{a:?}"), format!("{:?}", b"abc".to_vec()));
        assert_eq!(Bytes::from(Vec::new()), Bytes::default());
        assert_eq!(Bytes::from(&b""[..]), Bytes::default());
        assert!(Bytes::default().is_empty());
        assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b"abc".to_vec()).unwrap());
        assert_eq!(serde_json::from_str::<Bytes>("[97,98,99]").unwrap(), a);
    }
}
