//! Puts raw System Two events back onto their stream's Kinesis data stream, as the API does:
//! PutRecords in batches of at most 500 records and 5 MiB, each record's partition key its
//! entity key (docs: /work/notes/interfaces.md, the rule the API's mapping template follows),
//! entries that fail (`FailedRecordCount`: throttled, internal failure) and whole calls that
//! are throttled retried with exponential backoff and jitter up to a bound; whatever could not
//! be put is returned, by entry, with its error code.

use std::time::Duration;

use aws_sdk_kinesis::primitives::Blob;
use aws_sdk_kinesis::types::PutRecordsRequestEntry;
use shim::Stream;

use crate::aws::{backoff, error_code};
use crate::Error;

/// PutRecords takes at most this many records per call...
pub const MAX_RECORDS: usize = 500;
/// ...and this many bytes of data and partition keys per call...
pub const MAX_CALL_BYTES: usize = 5 * 1024 * 1024;
/// ...and this many per record.
pub const MAX_RECORD_BYTES: usize = 1024 * 1024;
/// Kinesis caps a partition key at 256 characters.
pub const MAX_KEY_CHARS: usize = 256;

/// Whole-call errors worth retrying: throttling and the service's own transient failures (and
/// any HTTP 5xx answer without an error code).
const RETRYABLE: [&str; 8] = [
    "ProvisionedThroughputExceededException",
    "LimitExceededException",
    "ThrottlingException",
    "KMSThrottlingException",
    "InternalFailure",
    "ServiceUnavailable",
    "timeout",
    "connection failed",
];

/// The partition key the API gives an event of `stream`: its key values as written (a
/// string's text, a number's JSON text) joined with `|`, cut to 256 characters. `None` when a
/// key value is absent or the body is not an event of the stream's shape (the API then uses its
/// request id; see [`fallback_key`]).
pub fn partition_key(stream: Stream, event: &[u8]) -> Option<String> {
    let peeked = shim::envelope::peek(event)?;
    let values = peeked.key_values(stream)?;
    Some(values.join("|").chars().take(MAX_KEY_CHARS).collect())
}

/// A key for an event without its key values: where the API would use its request id, the
/// replay uses a hash of the event's bytes (stable from one run to the next).
pub fn fallback_key(event: &[u8]) -> String {
    crate::ids::uuid_like(&[event])
}

/// How hard to try.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    /// The first delay (about); each retry doubles it, with jitter.
    pub base: Duration,
    /// No delay is longer than this.
    pub cap: Duration,
    /// Calls per batch, the first included.
    pub max_attempts: u32,
}

impl Default for Retry {
    fn default() -> Retry {
        Retry { base: Duration::from_millis(100), cap: Duration::from_secs(5), max_attempts: 8 }
    }
}

/// One record to put.
#[derive(Debug, Clone)]
pub struct Entry {
    pub data: Vec<u8>,
    pub partition_key: String,
}

/// What became of a set of entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    pub put: usize,
    /// Entries not put, by index in the input, with the last error code.
    pub failed: Vec<(usize, String)>,
    /// PutRecords calls made.
    pub calls: usize,
    /// Calls throttled or failed as a whole and retried.
    pub retried_calls: usize,
    /// Entries failed in a call and retried.
    pub retried_entries: usize,
}

impl Outcome {
    fn absorb(&mut self, other: Outcome) {
        self.put += other.put;
        self.failed.extend(other.failed);
        self.calls += other.calls;
        self.retried_calls += other.retried_calls;
        self.retried_entries += other.retried_entries;
    }
}

fn entry_bytes(entry: &Entry) -> usize {
    entry.data.len() + entry.partition_key.len()
}

/// Puts every entry onto `stream_name`. A call that fails in a way no retry mends (the stream
/// does not exist, access is denied) is an error naming the stream and the code.
pub async fn put_all(
    client: &aws_sdk_kinesis::Client,
    stream_name: &str,
    entries: &[Entry],
    retry: Retry,
) -> Result<Outcome, Error> {
    let mut outcome = Outcome::default();
    let mut batch: Vec<usize> = Vec::new();
    let mut batch_bytes = 0;
    for (index, entry) in entries.iter().enumerate() {
        let size = entry_bytes(entry);
        if size > MAX_RECORD_BYTES {
            outcome.failed.push((index, "record over 1 MiB".to_owned()));
            continue;
        }
        if !batch.is_empty() && (batch.len() == MAX_RECORDS || batch_bytes + size > MAX_CALL_BYTES) {
            outcome.absorb(put_batch(client, stream_name, entries, &std::mem::take(&mut batch), retry).await?);
            batch_bytes = 0;
        }
        batch.push(index);
        batch_bytes += size;
    }
    if !batch.is_empty() {
        outcome.absorb(put_batch(client, stream_name, entries, &batch, retry).await?);
    }
    outcome.failed.sort();
    Ok(outcome)
}

