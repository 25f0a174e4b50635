//! The invariants both fuzz targets assert: whatever the input, the handler never panics,
//! every record id comes back exactly once and in order, a failed record carries its input
//! `data` unchanged, a dropped record carries nothing, and an `Ok` record is one System One
//! line with its record type's field count.

use std::sync::LazyLock;

use base64::Engine;
use shim::config::Config;
use shim::firehose::{FirehoseEvent, FirehoseRecord, RecordResult};
use shim::{respond, Stream, TransformOutcome, Transformer};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// One transformer per stream, built once per fuzzing process (schemas compile at start-up).
static TRANSFORMERS: LazyLock<Vec<Transformer>> = LazyLock::new(|| {
    Stream::ALL
        .iter()
        .map(|&stream| {
            let config = Config::with_zone(None).expect("default zone");
            Transformer::new(stream, config).expect("transformer starts")
        })
        .collect()
});

pub fn transformer(stream: Stream) -> &'static Transformer {
    let at = Stream::ALL.iter().position(|&s| s == stream).expect("known stream");
    &TRANSFORMERS[at]
}

/// The number of `|` separators outside escapes, decoding `\` escapes left to right; `None`
/// when the line holds a dangling or unknown escape.
pub fn unescaped_fields(line: &str) -> Option<usize> {
    let mut fields = 1;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next()? {
                '\\' | '|' | 'n' | 'r' | 't' => {}
                _ => return None,
            },
            '|' => fields += 1,
            _ => {}
        }
    }
    Some(fields)
}

/// Asserts that an `Ok` line is exactly one well-formed System One line of the stream's type.
pub fn check_line(stream: Stream, line: &str) {
    let layout = stream.layout();
    let body = line.strip_suffix('\n').unwrap_or_else(|| panic!("{stream}: line without its LF: {line:?}"));
    assert!(!body.contains(['\n', '\r', '\u{2028}', '\u{2029}']), "{stream}: line break inside a line: {line:?}");
    assert!(body.starts_with(&format!("{}|", layout.record_type)), "{stream}: wrong record type: {line:?}");
    assert_eq!(unescaped_fields(body), Some(layout.line_fields()), "{stream}: field count of {line:?}");
}

/// Asserts the single-record invariants and returns the outcome.
pub fn check_record(stream: Stream, data: &str) -> TransformOutcome {
    let transformer = transformer(stream);
    let outcome = transformer.transform(data);
    assert_eq!(transformer.transform(data), outcome, "{stream}: transform is not deterministic");
    if let TransformOutcome::Ok { line, .. } = &outcome {
        check_line(stream, line);
    }
    outcome
}

/// Runs a whole event through the handler and asserts the batch invariants.
pub fn check_event(stream: Stream, event: FirehoseEvent) {
    let inputs: Vec<FirehoseRecord> = event.records.clone();
    let transformer = transformer(stream);
    let response = match respond::handle(transformer, event) {
        Ok(response) => response,
        // Only possible over 6 MB, which libFuzzer's input limit keeps us far below.
        Err(error) => panic!("{stream}: response too large for a small input: {error}"),
    };
    assert_eq!(response.records.len(), inputs.len(), "{stream}: one response record per input record");
    for (input, output) in inputs.iter().zip(&response.records) {
        assert_eq!(output.record_id, input.record_id, "{stream}: record ids in input order");
        let alone = check_record(stream, &input.data);
        match (output.result, alone) {
            (RecordResult::Ok, TransformOutcome::Ok { line, .. }) => {
                assert_eq!(B64.decode(&output.data).ok(), Some(line.into_bytes()), "{stream}: Ok data is the line");
            }
            (RecordResult::Dropped, TransformOutcome::Dropped) => assert!(output.data.is_empty()),
            (RecordResult::ProcessingFailed, TransformOutcome::Failed(_)) => {
                assert_eq!(output.data, input.data, "{stream}: failed record carries its data unchanged");
            }
            (result, alone) => panic!("{stream}: batch gave {result:?}, the record alone {alone:?}"),
        }
    }
}

/// The stream an input is fuzzed against: one selector byte.
pub fn stream_for(selector: u8) -> Stream {
    Stream::ALL[usize::from(selector) % Stream::ALL.len()]
}
