//! One contract, not restated: infra/telemetry.json names the EMF metrics (namespace, names,
//! units, dimension sets) and the log fields the alarms, the dashboard and the saved queries
//! read (the CDK code takes every name from that file). Here the real Lambda handler
//! (`shim::lambda::invoke`) runs on the sample events of every stream, plus a record that
//! fails, with its JSON log lines captured; what it emits must be exactly what the file says:
//! every metric it writes is in the file with the same unit and dimension sets, every metric of
//! the file is written, and every log field the file lists is on the lines of that message.
//! A rename in Rust (or in the file) fails here instead of leaving an alarm on nothing.
//!
//! It also holds the functions to the API's mapping template, which ends every event with a
//! newline (so that Firehose's raw backup is JSON lines): each sample event with and without a
//! trailing `\n` must come out the same.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use lambda_runtime::{Context, LambdaEvent};
use serde_json::Value;
use shim::firehose::RecordResult;
use shim::{lambda, Stream};
use support::capture::Captured;
use support::{b64, emf};
use tracing_subscriber::EnvFilter;

const NOW_MS: i64 = 1_795_205_245_500;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn contract() -> Value {
    let text = std::fs::read_to_string(root().join("infra/telemetry.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn samples(stream: Stream) -> Vec<String> {
    let path = root().join("events/system-two").join(format!("{}.jsonl", stream.name()));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

fn invoke(stream: Stream, records: &[String]) -> (lambda::Invoked, String) {
    let transformer = support::transformer(stream);
    let mut batch = support::event(records.iter().enumerate().map(|(i, r)| (format!("rec-{i:03}"), b64(r))));
    batch.invocation_id = Some(format!("inv-{}", stream.name()).into());
    let mut context = Context::default();
    context.request_id = format!("req-{}", stream.name());
    let captured = Captured::default();
    let subscriber = shim::logging::json_logs(captured.clone(), EnvFilter::new("trace"));
    let invoked = tracing::subscriber::with_default(subscriber, || {
        lambda::invoke(&transformer, LambdaEvent::new(batch, context), NOW_MS).unwrap()
    });
    (invoked, captured.text())
}

/// (metric name) -> (unit, dimension sets), as emitted in `emf_text`.
fn emitted_metrics(emf_text: &str, namespace: &str, into: &mut BTreeMap<String, (String, BTreeSet<Vec<String>>)>) {
    for line in emf_text.lines() {
        for (ns, dimensions, name, _) in emf::check(line) {
            assert_eq!(ns, namespace, "EMF namespace: {line}");
            let doc: Value = serde_json::from_str(line).unwrap();
            let unit = doc["_aws"]["CloudWatchMetrics"][0]["Metrics"]
                .as_array()
                .unwrap()
                .iter()
                .find(|m| m["Name"] == name.as_str())
                .and_then(|m| m["Unit"].as_str())
                .unwrap_or("None")
                .to_owned();
            let entry = into.entry(name.clone()).or_insert_with(|| (unit.clone(), BTreeSet::new()));
            assert_eq!(entry.0, unit, "{name} has two units");
            entry.1.insert(dimensions);
        }
    }
}

#[test]
fn the_handler_emits_exactly_the_metrics_and_log_fields_of_infra_telemetry_json() {
    let contract = contract();
    let namespace = contract["namespace"].as_str().unwrap();
    let mut metrics = BTreeMap::new();
    let mut log_lines: Vec<Value> = Vec::new();
    for stream in Stream::ALL {
        let mut records: Vec<String> = samples(stream).into_iter().map(|line| format!("{line}\n")).collect();
        records.push("{not json\n".to_owned());
        let (invoked, logs) = invoke(stream, &records);
        emitted_metrics(&invoked.emf, namespace, &mut metrics);
        log_lines.extend(logs.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()));
        for line in invoked.emf.lines() {
            let doc: Value = serde_json::from_str(line).unwrap();
            assert_eq!(doc[contract["streamDimension"].as_str().unwrap()], stream.name(), "{line}");
        }
    }
    let declared: BTreeMap<String, (String, BTreeSet<Vec<String>>)> = contract["metrics"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, m)| {
            let sets = m["dimensions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|set| set.as_array().unwrap().iter().map(|d| d.as_str().unwrap().to_owned()).collect())
                .collect();
            (name.clone(), (m["unit"].as_str().unwrap().to_owned(), sets))
        })
        .collect();
    assert_eq!(metrics, declared, "emitted (left) != infra/telemetry.json (right)");
    for set in declared.values().flat_map(|(_, sets)| sets) {
        for dimension in set {
            assert!(
                [&contract["streamDimension"], &contract["reasonDimension"]]
                    .contains(&&Value::String(dimension.clone())),
                "dimension {dimension} is not named in the contract's streamDimension/reasonDimension"
            );
        }
    }

    for (message, fields) in contract["logs"].as_object().unwrap() {
        let lines: Vec<&Value> = log_lines.iter().filter(|l| l["message"] == message.as_str()).collect();
        assert!(!lines.is_empty(), "no log line {message:?} was written");
        for field in fields.as_array().unwrap() {
            let field = field.as_str().unwrap();
            assert!(lines.iter().all(|l| l.get(field).is_some()), "a {message:?} line lacks {field}: {}", lines[0]);
        }
    }
}

#[test]
fn a_trailing_newline_from_the_api_changes_nothing() {
    for stream in Stream::ALL {
        let plain = samples(stream);
        let ended: Vec<String> = plain.iter().map(|l| format!("{l}\n")).collect();
        let (without, _) = invoke(stream, &plain);
        let (with, _) = invoke(stream, &ended);
        assert_eq!(without.response.records.len(), with.response.records.len());
        for (i, (a, b)) in without.response.records.iter().zip(&with.response.records).enumerate() {
            assert_eq!(
                a.result,
                b.result,
                "{}: record {} has another result with a trailing newline",
                stream.name(),
                a.record_id
            );
            // A failed record comes back with its original bytes (newline included); any
            // other record's output is the same.
            let expected = if b.result == RecordResult::ProcessingFailed { b64(&ended[i]) } else { a.data.clone() };
            assert_eq!(b.data, expected, "{}: record {} differs with a trailing newline", stream.name(), a.record_id);
        }
    }
}
