//! The local pipeline end to end on the library API with a fixed clock: sample data to System
//! One and error files laid out as in the bucket, routing of lines that name no stream, batching,
//! and replay.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::time::Duration;

use base64::Engine;
use firehose_local::commands::{self, ExitStatus, ReplayCommand};
use firehose_local::error_output::{local_lambda_arn, ErrorRecord};
use firehose_local::input::Source;
use firehose_local::location::Location;
use firehose_local::summary::Tally;
use firehose_local::{run, Clock, Lane, Report, Settings};
use shim::firehose::RecordResult;
use shim::Stream;
use support::{expected, repo_root, sample_lines};

mod support;

/// 2026-11-20T15:04:05.123Z.
const AT: &str = "2026-11-20T15:04:05.123Z";
const AT_MS: i64 = 1_795_187_045_123;

fn settings(out: &Path) -> Settings {
    let mut settings = Settings::new(out).unwrap();
    settings.clock = Clock::Fixed(AT.parse().unwrap());
    settings
}

/// `firehose-local replay INPUT --out OUT` with the fixed clock.
fn replay(input: &Path, out: &Path) -> ExitStatus {
    let command = ReplayCommand {
        inputs: vec![Location::Local(input.to_owned())],
        out: Some(out.to_owned()),
        to: None,
        dry_run: false,
        stream: None,
        config: shim::config::Config::with_zone(None).unwrap(),
        clock: Clock::Fixed(AT.parse().unwrap()),
        concurrency: 1,
        retry: firehose_local::kinesis::Retry::default(),
        fail_move: false,
        quiet: true,
    };
    commands::replay(command).unwrap().status
}

/// Every file under `out` but the replay journals.
/// Every file under `out` but a replay's bookkeeping: its journals and its outputs records
/// (`errors/<stream>/replayed/outputs/`, which the reconcile reads).
fn outputs(out: &Path) -> BTreeMap<String, String> {
    files(out)
        .into_iter()
        .filter(|(path, _)| !path.starts_with("errors/replay-journal/") && !path.contains("/replayed/outputs/"))
        .collect()
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Every file under `out` but the raw backup (`source/`, gzip), relative path → content.
fn files(out: &Path) -> BTreeMap<String, String> {
    fn walk(dir: &Path, out: &Path, found: &mut BTreeMap<String, String>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path == out.join("source") {
                continue;
            }
            if path.is_dir() {
                walk(&path, out, found);
            } else {
                let relative = path.strip_prefix(out).unwrap().to_string_lossy().into_owned();
                found.insert(relative, fs::read_to_string(&path).unwrap());
            }
        }
    }
    let mut found = BTreeMap::new();
    walk(out, out, &mut found);
    found
}

/// The one file in `folder` (relative to `out`) named like a Firehose object of `stream`.
fn only_file<'a>(files: &'a BTreeMap<String, String>, folder: &str, stream: &str) -> &'a str {
    let matching: Vec<(&String, &String)> = files.iter().filter(|(path, _)| path.starts_with(folder)).collect();
    assert_eq!(matching.len(), 1, "one file under {folder}: {:?}", files.keys().collect::<Vec<_>>());
    let (path, content) = matching[0];
    let name = path.rsplit('/').next().unwrap();
    let prefix = format!("{stream}-1-2026-11-20-15-04-05-");
    assert!(name.starts_with(&prefix), "{name}");
    let uuid: Vec<usize> = name[prefix.len()..].split('-').map(str::len).collect();
    assert_eq!(uuid, [8, 4, 4, 4, 12], "{name}");
    content
}

/// The error-output line of a run's record: the input line and the `\n` the API's mapping
/// template ends it with, as the stream received it.
fn error_line(line: &[u8], message: &str, lane: &str) -> String {
    let raw = [line, b"\n"].concat();
    ErrorRecord {
        attempts_made: 1,
        arrival_timestamp: AT_MS,
        error_code: "Lambda.ProcessingFailedStatus".into(),
        error_message: message.into(),
        attempt_ending_timestamp: AT_MS,
        raw_data: b64(&raw),
        lambda_arn: local_lambda_arn(lane),
    }
    .line()
}

