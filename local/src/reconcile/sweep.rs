//! One stream over the window, hour by hour: each raw record of an hour is matched against the
//! output of the hours around it (the margin), and each hour is settled as soon as nothing read
//! later can change it, so that memory holds `2 × margin + 1` output partitions and what is
//! still unmatched, whatever the window.
//!
//! With window `[from, to)` and margin `m` hours: raw records are read for `[from − m, to + m)`
//! and output for `[from − 2m, to + 2m)`. A record of hour `h` matches output of `[h − m,
//! h + m]`. Records of the hours outside the window only account for output (so a line of hour
//! `from` that came from a record of `from − 1` is not unexpected); they are never reported
//! missing, and output of the hours outside the window is never reported unexpected.
//!
//! Per record: its line (or, failing, its original bytes) is taken from the first hour of the
//! margin that holds a copy; a record whose line is not there but whose bytes are in the error
//! output counts `in_error_output`. Once output hour `d` can match no more records (after hour
//! `d + m`), its copies left over pair with records of `[d − m, d + m]` left over by
//! (record type, action, key fields, UPDATED_AT): `differing`; the rest are `unexpected`. Once
//! record hour `e`'s output hours are all settled (after output hour `e + m`), its records left
//! over are `missing`, and the hour is reported.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::rc::Rc;

use shim::{Stream, Transformer};

use super::expect::{expected, pairing_key, Expected};
use super::hour::{Hour, Prefixes};
use super::partition::{Delivered, ObjectIndex};
use super::repair::{self, PlannedObject, RepairKind};
use super::report::{Counts, Detail, HourReport};
use super::store::ObjectStore;
use super::{read, Options, ReconcileError};

/// A raw record whose outcome is not (yet) found.
#[derive(Debug)]
struct Unmatched {
    source_key: Rc<str>,
    want: Want,
}

#[derive(Debug)]
enum Want {
    Line(Vec<u8>),
    Failure { raw: Vec<u8>, reason: String },
}

/// What is known of one hour of records so far.
#[derive(Debug, Default)]
struct Tally {
    counts: Counts,
    details: Vec<Detail>,
    left_off: u64,
    /// Today's lines of differing records, for `include_differing`.
    differing_lines: Vec<u8>,
    unmatched: Vec<Option<Unmatched>>,
}

impl Tally {
    fn detail(&mut self, cap: usize, detail: Detail) {
        if self.details.len() < cap {
            self.details.push(detail);
        } else {
            self.left_off += 1;
        }
    }
}

/// A stream's sweep.
pub(crate) struct Sweep<'a> {
    store: &'a dyn ObjectStore,
    options: &'a Options,
    stream: Stream,
    transformer: Transformer,
    from: Hour,
    to: Hour,
    margin: i64,
    /// Output partitions loaded, consecutive hours.
    delivered: VecDeque<Delivered>,
    tallies: BTreeMap<Hour, Tally>,
}

/// A settled hour: its report and what a repair would write for it.
pub(crate) type Settled = (HourReport, Vec<PlannedObject>);

impl<'a> Sweep<'a> {
    pub(crate) fn new(
        store: &'a dyn ObjectStore,
        options: &'a Options,
        stream: Stream,
    ) -> Result<Self, ReconcileError> {
        let transformer = Transformer::new(stream, options.config.clone());
        let (from, to) = options.hours();
        let margin = i64::from(options.margin_hours);
        Ok(Sweep {
            store,
            options,
            stream,
            transformer,
            from,
            to,
            margin,
            delivered: VecDeque::new(),
            tallies: BTreeMap::new(),
        })
    }

    /// Runs the sweep; `settled` hears of each hour of the window, in order.
    pub(crate) fn run(mut self, settled: &mut dyn FnMut(Settled)) -> Result<(), ReconcileError> {
        let m = self.margin;
        let mut next_output = self.from.plus(-2 * m);
        let mut hour = self.from.plus(-m);
        while hour < self.to.plus(m) {
            while next_output <= hour.plus(m) {
                self.delivered.push_back(Delivered::load(self.store, self.stream.name(), next_output)?);
                next_output = next_output.plus(1);
            }
            self.records(hour)?;
            self.settle_output(hour.plus(-m));
            self.settle_records(hour.plus(-2 * m), settled);
            hour = hour.plus(1);
        }
        while let Some(front) = self.delivered.front().map(|partition| partition.hour) {
            self.settle_output(front);
        }
        let left: Vec<Hour> = self.tallies.keys().copied().collect();
        for hour in left {
            self.settle_records(hour, settled);
        }
        Ok(())
    }

