//! Metrics without API calls: CloudWatch Embedded Metric Format (EMF) documents, one per line,
//! written to stdout, which Lambda sends to CloudWatch Logs and CloudWatch turns into metrics.
//!
//! One invocation writes:
//! - one document with dimension set `[Stream]`: `RecordsOk`, `RecordsDropped`,
//!   `RecordsProcessingFailed`, `RecordsTruncated` (Count), `HandlerDurationMs` and, when any
//!   record's `occurredAt` was read, `EventAgeMs` (Milliseconds) with up to 100 ages;
//! - one document per reason code present, dimension set `[Stream, Reason]`, with that code's
//!   `RecordsProcessingFailed` (a document has one value per dimension, so each code needs its
//!   own; the codes are a bounded set, so these are at most 22);
//! - one more `[Stream]` document of `EventAgeMs` per further 100 ages.
//!
//! The EMF specification allows at most 100 values in a metric's array (and 100 metrics per
//! document, 30 dimensions per set): a 5,000-record batch writes its 5,000 ages as 50 documents
//! of 100, each extracted as its own values, so CloudWatch's p50/p99/max and sample count are
//! those of every record, not of a sample.

use serde_json::{json, Map, Value};

use crate::respond::Summary;
use crate::Stream;

/// The CloudWatch namespace of every metric.
pub(crate) const NAMESPACE: &str = "SystemOneShim";

/// The EMF specification's limit on the values of one metric in one document.
pub(crate) const MAX_VALUES: usize = 100;

/// The EMF documents of one invocation, each on its own line (`\n`-terminated).
pub(crate) fn emf_lines(stream: Stream, summary: &Summary, timestamp_ms: i64) -> String {
    let (first_ages, more_ages) = summary.ages_ms.split_at(summary.ages_ms.len().min(MAX_VALUES));
    let mut metrics = vec![
        json!({"Name": "RecordsOk", "Unit": "Count"}),
        json!({"Name": "RecordsDropped", "Unit": "Count"}),
        json!({"Name": "RecordsProcessingFailed", "Unit": "Count"}),
        json!({"Name": "RecordsTruncated", "Unit": "Count"}),
        json!({"Name": "HandlerDurationMs", "Unit": "Milliseconds"}),
    ];
    let mut main = Map::new();
    main.insert("Stream".into(), json!(stream.name()));
    main.insert("RecordsOk".into(), json!(summary.ok));
    main.insert("RecordsDropped".into(), json!(summary.dropped));
    main.insert("RecordsProcessingFailed".into(), json!(summary.failed));
    main.insert("RecordsTruncated".into(), json!(summary.truncated));
    let duration_ms = (summary.elapsed.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0;
    main.insert("HandlerDurationMs".into(), json!(duration_ms));
    if !first_ages.is_empty() {
        metrics.push(age_metric());
        main.insert("EventAgeMs".into(), json!(first_ages));
    }
    let mut lines = document(main, &["Stream"], metrics, timestamp_ms);
    for (code, count) in &summary.failed_by_code {
        let mut members = Map::new();
        members.insert("Stream".into(), json!(stream.name()));
        members.insert("Reason".into(), json!(code));
        members.insert("RecordsProcessingFailed".into(), json!(count));
        let metric = json!({"Name": "RecordsProcessingFailed", "Unit": "Count"});
        lines.push_str(&document(members, &["Stream", "Reason"], vec![metric], timestamp_ms));
    }
    for ages in more_ages.chunks(MAX_VALUES) {
        let mut members = Map::new();
        members.insert("Stream".into(), json!(stream.name()));
        members.insert("EventAgeMs".into(), json!(ages));
        lines.push_str(&document(members, &["Stream"], vec![age_metric()], timestamp_ms));
    }
    lines
}

fn age_metric() -> Value {
    json!({"Name": "EventAgeMs", "Unit": "Milliseconds"})
}

/// One EMF document: `members` (dimension values and metric values at the root) with the
/// `_aws` metadata declaring `metrics` under the one dimension set `dimensions`.
fn document(mut members: Map<String, Value>, dimensions: &[&str], metrics: Vec<Value>, timestamp_ms: i64) -> String {
    members.insert(
        "_aws".into(),
        json!({
            "Timestamp": timestamp_ms,
            "CloudWatchMetrics": [{"Namespace": NAMESPACE, "Dimensions": [dimensions], "Metrics": metrics}]
        }),
    );
    let mut line = Value::Object(members).to_string();
    line.push('\n');
    line
}

#[cfg(test)]
mod tests;
