//! No customer data in logs: batches full of recognisable values (names, emails, phones,
//! addresses, PO numbers, notes, keys), in records that succeed, are cut, and fail for every
//! reason this test can reach, go through the real Lambda handler (`shim::lambda::invoke`) with
//! every log line captured at TRACE in the functions' own JSON format. No value, nor any
//! distinctive piece of one, may appear; and the lines that must be there (one "record failed"
//! per failure with its record id, reason, field and place at its source, one "value truncated
//! to its width" per cut, one "batch transformed" with its reasons object and stream ARNs) are
//! checked, each against the log schema (fixtures/logs/schema.json), so that the test cannot
//! pass on an empty log. The batches arrive in the shapes real Firehose events take: Direct PUT
//! (no Kinesis metadata), and from Kinesis with integer and with string subsequence numbers
//! (whose partition keys are made of record values and must not be logged either).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod support;

use serde::Deserialize;
use std::collections::BTreeSet;

use lambda_runtime::{Context, LambdaEvent};
use serde_json::{json, Value};
use shim::firehose::{FirehoseEvent, RecordResult};
use shim::{lambda, respond, Reason, Stream};
use support::capture::Captured;
use support::{b64, event, log_schema};
use tracing_subscriber::EnvFilter;

/// Every distinctive piece of customer data the batches carry (short digit runs are left out:
/// timestamps and durations hold them by chance). Each is also checked in its
/// base64 forms (as it would appear inside a record's `data`).
const SECRETS: &[&str] = &[
    "Zebulon",
    "Quixwhistle",
    "Philippa",
    "Grzeszczak",
    "zq.secret",
    "example-secret",
    "555-0199",
    "5550199",
    "867-5309",
    "Evergreen",
    "Terrace",
    "Apt 9Q",
    "Springfield",
    "Shelbyville",
    "62704-QZ",
    "PO-ZX-48213",
    "ZX-48213",
    "leave at the blue door",
    "blue door",
    "gate code 4417",
    "Happy 40th Marge",
    "Marge",
    "artwork.secret",
    "CX-QQ7781",
    "QQ7781",
    "SO-QQ5521",
    "QQ5521",
    "MUG-QQ11",
    "RQ-QQ88",
    "IN-QQ31",
    "SH-QQ42",
    "1Z999AA10123456784",
    "zebra-status",
    "PK-Zebulon",
];

/// Runs `f` with the functions' JSON subscriber at TRACE and returns what it logged.
fn capture<T>(f: impl FnOnce() -> T) -> (T, String) {
    let captured = Captured::default();
    let subscriber = shim::logging::json_logs(captured.clone(), EnvFilter::new("trace"));
    let result = tracing::subscriber::with_default(subscriber, f);
    let text = captured.text();
    (result, text)
}

/// The places a secret could show up: as it is, JSON-escaped, and inside base64 at each of the
/// three byte alignments (a middle slice that does not depend on its neighbours).
fn forms(secret: &str) -> Vec<String> {
    let mut forms = vec![secret.to_owned(), secret.to_lowercase(), secret.to_uppercase()];
    if secret.len() >= 6 {
        for pad in 0..3 {
            let encoded = b64(format!("{}{secret}", "\0".repeat(pad)));
            let start = (pad * 4).div_ceil(3) + 2;
            let end = (pad + secret.len()) / 3 * 4 - 2;
            if end > start + 4 {
                forms.push(encoded[start..end].to_owned());
            }
        }
    }
    forms
}

fn assert_no_secrets(logs: &str) {
    for secret in SECRETS {
        for form in forms(secret) {
            assert!(!logs.contains(&form), "the logs hold {form:?} (from {secret:?}):\n{logs}");
        }
    }
}

fn v2(entity_action: &str, data: Value) -> String {
    b64(serde_json::to_vec(&json!({
        "schemaVersion": 2, "eventId": "evt-1", "eventType": entity_action, "occurredAt": "2026-11-20T20:04:05Z", "data": data
    }))
    .unwrap())
}

fn customer(overrides: Value) -> String {
    let mut data = json!({
        "customerNumber": "CX-QQ7781",
        "name": "Zebulon Quixwhistle",
        "contact": {"name": "Philippa Grzeszczak", "email": "zq.secret@example-secret.test", "phone": "+1 (217) 555-0199"},
        "paymentTerms": "NET30",
        "status": "active"
    });
    merge(&mut data, overrides);
    v2("customer.created", data)
}

