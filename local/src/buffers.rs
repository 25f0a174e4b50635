//! The one batching engine: per-lane buffers that close as Firehose's buffers close, by size
//! (a buffer never passes its size hint, but a single larger record goes alone; a buffer that
//! reaches the hint closes) or by age (its oldest record has waited the interval hint).
//!
//! Everything that batches cuts here: the pipeline's processor buffers (`BufferSizeInMBs`,
//! `BufferIntervalInSeconds` of the Lambda processor), its raw-backup buffers (the S3
//! destination's hints), and the replay's invocations (the processor's size, no interval).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use jiff::Timestamp;

use crate::Lane;

/// When a buffer closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hints {
    /// Close before the buffer would pass this many bytes, and once it holds this many.
    pub bytes: usize,
    /// Close once the oldest item has waited this long (`Duration::MAX`: never by age).
    pub interval: Duration,
}

/// A closed buffer: a lane's items in arrival order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch<T> {
    pub lane: Lane,
    pub items: Vec<T>,
    pub bytes: usize,
    /// When its oldest item arrived (Firehose's `!{timestamp:...}` and object names use it).
    pub opened_at: Timestamp,
}

#[derive(Debug)]
struct Open<T> {
    items: Vec<T>,
    bytes: usize,
    /// By this clock the interval runs...
    opened: Instant,
    /// ...and by this one the batch is named and filed.
    opened_at: Timestamp,
}

/// Whether a buffer holding `held_records` records of `held_bytes` bytes must close before a
/// record of `size` bytes joins it: Firehose never lets a batch pass its size hint, except a
/// batch of one record larger than the hint.
pub fn is_full_before(held_records: usize, held_bytes: usize, size: usize, limit: usize) -> bool {
    held_records > 0 && held_bytes + size > limit
}

/// One buffer per lane.
#[derive(Debug)]
pub struct Buffers<T> {
    hints: Hints,
    open: BTreeMap<Lane, Open<T>>,
}

impl<T> Buffers<T> {
    pub fn new(hints: Hints) -> Buffers<T> {
        Buffers { hints, open: BTreeMap::new() }
    }

    /// Adds an item of `size` bytes to its lane's buffer, arrived at `now` (`at` by the wall
    /// clock). Returns the batches that close, oldest first: the buffer as it was, when the
    /// item would take it past the size hint; the buffer with the item, once it reaches the
    /// hint.
    pub fn push(&mut self, lane: Lane, item: T, size: usize, now: Instant, at: Timestamp) -> Vec<Batch<T>> {
        let mut closed = Vec::new();
        let full = self
            .open
            .get(&lane)
            .is_some_and(|open| is_full_before(open.items.len(), open.bytes, size, self.hints.bytes));
        if full {
            closed.extend(self.take(lane));
        }
        let open =
            self.open.entry(lane).or_insert_with(|| Open { items: Vec::new(), bytes: 0, opened: now, opened_at: at });
        open.items.push(item);
        open.bytes += size;
        if open.bytes >= self.hints.bytes {
            closed.extend(self.take(lane));
        }
        closed
    }

    /// When the next buffer reaches its interval, if any holds items.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.open.values().filter_map(|open| open.opened.checked_add(self.hints.interval)).min()
    }

    /// Closes every buffer whose oldest item has waited the interval by `now`, in lane order.
    pub fn due(&mut self, now: Instant) -> Vec<Batch<T>> {
        let interval = self.hints.interval;
        let due: Vec<Lane> = self
            .open
            .iter()
            .filter(|(_, open)| open.opened.checked_add(interval).is_some_and(|deadline| now >= deadline))
            .map(|(lane, _)| *lane)
            .collect();
        due.into_iter().filter_map(|lane| self.take(lane)).collect()
    }

    /// Closes every buffer, in lane order (the end of the input).
    pub fn drain(&mut self) -> Vec<Batch<T>> {
        let lanes: Vec<Lane> = self.open.keys().copied().collect();
        lanes.into_iter().filter_map(|lane| self.take(lane)).collect()
    }

    fn take(&mut self, lane: Lane) -> Option<Batch<T>> {
        let open = self.open.remove(&lane).filter(|open| !open.items.is_empty())?;
        Some(Batch { lane, items: open.items, bytes: open.bytes, opened_at: open.opened_at })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes_of(hints: Hints, sizes: &[usize]) -> Vec<Vec<usize>> {
        let mut buffers = Buffers::new(hints);
        let now = Instant::now();
        let mut batches = Vec::new();
        for size in sizes {
            batches.extend(buffers.push(Lane::Unrouted, *size, *size, now, Timestamp::UNIX_EPOCH));
            batches.extend(buffers.due(now));
        }
        batches.extend(buffers.drain());
        batches.into_iter().map(|batch| batch.items).collect()
    }

    #[test]
    fn cuts_within_the_size_hint() {
        let hints = Hints { bytes: 1000, interval: Duration::MAX };
        let batches = sizes_of(hints, &[300, 600, 300, 1500, 3, 997, 3]);
        assert_eq!(batches, [vec![300, 600], vec![300], vec![1500], vec![3, 997], vec![3]]);
        assert!(sizes_of(hints, &[]).is_empty());
    }

    #[test]
    fn an_interval_of_zero_closes_every_item_alone() {
        let batches = sizes_of(Hints { bytes: 1000, interval: Duration::ZERO }, &[1, 2, 3]);
        assert_eq!(batches, [vec![1], vec![2], vec![3]]);
    }

    #[test]
    fn lanes_buffer_apart_and_keep_their_oldest_arrival() {
        let mut buffers = Buffers::new(Hints { bytes: 10, interval: Duration::from_secs(60) });
        let now = Instant::now();
        let first: Timestamp = "2026-11-20T15:59:59Z".parse().unwrap();
        let later: Timestamp = "2026-11-20T16:00:01Z".parse().unwrap();
        let orders = Lane::Stream(shim::Stream::Orders);
        assert!(buffers.push(orders, 'a', 4, now, first).is_empty());
        assert!(buffers.push(Lane::Unrouted, 'x', 4, now, later).is_empty());
        let closed = buffers.push(orders, 'b', 6, now, later);
        assert_eq!(closed, [Batch { lane: orders, items: vec!['a', 'b'], bytes: 10, opened_at: first }]);
        assert_eq!(buffers.next_deadline(), Some(now + Duration::from_secs(60)));
        assert!(buffers.due(now).is_empty());
        assert_eq!(buffers.due(now + Duration::from_secs(60)).len(), 1);
        assert_eq!(buffers.next_deadline(), None);
    }

    #[test]
    fn a_batch_is_full_before_it_would_pass_the_hint() {
        assert!(!is_full_before(0, 0, 5000, 1000), "one large record goes alone");
        assert!(!is_full_before(2, 600, 400, 1000));
        assert!(is_full_before(2, 600, 401, 1000));
    }
}
