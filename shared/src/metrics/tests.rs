use super::*;
use std::collections::BTreeMap;
use std::time::Duration;

fn summary(ages_ms: Vec<u64>, failed_by_code: &[(&'static str, usize)]) -> Summary {
    Summary {
        ok: 7,
        dropped: 1,
        failed: failed_by_code.iter().map(|(_, n)| n).sum(),
        truncated: 3,
        reasons: BTreeMap::new(),
        failed_by_code: failed_by_code.iter().copied().collect(),
        ages_ms,
        elapsed: Duration::from_micros(1_234_567),
    }
}

#[test]
fn emf_lines_have_the_exact_shape() {
    let lines = emf_lines(
        Stream::OrderLines,
        &summary(vec![61_000, 1_500], &[("format", 2), ("wrong-stream", 1)]),
        1_795_205_045_123,
    );
    let expected = [
        concat!(
            r#"{"EventAgeMs":[61000,1500],"HandlerDurationMs":1234.567,"RecordsDropped":1,"RecordsOk":7,"#,
            r#""RecordsProcessingFailed":3,"RecordsTruncated":3,"Stream":"order-lines","_aws":{"CloudWatchMetrics":"#,
            r#"[{"Dimensions":[["Stream"]],"Metrics":[{"Name":"RecordsOk","Unit":"Count"},"#,
            r#"{"Name":"RecordsDropped","Unit":"Count"},{"Name":"RecordsProcessingFailed","Unit":"Count"},"#,
            r#"{"Name":"RecordsTruncated","Unit":"Count"},{"Name":"HandlerDurationMs","Unit":"Milliseconds"},"#,
            r#"{"Name":"EventAgeMs","Unit":"Milliseconds"}],"Namespace":"SystemOneShim"}],"#,
            r#""Timestamp":1795205045123}}"#
        ),
        concat!(
            r#"{"Reason":"format","RecordsProcessingFailed":2,"Stream":"order-lines","_aws":{"CloudWatchMetrics":"#,
            r#"[{"Dimensions":[["Stream","Reason"]],"Metrics":[{"Name":"RecordsProcessingFailed","Unit":"Count"}],"#,
            r#""Namespace":"SystemOneShim"}],"Timestamp":1795205045123}}"#
        ),
        concat!(
            r#"{"Reason":"wrong-stream","RecordsProcessingFailed":1,"Stream":"order-lines","_aws":{"CloudWatchMetrics":"#,
            r#"[{"Dimensions":[["Stream","Reason"]],"Metrics":[{"Name":"RecordsProcessingFailed","Unit":"Count"}],"#,
            r#""Namespace":"SystemOneShim"}],"Timestamp":1795205045123}}"#
        ),
    ];
    assert_eq!(lines, expected.map(|line| format!("{line}\n")).concat());
}

#[test]
fn no_ages_no_age_metric_and_no_failures_no_reason_documents() {
    let lines = emf_lines(Stream::Orders, &summary(Vec::new(), &[]), 0);
    assert_eq!(lines.lines().count(), 1);
    assert!(!lines.contains("EventAgeMs") && !lines.contains("Reason"), "{lines}");
}

#[test]
fn ages_beyond_one_hundred_go_to_further_documents() {
    let ages: Vec<u64> = (0..250).collect();
    let lines = emf_lines(Stream::Orders, &summary(ages.clone(), &[]), 0);
    let documents: Vec<Value> = lines.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    assert_eq!(documents.len(), 3);
    let written: Vec<u64> = documents
        .iter()
        .flat_map(|document| document["EventAgeMs"].as_array().unwrap().iter().map(|age| age.as_u64().unwrap()))
        .collect();
    assert_eq!(written, ages);
    assert_eq!(documents[1]["_aws"]["CloudWatchMetrics"][0]["Metrics"], json!([age_metric()]));
    assert_eq!(documents[2]["EventAgeMs"].as_array().unwrap().len(), 50);
}