fn address(overrides: Value) -> String {
    let mut data = json!({
        "customerNumber": "CX-QQ7781",
        "addressId": "HOME",
        "name": "Zebulon Quixwhistle",
        "address": {"line1": "742 Evergreen Terrace", "line2": "Apt 9Q", "city": "Springfield", "region": "IL",
                    "postalCode": "62704-QZ", "country": "US"},
        "phone": "217-867-5309"
    });
    merge(&mut data, overrides);
    v2("shipping_address.created", data)
}

fn order(overrides: Value) -> String {
    let mut data = json!({
        "orderNumber": "SO-QQ5521",
        "customerNumber": "CX-QQ7781",
        "orderDate": "2026-11-20",
        "purchaseOrder": "PO-ZX-48213",
        "status": "open",
        "currency": "USD",
        "totals": {"subtotal": "10.00", "tax": "1.00", "freight": "0.50", "total": "11.50"}
    });
    merge(&mut data, overrides);
    v2("order.created", data)
}

fn request(overrides: Value) -> String {
    let mut data = json!({
        "requestNumber": "RQ-QQ88",
        "orderNumber": "SO-QQ5521",
        "itemNumber": "MUG-QQ11",
        "requestedAt": "2026-11-20T20:04:05Z",
        "status": "requested",
        "artworkUrl": "https://artwork.secret/Zebulon.png",
        "notes": "Happy 40th Marge! leave at the blue door, gate code 4417"
    });
    merge(&mut data, overrides);
    v2("virtual_request.created", data)
}

fn merge(data: &mut Value, overrides: Value) {
    for (name, value) in overrides.as_object().unwrap() {
        data[name] = value.clone();
    }
}

/// A record and what its log must say: `None` for success, else the reason tag.
struct Record {
    data: String,
    reason: Option<&'static str>,
    /// Fields whose cut must be logged.
    cut: &'static [&'static str],
}

fn ok(data: String) -> Record {
    Record { data, reason: None, cut: &[] }
}

fn failed(data: String, reason: &'static str) -> Record {
    Record { data, reason: Some(reason), cut: &[] }
}

