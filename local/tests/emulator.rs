//! Each of the nine functions, built and run by `cargo lambda watch` (the Lambda Runtime API
//! emulator) and invoked with `cargo lambda invoke --data-file events/<stream>.json`, returns
//! exactly the checked-in expected response.
//!
//! Needs `cargo-lambda` on PATH (`pip install cargo-lambda`); fails, rather than skips, without
//! it. The first run compiles the nine function binaries (dev profile) in the emulator.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use shim::firehose::FirehoseResponse;
use support::{repo_root, Server};
use testkit::events::{self, Expected};

mod support;

/// How long the invoke of a function may take, its first compilation included.
const INVOKE_TIMEOUT_SECONDS: u64 = 900;
/// How long the emulator may take to listen.
const START_TIMEOUT: Duration = Duration::from_secs(300);

/// The emulator: it runs `cargo run` for each function, so its whole process group is stopped
/// when dropped, also when an assertion fails.
struct Emulator {
    server: Server,
}

impl Emulator {
    fn start(root: &Path) -> Emulator {
        let server = Server::start("cargo lambda watch", START_TIMEOUT, |port| {
            let mut command = Command::new("cargo");
            command
                .args(["lambda", "watch", "--ignore-changes", "--invoke-address", "127.0.0.1", "--invoke-port"])
                .arg(port.to_string())
                .args(["--timeout", &INVOKE_TIMEOUT_SECONDS.to_string()])
                .args(["--env-var", "SYSTEM_ONE_TIMEZONE=America/Chicago"])
                .current_dir(root);
            command
        });
        Emulator { server }
    }

    fn invoke(&self, root: &Path, function: &str, data_file: &str) -> FirehoseResponse {
        let output = Command::new("cargo")
            .args(["lambda", "invoke", function, "--invoke-address", "127.0.0.1", "--invoke-port"])
            .arg(self.server.port.to_string())
            .args(["--data-file", data_file, "--output-format", "json"])
            .current_dir(root)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "cargo lambda invoke {function} --data-file {data_file} failed: {}\n{}\nemulator log:\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr),
            self.server.log_text()
        );
        serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
            panic!(
                "{function}: the response is not a Firehose response ({error}): {}",
                String::from_utf8_lossy(&output.stdout)
            )
        })
    }
}

fn cargo_lambda_is_installed() -> bool {
    Command::new("cargo")
        .args(["lambda", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn every_function_answers_its_sample_event_exactly_in_the_emulator() {
    assert!(
        cargo_lambda_is_installed(),
        "cargo-lambda is not on PATH: install it with `pip install cargo-lambda` (it brings Zig), then check \
         `cargo lambda --version`. This test runs the functions in its Lambda Runtime API emulator."
    );
    let root = repo_root();
    let started = Instant::now();
    let emulator = Emulator::start(&root);
    for (name, stream) in events::event_names() {
        let data_file = format!("events/{name}.json");
        let response = emulator.invoke(&root, stream.name(), &data_file);
        let decoded = events::decode(&response, &[]).unwrap();
        let mut expected: Expected =
            serde_json::from_str(&fs::read_to_string(root.join(format!("events/expected/{name}.json"))).unwrap())
                .unwrap();
        // The reasons are in the function's log, not in its response.
        for record in &mut expected.records {
            record.reason = None;
        }
        assert_eq!(decoded, expected, "{} with {data_file}", stream.name());
        eprintln!("{:>7.1} s  {} answered {data_file} as expected", started.elapsed().as_secs_f64(), stream.name());
    }
}
