//! What a run or a replay did, per lane, and the closing table.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use shim::respond::Summary;

use crate::Lane;

/// One lane's counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub records: usize,
    pub ok: usize,
    pub dropped: usize,
    pub failed: usize,
    /// TEXT T fields cut to their width, across the lane's `Ok` records.
    pub truncated: usize,
    /// Failures by reason tag (`missing:CUST_NO`), and `Lambda.FunctionError` for batches
    /// whose invocation failed.
    pub reasons: BTreeMap<String, usize>,
    /// Invocations (batches).
    pub batches: usize,
    /// Time spent in the handler.
    pub handler_time: Duration,
    /// Each record's age when transformed (now minus its `occurredAt`), in milliseconds: the
    /// values the functions emit as `EventAgeMs`; records that failed before `occurredAt` was
    /// read have none.
    pub ages_ms: Vec<u64>,
}

impl Tally {
    /// Counts one invocation that returned a response for `records` records.
    pub fn count_batch(&mut self, records: usize, summary: &Summary) {
        self.batches += 1;
        self.records += records;
        self.ok += summary.ok;
        self.dropped += summary.dropped;
        self.failed += summary.failed;
        self.truncated += summary.truncated;
        self.handler_time += summary.elapsed;
        self.ages_ms.extend_from_slice(&summary.ages_ms);
        for (reason, count) in &summary.reasons {
            *self.reasons.entry(reason.clone()).or_default() += count;
        }
    }

    /// Counts one invocation that failed as a whole: every record failed with `code`.
    pub fn count_failed_batch(&mut self, records: usize, code: &str) {
        self.batches += 1;
        self.records += records;
        self.failed += records;
        *self.reasons.entry(code.to_owned()).or_default() += records;
    }

    /// Adds `other`'s counts to these.
    pub fn add(&mut self, other: &Tally) {
        self.records += other.records;
        self.ok += other.ok;
        self.dropped += other.dropped;
        self.failed += other.failed;
        self.truncated += other.truncated;
        self.batches += other.batches;
        self.handler_time += other.handler_time;
        self.ages_ms.extend_from_slice(&other.ages_ms);
        for (reason, count) in &other.reasons {
            *self.reasons.entry(reason.clone()).or_default() += count;
        }
    }
}

/// The outcome of a command.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub lanes: BTreeMap<Lane, Tally>,
    /// Every file written, in order.
    pub written: Vec<PathBuf>,
    /// Replay only: lines that were not error-output records.
    pub unreadable: usize,
    /// Run only: lines routed to one of the nine streams (0: nothing looked like System Two
    /// events).
    pub routed: usize,
    /// Wall time of the whole command.
    pub elapsed: Duration,
}

impl Report {
    pub fn total(&self) -> Tally {
        let mut total = Tally::default();
        for tally in self.lanes.values() {
            total.add(tally);
        }
        total
    }

    /// Adds another report's lanes and unreadable lines to this one's.
    pub fn absorb(&mut self, other: &Report) {
        for (lane, tally) in &other.lanes {
            self.lanes.entry(*lane).or_default().add(tally);
        }
        self.written.extend(other.written.iter().cloned());
        self.unreadable += other.unreadable;
        self.routed += other.routed;
    }

    /// Everything came back `Ok` or `Dropped` and every line was readable.
    pub fn all_succeeded(&self) -> bool {
        self.unreadable == 0 && self.lanes.values().all(|tally| tally.failed == 0)
    }

