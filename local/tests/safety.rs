//! Issue 19: `firehose-local` cannot hurt what it is pointed at. Each test runs the real binary
//! (and moto in server mode for S3) on one of the ways it could damage data or mislead.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use shim::Stream;
use support::{
    block_on, create_bucket, error_object, files_below, firehose_local as on_moto, gzip, objects, put, sample_lines,
    text, Moto,
};

mod support;

const CLOCK: &str = "2026-11-20T15:04:05Z";

fn firehose_local(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_firehose-local"))
        .args(args)
        .current_dir(support::repo_root())
        .env_remove("SYSTEM_ONE_TIMEZONE")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn under(files: &BTreeMap<String, Vec<u8>>, prefix: &str) -> BTreeMap<String, Vec<u8>> {
    files.iter().filter(|(key, _)| key.starts_with(prefix)).map(|(k, v)| (k.clone(), v.clone())).collect()
}

fn lines_under(files: &BTreeMap<String, Vec<u8>>, prefix: &str) -> usize {
    under(files, prefix).values().map(|content| content.iter().filter(|byte| **byte == b'\n').count()).sum()
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn out_with_an_s3_source_is_refused_and_the_bucket_untouched() {
    let moto = Moto::start();
    let s3 = moto.s3();
    let key = "errors/orders/processing-failed/2026/11/20/15/orders-1-2026-11-20-15-00-00-a";
    let before = block_on(async {
        create_bucket(&s3, "data").await;
        put(&s3, "data", key, error_object(&sample_lines(Stream::Orders), "lambdaArn", "orders")).await;
        objects(&s3, "data").await
    });
    let dir = tempfile::tempdir().unwrap();
    let output = on_moto(&moto.endpoint, &["replay", "s3://data/errors/", "--out", s(dir.path())]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--out") && stderr.contains("never into a folder"), "{stderr}");
    assert_eq!(block_on(objects(&s3, "data")), before);
    assert!(files_below(dir.path()).is_empty());
}

#[test]
fn replaying_the_runs_error_output_twice_leaves_it_as_it_is() {
    // The README's re-drive: run, then replay out/errors/orders/processing-failed, twice.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = firehose_local(&["run", "events/system-two", "--out", s(&out), "--frozen-clock", CLOCK]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let after_run = files_below(&out);
    let failing = lines_under(&after_run, "errors/orders/processing-failed/");
    assert!(failing > 0);
    for _ in 0..2 {
        let replay = firehose_local(&["replay", s(&out.join("errors/orders/processing-failed")), "--out", s(&out)]);
        let stdout = text(&replay.stdout);
        assert_eq!(replay.status.code(), Some(1), "{stdout}{}", text(&replay.stderr));
        assert!(
            stdout.contains("still failing exactly as their lines say, recovering nothing: 1 source object;"),
            "{stdout}"
        );
        assert_eq!(files_below(&out), after_run, "nothing written, nothing moved");
    }
}

#[test]
fn a_local_replay_moves_its_sources_reads_gzip_and_a_second_replay_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let lines = sample_lines(Stream::Orders);
    // As Firehose writes it (its own errorMessage), gzip, in the output folder.
    let folder = out.join("errors/orders/processing-failed/2026/11/20/15");
    fs::create_dir_all(&folder).unwrap();
    let source = folder.join("orders-1-2026-11-20-15-00-00-a.gz");
    fs::write(&source, gzip(&error_object(&lines, "lambdaArn", "orders"))).unwrap();

    let errors = out.join("errors");
    let args = ["replay", s(&errors), "--out", s(&out), "--frozen-clock", CLOCK];
    let first = firehose_local(&args);
    let stdout = text(&first.stdout);
    assert_eq!(first.status.code(), Some(1), "{stdout}{}", text(&first.stderr));
    assert!(!stdout.contains("unreadable"), "{stdout}");
    let after = files_below(&out);
    assert_eq!(under(&after, "system-one/orders/").len(), 1, "{:?}", after.keys());
    assert!(!source.exists());
    assert_eq!(under(&after, "errors/orders/replayed/processing-failed/").len(), 1);
    let still = lines_under(&after, "errors/orders/processing-failed/");
    assert!(still > 0 && still < lines.len());
    assert!(under(&after, "errors/replay-journal/").is_empty());

    let second = firehose_local(&args);
    assert_eq!(second.status.code(), Some(1), "{}", text(&second.stdout));
    assert!(text(&second.stdout).contains("wrote 0 objects"), "{}", text(&second.stdout));
    assert_eq!(files_below(&out), after);
}

#[test]
fn a_replay_of_the_output_folder_reads_only_its_error_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = firehose_local(&["run", "events/system-two", "--out", s(&out), "--frozen-clock", CLOCK]);
    assert_eq!(run.status.code(), Some(0));
    let before = files_below(&out);
    let whole = firehose_local(&["replay", s(&out), "--out", s(&out)]);
    let stdout = text(&whole.stdout);
    assert_eq!(whole.status.code(), Some(1), "{stdout}{}", text(&whole.stderr));
    assert!(!stdout.contains("unreadable"), "{stdout}");
    assert_eq!(files_below(&out), before);
    let data = firehose_local(&["replay", s(&out.join("system-one")), "--out", s(&out)]);
    assert_eq!(data.status.code(), Some(2));
    assert!(text(&data.stderr).contains("replay reads error output"), "{}", text(&data.stderr));
}

#[test]
fn a_local_dry_run_prints_the_plan_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let folder = out.join("errors/orders/processing-failed/2026/11/20/15");
    fs::create_dir_all(&folder).unwrap();
    fs::write(folder.join("o"), error_object(&sample_lines(Stream::Orders), "lambdaArn", "orders")).unwrap();
    let before = files_below(&out);
    let output = firehose_local(&["replay", s(&out.join("errors")), "--out", s(&out), "--dry-run"]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("dry run: nothing written, nothing moved"), "{stdout}");
    assert!(stdout.contains("would write 2 objects"), "{stdout}");
    assert!(stdout.contains("errors/orders/replayed/processing-failed/2026/11/20/15/o"), "{stdout}");
    assert_eq!(files_below(&out), before);
}

