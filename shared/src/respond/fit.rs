//! The 6 MB fitting: a response never exceeds Lambda's limit on a synchronous response.

use super::Entry;
use crate::firehose::RecordResult;
use crate::reason::Reason;

/// Lambda's limit on a synchronous response payload, in bytes.
pub const RESPONSE_LIMIT: usize = 6_291_456;

/// Even with every transformed record sent back as it came in, the response would not fit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the response for {records} records would be {bytes} bytes even with every transformed record returned \
     as it came in, over Lambda's {RESPONSE_LIMIT}-byte limit; failing the invocation so that Firehose retries \
     and then writes the batch to its error output"
)]
pub struct ResponseTooLarge {
    pub records: usize,
    pub bytes: usize,
}

impl Entry<'_> {
    /// Bytes of this record as serialised. Output base64 never needs JSON escaping, so only a
    /// failed record's original data (which may be anything) is scanned.
    pub(super) fn size(&self) -> usize {
        let data = &self.response.data;
        let data_len = match self.response.result {
            RecordResult::Ok | RecordResult::Dropped => data.len() + 2,
            RecordResult::ProcessingFailed => json_string_len(data),
        };
        record_size(&self.response.record_id, self.response.result, data_len)
    }

    /// Bytes of this record if it had to go back as it came in.
    pub(super) fn fallback_size(&self) -> usize {
        match &self.original {
            Some(original) => {
                record_size(&self.response.record_id, RecordResult::ProcessingFailed, json_string_len(original))
            }
            None => self.size(),
        }
    }
}

/// Keeps the response within [`RESPONSE_LIMIT`]: when it would not fit, the longest prefix of
/// records that fits keeps its results, and every `Ok` record after it goes back as
/// `ProcessingFailed` with its original data and reason `response-size-limit`, so it reaches
/// Firehose's error output and can be replayed. When even that cannot fit, the invocation fails.
pub(super) fn fit_response(entries: &mut [Entry]) -> Result<(), ResponseTooLarge> {
    let frame = FRAME + entries.len().saturating_sub(1);
    let actual_total = frame + entries.iter().map(Entry::size).sum::<usize>();
    if actual_total <= RESPONSE_LIMIT {
        return Ok(());
    }
    let sizes: Vec<(usize, usize)> = entries.iter().map(|entry| (entry.size(), entry.fallback_size())).collect();
    // total(k): records before k as they are, from k on as they came in.
    let mut total = frame + sizes.iter().map(|(_, fallback)| fallback).sum::<usize>();
    if total > RESPONSE_LIMIT {
        return Err(ResponseTooLarge { records: entries.len(), bytes: total });
    }
    let mut keep = 0;
    for (actual, fallback) in &sizes {
        if total - fallback + actual > RESPONSE_LIMIT {
            break;
        }
        total = total - fallback + actual;
        keep += 1;
    }
    for entry in entries.iter_mut().skip(keep) {
        if let Some(original) = entry.original.take() {
            entry.response.result = RecordResult::ProcessingFailed;
            entry.response.data = original.into_owned();
            entry.reason = Some(Reason::ResponseSizeLimit);
            entry.truncated.clear();
        }
    }
    Ok(())
}

/// `{"records":[` and `]}`.
pub(super) const FRAME: usize = 14;

/// The bytes of `{"recordId":…,"result":"…","data":…}` as serde_json writes it, given the
/// length of `data` as a JSON string literal.
fn record_size(record_id: &str, result: RecordResult, data_json_len: usize) -> usize {
    let result_len = match result {
        RecordResult::Ok => 2,
        RecordResult::Dropped => 7,
        RecordResult::ProcessingFailed => 16,
    };
    r#"{"recordId":,"result":"","data":}"#.len() + json_string_len(record_id) + result_len + data_json_len
}

/// The length of a string as a JSON string literal written by serde_json, quotes included.
fn json_string_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    // Most strings (record ids, base64) need no escape: one branch-free pass finds out.
    let escapes = bytes.iter().filter(|&&b| b < 0x20 || b == b'"' || b == b'\\').count();
    if escapes == 0 {
        return bytes.len() + 2;
    }
    2 + bytes
        .iter()
        .map(|b| match b {
            b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 2,
            0x00..=0x1f => 6,
            _ => 1,
        })
        .sum::<usize>()
}
