//! The Kinesis target under throttling and partial PutRecords failures, which moto does not
//! produce: a small local endpoint speaking the Kinesis JSON protocol (PutRecords) fails
//! chosen calls and entries; S3 is moto. Shows the batching, the retries, the final report,
//! and that a rerun puts only what was not put.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use base64::Engine;
use serde_json::{json, Value};
use shim::Stream;
use support::*;

const KEY: &str = "errors/orders/processing-failed/2026/11/20/15/orders-1-2026-11-20-15-04-05-a";

/// How the endpoint answers a call (its number from 1, its entries' partition keys): `Err` a
/// whole-call error code, `Ok` the error code of each entry (`None`: put).
type Script = dyn Fn(usize, &[String]) -> Result<Vec<Option<&'static str>>, &'static str> + Send + Sync;

/// The endpoint: every call's entries (data, partition key) and entries put, in order.
#[derive(Default)]
struct Seen {
    calls: Vec<Vec<(Vec<u8>, String)>>,
    put: Vec<(Vec<u8>, String)>,
}

struct FakeKinesis {
    endpoint: String,
    seen: Arc<Mutex<Seen>>,
    script: Arc<Mutex<Box<Script>>>,
}

impl FakeKinesis {
    fn start(script: Box<Script>) -> FakeKinesis {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Seen::default()));
        let script = Arc::new(Mutex::new(script));
        let (shared_seen, shared_script) = (seen.clone(), script.clone());
        // The thread ends with the test process; it only ever serves loopback.
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (seen, script) = (shared_seen.clone(), shared_script.clone());
                std::thread::spawn(move || serve(stream, &seen, &script));
            }
        });
        FakeKinesis { endpoint, seen, script }
    }

    fn set_script(&self, script: Box<Script>) {
        *self.script.lock().unwrap() = script;
    }
}

/// Answers the requests of one connection (kept alive by the SDK's client).
fn serve(stream: TcpStream, seen: &Mutex<Seen>, script: &Mutex<Box<Script>>) {
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    loop {
        let mut length = 0;
        let mut target = String::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let lower = line.to_ascii_lowercase();
            if let Some(value) = lower.strip_prefix("content-length:") {
                length = value.trim().parse().unwrap();
            }
            if let Some(value) = lower.strip_prefix("x-amz-target:") {
                target = value.trim().to_owned();
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        assert_eq!(target, "kinesis_20131202.putrecords", "only PutRecords is expected");
        let request: Value = serde_json::from_slice(&body).unwrap();
        let entries: Vec<(Vec<u8>, String)> = request["Records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|entry| {
                let data = base64::engine::general_purpose::STANDARD.decode(entry["Data"].as_str().unwrap()).unwrap();
                (data, entry["PartitionKey"].as_str().unwrap().to_owned())
            })
            .collect();
        let (status, answer) = {
            let mut seen = seen.lock().unwrap();
            seen.calls.push(entries.clone());
            let keys: Vec<String> = entries.iter().map(|(_, key)| key.clone()).collect();
            match (script.lock().unwrap())(seen.calls.len(), &keys) {
                Err(code) => (400, json!({"__type": code, "message": "Rate exceeded for stream"})),
                Ok(codes) => {
                    let mut records = Vec::new();
                    let mut failed = 0;
                    for (entry, code) in entries.iter().zip(&codes) {
                        match code {
                            Some(code) => {
                                failed += 1;
                                records.push(json!({"ErrorCode": code, "ErrorMessage": "Rate exceeded for shard"}));
                            }
                            None => {
                                seen.put.push(entry.clone());
                                records.push(json!({"SequenceNumber": format!("{}", seen.put.len()), "ShardId": "shardId-000000000000"}));
                            }
                        }
                    }
                    (200, json!({"FailedRecordCount": failed, "Records": records}))
                }
            }
        };
        let body = answer.to_string();
        let reason = if status == 200 { "OK" } else { "Bad Request" };
        let head = format!(
            "HTTP/1.1 {status} {reason}\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\nx-amzn-RequestId: fake\r\n\r\n",
            body.len()
        );
        if writer.write_all(head.as_bytes()).and_then(|()| writer.write_all(body.as_bytes())).is_err() {
            return;
        }
    }
}

