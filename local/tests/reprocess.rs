//! Reprocessing on the real binary against moto in server mode: `run s3://BUCKET/source/...`
//! reads the raw backup as input, and `run kinesis:NAME --from T --to T` re-reads a Kinesis
//! data stream's window, every shard, each record once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use aws_sdk_kinesis::primitives::Blob;
use base64::Engine;
use firehose_local::error_output::ErrorRecord;
use support::backup::{tree, upload, AT};
use support::*;

/// Per stream (`unrouted` left out: it has no backup): the System One lines, in order, and the
/// original bytes of the failed records, in order.
fn delivered(out: &Path) -> BTreeMap<String, (String, Vec<Vec<u8>>)> {
    let mut found: BTreeMap<String, (String, Vec<Vec<u8>>)> = BTreeMap::new();
    // In key order (a BTreeMap); `source/`, the run's own raw backup, is not an outcome.
    for (key, content) in files_below(out) {
        let parts: Vec<&str> = key.split('/').collect();
        let content = || String::from_utf8(content.clone()).unwrap();
        match parts[0] {
            "system-one" => found.entry(parts[1].to_owned()).or_default().0.push_str(&content()),
            "errors" if parts[1] != "unrouted" => {
                for line in content().lines() {
                    let record: ErrorRecord = serde_json::from_str(line).unwrap();
                    let raw = base64::engine::general_purpose::STANDARD.decode(record.raw_data).unwrap();
                    found.entry(parts[1].to_owned()).or_default().1.push(raw);
                }
            }
            _ => {}
        }
    }
    found
}

fn run(endpoint: &str, args: &[&str]) -> std::process::Output {
    let output = firehose_local(endpoint, args);
    assert_eq!(output.status.code(), Some(0), "{args:?}: {}\n{}", text(&output.stdout), text(&output.stderr));
    output
}

#[test]
fn reprocessing_the_backup_gives_the_same_lines_as_the_first_run() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first");
    tree(&first);
    // Only the raw backup goes into the bucket: the first run's output is not read.
    let backup = dir.path().join("backup");
    std::fs::create_dir_all(&backup).unwrap();
    std::fs::rename(first.join("source"), backup.join("source")).unwrap();
    let moto = Moto::start();
    upload(&moto, &backup, "data");

    let again = dir.path().join("again");
    run(&moto.endpoint, &["run", "s3://data/source/", "--out", again.to_str().unwrap(), "--frozen-clock", AT, "-q"]);
    let expected = delivered(&first);
    assert_eq!(expected.len(), 9);
    assert_eq!(delivered(&again), expected);
    // The records came from the backup: it is not written a second time.
    assert!(!again.join("source").exists(), "a reprocess of the backup wrote a backup");

    // One day of one stream, into a bucket; the same input again is refused there.
    let s3 = moto.s3();
    block_on(create_bucket(&s3, "out"));
    let orders = ["run", "s3://data/source/orders/2026/12/01/", "--out", "s3://out", "--frozen-clock", AT, "-q"];
    run(&moto.endpoint, &orders);
    let objects = block_on(objects(&s3, "out"));
    let lines: String = under(&objects, "system-one/orders/").values().map(|content| text(content)).collect();
    assert_eq!(lines, expected["orders"].0);
    assert!(under(&objects, "source/").is_empty(), "a reprocess of the backup wrote a backup");
    let second = firehose_local(&moto.endpoint, &orders);
    assert_eq!(second.status.code(), Some(2));
    assert!(text(&second.stderr).contains("already"), "{}", text(&second.stderr));

    // Not a backup prefix: refused before anything is read.
    let wrong = firehose_local(&moto.endpoint, &["run", "s3://data/system-one/orders/", "--out", "x"]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(text(&wrong.stderr).contains("s3://BUCKET/source/<stream>/"), "{}", text(&wrong.stderr));
}

