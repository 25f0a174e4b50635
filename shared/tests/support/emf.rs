//! A checker of the CloudWatch Embedded Metric Format specification
//! (CloudWatch_Embedded_Metric_Format_Specification): written from the specification, to hold
//! the functions' EMF lines to it.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

/// The units a MetricDefinition may name.
const UNITS: &[&str] = &[
    "Seconds",
    "Microseconds",
    "Milliseconds",
    "Bytes",
    "Kilobytes",
    "Megabytes",
    "Gigabytes",
    "Terabytes",
    "Bits",
    "Kilobits",
    "Megabits",
    "Gigabits",
    "Terabits",
    "Percent",
    "Count",
    "Bytes/Second",
    "Kilobytes/Second",
    "Megabytes/Second",
    "Gigabytes/Second",
    "Terabytes/Second",
    "Bits/Second",
    "Kilobits/Second",
    "Megabits/Second",
    "Gigabits/Second",
    "Terabits/Second",
    "Count/Second",
    "None",
];

/// Checks one EMF document (one log line) and returns its (namespace, dimension set, metric
/// name, values) extractions.
pub(crate) fn check(line: &str) -> Vec<(String, Vec<String>, String, Vec<f64>)> {
    assert!(line.len() <= 256 * 1024, "an EMF document is at most 256 KB (1 MB since 2025): {} bytes", line.len());
    let root: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON object ({e}): {line}"));
    let root = root.as_object().unwrap_or_else(|| panic!("the root is not an object: {line}"));
    let aws = root["_aws"].as_object().unwrap_or_else(|| panic!("no _aws object: {line}"));
    only_members(aws, &["Timestamp", "CloudWatchMetrics"], "_aws member", line);
    assert!(aws["Timestamp"].as_u64().is_some(), "Timestamp is not a non-negative integer of milliseconds: {line}");
    let directives = aws["CloudWatchMetrics"].as_array().unwrap_or_else(|| panic!("CloudWatchMetrics: {line}"));
    let mut extracted = Vec::new();
    for directive in directives {
        let directive = directive.as_object().unwrap();
        only_members(directive, &["Namespace", "Dimensions", "Metrics"], "member", line);
        let namespace = directive["Namespace"].as_str().unwrap();
        assert!((1..=255).contains(&namespace.len()));
        let sets = directive["Dimensions"].as_array().unwrap();
        for set in sets {
            let set = set.as_array().unwrap();
            assert!(set.len() <= 30, "a dimension set has at most 30 dimensions: {line}");
            for dimension in set {
                let name = dimension.as_str().unwrap();
                let value = root.get(name).unwrap_or_else(|| panic!("no member for dimension {name}: {line}"));
                let value = value.as_str().unwrap_or_else(|| panic!("dimension {name} is not a string: {line}"));
                assert!((1..=1024).contains(&value.len()), "dimension {name}'s value length: {line}");
            }
        }
        let metrics = directive["Metrics"].as_array().unwrap();
        assert!(metrics.len() <= 100, "at most 100 metrics per directive: {line}");
        let mut names = BTreeSet::new();
        for metric in metrics {
            let metric = metric.as_object().unwrap();
            only_members(metric, &["Name", "Unit", "StorageResolution"], "member", line);
            let name = metric["Name"].as_str().unwrap();
            assert!((1..=255).contains(&name.len()));
            assert!(names.insert(name), "metric {name} declared twice: {line}");
            if let Some(unit) = metric.get("Unit") {
                assert!(UNITS.contains(&unit.as_str().unwrap()), "unknown unit {unit}: {line}");
            }
            let values: Vec<f64> = match root.get(name) {
                Some(Value::Number(number)) => vec![number.as_f64().unwrap()],
                Some(Value::Array(values)) => {
                    assert!(!values.is_empty() && values.len() <= 100, "{name} has {} values: {line}", values.len());
                    values.iter().map(|v| v.as_f64().unwrap_or_else(|| panic!("{name}: {v} is not a number"))).collect()
                }
                other => panic!("metric {name}'s member is {other:?}: {line}"),
            };
            for set in sets {
                let set: Vec<String> = set.as_array().unwrap().iter().map(|d| d.as_str().unwrap().to_owned()).collect();
                extracted.push((namespace.to_owned(), set, name.to_owned(), values.clone()));
            }
        }
    }
    extracted
}

/// Fails on a member of `object` the specification does not define there (`what` names the
/// kind of member in the message).
fn only_members(object: &Map<String, Value>, allowed: &[&str], what: &str, line: &str) {
    for key in object.keys() {
        assert!(allowed.contains(&key.as_str()), "unknown {what} {key}: {line}");
    }
}