/// `count` orders events that pass, keyed SO-0, SO-1, ...
fn orders(count: usize) -> Vec<Vec<u8>> {
    let template: Value = serde_json::from_slice(&sample_lines(Stream::Orders)[1]).unwrap();
    (0..count)
        .map(|i| {
            let mut event = template.clone();
            event["data"]["orderNumber"] = json!(format!("SO-{i}"));
            serde_json::to_vec(&event).unwrap()
        })
        .collect()
}

fn seed(moto: &Moto, events: &[Vec<u8>]) {
    let s3 = moto.s3();
    block_on(async {
        create_bucket(&s3, "data").await;
        put(&s3, "data", KEY, error_object(events, "lambdaArn", "orders")).await;
    });
}

fn replay(moto: &Moto, kinesis: &FakeKinesis) -> std::process::Output {
    firehose_local_with(
        &moto.endpoint,
        &["replay", "s3://data/errors/orders/", "--to", "kinesis:test-{stream}", "--retry-base-ms", "1"],
        &[("AWS_ENDPOINT_URL_KINESIS", kinesis.endpoint.as_str())],
    )
}

#[test]
fn throttled_calls_and_failed_entries_are_retried_until_everything_is_put() {
    let moto = Moto::start();
    let events = orders(1100);
    seed(&moto, &events);
    // The first call is throttled whole; the next fails two of its entries; then all goes in.
    let kinesis = FakeKinesis::start(Box::new(|call, keys| match call {
        1 => Err("ProvisionedThroughputExceededException"),
        2 => Ok(keys
            .iter()
            .enumerate()
            .map(|(i, _)| [0, 7].contains(&i).then_some("ProvisionedThroughputExceededException"))
            .collect()),
        _ => Ok(vec![None; keys.len()]),
    }));
    let output = replay(&moto, &kinesis);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{}", text(&output.stderr));
    assert!(
        stdout.contains("put 1100 records on kinesis:test-{stream} (1 throttled calls and 2 failed entries retried)"),
        "{stdout}"
    );
    let seen = kinesis.seen.lock().unwrap();
    let sizes: Vec<usize> = seen.calls.iter().map(Vec::len).collect();
    // 500 throttled, 500 with 2 failing, the 2 again, 500, 100.
    assert_eq!(sizes, [500, 500, 2, 500, 100]);
    let mut put: Vec<(Vec<u8>, String)> = seen.put.clone();
    put.sort();
    let mut expected: Vec<(Vec<u8>, String)> =
        events.iter().enumerate().map(|(i, event)| (event.clone(), format!("SO-{i}"))).collect();
    expected.sort();
    assert_eq!(put, expected, "every event exactly once, keyed by its order number");
    let after = block_on(objects(&moto.s3(), "data"));
    assert!(!after.contains_key(KEY));
    assert_eq!(under(&after, "errors/orders/replayed/").len(), 1);
}

#[test]
fn an_entry_that_keeps_failing_is_reported_and_a_rerun_puts_only_it() {
    let moto = Moto::start();
    let events = orders(30);
    seed(&moto, &events);
    let kinesis = FakeKinesis::start(Box::new(|_, keys| {
        Ok(keys.iter().map(|key| (key == "SO-5").then_some("InternalFailure")).collect())
    }));
    let output = replay(&moto, &kinesis);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{}", text(&output.stderr));
    assert!(
        stdout.contains(&format!("1 records of s3://data/{KEY} not put on test-orders: InternalFailure")),
        "{stdout}"
    );
    assert!(stdout.contains("put 29 records"), "{stdout}");
    {
        let seen = kinesis.seen.lock().unwrap();
        // Bounded: 8 calls, the last 7 with the one entry left.
        let sizes: Vec<usize> = seen.calls.iter().map(Vec::len).collect();
        assert_eq!(sizes, [30, 1, 1, 1, 1, 1, 1, 1]);
        assert_eq!(seen.put.len(), 29);
    }
    let after = block_on(objects(&moto.s3(), "data"));
    assert!(after.contains_key(KEY), "the source stays until every record is put");

    kinesis.set_script(Box::new(|_, keys| Ok(vec![None; keys.len()])));
    let output = replay(&moto, &kinesis);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stdout));
    let seen = kinesis.seen.lock().unwrap();
    assert_eq!(seen.calls.last().unwrap().iter().map(|(_, key)| key.as_str()).collect::<Vec<_>>(), ["SO-5"]);
    assert_eq!(seen.put.len(), 30);
    let after = block_on(objects(&moto.s3(), "data"));
    assert!(!after.contains_key(KEY));
    assert!(under(&after, "errors/replay-journal/").is_empty());
}
