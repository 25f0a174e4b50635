//! Firehose's Lambda processor, in-process: per-lane buffers flushed by size or age
//! ([`crate::buffers`]), one [`shim::respond::process`] call per batch, and, per flushed batch,
//! the plan of what the delivery stream writes for it (its keyed objects), handed to a
//! [`Deliver`] that applies it (through [`crate::store`]). Beside it, the raw-event backup
//! ([`crate::backup`]): every record the stream received, buffered by the S3 destination's hints.
//! A run holds no more than its open buffers, whatever the size of its input.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use base64::Engine;
use jiff::Timestamp;
use shim::config::Config;
use shim::{Stream, Transformer};

use crate::backup;
use crate::batch::{self, Invocation, Pending, Verdict};
use crate::buffers::{Batch, Buffers, Hints};
use crate::error_output::{local_lambda_arn, ErrorRecord};
use crate::ids::uuid_like;
use crate::layout::{object_key, Prefix};
use crate::store::Object;
use crate::summary::{Report, Tally};
use crate::{Clock, Error, Lane};

/// Firehose's default processor `BufferSizeInMBs`: 1 MB (range 0.2 to 3).
pub const DEFAULT_BUFFER_MB: f64 = 1.0;
/// Firehose's default processor `BufferIntervalInSeconds`: 60 s (range 0 to 900).
pub const DEFAULT_INTERVAL_SECONDS: u64 = 60;
/// A MB as Firehose counts buffer sizes.
pub const MB: f64 = 1_048_576.0;
/// The largest record Kinesis (`PutRecord`) and Firehose take: 1 MiB of data.
pub const MAX_RECORD_BYTES: usize = 1_048_576;
/// The error code of a record over [`MAX_RECORD_BYTES`]: what Kinesis answers `PutRecord`.
pub const TOO_LARGE: &str = "Kinesis.ValidationException";

/// How the pipeline runs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The output folder of [`crate::run::run`] (a command gives its own store instead).
    pub out: PathBuf,
    /// Flush a lane's buffer before it would pass this many bytes of record data.
    pub buffer_bytes: usize,
    /// Flush a lane's buffer once its oldest record has waited this long.
    pub interval: Duration,
    /// The raw-event backup's buffering: the S3 destination's hints ([`backup::DEFAULT_HINTS`]).
    pub backup: Hints,
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
            backup: backup::DEFAULT_HINTS,
            config: Config::with_zone(None)?,
            clock: Clock::System,
        })
    }
}

/// Applies the plan of one flushed batch: its objects, written before the run goes on.
pub trait Deliver {
    fn deliver(&mut self, objects: Vec<Object>) -> Result<(), Error>;
}

/// The names of the objects: `<uuid>` from the clock's seed and a count, as Firehose's random
/// part (reproducible with a fixed clock).
#[derive(Debug)]
struct Names {
    seed: u64,
    count: u64,
    backups: u64,
}

impl Names {
    fn key(&mut self, prefix: Prefix, lane: Lane, at: Timestamp) -> String {
        let stream = lane.name();
        let uuid = if prefix == Prefix::Source {
            self.backups += 1;
            let parts: [&[u8]; 5] = [
                b"source",
                stream.as_bytes(),
                &self.seed.to_be_bytes(),
                &self.backups.to_be_bytes(),
                &at.as_millisecond().to_be_bytes(),
            ];
            uuid_like(&parts)
        } else {
            self.count += 1;
            let parts: [&[u8]; 4] = [
                stream.as_bytes(),
                &self.seed.to_be_bytes(),
                &self.count.to_be_bytes(),
                &at.as_millisecond().to_be_bytes(),
            ];
            uuid_like(&parts)
        };
        object_key(prefix, stream, at, &uuid)
    }
}

/// The local delivery streams.
pub struct Pipeline<'d> {
    settings: Settings,
    buffers: Buffers<Pending>,
    backup: Buffers<Vec<u8>>,
    transformers: HashMap<Stream, Transformer>,
    deliver: &'d mut dyn Deliver,
    names: Names,
    tallies: BTreeMap<Lane, Tally>,
    next_record: u64,
    started: Instant,
}

