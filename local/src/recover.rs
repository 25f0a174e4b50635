//! `firehose-local replay s3://BUCKET/errors/...`: the bucket's error output back to System One
//! in one command that is safe to run twice.
//!
//! Each error-output object under the prefix is read (plain or gzip), its records are run
//! through the current transformation, grouped by the stream they came from, and then, per
//! source object, in this order:
//!
//! 1. a journal object `errors/replay-journal/<id>.json` is read, or written when absent: it
//!    fixes the instant the outputs are named after (the UTC hour of the first attempt) and,
//!    for a Kinesis target, which records are already on the stream;
//! 2. the outputs are written: recovered lines as one new object per stream under
//!    `system-one/<stream>/YYYY/MM/DD/HH/` of the target bucket (or the records put on the
//!    stream's Kinesis data stream), still-failing records as error-output lines under
//!    `errors/<stream>/processing-failed/YYYY/MM/DD/HH/` of the source bucket. Their keys
//!    derive from the source's key and content and the journal's instant, and an output that
//!    already exists is left as it is, so a rerun after a crash writes nothing twice;
//! 3. the source is moved to `errors/<stream>/replayed/<its key below errors/<stream>/>`, and
//!    the journal deleted.
//!
//! A source with a line that is not an error-output record, or with records that could not be
//! put on Kinesis, is not moved: it is reported, and a rerun picks it up again.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;

use base64::Engine;
use futures_util::StreamExt;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use shim::config::Config;
use shim::{Stream, Transformer};

use crate::aws::{s3_error, Clients};
use crate::batch::{self, Invocation, Pending, Verdict};
use crate::error_output::ErrorRecord;
use crate::kinesis::{self, Entry, Retry};
use crate::layout::{folder, object_name, Prefix};
use crate::object::{delete, exists, get, put};
use crate::{route, Clock, Error, Lane, Report};
use testkit::ids::{fnv1a, uuid_like};

/// Where the journal objects live (never read as sources).
pub const JOURNAL_PREFIX: &str = "errors/replay-journal/";
/// The folder, under `errors/<stream>/`, that replayed sources are moved to.
pub const REPLAYED: &str = "replayed";

/// Where recovered records go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// System One objects under `system-one/` of this bucket.
    S3 { bucket: String },
    /// The raw events back onto this Kinesis data stream (`{stream}` replaced by the stream).
    Kinesis { name: String },
}

/// How a bucket replay runs.
#[derive(Debug, Clone)]
pub struct Options {
    pub bucket: String,
    /// Under `errors/`.
    pub prefix: String,
    pub target: Target,
    pub dry_run: bool,
    pub forced: Option<Stream>,
    pub config: Config,
    pub clock: Clock,
    pub retry: Retry,
    /// Records of one invocation: at most this many bytes (Firehose's processor buffer).
    pub buffer_bytes: usize,
    /// Source objects replayed at the same time.
    pub concurrency: usize,
    /// Tests only: the move step fails, as after a crash between writing and moving.
    pub fail_move: bool,
}

/// What a bucket replay did (or, dry, would do).
#[derive(Debug, Clone, Default)]
pub struct Recovery {
    /// Per lane: records, recovered (Ok, Dropped), still failing, by reason.
    pub report: Report,
    /// Source objects read.
    pub sources: usize,
    /// Source objects moved to `replayed/`, by the stream folder they were in.
    pub moved: BTreeMap<String, usize>,
    /// Sources left in place, with why.
    pub not_moved: Vec<(String, String)>,
    /// Lines that are not error-output records: source key and line number (1-based).
    pub unreadable: Vec<(String, usize)>,
    /// Objects written (`s3://bucket/key`), or that a dry run would write.
    pub written: Vec<String>,
    /// Outputs found already written by an earlier, interrupted run, and left as they were.
    pub kept: usize,
    /// Records put on Kinesis (or, dry, to put).
    pub put: usize,
    /// Records that could not be put: stream, source key, code, count.
    pub unput: Vec<(String, String, String, usize)>,
    /// Kinesis calls retried (throttled whole) and entries retried.
    pub retried_calls: usize,
    pub retried_entries: usize,
    /// Dry run: the moves that would be made, source → destination.
    pub planned_moves: Vec<(String, String)>,
}

