//! The virtual clock and the queue of timed events: time is milliseconds of
//! simulated time that move only when the simulator takes the next event.
//!
//! ```text
//!   now_ms = 300
//!   queue: (400, #7) Tick   (400, #9) Deadline(12)   (2300, #8) Deadline(3)
//!           ^ next            same time: FIFO by seq
//! ```
//!
//! Events at the same millisecond come out in the order they were pushed
//! (a sequence number breaks the tie), so the order never depends on
//! anything but the inputs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Simulated time in milliseconds since the simulation began.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Clock {
    now_ms: u64,
}

impl Clock {
    /// The current virtual time in milliseconds.
    pub fn now_ms(&self) -> u64 {
        self.now_ms
    }

    /// Moves time forward to `at_ms`. Time never goes backwards: an earlier
    /// value is a broken invariant of the event queue.
    pub fn advance_to(&mut self, at_ms: u64) {
        assert!(at_ms >= self.now_ms, "virtual time went backwards: {} -> {at_ms}", self.now_ms);
        self.now_ms = at_ms;
    }
}

/// The key of a queued event: its time, then its push order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct QueueKey {
    /// When the event fires.
    pub at_ms: u64,
    /// Push order, breaking ties between events of the same millisecond.
    pub seq: u64,
}

/// Events ordered by time, first in first out within one millisecond.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventQueue<T> {
    items: BTreeMap<QueueKey, T>,
    next_seq: u64,
}

impl<T> Default for EventQueue<T> {
    fn default() -> Self {
        EventQueue { items: BTreeMap::new(), next_seq: 0 }
    }
}

impl<T> EventQueue<T> {
    /// Queues `item` to fire at `at_ms`; returns its key (to remove it).
    pub fn push(&mut self, at_ms: u64, item: T) -> QueueKey {
        let key = QueueKey { at_ms, seq: self.next_seq };
        self.next_seq += 1;
        self.items.insert(key, item);
        key
    }

    /// The time of the next event, if any.
    pub fn next_time(&self) -> Option<u64> {
        self.items.keys().next().map(|k| k.at_ms)
    }

    /// The next event, if any, without removing it.
    pub fn peek(&self) -> Option<(QueueKey, &T)> {
        self.items.iter().next().map(|(k, v)| (*k, v))
    }

    /// Removes and returns the next event.
    pub fn pop(&mut self) -> Option<(QueueKey, T)> {
        self.items.pop_first()
    }

    /// Removes the event with `key`, if it is still queued.
    pub fn remove(&mut self, key: QueueKey) -> Option<T> {
        self.items.remove(&key)
    }

    /// Removes every event for which `drop` says so.
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        self.items.retain(|_, v| keep(v));
    }

    /// Number of queued events.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True if nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Queued events in firing order.
    pub fn iter(&self) -> impl Iterator<Item = (&QueueKey, &T)> {
        self.items.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_fire_in_time_order_then_push_order() {
        let mut q = EventQueue::default();
        q.push(20, "b");
        q.push(10, "a1");
        q.push(10, "a2");
        let k = q.push(15, "gone");
        assert_eq!(q.remove(k), Some("gone"));
        let order: Vec<_> = std::iter::from_fn(|| q.pop().map(|(_, v)| v)).collect();
        assert_eq!(order, vec!["a1", "a2", "b"]);
    }

    #[test]
    fn clock_only_moves_forward() {
        let mut c = Clock::default();
        c.advance_to(5);
        c.advance_to(5);
        assert_eq!(c.now_ms(), 5);
        let r = std::panic::catch_unwind(move || {
            let mut c = c;
            c.advance_to(4)
        });
        assert!(r.is_err());
    }
}