impl<'d> Pipeline<'d> {
    pub fn new(settings: Settings, deliver: &'d mut dyn Deliver) -> Pipeline<'d> {
        let hints = Hints { bytes: settings.buffer_bytes, interval: settings.interval };
        Pipeline {
            buffers: Buffers::new(hints),
            backup: Buffers::new(settings.backup),
            transformers: HashMap::new(),
            deliver,
            names: Names { seed: settings.clock.seed(), count: 0, backups: 0 },
            tallies: BTreeMap::new(),
            next_record: 0,
            started: Instant::now(),
            settings,
        }
    }

    /// Takes in one record's bytes, as a producer puts them on the lane's stream (a System Two
    /// event and the `\n` the API's mapping template ends it with): kept in the raw backup, and
    /// buffered for the function. A record over Kinesis's and Firehose's 1 MiB never reaches the
    /// stream in AWS (`PutRecord` refuses it): it is neither backed up nor transformed, but
    /// written to the lane's error output with the code AWS answers ([`TOO_LARGE`]), so that it
    /// is seen and not lost.
    pub fn put(&mut self, lane: Lane, bytes: &[u8]) -> Result<(), Error> {
        self.put_received(lane, bytes, true)
    }

    /// [`put`](Self::put), with `back_up` false for a record read back from the raw backup
    /// itself (a reprocess of `s3://BUCKET/source/...`): it is in the backup already, once, as
    /// System Two sent it, and a second copy would make the backup claim it was sent twice.
    pub fn put_received(&mut self, lane: Lane, bytes: &[u8], back_up: bool) -> Result<(), Error> {
        let data = base64::engine::general_purpose::STANDARD.encode(bytes);
        let arrival_ms = self.settings.clock.now_ms();
        if bytes.len() > MAX_RECORD_BYTES {
            return self.refuse(lane, Pending { data, arrival_ms, attempts_before: 0 }, bytes.len());
        }
        if back_up {
            let closed = self.backup.push(lane, bytes.to_vec(), bytes.len(), Instant::now(), self.settings.clock.now());
            self.write_backups(closed)?;
        }
        self.put_encoded(lane, Pending { data, arrival_ms, attempts_before: 0 })
    }

    /// Writes a record AWS would refuse to its lane's error output, at once, counted as failed.
    fn refuse(&mut self, lane: Lane, pending: Pending, size: usize) -> Result<(), Error> {
        let now = self.settings.clock.now();
        let record = ErrorRecord {
            attempts_made: 0,
            arrival_timestamp: pending.arrival_ms,
            error_code: TOO_LARGE.to_owned(),
            error_message: format!(
                "record of {size} bytes: over the {MAX_RECORD_BYTES} bytes Kinesis and Firehose take per record; \
                 PutRecord would refuse it and it would never reach the function"
            ),
            attempt_ending_timestamp: pending.arrival_ms,
            raw_data: pending.data,
            lambda_arn: String::new(),
        };
        self.next_record += 1;
        let tally = self.tallies.entry(lane).or_default();
        tally.count_failed_batch(1, TOO_LARGE);
        tally.batches -= 1;
        let key = self.names.key(Prefix::ProcessingFailed, lane, now);
        self.deliver.deliver(vec![Object { key, content: record.line().into_bytes() }])
    }

    /// Takes in a record as Firehose's `data`/`rawData` (base64 text, valid or not), with what
    /// an earlier attempt recorded about it.
    pub fn put_encoded(&mut self, lane: Lane, pending: Pending) -> Result<(), Error> {
        let size = pending.size();
        let closed = self.buffers.push(lane, pending, size, Instant::now(), self.settings.clock.now());
        for batch in closed {
            self.flush(batch)?;
        }
        self.flush_due(Instant::now())
    }

    /// When the next buffer (processor or backup) reaches its interval, if any holds records.
    pub fn next_deadline(&self) -> Option<Instant> {
        [self.buffers.next_deadline(), self.backup.next_deadline()].into_iter().flatten().min()
    }

    /// Flushes every buffer whose oldest record has waited the interval.
    pub fn flush_due(&mut self, now: Instant) -> Result<(), Error> {
        for batch in self.buffers.due(now) {
            self.flush(batch)?;
        }
        let due = self.backup.due(now);
        self.write_backups(due)
    }

    /// Flushes every buffer and reports (`written` is the [`Deliver`]'s to tell).
    pub fn finish(mut self) -> Result<Report, Error> {
        for batch in self.buffers.drain() {
            self.flush(batch)?;
        }
        let rest = self.backup.drain();
        self.write_backups(rest)?;
        Ok(Report {
            lanes: self.tallies,
            written: Vec::new(),
            unreadable: 0,
            routed: 0,
            elapsed: self.started.elapsed(),
        })
    }

    /// One invocation: the batch through the function, the plan of its objects applied.
    fn flush(&mut self, batch: Batch<Pending>) -> Result<(), Error> {
        let verdicts = self.invoke(batch.lane, &batch.items)?;
        let plan = self.plan(batch.lane, batch.opened_at, Rendered::from_verdicts(verdicts));
        self.deliver.deliver(plan)
    }

    /// Gzips closed backup buffers and applies them, one object each.
    fn write_backups(&mut self, batches: Vec<Batch<Vec<u8>>>) -> Result<(), Error> {
        for batch in batches {
            let key = self.names.key(Prefix::Source, batch.lane, batch.opened_at);
            let content = backup::gzip(&batch.items)?;
            self.deliver.deliver(vec![Object { key, content }])?;
        }
        Ok(())
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

    /// The batch's objects as the delivery stream writes them: one System One object and one
    /// error-output object, each only when it has content, filed by the batch's oldest arrival.
    fn plan(&mut self, lane: Lane, opened_at: Timestamp, rendered: Rendered) -> Vec<Object> {
        let mut objects = Vec::new();
        if !rendered.data.is_empty() {
            let key = self.names.key(Prefix::Data, lane, opened_at);
            objects.push(Object { key, content: rendered.data });
        }
        if !rendered.errors.is_empty() {
            let key = self.names.key(Prefix::ProcessingFailed, lane, opened_at);
            objects.push(Object { key, content: rendered.errors.into_bytes() });
        }
        objects
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
