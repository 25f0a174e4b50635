//! `firehose-local replay s3://...` against moto in server mode: real SDK calls over HTTP to a
//! local S3 and Kinesis, the real transformation, the binary as an operator runs it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod support;

use std::collections::BTreeMap;
use std::fs;

use firehose_local::error_output::ErrorRecord;
use shim::firehose::RecordResult;
use shim::Stream;
use support::*;
use testkit::events::Expected;

const BUCKET: &str = "data";
const PLAIN: &str = "errors/orders/processing-failed/2026/11/20/15/orders-1-2026-11-20-15-04-05-a";
const GZIP: &str = "errors/orders/processing-failed/2026/11/20/16/orders-1-2026-11-20-16-00-00-b.gz";

/// What the sample orders give: the System One lines of the records that pass, in order, and
/// the indexes of the lines that still fail.
fn expected_orders() -> (Vec<u8>, Vec<usize>) {
    let expected = expected(Stream::Orders);
    let count = sample_lines(Stream::Orders).len();
    let mut lines = Vec::new();
    let mut failing = Vec::new();
    for (i, record) in expected.records.iter().take(count).enumerate() {
        match record.result {
            RecordResult::Ok => lines.extend_from_slice(record.data.as_bytes()),
            RecordResult::Dropped => {}
            RecordResult::ProcessingFailed => failing.push(i),
        }
    }
    (lines, failing)
}

/// A bucket with the sample orders twice: plain with `lambdaArn`, gzip with `lambdaARN`.
fn seeded(moto: &Moto) -> BTreeMap<String, Vec<u8>> {
    let lines = sample_lines(Stream::Orders);
    let s3 = moto.s3();
    block_on(async {
        create_bucket(&s3, BUCKET).await;
        put(&s3, BUCKET, PLAIN, error_object(&lines, "lambdaArn", "prod-OrdersFunction-1A2B")).await;
        put(&s3, BUCKET, GZIP, gzip(&error_object(&lines, "lambdaARN", "orders"))).await;
        objects(&s3, BUCKET).await
    })
}

fn bucket(moto: &Moto, name: &str) -> BTreeMap<String, Vec<u8>> {
    block_on(objects(&moto.s3(), name))
}

