//! Firehose's error output for records its Lambda processor marks `ProcessingFailed`: one JSON
//! object per line under `errors/<stream>/processing-failed/`, with exactly the members
//! Firehose writes there.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The `errorCode` Firehose writes for a record the function returned as `ProcessingFailed`.
pub const PROCESSING_FAILED: &str = "Lambda.ProcessingFailedStatus";

/// The `errorCode` for records of a batch whose invocation failed as a whole (here: a response
/// that cannot fit Lambda's 6 MB limit).
pub const FUNCTION_ERROR: &str = "Lambda.FunctionError";

/// One line of the error output, members in the order Firehose documents them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorRecord {
    /// Invocations attempted: 1 for a run; a replay adds one to what the line said.
    pub attempts_made: u64,
    /// When the record reached the pipeline, in milliseconds since the Unix epoch.
    pub arrival_timestamp: i64,
    pub error_code: String,
    /// Our reason: its machine tag and its message (`missing:CUST_NO: required field CUST_NO is
    /// absent`). Firehose itself writes a fixed text here; a reason names fields, never values.
    pub error_message: String,
    pub attempt_ending_timestamp: i64,
    /// Base64 of the record's original bytes.
    pub raw_data: String,
    pub lambda_arn: String,
}

impl ErrorRecord {
    /// The line as written: compact JSON and `\n`.
    pub fn line(&self) -> String {
        let mut line = serde_json::to_string(self).unwrap_or_default();
        line.push('\n');
        line
    }

    /// Reads one line of an error-output file, as written here or by Firehose (numbers may be
    /// JSON numbers or strings of digits; `lambdaARN` is accepted for `lambdaArn`). `None` when
    /// the line is not an object with a string `rawData`.
    pub fn read(line: &[u8]) -> Option<ErrorRecord> {
        let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(line) else {
            return None;
        };
        let raw_data = object.get("rawData")?.as_str()?.to_owned();
        let text = |name: &str| object.get(name).and_then(Value::as_str).unwrap_or_default().to_owned();
        let number = |name: &str| {
            object.get(name).and_then(|value| match value {
                Value::Number(number) => number.as_i64(),
                Value::String(text) => text.trim().parse().ok(),
                _ => None,
            })
        };
        let lambda_arn = object.get("lambdaArn").or_else(|| object.get("lambdaARN")).and_then(Value::as_str);
        Some(ErrorRecord {
            attempts_made: number("attemptsMade").and_then(|n| u64::try_from(n).ok()).unwrap_or(0),
            arrival_timestamp: number("arrivalTimestamp").unwrap_or(0),
            error_code: text("errorCode"),
            error_message: text("errorMessage"),
            attempt_ending_timestamp: number("attemptEndingTimestamp").unwrap_or(0),
            raw_data,
            lambda_arn: lambda_arn.unwrap_or_default().to_owned(),
        })
    }
}

/// The Lambda ARN the local pipeline writes for a lane's function.
pub fn local_lambda_arn(function: &str) -> String {
    format!("arn:aws:lambda:local:000000000000:function:{function}:$LATEST")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_exactly_firehoses_members_in_order() {
        let record = ErrorRecord {
            attempts_made: 1,
            arrival_timestamp: 1_795_187_045_123,
            error_code: PROCESSING_FAILED.into(),
            error_message: "missing:CUST_NO: required field CUST_NO is absent".into(),
            attempt_ending_timestamp: 1_795_187_045_200,
            raw_data: "e30=".into(),
            lambda_arn: local_lambda_arn("customers"),
        };
        assert_eq!(
            record.line(),
            "{\"attemptsMade\":1,\"arrivalTimestamp\":1795187045123,\"errorCode\":\"Lambda.ProcessingFailedStatus\",\
             \"errorMessage\":\"missing:CUST_NO: required field CUST_NO is absent\",\
             \"attemptEndingTimestamp\":1795187045200,\"rawData\":\"e30=\",\
             \"lambdaArn\":\"arn:aws:lambda:local:000000000000:function:customers:$LATEST\"}\n"
        );
        assert_eq!(ErrorRecord::read(record.line().as_bytes()), Some(record));
    }

    #[test]
    fn reads_firehose_lines_leniently() {
        let line = br#"{"attemptsMade":"4","arrivalTimestamp":1494271512823,"errorCode":"Lambda.FunctionError","errorMessage":"x","attemptEndingTimestamp":1494271532937,"rawData":"dGVzdGluZw==","lambdaARN":"arn:aws:lambda:us-east-1:1:function:orders:$LATEST"}"#;
        let record = ErrorRecord::read(line).unwrap();
        assert_eq!(record.attempts_made, 4);
        assert_eq!(record.raw_data, "dGVzdGluZw==");
        assert_eq!(record.lambda_arn, "arn:aws:lambda:us-east-1:1:function:orders:$LATEST");
        assert_eq!(ErrorRecord::read(b"{\"rawData\":7}"), None);
        assert_eq!(ErrorRecord::read(b"not json"), None);
    }
}
