//! The leader's window of in-flight MsgApps to one follower: each entry is
//! the last index of a sent message. When the window is full, replication to
//! that follower pauses until acks free slots.
//!
//! ```text
//! cap 3: add(5) add(7) add(9) -> full; ack up to 7: free_le(7) -> [9]
//! ```

use std::collections::VecDeque;

/// A bounded FIFO of last-indexes of in-flight appends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inflights {
    buffer: VecDeque<u64>,
    cap: usize,
}

impl Inflights {
    /// An empty window of `cap` messages.
    pub fn new(cap: usize) -> Self {
        Inflights { buffer: VecDeque::new(), cap }
    }

    /// Records a message whose last entry is `index` (indexes increase).
    pub fn add(&mut self, index: u64) {
        assert!(!self.full(), "cannot add into a full inflights");
        if let Some(&last) = self.buffer.back() {
            assert!(index >= last, "inflights must be added in order: {index} after {last}");
        }
        self.buffer.push_back(index);
    }

    /// Frees every message whose last index is <= `to`.
    pub fn free_le(&mut self, to: u64) {
        while self.buffer.front().is_some_and(|&i| i <= to) {
            self.buffer.pop_front();
        }
    }

    /// Frees the oldest message (a heartbeat response proves liveness).
    pub fn free_first_one(&mut self) {
        self.buffer.pop_front();
    }

    /// True when no more messages may be sent.
    pub fn full(&self) -> bool {
        self.buffer.len() >= self.cap
    }

    /// Messages in flight.
    pub fn count(&self) -> usize {
        self.buffer.len()
    }

    /// The window's capacity.
    pub fn cap(&self) -> usize {
        self.cap
    }

    /// Forgets everything in flight.
    pub fn reset(&mut self) {
        self.buffer.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_free_full() {
        let mut f = Inflights::new(3);
        f.add(5);
        f.add(7);
        assert!(!f.full());
        f.add(9);
        assert!(f.full());
        f.free_le(7);
        assert_eq!(f.count(), 1);
        f.free_first_one();
        assert_eq!(f.count(), 0);
        f.free_first_one();
        f.add(10);
        f.reset();
        assert_eq!(f.count(), 0);
    }
}
