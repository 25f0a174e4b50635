//! Measures the reconcile on a generated slice of a day: EVENTS raw events of the bench
//! generator (`bench::batch`: orders and order-lines, both connector versions, ~1% heartbeats,
//! ~5% failing records) spread over HOURS hours, written to DIR as the bucket holds them:
//! per stream and hour 12 backup objects (records concatenated, no separator, as Firehose's
//! source backup writes them; every fourth gzip) and the matching System One and error-output
//! objects, the last of each hour filed in the next hour (the boundary case). Then it runs the
//! reconcile of the whole slice in a child process (so its peak memory is the reconcile's alone)
//! and prints a table: records, time, records/s, the time for 10M events, peak RSS.
//!
//! 10M events a day over nine streams is 46k records per stream and hour; 1M events over 11
//! hours of the two generated streams is 45k, the same partition size, so the peak memory
//! measured is the one a 10M-event day needs.
//!
//! ```sh
//! cargo run --release -p firehose-local --example reconcile_day -- /tmp/reconcile-day 1000000 11
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use base64::Engine;
use firehose_local::error_output::ErrorRecord;
use firehose_local::reconcile::{self, FolderStore, Hour, Options};
use shim::config::Config;
use shim::firehose::FirehoseEvent;
use shim::{Stream, TransformOutcome, Transformer};

const OBJECTS_PER_HOUR: usize = 12;
const FIRST_HOUR: &str = "2026-11-29T00:00:00Z";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--reconcile") {
        return measure(Path::new(&args[2]), args[3].parse().unwrap());
    }
    let dir = Path::new(args.get(1).map_or("/tmp/reconcile-day", String::as_str)).to_owned();
    let events: usize = args.get(2).map_or(200_000, |n| n.parse().unwrap());
    let hours: usize = args.get(3).map_or(24, |n| n.parse().unwrap());
    let _ = std::fs::remove_dir_all(&dir);
    let started = Instant::now();
    let (records, bytes) = generate(&dir, events, hours);
    eprintln!("generated {records} records ({} MB raw) in {:.1} s", bytes / 1_000_000, started.elapsed().as_secs_f64());
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--reconcile", dir.to_str().unwrap(), &hours.to_string()])
        .status()
        .unwrap();
    std::process::exit(status.code().unwrap_or(2));
}

/// Raw records of the generator, `count` of them, alternating the two streams' batches.
fn raw_records(count: usize) -> Vec<(Stream, Vec<u8>)> {
    let mut records = Vec::with_capacity(count);
    let mut seed = 0;
    while records.len() < count {
        for stream in bench::STREAMS {
            let batch = bench::batch(stream, seed, 1 << 20);
            let event: FirehoseEvent = serde_json::from_str(&batch.text).unwrap();
            for record in event.records {
                if let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(record.data.as_bytes()) {
                    records.push((stream, raw));
                }
            }
        }
        seed += 1;
    }
    records.truncate(count);
    records
}

fn generate(dir: &Path, events: usize, hours: usize) -> (usize, usize) {
    let records = raw_records(events);
    let bytes = records.iter().map(|(_, raw)| raw.len()).sum();
    let first = Hour::of(FIRST_HOUR.parse().unwrap());
    let config = Config::with_zone(None).unwrap();
    for stream in bench::STREAMS {
        let transformer = Transformer::new(stream, config.clone());
        let mine: Vec<&Vec<u8>> = records.iter().filter(|(s, _)| *s == stream).map(|(_, raw)| raw).collect();
        let per_hour = mine.len().div_ceil(hours);
        for (h, hour_records) in mine.chunks(per_hour.max(1)).enumerate() {
            let hour = first.plus(h as i64);
            let per_object = hour_records.len().div_ceil(OBJECTS_PER_HOUR).max(1);
            for (o, object) in hour_records.chunks(per_object).enumerate() {
                let name = format!("{0}-1-{1}-{o:02}", stream.name(), hour.folder().replace('/', "-"));
                let backup: Vec<u8> = object.iter().flat_map(|raw| raw.iter().copied()).collect();
                let backup = if o % 4 == 3 { gzip(&backup) } else { backup };
                write(dir, &format!("source/{}/{}/{name}", stream.name(), hour.folder()), &backup);
                let (lines, errors) = deliver(&transformer, object);
                // The last object of the hour is filed in the next hour, as Firehose may.
                let filed = if o + 1 == OBJECTS_PER_HOUR { hour.plus(1) } else { hour };
                write(dir, &format!("system-one/{}/{}/{name}", stream.name(), filed.folder()), &lines);
                if !errors.is_empty() {
                    write(
                        dir,
                        &format!("errors/{}/processing-failed/{}/{name}", stream.name(), filed.folder()),
                        &errors,
                    );
                }
            }
        }
    }
    (records.len(), bytes)
}