#[test]
fn the_kinesis_re_read_returns_every_record_of_the_window_once() {
    let moto = Moto::start();
    let kinesis = moto.kinesis();
    let lines = sample_lines(shim::Stream::Orders);
    let put = |records: &[Vec<u8>], tag: &str| {
        block_on(async {
            for (i, record) in records.iter().enumerate() {
                let request = kinesis.put_record().stream_name("test-orders").data(Blob::new(record.clone()));
                request.partition_key(format!("{tag}-{i}")).send().await.unwrap();
            }
        })
    };
    block_on(async {
        kinesis.create_stream().stream_name("test-orders").shard_count(2).send().await.unwrap();
    });
    // Before the window, the window, after it: a second apart.
    put(&lines[..3], "before");
    std::thread::sleep(Duration::from_millis(1100));
    let from = jiff::Timestamp::now().to_string();
    put(&lines, "in");
    std::thread::sleep(Duration::from_millis(1100));
    let to = jiff::Timestamp::now().to_string();
    std::thread::sleep(Duration::from_millis(100));
    put(&lines[3..], "after");

    // Both shards hold records of the window.
    let shards = block_on(kinesis.list_shards().stream_name("test-orders").send()).unwrap();
    assert_eq!(shards.shards().len(), 2);

    let dir = tempfile::tempdir().unwrap();
    let (reread, reference) = (dir.path().join("reread"), dir.path().join("reference"));
    let args =
        ["run", "kinesis:test-orders", "--from", &from, "--to", &to, "--stream", "orders", "--frozen-clock", AT, "-q"];
    let output = run(&moto.endpoint, &[&args[..], &["--out", reread.to_str().unwrap()]].concat());
    assert!(text(&output.stdout).contains(&format!("{} records", lines.len())), "{}", text(&output.stdout));

    // The window's records, exactly once: the lines and failures a run of them from a file gives
    // (in shard order, so compared as sorted lines).
    let file = dir.path().join("in.jsonl");
    std::fs::write(&file, lines.iter().flat_map(|line| [line.as_slice(), b"\n"].concat()).collect::<Vec<u8>>())
        .unwrap();
    run(
        &moto.endpoint,
        &[
            "run",
            file.to_str().unwrap(),
            "--stream",
            "orders",
            "--frozen-clock",
            AT,
            "-q",
            "--out",
            reference.to_str().unwrap(),
        ],
    );
    let sorted = |out: &Path| {
        let (text, mut failed) = delivered(out).remove("orders").unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        lines.sort();
        failed.sort();
        (lines, failed)
    };
    let (got, expected) = (sorted(&reread), sorted(&reference));
    assert!(!expected.0.is_empty() && !expected.1.is_empty());
    assert_eq!(got, expected);

    // Without --from: refused; --from without kinesis:NAME: refused.
    let no_from = firehose_local(&moto.endpoint, &["run", "kinesis:test-orders", "--out", "x"]);
    assert_eq!(no_from.status.code(), Some(2));
    assert!(text(&no_from.stderr).contains("needs --from"), "{}", text(&no_from.stderr));
    let stray = firehose_local(&moto.endpoint, &["run", file.to_str().unwrap(), "--from", &from, "--out", "x"]);
    assert_eq!(stray.status.code(), Some(2));
    assert!(text(&stray.stderr).contains("apply to a kinesis:NAME input only"), "{}", text(&stray.stderr));
    // Before the stream's retention (24 hours): refused, not silently started at the trim horizon.
    let old = firehose_local(&moto.endpoint, &["run", "kinesis:test-orders", "--from", "2026-01-01", "--out", "x"]);
    assert_eq!(old.status.code(), Some(2));
    assert!(text(&old.stderr).contains("keeps records for 24 hours"), "{}", text(&old.stderr));
    // A stream that is not there: 2, naming it and the AWS error code.
    let missing = firehose_local(
        &moto.endpoint,
        &["run", "kinesis:nope", "--from", &from, "--out", dir.path().join("n").to_str().unwrap()],
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        text(&missing.stderr).contains("nope") && text(&missing.stderr).contains("ResourceNotFound"),
        "{}",
        text(&missing.stderr)
    );
}
