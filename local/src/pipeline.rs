//! Firehose's Lambda processor, in-process: per-lane buffers flushed by size or age, one
//! [`shim::respond::process`] call per batch, and the results written as the delivery stream
//! writes them.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use base64::Engine;
use jiff::Timestamp;
use shim::config::Config;
use shim::{Stream, Transformer};

use crate::batch::{self, Invocation, Pending, Verdict};
use crate::error_output::local_lambda_arn;
use crate::layout::{Prefix, Writer};
use crate::summary::{Report, Tally};
use crate::{Clock, Error, Lane};

/// Firehose's default processor `BufferSizeInMBs`: 1 MB (range 0.2 to 3).
pub const DEFAULT_BUFFER_MB: f64 = 1.0;
/// Firehose's default processor `BufferIntervalInSeconds`: 60 s (range 0 to 900).
pub const DEFAULT_INTERVAL_SECONDS: u64 = 60;
/// A MB as Firehose counts buffer sizes.
pub const MB: f64 = 1_048_576.0;

/// How the pipeline runs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The output folder (the bucket).
    pub out: PathBuf,
    /// Flush a lane's buffer before it would pass this many bytes of record data.
    pub buffer_bytes: usize,
    /// Flush a lane's buffer once its oldest record has waited this long.
    pub interval: Duration,
    /// `SYSTEM_ONE_TIMEZONE`, as the functions read it.
    pub config: Config,
    pub clock: Clock,
}

impl Settings {
    /// Firehose's defaults, the default time zone, the system clock.
    pub fn new(out: impl Into<PathBuf>) -> Result<Settings, Error> {
        Ok(Settings {
            out: out.into(),
            buffer_bytes: DEFAULT_BUFFER_MB as usize * MB as usize,
            interval: Duration::from_secs(DEFAULT_INTERVAL_SECONDS),
            config: Config::with_zone(None)?,
            clock: Clock::System,
        })
    }
}

#[derive(Debug, Default)]
struct Buffer {
    records: Vec<Pending>,
    bytes: usize,
    /// When the oldest record arrived: by this clock the interval runs...
    opened: Option<Instant>,
    /// ...and by this one the object is named and filed.
    opened_at: Option<Timestamp>,
}

/// The local delivery streams.
pub struct Pipeline {
    settings: Settings,
    buffers: BTreeMap<Lane, Buffer>,
    transformers: HashMap<Stream, Transformer>,
    writer: Writer,
    tallies: BTreeMap<Lane, Tally>,
    next_record: u64,
    started: Instant,
}

impl Pipeline {
    pub fn new(settings: Settings) -> Pipeline {
        let writer = Writer::new(&settings.out, settings.clock.seed());
        Pipeline {
            settings,
            buffers: BTreeMap::new(),
            transformers: HashMap::new(),
            writer,
            tallies: BTreeMap::new(),
            next_record: 0,
            started: Instant::now(),
        }
    }

    /// Takes in one record's bytes, as a producer puts them on the lane's stream.
    pub fn put(&mut self, lane: Lane, bytes: &[u8]) -> Result<(), Error> {
        let data = base64::engine::general_purpose::STANDARD.encode(bytes);
        let arrival_ms = self.settings.clock.now_ms();
        self.put_encoded(lane, Pending { data, arrival_ms, attempts_before: 0 })
    }

    /// Takes in a record as Firehose's `data`/`rawData` (base64 text, valid or not), with what
    /// an earlier attempt recorded about it.
    pub fn put_encoded(&mut self, lane: Lane, pending: Pending) -> Result<(), Error> {
        let size = pending.size();
        let limit = self.settings.buffer_bytes;
        let full = self
            .buffers
            .get(&lane)
            .is_some_and(|buffer| batch::is_full_before(buffer.records.len(), buffer.bytes, size, limit));
        if full {
            self.flush(lane)?;
        }
        let now = self.settings.clock.now();
        let buffer = self.buffers.entry(lane).or_default();
        buffer.opened.get_or_insert_with(Instant::now);
        buffer.opened_at.get_or_insert(now);
        buffer.records.push(pending);
        buffer.bytes += size;
        if buffer.bytes >= limit {
            self.flush(lane)?;
        }
        self.flush_due(Instant::now())
    }

