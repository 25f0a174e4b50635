//! The sample events under `events/`, with their exact responses: the project's one set of
//! golden fixtures. Everything here is made from System Two event files by fixed rules, and
//! `shared/tests/events.rs` checks every made file against the checked-in one
//! (`UPDATE_EXPECT=1 cargo test -p system-one-shim --test events` rewrites them):
//!
//! - `events/<stream>.json`: a Firehose transformation event (Direct PUT shape) holding every
//!   line of the stream's pipeline sample `events/system-two/<stream>.jsonl`, then a record
//!   whose base64 was wrapped by a MIME encoder (bad base64) and one event of the next stream
//!   (a routing fault);
//! - `events/cases/<stream>.json`: every line of `events/cases/system-two/<stream>.jsonl` (one
//!   conversion, schema or rule case per line), then the Firehose-level faults no System Two
//!   line can show ([`FIREHOSE_FAULTS`]);
//! - `events/kinesis-source.json`: the customers sample as Firehose sends it from a Kinesis
//!   data stream source (`sourceKinesisStreamArn`, per-record `kinesisRecordMetadata`);
//! - `events/expected/<name>.json`: the decoded response the real handler gives for each.
//!
//! The pipeline sample (`events/system-two/`) is also what `firehose-local run` and its tests
//! read, so cases that only the function sees go to `events/cases/`, never there.

use std::fs;
use std::path::{Path, PathBuf};

use base64::Engine;
use serde::{Deserialize, Serialize};
use shim::config::Config;
use shim::firehose::{FirehoseEvent, FirehoseResponse, RecordResult};
use shim::{Stream, Transformer};

use crate::ids::uuid_like;

const REGION: &str = "us-east-1";
const ACCOUNT: &str = "123456789012";
/// 2026-11-20T15:04:05.152Z: when the sample batches arrived.
const ARRIVAL_MS: i64 = 1_795_187_045_152;

/// The name of the event file of the customers sample sent from a Kinesis data stream.
pub const KINESIS_SOURCE: &str = "kinesis-source";

/// The Firehose `data` values that are not the base64 of a System Two line, with what each
/// shows; every `events/cases/<stream>.json` ends with them, in this order.
pub const FIREHOSE_FAULTS: [(&str, &str); 7] = [
    ("!not base64!", "characters outside the base64 alphabet"),
    ("@@@@", "a whole quantum of characters outside the alphabet"),
    ("QR==", "padding after non-zero trailing bits (not canonical)"),
    ("YQ", "one byte without its padding"),
    ("eyJhIjoxfQ", "a JSON document without its padding"),
    ("e30=\n", "a trailing newline after the padding"),
    ("", "an empty record (no document at all)"),
];

/// Bytes that are not UTF-8 (a UTF-16 byte order mark and `{}`), sent base64-encoded after the
/// [`FIREHOSE_FAULTS`]: a producer that wrote UTF-16.
pub const NOT_UTF8: &[u8] = b"\xff\xfe{}";

/// Why a fixture cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("cannot convert the event: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the handler failed: {0}")]
    Handler(String),
    #[error("record {record_id} is Ok but its data is {what}")]
    BadOk { record_id: String, what: &'static str },
}

/// A Firehose transformation event as Firehose sends it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventFile {
    pub invocation_id: String,
    pub delivery_stream_arn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_kinesis_stream_arn: Option<String>,
    pub region: String,
    pub records: Vec<EventRecord>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventRecord {
    pub record_id: String,
    pub approximate_arrival_timestamp: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kinesis_record_metadata: Option<KinesisRecordMetadata>,
    pub data: String,
}

/// What Firehose adds to a record read from a Kinesis data stream.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KinesisRecordMetadata {
    pub shard_id: String,
    pub partition_key: String,
    pub approximate_arrival_timestamp: i64,
    pub sequence_number: String,
    pub subsequence_number: i64,
}