#[test]
fn replays_plain_and_gzip_objects_and_a_rerun_changes_nothing_in_system_one() {
    let moto = Moto::start();
    let before = seeded(&moto);
    let output = firehose_local(&moto.endpoint, &["replay", "s3://data/errors/orders/processing-failed/2026/11/"]);
    let stdout = text(&output.stdout);
    // Two records of each object still fail: exit 1.
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{}", text(&output.stderr));
    assert!(stdout.contains("4 of 22 records still fail"), "{stdout}");
    assert!(stdout.contains("orders                      2  to errors/orders/replayed/"), "{stdout}");

    let after = bucket(&moto, BUCKET);
    let (lines, failing) = expected_orders();
    // One System One object per source, in the replay's hour, holding exactly the lines that pass.
    let system_one = under(&after, "system-one/");
    assert_eq!(system_one.len(), 2, "{:?}", system_one.keys());
    let hour = jiff::Timestamp::now().strftime("system-one/orders/%Y/%m/%d/%H/orders-1-%Y-%m-%d-%H-").to_string();
    for (i, (key, content)) in system_one.iter().enumerate() {
        assert!(key.starts_with(&hour), "{key} in {hour}");
        assert_eq!(text(content), text(&lines), "{key}");
        // Named in the order of their sources: the run's second, then the source's place.
        let uuid = &key[hour.len() + "MM-SS-".len()..];
        assert!(uuid.starts_with(&format!("{i:08x}-")), "{key}");
    }
    // The still-failing records: their original bytes, one attempt more, today's reason, the source's ARN.
    let errors = under(&after, "errors/orders/processing-failed/");
    let raw = sample_lines(Stream::Orders);
    let mut failed: Vec<ErrorRecord> = Vec::new();
    for (key, content) in errors.iter().filter(|(key, _)| !before.contains_key(*key)) {
        assert!(!key.ends_with(".gz"), "{key}");
        failed.extend(content.split(|b| *b == b'\n').filter(|l| !l.is_empty()).map(|l| ErrorRecord::read(l).unwrap()));
    }
    assert_eq!(failed.len(), 4);
    for record in &failed {
        assert_eq!(record.attempts_made, 2);
        assert_eq!(record.error_code, "Lambda.ProcessingFailedStatus");
        assert!(failing.iter().any(|i| error_line(&raw[*i], "lambdaArn", "x").contains(&record.raw_data)));
        assert!(
            record.lambda_arn.ends_with(":function:prod-OrdersFunction-1A2B")
                || record.lambda_arn.ends_with(":function:orders")
        );
    }
    // The sources moved, byte for byte (the gzip one still gzip); no journal left.
    assert!(!after.contains_key(PLAIN) && !after.contains_key(GZIP));
    assert_eq!(
        after["errors/orders/replayed/processing-failed/2026/11/20/15/orders-1-2026-11-20-15-04-05-a"],
        before[PLAIN]
    );
    assert_eq!(
        after["errors/orders/replayed/processing-failed/2026/11/20/16/orders-1-2026-11-20-16-00-00-b.gz"],
        before[GZIP]
    );
    assert!(under(&after, "errors/replay-journal/").is_empty());

    // The same command again: nothing new in system-one/.
    let again = firehose_local(&moto.endpoint, &["replay", "s3://data/errors/orders/processing-failed/2026/11/"]);
    assert!(matches!(again.status.code(), Some(0 | 1)), "{}", text(&again.stderr));
    assert_eq!(under(&bucket(&moto, BUCKET), "system-one/"), system_one);
}

#[test]
fn a_crash_between_writing_and_moving_duplicates_nothing() {
    let moto = Moto::start();
    let before = seeded(&moto);
    let first = firehose_local(
        &moto.endpoint,
        &[
            "replay",
            "s3://data/errors/orders/",
            "--fail-move",
            "--concurrency",
            "1",
            "--frozen-clock",
            "2026-11-30T10:15:00Z",
        ],
    );
    let stderr = text(&first.stderr);
    assert_eq!(first.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&format!("cannot move s3://data/{PLAIN}")), "{stderr}");
    let crashed = bucket(&moto, BUCKET);
    let system_one = under(&crashed, "system-one/");
    assert_eq!(system_one.len(), 1, "the first source's outputs only: {:?}", system_one.keys());
    assert!(crashed.contains_key(PLAIN) && crashed.contains_key(GZIP));
    assert_eq!(under(&crashed, "errors/replay-journal/").len(), 1);

    // Rerun three hours later: the journal keeps the first attempt's names.
    let second = firehose_local(
        &moto.endpoint,
        &["replay", "s3://data/errors/orders/", "--frozen-clock", "2026-11-30T13:40:00Z"],
    );
    let stdout = text(&second.stdout);
    assert_eq!(second.status.code(), Some(1), "{stdout}\n{}", text(&second.stderr));
    assert!(stdout.contains("2 already there from an earlier run"), "{stdout}");
    let after = bucket(&moto, BUCKET);
    let system_one_after = under(&after, "system-one/");
    assert_eq!(system_one_after.len(), 2);
    for (key, content) in &system_one {
        assert_eq!(system_one_after.get(key), Some(content), "{key}");
    }
    assert_eq!(under(&system_one_after, "system-one/orders/2026/11/30/13/").len(), 1, "{:?}", system_one_after.keys());
    assert!(!after.contains_key(PLAIN) && !after.contains_key(GZIP));
    assert!(under(&after, "errors/replay-journal/").is_empty());
    // Each source's outputs recorded once, under the hour its outputs are named after, for the
    // reconcile.
    assert_eq!(under(&after, "errors/orders/replayed/outputs/").len(), 2, "{:?}", after.keys());
    assert_eq!(
        after.len(),
        before.len() + 6,
        "2 System One objects, 2 error objects, 2 outputs records: {:?}",
        after.keys()
    );
}

