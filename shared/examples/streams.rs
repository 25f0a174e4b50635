//! Prints the stream table as JSON: the one list of streams, for the scripts and the
//! infrastructure checks that must agree with it (scripts/package, scripts/sample-system-two,
//! fuzz/run, infra/check_streams.py).
//!
//!     cargo run -q -p system-one-shim --example streams
//!
//! One object per stream, in `Stream::ALL` order: `name`, `record_type`, `entity`, `key` (the
//! key fields' source paths as `[v2, v1]` pairs, in layout order) and `schemas` (the schema
//! files, v1 and v2, relative to the workspace root). An example, not a binary, so that it
//! stays out of the functions' packages.

use std::io::Write;
use std::process::ExitCode;

use serde_json::{json, Value};
use shim::layout::{Rule, Version};
use shim::Stream;

fn row(stream: Stream) -> Value {
    let layout = stream.layout();
    let key: Vec<[&str; 2]> = layout
        .fields
        .iter()
        .filter(|field| field.rule == Rule::Key)
        .filter_map(|field| Some([field.source.path(Version::V2)?, field.source.path(Version::V1)?]))
        .collect();
    json!({
        "name": stream.name(),
        "record_type": layout.record_type,
        "entity": layout.entity,
        "key": key,
        "schemas": {"v1": layout.schema_file(Version::V1), "v2": layout.schema_file(Version::V2)},
    })
}

fn main() -> ExitCode {
    let table = Value::Array(Stream::ALL.into_iter().map(row).collect());
    let text = serde_json::to_string_pretty(&table).unwrap_or_default();
    match writeln!(std::io::stdout().lock(), "{text}") {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE,
    }
}