/// What the delivery stream writes for a batch: System One lines and error-output lines.
fn deliver(transformer: &Transformer, records: &[&Vec<u8>]) -> (Vec<u8>, Vec<u8>) {
    let (mut lines, mut errors) = (Vec::new(), Vec::new());
    for raw in records {
        let data = base64::engine::general_purpose::STANDARD.encode(raw);
        match transformer.transform(&data) {
            TransformOutcome::Ok { line, .. } => lines.extend_from_slice(line.as_bytes()),
            TransformOutcome::Dropped => {}
            TransformOutcome::Failed(_) => {
                let record = ErrorRecord {
                    attempts_made: 1,
                    arrival_timestamp: 0,
                    error_code: "Lambda.ProcessingFailedStatus".into(),
                    error_message: "failed".into(),
                    attempt_ending_timestamp: 0,
                    raw_data: data,
                    lambda_arn: "arn".into(),
                };
                errors.extend_from_slice(record.line().as_bytes());
            }
        }
    }
    (lines, errors)
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn write(dir: &Path, key: &str, content: &[u8]) {
    let path = dir.join(key);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

/// The yardstick: the same backup objects listed, read, split and transformed, nothing matched
/// and no output read; in seconds.
fn transform_only(dir: &Path, options: &Options) -> f64 {
    use firehose_local::reconcile::{expect, read, ObjectStore};
    let store = FolderStore::new(dir).unwrap();
    let started = Instant::now();
    let (from, to) = options.hours();
    let mut outcomes = 0usize;
    for stream in &options.streams {
        let transformer = Transformer::new(*stream, options.config.clone());
        let mut hour = from;
        while hour < to {
            for key in store.list(&format!("source/{}/{}/", stream.name(), hour.folder())).unwrap() {
                let content = read::decompress(store.get(&key).unwrap()).unwrap();
                for record in read::records(&content) {
                    outcomes += usize::from(expect::expected(&transformer, record) != expect::Expected::Dropped);
                }
            }
            hour = hour.plus(1);
        }
    }
    std::hint::black_box(outcomes);
    started.elapsed().as_secs_f64()
}

/// The reconcile of the slice, timed, and the process's peak RSS.
fn measure(dir: &Path, hours: i64) {
    let first = Hour::of(FIRST_HOUR.parse().unwrap());
    let options = Options::new(first.start(), first.plus(hours).start(), Config::with_zone(None).unwrap());
    let started = Instant::now();
    let (report, plan) = reconcile::reconcile(&FolderStore::new(dir).unwrap(), &options).unwrap();
    let seconds = started.elapsed().as_secs_f64();
    let records = report.counts.records as f64;
    let yardstick = transform_only(dir, &options);
    let peak = std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|line| line.starts_with("VmHWM"))
        .map(|line| line.trim_start_matches("VmHWM:").trim().to_owned())
        .unwrap_or_default();
    println!("| records | hours | seconds | records/s | 10M events (one thread) | ÷ read+transform only | peak RSS |");
    println!("|---|---|---|---|---|---|---|");
    println!(
        "| {} | {hours} | {seconds:.1} | {:.0} | {:.1} min | {:.2} | {peak} |",
        report.counts.records,
        records / seconds,
        10_000_000.0 / (records / seconds) / 60.0,
        seconds / yardstick
    );
    println!(
        "missing {}, unexpected {}, differing {}, failed {}, dropped {}, planned objects {}",
        report.counts.missing,
        report.counts.unexpected,
        report.counts.differing,
        report.counts.failed,
        report.counts.dropped,
        plan.len()
    );
    if !report.counts.clean() {
        eprintln!("{}", report.table());
        std::process::exit(1);
    }
}
