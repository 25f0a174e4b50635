//! Reconcile: prove from the raw events kept in the bucket that nothing was lost.
//!
//! For each stream and each hour of a window, every record of the raw backup
//! (`source/<stream>/YYYY/MM/DD/HH/`, see [`read`] for how an object splits into records) is
//! run through today's transformation ([`expect`]) and its outcome looked for where Firehose
//! would have put it: its System One line under `system-one/<stream>/`, its original bytes in
//! the error output (`errors/<stream>/processing-failed/` or, after a replay,
//! `errors/<stream>/replayed/processing-failed/`), nothing for a heartbeat. Output is matched
//! as a multiset, so a second copy of a line is `unexpected`; a line that is not today's but
//! is the same change of the same record is `differing` ([`expect::pairing_key`]).
//!
//! Hour boundaries ([`sweep`]): Firehose files an object under the hour of the approximate
//! arrival time of the oldest record it holds, and the backup and the output are buffered
//! separately, so a record's line can be filed an hour before or after its backup object. The
//! output is read `margin_hours` around each hour. One hour is enough when an object's records
//! arrive within an hour of each other: the processor's buffer interval (at most 900 s) plus
//! the destination's (at most 900 s) plus the time a batch spends in Lambda invocation retries
//! (the processor's retry duration); a delivery stream whose retries can hold a batch longer
//! needs `ceil((900 + 900 + retry seconds) / 3600)` hours.
//!
//! Memory: one stream at a time, one hour of raw records at a time, `2 × margin + 1` hours of
//! output, and what is still unmatched; never the window.
//!
//! The store is [`store::ObjectStore`] (list, get): a folder, memory, or the bucket behind the
//! storage interface. The repair ([`repair`]) is a plan: the objects to write, never applied
//! here.

pub mod expect;
pub mod hour;
mod partition;
pub mod read;
pub mod repair;
pub mod report;
pub mod store;
mod sweep;
pub mod view;

use jiff::Timestamp;
use shim::config::Config;
use shim::Stream;

pub use hour::Hour;
pub use repair::{PlannedObject, RepairKind};
pub use report::{Counts, Detail, HourReport, Report, StreamReport};
pub use store::{FolderStore, MemoryStore, ObjectStore, StoreError};
pub use view::StoreView;

/// The margin read around each hour when none is given: see the module's documentation.
pub const DEFAULT_MARGIN_HOURS: u32 = 1;
/// Details listed per stream and hour when no cap is given.
pub const DEFAULT_MAX_DETAILS: usize = 20;

/// How a reconcile runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// The streams, in report order.
    pub streams: Vec<Stream>,
    /// The window: from the hour holding `from` to the hour before the first starting at or
    /// after `to`.
    pub from: Timestamp,
    pub to: Timestamp,
    pub margin_hours: u32,
    /// `SYSTEM_ONE_TIMEZONE`, as the functions read it.
    pub config: Config,
    /// Details listed per stream and hour; the rest are counted.
    pub max_details: usize,
    /// The repair plan also writes today's line for differing records.
    pub include_differing: bool,
}

impl Options {
    /// Every stream, the default margin and cap, no differing lines in the plan.
    pub fn new(from: Timestamp, to: Timestamp, config: Config) -> Options {
        Options {
            streams: Stream::ALL.to_vec(),
            from,
            to,
            margin_hours: DEFAULT_MARGIN_HOURS,
            config,
            max_details: DEFAULT_MAX_DETAILS,
            include_differing: false,
        }
    }

    /// The window's hours, `[first, end)`.
    pub fn hours(&self) -> (Hour, Hour) {
        (Hour::of(self.from), Hour::ceil(self.to))
    }
}

/// What stops a reconcile.
#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An object that starts as gzip but does not decompress.
    #[error("cannot decompress {key}: {source}")]
    Gzip {
        key: String,
        #[source]
        source: std::io::Error,
    },
}

/// An object's content, gunzipped when it is gzip.
fn fetch(store: &dyn ObjectStore, key: &str) -> Result<Vec<u8>, ReconcileError> {
    read::decompress(store.get(key)?).map_err(|source| ReconcileError::Gzip { key: key.to_owned(), source })
}

/// Reconciles the window; `settled` hears of each stream's hours in order, with the objects a
/// repair would write for it (a caller that applies them as they come holds no more than an
/// hour's plan).
pub fn reconcile_each(
    store: &dyn ObjectStore,
    options: &Options,
    mut settled: impl FnMut(Stream, HourReport, Vec<PlannedObject>),
) -> Result<(), ReconcileError> {
    for stream in &options.streams {
        let sweep = sweep::Sweep::new(store, options, *stream)?;
        sweep.run(&mut |(report, plan)| settled(*stream, report, plan))?;
    }
    Ok(())
}

/// Reconciles the window: the report, and the whole repair plan.
pub fn reconcile(store: &dyn ObjectStore, options: &Options) -> Result<(Report, Vec<PlannedObject>), ReconcileError> {
    let (from, to) = options.hours();
    let mut report = Report {
        from: from.label(),
        to: to.label(),
        margin_hours: options.margin_hours,
        counts: Counts::default(),
        streams: Vec::new(),
    };
    let mut plan = Vec::new();
    reconcile_each(store, options, |stream, hour, objects| {
        report.absorb(stream.name(), hour);
        plan.extend(objects);
    })?;
    Ok((report, plan))
}

#[cfg(test)]
mod tests;