#[test]
fn the_sample_data_becomes_system_one_files_and_error_files() {
    let out = tempfile::tempdir().unwrap();
    let sources = firehose_local::input::sources(&[repo_root().join("events/system-two")], &[".jsonl"]).unwrap();
    assert_eq!(sources.len(), 9);
    let report = run::run(settings(out.path()), sources, None, |_| {}).unwrap();
    let files = files(out.path());
    // Nine data files, nine error files, one for the unrouted lane: nothing else.
    assert_eq!(files.len(), 19, "{:?}", files.keys().collect::<Vec<_>>());

    let mut unrouted = String::new();
    for stream in Stream::ALL {
        let name = stream.name();
        // The System One file is exactly the Ok lines the function gives for the sample event
        // (which holds the same lines, plus two records that fail).
        let ok: String = expected(stream)
            .records
            .iter()
            .filter(|record| record.result == RecordResult::Ok)
            .map(|record| record.data.as_str())
            .collect();
        assert_eq!(only_file(&files, &format!("system-one/{name}/2026/11/20/15/"), name), ok, "{name}");

        // The error file holds the line that misses its key field, with its reason; the heartbeat
        // and the line cut short went to the unrouted lane.
        let lines = sample_lines(stream);
        let missing = lines.iter().rev().nth(usize::from(stream == Stream::Customers) + 1).unwrap();
        let reason = expected(stream)
            .records
            .iter()
            .find(|record| record.data == b64(missing))
            .and_then(|record| record.reason.clone())
            .unwrap();
        assert!(reason.starts_with("missing:"), "{reason}");
        let field = reason.trim_start_matches("missing:");
        let errors = only_file(&files, &format!("errors/{name}/processing-failed/2026/11/20/15/"), name);
        assert_eq!(errors, error_line(missing, &format!("{reason}: required field {field} is absent"), name));

        let tally = &report.lanes[&Lane::Stream(stream)];
        assert_eq!((tally.records, tally.ok, tally.dropped, tally.failed, tally.batches), (9, 8, 0, 1, 1), "{name}");
    }
    // The unrouted lane's failures, in input order: the files are read sorted by name.
    let mut by_file_name = Stream::ALL;
    by_file_name.sort_by_key(|stream| stream.name());
    for stream in by_file_name {
        for line in sample_lines(stream) {
            let text = String::from_utf8(line.clone()).unwrap();
            if !text.ends_with('}') {
                unrouted.push_str(&error_line(&line, "bad-json: record is not strict JSON", "unrouted"));
            } else if text.contains("payment.created") {
                unrouted.push_str(&error_line(&line, "event-type: eventType is missing or unknown", "unrouted"));
            }
        }
    }
    assert_eq!(only_file(&files, "errors/unrouted/processing-failed/2026/11/20/15/", "unrouted"), unrouted);
    let tally = &report.lanes[&Lane::Unrouted];
    assert_eq!((tally.records, tally.ok, tally.dropped, tally.failed), (19, 0, 9, 10));
    assert_eq!(tally.reasons, BTreeMap::from([("bad-json".to_owned(), 9), ("event-type".to_owned(), 1)]));
    // And the raw backup: one object per lane, every line of the input once, as the stream
    // received it (the line and its `\n`), in input order, in the hour of its arrival.
    assert_eq!(report.written.len(), 19 + 10);
    let mut received: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for stream in by_file_name {
        for line in sample_lines(stream) {
            let lane = firehose_local::route::by_content(&line);
            received.entry(lane.name().to_owned()).or_default().extend_from_slice(&[&line[..], b"\n"].concat());
        }
    }
    assert_eq!(backups(out.path(), "2026/11/20/15"), received);
}

