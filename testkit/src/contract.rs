//! The batch contract every test of the handler asserts, whatever it feeds it (catalogue
//! cases, generated events, fuzzed bytes): every record comes back exactly once and in order; a
//! record's result does not depend on its batch; a failed record carries its input `data`
//! unchanged and the reason it has alone; a dropped record carries nothing; an `Ok` record is
//! one well-formed System One line of the stream's type.
//!
//! These are assertions: they panic with a message naming the stream and what broke, which is
//! how a test (or a fuzz target) fails.
#![allow(clippy::panic)]

use base64::Engine;
use shim::firehose::{FirehoseRecord, RecordResult, ResponseRecord};
use shim::respond::Handled;
use shim::{Reason, Stream, TransformOutcome, Transformer};

use crate::line;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Asserts that an `Ok` line is exactly one System One line of the stream's type: one LF at the
/// end and no line break inside (not even U+2028/U+2029, which a reader may take for one), the
/// record type first, the layout's number of fields, only known escapes. Returns its unescaped
/// fields.
pub fn check_line(stream: Stream, line: &str) -> Vec<String> {
    let layout = stream.layout();
    let Some(body) = line.strip_suffix('\n') else { panic!("{stream}: line without its LF: {line:?}") };
    assert!(!body.contains(['\n', '\r', '\u{2028}', '\u{2029}']), "{stream}: line break inside a line: {line:?}");
    let Some(fields) = line::split(body) else { panic!("{stream}: bad escape in {line:?}") };
    assert_eq!(fields.len(), layout.line_fields(), "{stream}: field count of {line:?}");
    assert_eq!(fields.first().map(String::as_str), Some(layout.record_type), "{stream}: record type of {line:?}");
    fields
}

/// Asserts what a batch gave for one record against the same record transformed `alone`: `Ok`
/// is the alone line (well formed) in base64 and no reason; `Dropped` is empty data and no
/// reason; `ProcessingFailed` is the input `data` unchanged and the alone reason.
pub fn check_record(
    stream: Stream,
    input: &str,
    output: &ResponseRecord,
    reason: Option<Reason>,
    alone: &TransformOutcome,
) {
    match (output.result, alone) {
        (RecordResult::Ok, TransformOutcome::Ok { line, .. }) => {
            check_line(stream, line);
            assert_eq!(
                B64.decode(&output.data).ok().as_deref(),
                Some(line.as_bytes()),
                "{stream}: Ok data is the line"
            );
            assert_eq!(reason, None, "{stream}: an Ok record has no reason");
        }
        (RecordResult::Dropped, TransformOutcome::Dropped) => {
            assert_eq!(output.data, "", "{stream}: a dropped record carries nothing");
            assert_eq!(reason, None, "{stream}: a dropped record has no reason");
        }
        (RecordResult::ProcessingFailed, TransformOutcome::Failed(alone_reason)) => {
            assert_eq!(output.data, input, "{stream}: a failed record carries its input data unchanged");
            assert_eq!(reason, Some(*alone_reason), "{stream}: the same reason in the batch as alone");
        }
        (result, alone) => panic!("{stream}: the batch gave {result:?}, the record alone {alone:?}"),
    }
}

/// Asserts the contract on a handled batch of `inputs`: one response record per input, the
/// record ids in input order, reasons aligned with them, each record as it is alone
/// ([`check_record`]), and a summary that counts what the response holds.
pub fn check_batch(transformer: &Transformer, inputs: &[FirehoseRecord], handled: &Handled) {
    let stream = transformer.stream();
    let records: Vec<&ResponseRecord> = handled.records.iter().map(|outcome| &outcome.response).collect();
    let sent: Vec<&str> = inputs.iter().map(|record| record.record_id.as_ref()).collect();
    let got: Vec<&str> = records.iter().map(|record| record.record_id.as_str()).collect();
    assert_eq!(got, sent, "{stream}: every record id back exactly once, in input order");
    for (input, outcome) in inputs.iter().zip(&handled.records) {
        check_record(stream, &input.data, &outcome.response, outcome.reason, &transformer.transform(&input.data));
    }
    let count = |result: RecordResult| records.iter().filter(|record| record.result == result).count();
    let summary = &handled.summary;
    assert_eq!(summary.ok, count(RecordResult::Ok), "{stream}: summary ok");
    assert_eq!(summary.dropped, count(RecordResult::Dropped), "{stream}: summary dropped");
    assert_eq!(summary.failed, count(RecordResult::ProcessingFailed), "{stream}: summary failed");
}