/// One stream's batch: every record holds recognisable values, many in the field that fails.
fn batches() -> Vec<(Stream, Vec<Record>)> {
    let long_note = "Happy 40th Marge! leave at the blue door, gate code 4417. ".repeat(6);
    let whole = |text: &str| b64(text.as_bytes());
    vec![
        (
            Stream::Customers,
            vec![
                ok(customer(json!({}))),
                failed(customer(json!({"name": "Zebulon Quixwhistle ".repeat(3)})), "too-long:NAME"),
                failed(customer(json!({"customerNumber": "CX QQ7781"})), "charset:CUST_NO"),
                failed(customer(json!({"customerNumber": "CX-QQ7781-Zebulon"})), "too-long:CUST_NO"),
                failed(customer(json!({"status": "zebra-status Zebulon"})), "unknown-value:STATUS"),
                failed(customer(json!({"contact": "Philippa Grzeszczak 555-0199"})), "type:contact"),
                failed(customer(json!({"contact": {"email": ["zq.secret@example-secret.test"]}})), "type:EMAIL"),
                failed(customer(json!({"creditLimit": "Zebulon 555-0199"})), "format:CREDIT_LIMIT"),
                failed(customer(json!({"creditLimit": "5550199.001"})), "precision:CREDIT_LIMIT"),
                failed(customer(json!({"creditLimit": "55501995550199555"})), "range:CREDIT_LIMIT"),
                failed(customer(json!({"taxExempt": 5550199})), "range:TAX_EXEMPT"),
                failed(customer(json!({"name": "\u{a0}\u{0}"})), "missing:NAME"),
                failed(
                    whole("{\"name\":\"Zebulon Quixwhistle\",\"email\":\"zq.secret@example-secret.test\""),
                    "bad-json",
                ),
                failed(whole("[\"Zebulon Quixwhistle\", \"555-0199\"]"), "not-object"),
                failed(whole("{\"name\":\"Zebulon Quixwhistle\",\"name\":\"Philippa Grzeszczak\"}"), "duplicate-name"),
                failed(whole("{\"name\":\"Zebulon Quixwhistle \\ud800\"}"), "lone-surrogate"),
                failed(
                    whole(&format!("{{\"name\":\"Zebulon Quixwhistle\",\"x\":{}{}}}", "[".repeat(80), "]".repeat(80))),
                    "too-deep",
                ),
                failed(b64(b"{\"name\":\"Zebulon Quixwhistle \xff\"}"), "bad-utf8"),
                failed("Zebulon+Quixwhistle/555/0199=".to_owned(), "bad-base64"),
                failed(
                    whole("{\"schemaVersion\":\"Zebulon\",\"data\":{\"name\":\"Zebulon Quixwhistle\"}}"),
                    "schema-version",
                ),
                failed(whole("{\"schemaVersion\":2,\"eventType\":\"Zebulon.Quixwhistle\",\"data\":{}}"), "event-type"),
                failed(address(json!({})), "wrong-stream"),
                failed(
                    whole(
                        "{\"schemaVersion\":2,\"eventId\":\"e\",\"eventType\":\"customer.created\",\
                         \"occurredAt\":\"Zebulon Quixwhistle\",\"data\":{}}",
                    ),
                    "format:occurredAt",
                ),
                failed(
                    whole(
                        "{\"schemaVersion\":2,\"eventId\":\"e\",\"eventType\":\"customer.created\",\
                         \"occurredAt\":0,\"data\":\"Zebulon Quixwhistle\"}",
                    ),
                    "type:data",
                ),
                Record {
                    data: whole("{\"schemaVersion\":2,\"eventType\":\"system.heartbeat\",\"x\":\"Zebulon\"}"),
                    reason: None,
                    cut: &[],
                },
            ],
        ),
        (
            Stream::ShippingAddresses,
            vec![
                ok(address(json!({}))),
                failed(
                    address(
                        json!({"address": {"line1": "742 Evergreen Terrace", "city": "Springfield", "country": "USA"}}),
                    ),
                    "charset:COUNTRY",
                ),
                failed(
                    address(json!({"address": {"city": "Springfield", "postalCode": "62704-QZ", "country": "US"}})),
                    "missing:LINE1",
                ),
                failed(
                    address(
                        json!({"address": {"line1": "742 Evergreen Terrace", "city": "Springfield Shelbyville Springfield", "country": "US"}}),
                    ),
                    "too-long:CITY",
                ),
                failed(address(json!({"isDefault": "Zebulon"})), "type:IS_DEFAULT"),
            ],
        ),
        (
            Stream::Orders,
            vec![
                ok(order(json!({}))),
                failed(order(json!({"purchaseOrder": "PO-ZX-48213 Zebulon Quixwhistle"})), "too-long:PO_NO"),
                failed(order(json!({"orderDate": "Zebulon-48"})), "format:ORDER_DATE"),
                failed(order(json!({"orderDate": "1848-02-13"})), "range:ORDER_DATE"),
                failed(
                    order(
                        json!({"totals": {"subtotal": "48213.00", "tax": "0", "freight": "0", "total": "5550199.00"}}),
                    ),
                    "total-mismatch",
                ),
                failed(order(json!({"currency": "ZQX1"})), "charset:CURRENCY"),
            ],
        ),
        (
            Stream::VirtualRequests,
            vec![
                Record { data: request(json!({"notes": long_note})), reason: None, cut: &["NOTES"] },
                failed(request(json!({"artworkUrl": "http://artwork.secret/Zebulon.png"})), "format:ARTWORK_URL"),
                failed(
                    request(json!({"artworkUrl": format!("https://artwork.secret/{}", "Zebulon".repeat(30))})),
                    "too-long:ARTWORK_URL",
                ),
                failed(request(json!({"requestedAt": "5550199"})), "format:REQUESTED_AT"),
                failed(request(json!({"orderLineNumber": 0})), "range:LINE_NO"),
            ],
        ),
        (
            Stream::Invoices,
            vec![failed(
                v2(
                    "invoice.created",
                    json!({"invoiceNumber": "IN-QQ31", "customerNumber": "CX-QQ7781", "invoiceDate": "2026-11-20",
                           "dueDate": "2026-11-19", "currency": "USD", "balanceDue": "5550199.00", "status": "open",
                           "totals": {"subtotal": 1, "tax": 0, "freight": 0, "total": 1}}),
                ),
                "date-order:DUE_DATE",
            )],
        ),
        (
            Stream::Shipments,
            vec![
                ok(v2(
                    "shipment.created",
                    json!({"shipmentNumber": "SH-QQ42", "orderNumber": "SO-QQ5521", "shipDate": "2026-11-20",
                           "carrier": "ups", "trackingNumber": "1Z999AA10123456784", "weight": {"value": 4417, "unit": "kg"}}),
                )),
                failed(
                    v2(
                        "shipment.created",
                        json!({"shipmentNumber": "SH-QQ42", "orderNumber": "SO-QQ5521", "shipDate": "2026-11-20",
                               "carrier": "ups", "trackingNumber": "1Z999AA10123456784", "weight": {"value": 4417, "unit": "Zebulon"}}),
                    ),
                    "unknown-value:WEIGHT_LB",
                ),
                failed(
                    v2(
                        "shipment.created",
                        json!({"shipmentNumber": "SH-QQ42", "orderNumber": "SO-QQ5521", "shipDate": "2026-11-20",
                               "carrier": "ups", "packageCount": "Zebulon"}),
                    ),
                    "format:PACKAGES",
                ),
            ],
        ),
    ]
}

