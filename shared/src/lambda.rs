//! The Lambda entry point every function binary calls with its stream.

use std::process::ExitCode;
use std::sync::Arc;

use lambda_runtime::{service_fn, LambdaEvent};
use tracing_subscriber::EnvFilter;

use crate::config::Config;
use crate::firehose::{FirehoseEvent, FirehoseResponse};
use crate::transform::Transformer;
use crate::{metrics, respond, Stream};

/// Starts the function: JSON logs, configuration and schemas (a failure there stops the
/// function before any record), then the Lambda runtime loop.
pub fn main(stream: Stream) -> ExitCode {
    init_logging();
    let transformer = match Config::from_env().map_err(Into::into).and_then(|config| Transformer::new(stream, config)) {
        Ok(transformer) => Arc::new(transformer),
        Err(error) => {
            tracing::error!(stream = stream.name(), error = %error, "start-up failed");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(stream = stream.name(), zone = %transformer.config().zone_name, "function started");
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            tracing::error!(error = %error, "could not start the async runtime");
            return ExitCode::FAILURE;
        }
    };
    let handler = service_fn(move |event: LambdaEvent<FirehoseEvent>| {
        let transformer = Arc::clone(&transformer);
        async move { invoke(&transformer, event.payload) }
    });
    match runtime.block_on(lambda_runtime::run(handler)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = %error, "the Lambda runtime stopped");
            ExitCode::FAILURE
        }
    }
}

/// One invocation: the batch, then its EMF metrics line on stdout. Only a response that cannot
/// fit Lambda's limit fails the invocation (a malformed event already failed in the runtime).
fn invoke(transformer: &Transformer, event: FirehoseEvent) -> Result<FirehoseResponse, lambda_runtime::Error> {
    let handled = respond::process(transformer, event)?;
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0);
    println!("{}", metrics::emf_line(transformer.stream(), &handled.summary, now_ms));
    Ok(handled.response)
}

/// Structured JSON log lines, one object per line, fields at the top level. The level comes
/// from `RUST_LOG`, else Lambda's `AWS_LAMBDA_LOG_LEVEL`, else `info`.
pub fn init_logging() {
    let level = std::env::var("AWS_LAMBDA_LOG_LEVEL").unwrap_or_else(|_| "info".into()).to_lowercase();
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    let _ = tracing::subscriber::set_global_default(json_logs(std::io::stdout, filter));
}

/// The functions' log format, writing to `writer`: JSON lines with the event's fields at the top
/// level and no span or target noise. Benchmarks use it with a sink, so that a failed record
/// costs its log line there as it does in production.
pub fn json_logs<W>(writer: W, filter: EnvFilter) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(false)
        .with_target(false)
        .with_env_filter(filter)
        .with_writer(writer)
        .finish()
}
