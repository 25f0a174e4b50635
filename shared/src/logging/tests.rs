use super::*;
use serde_json::{json, Value};

#[path = "../../tests/support/capture.rs"]
mod capture;

use capture::Captured;

fn json_lines(directives: &str, f: impl FnOnce()) -> Vec<Value> {
    let captured = Captured::default();
    tracing::subscriber::with_default(json_logs(captured.clone(), EnvFilter::new(directives)), f);
    let text = captured.text();
    text.lines().map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"))).collect()
}

#[test]
fn a_line_is_flat_json_with_the_spans_fields() {
    let lines = json_lines("info", || {
        let outer =
            tracing::error_span!("invocation", stream = "orders", requestId = "req-1", invocationId = None::<&str>);
        let _outer = outer.enter();
        let inner = tracing::info_span!("inner", requestId = "shadowed", attempt = 2_u64);
        let _inner = inner.enter();
        tracing::warn!(
            record_id = "r\"1\n",
            count = 3_usize,
            ratio = 0.5,
            missing = None::<i64>,
            ok = true,
            detail = %"a\u{1}b",
            "record failed"
        );
    });
    assert_eq!(lines.len(), 1);
    let mut line = lines[0].clone();
    let timestamp = line.as_object_mut().unwrap().remove("timestamp").unwrap();
    let timestamp = timestamp.as_str().unwrap();
    assert!(timestamp.parse::<jiff::Timestamp>().is_ok() && timestamp.ends_with('Z'), "{timestamp}");
    assert_eq!(timestamp.len(), "2026-11-30T20:15:35.123456Z".len(), "{timestamp}");
    assert_eq!(
        line,
        json!({"level": "WARN", "message": "record failed", "record_id": "r\"1\n", "count": 3, "ratio": 0.5,
               "ok": true, "detail": "a\u{1}b", "requestId": "shadowed", "attempt": 2, "stream": "orders"})
    );
}

#[test]
fn json_fields_are_written_as_json_values() {
    let lines = json_lines("info", || {
        tracing::info!(json.reasons = %r#"{"bad-json":1}"#, json.broken = %"{nope", "batch transformed");
    });
    assert_eq!(lines[0]["reasons"], json!({"bad-json": 1}));
    assert_eq!(lines[0]["broken"], json!("{nope"));
    assert!(lines[0].get("json.reasons").is_none());
}

#[test]
fn the_invocation_span_survives_a_warn_level() {
    let lines = json_lines("warn", || {
        let span = tracing::error_span!("invocation", requestId = "req-1");
        let _entered = span.enter();
        tracing::info!("not written");
        tracing::warn!("written");
    });
    assert_eq!(lines.len(), 1);
    assert_eq!((lines[0]["message"].as_str(), lines[0]["requestId"].as_str()), (Some("written"), Some("req-1")));
}

#[test]
fn lambda_levels_and_formats_as_lambda_sets_them() {
    for (level, directive) in [
        ("TRACE", "trace"),
        ("DEBUG", "debug"),
        ("INFO", "info"),
        ("WARN", "warn"),
        ("ERROR", "error"),
        ("FATAL", "error"),
    ] {
        let settings = Settings::from_values(None, Some(level), Some("JSON"));
        assert_eq!((settings.format, settings.directives.as_str()), (Format::Json, directive));
        assert!(settings.problems.is_empty());
        assert_eq!(Settings::from_values(None, Some(&level.to_lowercase()), None).directives, directive);
    }
    assert_eq!(Settings::from_values(None, None, Some("Text")).format, Format::Text);
    let default = Settings::from_values(None, None, None);
    assert_eq!((default.format, default.directives.as_str()), (Format::Json, "info"));
    assert_eq!(Settings::from_values(Some(""), Some(""), Some("")).directives, "info");
}

#[test]
fn rust_log_wins_when_set() {
    let settings = Settings::from_values(Some("shim=debug,lambda_runtime=warn"), Some("ERROR"), Some("JSON"));
    assert_eq!(settings.directives, "shim=debug,lambda_runtime=warn");
    assert!(settings.problems.is_empty());
}

#[test]
fn bad_values_are_reported_not_silently_ignored() {
    let settings = Settings::from_values(Some("shim=[bad"), Some("VERBOSE"), Some("XML"));
    assert_eq!((settings.format, settings.directives.as_str()), (Format::Json, "info"));
    assert_eq!(
        settings.problems,
        [
            r#"AWS_LAMBDA_LOG_FORMAT="XML" is neither JSON nor Text; writing JSON"#,
            r#"AWS_LAMBDA_LOG_LEVEL="VERBOSE" is not one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL; using INFO"#,
            r#"RUST_LOG="shim=[bad" is not a valid filter; using info"#,
        ]
    );
}

#[test]
fn text_lines_name_the_span_fields() {
    let captured = Captured::default();
    tracing::subscriber::with_default(text_logs(captured.clone(), EnvFilter::new("info")), || {
        let span = tracing::error_span!("invocation", requestId = "req-1");
        let _entered = span.enter();
        tracing::warn!(record_id = "r-1", "record failed");
    });
    let text = captured.text();
    assert!(text.contains("WARN invocation{requestId=\"req-1\"}: record failed record_id=\"r-1\""), "{text}");
}

#[test]
fn a_span_field_cannot_repeat_the_timestamp_or_level() {
    let lines = json_lines("info", || {
        let span = tracing::error_span!("odd", level = "custom", timestamp = 5_u64, kept = 1_u64);
        let _entered = span.enter();
        tracing::info!("line");
    });
    assert_eq!((lines[0]["level"].as_str(), lines[0]["kept"].as_u64()), (Some("INFO"), Some(1)));
    assert!(lines[0]["timestamp"].is_string());
}
