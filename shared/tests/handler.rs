//! The Lambda handler's EMF lines (`shim::lambda::invoke`) against a fixed clock: the event ages
//! of the records whose `occurredAt` was read, nothing from records that failed before it; the
//! per-reason failure counts; and every document valid under the Embedded Metric Format
//! specification, for a small batch and for a 5,000-record one.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod support;

use std::collections::BTreeMap;

use lambda_runtime::{Context, LambdaEvent};
use serde_json::{json, Value};
use shim::firehose::FirehoseEvent;
use shim::{lambda, Stream};
use support::{b64, emf, event};

/// 2026-11-20T20:04:05Z plus 1.5 s.
const NOW_MS: i64 = 1_795_205_046_500;

fn customer(occurred_at: Value, name: &str) -> String {
    b64(serde_json::to_vec(&json!({
        "schemaVersion": 2, "eventId": "e", "eventType": "customer.updated", "occurredAt": occurred_at,
        "data": {"customerNumber": "C-1", "name": name, "status": "active"}
    }))
    .unwrap())
}

fn invoke(batch: FirehoseEvent) -> lambda::Invoked {
    let mut context = Context::default();
    context.request_id = "req-1".into();
    let transformer = support::transformer(Stream::Customers);
    lambda::invoke(&transformer, LambdaEvent::new(batch, context), NOW_MS).unwrap()
}

fn documents(emf: &str) -> Vec<Value> {
    assert!(emf.ends_with('\n'));
    emf.lines().map(|line| serde_json::from_str(line).unwrap()).collect()
}

#[test]
fn event_ages_of_a_small_batch_against_a_fixed_clock() {
    let records = [
        customer(json!("2026-11-20T20:04:05Z"), "A"),                  // 1.5 s old
        customer(json!(1_795_201_445), "B"),                           // an hour old, epoch seconds
        customer(json!("2026-11-20T21:04:05+01:00"), &"N".repeat(61)), // fails after occurredAt: too-long:NAME
        customer(json!("2026-11-20T20:05:05Z"), "C"),                  // a minute in the future: 0
        "!!".to_owned(),                                               // bad-base64: nothing read
        b64(r#"{"schemaVersion":2,"eventType":"order.created","occurredAt":0,"data":{}}"#), // wrong-stream first
        customer(json!("yesterday"), "D"),                             // format:occurredAt: no age
        b64(r#"{"schemaVersion":2,"eventType":"system.heartbeat","occurredAt":0}"#), // dropped
    ];
    let ids = (0..records.len()).map(|i| format!("r-{i}"));
    let invoked = invoke(event(ids.zip(records)));
    let lines: Vec<&str> = invoked.emf.lines().collect();
    for line in &lines {
        emf::check(line);
    }
    let main: Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(main["EventAgeMs"], json!([1500, 3_601_500, 1500, 0]));
    assert_eq!((main["RecordsOk"].as_u64(), main["RecordsDropped"].as_u64()), (Some(3), Some(1)));
    assert_eq!(main["RecordsProcessingFailed"], 4);
    assert_eq!(main["_aws"]["Timestamp"], NOW_MS);
    let by_reason: BTreeMap<String, u64> = lines[1..]
        .iter()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .map(|doc| (doc["Reason"].as_str().unwrap().to_owned(), doc["RecordsProcessingFailed"].as_u64().unwrap()))
        .collect();
    let want: BTreeMap<String, u64> =
        [("bad-base64", 1), ("format", 1), ("too-long", 1), ("wrong-stream", 1)].map(|(c, n)| (c.to_owned(), n)).into();
    assert_eq!(by_reason, want);
    assert_eq!(lines.len(), 5);
}

#[test]
fn a_batch_without_any_occurred_at_has_no_age_metric() {
    let invoked = invoke(event([("r-0".to_owned(), "!!".to_owned())]));
    let docs = documents(&invoked.emf);
    assert!(docs[0].get("EventAgeMs").is_none());
    assert!(!invoked.emf.contains("EventAgeMs"));
    for line in invoked.emf.lines() {
        emf::check(line);
    }
}

/// 5,000 records (Firehose's largest batch for a Lambda processor is bounded by 6 MB; 5,000 small
/// records is well within it) with ages and many reasons: every document valid, every age
/// written exactly once, the per-reason counts summing to the per-stream total.
#[test]
fn a_five_thousand_record_batch_stays_valid_emf() {
    let records: Vec<(String, String)> = (0..5000)
        .map(|i| {
            let data = match i % 5 {
                0 => "!!".to_owned(),
                1 => customer(json!(1_795_205_046 - i), &"N".repeat(61)),
                2 => b64("{"),
                _ => customer(json!(1_795_205_046 - i), "A"),
            };
            (format!("r-{i}"), data)
        })
        .collect();
    let invoked = invoke(event(records));
    let mut ages = Vec::new();
    let (mut total, mut by_reason) = (0.0, 0.0);
    for line in invoked.emf.lines() {
        for (namespace, dimensions, name, values) in emf::check(line) {
            assert_eq!(namespace, "SystemOneShim");
            match (dimensions.as_slice(), name.as_str()) {
                ([stream], "EventAgeMs") if stream == "Stream" => ages.extend(values),
                ([stream], "RecordsProcessingFailed") if stream == "Stream" => total += values[0],
                ([_, reason], "RecordsProcessingFailed") if reason == "Reason" => by_reason += values[0],
                ([_], _) => {}
                other => panic!("unexpected metric {other:?}"),
            }
        }
    }
    assert_eq!(total, 3000.0);
    assert_eq!(by_reason, total);
    // Records 1, 3, 4 (mod 5) read occurredAt: 3,000 ages, the i-th `500 + 1000 * i` ms.
    let mut want: Vec<f64> =
        (0..5000).filter(|i| [1, 3, 4].contains(&(i % 5))).map(|i| (500 + 1000 * i) as f64).collect();
    ages.sort_by(f64::total_cmp);
    want.sort_by(f64::total_cmp);
    assert_eq!(ages, want);
    assert_eq!(invoked.emf.lines().count(), 1 + 3 + 29, "one main document, three reasons, 29 more age documents");
}
