//! `Revision { main, sub }`: the logical clock of the store.
//!
//! `main` is raised by one for every write transaction; `sub` numbers the
//! changes inside that transaction from zero. Revisions order first by
//! `main`, then by `sub`, which is also the byte order of their on-disk form.

use serde::{Deserialize, Serialize};

/// The length of a revision's on-disk form: 8 bytes of `main`, `_`, 8 of `sub`.
pub const REV_BYTES_LEN: usize = 17;

/// A point in the store's history.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Revision {
    /// The revision of the write transaction; the store's revision.
    pub main: i64,
    /// The position of the change inside its transaction.
    pub sub: i64,
}

impl Revision {
    /// A revision from its two parts.
    pub const fn new(main: i64, sub: i64) -> Self {
        Revision { main, sub }
    }

    /// The key under which etcd's backend stores this revision: big-endian
    /// `main`, a `_`, big-endian `sub`, and a trailing `t` for a tombstone.
    pub fn to_bytes(self, tombstone: bool) -> Vec<u8> {
        let mut out = Vec::with_capacity(REV_BYTES_LEN + 1);
        out.extend_from_slice(&self.main.to_be_bytes());
        out.push(b'_');
        out.extend_from_slice(&self.sub.to_be_bytes());
        if tombstone {
            out.push(b't');
        }
        out
    }
}

impl std::fmt::Display for Revision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.main, self.sub)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_by_main_then_sub_like_its_bytes() {
        let revs = [Revision::new(1, 0), Revision::new(1, 1), Revision::new(2, 0), Revision::new(300, 2)];
        for w in revs.windows(2) {
            assert!(w[0] < w[1]);
            assert!(w[0].to_bytes(false) < w[1].to_bytes(false));
        }
        assert_eq!(Revision::new(2, 1).to_bytes(true).len(), REV_BYTES_LEN + 1);
        assert_eq!(Revision::new(5, 0).to_string(), "5.0");
    }
}
