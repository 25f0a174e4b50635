//! The ingest path of one stream, without touching System One: one `system.heartbeat` event
//! (which every function drops, so no System One line is written) posted through the API, then
//! looked for downstream until the deadline:
//! - in the raw backup `source/<stream>/YYYY/MM/DD/HH/` (GZIP JSON lines), by its `eventId`:
//!   proves API → Kinesis → Firehose → S3;
//! - in the function's log group, a `batch transformed` line with `dropped` ≥ 1 written after the
//!   post: proves Firehose → Lambda. The functions never log field values, so the line cannot
//!   name our event; its log stream (`YYYY/MM/DD/[VERSION]…`) says which version ran.
//!
//! Latencies are the services' own clocks: the object's LastModified and the log event's
//! timestamp, each less the moment the event was sent.

use std::collections::HashSet;
use std::io::Read;
use std::time::Duration;

use jiff::Timestamp;

use super::stack::StreamOutputs;
use super::{Context, Outcome};

/// The event posted: a v2 heartbeat whose `eventId` names the run and the stream.
pub(super) fn heartbeat(run: &str, stream: &str, at: Timestamp) -> (String, Vec<u8>) {
    let event_id = format!("firehose-local-smoke-{run}-{stream}");
    let body = serde_json::json!({
        "schemaVersion": 2,
        "eventType": "system.heartbeat",
        "eventId": event_id,
        "occurredAt": at.to_string(),
        "source": "firehose-local smoke",
    });
    (event_id, body.to_string().into_bytes())
}

pub(super) async fn check(context: &Context<'_>, stream: &StreamOutputs) -> Outcome {
    let name = stream.stream.name();
    let mut outcome = Outcome::new("ingest", name);
    let api = match &context.api {
        Ok(api) => api,
        Err(why) => return outcome.fail(why.clone()),
    };
    // Latencies count from the moment the event was sent (API Gateway writes the record before
    // it answers).
    let sent = Timestamp::now();
    let (event_id, body) = heartbeat(&context.run, name, sent);
    let answer = match api.post(name, body).await {
        Ok(answer) => answer,
        Err(why) => return outcome.fail(format!("API: {why}")),
    };
    outcome.hops.push(("api", millis(answer.elapsed)));
    if answer.status != 200 {
        let text: String = answer.body.chars().take(200).collect();
        return outcome.fail(format!(
            "API answered {} to POST {}/{name}: {}",
            answer.status,
            context.stack.endpoint,
            text.trim()
        ));
    }
    let sent_ms = sent.as_millisecond();
    let mut backup: Option<(String, i64)> = None;
    let mut function: Option<(String, i64)> = None;
    let mut seen = HashSet::new();
    let mut problems = Vec::new();
    loop {
        if backup.is_none() {
            match find_backup(context, name, sent, &event_id, &mut seen).await {
                Ok(found) => backup = found,
                Err(why) => problems.push(why),
            }
        }
        if function.is_none() {
            match find_batch(context, &stream.log_group, sent_ms).await {
                Ok(found) => function = found,
                Err(why) => problems.push(why),
            }
        }
        if (backup.is_some() && function.is_some()) || context.expired() {
            break;
        }
        tokio::time::sleep(context.poll).await;
    }
    let api_line = format!("API 200 in {}", super::report::human(answer.elapsed));
    let backup_line = match &backup {
        Some((key, at)) => {
            let latency = (at - sent_ms).max(0).unsigned_abs();
            outcome.hops.push(("backup", latency));
            format!("raw backup after {}: s3://{}/{key}", super::report::human(Duration::from_millis(latency)), context.stack.bucket)
        }
        None => format!(
            "no raw backup holding eventId {event_id} under s3://{}/source/{name}/ within {} (API → Kinesis → Firehose → S3)",
            context.stack.bucket,
            super::report::human(context.timeout)
        ),
    };
    let function_line = match &function {
        Some((log_stream, at)) => {
            let latency = (at - sent_ms).max(0).unsigned_abs();
            outcome.hops.push(("function", latency));
            format!(
                "function dropped a record after {} (version {}, log stream {log_stream})",
                super::report::human(Duration::from_millis(latency)),
                version_of(log_stream).unwrap_or("?")
            )
        }
        None => format!(
            "no `batch transformed` line with dropped ≥ 1 in {} within {} (Firehose → Lambda live)",
            stream.log_group,
            super::report::human(context.timeout)
        ),
    };
    problems.dedup();
    let passed = backup.is_some() && function.is_some();
    outcome.note(api_line);
    outcome.note(backup_line);
    outcome.note(function_line);
    for problem in problems.into_iter().take(3) {
        outcome.note(problem);
    }
    outcome.passed = passed;
    if !passed {
        // The first line is the verdict: the missing hop.
        let verdict = outcome.details.iter().find(|line| line.starts_with("no ")).cloned().unwrap_or_default();
        outcome.details.insert(0, verdict);
    } else {
        outcome.details.insert(0, "heartbeat through API, raw backup and function".to_owned());
    }
    outcome
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// The backup object holding `event_id`, and its LastModified (ms), looked for in the hours
/// from a minute before the post to now; each object is read once.
async fn find_backup(
    context: &Context<'_>,
    stream: &str,
    sent: Timestamp,
    event_id: &str,
    seen: &mut HashSet<String>,
) -> Result<Option<(String, i64)>, String> {
    let needle = format!("\"eventId\":\"{event_id}\"");
    let mut hour = sent - jiff::SignedDuration::from_secs(60);
    let now = Timestamp::now();
    while hour <= now + jiff::SignedDuration::from_secs(3600) {
        let prefix = format!("source/{stream}/{}/", hour.strftime("%Y/%m/%d/%H"));
        hour += jiff::SignedDuration::from_secs(3600);
        let mut pages =
            context.aws.s3.list_objects_v2().bucket(&context.stack.bucket).prefix(&prefix).into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| {
                format!("cannot list s3://{}/{prefix}: {}", context.stack.bucket, crate::aws::error_code(&e))
            })?;
            for object in page.contents() {
                let (Some(key), Some(modified)) = (object.key(), object.last_modified()) else { continue };
                let modified = modified.to_millis().unwrap_or(0);
                if modified + 60_000 < sent.as_millisecond() || !seen.insert(key.to_owned()) {
                    continue;
                }
                let response = context.aws.s3.get_object().bucket(&context.stack.bucket).key(key).send().await;
                let response = response.map_err(|e| {
                    format!("cannot read s3://{}/{key}: {}", context.stack.bucket, crate::aws::error_code(&e))
                })?;
                let bytes = response.body.collect().await.map_err(|e| format!("cannot read {key}: {e}"))?.into_bytes();
                if contains(&unzip(&bytes), needle.as_bytes()) {
                    return Ok(Some((key.to_owned(), modified)));
                }
            }
        }
    }
    Ok(None)
}

