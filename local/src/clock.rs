//! Wall-clock time for arrival timestamps, S3-like prefixes and object names. A fixed clock
//! makes a run reproducible (tests, the examples in the docs).

use jiff::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// The system clock; object names get a per-process random part.
    System,
    /// Always this instant; object names are derived from their content alone.
    Fixed(Timestamp),
}

impl Clock {
    pub fn now(&self) -> Timestamp {
        match self {
            Clock::System => Timestamp::now(),
            Clock::Fixed(at) => *at,
        }
    }

    /// Milliseconds since the Unix epoch, as Firehose writes `arrivalTimestamp`.
    pub fn now_ms(&self) -> i64 {
        self.now().as_millisecond()
    }

    /// The seed of the random part of object names: constant for a fixed clock.
    pub fn seed(&self) -> u64 {
        match self {
            Clock::System => {
                u64::from(std::process::id()) ^ u64::try_from(Timestamp::now().as_nanosecond()).unwrap_or(0)
            }
            Clock::Fixed(_) => 0,
        }
    }
}

/// FNV-1a, 64 bits: a hash that is the same on every machine and Rust version.
pub fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.iter().chain(std::iter::once(&0xff)) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// A version-4-shaped UUID made from hashes of `parts` (Firehose ends object names with one).
pub fn uuid_like(parts: &[&[u8]]) -> String {
    let high = fnv1a(parts);
    let low = fnv1a(&[&high.to_be_bytes(), b"low"]);
    let high = (high & 0xffff_ffff_ffff_0fff) | 0x4000;
    let low = (low & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xffff,
        high & 0xffff,
        low >> 48,
        low & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_like_is_stable_and_shaped() {
        let id = uuid_like(&[b"customers", b"1"]);
        assert_eq!(id, uuid_like(&[b"customers", b"1"]));
        assert_ne!(id, uuid_like(&[b"customers", b"2"]));
        let groups: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
        assert_eq!(id.chars().nth(14), Some('4'));
    }

    #[test]
    fn fixed_clock_is_fixed() {
        let at: Timestamp = "2026-11-20T15:04:05.123Z".parse().unwrap();
        let clock = Clock::Fixed(at);
        assert_eq!(clock.now_ms(), 1_795_187_045_123);
        assert_eq!(clock.seed(), 0);
    }
}
