//! The checked-in sample events under `events/`, generated from the System Two event files
//! `events/system-two/<stream>.jsonl` (run `cargo run -p firehose-local --example gen_events`;
//! `tests/events.rs` fails when a checked-in file differs from what this generates):
//!
//! - `events/<stream>.json`: a Firehose transformation event (Direct PUT shape) holding every
//!   line of the stream's System Two file, then a record whose base64 was wrapped by a MIME
//!   encoder (bad base64) and one event of the next stream (a routing fault);
//! - `events/kinesis-source.json`: the customers lines as Firehose sends them from a Kinesis
//!   data stream source (`sourceKinesisStreamArn`, per-record `kinesisRecordMetadata`);
//! - `events/expected/<name>.json`: the decoded response the real handler gives for each.

use std::fs;
use std::path::{Path, PathBuf};

use base64::Engine;
use serde::{Deserialize, Serialize};
use shim::config::Config;
use shim::firehose::{FirehoseEvent, FirehoseResponse, RecordResult};
use shim::{Stream, Transformer};

use crate::Error;
use testkit::ids::uuid_like;

const REGION: &str = "us-east-1";
const ACCOUNT: &str = "123456789012";
/// 2026-11-20T15:04:05.152Z: when the sample batches arrived.
const ARRIVAL_MS: i64 = 1_795_187_045_152;

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

/// The name of an event file: a stream's name, or `kinesis-source`.
pub const KINESIS_SOURCE: &str = "kinesis-source";

/// Every event file name, with the stream whose function takes it.
pub fn event_names() -> Vec<(String, Stream)> {
    let mut names: Vec<(String, Stream)> = Stream::ALL.into_iter().map(|s| (s.name().to_owned(), s)).collect();
    names.push((KINESIS_SOURCE.to_owned(), Stream::Customers));
    names
}

/// The lines of `events/system-two/<stream>.jsonl` under `root` (the repository).
pub fn system_two_lines(root: &Path, stream: Stream) -> Result<Vec<Vec<u8>>, Error> {
    let path = root.join("events/system-two").join(format!("{}.jsonl", stream.name()));
    let text = fs::read(&path).map_err(|error| Error::io("read", &path, error))?;
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

/// The event file for `name` (a stream or `kinesis-source`).
pub fn event_file(root: &Path, name: &str, stream: Stream) -> Result<EventFile, Error> {
    let index = Stream::ALL.iter().position(|s| *s == stream).unwrap_or(0);
    let next = Stream::ALL.get(index + 1).copied().unwrap_or(Stream::Customers);
    let lines = system_two_lines(root, stream)?;
    let kinesis = name == KINESIS_SOURCE;
    let mut datas: Vec<String> = lines.iter().map(|line| encode(line)).collect();
    if !kinesis {
        if let Some(first) = lines.first() {
            datas.push(mime_base64(first));
        }
        if let Some(other) = system_two_lines(root, next)?.first() {
            datas.push(encode(other));
        }
    }
    let salt = if kinesis { 90 } else { index + 10 };
    let records = datas
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
pub fn firehose_event(file: &EventFile) -> Result<FirehoseEvent, Error> {
    let value = serde_json::to_value(file).map_err(|error| Error::Fixture(error.to_string()))?;
    serde_json::from_value(value).map_err(|error| Error::Fixture(error.to_string()))
}

/// A response decoded for reading and comparing; `reasons` aligned with its records.
pub fn decode(response: &FirehoseResponse, reasons: &[Option<String>]) -> Result<Expected, Error> {
    let records = response
        .records
        .iter()
        .enumerate()
        .map(|(i, record)| {
            let data = match record.result {
                RecordResult::Ok => {
                    let bytes = base64::engine::general_purpose::STANDARD.decode(&record.data).map_err(|_| {
                        Error::Fixture(format!("record {} is Ok but its data is not base64", record.record_id))
                    })?;
                    String::from_utf8(bytes).map_err(|_| {
                        Error::Fixture(format!("record {} is Ok but its line is not UTF-8", record.record_id))
                    })?
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

/// The expected decoded response for an event, from the real handler (default time zone).
pub fn expected(file: &EventFile, stream: Stream) -> Result<Expected, Error> {
    let config = Config::with_zone(None).map_err(|error| Error::Fixture(error.to_string()))?;
    let transformer = Transformer::new(stream, config).map_err(|error| Error::Fixture(error.to_string()))?;
    let handled = shim::respond::process(&transformer, firehose_event(file)?)
        .map_err(|error| Error::Fixture(error.to_string()))?;
    let reasons: Vec<Option<String>> =
        handled.reasons.iter().map(|reason| reason.map(|reason| reason.tag().to_string())).collect();
    decode(&handled.response, &reasons)
}

/// Pretty JSON with a final newline, as the files are written.
pub fn pretty<T: Serialize>(value: &T) -> Result<String, Error> {
    let mut text = serde_json::to_string_pretty(value).map_err(|error| Error::Fixture(error.to_string()))?;
    text.push('\n');
    Ok(text)
}

/// Every generated file (path relative to `root`, content).
pub fn generate(root: &Path) -> Result<Vec<(PathBuf, String)>, Error> {
    let mut files = Vec::new();
    for (name, stream) in event_names() {
        let file = event_file(root, &name, stream)?;
        files.push((PathBuf::from(format!("events/{name}.json")), pretty(&file)?));
        files.push((PathBuf::from(format!("events/expected/{name}.json")), pretty(&expected(&file, stream)?)?));
    }
    Ok(files)
}
