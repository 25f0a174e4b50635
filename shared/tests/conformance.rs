//! The conformance vectors (tests/fixtures/conformance, copied from the contract's
//! `shared/conformance/`), each through the real handler: a Firehose event per stream and time
//! zone, one record per vector, the response checked record by record, byte for byte.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

use base64::Engine;
use serde_json::Value;
use shim::config::Config;
use shim::firehose::{FirehoseEvent, FirehoseResponse, RecordResult};
use shim::{respond, Stream, Transformer};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

struct Vector {
    name: String,
    data: String,
    result: RecordResult,
    output: Option<String>,
    timezone: Option<String>,
}

fn vectors(stream: Stream) -> Vec<Vector> {
    let path = format!("{}/tests/fixtures/conformance/{}.jsonl", env!("CARGO_MANIFEST_DIR"), stream.name());
    let text = std::fs::read_to_string(&path).expect("vector file");
    text.lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).expect("vector line");
            let data = match (v.get("input").and_then(Value::as_str), v.get("input_base64").and_then(Value::as_str)) {
                (Some(input), _) => B64.encode(input.as_bytes()),
                (None, Some(encoded)) => encoded.to_owned(),
                _ => panic!("vector without input: {line}"),
            };
            Vector {
                name: v["name"].as_str().expect("name").to_owned(),
                data,
                result: serde_json::from_value(v["result"].clone()).expect("result"),
                output: v["output"].as_str().map(str::to_owned),
                timezone: v.get("timezone").and_then(Value::as_str).map(str::to_owned),
            }
        })
        .collect()
}

/// Runs one stream's vectors, grouped by zone, and returns the names of those that failed.
fn run(stream: Stream) -> Vec<String> {
    let mut by_zone: BTreeMap<Option<String>, Vec<Vector>> = BTreeMap::new();
    for vector in vectors(stream) {
        by_zone.entry(vector.timezone.clone()).or_default().push(vector);
    }
    let mut failures = Vec::new();
    for (zone, group) in by_zone {
        let transformer = Transformer::new(stream, Config::with_zone(zone.as_deref()).unwrap());
        let records: Vec<Value> = group
            .iter()
            .enumerate()
            .map(|(i, v)| serde_json::json!({"recordId": format!("r{i}"), "approximateArrivalTimestamp": 1795205045000_i64 + i as i64, "data": v.data}))
            .collect();
        let event = FirehoseEvent::deserialize(serde_json::json!({
            "invocationId": "conformance",
            "deliveryStreamArn": format!("arn:aws:firehose:us-east-1:123456789012:deliverystream/{}", stream.name()),
            "region": "us-east-1",
            "records": records,
        }))
        .unwrap();
        let response: FirehoseResponse = respond::process(&transformer, event).unwrap().into_response();
        let ids: Vec<&str> = response.records.iter().map(|r| r.record_id.as_str()).collect();
        let expected_ids: Vec<String> = (0..group.len()).map(|i| format!("r{i}")).collect();
        assert_eq!(ids, expected_ids, "{stream}: record ids, exactly once, in order");
        for (vector, record) in group.iter().zip(&response.records) {
            let expected_data = match vector.result {
                RecordResult::Ok => B64.encode(vector.output.as_deref().expect("Ok vectors have output")),
                RecordResult::Dropped => String::new(),
                RecordResult::ProcessingFailed => vector.data.clone(),
            };
            if record.result != vector.result || record.data != expected_data {
                let got = B64.decode(&record.data).ok().map(|b| String::from_utf8_lossy(&b).into_owned());
                failures.push(format!(
                    "{}: expected {:?} {:?}, got {:?} {:?}",
                    vector.name, vector.result, vector.output, record.result, got
                ));
            }
        }
    }
    failures
}

/// Every stream's vectors, each stream's failures named (one test: the list of streams is the
/// layout table's, not restated here).
#[test]
fn every_stream_passes_its_vectors() {
    let failures: Vec<String> = Stream::ALL
        .into_iter()
        .flat_map(|stream| run(stream).into_iter().map(move |failure| format!("{stream}: {failure}")))
        .collect();
    assert!(failures.is_empty(), "{} vectors failed:\n{}", failures.len(), failures.join("\n"));
}

/// `firehose-batch.json` gives exactly `firehose-batch.expected.json` (as a JSON value).
#[test]
fn firehose_batch() {
    let dir = format!("{}/tests/fixtures/conformance", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(format!("{dir}/firehose-batch.json")).unwrap();
    let event: FirehoseEvent = serde_json::from_str(&text).unwrap();
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{dir}/firehose-batch.expected.json")).unwrap()).unwrap();
    let transformer = Transformer::new(Stream::Orders, Config::with_zone(None).unwrap());
    let response = respond::process(&transformer, event).unwrap().into_response();
    assert_eq!(serde_json::to_value(&response).unwrap(), expected);
}

fn fixtures() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/conformance")
}

/// The contract README's count table: stream → [vectors, Ok, Dropped, ProcessingFailed].
fn readme_counts() -> BTreeMap<String, [usize; 4]> {
    let readme = std::fs::read_to_string(fixtures().join("README.md")).unwrap();
    readme
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            let counts: Vec<usize> = cells.get(1..)?.iter().filter_map(|cell| cell.parse().ok()).collect();
            let counts: [usize; 4] = counts.try_into().ok()?;
            Some((cells[0].to_owned(), counts))
        })
        .collect()
}

/// Every file of the fixture set is a stream's and is used, and each stream's counts (vectors,
/// and how many of each result) are the ones the contract's README gives.
#[test]
fn vector_counts_match_the_readme() {
    let table = readme_counts();
    let names: BTreeSet<&str> = Stream::ALL.iter().map(|stream| stream.name()).collect();
    assert_eq!(table.keys().map(String::as_str).collect::<BTreeSet<_>>(), names, "the README's streams");
    for stream in Stream::ALL {
        let vectors = vectors(stream);
        let count = |result: RecordResult| vectors.iter().filter(|v| v.result == result).count();
        let actual = [
            vectors.len(),
            count(RecordResult::Ok),
            count(RecordResult::Dropped),
            count(RecordResult::ProcessingFailed),
        ];
        assert_eq!(actual, table[stream.name()], "{stream}: vectors, Ok, Dropped, ProcessingFailed");
    }
    let files: BTreeSet<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".jsonl"))
        .collect();
    let wanted: BTreeSet<String> = names.iter().map(|name| format!("{name}.jsonl")).collect();
    assert_eq!(files, wanted, "every vector file is a stream's");
}
