//! Metrics without API calls: one CloudWatch Embedded Metric Format (EMF) line per invocation,
//! written to stdout, which Lambda sends to CloudWatch Logs and CloudWatch turns into metrics.

use serde_json::json;

use crate::respond::Summary;
use crate::Stream;

/// The CloudWatch namespace of every metric, with the dimension `Stream`.
pub const NAMESPACE: &str = "SystemOneShim";

/// The EMF line for one invocation: `RecordsOk`, `RecordsDropped`, `RecordsProcessingFailed`,
/// `RecordsTruncated` (counts) and `HandlerDurationMs` (milliseconds), dimension `Stream`.
pub fn emf_line(stream: Stream, summary: &Summary, timestamp_ms: u64) -> String {
    json!({
        "_aws": {
            "Timestamp": timestamp_ms,
            "CloudWatchMetrics": [{
                "Namespace": NAMESPACE,
                "Dimensions": [["Stream"]],
                "Metrics": [
                    {"Name": "RecordsOk", "Unit": "Count"},
                    {"Name": "RecordsDropped", "Unit": "Count"},
                    {"Name": "RecordsProcessingFailed", "Unit": "Count"},
                    {"Name": "RecordsTruncated", "Unit": "Count"},
                    {"Name": "HandlerDurationMs", "Unit": "Milliseconds"}
                ]
            }]
        },
        "Stream": stream.name(),
        "RecordsOk": summary.ok,
        "RecordsDropped": summary.dropped,
        "RecordsProcessingFailed": summary.failed,
        "RecordsTruncated": summary.truncated,
        "HandlerDurationMs": (summary.elapsed.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0,
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn emf_line_has_the_exact_shape() {
        let summary = Summary {
            ok: 7,
            dropped: 1,
            failed: 2,
            truncated: 3,
            reasons: Default::default(),
            elapsed: Duration::from_micros(1_234_567),
        };
        let line = emf_line(Stream::OrderLines, &summary, 1_795_205_045_123);
        let expected = concat!(
            r#"{"HandlerDurationMs":1234.567,"RecordsDropped":1,"RecordsOk":7,"RecordsProcessingFailed":2,"#,
            r#""RecordsTruncated":3,"Stream":"order-lines","_aws":{"CloudWatchMetrics":[{"Dimensions":[["Stream"]],"#,
            r#""Metrics":[{"Name":"RecordsOk","Unit":"Count"},{"Name":"RecordsDropped","Unit":"Count"},"#,
            r#"{"Name":"RecordsProcessingFailed","Unit":"Count"},{"Name":"RecordsTruncated","Unit":"Count"},"#,
            r#"{"Name":"HandlerDurationMs","Unit":"Milliseconds"}],"Namespace":"SystemOneShim"}],"#,
            r#""Timestamp":1795205045123}}"#
        );
        assert_eq!(line, expected);
        assert!(!line.contains('\n'));
    }
}