    fn in_window(&self, hour: Hour) -> bool {
        self.from <= hour && hour < self.to
    }

    /// Reads the raw records of `hour` and takes what each must have left from the output.
    fn records(&mut self, hour: Hour) -> Result<(), ReconcileError> {
        let prefix = Prefixes::new(self.stream.name(), hour).source;
        let mut tally = Tally::default();
        for key in self.store.list(&prefix)? {
            let content = super::fetch(self.store, &key)?;
            let source_key: Rc<str> = key.into();
            for raw in read::records(&content) {
                tally.counts.records += 1;
                let want = match expected(&self.transformer, raw) {
                    Expected::Dropped => {
                        tally.counts.dropped += 1;
                        continue;
                    }
                    Expected::Line(line) => {
                        if self.take(hour, |partition| partition.take_line(&line)) {
                            continue;
                        }
                        if self.take(hour, |partition| partition.take_failure(raw)) {
                            tally.counts.in_error_output += 1;
                            continue;
                        }
                        Want::Line(line)
                    }
                    Expected::Failure(reason) => {
                        tally.counts.failed += 1;
                        if self.take(hour, |partition| partition.take_failure(raw)) {
                            continue;
                        }
                        Want::Failure { raw: raw.to_vec(), reason }
                    }
                };
                tally.unmatched.push(Some(Unmatched { source_key: Rc::clone(&source_key), want }));
            }
        }
        self.tallies.insert(hour, tally);
        Ok(())
    }

    /// Takes a copy from the first output hour of `[hour − m, hour + m]` that has one.
    fn take(&mut self, hour: Hour, mut found: impl FnMut(&mut Delivered) -> bool) -> bool {
        let (low, high) = (hour.plus(-self.margin), hour.plus(self.margin));
        self.delivered.iter_mut().filter(|partition| low <= partition.hour && partition.hour <= high).any(&mut found)
    }

    /// Settles output hour `hour` (the front partition): what is left pairs as differing with
    /// a record left over, or is unexpected.
    fn settle_output(&mut self, hour: Hour) {
        if self.delivered.front().is_none_or(|partition| partition.hour != hour) {
            return;
        }
        let Some(partition) = self.delivered.pop_front() else { return };
        let mut pairs = self.leftover_index(hour);
        let report_unexpected = self.in_window(hour);
        let mut lines: Vec<(&Box<[u8]>, &Vec<ObjectIndex>)> = partition.lines.iter().collect();
        lines.sort();
        for (line, copies) in lines {
            for object in copies {
                let pair = pairing_key(self.stream, line).and_then(|key| pairs.get_mut(&key)).and_then(Vec::pop);
                if let Some((record_hour, at)) = pair {
                    self.differing(record_hour, at, line, partition.key(*object));
                } else if report_unexpected {
                    self.unexpected(hour, "unexpected-line", partition.key(*object), text(line));
                }
            }
        }
        if !report_unexpected {
            return;
        }
        let mut failures: Vec<(&Box<[u8]>, &Vec<ObjectIndex>)> = partition.failures.iter().collect();
        failures.sort();
        for (raw, copies) in failures {
            for object in copies {
                self.unexpected(hour, "unexpected-failure", partition.key(*object), base64(raw));
            }
        }
        for (object, line) in &partition.unreadable {
            self.unexpected(hour, "unreadable-error-line", partition.key(*object), text(line));
        }
    }

    /// The records of `[hour − m, hour + m]` left over, by pairing key: (record hour, place).
    fn leftover_index(&self, hour: Hour) -> HashMap<Vec<u8>, Vec<(Hour, usize)>> {
        let mut index: HashMap<Vec<u8>, Vec<(Hour, usize)>> = HashMap::new();
        for (record_hour, tally) in self.tallies.range(hour.plus(-self.margin)..=hour.plus(self.margin)) {
            for (at, unmatched) in tally.unmatched.iter().enumerate().rev() {
                if let Some(Unmatched { want: Want::Line(line), .. }) = unmatched {
                    if let Some(key) = pairing_key(self.stream, line) {
                        index.entry(key).or_default().push((*record_hour, at));
                    }
                }
            }
        }
        // Pop takes the earliest record first.
        for places in index.values_mut() {
            places.sort_by(|a, b| b.cmp(a));
        }
        index
    }

