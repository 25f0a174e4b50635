//! What a run or a replay did, per lane, and the closing table.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

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
}

impl Tally {
    /// Adds `other`'s counts to these.
    pub fn add(&mut self, other: &Tally) {
        self.records += other.records;
        self.ok += other.ok;
        self.dropped += other.dropped;
        self.failed += other.failed;
        self.truncated += other.truncated;
        self.batches += other.batches;
        self.handler_time += other.handler_time;
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
    /// Replay only: lines that were not error-output records (kept under
    /// `errors/replay-unreadable/`).
    pub unreadable: usize,
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
        row("total", &self.total());
        let total = self.total();
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

/// Records per second, rounded; `-` when no time was measured.
fn rate(records: usize, time: Duration) -> String {
    let seconds = time.as_secs_f64();
    if records == 0 || seconds <= 0.0 {
        return "-".into();
    }
    format!("{:.0}", records as f64 / seconds)
}
