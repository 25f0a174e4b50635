//! `firehose-local replay`: Firehose error output back through the current transformation, in
//! one command that is safe to run twice, on a bucket or on a folder laid out like one.
//!
//! Each error-output object under the prefix is read (plain or gzip), its records are run
//! through the current transformation, grouped by the stream they came from, and then, per
//! source object, the plan ([`source`]) is applied through the stores ([`crate::store`]):
//!
//! 1. a journal `errors/replay-journal/<id>.json` is read, or written when absent (see
//!    [`journal`]);
//! 2. the outputs are created (never written over): recovered lines as one object per stream
//!    under `system-one/<stream>/YYYY/MM/DD/HH/` of the target (or the records put on the
//!    stream's Kinesis data stream), still-failing records as error-output lines under
//!    `errors/<stream>/processing-failed/YYYY/MM/DD/HH/`. Their keys derive from the source and
//!    the journal, so a rerun after a crash writes nothing twice;
//! 3. the source is moved to `errors/<stream>/replayed/<its key below errors/<stream>/>` and the
//!    journal deleted; a source outside the output folder is not moved, its journal stays,
//!    marked done, and a rerun skips it.
//!
//! A source whose records all fail again exactly as its lines say (nothing recovered) is left
//! as it is: a rerun with no fix in between writes nothing. A source with a line that is not an
//! error-output record, or with records that could not be put on Kinesis, is not moved: it is
//! reported, and a rerun picks it up again.

mod journal;
mod source;
mod transform;

use std::collections::{BTreeMap, HashMap};

use futures_util::StreamExt;
use shim::config::Config;
use shim::{Stream, Transformer};

pub use journal::{is_source, outputs_key, replayed_key, JOURNAL_PREFIX, OUTPUTS, REPLAYED};
pub use transform::lane_of;

use crate::kinesis::Retry;
use crate::store::{Listed, Store};
use crate::{Clock, Error, Report};

/// Where recovered records go.
#[derive(Debug, Clone)]
pub enum RecordsTo<T> {
    /// System One objects under `system-one/` of this store.
    Store(T),
    /// The raw events back onto this Kinesis data stream (`{stream}` replaced by the stream).
    Kinesis { client: aws_sdk_kinesis::Client, name: String },
}

/// How a replay runs.
#[derive(Debug, Clone)]
pub struct Options<T> {
    /// The prefix (a key, or the start of keys) of the sources in the source store.
    pub prefix: String,
    pub records_to: RecordsTo<T>,
    /// Sources are not moved (files outside the output folder): a `done` journal marks them.
    pub keep_sources: bool,
    /// Nothing is put on Kinesis (the stores are [`crate::store::DryRun`]s then).
    pub dry_run: bool,
    pub forced: Option<Stream>,
    pub config: Config,
    pub clock: Clock,
    pub retry: Retry,
    /// Records of one invocation: at most this many bytes (Firehose's processor buffer).
    pub buffer_bytes: usize,
    /// Source objects replayed at the same time.
    pub concurrency: usize,
}

/// What a replay did (or, dry, would do).
#[derive(Debug, Clone, Default)]
pub struct Recovery {
    /// Per lane: records, recovered (Ok, Dropped), still failing, by reason.
    pub report: Report,
    /// Source objects read.
    pub sources: usize,
    /// Source objects moved to `replayed/` (or, dry, to move), by the stream folder they were in.
    pub moved: BTreeMap<String, usize>,
    /// Sources left in place, with why.
    pub not_moved: Vec<(String, String)>,
    /// Sources whose records all failed again as before: left in place, nothing written.
    pub unchanged: usize,
    /// Sources skipped: replayed already (a `done` journal).
    pub done_before: usize,
    /// Lines that are not error-output records: source and line number (1-based).
    pub unreadable: Vec<(String, usize)>,
    /// Error-output records read.
    pub records_read: usize,
    /// Objects written (URLs), or that a dry run would write.
    pub written: Vec<String>,
    /// Outputs found already written by an earlier, interrupted run, and left as they were.
    pub kept: usize,
    /// Records put on Kinesis (or, dry, to put).
    pub put: usize,
    /// Records that could not be put: stream, source, code, count.
    pub unput: Vec<(String, String, String, usize)>,
    /// Kinesis calls retried (throttled whole) and entries retried.
    pub retried_calls: usize,
    pub retried_entries: usize,
}

