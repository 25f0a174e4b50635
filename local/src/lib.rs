//! Amazon Data Firehose played on one machine, with the library code the nine Lambdas run.
//!
//! `firehose-local run` reads System Two event files (JSON lines), routes each event to its
//! stream by the entity of its `eventType`, buffers records per stream as Firehose's Lambda
//! processor does (size and interval hints), hands each batch to [`shim::respond::process`] as a
//! base64 [`shim::firehose::FirehoseEvent`], and writes what comes back where the deployed
//! delivery streams would put it in S3: System One batch files under
//! `system-one/<stream>/YYYY/MM/DD/HH/`, Firehose error-output lines under
//! `errors/<stream>/processing-failed/YYYY/MM/DD/HH/`, and every record received, as received,
//! under `source/<stream>/YYYY/MM/DD/HH/` (the raw backup, [`backup`]). Each flushed batch's
//! objects are planned, then applied through [`store`] (a folder, a bucket, or a dry run).
//!
//! `firehose-local replay` reads such error-output files back, runs the current transformation
//! on their `rawData`, and writes what now succeeds as System One files and what still fails
//! back out as error-output lines, so nothing is lost. Given `s3://BUCKET/errors/...` it works on
//! the bucket itself ([`replay`]): System One objects (or the raw events, back onto Kinesis
//! through [`kinesis`]) and still-failing lines written, each source moved to `replayed/`, safe
//! to run twice. AWS access ([`aws`]) is the SDK's standard chain; only this crate links the SDK,
//! never the nine functions.

pub mod aws;
pub mod backup;
pub mod batch;
pub mod buffers;
pub mod clock;
pub mod commands;
mod error;
pub mod error_output;
pub mod ids;
pub mod input;
pub mod kinesis;
pub mod layout;
pub mod location;
pub mod pipeline;
pub mod reconcile;
pub mod refusal;
pub mod replay;
pub mod reread;
pub mod route;
pub mod run;
pub mod store;
pub mod summary;

pub use clock::Clock;
pub use error::{AwsSource, Error};
pub use pipeline::{Deliver, Pipeline, Settings};
pub use refusal::Refusal;
pub use route::Lane;
pub use summary::Report;
