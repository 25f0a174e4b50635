//! What `smoke` prints: one row per check (what, on what, pass or fail, how long, what was seen),
//! as a table or, with `--json`, one JSON document.

use std::fmt::Write as _;
use std::time::Duration;

use serde::Serialize;

/// The outcome of one check.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Outcome {
    /// `ingest`, `alarm`, `recovery`, `rollback`.
    pub(crate) check: &'static str,
    /// The stream, alarm or role it was run on.
    pub(crate) target: String,
    pub(crate) passed: bool,
    #[serde(rename = "seconds", serialize_with = "seconds")]
    pub(crate) took: Duration,
    /// What was seen, in order; the first line is the summary.
    pub(crate) details: Vec<String>,
    /// Measured latencies, milliseconds, by hop (`api`, `backup`, `function`, `sns`).
    #[serde(skip)]
    pub(crate) hops: Vec<(&'static str, u64)>,
}

impl Outcome {
    pub(crate) fn new(check: &'static str, target: impl Into<String>) -> Outcome {
        Outcome {
            check,
            target: target.into(),
            passed: false,
            took: Duration::ZERO,
            details: Vec::new(),
            hops: Vec::new(),
        }
    }

    pub(crate) fn note(&mut self, line: impl Into<String>) {
        self.details.push(line.into());
    }

    pub(crate) fn fail(mut self, line: impl Into<String>) -> Outcome {
        self.passed = false;
        self.details.push(line.into());
        self
    }

    pub(crate) fn pass(mut self, line: impl Into<String>) -> Outcome {
        self.passed = true;
        self.details.push(line.into());
        self
    }
}

fn seconds<S: serde::Serializer>(took: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64((took.as_secs_f64() * 1000.0).round() / 1000.0)
}

/// `182 ms`, `5.2 s`, `6m12s`.
pub(crate) fn human(took: Duration) -> String {
    let ms = took.as_millis();
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{:.1} s", took.as_secs_f64())
    } else {
        format!("{}m{:02}s", ms / 60_000, (ms % 60_000) / 1000)
    }
}

#[derive(Serialize)]
struct Document<'a> {
    stack: &'a str,
    run: &'a str,
    passed: usize,
    failed: usize,
    checks: Vec<JsonCheck<'a>>,
}

#[derive(Serialize)]
struct JsonCheck<'a> {
    #[serde(flatten)]
    outcome: &'a Outcome,
    latency_ms: std::collections::BTreeMap<&'static str, u64>,
}

/// The summary: a table, or one JSON document.
pub(crate) fn render(stack: &str, run: &str, outcomes: &[Outcome], json: bool) -> String {
    let passed = outcomes.iter().filter(|o| o.passed).count();
    let failed = outcomes.len() - passed;
    if json {
        let checks = outcomes
            .iter()
            .map(|outcome| JsonCheck { outcome, latency_ms: outcome.hops.iter().copied().collect() })
            .collect();
        let document = Document { stack, run, passed, failed, checks };
        return serde_json::to_string_pretty(&document).map(|text| text + "\n").unwrap_or_default();
    }
    let mut out = String::new();
    let _ = writeln!(out, "firehose-local smoke --stack {stack} (run {run})");
    let _ = writeln!(out, "{:<9} {:<36} {:<6} {:>8}  detail", "check", "target", "result", "time");
    for outcome in outcomes {
        let result = if outcome.passed { "pass" } else { "FAIL" };
        let mut details = outcome.details.iter();
        let first = details.next().map(String::as_str).unwrap_or("");
        let _ = writeln!(
            out,
            "{:<9} {:<36} {:<6} {:>8}  {first}",
            outcome.check,
            outcome.target,
            result,
            human(outcome.took)
        );
        for line in details {
            let _ = writeln!(out, "{:<64}  {line}", "");
        }
    }
    let _ = writeln!(out, "{} checks: {passed} passed, {failed} failed", outcomes.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_an_operator_reads_them() {
        assert_eq!(human(Duration::from_millis(182)), "182 ms");
        assert_eq!(human(Duration::from_millis(5_240)), "5.2 s");
        assert_eq!(human(Duration::from_secs(372)), "6m12s");
    }

    #[test]
    fn a_table_and_a_json_document() {
        let mut ok = Outcome::new("rollback", "orders").pass("live -> 7; older: 6");
        ok.took = Duration::from_millis(300);
        let mut bad = Outcome::new("ingest", "orders").fail("API answered 403");
        bad.hops.push(("api", 12));
        let table = render("prod", "r1", &[ok.clone(), bad.clone()], false);
        assert!(
            table.contains("rollback  orders                               pass     300 ms  live -> 7; older: 6"),
            "{table}"
        );
        assert!(table.ends_with("2 checks: 1 passed, 1 failed\n"), "{table}");
        let json: serde_json::Value = serde_json::from_str(&render("prod", "r1", &[ok, bad], true)).unwrap_or_default();
        assert_eq!(json["failed"], 1);
        assert_eq!(json["checks"][1]["latency_ms"]["api"], 12);
        assert_eq!(json["checks"][0]["seconds"].as_f64(), Some(0.3));
    }
}