fn lines(logs: &str) -> Vec<Value> {
    logs.lines().map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}"))).collect()
}

/// How a batch reaches the function, as real Firehose events have it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// Direct PUT: no source stream, no Kinesis metadata.
    DirectPut,
    /// From Kinesis, `subsequenceNumber` a number (as in aws-lambda-rust-runtime's fixture).
    KinesisNumber,
    /// From Kinesis, `subsequenceNumber` a string (as in the AWS blueprints' sample events).
    KinesisString,
}

const SOURCES: [Source; 3] = [Source::DirectPut, Source::KinesisNumber, Source::KinesisString];
const ARRIVAL_MS: i64 = 1_795_205_045_000;
const NOW_MS: i64 = 1_795_205_245_500;

fn delivery_arn(stream: Stream) -> String {
    format!("arn:aws:firehose:us-east-1:123456789012:deliverystream/{}", stream.name())
}

fn kinesis_arn(stream: Stream) -> String {
    format!("arn:aws:kinesis:us-east-1:123456789012:stream/{}", stream.name())
}

fn sequence_number(i: usize) -> String {
    format!("4954698668313554428650745793632162567570019247115678{i:04}")
}

/// The subsequence number as the event carries it, and as the log line must show it.
fn subsequence(source: Source, i: usize) -> (Value, String) {
    match (source, i % 2) {
        (Source::KinesisNumber, _) => (json!(i), i.to_string()),
        (_, 0) => (json!(i.to_string()), i.to_string()),
        _ => (json!(""), String::new()),
    }
}

/// The event JSON Firehose would send, read as the Lambda runtime reads it.
fn firehose_event(stream: Stream, source: Source, ids: &[String], records: &[Record]) -> FirehoseEvent<'static> {
    let records: Vec<Value> = ids
        .iter()
        .zip(records)
        .enumerate()
        .map(|(i, (id, record))| {
            let mut json =
                json!({"recordId": id, "data": record.data, "approximateArrivalTimestamp": ARRIVAL_MS + i as i64});
            if source != Source::DirectPut {
                json["kinesisRecordMetadata"] = json!({
                    "shardId": format!("shardId-00000000000{}", i % 2),
                    "partitionKey": format!("CX-QQ7781|PK-Zebulon-{i}"),
                    "approximateArrivalTimestamp": "2026-11-20T20:04:05.511Z",
                    "sequenceNumber": sequence_number(i),
                    "subsequenceNumber": subsequence(source, i).0,
                });
            }
            json
        })
        .collect();
    let mut event = json!({
        "invocationId": format!("inv-{}", stream.name()),
        "deliveryStreamArn": delivery_arn(stream),
        "region": "us-east-1",
        "records": records,
    });
    if source != Source::DirectPut {
        event["sourceKinesisStreamArn"] = json!(kinesis_arn(stream));
    }
    FirehoseEvent::deserialize(event).unwrap()
}

fn context(request_id: &str) -> Context {
    let mut context = Context::default();
    context.request_id = request_id.to_owned();
    context
}