/// The raw backup under `out/source/`, gunzipped, per lane: the objects of each lane in name
/// order, all in the hour folder `hour` and named as Firehose names them (`.gz`).
fn backups(out: &Path, hour: &str) -> BTreeMap<String, Vec<u8>> {
    use std::io::Read;
    let mut found: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for lane in fs::read_dir(out.join("source")).unwrap() {
        let lane = lane.unwrap().file_name().to_string_lossy().into_owned();
        let folder = out.join("source").join(&lane).join(hour);
        let mut names: Vec<String> = fs::read_dir(&folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(fs::read_dir(out.join("source").join(&lane)).unwrap().count(), 1, "{lane}: one year folder");
        for name in names {
            assert!(name.starts_with(&format!("{lane}-1-")) && name.ends_with(".gz"), "{name}");
            let zipped = fs::read(folder.join(&name)).unwrap();
            let mut content = Vec::new();
            flate2::read::MultiGzDecoder::new(zipped.as_slice()).read_to_end(&mut content).unwrap();
            found.entry(lane.clone()).or_default().extend(content);
        }
    }
    found
}

fn write_input(dir: &Path, name: &str, lines: &[&[u8]]) -> Vec<Source> {
    let path = dir.join(name);
    let mut text = Vec::new();
    for line in lines {
        text.extend_from_slice(line);
        text.push(b'\n');
    }
    fs::write(&path, text).unwrap();
    vec![Source::File(path)]
}

#[test]
fn lines_that_name_no_stream_land_in_the_unrouted_error_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let lines: [&[u8]; 6] = [
        br#"{"schemaVersion":2,"eventId":"hb-1","eventType":"system.heartbeat","occurredAt":"2026-11-20T15:04:05Z","data":{}}"#,
        br#"{"schemaVersion":2,"eventId":"e-1","eventType":"payment.created","occurredAt":"2026-11-20T15:04:05Z","data":{}}"#,
        br#"{"schemaVersion":2,"eventId":"e-2","occurredAt":"2026-11-20T15:04:05Z","data":{}}"#,
        b"customer.created C-0042",
        b"\xff\xfe{\x00}\x00",
        br#"{"schemaVersion":3,"eventType":"system.heartbeat"}"#,
    ];
    let report = run::run(settings(&out), write_input(dir.path(), "in.jsonl", &lines), None, |_| {}).unwrap();
    let files = files(&out);
    assert_eq!(files.len(), 1, "{:?}", files.keys().collect::<Vec<_>>());
    let expected = [
        error_line(lines[1], "event-type: eventType is missing or unknown", "unrouted"),
        error_line(lines[2], "event-type: eventType is missing or unknown", "unrouted"),
        error_line(lines[3], "bad-json: record is not strict JSON", "unrouted"),
        error_line(lines[4], "bad-utf8: record bytes are not valid UTF-8 without a byte order mark", "unrouted"),
        error_line(lines[5], "schema-version: unsupported schema version", "unrouted"),
    ]
    .concat();
    assert_eq!(only_file(&files, "errors/unrouted/processing-failed/2026/11/20/15/", "unrouted"), expected);
    let tally = &report.lanes[&Lane::Unrouted];
    assert_eq!((tally.records, tally.ok, tally.dropped, tally.failed), (6, 0, 1, 5));
    assert!(!report.lanes.contains_key(&Lane::Stream(Stream::Customers)));
}

#[test]
fn a_forced_stream_takes_every_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let sources = vec![Source::File(repo_root().join("events/system-two/customers.jsonl"))];
    let report = run::run(settings(&out), sources, Some(Stream::Orders), |_| {}).unwrap();
    assert_eq!(report.lanes.keys().copied().collect::<Vec<_>>(), vec![Lane::Stream(Stream::Orders)]);
    let tally = &report.lanes[&Lane::Stream(Stream::Orders)];
    // Eight customer events and the one missing its key: wrong stream; the heartbeat: dropped;
    // the line cut short and the payment event: as everywhere.
    assert_eq!((tally.records, tally.ok, tally.dropped, tally.failed), (12, 0, 1, 11));
    assert_eq!(
        tally.reasons,
        BTreeMap::from([("wrong-stream".into(), 9), ("bad-json".into(), 1), ("event-type".into(), 1)])
    );
    assert!(files(&out).keys().all(|path| path.starts_with("errors/orders/processing-failed/2026/11/20/15/orders-1-")));
}

fn data_files_in_order(report: &Report, out: &Path, stream: &str) -> Vec<String> {
    let folder = out.join("system-one").join(stream);
    report
        .written
        .iter()
        .filter(|path| path.starts_with(&folder))
        .map(|path| fs::read_to_string(path).unwrap())
        .collect()
}