#[test]
fn a_broken_pipe_ends_quietly_with_the_commands_status() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_firehose-local"))
        .args(["run", "events/system-two", "--out", s(&out)])
        .current_dir(support::repo_root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // `| head -0`: the reader is gone before the summary is written.
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    assert!(out.join("system-one").is_dir());
}

#[test]
fn input_that_is_not_system_two_events_exits_3_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.jsonl");
    fs::write(&garbage, [&b"[1, 2, 3]\n"[..], &gzip(b"{}\n"), b"\n\xff\xfe random\n"].concat()).unwrap();
    let json_only = dir.path().join("json-only");
    fs::create_dir_all(&json_only).unwrap();
    fs::copy(support::repo_root().join("events/orders.json"), json_only.join("orders.json")).unwrap();
    let firehose_event = support::repo_root().join("events/orders.json");
    for (n, (input, lines)) in
        [(&garbage, "lines"), (&json_only, "0 lines"), (&firehose_event, "lines")].iter().enumerate()
    {
        let out = dir.path().join(format!("out-{n}"));
        let output = firehose_local(&["run", s(input), "--out", s(&out)]);
        let stdout = text(&output.stdout);
        assert_eq!(output.status.code(), Some(3), "{stdout}{}", text(&output.stderr));
        assert!(stdout.contains("nothing here looked like System Two events"), "{stdout}");
        assert!(stdout.contains(lines), "{stdout}");
    }
    // Replay of something that is not error output: the same, and the file stays.
    let out = dir.path().join("replay-out");
    let output = firehose_local(&["replay", s(&garbage), "--out", s(&out)]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(3), "{stdout}{}", text(&output.stderr));
    assert!(stdout.contains("nothing here looked like Firehose error output"), "{stdout}");
    assert!(garbage.is_file());
}

#[test]
fn a_missing_bucket_fails_before_any_input_is_read() {
    let moto = Moto::start();
    let output = on_moto(&moto.endpoint, &["run", "events/system-two", "--out", "s3://no-such-bucket"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr, "firehose-local: cannot use the bucket s3://no-such-bucket: NoSuchBucket\n");
    assert!(output.stdout.is_empty());
    // A dry run checks the bucket as the run would.
    let dry = on_moto(&moto.endpoint, &["run", "events/system-two", "--out", "s3://no-such-bucket", "--dry-run"]);
    assert_eq!(dry.status.code(), Some(2));
    assert_eq!(text(&dry.stderr), stderr);
}

#[test]
fn a_second_run_into_the_same_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let first = firehose_local(&["run", "events/system-two", "--out", s(&out)]);
    assert_eq!(first.status.code(), Some(0));
    let before = files_below(&out);
    let again = firehose_local(&["run", "events/system-two", "--out", s(&out)]);
    let stderr = text(&again.stderr);
    assert_eq!(again.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("a second run would add a second copy"), "{stderr}");
    assert_eq!(files_below(&out), before);
}

#[test]
fn a_bad_time_zone_names_the_flag() {
    let output = firehose_local(&["run", "events/system-two", "--timezone", "Mars/Olympus"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--timezone") && stderr.contains("Mars/Olympus"), "{stderr}");
    assert!(!stderr.contains("SYSTEM_ONE_TIMEZONE"), "{stderr}");
}

#[test]
fn a_record_over_1_mib_is_marked_as_aws_would_refuse_it() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.jsonl");
    let good = &sample_lines(Stream::Customers)[0];
    let mut big: serde_json::Value = serde_json::from_slice(good).unwrap();
    big["padding"] = serde_json::Value::String("x".repeat(1_100_000));
    let mut file = fs::File::create(&input).unwrap();
    file.write_all(&serde_json::to_vec(&big).unwrap()).unwrap();
    file.write_all(b"\n").unwrap();
    file.write_all(good).unwrap();
    file.write_all(b"\n").unwrap();
    drop(file);
    let out = dir.path().join("out");
    let output = firehose_local(&["run", s(&input), "--out", s(&out)]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let files = files_below(&out);
    assert_eq!(lines_under(&files, "system-one/customers/"), 1);
    let errors = under(&files, "errors/customers/processing-failed/");
    assert_eq!(errors.len(), 1);
    let line: serde_json::Value = serde_json::from_slice(errors.values().next().unwrap()).unwrap();
    assert_eq!(line["errorCode"], "Kinesis.ValidationException");
    assert!(line["errorMessage"].as_str().unwrap().contains("1048576"), "{line}");
    assert!(text(&output.stdout).contains("Kinesis.ValidationException ×1"), "{}", text(&output.stdout));
}