    /// When the next buffer reaches its interval, if any holds records.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.buffers.values().filter_map(|buffer| buffer.opened).min().map(|opened| opened + self.settings.interval)
    }

    /// Flushes every buffer whose oldest record has waited the interval.
    pub fn flush_due(&mut self, now: Instant) -> Result<(), Error> {
        let interval = self.settings.interval;
        let due: Vec<Lane> = self
            .buffers
            .iter()
            .filter(|(_, buffer)| buffer.opened.is_some_and(|opened| now >= opened + interval))
            .map(|(lane, _)| *lane)
            .collect();
        for lane in due {
            self.flush(lane)?;
        }
        Ok(())
    }

    /// Flushes every buffer and reports.
    pub fn finish(mut self) -> Result<Report, Error> {
        let lanes: Vec<Lane> = self.buffers.keys().copied().collect();
        for lane in lanes {
            self.flush(lane)?;
        }
        Ok(Report {
            lanes: self.tallies,
            written: self.writer.written().to_vec(),
            unreadable: 0,
            elapsed: self.started.elapsed(),
        })
    }

    /// Writes lines a replay could not read, byte for byte.
    pub fn keep_unreadable(&mut self, content: &[u8]) -> Result<PathBuf, Error> {
        let now = self.settings.clock.now();
        self.writer.write(Prefix::Unreadable, "replay-unreadable", now, content)
    }

    /// One invocation: the lane's buffer through the function, the results onto disk.
    fn flush(&mut self, lane: Lane) -> Result<(), Error> {
        let Some(buffer) = self.buffers.remove(&lane).filter(|buffer| !buffer.records.is_empty()) else {
            return Ok(());
        };
        let opened_at = buffer.opened_at.unwrap_or_else(|| self.settings.clock.now());
        let verdicts = self.invoke(lane, &buffer.records)?;
        self.write(lane, opened_at, &Rendered::from_verdicts(verdicts))
    }

    /// Runs the records through the lane's function as one invocation, counted into the lane's
    /// tally; the verdicts are aligned with `records`.
    fn invoke(&mut self, lane: Lane, records: &[Pending]) -> Result<Vec<Verdict>, Error> {
        let first_record = self.next_record + 1;
        self.next_record += records.len() as u64;
        let lambda_arn = local_lambda_arn(lane.name());
        let invocation = Invocation {
            invocation_id: format!("{}-{}", lane.name(), self.next_record),
            record_prefix: lane.name(),
            first_record,
            lambda_arn: &lambda_arn,
            ended_ms: self.settings.clock.now_ms(),
        };
        let stream = lane.transformer_stream();
        let transformer = match self.transformers.entry(stream) {
            Entry::Occupied(started) => started.into_mut(),
            Entry::Vacant(slot) => slot.insert(Transformer::new(stream, self.settings.config.clone())),
        };
        let tally = self.tallies.entry(lane).or_default();
        batch::invoke(transformer, &invocation, records, tally)
    }

    /// Writes the batch's objects as the delivery stream does: one System One object and one
    /// error-output object, each only when it has content.
    fn write(&mut self, lane: Lane, opened_at: Timestamp, rendered: &Rendered) -> Result<(), Error> {
        if !rendered.data.is_empty() {
            self.writer.write(Prefix::Data, lane.name(), opened_at, &rendered.data)?;
        }
        if !rendered.errors.is_empty() {
            self.writer.write(Prefix::ProcessingFailed, lane.name(), opened_at, rendered.errors.as_bytes())?;
        }
        Ok(())
    }
}

/// A batch's verdicts as the delivery stream writes them.
#[derive(Debug, Default)]
struct Rendered {
    /// The System One lines, in record order.
    data: Vec<u8>,
    /// The error-output lines, in record order.
    errors: String,
}

impl Rendered {
    fn from_verdicts(verdicts: Vec<Verdict>) -> Rendered {
        let mut rendered = Rendered::default();
        for verdict in verdicts {
            match verdict {
                Verdict::Ok(line) => rendered.data.extend_from_slice(&line),
                Verdict::Dropped => {}
                Verdict::Failed(record) => rendered.errors.push_str(&record.line()),
            }
        }
        rendered
    }
}