#[test]
fn buffers_flush_by_size_and_by_interval() {
    let source = || vec![Source::File(repo_root().join("events/system-two/invoices.jsonl"))];
    let whole: String = expected(Stream::Invoices)
        .records
        .iter()
        .filter(|record| record.result == RecordResult::Ok)
        .map(|record| record.data.clone())
        .collect();

    // Size: a buffer of 700 bytes holds two or three sample events.
    let dir = tempfile::tempdir().unwrap();
    let mut small = settings(dir.path());
    small.buffer_bytes = 700;
    let report = run::run(small, source(), None, |_| {}).unwrap();
    let tally: &Tally = &report.lanes[&Lane::Stream(Stream::Invoices)];
    let lines = sample_lines(Stream::Invoices);
    let mut batches = 0;
    let mut held = 0;
    for line in lines.iter().filter(|line| firehose_local::route::by_content(line) == Lane::Stream(Stream::Invoices)) {
        // Each record is the line and its `\n`.
        if held > 0 && held + line.len() + 1 > 700 {
            batches += 1;
            held = 0;
        }
        held += line.len() + 1;
        if held >= 700 {
            batches += 1;
            held = 0;
        }
    }
    batches += usize::from(held > 0);
    assert!(batches > 2, "{batches}");
    assert_eq!(tally.batches, batches);
    let parts = data_files_in_order(&report, dir.path(), "invoices");
    assert!(parts.len() > 1);
    assert_eq!(parts.concat(), whole);

    // Interval 0: every record is its own invocation.
    let dir = tempfile::tempdir().unwrap();
    let mut eager = settings(dir.path());
    eager.interval = Duration::ZERO;
    let report = run::run(eager, source(), None, |_| {}).unwrap();
    let tally = &report.lanes[&Lane::Stream(Stream::Invoices)];
    assert_eq!((tally.records, tally.batches), (9, 9));
    let parts = data_files_in_order(&report, dir.path(), "invoices");
    assert_eq!(parts.len(), 8);
    assert_eq!(parts.concat(), whole);
}

#[test]
fn replay_recovers_what_passes_now_and_writes_back_what_still_fails() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let orders = sample_lines(Stream::Orders);
    let customers = sample_lines(Stream::Customers);
    let good_order = &orders[0];
    let missing_order = &orders[orders.len() - 2];
    let good_customer = &customers[0];
    let line = |raw: &[u8], attempts: u64, arn: &str| {
        ErrorRecord {
            attempts_made: attempts,
            arrival_timestamp: 1_795_000_000_000,
            error_code: "Lambda.ProcessingFailedStatus".into(),
            error_message: "ProcessingFailed status set for record".into(),
            attempt_ending_timestamp: 1_795_000_000_500,
            raw_data: b64(raw),
            lambda_arn: arn.into(),
        }
        .line()
    };
    // As downloaded from the bucket: an error object of the orders stream, whose function was
    // named by CloudFormation, holding a record that passes today, one that still fails, and a
    // customers record (by its ARN); then a line that is not an error record at all.
    let folder = dir.path().join("s3/errors/orders/processing-failed/2026/11/19/08");
    fs::create_dir_all(&folder).unwrap();
    let file = folder.join("shim-OrdersDeliveryStream-AbC-1-2026-11-19-08-00-00-0f0e0d0c");
    let content = [
        line(good_order, 1, "arn:aws:lambda:us-east-1:123456789012:function:shim-OrdersFunction-Q1W2E3"),
        line(missing_order, 1, "arn:aws:lambda:us-east-1:123456789012:function:shim-OrdersFunction-Q1W2E3"),
        line(good_customer, 2, "arn:aws:lambda:us-east-1:123456789012:function:customers"),
        "{\"truncated\": \n".into(),
    ]
    .concat();
    fs::write(&file, &content).unwrap();

    assert_eq!(replay(&dir.path().join("s3"), &out), ExitStatus::Incomplete);
    let files = outputs(&out);
    assert_eq!(files.len(), 3, "{:?}", files.keys().collect::<Vec<_>>());
    let ok_line = |stream: Stream, raw: &[u8]| {
        expected(stream)
            .records
            .into_iter()
            .find(|record| {
                record.result == RecordResult::Ok && {
                    let input: serde_json::Value = serde_json::from_str(
                        &fs::read_to_string(repo_root().join(format!("events/{}.json", stream.name()))).unwrap(),
                    )
                    .unwrap();
                    input["records"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|r| r["recordId"] == record.record_id.as_str() && r["data"] == b64(raw).as_str())
                }
            })
            .unwrap()
            .data
    };
    assert_eq!(only_file(&files, "system-one/orders/2026/11/20/15/", "orders"), ok_line(Stream::Orders, good_order));
    assert_eq!(
        only_file(&files, "system-one/customers/2026/11/20/15/", "customers"),
        ok_line(Stream::Customers, good_customer)
    );
    let still = ErrorRecord {
        attempts_made: 2,
        arrival_timestamp: 1_795_000_000_000,
        error_code: "Lambda.ProcessingFailedStatus".into(),
        error_message: "missing:ORDER_NO: required field ORDER_NO is absent".into(),
        attempt_ending_timestamp: AT_MS,
        raw_data: b64(missing_order),
        // The deployed function's, as the source line said.
        lambda_arn: "arn:aws:lambda:us-east-1:123456789012:function:shim-OrdersFunction-Q1W2E3".into(),
    };
    assert_eq!(only_file(&files, "errors/orders/processing-failed/2026/11/20/15/", "orders"), still.line());
    // The input (outside --out) is left as it was, unreadable line included.
    assert_eq!(fs::read_to_string(&file).unwrap(), content);
    // A rerun finds the source replayed (its journal is done) and writes nothing.
    assert_eq!(replay(&dir.path().join("s3"), &out), ExitStatus::Success);
    assert_eq!(outputs(&out), files);

    // Replaying what still fails, in the output folder: it fails as its line says, so it is
    // left where it is and nothing is written; nothing is lost.
    assert_eq!(replay(&out.join("errors/orders"), &out), ExitStatus::Incomplete);
    assert_eq!(outputs(&out), files);
}