    fn differing(&mut self, record_hour: Hour, at: usize, delivered: &[u8], delivered_key: &str) {
        let cap = self.options.max_details;
        let include = self.options.include_differing;
        let in_window = self.in_window(record_hour);
        let Some(tally) = self.tallies.get_mut(&record_hour) else { return };
        let Some(Some(Unmatched { source_key, want: Want::Line(line) })) =
            tally.unmatched.get_mut(at).map(Option::take)
        else {
            return;
        };
        if !in_window {
            return;
        }
        tally.counts.differing += 1;
        if include {
            tally.differing_lines.extend_from_slice(&line);
        }
        let detail = Detail {
            kind: "differing",
            key: source_key.to_string(),
            expected: Some(text(&line)),
            delivered: Some(text(delivered)),
            delivered_key: Some(delivered_key.to_owned()),
        };
        tally.detail(cap, detail);
    }

    fn unexpected(&mut self, hour: Hour, kind: &'static str, key: &str, delivered: String) {
        let cap = self.options.max_details;
        let tally = self.tallies.entry(hour).or_default();
        tally.counts.unexpected += 1;
        tally.detail(
            cap,
            Detail { kind, key: key.to_owned(), expected: None, delivered: Some(delivered), delivered_key: None },
        );
    }

    /// Settles record hour `hour`: what is left over is missing; reports it when in the window.
    fn settle_records(&mut self, hour: Hour, settled: &mut dyn FnMut(Settled)) {
        let Some(mut tally) = self.tallies.remove(&hour) else {
            if self.in_window(hour) {
                settled((
                    HourReport {
                        hour: hour.label(),
                        counts: Counts::default(),
                        details: Vec::new(),
                        details_left_off: 0,
                    },
                    Vec::new(),
                ));
            }
            return;
        };
        if !self.in_window(hour) {
            return;
        }
        let cap = self.options.max_details;
        let (mut lines, mut line_count, mut failures, mut failure_count) = (Vec::new(), 0, String::new(), 0);
        for unmatched in std::mem::take(&mut tally.unmatched).into_iter().flatten() {
            tally.counts.missing += 1;
            let key = unmatched.source_key.to_string();
            let detail = match unmatched.want {
                Want::Line(line) => {
                    let shown = text(&line);
                    lines.extend_from_slice(&line);
                    line_count += 1;
                    Detail { kind: "missing-line", key, expected: Some(shown), delivered: None, delivered_key: None }
                }
                Want::Failure { raw, reason } => {
                    failures.push_str(&repair::failure_line(hour, &raw, &reason));
                    failure_count += 1;
                    Detail {
                        kind: "missing-failure",
                        key,
                        expected: Some(base64(&raw)),
                        delivered: None,
                        delivered_key: None,
                    }
                }
            };
            tally.detail(cap, detail);
        }
        let mut plan = Vec::new();
        if line_count > 0 {
            plan.push(repair::object(self.stream, hour, RepairKind::MissingLines, line_count, lines));
        }
        if failure_count > 0 {
            plan.push(repair::object(
                self.stream,
                hour,
                RepairKind::MissingFailures,
                failure_count,
                failures.into_bytes(),
            ));
        }
        if !tally.differing_lines.is_empty() {
            let count = usize::try_from(tally.counts.differing).unwrap_or(usize::MAX);
            plan.push(repair::object(self.stream, hour, RepairKind::DifferingLines, count, tally.differing_lines));
        }
        let report = HourReport {
            hour: hour.label(),
            counts: tally.counts,
            details: tally.details,
            details_left_off: tally.left_off,
        };
        settled((report, plan));
    }
}

/// A line as the report shows it: text, without its `\n`.
fn text(line: &[u8]) -> String {
    String::from_utf8_lossy(line.strip_suffix(b"\n").unwrap_or(line)).into_owned()
}

fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