#[test]
fn dry_run_writes_and_moves_nothing() {
    let moto = Moto::start();
    let before = seeded(&moto);
    let output = firehose_local(&moto.endpoint, &["replay", "s3://data/errors/", "--dry-run"]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{}", text(&output.stderr));
    assert!(stdout.contains("dry run: nothing written, nothing moved"), "{stdout}");
    assert!(stdout.contains("would write 4 objects"), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "s3://data/{PLAIN} → s3://data/errors/orders/replayed/processing-failed/2026/11/20/15/"
        )),
        "{stdout}"
    );
    assert_eq!(bucket(&moto, BUCKET), before);
}

#[test]
fn a_malformed_line_is_reported_and_the_rest_recovered_into_another_bucket() {
    let moto = Moto::start();
    let lines = sample_lines(Stream::Customers);
    let good = &lines[0];
    let key = "errors/customers/processing-failed/2026/11/20/15/customers-1-x";
    let content = [
        error_line(good, "lambdaArn", "customers"),
        "{\"rawData\": 7, \"name\": \"Jane Roe\"}\n".into(),
        error_line(good, "lambdaArn", "customers"),
    ]
    .concat();
    let s3 = moto.s3();
    block_on(async {
        create_bucket(&s3, BUCKET).await;
        create_bucket(&s3, "other").await;
        put(&s3, BUCKET, key, content.clone().into_bytes()).await;
    });
    let output = firehose_local(&moto.endpoint, &["replay", "s3://data/errors/customers/", "--to", "s3://other"]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{}", text(&output.stderr));
    assert!(stdout.contains(&format!("s3://data/{key} line 2: not an error-output record")), "{stdout}");
    assert!(!stdout.contains("Jane Roe") && !text(&output.stderr).contains("Jane Roe"));
    let other = bucket(&moto, "other");
    assert_eq!(other.len(), 1, "{:?}", other.keys());
    let (_, system_one) = other.iter().next().unwrap();
    assert_eq!(system_one.split(|b| *b == b'\n').filter(|l| !l.is_empty()).count(), 2);
    // The source stays, untouched, until its bad line is dealt with.
    let data = bucket(&moto, BUCKET);
    assert_eq!(data.get(key), Some(&content.into_bytes()));
    assert!(under(&data, "system-one/").is_empty());
}

#[test]
fn the_kinesis_target_puts_the_passing_events_back_with_their_entity_keys() {
    let moto = Moto::start();
    seeded(&moto);
    let kinesis = moto.kinesis();
    block_on(async {
        kinesis.create_stream().stream_name("test-orders").shard_count(1).send().await.unwrap();
    });
    let output =
        firehose_local(&moto.endpoint, &["replay", "s3://data/errors/orders/", "--to", "kinesis:test-{stream}"]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{}", text(&output.stderr));
    assert!(stdout.contains("put 16 records on kinesis:test-{stream}"), "{stdout}");
    let records = block_on(async {
        let shard =
            kinesis.list_shards().stream_name("test-orders").send().await.unwrap().shards()[0].shard_id().to_owned();
        let iterator = kinesis
            .get_shard_iterator()
            .stream_name("test-orders")
            .shard_id(shard)
            .shard_iterator_type(aws_sdk_kinesis::types::ShardIteratorType::TrimHorizon)
            .send()
            .await
            .unwrap();
        let got = kinesis.get_records().shard_iterator(iterator.shard_iterator().unwrap()).send().await.unwrap();
        got.records()
            .iter()
            .map(|r| (r.data().as_ref().to_vec(), r.partition_key().unwrap_or_default().to_owned()))
            .collect::<Vec<_>>()
    });
    let path = repo_root().join("events/expected/orders.json");
    let expected: Expected = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    let raw = sample_lines(Stream::Orders);
    let passing: Vec<(Vec<u8>, String)> = raw
        .iter()
        .zip(&expected.records)
        .filter(|(_, record)| record.result == RecordResult::Ok)
        .map(|(line, _)| (line.clone(), firehose_local::kinesis::partition_key(Stream::Orders, line).unwrap()))
        .collect();
    assert_eq!(records, [passing.clone(), passing].concat());
    assert!(records[1].1.starts_with("SO-"), "{}", records[1].1);
    let after = bucket(&moto, BUCKET);
    assert!(under(&after, "system-one/").is_empty());
    assert_eq!(under(&after, "errors/orders/replayed/processing-failed/").len(), 2);
}

#[test]
fn a_missing_bucket_or_a_denied_call_exits_2_naming_bucket_and_code() {
    let moto = Moto::start();
    let output = firehose_local(&moto.endpoint, &["replay", "s3://no-such-bucket/errors/orders/"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(text(&output.stderr), "firehose-local: cannot list s3://no-such-bucket/errors/orders/: NoSuchBucket\n");

    let guarded = Moto::start_with(&[("INITIAL_NO_AUTH_ACTION_COUNT", "0")]);
    let output = firehose_local(&guarded.endpoint, &["replay", "s3://data/errors/"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.starts_with("firehose-local: cannot list s3://data/errors/: "), "{stderr}");
    assert!(stderr.contains("InvalidAccessKeyId") || stderr.contains("AccessDenied"), "{stderr}");

    let output = firehose_local(&moto.endpoint, &["replay", "s3://data/system-one/orders/"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("must be under errors/"), "{}", text(&output.stderr));
}

#[test]
fn run_out_s3_writes_the_bucket_as_the_local_run_writes_its_folder() {
    let moto = Moto::start();
    block_on(create_bucket(&moto.s3(), BUCKET));
    let clock = "2026-11-20T15:04:05Z";
    // A dry run first: the plan, and not one object (not even the mark).
    let dry = firehose_local(
        &moto.endpoint,
        &["run", "events/system-two", "--out", "s3://data", "--frozen-clock", clock, "--dry-run"],
    );
    let plan = text(&dry.stdout);
    assert_eq!(dry.status.code(), Some(0), "{plan}\n{}", text(&dry.stderr));
    assert!(
        plan.starts_with("firehose-local run --dry-run: would write 29 objects (nothing written) to s3://data/"),
        "{plan}"
    );
    assert!(plan.contains("s3://data/source/customers/2026/11/20/15/customers-1-2026-11-20-15-04-05-"), "{plan}");
    assert!(bucket(&moto, BUCKET).is_empty());

    let output =
        firehose_local(&moto.endpoint, &["run", "events/system-two", "--out", "s3://data", "--frozen-clock", clock]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{}", text(&output.stderr));
    // 9 System One objects, 10 error-output objects, 10 raw backups (source/).
    assert!(stdout.contains("wrote 29 objects to s3://data/"), "{stdout}");
    let listed = |stdout: &str| -> Vec<String> { stdout.lines().skip(1).take(21).map(str::to_owned).collect() };
    assert_eq!(listed(&plan), listed(&stdout), "the plan is what the run wrote");

    // The same run into a folder, with the same fixed clock (reproducible names).
    let dir = tempfile::tempdir().unwrap();
    let local = firehose_local(
        &moto.endpoint,
        &["run", "events/system-two", "--out", dir.path().to_str().unwrap(), "--frozen-clock", clock],
    );
    assert_eq!(local.status.code(), Some(0));
    let mut files = BTreeMap::new();
    let mut folders = vec![dir.path().to_owned()];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let key = path.strip_prefix(dir.path()).unwrap().to_string_lossy().into_owned();
                files.insert(key, fs::read(&path).unwrap());
            }
        }
    }
    let in_bucket = bucket(&moto, BUCKET);
    let marks = under(&in_bucket, "firehose-local/runs/");
    assert_eq!(marks.len(), 1, "the run's mark");
    let mark = marks.keys().next().unwrap().clone();
    let without_mark: BTreeMap<String, Vec<u8>> = in_bucket.into_iter().filter(|(key, _)| *key != mark).collect();
    assert_eq!(without_mark, files);
    let listing: serde_json::Value = serde_json::from_slice(&marks[&mark]).unwrap();
    assert_eq!(listing["status"], "finished");
    assert_eq!(listing["objects"].as_array().unwrap().len(), 29);

    // The same input again: refused by the mark, before anything is read or written.
    let run = ["run", "events/system-two", "--out", "s3://data", "--frozen-clock", clock];
    let again = firehose_local(&moto.endpoint, &run);
    let stderr = text(&again.stderr);
    assert_eq!(again.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--out s3://data: this input was run into the bucket already"), "{stderr}");
    assert_eq!(bucket(&moto, BUCKET).len(), files.len() + 1);

    // Without the mark, nothing is written over an existing object either: exit 2, the mark
    // says the run stopped and what it wrote (nothing); the input is then refused as unfinished.
    block_on(moto.s3().delete_object().bucket(BUCKET).key(&mark).send()).unwrap();
    let again = firehose_local(&moto.endpoint, &run);
    assert_eq!(again.status.code(), Some(2));
    let stderr = text(&again.stderr);
    assert!(stderr.contains("exists already"), "{stderr}");
    assert!(
        stderr.contains(&format!("the run stopped after writing 0 object(s), listed in s3://data/{mark}")),
        "{stderr}"
    );
    let listing: serde_json::Value = serde_json::from_slice(&bucket(&moto, BUCKET)[&mark]).unwrap();
    assert_eq!(listing["status"], "stopped");
    assert_eq!(listing["objects"], serde_json::json!([]));
    assert_eq!(bucket(&moto, BUCKET).len(), files.len() + 1);
    let third = firehose_local(&moto.endpoint, &run);
    assert_eq!(third.status.code(), Some(2));
    assert!(text(&third.stderr).contains("started and did not finish"), "{}", text(&third.stderr));
}

#[test]
fn a_journal_left_by_a_crash_after_the_move_is_cleared_and_its_outputs_replayed_again() {
    let moto = Moto::start();
    let lines = sample_lines(Stream::Orders);
    let output = "errors/orders/processing-failed/2026/11/30/10/orders-1-2026-11-30-10-15-00-00000000-857b-46a8-88ab-9410f2d5d8d1";
    let journal = "errors/replay-journal/4b0c6f2e-1d2a-4c3b-8e4f-5a6b7c8d9e0f.json";
    let s3 = moto.s3();
    block_on(async {
        create_bucket(&s3, BUCKET).await;
        // The replay of a source that has moved already wrote this output; it stopped before
        // deleting its journal.
        put(&s3, BUCKET, output, error_object(&lines[..2], "lambdaArn", "orders")).await;
        let text = format!(r#"{{"source":"{PLAIN}","at_ms":1795994100000,"sequence":0,"outputs":["{output}"]}}"#);
        put(&s3, BUCKET, journal, text.into_bytes()).await;
    });
    let run = firehose_local(&moto.endpoint, &["replay", "s3://data/errors/"]);
    let stdout = text(&run.stdout);
    assert_eq!(run.status.code(), Some(0), "{stdout}\n{}", text(&run.stderr));
    assert!(stdout.contains("1 source object read"), "{stdout}");
    let after = bucket(&moto, BUCKET);
    assert!(!after.contains_key(journal) && !after.contains_key(output), "{:?}", after.keys());
    assert_eq!(under(&after, "system-one/orders/").len(), 1);
}
