//! What the bucket-replay tests share: moto in server mode on a free loopback port (stopped
//! when dropped, also when a test panics), SDK clients pointed at it, and the binary run with
//! the standard configuration chain pointed at it. The emulator test starts its server with
//! [`Server`] too; the CLI and pipeline tests use its sample-event and error-line helpers.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use aws_sdk_s3::primitives::ByteStream;
use base64::Engine;
use firehose_local::error_output::ErrorRecord;
pub(crate) use testkit::repo_root;

pub(crate) mod backup;
pub(crate) mod server;
pub(crate) use server::Server;

pub(crate) const REGION: &str = "us-east-1";

/// `moto_server`: from `.tools/bin/` (where `scripts/test` installs it), else from PATH.
fn moto_server() -> PathBuf {
    let tools = repo_root().join(".tools/bin/moto_server");
    if tools.is_file() {
        return tools;
    }
    let on_path = std::env::var_os("PATH")
        .and_then(|path| std::env::split_paths(&path).map(|dir| dir.join("moto_server")).find(|p| p.is_file()));
    on_path.unwrap_or_else(|| {
        panic!(
            "moto_server not found in .tools/bin/ nor on PATH: these tests run the replay against moto in server \
             mode. Run them through scripts/test, which installs moto[server] into .tools/, or install it yourself: \
             python3 -m venv .tools && .tools/bin/pip install 'moto[server]==5.2.5'"
        )
    })
}

/// A moto server of our own, stopped with its process group when dropped.
pub(crate) struct Moto {
    server: Server,
    pub(crate) endpoint: String,
}

impl Moto {
    pub(crate) fn start() -> Moto {
        Moto::start_with(&[])
    }

    /// With extra environment for the server (`INITIAL_NO_AUTH_ACTION_COUNT=0` turns on its
    /// authentication, so that calls with unknown credentials are denied).
    pub(crate) fn start_with(env: &[(&str, &str)]) -> Moto {
        let server = Server::start("moto_server", Duration::from_secs(60), |port| {
            let mut command = Command::new(moto_server());
            command.args(["-H", "127.0.0.1", "-p", &port.to_string()]).envs(env.iter().copied());
            command
        });
        let endpoint = format!("http://127.0.0.1:{}", server.port);
        Moto { server, endpoint }
    }

    /// The one configuration both clients share: this server, the test region and credentials.
    fn sdk_config(&self) -> aws_config::SdkConfig {
        use aws_sdk_s3::config::{Credentials, Region, SharedCredentialsProvider};
        aws_config::SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .http_client(http_client())
            .endpoint_url(&self.endpoint)
            .region(Region::new(REGION))
            .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
                "testing", "testing", None, None, "tests",
            )))
            .build()
    }

    pub(crate) fn s3(&self) -> aws_sdk_s3::Client {
        let config = aws_sdk_s3::config::Builder::from(&self.sdk_config()).force_path_style(true).build();
        aws_sdk_s3::Client::from_conf(config)
    }

    pub(crate) fn kinesis(&self) -> aws_sdk_kinesis::Client {
        aws_sdk_kinesis::Client::new(&self.sdk_config())
    }
}

fn http_client() -> aws_sdk_s3::config::SharedHttpClient {
    use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
    aws_smithy_http_client::Builder::new().tls_provider(tls::Provider::Rustls(CryptoMode::Ring)).build_https()
}

/// Runs a future to its end on a runtime of its own.
pub(crate) fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(future)
}

/// `firehose-local` with the standard chain pointed at `endpoint` (no profile, no metadata service).
pub(crate) fn firehose_local(endpoint: &str, args: &[&str]) -> Output {
    firehose_local_with(endpoint, args, &[])
}

pub(crate) fn firehose_local_with(endpoint: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_firehose-local"));
    command.args(args).current_dir(repo_root()).stdin(Stdio::null());
    aws_test_env(&mut command, endpoint).envs(env.iter().copied());
    command.output().unwrap()
}

