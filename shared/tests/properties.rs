//! Property tests over generated System Two events (every stream, both connector versions,
//! every action, with mutations) and generated garbage (random bytes, random base64, random
//! JSON), through the real `Transformer` and `respond::process`.
//!
//! Case counts are modest so that the file runs in well under a minute in a debug build; set
//! `PROPTEST_CASES` to run more.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod support;

use std::sync::LazyLock;

use proptest::prelude::*;
use serde_json::{json, Value};
use shim::firehose::RecordResult;
use shim::layout::Version;
use shim::{respond, Stream, TransformOutcome, Transformer};
use support::{b64, event, generate, Generated, ACTIONS};
use testkit::contract;

static TRANSFORMERS: LazyLock<Vec<Transformer>> =
    LazyLock::new(|| Stream::ALL.iter().map(|&stream| support::transformer(stream)).collect());

fn transformer(stream: Stream) -> &'static Transformer {
    &TRANSFORMERS[Stream::ALL.iter().position(|&s| s == stream).unwrap()]
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(cases),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn stream() -> impl Strategy<Value = Stream> {
    prop::sample::select(Stream::ALL.to_vec())
}

fn version() -> impl Strategy<Value = Version> {
    prop_oneof![Just(Version::V1), Just(Version::V2)]
}

fn action() -> impl Strategy<Value = &'static str> {
    prop::sample::select(ACTIONS.to_vec())
}

/// A generated event of one stream.
fn generated(stream: Stream) -> impl Strategy<Value = Generated> {
    (version(), action(), any::<u64>()).prop_map(move |(version, action, seed)| generate(stream, version, action, seed))
}

/// Any JSON value, small.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        "-?(0|[1-9][0-9]{0,20})(\\.[0-9]{1,20})?([eE][+-]?[0-9]{1,4})?"
            .prop_map(|text| Value::Number(text.parse().unwrap())),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z_]{1,12}", inner, 0..6)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// A mutation of a valid document: a member removed, replaced by a wrong type, or the whole
/// text cut or altered.
fn mutate(generated: &Generated, how: u8, at: usize, value: &Value) -> Vec<u8> {
    let mut document = generated.document.clone();
    let payload_key = if generated.version == Version::V2 { "data" } else { "payload" };
    let text_of = |document: &Value| serde_json::to_vec(document).unwrap();
    match how % 8 {
        0 | 1 => {
            // Replace a payload member (or a whole v2 group) with any JSON value.
            if let Some(Value::Object(payload)) = document.get_mut(payload_key) {
                let keys: Vec<String> = payload.keys().cloned().collect();
                if !keys.is_empty() {
                    payload.insert(keys[at % keys.len()].clone(), value.clone());
                }
            }
            text_of(&document)
        }
        2 => {
            // Remove a payload member.
            if let Some(Value::Object(payload)) = document.get_mut(payload_key) {
                let keys: Vec<String> = payload.keys().cloned().collect();
                if !keys.is_empty() {
                    payload.remove(&keys[at % keys.len()]);
                }
            }
            text_of(&document)
        }
        3 => {
            // Replace an envelope member with any JSON value.
            let keys: Vec<String> = document.as_object().unwrap().keys().cloned().collect();
            document[&keys[at % keys.len()]] = value.clone();
            text_of(&document)
        }
        4 => {
            // Cut the text anywhere.
            let mut bytes = text_of(&document);
            bytes.truncate(at % (bytes.len() + 1));
            bytes
        }
        5 => {
            // Flip one byte.
            let mut bytes = text_of(&document);
            let i = at % bytes.len();
            bytes[i] ^= 1 << (at % 8);
            bytes
        }
        6 => {
            // Another stream's event.
            let other = Stream::ALL[at % Stream::ALL.len()];
            generate(other, generated.version, generated.action, at as u64).bytes()
        }
        _ => {
            // Add an unknown member.
            document["x-unknown"] = value.clone();
            text_of(&document)
        }
    }
}

/// A heartbeat of either version, with anything in an extra member: always `Dropped`.
fn heartbeat(version: Version, extra: Value) -> Value {
    match version {
        Version::V2 => json!({"schemaVersion": 2, "eventType": "system.heartbeat", "x": extra}),
        Version::V1 => json!({"event_type": "system.heartbeat", "payload": extra}),
    }
}

/// One record of a batch: its bytes or its raw `data`.
#[derive(Debug, Clone)]
enum Input {
    Valid(Generated),
    Mutated(Vec<u8>),
    Bytes(Vec<u8>),
    RawData(String),
    Json(Value),
}

impl Input {
    fn data(&self) -> String {
        match self {
            Input::Valid(generated) => generated.data(),
            Input::Mutated(bytes) | Input::Bytes(bytes) => b64(bytes),
            Input::RawData(data) => data.clone(),
            Input::Json(value) => b64(serde_json::to_vec(value).unwrap()),
        }
    }
}

fn input(stream: Stream) -> impl Strategy<Value = Input> {
    prop_oneof![
        4 => generated(stream).prop_map(Input::Valid),
        3 => (generated(stream), any::<u8>(), any::<usize>(), json_value())
            .prop_map(|(g, how, at, value)| Input::Mutated(mutate(&g, how, at, &value))),
        1 => prop::collection::vec(any::<u8>(), 0..200).prop_map(Input::Bytes),
        1 => "[A-Za-z0-9+/=]{0,80}".prop_map(Input::RawData),
        1 => ".{0,40}".prop_map(Input::RawData),
        1 => json_value().prop_map(Input::Json),
        1 => (version(), json_value()).prop_map(|(version, extra)| Input::Json(heartbeat(version, extra))),
    ]
}