/// One batch, its failed entries retried until none is left or the attempts are spent.
async fn put_batch(
    client: &aws_sdk_kinesis::Client,
    stream_name: &str,
    entries: &[Entry],
    batch: &[usize],
    retry: Retry,
) -> Result<Outcome, Error> {
    let mut outcome = Outcome::default();
    let mut waiting: Vec<(usize, String)> = batch.iter().map(|index| (*index, String::new())).collect();
    let seed = crate::ids::fnv1a(&[stream_name.as_bytes(), &batch.len().to_be_bytes()]);
    for attempt in 0..retry.max_attempts.max(1) {
        if attempt > 0 {
            tokio::time::sleep(backoff(retry.base, retry.cap, attempt - 1, seed)).await;
        }
        let mut request = client.put_records().stream_name(stream_name);
        for (index, _) in &waiting {
            let Some(entry) = entries.get(*index) else { continue };
            let record = PutRecordsRequestEntry::builder()
                .data(Blob::new(entry.data.clone()))
                .partition_key(&entry.partition_key)
                .build()
                .map_err(|source| Error::KinesisEntry { source })?;
            request = request.records(record);
        }
        outcome.calls += 1;
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => {
                let code = error_code(&error);
                if !RETRYABLE.contains(&code.as_str()) && !code.starts_with("HTTP 5") {
                    return Err(Error::Kinesis { stream: stream_name.to_owned(), code, source: Box::new(error) });
                }
                outcome.retried_calls += 1;
                for (_, last) in &mut waiting {
                    last.clone_from(&code);
                }
                continue;
            }
        };
        let mut still = Vec::new();
        for ((index, _), result) in waiting.iter().zip(response.records()) {
            match result.error_code() {
                Some(code) => still.push((*index, code.to_owned())),
                None => outcome.put += 1,
            }
        }
        // A response shorter than the request leaves the rest unanswered: try them again.
        still.extend(waiting.iter().skip(response.records().len()).map(|(index, _)| (*index, "no result".to_owned())));
        outcome.retried_entries += still.len();
        waiting = still;
        if waiting.is_empty() {
            return Ok(outcome);
        }
    }
    outcome.retried_entries -= waiting.len().min(outcome.retried_entries);
    outcome.failed = waiting;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shim::layout::Version;

    #[test]
    fn key_fields_are_the_apis() {
        let fields = |stream: Stream| {
            let layout = stream.layout();
            layout.key_paths(Version::V2).zip(layout.key_paths(Version::V1)).collect::<Vec<_>>()
        };
        assert_eq!(fields(Stream::Customers), [("customerNumber", "customer_number")]);
        assert_eq!(fields(Stream::Estimates), [("orderNumber", "order_number")]);
        assert_eq!(fields(Stream::InvoiceLines), [("invoiceNumber", "invoice_number"), ("lineNumber", "line_number")]);
        assert_eq!(
            fields(Stream::ShippingAddresses),
            [("customerNumber", "customer_number"), ("addressId", "address_id")]
        );
        assert_eq!(fields(Stream::VirtualRequests), [("requestNumber", "request_number")]);
    }

    #[test]
    fn partition_keys_follow_the_api() {
        let v2 =
            br#"{"schemaVersion":2,"eventType":"order_line.created","data":{"orderNumber":"SO-1","lineNumber":3}}"#;
        assert_eq!(partition_key(Stream::OrderLines, v2).as_deref(), Some("SO-1|3"));
        let v1 = br#"{"schema_version":1,"event_type":"shipping_address.updated","payload":{"customer_number":"C-9","address_id":"A1"}}"#;
        assert_eq!(partition_key(Stream::ShippingAddresses, v1).as_deref(), Some("C-9|A1"));
        let big = br#"{"data":{"orderNumber":12.50}}"#;
        assert_eq!(partition_key(Stream::Estimates, big).as_deref(), Some("12.50"));
        assert_eq!(partition_key(Stream::Orders, br#"{"data":{}}"#), None);
        assert_eq!(partition_key(Stream::Orders, b"not json"), None);
        let long = format!(r#"{{"data":{{"customerNumber":"{}"}}}}"#, "é".repeat(300));
        assert_eq!(partition_key(Stream::Customers, long.as_bytes()).map(|key| key.chars().count()), Some(256));
    }
}
