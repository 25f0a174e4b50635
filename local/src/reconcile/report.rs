//! What a reconcile found, per stream and hour: the counts, the records and lines concerned
//! (capped), totals; as the `--json` line and as a table for a person.

use std::fmt::Write;

use serde::Serialize;

/// One record, line or object the report points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Detail {
    /// `missing-line`, `missing-failure`, `unexpected-line`, `unexpected-failure`,
    /// `unreadable-error-line` or `differing`.
    pub kind: &'static str,
    /// The object concerned: the backup object of a missing or differing record, the delivered
    /// object of an unexpected line.
    pub key: String,
    /// What today's code makes: the System One line (no `\n`), or for a failure the base64 of
    /// the record's original bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// What is in the bucket, likewise; for `differing`, the delivered line and its object
    /// (`delivered_key`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivered: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivered_key: Option<String>,
}

/// The counts of one stream and hour. Records, dropped, failed, missing and differing count
/// raw records of the hour's backup; unexpected counts delivered lines and error-output records
/// of the hour's output folders.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub records: u64,
    /// Heartbeats: nothing to deliver.
    pub dropped: u64,
    /// Records today's code fails (expected in the error output).
    pub failed: u64,
    /// Records today's code turns into a line but that were found in the error output (failed
    /// when delivered: an earlier version, a function error, Lambda's response size limit): not
    /// lost, a replay delivers them. Does not make the run unclean.
    pub in_error_output: u64,
    pub missing: u64,
    pub unexpected: u64,
    pub differing: u64,
}

impl Counts {
    pub fn add(&mut self, other: &Counts) {
        self.records += other.records;
        self.dropped += other.dropped;
        self.failed += other.failed;
        self.in_error_output += other.in_error_output;
        self.missing += other.missing;
        self.unexpected += other.unexpected;
        self.differing += other.differing;
    }

    /// Nothing missing, unexpected or differing.
    pub fn clean(&self) -> bool {
        self.missing == 0 && self.unexpected == 0 && self.differing == 0
    }
}

/// One stream's hour.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HourReport {
    /// `YYYY-MM-DDTHH:00Z`.
    pub hour: String,
    #[serde(flatten)]
    pub counts: Counts,
    /// At most the run's `max_details`, in the order found.
    pub details: Vec<Detail>,
    /// Details not listed for the cap.
    pub details_left_off: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StreamReport {
    pub stream: &'static str,
    #[serde(flatten)]
    pub counts: Counts,
    /// Every hour of the window with a record or a finding, in order.
    pub hours: Vec<HourReport>,
}

/// A whole reconcile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The window, `[from, to)`, and the margin read around it, in hours.
    pub from: String,
    pub to: String,
    pub margin_hours: u32,
    #[serde(flatten)]
    pub counts: Counts,
    pub streams: Vec<StreamReport>,
}

impl Report {
    /// Adds one stream's hour (streams and hours arrive in order).
    pub fn absorb(&mut self, stream: &'static str, hour: HourReport) {
        self.counts.add(&hour.counts);
        if self.streams.last().is_none_or(|last| last.stream != stream) {
            self.streams.push(StreamReport { stream, counts: Counts::default(), hours: Vec::new() });
        }
        if let Some(last) = self.streams.last_mut() {
            last.counts.add(&hour.counts);
            if hour.counts.records > 0 || !hour.counts.clean() {
                last.hours.push(hour);
            }
        }
    }

    /// The `--json` line: one compact object (no newline).
    pub fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A table for a person: one row per stream and hour with a finding, a total row per
    /// stream, then the details.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let header = ["stream", "hour", "records", "missing", "unexpected", "differing", "in-errors"];
        let _ = writeln!(
            out,
            "{:<20} {:<18} {:>9} {:>8} {:>10} {:>9} {:>9}",
            header[0], header[1], header[2], header[3], header[4], header[5], header[6]
        );
        let row = |out: &mut String, stream: &str, hour: &str, c: &Counts| {
            let _ = writeln!(
                out,
                "{stream:<20} {hour:<18} {:>9} {:>8} {:>10} {:>9} {:>9}",
                c.records, c.missing, c.unexpected, c.differing, c.in_error_output
            );
        };
        for stream in &self.streams {
            for hour in stream.hours.iter().filter(|hour| !hour.counts.clean()) {
                row(&mut out, stream.stream, &hour.hour, &hour.counts);
            }
            row(&mut out, stream.stream, "all", &stream.counts);
        }
        row(&mut out, "total", &format!("{} .. {}", self.from, self.to), &self.counts);
        for stream in &self.streams {
            for hour in &stream.hours {
                for detail in &hour.details {
                    let _ = writeln!(out, "{} {} {} {}", stream.stream, hour.hour, detail.kind, detail.key);
                    if let Some(expected) = &detail.expected {
                        let _ = writeln!(out, "    expected:  {expected}");
                    }
                    if let Some(delivered) = &detail.delivered {
                        let _ = writeln!(out, "    delivered: {delivered}");
                    }
                    if let Some(key) = &detail.delivered_key {
                        let _ = writeln!(out, "    in:        {key}");
                    }
                }
                if hour.details_left_off > 0 {
                    let _ = writeln!(out, "{} {} ... {} more", stream.stream, hour.hour, hour.details_left_off);
                }
            }
        }
        out
    }
}
