//! A stand-in for the deployed API on loopback, for the smoke test: `POST /v1/events/<stream>`
//! with `x-api-key`, answered as API Gateway answers (403 on a wrong key, 415 without JSON, 200
//! with `requestId`/`sequenceNumber`/`shardId`), and then what Kinesis → Firehose → Lambda
//! leave behind, written into moto: the raw backup object (GZIP, the body and the mapping
//! template's newline) under `source/<stream>/YYYY/MM/DD/HH/`, and the function's `batch
//! transformed` line in `/aws/lambda/<stack>-<stream>`, counted by the real handler on the
//! record. Stopped when dropped.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use base64::Engine;

/// What the stand-in leaves downstream of a 200.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Behaviour {
    /// The backup object and the function's line.
    Deliver,
    /// The function's line only: the S3 backup is broken.
    FunctionOnly,
    /// The backup object only: the processor is broken.
    BackupOnly,
}

/// How the stand-in authenticates, as the stack's `ApiAuthMode` says.
#[derive(Debug, Clone)]
pub(crate) enum Auth {
    /// `x-api-key` must be this.
    Key(String),
    /// A SigV4 signature for `execute-api` in us-east-1 by the key `testing`/`testing`, checked by
    /// signing the request as received again.
    SigV4,
}

/// Each accepted request: its path and body.
type Received = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

pub(crate) struct ApiStandIn {
    pub(crate) url: String,
    port: u16,
    received: Received,
    behaviour: Arc<Mutex<Behaviour>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// The stack and bucket the smoke test deploys (see tests/smoke.rs).
const STACK: &str = "shim-staging";
const BUCKET: &str = "shim-staging-data";

impl ApiStandIn {
    pub(crate) fn start(moto: &str, key: &str, behaviour: Behaviour) -> ApiStandIn {
        ApiStandIn::start_with(moto, Auth::Key(key.to_owned()), behaviour)
    }

    pub(crate) fn start_with(moto: &str, auth: Auth, behaviour: Behaviour) -> ApiStandIn {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let behaviour = Arc::new(Mutex::new(behaviour));
        let (moto, key, log, halt) = (moto.to_owned(), auth, received.clone(), stop.clone());
        let chosen = behaviour.clone();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            let (s3, logs) = runtime.block_on(clients(&moto));
            for connection in listener.incoming() {
                if halt.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(connection) = connection else { continue };
                let request = read_request(&connection);
                let behaviour = *chosen.lock().unwrap();
                let (status, body) = runtime.block_on(answer(&request, &key, behaviour, &s3, &logs, &log));
                respond(connection, status, &body);
            }
        });
        ApiStandIn { url: format!("http://127.0.0.1:{port}"), port, received, behaviour, stop, thread: Some(thread) }
    }

    /// What the next requests leave downstream.
    pub(crate) fn set(&self, behaviour: Behaviour) {
        *self.behaviour.lock().unwrap() = behaviour;
    }

    /// Each accepted request: its path and body.
    pub(crate) fn received(&self) -> Vec<(String, Vec<u8>)> {
        self.received.lock().unwrap().clone()
    }
}

impl Drop for ApiStandIn {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn clients(moto: &str) -> (aws_sdk_s3::Client, aws_sdk_cloudwatchlogs::Client) {
    use aws_sdk_s3::config::{Credentials, Region, SharedCredentialsProvider};
    let config = aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .endpoint_url(moto)
        .region(Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new("testing", "testing", None, None, "t")))
        .http_client({
            use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
            aws_smithy_http_client::Builder::new().tls_provider(tls::Provider::Rustls(CryptoMode::Ring)).build_https()
        })
        .build();
    let s3 = aws_sdk_s3::config::Builder::from(&config).force_path_style(true).build();
    (aws_sdk_s3::Client::from_conf(s3), aws_sdk_cloudwatchlogs::Client::new(&config))
}

