//! Measures one bucket replay of a generated day of error output against an S3 emulator.
//!
//! For each hour of a day and each of the nine streams it writes one error-output object
//! (every fourth one gzip, the ARN member alternating between `lambdaArn` and `lambdaARN`)
//! holding RECORDS records cycled from the stream's sample events (`events/system-two/`: most
//! pass now, some still fail), then replays `s3://BUCKET/errors/` with the library and prints
//! objects, records and records/s. Start moto first and point the standard chain at it:
//!
//! ```sh
//! .tools/bin/moto_server -H 127.0.0.1 -p 5077 &
//! AWS_ENDPOINT_URL=http://127.0.0.1:5077 AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=testing \
//!   AWS_SECRET_ACCESS_KEY=testing cargo run --release -p firehose-local --example replay_day -- [RECORDS [CONCURRENCY]]
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::io::Write;
use std::time::Instant;

use base64::Engine;
use firehose_local::error_output::ErrorRecord;
use firehose_local::kinesis::Retry;
use firehose_local::replay::{self, Options, RecordsTo, Stores};
use firehose_local::store::{Bucket, Store};
use firehose_local::{aws, Clock};
use shim::config::Config;
use shim::Stream;
use testkit::events;

const BUCKET: &str = "replay-day";

fn error_object(stream: Stream, hour: usize, records: usize, lines: &[Vec<u8>]) -> Vec<u8> {
    let member = if hour.is_multiple_of(2) { "lambdaArn" } else { "lambdaARN" };
    let mut text = String::new();
    for i in 0..records {
        let record = ErrorRecord {
            attempts_made: 4,
            arrival_timestamp: 1_795_132_800_000 + (hour as i64) * 3_600_000 + i as i64,
            error_code: "Lambda.FunctionError".into(),
            error_message: "The Lambda function was successfully invoked but it returned an error result.".into(),
            attempt_ending_timestamp: 1_795_132_800_000 + (hour as i64) * 3_600_000 + 60_000,
            raw_data: base64::engine::general_purpose::STANDARD.encode(&lines[i % lines.len()]),
            lambda_arn: format!("arn:aws:lambda:us-east-1:123456789012:function:prod-{}", stream.name()),
        };
        text.push_str(&record.line().replace("\"lambdaArn\"", &format!("\"{member}\"")));
    }
    if hour % 4 == 3 {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(text.as_bytes()).unwrap();
        return encoder.finish().unwrap();
    }
    text.into_bytes()
}

fn main() {
    let records: usize = std::env::args().nth(1).map_or(250, |n| n.parse().unwrap());
    let concurrency: usize = std::env::args().nth(2).map_or(8, |n| n.parse().unwrap());
    let root = testkit::repo_root();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let clients = aws::clients().await;
        let _ = clients.s3.create_bucket().bucket(BUCKET).send().await;
        let bucket = Bucket::new(clients.s3.clone(), BUCKET);
        let mut objects = 0;
        for stream in Stream::ALL {
            let lines = events::system_two_lines(&root, stream).unwrap();
            for hour in 0..24 {
                let name = if hour % 4 == 3 { ".gz" } else { "" };
                let key = format!(
                    "errors/{0}/processing-failed/2026/11/29/{hour:02}/prod-{0}-1-2026-11-29-{hour:02}-10-00-{objects:08}{name}",
                    stream.name()
                );
                bucket.replace(&key, error_object(stream, hour, records, &lines)).await.unwrap();
                objects += 1;
            }
        }
        let options = Options {
            prefix: "errors/".into(),
            records_to: RecordsTo::Store(&bucket),
            keep_sources: false,
            dry_run: false,
            forced: None,
            config: Config::with_zone(None).unwrap(),
            clock: Clock::System,
            retry: Retry::default(),
            buffer_bytes: 1 << 20,
            concurrency,
        };
        let started = Instant::now();
        let recovery = replay::replay(Stores { sources: &bucket, errors: &bucket }, &options, |_| {}).await.unwrap();
        let seconds = started.elapsed().as_secs_f64();
        let total = recovery.report.total();
        print!("{}", recovery.report.table());
        println!("| objects | records | recovered | still failing | objects written | moved | seconds | records/s |");
        println!("|---|---|---|---|---|---|---|---|");
        println!(
            "| {} | {} | {} | {} | {} | {} | {seconds:.2} | {:.0} |",
            recovery.sources,
            total.records,
            total.ok + total.dropped,
            total.failed,
            recovery.written.len(),
            recovery.moved.values().sum::<usize>(),
            total.records as f64 / seconds
        );
    });
}
