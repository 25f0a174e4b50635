//! The real `orders` binary refuses to start with an unknown SYSTEM_ONE_TIMEZONE, before it
//! asks the Lambda Runtime API for any event.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::process::Command;

#[test]
fn unknown_time_zone_stops_the_function_at_start_up() {
    let output = Command::new(env!("CARGO_BIN_EXE_orders"))
        .env("SYSTEM_ONE_TIMEZONE", "Mars/Olympus")
        // Nothing listens here: had the function gone on, it would fail differently.
        .env("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9")
        .env("RUST_LOG", "info")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let line: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(line["level"], "ERROR");
    assert_eq!(line["message"], "start-up failed");
    assert_eq!(line["stream"], "orders");
    assert_eq!(
        line["error"],
        "SYSTEM_ONE_TIMEZONE=\"Mars/Olympus\" is not an IANA time zone known to the bundled tzdata"
    );
}