#[test]
fn no_customer_data_in_the_logs_of_any_outcome() {
    let schema = log_schema::load();
    let mut reasons_seen = BTreeSet::new();
    let mut sources_seen = BTreeSet::new();
    for (n, (stream, records)) in batches().into_iter().enumerate() {
        let source = SOURCES[n % SOURCES.len()];
        sources_seen.insert(format!("{source:?}"));
        let transformer = support::transformer(stream);
        let ids: Vec<String> = (0..records.len()).map(|i| format!("rec-{i:03}")).collect();
        let batch = firehose_event(stream, source, &ids, &records);
        let request_id = format!("req-{}", stream.name());
        let event = LambdaEvent::new(batch, context(&request_id));
        let (invoked, logs) = capture(|| lambda::invoke(&transformer, event, NOW_MS).unwrap());
        assert_no_secrets(&logs);
        assert_no_secrets(&invoked.emf);

        // The outcomes are the ones intended, so that every reason really was logged.
        let failed_ids: Vec<&str> = invoked
            .response
            .records
            .iter()
            .filter(|r| r.result == RecordResult::ProcessingFailed)
            .map(|r| r.record_id.as_str())
            .collect();
        let expected_failed: Vec<(usize, &str, &str)> = ids
            .iter()
            .zip(&records)
            .enumerate()
            .filter_map(|(i, (id, r))| r.reason.map(|reason| (i, id.as_str(), reason)))
            .collect();
        assert_eq!(failed_ids, expected_failed.iter().map(|(_, id, _)| *id).collect::<Vec<_>>(), "{stream}");

        let lines = lines(&logs);
        for line in &lines {
            log_schema::check_line(&schema, line, true);
            assert_eq!(line["stream"], stream.name(), "{line}");
            assert_eq!(line["requestId"], request_id, "{line}");
            assert_eq!(line["invocationId"], format!("inv-{}", stream.name()), "{line}");
        }
        let message = |line: &Value| line["message"].as_str().unwrap_or_default().to_owned();
        let failed: Vec<&Value> = lines.iter().filter(|l| message(l) == "record failed").collect();
        assert_eq!(failed.len(), expected_failed.len(), "{stream}: one line per failed record:\n{logs}");
        for (line, (i, id, reason)) in failed.iter().zip(&expected_failed) {
            assert_eq!(line["level"], "WARN");
            assert_eq!(line["record_id"], *id);
            assert_eq!(line["reason"], *reason);
            let field = reason.split_once(':').map(|(_, field)| field);
            let want_field = match *reason {
                "schema-version" => Some("schemaVersion"),
                "event-type" | "wrong-stream" => Some("eventType"),
                "total-mismatch" => Some("TOTAL"),
                _ => field,
            };
            assert_eq!(line["field"], want_field.unwrap_or(""), "{line}");
            assert!(line["code"].as_str().is_some_and(|code| reason.starts_with(code)), "{line}");
            reasons_seen.insert(line["code"].as_str().unwrap().to_owned());
            assert_eq!(line["approximateArrivalTimestamp"], ARRIVAL_MS + *i as i64, "{line}");
            if source == Source::DirectPut {
                for absent in ["shardId", "sequenceNumber", "subsequenceNumber"] {
                    assert!(line.get(absent).is_none(), "{line}");
                }
            } else {
                assert_eq!(line["shardId"], format!("shardId-00000000000{}", i % 2), "{line}");
                assert_eq!(line["sequenceNumber"], sequence_number(*i), "{line}");
                assert_eq!(line["subsequenceNumber"], subsequence(source, *i).1, "{line}");
            }
        }
        let cuts: Vec<&Value> = lines.iter().filter(|l| message(l) == "value truncated to its width").collect();
        let expected_cuts: Vec<(&str, &str)> =
            ids.iter().zip(&records).flat_map(|(id, r)| r.cut.iter().map(move |f| (id.as_str(), *f))).collect();
        assert_eq!(cuts.len(), expected_cuts.len(), "{stream}: one line per cut:\n{logs}");
        for (line, (id, field)) in cuts.iter().zip(&expected_cuts) {
            assert_eq!((line["record_id"].as_str(), line["field"].as_str()), (Some(*id), Some(*field)));
        }
        let summaries: Vec<&Value> = lines.iter().filter(|l| message(l) == "batch transformed").collect();
        assert_eq!(summaries.len(), 1, "{stream}: one summary line:\n{logs}");
        let summary = summaries[0];
        assert_eq!(summary["records"], records.len());
        assert_eq!(summary["processing_failed"], expected_failed.len());
        assert_eq!(summary["truncated"], expected_cuts.len());
        let mut reasons = serde_json::Map::new();
        for (_, _, reason) in &expected_failed {
            let count = reasons.get(*reason).and_then(Value::as_u64).unwrap_or(0);
            reasons.insert((*reason).to_owned(), json!(count + 1));
        }
        assert_eq!(summary["reasons"], Value::Object(reasons), "{summary}");
        assert_eq!(summary["deliveryStreamArn"], delivery_arn(stream));
        match source {
            Source::DirectPut => assert!(summary.get("sourceKinesisStreamArn").is_none(), "{summary}"),
            _ => assert_eq!(summary["sourceKinesisStreamArn"], kinesis_arn(stream)),
        }
        assert_eq!(lines.len(), failed.len() + cuts.len() + 1, "{stream}: no other lines:\n{logs}");
    }
    assert_eq!(sources_seen.len(), SOURCES.len(), "every source shape was tried");
    // Every code but `schema` (the generated schemas only check types and patterns) and
    // `response-size-limit` (a batch's size, not a record's content: see below).
    let every_code: BTreeSet<String> = Reason::CODES
        .iter()
        .filter(|code| !["schema", "response-size-limit"].contains(code))
        .map(|code| (*code).to_owned())
        .collect();
    assert_eq!(reasons_seen, every_code, "every reason reachable from a record's content was logged");
}

