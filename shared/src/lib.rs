//! System Two → System One: the shared engine of the nine Firehose transformation Lambdas.
//!
//! A record's path: decode (base64, UTF-8) → parse (strict JSON, whole-document rules) →
//! envelope (version, event type, `occurredAt`) → validate (JSON Schema) → convert (fields by
//! [`layout`]) → rules (business rules) → encode (the System One line) → [`respond`] (the
//! Firehose response). Streams differ only by their row of the [`layout::Layout`] table.
//!
//! The public API is what the function binaries, `firehose-local`, the benchmarks, the fuzz
//! targets and the tests use: [`lambda::main`], [`Transformer`], [`respond::process`], the
//! Firehose types, [`Stream`] and its layout (with [`layout::Layout::key_paths`]), [`Reason`],
//! [`config::Config`], [`logging::json_logs`], and [`envelope::peek`], a document's event type,
//! stream and key values for routing.
//!
//! ## Module map
//!
//! Each module imports only modules listed below it, so a later step sits above the earlier
//! steps it reads (`tests/module_order.rs` holds the code to this list):
//!
//! - `lambda`: the entry point a function binary calls with its stream
//! - `metrics`: the invocation's EMF documents
//! - `respond`: a Firehose batch to its response (step 8)
//! - `transform`: one record's whole path, composing the steps below
//! - `encode`: a converted record to its System One line (step 7)
//! - `rules`: business rules across fields (step 6)
//! - `convert`: the payload's fields to cells, by layout (step 5)
//! - `validate`: the payload against the stream's JSON Schema (step 4)
//! - `envelope`: version, event type, event id, `occurredAt`, payload (step 3)
//! - `parse`: strict JSON and the whole-document rules (step 2)
//! - `decode`: base64 and UTF-8 (step 1)
//! - `log`: every log line, a typed event each
//! - `schema`: the JSON Schemas generated from the layouts (tests only)
//! - `stream`: the nine streams, a typed handle into the layout table
//! - `layout`: the layout table: record type, stream, entity, schemas and fields per stream
//! - `scalar`: exact decimals, dates, instants, text rules; INT, DEC, DATE, TIMESTAMP, FLAG
//! - `json`: the parsed document, borrowed from its text
//! - `reason`: why a record failed, as stable codes
//! - `config`: the time zone from the environment
//! - `logging`: structured log lines
//! - `firehose`: the Firehose event and response types

pub mod config;
mod convert;
mod decode;
mod encode;
pub mod envelope;
pub mod firehose;
mod json;
pub mod lambda;
pub mod layout;
mod log;
pub mod logging;
mod metrics;
mod parse;
mod reason;
pub mod respond;
mod rules;
mod scalar;
// Generates the checked-in schema files; only the test that keeps them current runs it.
#[cfg(test)]
mod schema;
mod stream;
mod transform;
mod validate;

pub use reason::{FieldName, Reason};
pub use stream::Stream;
pub use transform::{TransformOutcome, Transformer};