proptest! {
    #![proptest_config(config(48))]

    /// Any batch: every recordId back exactly once, in order; each record as it is alone.
    #[test]
    fn every_record_comes_back_once_in_order(
        (stream, inputs) in stream().prop_flat_map(|s| (Just(s), prop::collection::vec(input(s), 0..24))),
        ids in prop::collection::vec(".{0,20}", 24),
    ) {
        let records: Vec<(String, String)> =
            inputs.iter().zip(&ids).map(|(input, id)| (id.clone(), input.data())).collect();
        let event = event(records.clone());
        let sent = event.records.clone();
        let handled = respond::process(transformer(stream), event).unwrap();
        contract::check_batch(transformer(stream), &sent, &handled);
        for (input, out) in inputs.iter().zip(handled.records.iter().map(|outcome| &outcome.response)) {
            if let Input::Json(document) = input {
                if document.get("eventType").or(document.get("event_type")) == Some(&json!("system.heartbeat")) {
                    prop_assert_eq!(out.result, RecordResult::Dropped);
                }
            }
        }
        prop_assert_eq!(handled.summary.ok + handled.summary.dropped + handled.summary.failed, records.len());
    }

    /// Generated valid-ish events: the outcome the rules predict, and for `Ok` one line of the
    /// type's field count whose unescaped fields are the cleaned input values.
    #[test]
    fn valid_events_give_the_cleaned_values(generated in stream().prop_flat_map(generated)) {
        let outcome = transformer(generated.stream).transform(&generated.data());
        let document = serde_json::to_string(&generated.document).unwrap();
        match (&generated.failure, outcome) {
            (None, TransformOutcome::Ok { line, truncated }) => support::check_expected(&generated, &line, &truncated),
            (Some(tag), TransformOutcome::Failed(reason)) => prop_assert_eq!(&reason.tag().to_string(), tag, "{}", document),
            (expected, outcome) => panic!("expected {expected:?}, got {outcome:?} for {document}"),
        }
    }

    /// Mutated events and garbage: never a panic; an `Ok` line is always well formed, a failure
    /// always has a reason, and the result does not change between two calls.
    #[test]
    fn mutations_and_garbage_never_break_the_contract(
        (stream, input) in stream().prop_flat_map(|s| (Just(s), input(s))),
    ) {
        let data = input.data();
        let outcome = transformer(stream).transform(&data);
        prop_assert_eq!(&transformer(stream).transform(&data), &outcome);
        if let TransformOutcome::Ok { line, .. } = &outcome {
            contract::check_line(stream, line);
        }
        let event = event([("id".to_owned(), data.clone())]);
        let sent = event.records.clone();
        let handled = respond::process(transformer(stream), event).unwrap();
        contract::check_batch(transformer(stream), &sent, &handled);
    }

    /// Every stream's transformer refuses another stream's valid events as a routing fault
    /// (heartbeats aside), and keeps their data.
    #[test]
    fn other_streams_events_are_routing_faults(
        generated in stream().prop_flat_map(generated),
        target in stream(),
    ) {
        prop_assume!(target != generated.stream);
        let outcome = transformer(target).transform(&generated.data());
        prop_assert_eq!(outcome, TransformOutcome::Failed(shim::Reason::WrongStream));
    }
}

proptest! {
    #![proptest_config(config(6))]

    /// The same record gives the same result alone and among 1000 others, wherever it rides.
    #[test]
    fn a_record_is_independent_of_its_batch(
        (stream, record, others) in stream().prop_flat_map(|s| {
            (Just(s), input(s), prop::collection::vec(input(s), 1000))
        }),
        position in 0..=1000_usize,
    ) {
        let data = record.data();
        let alone = respond::process(transformer(stream), event([("me".to_owned(), data.clone())])).unwrap();
        let mut records: Vec<(String, String)> =
            others.iter().enumerate().map(|(i, input)| (format!("o{i}"), input.data())).collect();
        records.insert(position, ("me".to_owned(), data));
        let size: usize = records.iter().map(|(_, d)| d.len()).sum();
        prop_assert!(size < respond::RESPONSE_LIMIT / 4, "keep the batch far below the 6 MB limit");
        let batch = respond::process(transformer(stream), event(records)).unwrap();
        prop_assert_eq!(&batch.records[position], &alone.records[0]);
    }
}

/// Each generator branch really produces `Ok` records for every stream, version and action,
/// so the properties above are not passing on failures alone.
#[test]
fn the_generator_reaches_ok_for_every_stream_version_and_action() {
    for stream in Stream::ALL {
        for version in [Version::V1, Version::V2] {
            for action in ACTIONS {
                let ok = (0..40_u64)
                    .map(|seed| generate(stream, version, action, seed))
                    .filter(|g| g.failure.is_none())
                    .filter(|g| {
                        let outcome = transformer(stream).transform(&g.data());
                        if let TransformOutcome::Ok { line, truncated } = &outcome {
                            support::check_expected(g, line, truncated);
                            true
                        } else {
                            panic!("{stream} {version:?} {action}: {outcome:?} for {}", g.document)
                        }
                    })
                    .count();
                assert!(ok >= 10, "{stream} {version:?} {action}: only {ok} of 40 generated events are valid");
            }
        }
    }
}