/// The two size outcomes: records that transformed but did not fit go back with reason
/// `response-size-limit`, and a batch that cannot fit at all fails the invocation; neither
/// log holds a value.
#[test]
fn no_customer_data_in_the_logs_of_the_size_limit() {
    let transformer = support::transformer(Stream::VirtualRequests);
    // Each line is larger than its input: the pipes are escaped to two bytes each.
    let swelling = request(json!({
        "artworkUrl": format!("https://artwork.secret/{}", "|".repeat(170)),
        "notes": format!("Marge {}", "|".repeat(240)),
    }));
    let records = (0..6000).map(|i| (format!("rec-{i:04}"), swelling.clone()));
    let (handled, logs) = capture(|| respond::process(&transformer, event(records)).unwrap());
    assert_no_secrets(&logs);
    let limited = handled.records.iter().filter(|o| o.reason.map(|r| r.code()) == Some("response-size-limit")).count();
    assert!(limited > 0, "the batch reached the limit");
    let schema = log_schema::load();
    let captured = lines(&logs);
    for line in &captured {
        log_schema::check_line(&schema, line, true);
    }
    let failed = captured.iter().filter(|l| l["reason"] == "response-size-limit").count();
    assert_eq!(failed, limited);

    let garbage = format!("Zebulon Quixwhistle 555-0199 {}", "x".repeat(70_000));
    let records = (0..100).map(|i| (format!("rec-{i:03}"), garbage.clone()));
    let (result, logs) = capture(|| respond::process(&transformer, event(records)));
    assert!(result.is_err(), "over 6 MB even as it came in");
    assert_no_secrets(&logs);
    let lines = lines(&logs);
    assert_eq!(lines.len(), 1, "{logs}");
    log_schema::check_line(&schema, &lines[0], true);
    assert_eq!((lines[0]["level"].as_str(), lines[0]["message"].as_str()), (Some("ERROR"), Some("response too large")));
    assert_eq!(lines[0]["records"], 100);
    assert_eq!(lines[0]["stream"], "virtual-requests");
}

/// In Lambda the runtime runs the handler inside its own span (`requestId`, and `xrayTraceId`
/// when tracing is on): its fields join ours on each line, the request id written once.
#[test]
fn lines_inside_the_lambda_runtime_span_carry_its_fields_once() {
    let schema = log_schema::load();
    let mut context = context("req-rt");
    context.xray_trace_id = Some("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1".into());
    let records = vec![failed(customer(json!({"name": "Zebulon Quixwhistle ".repeat(3)})), "too-long:NAME")];
    let ids = vec!["rec-000".to_owned()];
    let batch = firehose_event(Stream::Customers, Source::KinesisNumber, &ids, &records);
    let transformer = support::transformer(Stream::Customers);
    let (_, logs) = capture(|| {
        let span = lambda_runtime::layers::trace::request_span(&context);
        let _entered = span.enter();
        lambda::invoke(&transformer, LambdaEvent::new(batch, context.clone()), NOW_MS).unwrap()
    });
    assert_no_secrets(&logs);
    assert_eq!(logs.lines().count(), 2, "{logs}");
    for text in logs.lines() {
        assert_eq!(text.matches("\"requestId\"").count(), 1, "{text}");
        let line: Value = serde_json::from_str(text).unwrap();
        log_schema::check_line(&schema, &line, true);
        assert_eq!(line["requestId"], "req-rt");
        assert_eq!(line["xrayTraceId"], "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1");
    }
}
