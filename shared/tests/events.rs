//! The golden files: every sample event under `events/` and its exact response under
//! `events/expected/` is what `testkit::events` makes from the System Two event files with the
//! real handler. After a deliberate change, rewrite them all and review the diff:
//!
//!     UPDATE_EXPECT=1 cargo test -p system-one-shim --test events
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use shim::config::Config;
use shim::firehose::FirehoseEvent;
use shim::{Stream, Transformer};
use testkit::events::{self, EventFile, Expected};
use testkit::repo_root;

fn read<T: serde::de::DeserializeOwned>(relative: &str) -> T {
    let path = repo_root().join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The `.json` files under `folder` (relative to the repository), recursively.
fn json_files(folder: &Path, found: &mut BTreeSet<PathBuf>) {
    for entry in std::fs::read_dir(repo_root().join(folder)).unwrap() {
        let entry = entry.unwrap();
        let relative = folder.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            json_files(&relative, found);
        } else if relative.extension().is_some_and(|extension| extension == "json") {
            found.insert(relative);
        }
    }
}

#[test]
fn event_files_are_what_the_generator_makes() {
    let root = repo_root();
    let files = events::generate(&root).unwrap();
    for (path, generated) in &files {
        let path = root.join(path);
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            // expect-test writes the file, not the folders of a new one.
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        }
        expect_test::expect_file![path].assert_eq(generated);
    }
    // Nothing else: a file the generator no longer makes would go stale unnoticed.
    let mut on_disk = BTreeSet::new();
    json_files(Path::new("events"), &mut on_disk);
    let made: BTreeSet<PathBuf> = files.into_iter().map(|(path, _)| path).collect();
    assert_eq!(on_disk, made, "delete the files under events/ that the generator no longer makes");
}

#[test]
fn expected_responses_are_what_the_handler_returns() {
    for (name, stream) in events::event_names() {
        let path = repo_root().join(format!("events/{name}.json"));
        let text = std::fs::read_to_string(&path).unwrap();
        let event: FirehoseEvent = serde_json::from_str(&text).unwrap();
        let expected: Expected = read(&format!("events/expected/{name}.json"));
        let transformer = Transformer::new(stream, Config::with_zone(None).unwrap());
        let handled = shim::respond::process(&transformer, event.clone()).unwrap();
        let response = handled.response();
        let reasons: Vec<Option<String>> =
            handled.records.iter().map(|outcome| outcome.reason.map(|r| r.tag().to_string())).collect();
        assert_eq!(events::decode(&response, &reasons).unwrap(), expected, "{name}");
        // The batch contract: every record back once, in order, each as it is alone; failed
        // ones with their data unchanged and a reason, dropped ones empty.
        testkit::contract::check_batch(&transformer, &event.records, &handled);
    }
}

/// What each stream's pipeline sample covers, so that a new sample cannot quietly lose a case.
#[test]
fn every_stream_sample_covers_the_cases() {
    let root = repo_root();
    for stream in Stream::ALL {
        let name = stream.name();
        let file: EventFile = read(&format!("events/{name}.json"));
        let expected: Expected = read(&format!("events/expected/{name}.json"));
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

/// Each stream's pipeline sample and cases together hold both connector versions of all three
/// actions.
#[test]
fn every_stream_has_both_versions_of_every_action() {
    let root = repo_root();
    for stream in Stream::ALL {
        let mut lines = events::system_two_lines(&root, stream).unwrap();
        lines.extend(events::case_lines(&root, stream).unwrap());
        let mut seen = BTreeSet::new();
        for line in lines {
            let Ok(document) = serde_json::from_slice::<serde_json::Value>(&line) else { continue };
            let (version, event_type) = match (&document["schemaVersion"], &document["schema_version"]) {
                (serde_json::Value::Number(_), _) => ("v2", &document["eventType"]),
                (_, serde_json::Value::Number(_)) => ("v1", &document["event_type"]),
                _ => continue,
            };
            let entity_action = event_type.as_str().unwrap_or_default();
            if let Some((_, action)) = entity_action.split_once('.') {
                seen.insert(format!("{version} {action}"));
            }
        }
        for version in ["v1", "v2"] {
            for action in ["created", "updated", "deleted"] {
                assert!(seen.contains(&format!("{version} {action}")), "{stream} lacks {version} {action}: {seen:?}");
            }
        }
    }
}

/// Every kind of failure the samples show, so that a smaller sample cannot quietly lose one:
/// the envelope and decoding faults, and schema and rule failures of each kind.
#[test]
fn the_samples_keep_every_kind_of_failure() {
    let mut kinds = BTreeSet::new();
    for (name, _) in events::event_names() {
        let expected: Expected = read(&format!("events/expected/{name}.json"));
        for reason in expected.records.iter().filter_map(|record| record.reason.as_deref()) {
            kinds.insert(reason.split(':').next().unwrap_or(reason).to_owned());
        }
    }
    let wanted = [
        "bad-base64",
        "bad-utf8",
        "bad-json",
        "duplicate-name",
        "lone-surrogate",
        "schema-version",
        "event-type",
        "wrong-stream",
        "missing",
        "type",
        "format",
        "charset",
        "precision",
        "range",
        "too-long",
        "unknown-value",
        "date-order",
        "total-mismatch",
    ];
    for kind in wanted {
        assert!(kinds.contains(kind), "no sample fails with {kind}: {kinds:?}");
    }
    // The cases end with every Firehose-level fault, whatever the stream.
    for stream in Stream::ALL {
        let expected: Expected = read(&format!("events/expected/cases/{}.json", stream.name()));
        let tail: Vec<(&str, &str)> = expected
            .records
            .iter()
            .rev()
            .take(events::FIREHOSE_FAULTS.len() + 1)
            .rev()
            .map(|record| (record.data.as_str(), record.reason.as_deref().unwrap_or_default()))
            .collect();
        let mut faults: Vec<(&str, &str)> = events::FIREHOSE_FAULTS
            .iter()
            .map(|(data, _)| (*data, if data.is_empty() { "bad-json" } else { "bad-base64" }))
            .collect();
        faults.push(("//57fQ==", "bad-utf8"));
        assert_eq!(tail, faults, "{stream}");
    }
}

#[test]
fn the_kinesis_source_event_carries_kinesis_metadata() {
    let text = std::fs::read_to_string(repo_root().join("events/kinesis-source.json")).unwrap();
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