#[test]
fn a_run_then_a_replay_of_its_errors_after_a_fix_recovers_everything() {
    // A producer cut a record short; it lands in the unrouted error output. Once the record is
    // repaired upstream and its rawData patched in the error line, replay routes it by content
    // to its stream and everything recovers.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let good = sample_lines(Stream::Shipments)[0].clone();
    let cut = &good[..good.len() / 2];
    run::run(settings(&out), write_input(dir.path(), "in.jsonl", &[cut]), None, |_| {}).unwrap();
    let failed = files(&out);
    let (path, content) = failed.iter().next().unwrap();
    assert!(path.starts_with("errors/unrouted/processing-failed/"));
    let mut record = ErrorRecord::read(content.trim_end().as_bytes()).unwrap();
    assert_eq!(record.raw_data, b64(&[cut, b"\n"].concat()));
    record.raw_data = b64(&good);
    let patched = dir.path().join("patched/errors/unrouted/processing-failed");
    fs::create_dir_all(&patched).unwrap();
    fs::write(patched.join("unrouted-1-x"), record.line()).unwrap();

    let replayed = dir.path().join("replayed");
    assert_eq!(replay(&dir.path().join("patched"), &replayed), ExitStatus::Success);
    let files = outputs(&replayed);
    let expected_line = expected(Stream::Shipments).records[0].data.clone();
    assert_eq!(only_file(&files, "system-one/shipments/2026/11/20/15/", "shipments"), expected_line);
    assert_eq!(files.len(), 1);
}

/// Keeps every object the pipeline plans, as a store would get them.
#[derive(Default)]
struct Planned(Vec<firehose_local::store::Object>);

impl firehose_local::Deliver for Planned {
    fn deliver(&mut self, objects: Vec<firehose_local::store::Object>) -> Result<(), firehose_local::Error> {
        self.0.extend(objects);
        Ok(())
    }
}

#[test]
fn the_pipeline_cuts_batches_within_the_buffer_size() {
    use firehose_local::batch::Pending;
    let mut settings = settings(Path::new("unused"));
    settings.buffer_bytes = 1000;
    settings.interval = Duration::from_secs(900);
    let sizes = [300, 600, 300, 1500, 3, 997, 3, 1000, 0, 500, 499, 1, 2];
    let mut planned = Planned::default();
    let mut pipeline = firehose_local::Pipeline::new(settings, &mut planned);
    for size in sizes {
        let record = Pending { data: b64(&vec![b'x'; size]), arrival_ms: AT_MS, attempts_before: 0 };
        pipeline.put_encoded(Lane::Unrouted, record).unwrap();
    }
    let report = pipeline.finish().unwrap();
    // [300 600] [300] [1500] [3 997] [3] [1000] [0 500 499 1] [2]: never past the hint but for
    // one larger record alone, closed on reaching it.
    assert_eq!(report.lanes[&Lane::Unrouted].batches, 8);
    // One error-output object per batch (every record fails: not JSON), nothing written.
    assert_eq!(planned.0.len(), 8);
    assert!(planned.0.iter().all(|object| object.key.starts_with("errors/unrouted/processing-failed/2026/11/20/15/")));
}