/// The decoded response: `Ok` records with their System One line as text, `Dropped` with `""`,
/// `ProcessingFailed` with their original data and the reason the function logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expected {
    pub records: Vec<ExpectedRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExpectedRecord {
    pub record_id: String,
    pub result: RecordResult,
    /// `Ok`: the decoded System One line; `Dropped`: empty; `ProcessingFailed`: the input
    /// `data` as it came in (base64, valid or not).
    pub data: String,
    /// `ProcessingFailed` only: the reason tag (not part of the Lambda response).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Which sample an event file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sample {
    /// The stream's pipeline sample and two Firehose-level faults.
    Pipeline,
    /// The stream's cases and every Firehose-level fault.
    Cases,
    /// The customers pipeline sample from a Kinesis data stream source.
    Kinesis,
}

/// Every event file name (the path under `events/` without `.json`), with the stream whose
/// function takes it.
pub fn event_names() -> Vec<(String, Stream)> {
    samples().into_iter().map(|(name, stream, _)| (name, stream)).collect()
}

fn samples() -> Vec<(String, Stream, Sample)> {
    let mut samples: Vec<(String, Stream, Sample)> =
        Stream::ALL.into_iter().map(|s| (s.name().to_owned(), s, Sample::Pipeline)).collect();
    samples.extend(Stream::ALL.into_iter().map(|s| (format!("cases/{}", s.name()), s, Sample::Cases)));
    samples.push((KINESIS_SOURCE.to_owned(), Stream::Customers, Sample::Kinesis));
    samples
}

/// The lines of the pipeline sample `events/system-two/<stream>.jsonl` under `root` (the
/// repository).
pub fn system_two_lines(root: &Path, stream: Stream) -> Result<Vec<Vec<u8>>, Error> {
    lines(&root.join("events/system-two").join(format!("{}.jsonl", stream.name())))
}

/// The lines of the stream's cases, `events/cases/system-two/<stream>.jsonl` under `root`.
pub fn case_lines(root: &Path, stream: Stream) -> Result<Vec<Vec<u8>>, Error> {
    lines(&root.join("events/cases/system-two").join(format!("{}.jsonl", stream.name())))
}

fn lines(path: &Path) -> Result<Vec<Vec<u8>>, Error> {
    let text = fs::read(path).map_err(|source| Error::Read { path: path.to_owned(), source })?;
    Ok(text.split(|byte| *byte == b'\n').filter(|line| !line.is_empty()).map(<[u8]>::to_vec).collect())
}

fn encode(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Base64 broken into 76-character lines with CRLF, as a MIME encoder writes it: a realistic
/// producer mistake that standard base64 refuses.
fn mime_base64(bytes: &[u8]) -> String {
    let plain = encode(bytes);
    let chunks: Vec<String> =
        plain.as_bytes().chunks(76).map(|chunk| String::from_utf8_lossy(chunk).into_owned()).collect();
    chunks.join("\r\n")
}

/// The Firehose `data` of every record of a sample, in order.
fn datas(root: &Path, stream: Stream, sample: Sample) -> Result<Vec<String>, Error> {
    match sample {
        Sample::Kinesis => Ok(system_two_lines(root, stream)?.iter().map(|line| encode(line)).collect()),
        Sample::Pipeline => {
            let lines = system_two_lines(root, stream)?;
            let index = Stream::ALL.iter().position(|s| *s == stream).unwrap_or(0);
            let next = Stream::ALL.get(index + 1).copied().unwrap_or(Stream::Customers);
            let mut datas: Vec<String> = lines.iter().map(|line| encode(line)).collect();
            datas.extend(lines.first().map(|first| mime_base64(first)));
            datas.extend(system_two_lines(root, next)?.first().map(|other| encode(other)));
            Ok(datas)
        }
        Sample::Cases => {
            let mut datas: Vec<String> = case_lines(root, stream)?.iter().map(|line| encode(line)).collect();
            datas.extend(FIREHOSE_FAULTS.iter().map(|(data, _)| (*data).to_owned()));
            datas.push(encode(NOT_UTF8));
            Ok(datas)
        }
    }
}

/// The event file `name` of `stream`.
fn event_file(root: &Path, name: &str, stream: Stream, sample: Sample) -> Result<EventFile, Error> {
    let index = Stream::ALL.iter().position(|s| *s == stream).unwrap_or(0);
    let kinesis = sample == Sample::Kinesis;
    let salt = match sample {
        Sample::Pipeline => index + 10,
        Sample::Cases => index + 20,
        Sample::Kinesis => 90,
    };
    let records = datas(root, stream, sample)?
        .into_iter()
        .enumerate()
        .map(|(i, data)| {
            let arrival = ARRIVAL_MS + 37 * i as i64;
            let kinesis_record_metadata = kinesis.then(|| KinesisRecordMetadata {
                shard_id: format!("shardId-{:012}", i % 2),
                partition_key: uuid_like(&[name.as_bytes(), b"partition", &i.to_be_bytes()]),
                approximate_arrival_timestamp: arrival - 412,
                sequence_number: format!("4965{:02}{:050}", salt, 7_000_031 * (i + 1)),
                subsequence_number: 0,
            });
            EventRecord {
                record_id: format!("4959{:02}{:050}", salt, i + 1),
                approximate_arrival_timestamp: arrival,
                kinesis_record_metadata,
                data,
            }
        })
        .collect();
    Ok(EventFile {
        invocation_id: uuid_like(&[name.as_bytes(), b"invocation"]),
        delivery_stream_arn: format!("arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/{}", stream.name()),
        source_kinesis_stream_arn: kinesis
            .then(|| format!("arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/{}", stream.name())),
        region: REGION.to_owned(),
        records,
    })
}

/// An event file as the function receives it.
pub fn firehose_event(file: &EventFile) -> Result<FirehoseEvent<'static>, Error> {
    let text = serde_json::to_string(file)?;
    let event: FirehoseEvent<'_> = serde_json::from_str(&text)?;
    Ok(event.into_owned())
}