struct Request {
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

fn read_request(connection: &TcpStream) -> Request {
    let mut reader = BufReader::new(connection);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap_or_default();
    let path = line.split_whitespace().nth(1).unwrap_or("").to_owned();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    let length: usize =
        headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap_or_default();
    Request { path, headers, body }
}

fn respond(mut connection: TcpStream, status: u16, body: &str) {
    let reason = match status {
        200 => "OK",
        403 => "Forbidden",
        415 => "Unsupported Media Type",
        _ => "Not Found",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let _ = connection.write_all(head.as_bytes());
    let _ = connection.write_all(body.as_bytes());
}

async fn answer(
    request: &Request,
    key: &Auth,
    behaviour: Behaviour,
    s3: &aws_sdk_s3::Client,
    logs: &aws_sdk_cloudwatchlogs::Client,
    received: &Mutex<Vec<(String, Vec<u8>)>>,
) -> (u16, String) {
    let allowed = match key {
        Auth::Key(key) => request.header("x-api-key") == Some(key.as_str()),
        Auth::SigV4 => signed(request),
    };
    if !allowed {
        return (403, r#"{"message":"Forbidden"}"#.to_owned());
    }
    if request.header("content-type") != Some("application/json") {
        return (415, r#"{"message":"Content-Type must be application/json"}"#.to_owned());
    }
    let Some(stream) = request.path.strip_prefix("/v1/events/").and_then(shim::Stream::from_name) else {
        return (404, r#"{"message":"Missing Authentication Token"}"#.to_owned());
    };
    received.lock().unwrap().push((request.path.clone(), request.body.clone()));
    // The mapping template's record: the body and a newline.
    let mut record = request.body.clone();
    record.push(b'\n');
    let now = jiff::Timestamp::now();
    let name = stream.name();
    if behaviour != Behaviour::FunctionOnly {
        let key = format!(
            "source/{name}/{}/{STACK}-{name}-1-{}-{:08x}.gz",
            now.strftime("%Y/%m/%d/%H"),
            now.strftime("%Y-%m-%d-%H-%M-%S"),
            now.subsec_nanosecond()
        );
        let body = aws_sdk_s3::primitives::ByteStream::from(crate::support::gzip(&record));
        s3.put_object().bucket(BUCKET).key(key).body(body).send().await.unwrap();
    }
    if behaviour != Behaviour::BackupOnly {
        let line = batch_line(stream, &record);
        let group = format!("/aws/lambda/{STACK}-{name}");
        let log_stream = format!("{}/[2]0123456789abcdef", now.strftime("%Y/%m/%d"));
        let _ = logs.create_log_stream().log_group_name(&group).log_stream_name(&log_stream).send().await;
        let event = aws_sdk_cloudwatchlogs::types::InputLogEvent::builder()
            .timestamp(jiff::Timestamp::now().as_millisecond())
            .message(line)
            .build()
            .unwrap();
        logs.put_log_events()
            .log_group_name(&group)
            .log_stream_name(&log_stream)
            .log_events(event)
            .send()
            .await
            .unwrap();
    }
    (200, r#"{"requestId":"r-1","sequenceNumber":"49659","shardId":"shardId-000000000000"}"#.to_owned())
}

/// The function's `batch transformed` line for a batch of this one record, its counts from the
/// real handler.
fn batch_line(stream: shim::Stream, record: &[u8]) -> String {
    let transformer = shim::Transformer::new(stream, shim::config::Config::with_zone(None).unwrap());
    let data = base64::engine::general_purpose::STANDARD.encode(record);
    let event = shim::firehose::FirehoseEvent {
        invocation_id: Some("invocation-1".into()),
        records: vec![shim::firehose::FirehoseRecord {
            record_id: "1".into(),
            data: data.into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    let handled = shim::respond::process(&transformer, event).unwrap();
    let summary = &handled.summary;
    serde_json::json!({
        "level": "INFO", "message": "batch transformed", "stream": stream.name(),
        "records": handled.records.len(), "ok": summary.ok, "dropped": summary.dropped,
        "processing_failed": summary.failed, "truncated": summary.truncated, "reasons": summary.reasons,
        "duration_ms": 0.1, "requestId": "request-1", "invocationId": "invocation-1",
    })
    .to_string()
}

/// Whether the request carries the signature its method, path, signed headers and body give.
fn signed(request: &Request) -> bool {
    use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
    let Some(authorization) = request.header("authorization") else { return false };
    let Some(amz_date) = request.header("x-amz-date") else { return false };
    let Some(names) = authorization.split("SignedHeaders=").nth(1).and_then(|rest| rest.split(',').next()) else {
        return false;
    };
    let with_offset = format!("{}+0000", amz_date.trim_end_matches('Z'));
    let Ok(time) = jiff::Timestamp::strptime("%Y%m%dT%H%M%S%z", &with_offset) else { return false };
    let headers: Vec<(&str, &str)> = names.split(';').filter_map(|name| Some((name, request.header(name)?))).collect();
    let identity = aws_credential_types::Credentials::new("testing", "testing", None, None, "t").into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("execute-api")
        .time(std::time::UNIX_EPOCH + std::time::Duration::from_secs(u64::try_from(time.as_second()).unwrap()))
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let url = format!("http://{}{}", request.header("host").unwrap_or(""), request.path);
    let signable = SignableRequest::new("POST", url, headers.into_iter(), SignableBody::Bytes(&request.body)).unwrap();
    let (_, signature) = sign(signable, &params).unwrap().into_parts();
    authorization.ends_with(&format!("Signature={signature}"))
}