impl Recovery {
    /// Adds one source's outcome.
    fn absorb(&mut self, other: Recovery) {
        self.report.absorb(&other.report);
        for (stream, count) in other.moved {
            *self.moved.entry(stream).or_default() += count;
        }
        self.not_moved.extend(other.not_moved);
        self.unreadable.extend(other.unreadable);
        self.written.extend(other.written);
        self.kept += other.kept;
        self.put += other.put;
        self.unput.extend(other.unput);
        self.retried_calls += other.retried_calls;
        self.retried_entries += other.retried_entries;
        self.planned_moves.extend(other.planned_moves);
    }

    /// Every record recovered, every line readable, every source moved.
    pub fn complete(&self) -> bool {
        self.report.all_succeeded() && self.unreadable.is_empty() && self.unput.is_empty() && self.not_moved.is_empty()
    }
}

/// The journal of one source.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Journal {
    source: String,
    /// The instant the outputs are named after, in milliseconds since the Unix epoch.
    at_ms: i64,
    /// The source's place in the run that first replayed it: the first part of its outputs'
    /// names, so that they sort in the order of their sources.
    #[serde(default)]
    sequence: u32,
    /// The error-output objects this source's replay writes: not sources while it is pending.
    #[serde(default)]
    outputs: Vec<String>,
    /// Kinesis target: the records (by position among the source's recovered ones, per stream)
    /// already put.
    #[serde(default)]
    put: BTreeMap<String, BTreeSet<usize>>,
}

/// One source object's records after the transformation, per lane.
#[derive(Debug, Default)]
struct Transformed {
    /// System One lines, per lane, for an S3 target.
    data: BTreeMap<Lane, Vec<u8>>,
    /// Raw events that now pass (Ok), per lane, for a Kinesis target.
    events: BTreeMap<Lane, Vec<Vec<u8>>>,
    /// Error-output lines, per lane.
    errors: BTreeMap<Lane, String>,
    unreadable: Vec<usize>,
}

/// What a replay reports as it goes, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// The sources are listed: how many, and their stored size.
    Listed { objects: usize, bytes: u64 },
    /// One source is done: its stored size.
    Done { bytes: u64 },
}

