//! The `firehose-local` binary: its output, files and exit statuses.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use firehose_local::error_output::ErrorRecord;
use support::{error_line, repo_root, sample_lines, text};

mod support;

fn firehose_local(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_firehose-local"))
        .args(args)
        .current_dir(repo_root())
        .env_remove("SYSTEM_ONE_TIMEZONE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

/// Every file below `dir`, recursively.
fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).into_iter().flatten() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_below(&path));
        } else {
            files.push(path);
        }
    }
    files
}

fn count_files(dir: &Path) -> usize {
    files_below(dir).len()
}

#[test]
fn run_on_the_sample_data_writes_files_and_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = firehose_local(
        &["run", "events/system-two", "--out", out.to_str().unwrap(), "--frozen-clock", "2026-11-20T15:04:05Z"],
        b"",
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    // 9 System One files, 10 error-output files (9 streams, unrouted), 10 raw backups.
    assert!(stdout.contains("wrote 29 files under"), "{stdout}");
    assert!(stdout.contains("/system-one/customers/2026/11/20/15/customers-1-2026-11-20-15-04-05-"), "{stdout}");
    let total = stdout.lines().find(|line| line.starts_with("total ")).unwrap();
    let counts: Vec<&str> = total.split_whitespace().skip(1).take(5).collect();
    assert_eq!(counts, ["100", "72", "9", "19", "10"], "{total}");
    assert!(stdout.contains("customers                   9        8        0        1        1"), "{stdout}");
    assert!(stdout.contains("unrouted                   19        0        9       10        1"), "{stdout}");
    // No progress bar when standard error is not a terminal.
    assert_eq!(text(&output.stderr), "");
    assert_eq!(count_files(&out), 29);
}

#[test]
fn run_dry_run_prints_the_plan_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let args = ["run", "events/system-two", "--out", out.to_str().unwrap(), "--frozen-clock", "2026-11-20T15:04:05Z"];
    let dry = firehose_local(&[&args[..], &["--dry-run"]].concat(), b"");
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry.stderr));
    let plan = text(&dry.stdout);
    assert!(plan.starts_with("firehose-local run --dry-run: would write 29 files (nothing written) under "), "{plan}");
    assert!(!out.exists(), "a dry run creates nothing, not even the folder");
    assert!(plan.contains("/source/customers/2026/11/20/15/customers-1-2026-11-20-15-04-05-"), "{plan}");

    // The plan is what the run then writes: the same objects (a fixed clock names them alike),
    // the same table.
    let real = firehose_local(&args, b"");
    assert_eq!(real.status.code(), Some(0), "{}", text(&real.stderr));
    let listed = |stdout: &str| -> Vec<String> { stdout.lines().skip(1).map(str::to_owned).collect() };
    let written = text(&real.stdout);
    assert!(written.starts_with("firehose-local run: wrote 29 files under "), "{written}");
    let total = |stdout: &str| {
        let line = stdout.lines().find(|line| line.starts_with("total ")).unwrap_or_default().to_owned();
        line.split_whitespace().take(6).collect::<Vec<_>>().join(" ")
    };
    assert_eq!(total(&plan), "total 100 72 9 19 10");
    assert_eq!(total(&written), total(&plan));
    // The first 20 objects, then "... and 9 more".
    assert_eq!(listed(&plan)[..21], listed(&written)[..21]);
    assert_eq!(count_files(&out), 29);

    // Into a folder that holds a run: refused, dry or not, and nothing changes.
    let again = firehose_local(&[&args[..], &["--dry-run"]].concat(), b"");
    assert_eq!(again.status.code(), Some(2));
    assert!(
        text(&again.stderr).contains(&format!("--out {}: the folder holds 29 object(s)", out.display())),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(count_files(&out), 29);
}

#[test]
fn run_reads_standard_input_and_honours_a_forced_stream() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let input = fs::read(repo_root().join("events/system-two/orders.jsonl")).unwrap();
    let output = firehose_local(&["run", "-", "--out", out.to_str().unwrap(), "--stream", "orders"], &input);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    // The heartbeat and the line cut short stay in orders when the stream is forced.
    assert!(stdout.contains("orders                     11        8        1        2        1"), "{stdout}");
    assert!(!stdout.contains("unrouted "), "{stdout}");
}

