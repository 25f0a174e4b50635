//! The checked-in sample events cannot drift: each is what the generator makes from
//! `events/system-two/`, and each expected response is what the real handler returns for it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use firehose_local::events::{self, EventFile, Expected};
use shim::config::Config;
use shim::firehose::{FirehoseEvent, RecordResult};
use shim::{Stream, Transformer};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn checked_in_files_are_what_the_generator_makes() {
    let root = root();
    let files = events::generate(&root).unwrap();
    assert_eq!(files.len(), 20);
    for (path, generated) in files {
        let on_disk = std::fs::read_to_string(root.join(&path)).unwrap_or_else(|error| {
            panic!("{}: {error}; run cargo run -p firehose-local --example gen_events", path.display())
        });
        assert!(
            on_disk == generated,
            "{} differs from what the generator makes; run cargo run -p firehose-local --example gen_events",
            path.display()
        );
    }
}

#[test]
fn expected_responses_are_what_the_handler_returns() {
    let root = root();
    for (name, stream) in events::event_names() {
        let text = std::fs::read_to_string(root.join(format!("events/{name}.json"))).unwrap();
        let event: FirehoseEvent = serde_json::from_str(&text).unwrap();
        let expected: Expected =
            serde_json::from_str(&std::fs::read_to_string(root.join(format!("events/expected/{name}.json"))).unwrap())
                .unwrap();
        let transformer = Transformer::new(stream, Config::with_zone(None).unwrap()).unwrap();
        let response = shim::respond::handle(&transformer, event.clone()).unwrap();
        let handled = shim::respond::process(&transformer, event.clone()).unwrap();
        assert_eq!(handled.response, response);
        let reasons: Vec<Option<String>> = handled.reasons.iter().map(|r| r.map(|r| r.tag().to_string())).collect();
        assert_eq!(events::decode(&response, &reasons).unwrap(), expected, "{name}");
        // Every input record comes back once, in order; failed ones with their data unchanged.
        assert_eq!(response.records.len(), event.records.len());
        for ((input, output), decoded) in event.records.iter().zip(&response.records).zip(&expected.records) {
            assert_eq!(input.record_id, output.record_id);
            if output.result == RecordResult::ProcessingFailed {
                assert_eq!(input.data, output.data);
                assert!(decoded.reason.is_some());
            } else {
                assert_eq!(decoded.reason, None);
            }
        }
    }
}

/// What each sample covers, so that regenerating cannot quietly lose a case.
#[test]
fn every_stream_event_covers_the_cases() {
    let root = root();
    for stream in Stream::ALL {
        let name = stream.name();
        let file: EventFile =
            serde_json::from_str(&std::fs::read_to_string(root.join(format!("events/{name}.json"))).unwrap()).unwrap();
        let expected: Expected =
            serde_json::from_str(&std::fs::read_to_string(root.join(format!("events/expected/{name}.json"))).unwrap())
                .unwrap();
        assert!(file.delivery_stream_arn.ends_with(&format!("deliverystream/{name}")));
        let results: BTreeSet<String> = expected.records.iter().map(|r| format!("{:?}", r.result)).collect();
        assert_eq!(results, ["Dropped", "Ok", "ProcessingFailed"].map(String::from).into(), "{name}");
        let reasons: Vec<&str> = expected.records.iter().filter_map(|r| r.reason.as_deref()).collect();
        for wanted in ["bad-base64", "wrong-stream", "bad-json"] {
            assert!(reasons.contains(&wanted), "{name} lacks {wanted}: {reasons:?}");
        }
        assert!(reasons.iter().any(|r| r.starts_with("missing:")), "{name}: {reasons:?}");
        let lines: Vec<String> = events::system_two_lines(&root, stream)
            .unwrap()
            .into_iter()
            .map(|line| String::from_utf8(line).unwrap())
            .collect();
        for needle in ["\"schemaVersion\":2", "\"schema_version\":1", ".created\"", ".updated\"", ".deleted\""] {
            assert!(lines.iter().any(|line| line.contains(needle)), "{name} lacks {needle}");
        }
    }
}

#[test]
fn the_kinesis_source_event_carries_kinesis_metadata() {
    let root = root();
    let text = std::fs::read_to_string(root.join("events/kinesis-source.json")).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["sourceKinesisStreamArn"], "arn:aws:kinesis:us-east-1:123456789012:stream/customers");
    for record in value["records"].as_array().unwrap() {
        let metadata = &record["kinesisRecordMetadata"];
        for member in ["shardId", "partitionKey", "approximateArrivalTimestamp", "sequenceNumber", "subsequenceNumber"]
        {
            assert!(!metadata[member].is_null(), "{member} missing in {record}");
        }
    }
    // aws_lambda_events reads it too, metadata and all.
    let parsed: aws_lambda_events::event::firehose::KinesisFirehoseEvent = serde_json::from_str(&text).unwrap();
    assert!(parsed.records.iter().all(|record| record.kinesis_firehose_record_metadata.is_some()));
}