/// GZIP (Firehose's backup compression) or plain bytes.
fn unzip(bytes: &[u8]) -> Vec<u8> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        if flate2::read::MultiGzDecoder::new(bytes).read_to_end(&mut out).is_ok() {
            return out;
        }
    }
    bytes.to_vec()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|window| window == needle)
}

/// How far ahead of AWS's clock this machine's may be.
const CLOCK_LEEWAY_MS: i64 = 2_000;

/// The first `batch transformed` line with a dropped record logged after `sent_ms`: its log
/// stream and timestamp.
async fn find_batch(context: &Context<'_>, log_group: &str, sent_ms: i64) -> Result<Option<(String, i64)>, String> {
    let mut pages = context
        .aws
        .logs
        .filter_log_events()
        .log_group_name(log_group)
        .start_time(sent_ms - 5_000)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page =
            page.map_err(|e| format!("cannot read the log group {log_group}: {}", crate::aws::error_code(&e)))?;
        for event in page.events() {
            let (Some(message), Some(at)) = (event.message(), event.timestamp()) else { continue };
            // Two seconds of leeway for this machine's clock running ahead of AWS's.
            if at < sent_ms - CLOCK_LEEWAY_MS {
                continue;
            }
            let Ok(line) = serde_json::from_str::<serde_json::Value>(message) else { continue };
            let dropped = line.get("dropped").and_then(serde_json::Value::as_u64).unwrap_or(0);
            if line.get("message").and_then(serde_json::Value::as_str) == Some("batch transformed") && dropped >= 1 {
                return Ok(Some((event.log_stream_name().unwrap_or("").to_owned(), at)));
            }
        }
    }
    Ok(None)
}

/// `2026/12/04/[7]0123abcd` -> `7`.
pub(super) fn version_of(log_stream: &str) -> Option<&str> {
    let start = log_stream.find('[')? + 1;
    let end = start + log_stream.get(start..)?.find(']')?;
    log_stream.get(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_heartbeat_is_dropped_by_the_real_handler() {
        let at: Timestamp = "2026-12-04T22:00:00Z".parse().unwrap_or(Timestamp::UNIX_EPOCH);
        let (id, body) = heartbeat("r1", "orders", at);
        assert_eq!(id, "firehose-local-smoke-r1-orders");
        let mut with_newline = body.clone();
        with_newline.push(b'\n');
        let text = String::from_utf8_lossy(&body).into_owned();
        assert!(text.contains(&format!("\"eventId\":\"{id}\"")), "{text}");
        use base64::Engine;
        let data = base64::engine::general_purpose::STANDARD.encode(&with_newline);
        let dropped = shim::Stream::ALL.iter().all(|stream| {
            let Ok(config) = shim::config::Config::with_zone(None) else { return false };
            let transformer = shim::Transformer::new(*stream, config);
            let record = shim::firehose::FirehoseRecord {
                record_id: "1".into(),
                data: data.as_str().into(),
                ..Default::default()
            };
            let event = shim::firehose::FirehoseEvent { records: vec![record], ..Default::default() };
            shim::respond::process(&transformer, event).is_ok_and(|handled| {
                handled.summary.dropped == 1
                    && handled.records.iter().all(|r| r.response.result == shim::firehose::RecordResult::Dropped)
            })
        });
        let result = dropped;
        assert!(result);
    }

    #[test]
    fn versions_and_gzip() {
        assert_eq!(version_of("2026/12/04/[7]0123abcd"), Some("7"));
        assert_eq!(version_of("2026/12/04/[$LATEST]ab"), Some("$LATEST"));
        assert_eq!(version_of("plain"), None);
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut encoder, b"{\"eventId\":\"x\"}\n").unwrap_or_default();
        let zipped = encoder.finish().unwrap_or_default();
        assert!(contains(&unzip(&zipped), b"\"eventId\":\"x\""));
        assert!(!contains(&unzip(b"plain"), b"x\""));
    }
}