/// Runs the replay of every source object under the prefix, `options.concurrency` objects at
/// a time (their S3 calls overlap; the transformation runs on this thread between them);
/// `progress` hears of the listing (objects, bytes) and of each object done (its bytes). An
/// error stops the run: the objects in flight stop
/// where they are, which a rerun completes (the journals make that safe).
pub async fn recover(clients: &Clients, options: &Options, progress: impl Fn(Progress)) -> Result<Recovery, Error> {
    let started = std::time::Instant::now();
    let mut sources = list_sources(clients, &options.bucket, &options.prefix).await?;
    let pending = pending_outputs(clients, &options.bucket, options.dry_run).await?;
    sources.retain(|(key, _)| !pending.contains(key));
    progress(Progress::Listed { objects: sources.len(), bytes: sources.iter().map(|(_, size)| size).sum() });
    let mut transformers = HashMap::new();
    for stream in Stream::ALL {
        let transformer = Transformer::new(stream, options.config.clone());
        transformers.insert(stream, transformer);
    }
    let mut recovery = Recovery { sources: sources.len(), ..Recovery::default() };
    let transformers = &transformers;
    let progress = &progress;
    // One instant for the whole run, and each source's position: its outputs' names sort in
    // source order (the hour folders, then the object names, are the order an import job reads).
    let at_ms = options.clock.now_ms();
    // Records of one entity must reach Kinesis in order: one source at a time there.
    let concurrency = if matches!(options.target, Target::Kinesis { .. }) { 1 } else { options.concurrency.max(1) };
    let mut outcomes = futures_util::stream::iter(sources.into_iter().enumerate())
        .map(|(sequence, (key, size))| async move {
            let mut outcome = Recovery::default();
            let place = Place { at_ms, sequence: u32::try_from(sequence).unwrap_or(u32::MAX) };
            replay_source(clients, options, &key, place, transformers, &mut outcome).await?;
            progress(Progress::Done { bytes: size });
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

/// Every object under the prefix but journals, replayed sources and folder markers, sorted.
async fn list_sources(clients: &Clients, bucket: &str, prefix: &str) -> Result<Vec<(String, u64)>, Error> {
    let mut found = list_keys(clients, bucket, prefix).await?;
    found.retain(|(key, _)| is_source(key));
    Ok(found)
}

/// Every key under a prefix with its size, sorted.
async fn list_keys(clients: &Clients, bucket: &str, prefix: &str) -> Result<Vec<(String, u64)>, Error> {
    let mut pages = clients.s3.list_objects_v2().bucket(bucket).prefix(prefix).into_paginator().send();
    let mut found = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|error| s3_error("list", bucket, prefix, error))?;
        for object in page.contents() {
            let Some(key) = object.key() else { continue };
            found.push((key.to_owned(), object.size().and_then(|size| u64::try_from(size).ok()).unwrap_or(0)));
        }
    }
    found.sort();
    Ok(found)
}

/// The error outputs of replays that were interrupted before their source moved: written by
/// a replay of a source that is still there, so not sources themselves until it has moved.
///
/// A journal whose source is gone belongs to a replay stopped between moving the source and
/// deleting the journal: its work is done, so it is deleted (not by a dry run) and its outputs
/// are ordinary error output again.
async fn pending_outputs(
    clients: &Clients,
    bucket: &str,
    dry_run: bool,
) -> Result<std::collections::HashSet<String>, Error> {
    let journals = list_keys(clients, bucket, JOURNAL_PREFIX).await?;
    let mut outputs = std::collections::HashSet::new();
    for (key, _) in journals {
        let Some(journal) =
            get(clients, bucket, &key).await?.and_then(|bytes| serde_json::from_slice::<Journal>(&bytes).ok())
        else {
            continue;
        };
        if exists(clients, bucket, &journal.source).await? {
            outputs.extend(journal.outputs);
        } else if !dry_run {
            delete(clients, bucket, &key).await?;
        }
    }
    Ok(outputs)
}

/// Whether a key is error output to replay: not a journal, not already replayed, not a folder.
pub fn is_source(key: &str) -> bool {
    if key.ends_with('/') || key.starts_with(JOURNAL_PREFIX) {
        return false;
    }
    let mut parts = key.split('/');
    !(parts.next() == Some("errors") && parts.next().is_some() && parts.next() == Some(REPLAYED))
}

/// Where a source moves: `errors/<stream>/replayed/<rest>`.
pub fn replayed_key(key: &str) -> String {
    let rest = key.strip_prefix("errors/").unwrap_or(key);
    match rest.split_once('/') {
        Some((stream, below)) => format!("errors/{stream}/{REPLAYED}/{below}"),
        None => format!("errors/{REPLAYED}/{rest}"),
    }
}

/// The stream folder of a source key (`errors/<this>/...`).
fn source_folder(key: &str) -> String {
    key.strip_prefix("errors/").and_then(|rest| rest.split_once('/')).map_or("errors", |(stream, _)| stream).to_owned()
}

/// Where a source stands in its run: the run's instant and the source's position.
#[derive(Debug, Clone, Copy)]
struct Place {
    at_ms: i64,
    sequence: u32,
}

async fn replay_source(
    clients: &Clients,
    options: &Options,
    key: &str,
    place: Place,
    transformers: &HashMap<Stream, Transformer>,
    recovery: &mut Recovery,
) -> Result<(), Error> {
    let bucket = &options.bucket;
    let stored = get(clients, bucket, key).await?.unwrap_or_default();
    let content = match unzip(&stored) {
        Ok(content) => content,
        Err(error) => {
            recovery.not_moved.push((key.to_owned(), format!("not gzip nor plain text: {error}")));
            return Ok(());
        }
    };
    let source_id =
        uuid_like(&[key.as_bytes(), &fnv1a(&[&stored]).to_be_bytes(), &(stored.len() as u64).to_be_bytes()]);
    let transformed = transform(options, key, &content, transformers, &mut recovery.report)?;
    recovery.unreadable.extend(transformed.unreadable.iter().map(|line| (key.to_owned(), *line)));

    let journal_key = format!("{JOURNAL_PREFIX}{source_id}.json");
    let existing = match get(clients, bucket, &journal_key).await? {
        Some(bytes) => serde_json::from_slice::<Journal>(&bytes).ok(),
        None => None,
    };
    let (at_ms, sequence) =
        existing.as_ref().map_or((place.at_ms, place.sequence), |journal| (journal.at_ms, journal.sequence));
    let at = Timestamp::from_millisecond(at_ms).unwrap_or_else(|_| options.clock.now());
    let name = |lane: Lane, kind: &str| {
        let uuid = uuid_like(&[source_id.as_bytes(), lane.name().as_bytes(), kind.as_bytes()]);
        format!("{sequence:08x}{}", uuid.get(8..).unwrap_or_default())
    };
    let error_outputs: Vec<(String, Vec<u8>)> = transformed
        .errors
        .iter()
        .map(|(lane, lines)| {
            (object_key(Prefix::ProcessingFailed, *lane, at, &name(*lane, "errors")), lines.clone().into_bytes())
        })
        .collect();
    let mut journal = existing.clone().unwrap_or_else(|| Journal {
        source: key.to_owned(),
        at_ms,
        sequence,
        outputs: error_outputs.iter().map(|(key, _)| key.clone()).collect(),
        put: BTreeMap::new(),
    });
    if existing.is_none() && !options.dry_run {
        put_journal(clients, bucket, &journal_key, &journal).await?;
    }

    let mut complete = transformed.unreadable.is_empty();
    if !complete {
        let lines: Vec<String> = transformed.unreadable.iter().map(usize::to_string).collect();
        recovery.not_moved.push((key.to_owned(), format!("unreadable line(s) {}", lines.join(", "))));
    }
    match &options.target {
        Target::S3 { bucket: target } => {
            for (lane, data) in &transformed.data {
                let out = object_key(Prefix::Data, *lane, at, &name(*lane, "data"));
                write_once(clients, options.dry_run, target, &out, data.clone(), recovery).await?;
            }
        }
        Target::Kinesis { name: template } => {
            for (lane, events) in &transformed.events {
                let Lane::Stream(stream) = lane else { continue };
                let stream_name = template.replace("{stream}", stream.name());
                let done = journal.put.entry(stream.name().to_owned()).or_default();
                let todo: Vec<usize> = (0..events.len()).filter(|i| !done.contains(i)).collect();
                let entries: Vec<Entry> = todo
                    .iter()
                    .filter_map(|i| events.get(*i))
                    .map(|event| Entry {
                        partition_key: kinesis::partition_key(*stream, event)
                            .unwrap_or_else(|| kinesis::fallback_key(event)),
                        data: event.clone(),
                    })
                    .collect();
                if options.dry_run {
                    recovery.put += entries.len();
                    continue;
                }
                let outcome = kinesis::put_all(&clients.kinesis, &stream_name, &entries, options.retry).await?;
                recovery.put += outcome.put;
                recovery.retried_calls += outcome.retried_calls;
                recovery.retried_entries += outcome.retried_entries;
                let failed: BTreeSet<usize> = outcome.failed.iter().map(|(i, _)| *i).collect();
                done.extend(todo.iter().enumerate().filter(|(n, _)| !failed.contains(n)).map(|(_, i)| *i));
                if !outcome.failed.is_empty() {
                    complete = false;
                    let mut codes: BTreeMap<String, usize> = BTreeMap::new();
                    for (_, code) in &outcome.failed {
                        *codes.entry(code.clone()).or_default() += 1;
                    }
                    for (code, count) in codes {
                        recovery.unput.push((stream_name.clone(), key.to_owned(), code, count));
                    }
                }
                put_journal(clients, bucket, &journal_key, &journal).await?;
            }
        }
    }
    for (out, content) in error_outputs {
        write_once(clients, options.dry_run, bucket, &out, content, recovery).await?;
    }
    if !complete {
        return Ok(());
    }
    let destination = replayed_key(key);
    if options.dry_run {
        recovery.planned_moves.push((key.to_owned(), destination));
        return Ok(());
    }
    move_object(clients, options, key, &destination).await?;
    delete(clients, bucket, &journal_key).await?;
    *recovery.moved.entry(source_folder(key)).or_default() += 1;
    Ok(())
}

fn object_key(prefix: Prefix, lane: Lane, at: Timestamp, uuid: &str) -> String {
    let path = folder(prefix, lane.name(), at).join(object_name(lane.name(), at, uuid));
    path.to_string_lossy().into_owned()
}

/// Gunzips gzip content (Firehose's `GZIP` compression, concatenated members too); plain
/// content is returned as it is.
fn unzip(stored: &[u8]) -> std::io::Result<Vec<u8>> {
    if !stored.starts_with(&[0x1f, 0x8b]) {
        return Ok(stored.to_vec());
    }
    let mut content = Vec::new();
    flate2::read::MultiGzDecoder::new(stored).read_to_end(&mut content)?;
    Ok(content)
}

/// Runs a source's records through the transformation, per lane in invocations of at most
/// `buffer_bytes`.
fn transform(
    options: &Options,
    key: &str,
    content: &[u8],
    transformers: &HashMap<Stream, Transformer>,
    report: &mut Report,
) -> Result<Transformed, Error> {
    let from_path = route::lane_for_path(std::path::Path::new(key));
    let now_ms = options.clock.now_ms();
    let to_kinesis = matches!(options.target, Target::Kinesis { .. });
    // Per lane, the records and (aligned) the ARNs of the functions they failed in.
    let mut lanes: BTreeMap<Lane, (Vec<Pending>, Vec<String>)> = BTreeMap::new();
    let mut transformed = Transformed::default();
    for (number, line) in content.split(|byte| *byte == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let Some(mut record) = ErrorRecord::read(line) else {
            transformed.unreadable.push(number + 1);
            continue;
        };
        let lane = crate::replay::lane_of(&record, options.forced, from_path);
        let (pendings, arns) = lanes.entry(lane).or_default();
        arns.push(std::mem::take(&mut record.lambda_arn));
        pendings.push(Pending::replayed(record, now_ms));
    }
    for (lane, (pendings, arns)) in lanes {
        let stream = lane.transformer_stream();
        let transformer = transformers.get(&stream).ok_or(Error::NoFunction { stream })?;
        let tally = report.lanes.entry(lane).or_default();
        let mut offset = 0;
        for chunk in chunks(&pendings, options.buffer_bytes) {
            let chunk_arns = arns.get(offset..offset + chunk.len()).unwrap_or_default();
            offset += chunk.len();
            let arn = chunk_arns.first().cloned().unwrap_or_default();
            let invocation = Invocation {
                invocation_id: format!("replay-{}", uuid_like(&[key.as_bytes(), lane.name().as_bytes()])),
                record_prefix: lane.name(),
                first_record: u64::try_from(tally.records).unwrap_or(0) + 1,
                lambda_arn: &arn,
                ended_ms: options.clock.now_ms(),
            };
            let verdicts = batch::invoke(transformer, &invocation, chunk, tally)?;
            for ((verdict, pending), arn) in verdicts.into_iter().zip(chunk).zip(chunk_arns) {
                match verdict {
                    // Only what the target takes: the raw event for Kinesis, else the line.
                    Verdict::Ok(_) if to_kinesis => {
                        if let Ok(event) = base64::engine::general_purpose::STANDARD.decode(&pending.data) {
                            transformed.events.entry(lane).or_default().push(event);
                        }
                    }
                    Verdict::Ok(line) => transformed.data.entry(lane).or_default().extend_from_slice(&line),
                    Verdict::Dropped => {}
                    Verdict::Failed(mut record) => {
                        // Keep the source's own ARN (the deployed function), not the batch's first.
                        if !arn.is_empty() {
                            record.lambda_arn.clone_from(arn);
                        }
                        transformed.errors.entry(lane).or_default().push_str(&record.line());
                    }
                }
            }
        }
    }
    Ok(transformed)
}

/// Consecutive records of at most `limit` bytes of data (at least one record each).
fn chunks(records: &[Pending], limit: usize) -> Vec<&[Pending]> {
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    for (i, pending) in records.iter().enumerate() {
        let size = pending.size();
        if batch::is_full_before(i - start, bytes, size, limit) {
            chunks.extend(records.get(start..i));
            start = i;
            bytes = 0;
        }
        bytes += size;
    }
    chunks.extend(records.get(start..).filter(|rest| !rest.is_empty()));
    chunks
}

async fn put_journal(clients: &Clients, bucket: &str, key: &str, journal: &Journal) -> Result<(), Error> {
    let content = serde_json::to_vec(journal).map_err(|source| Error::Journal {
        bucket: bucket.to_owned(),
        key: key.to_owned(),
        source,
    })?;
    put(clients, bucket, key, content).await
}

/// Writes an output unless it is there already (written by an interrupted run).
async fn write_once(
    clients: &Clients,
    dry_run: bool,
    bucket: &str,
    key: &str,
    content: Vec<u8>,
    recovery: &mut Recovery,
) -> Result<(), Error> {
    let exists = exists(clients, bucket, key).await?;
    if exists {
        recovery.kept += 1;
        return Ok(());
    }
    if !dry_run {
        put(clients, bucket, key, content).await?;
    }
    recovery.written.push(format!("s3://{bucket}/{key}"));
    Ok(())
}

/// Copies the source to its `replayed/` key, then deletes it.
async fn move_object(clients: &Clients, options: &Options, key: &str, destination: &str) -> Result<(), Error> {
    let bucket = &options.bucket;
    if options.fail_move {
        return Err(Error::S3 {
            action: "move",
            bucket: bucket.clone(),
            key: key.to_owned(),
            code: "simulated failure (--fail-move)".to_owned(),
            source: None,
        });
    }
    clients
        .s3
        .copy_object()
        .bucket(bucket)
        .key(destination)
        .copy_source(format!("{bucket}/{}", encode_key(key)))
        .send()
        .await
        .map_err(|error| s3_error("copy", bucket, key, error))?;
    delete(clients, bucket, key).await
}

/// A key percent-encoded for `x-amz-copy-source` (slashes kept).
fn encode_key(key: &str) -> String {
    let mut encoded = String::with_capacity(key.len());
    for byte in key.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~/".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_and_their_moves() {
        assert!(is_source("errors/orders/processing-failed/2026/11/20/15/orders-1-x"));
        assert!(!is_source("errors/orders/replayed/processing-failed/2026/11/20/15/orders-1-x"));
        assert!(!is_source("errors/replay-journal/abc.json"));
        assert!(!is_source("errors/orders/"));
        assert_eq!(
            replayed_key("errors/orders/processing-failed/2026/11/20/15/o"),
            "errors/orders/replayed/processing-failed/2026/11/20/15/o"
        );
        assert_eq!(replayed_key("errors/o"), "errors/replayed/o");
        assert_eq!(encode_key("errors/a b+c/$x"), "errors/a%20b%2Bc/%24x");
    }

    #[test]
    fn chunks_stay_within_the_buffer() {
        let record = |bytes: usize| Pending { data: "A".repeat(bytes / 3 * 4), arrival_ms: 0, attempts_before: 0 };
        let records = [record(300), record(600), record(300), record(1500), record(3)];
        let sizes: Vec<usize> = chunks(&records, 1000).iter().map(|chunk| chunk.len()).collect();
        assert_eq!(sizes, [2, 1, 1, 1]);
        assert!(chunks(&[], 1000).is_empty());
    }

    #[test]
    fn gzip_and_plain_read_alike() {
        use std::io::Write;
        let mut zipped = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        zipped.write_all(b"{\"rawData\":\"e30=\"}\n").unwrap();
        let zipped = zipped.finish().unwrap();
        assert_eq!(unzip(&zipped).unwrap(), b"{\"rawData\":\"e30=\"}\n");
        assert_eq!(unzip(b"plain\n").unwrap(), b"plain\n");
        assert!(unzip(&[0x1f, 0x8b, 0]).is_err());
    }
}