    /// The closing table: one row per lane that saw records, then the total.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<20} {:>8} {:>8} {:>8} {:>8} {:>8} {:>12}  reasons",
            "stream", "records", "Ok", "Dropped", "Failed", "batches", "records/s"
        );
        let mut row = |name: &str, tally: &Tally| {
            let reasons: Vec<String> =
                tally.reasons.iter().map(|(reason, count)| format!("{reason} ×{count}")).collect();
            let _ = writeln!(
                out,
                "{name:<20} {:>8} {:>8} {:>8} {:>8} {:>8} {:>12}  {}",
                tally.records,
                tally.ok,
                tally.dropped,
                tally.failed,
                tally.batches,
                rate(tally.records, tally.handler_time),
                reasons.join(", ")
            );
        };
        for (lane, tally) in &self.lanes {
            row(lane.name(), tally);
        }
        let total = self.total();
        row("total", &total);
        let _ = writeln!(out, "{:<20} {:>12} {:>12} {:>12}", "event age", "min", "median", "max");
        for (lane, tally) in &self.lanes {
            if let Some(ages) = AgeFigures::of(&tally.ages_ms) {
                let _ = writeln!(out, "{:<20} {ages}", lane.name());
            }
        }
        let _ = writeln!(
            out,
            "{} records in {:.3} s ({} records/s end to end, {} in the handler){}",
            total.records,
            self.elapsed.as_secs_f64(),
            rate(total.records, self.elapsed),
            rate(total.records, total.handler_time),
            if self.unreadable > 0 { format!("; {} unreadable lines kept", self.unreadable) } else { String::new() }
        );
        out
    }
}

/// The event-age figures of a lane: min, median and max of the records' ages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgeFigures {
    pub min_ms: u64,
    pub median_ms: u64,
    pub max_ms: u64,
}

impl AgeFigures {
    /// The figures of `ages_ms`, `None` when no record's `occurredAt` was read. The median of an
    /// even count is the lower of the two middle values (an age that some record really had).
    pub fn of(ages_ms: &[u64]) -> Option<AgeFigures> {
        let mut sorted = ages_ms.to_vec();
        sorted.sort_unstable();
        let median_ms = *sorted.get(sorted.len().saturating_sub(1) / 2)?;
        Some(AgeFigures { min_ms: *sorted.first()?, median_ms, max_ms: *sorted.last()? })
    }
}

impl std::fmt::Display for AgeFigures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:>12} {:>12} {:>12}", age(self.min_ms), age(self.median_ms), age(self.max_ms))
    }
}

/// An age as a person reads it: milliseconds under a minute (`61.250 s` is shown `1m 01s`),
/// then the two largest units (`3h 04m`, `631d 12h`), since replays and samples can be old.
fn age(ms: u64) -> String {
    let secs = ms / 1000;
    match secs {
        0..=59 => format!("{secs}.{:03} s", ms % 1000),
        60..=3_599 => format!("{}m {:02}s", secs / 60, secs % 60),
        3_600..=86_399 => format!("{}h {:02}m", secs / 3_600, secs % 3_600 / 60),
        _ => format!("{}d {:02}h", secs / 86_400, secs % 86_400 / 3_600),
    }
}

/// Records per second, rounded; `-` when no time was measured.
fn rate(records: usize, time: Duration) -> String {
    let seconds = time.as_secs_f64();
    if records == 0 || seconds <= 0.0 {
        return "-".into();
    }
    format!("{:.0}", records as f64 / seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_figures_are_min_lower_median_and_max() {
        assert_eq!(AgeFigures::of(&[]), None);
        let figures = AgeFigures::of(&[9_000, 1_500, 61_250, 4_000]);
        assert_eq!(figures, Some(AgeFigures { min_ms: 1_500, median_ms: 4_000, max_ms: 61_250 }));
        assert_eq!(
            figures.map(|figures| figures.to_string()).as_deref(),
            Some("     1.500 s      4.000 s       1m 01s")
        );
        assert_eq!(AgeFigures::of(&[7]).map(|figures| figures.median_ms), Some(7));
        assert_eq!(age(3_600_000 + 4 * 60_000 + 59_999), "1h 04m");
        assert_eq!(age(631 * 86_400_000 + 12 * 3_600_000), "631d 12h");
    }

    #[test]
    fn the_table_gives_each_lane_its_event_ages() {
        let mut report = Report::default();
        let tally = Tally { records: 3, ok: 2, failed: 1, ages_ms: vec![2_000, 1_000], ..Tally::default() };
        report.lanes.insert(Lane::Stream(shim::Stream::Orders), tally);
        let table = report.table();
        assert!(table.contains("event age                     min       median          max\n"), "{table}");
        assert!(table.contains("orders                    1.000 s      1.000 s      2.000 s\n"), "{table}");
    }
}
