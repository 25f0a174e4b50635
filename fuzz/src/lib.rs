//! The invariants both fuzz targets assert: whatever the input, the handler never panics,
//! a record's result is the same twice, and the batch contract holds (`testkit::contract`, the
//! assertions the property tests make too): every record id comes back exactly once and in
//! order, a failed record carries its input `data` unchanged, a dropped record carries nothing,
//! and an `Ok` record is one System One line with its record type's field count.

use std::sync::LazyLock;

use shim::config::Config;
use shim::firehose::{FirehoseEvent, FirehoseRecord};
use shim::{respond, Stream, TransformOutcome, Transformer};
use testkit::contract;

/// One transformer per stream, built once per fuzzing process (schemas compile at start-up).
static TRANSFORMERS: LazyLock<Vec<Transformer>> = LazyLock::new(|| {
    Stream::ALL
        .iter()
        .map(|&stream| {
            let config = Config::with_zone(None).expect("default zone");
            Transformer::new(stream, config)
        })
        .collect()
});

pub fn transformer(stream: Stream) -> &'static Transformer {
    let at = Stream::ALL.iter().position(|&s| s == stream).expect("known stream");
    &TRANSFORMERS[at]
}

/// Asserts the single-record invariants and returns the outcome: the same result twice, and an
/// `Ok` line that is one well-formed System One line of the stream's type.
pub fn check_record(stream: Stream, data: &str) -> TransformOutcome {
    let transformer = transformer(stream);
    let outcome = transformer.transform(data);
    assert_eq!(transformer.transform(data), outcome, "{stream}: transform is not deterministic");
    if let TransformOutcome::Ok { line, .. } = &outcome {
        contract::check_line(stream, line);
    }
    outcome
}

/// Runs a whole event through the handler and asserts the batch contract
/// ([`testkit::contract::check_batch`]).
pub fn check_event(stream: Stream, event: FirehoseEvent) {
    let inputs: Vec<FirehoseRecord> = event.records.clone();
    let transformer = transformer(stream);
    let handled = match respond::process(transformer, event) {
        Ok(handled) => handled,
        // Only possible over 6 MB, which libFuzzer's input limit keeps us far below.
        Err(error) => panic!("{stream}: response too large for a small input: {error}"),
    };
    contract::check_batch(transformer, &inputs, &handled);
}

/// The stream an input is fuzzed against: one selector byte.
pub fn stream_for(selector: u8) -> Stream {
    Stream::ALL[usize::from(selector) % Stream::ALL.len()]
}