/// A response decoded for reading and comparing; `reasons` aligned with its records.
pub fn decode(response: &FirehoseResponse, reasons: &[Option<String>]) -> Result<Expected, Error> {
    let records = response
        .records
        .iter()
        .enumerate()
        .map(|(i, record)| {
            let bad = |what| Error::BadOk { record_id: record.record_id.clone(), what };
            let data = match record.result {
                RecordResult::Ok => {
                    let bytes = base64::engine::general_purpose::STANDARD
                        .decode(&record.data)
                        .map_err(|_| bad("not base64"))?;
                    String::from_utf8(bytes).map_err(|_| bad("not UTF-8"))?
                }
                RecordResult::Dropped | RecordResult::ProcessingFailed => record.data.clone(),
            };
            Ok(ExpectedRecord {
                record_id: record.record_id.clone(),
                result: record.result,
                data,
                reason: reasons.get(i).cloned().flatten(),
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(Expected { records })
}

/// The decoded response of the real handler (default time zone) to an event, with the reason
/// of each failed record.
pub fn respond(event: FirehoseEvent, stream: Stream) -> Result<Expected, Error> {
    let config = Config::with_zone(None).map_err(|error| Error::Handler(error.to_string()))?;
    let transformer = Transformer::new(stream, config);
    let handled = shim::respond::process(&transformer, event).map_err(|error| Error::Handler(error.to_string()))?;
    let reasons: Vec<Option<String>> =
        handled.records.iter().map(|outcome| outcome.reason.map(|reason| reason.tag().to_string())).collect();
    decode(&handled.response(), &reasons)
}

/// Pretty JSON with a final newline, as the files are written.
pub fn pretty<T: Serialize>(value: &T) -> Result<String, Error> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    Ok(text)
}

/// Every generated file: its path relative to `root` (the repository) and its content.
pub fn generate(root: &Path) -> Result<Vec<(PathBuf, String)>, Error> {
    let mut files = Vec::new();
    for (name, stream, sample) in samples() {
        let file = event_file(root, &name, stream, sample)?;
        let expected = respond(firehose_event(&file)?, stream)?;
        files.push((PathBuf::from(format!("events/{name}.json")), pretty(&file)?));
        files.push((PathBuf::from(format!("events/expected/{name}.json")), pretty(&expected)?));
    }
    Ok(files)
}