#[test]
fn usage_and_io_errors_exit_2() {
    for args in [
        &["run", "no/such/file.jsonl"][..],
        &["replay", "no/such/folder"],
        &["run", "events/system-two", "--stream", "payments"],
        &["run", "events/system-two", "--buffer-size", "5"],
        &["run", "events/system-two", "--buffer-interval", "901"],
        &["run", "events/system-two", "--timezone", "Mars/Olympus"],
        &["frobnicate"],
        // Replay from S3: what is wrong with the command line is found before any AWS call.
        &["replay", "s3://data/errors/", "events/system-two"],
        &["replay", "s3://data/system-one/"],
        &["replay", "s3://data/errors/", "--to", "sqs:queue"],
        &["replay", "s3://data/errors/", "--to", "s3://other/system-one/"],
        &["replay", "s3://data/errors/", "--concurrency", "0"],
        &["replay", "events/system-two", "--to", "kinesis:orders"],
        &["replay", "-"],
        &["run", "events/system-two", "--out", "s3://data/backfill/"],
    ] {
        let output = firehose_local(args, b"");
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", text(&output.stderr));
        assert!(!text(&output.stderr).is_empty(), "{args:?}");
    }
}

#[test]
fn replay_exits_0_only_when_everything_recovered() {
    let dir = tempfile::tempdir().unwrap();
    let lines = sample_lines(shim::Stream::Estimates);
    let line = |raw: &[u8]| error_line(raw, "lambdaArn", "estimates");
    let good = dir.path().join("good");
    fs::write(&good, line(&lines[0])).unwrap();
    let mixed = dir.path().join("mixed");
    fs::write(&mixed, [line(&lines[0]), line(&lines[lines.len() - 2])].concat()).unwrap();

    let out = dir.path().join("out1");
    let output = firehose_local(&["replay", good.to_str().unwrap(), "--out", out.to_str().unwrap()], b"");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stdout));
    assert!(text(&output.stdout).contains("all 1 records recovered"));

    let out = dir.path().join("out2");
    let output = firehose_local(&["replay", mixed.to_str().unwrap(), "--out", out.to_str().unwrap()], b"");
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stdout));
    assert!(text(&output.stdout).contains("1 of 2 records still fail"), "{}", text(&output.stdout));
    assert_eq!(count_files(&out.join("system-one/estimates")), 1);
    assert_eq!(count_files(&out.join("errors/estimates/processing-failed")), 1);
}

#[test]
fn run_with_log_writes_the_functions_lines_that_find_each_failed_record() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let log = dir.path().join("functions.log");
    let args = ["run", "events/system-two", "--out", out.to_str().unwrap(), "--log", log.to_str().unwrap()];
    let output = firehose_local(&args, b"");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));

    let lines: Vec<serde_json::Value> =
        fs::read_to_string(&log).unwrap().lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    let failed: Vec<&serde_json::Value> = lines.iter().filter(|line| line["message"] == "record failed").collect();
    let summaries = lines.iter().filter(|line| line["message"] == "batch transformed").count();
    assert_eq!(summaries, 10, "one summary line per invocation");

    let mut arrivals: Vec<i64> = Vec::new();
    for file in files_below(&out.join("errors")) {
        for line in fs::read(&file).unwrap().split(|byte| *byte == b'\n').filter(|line| !line.is_empty()) {
            arrivals.push(ErrorRecord::read(line).unwrap().arrival_timestamp);
        }
    }
    assert_eq!(failed.len(), 19, "one line per failed record");
    assert_eq!(arrivals.len(), 19, "one error-output line per failed record");
    for line in &failed {
        let invocation = line["invocationId"].as_str().unwrap();
        let record = line["record_id"].as_str().unwrap();
        // Both name the lane (a stream, or `unrouted`) that batched the record.
        let lane = record.rsplit_once('-').unwrap().0;
        assert_eq!(invocation.rsplit_once('-').unwrap().0, lane, "{line}");
        let arrival = line["approximateArrivalTimestamp"].as_i64().unwrap();
        assert!(arrivals.contains(&arrival), "{line} finds no error-output line by arrivalTimestamp");
        assert!(line["reason"].is_string() && line["code"].is_string(), "{line}");
    }
}
