//! `firehose-local run` keeps the raw events as Firehose's source backup does: every record
//! the streams received, once, byte for byte as received (the line and the `\n` the API's
//! mapping template ends it with), gzipped, under `source/<stream>/YYYY/MM/DD/HH/` by the
//! hour it arrived. On the real binary and the real clock. (Into a bucket the objects are the
//! same bytes: `s3_replay::run_out_s3_writes_the_bucket_as_the_local_run_writes_its_folder`.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;

use std::process::{Command, Stdio};

use jiff::tz::TimeZone;
use jiff::Timestamp;

mod support;

use support::files_below;

fn hour(at: Timestamp) -> String {
    at.to_zoned_datetime(TimeZone::UTC).strftime("%Y/%m/%d/%H").to_string()
}

#[test]
fn run_keeps_every_record_once_as_received_in_the_hour_it_arrived() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    fs::create_dir_all(&input).unwrap();
    for entry in fs::read_dir(support::repo_root().join("events/system-two")).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, input.join(path.file_name().unwrap())).unwrap();
    }
    // A CRLF line, blank lines (never records), a record over 1 MiB (Kinesis refuses it: never
    // received), and a last line without its newline.
    let big = format!("{{\"eventType\":\"customer.updated\",\"padding\":\"{}\"}}", "x".repeat(1_100_000));
    let odd = format!("{{\"eventType\":\"order.created\"}}\r\n\n   \n{big}\nnot json at all");
    fs::write(input.join("z-odd.jsonl"), odd).unwrap();

    // What the streams receive: each non-blank line of the files, in name order, and `\n`.
    let mut files: Vec<_> = fs::read_dir(&input).unwrap().map(|entry| entry.unwrap().path()).collect();
    files.sort();
    let mut received: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for file in files {
        let content = fs::read(file).unwrap();
        for line in content.split(|byte| *byte == b'\n') {
            if line.iter().all(u8::is_ascii_whitespace) || line.len() > 1_048_576 {
                continue;
            }
            let lane = firehose_local::route::by_content(line);
            let record = received.entry(lane.name().to_owned()).or_default();
            record.extend_from_slice(line);
            record.push(b'\n');
        }
    }

    let out = dir.path().join("out");
    let started = Timestamp::now();
    let run = Command::new(env!("CARGO_BIN_EXE_firehose-local"))
        .args(["run", input.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .current_dir(support::repo_root())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let ended = Timestamp::now();
    assert_eq!(run.status.code(), Some(0), "{}", support::text(&run.stderr));
    let hours = [hour(started), hour(ended)];

    let mut backed_up: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for (key, zipped) in files_below(&out.join("source")) {
        // <lane>/YYYY/MM/DD/HH/<lane>-1-YYYY-MM-DD-HH-MM-SS-<uuid>.gz
        let (lane, rest) = key.split_once('/').unwrap();
        let (folder, name) = rest.rsplit_once('/').unwrap();
        assert!(hours.contains(&folder.to_owned()), "{key} is not in the hour of the run {hours:?}");
        assert!(name.starts_with(&format!("{lane}-1-{}-", folder.replace('/', "-"))), "{key}");
        assert!(name.ends_with(".gz"), "{key}");
        assert!(!backed_up.contains_key(lane), "{lane}: one object (the input is far below 5 MiB and 300 s)");
        let mut content = Vec::new();
        flate2::read::GzDecoder::new(zipped.as_slice()).read_to_end(&mut content).unwrap();
        backed_up.insert(lane.to_owned(), content);
    }
    assert_eq!(backed_up.len(), 10, "nine streams and the unrouted lane");
    for (lane, records) in &received {
        assert_eq!(
            support::text(&backed_up[lane]),
            support::text(records),
            "{lane}: every record once, as received, in order"
        );
    }
    assert_eq!(backed_up, received);
}
