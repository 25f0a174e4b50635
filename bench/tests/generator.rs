//! The generator is deterministic, and every record becomes exactly what it was made to be,
//! through the real handler.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use base64::Engine;
use bench::Expected;
use shim::config::Config;
use shim::firehose::{FirehoseEvent, FirehoseResponse, RecordResult};
use shim::{Reason, Transformer};

const SIZE: usize = 400_000;

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    for stream in bench::STREAMS {
        let a = bench::batch(stream, 7, SIZE);
        assert_eq!(a, bench::batch(stream, 7, SIZE));
        assert_ne!(a.text, bench::batch(stream, 8, SIZE).text);
        assert!(a.text.len() <= SIZE && a.text.len() > SIZE - 3_000, "{}", a.text.len());
    }
}

#[test]
fn every_record_becomes_what_it_was_made_to_be() {
    for stream in bench::STREAMS {
        let batch = bench::batch(stream, 1, SIZE);
        let transformer = Transformer::new(stream, Config::with_zone(None).unwrap());
        let event: FirehoseEvent = serde_json::from_str(&batch.text).unwrap();
        let handled = shim::respond::process(&transformer, event).unwrap();
        let actual: Vec<Expected> = handled
            .records
            .iter()
            .map(|outcome| match (outcome.response.result, outcome.reason) {
                (RecordResult::Ok, _) => Expected::Ok,
                (RecordResult::Dropped, _) => Expected::Dropped,
                (RecordResult::ProcessingFailed, reason) => Expected::Failed(reason.unwrap()),
            })
            .collect();
        assert_eq!(actual, batch.expected, "{stream}");

        let expected = &batch.expected;
        let failed = expected.iter().filter(|e| e.is_failed()).count();
        let share = failed as f64 / expected.len() as f64;
        assert!((0.02..0.08).contains(&share), "{stream}: {failed} of {} fail", expected.len());
        assert!(expected.contains(&Expected::Dropped), "{stream}: no heartbeat");
        let kinds: std::collections::BTreeSet<String> = expected.iter().map(ToString::to_string).collect();
        assert!(kinds.len() >= 8, "{stream}: {kinds:?}");
    }
}

#[test]
fn the_mix_has_both_versions_all_actions_and_non_ascii_text() {
    for stream in bench::STREAMS {
        let batch = bench::batch(stream, 1, SIZE);
        let event: FirehoseEvent = serde_json::from_str(&batch.text).unwrap();
        let documents: Vec<String> = event
            .records
            .iter()
            .filter_map(|r| base64::engine::general_purpose::STANDARD.decode(r.data.as_bytes()).ok())
            .map(|bytes| String::from_utf8(bytes).unwrap())
            .collect();
        let entity = stream.layout().entity;
        for needle in [
            "\"schemaVersion\"".to_owned(),
            "\"event_type\"".to_owned(),
            format!("{entity}.created"),
            format!("{entity}.updated"),
            format!("{entity}.deleted"),
            "\\u00".to_owned(),
        ] {
            assert!(documents.iter().any(|d| d.contains(&needle)), "{stream}: no {needle}");
        }
        assert!(documents.iter().any(|d| !d.is_ascii()), "{stream}: no raw non-ASCII text");
    }
}

#[test]
fn floor_returns_every_record() {
    let batch = bench::batch(shim::Stream::Orders, 3, SIZE);
    let response: FirehoseResponse = serde_json::from_slice(&bench::floor(&batch.text).unwrap()).unwrap();
    assert_eq!(response.records.len(), batch.expected.len());
    let ok = response.records.iter().filter(|r| r.result == RecordResult::Ok).count();
    let unparseable =
        batch.expected.iter().filter(|e| matches!(e, Expected::Failed(Reason::Base64 | Reason::Json))).count();
    assert_eq!(ok, batch.expected.len() - unparseable);
}