/// The environment of a command that must reach `endpoint` (moto) and nothing else: the test
/// credentials and region, no profile, no config files, no instance metadata, the default zone.
pub(crate) fn aws_test_env<'c>(command: &'c mut Command, endpoint: &str) -> &'c mut Command {
    for name in
        ["AWS_PROFILE", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_KINESIS", "AWS_SESSION_TOKEN", "SYSTEM_ONE_TIMEZONE"]
    {
        command.env_remove(name);
    }
    command
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_REGION", REGION)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", "/nonexistent/firehose-local-test-config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/firehose-local-test-credentials")
        .env("AWS_EC2_METADATA_DISABLED", "true")
}

/// Every file below `dir` (none when it does not exist), by its path below it, with its bytes.
pub(crate) fn files_below(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut folders = vec![dir.to_owned()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).into_iter().flatten() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let key = path.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                found.insert(key, std::fs::read(&path).unwrap());
            }
        }
    }
    found
}

pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub(crate) async fn create_bucket(s3: &aws_sdk_s3::Client, bucket: &str) {
    s3.create_bucket().bucket(bucket).send().await.unwrap();
}

pub(crate) async fn put(s3: &aws_sdk_s3::Client, bucket: &str, key: &str, content: Vec<u8>) {
    s3.put_object().bucket(bucket).key(key).body(ByteStream::from(content)).send().await.unwrap();
}

/// Every object of the bucket: key → content.
pub(crate) async fn objects(s3: &aws_sdk_s3::Client, bucket: &str) -> BTreeMap<String, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut pages = s3.list_objects_v2().bucket(bucket).into_paginator().send();
    while let Some(page) = pages.next().await {
        for object in page.unwrap().contents() {
            let key = object.key().unwrap().to_owned();
            let body = s3.get_object().bucket(bucket).key(&key).send().await.unwrap().body.collect().await.unwrap();
            found.insert(key, body.into_bytes().to_vec());
        }
    }
    found
}

/// The objects under `prefix`.
pub(crate) fn under(objects: &BTreeMap<String, Vec<u8>>, prefix: &str) -> BTreeMap<String, Vec<u8>> {
    objects.iter().filter(|(key, _)| key.starts_with(prefix)).map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// The lines of `events/system-two/<stream>.jsonl`.
pub(crate) fn sample_lines(stream: shim::Stream) -> Vec<Vec<u8>> {
    testkit::events::system_two_lines(&repo_root(), stream).unwrap()
}

/// `events/expected/<stream>.json`: what the real handler returns for the stream's sample event.
pub(crate) fn expected(stream: shim::Stream) -> testkit::events::Expected {
    let path = repo_root().join(format!("events/expected/{}.json", stream.name()));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// An error-output line for `raw` as Firehose writes it, with the ARN under `arn_member`
/// (`lambdaArn` or `lambdaARN`).
pub(crate) fn error_line(raw: &[u8], arn_member: &str, function: &str) -> String {
    let record = ErrorRecord {
        attempts_made: 1,
        arrival_timestamp: 1_795_187_045_123,
        error_code: "Lambda.FunctionError".into(),
        error_message: "The Lambda function was successfully invoked but it returned an error result.".into(),
        attempt_ending_timestamp: 1_795_187_045_900,
        raw_data: base64::engine::general_purpose::STANDARD.encode(raw),
        lambda_arn: format!("arn:aws:lambda:us-east-1:123456789012:function:{function}"),
    };
    record.line().replace("\"lambdaArn\"", &format!("\"{arn_member}\""))
}

/// An error-output object holding every line of `lines`.
pub(crate) fn error_object(lines: &[Vec<u8>], arn_member: &str, function: &str) -> Vec<u8> {
    lines.iter().map(|line| error_line(line, arn_member, function)).collect::<String>().into_bytes()
}

pub(crate) fn gzip(content: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(content).unwrap();
    encoder.finish().unwrap()
}
