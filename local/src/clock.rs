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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_is_fixed() {
        let at: Timestamp = "2026-11-20T15:04:05.123Z".parse().unwrap();
        let clock = Clock::Fixed(at);
        assert_eq!(clock.now_ms(), 1_795_187_045_123);
        assert_eq!(clock.seed(), 0);
    }
}