impl Recovery {
    /// Adds one source's outcome.
    fn absorb(&mut self, other: Recovery) {
        self.report.absorb(&other.report);
        self.sources += other.sources;
        for (stream, count) in other.moved {
            *self.moved.entry(stream).or_default() += count;
        }
        self.not_moved.extend(other.not_moved);
        self.unchanged += other.unchanged;
        self.done_before += other.done_before;
        self.unreadable.extend(other.unreadable);
        self.records_read += other.records_read;
        self.written.extend(other.written);
        self.kept += other.kept;
        self.put += other.put;
        self.unput.extend(other.unput);
        self.retried_calls += other.retried_calls;
        self.retried_entries += other.retried_entries;
    }

    /// Adds the outcome of another replay (of another input).
    pub fn absorb_run(&mut self, other: Recovery) {
        self.report.elapsed += other.report.elapsed;
        self.absorb(other);
    }

    /// Every record recovered, every line readable, every source moved.
    pub fn complete(&self) -> bool {
        self.report.all_succeeded() && self.unreadable.is_empty() && self.unput.is_empty() && self.not_moved.is_empty()
    }

    /// Sources were read, yet not one line was a Firehose error-output record. (No source at
    /// all is not this: an empty prefix is one with nothing left to replay.)
    pub fn nothing_recognized(&self) -> bool {
        self.records_read == 0 && !self.unreadable.is_empty()
    }
}

/// What a replay reports as it goes, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// The sources are listed: how many, and their stored size.
    Listed { objects: usize, bytes: u64 },
    /// One source is done: its stored size.
    Done { bytes: u64 },
}

/// The stores a replay works on: where the sources are (listed, read, moved), where journals
/// and still-failing records go (the same store, unless the sources stay where they are).
#[derive(Debug, Clone, Copy)]
pub struct Stores<S, E> {
    pub sources: S,
    pub errors: E,
}

/// Replays every source under the prefix, `options.concurrency` at a time (their calls
/// overlap; the transformation runs on this thread between them); `progress` hears of the
/// listing and of each source done. An error stops the run: the sources in flight stop where
/// they are, which a rerun completes (the journals make that safe).
pub async fn replay<S: Store, E: Store, T: Store>(
    stores: Stores<S, E>,
    options: &Options<T>,
    progress: impl Fn(Progress),
) -> Result<Recovery, Error> {
    let started = std::time::Instant::now();
    let mut sources: Vec<Listed> = stores.sources.list(&options.prefix).await?;
    sources.retain(|listed| is_source(&listed.key));
    // A prefix that is a source's whole key (one file given) means that source alone, not also
    // its namesakes (`x` and `x.gz`).
    if sources.iter().any(|listed| listed.key == options.prefix) {
        sources.retain(|listed| listed.key == options.prefix);
    }
    if !options.keep_sources {
        let pending = journal::pending_outputs(&stores.sources, &stores.errors).await?;
        sources.retain(|listed| !pending.contains(&listed.key));
    }
    progress(Progress::Listed { objects: sources.len(), bytes: sources.iter().map(|listed| listed.size).sum() });
    let transformers: HashMap<Stream, Transformer> =
        Stream::ALL.into_iter().map(|stream| (stream, Transformer::new(stream, options.config.clone()))).collect();
    let mut recovery = Recovery { sources: sources.len(), ..Recovery::default() };
    let context =
        source::Context { stores: &stores, options, transformers: &transformers, at_ms: options.clock.now_ms() };
    let context = &context;
    let progress = &progress;
    // Records of one entity must reach Kinesis in order: one source at a time there.
    let concurrency =
        if matches!(options.records_to, RecordsTo::Kinesis { .. }) { 1 } else { options.concurrency.max(1) };
    let mut outcomes = futures_util::stream::iter(sources.into_iter().enumerate())
        .map(|(sequence, listed)| async move {
            let sequence = u32::try_from(sequence).unwrap_or(u32::MAX);
            let outcome = source::replay_source(context, &listed.key, sequence).await?;
            progress(Progress::Done { bytes: listed.size });
            Ok::<Recovery, Error>(outcome)
        })
        .buffered(concurrency);
    while let Some(outcome) = outcomes.next().await {
        recovery.absorb(outcome?);
    }
    recovery.report.unreadable = recovery.unreadable.len();
    recovery.report.elapsed = started.elapsed();
    Ok(recovery)
}
