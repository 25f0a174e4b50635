//! The Lambda entry point every function binary calls with its stream.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use lambda_runtime::{service_fn, LambdaEvent};

use crate::config::Config;
use crate::firehose::{FirehoseEvent, FirehoseResponse};
use crate::respond::{Invocation, ResponseTooLarge};
use crate::transform::Transformer;
use crate::{logging, metrics, respond, Stream};

pub use crate::logging::json_logs;

/// Starts the function: logging, configuration and schemas (a failure there stops the
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
        async move {
            let invoked = invoke(&transformer, event, respond::now_ms())?;
            // Lambda sends stdout to CloudWatch Logs; if even that fails there is nowhere to say so.
            let _ = std::io::stdout().lock().write_all(invoked.emf.as_bytes());
            Ok::<FirehoseResponse, lambda_runtime::Error>(invoked.response)
        }
    });
    match runtime.block_on(lambda_runtime::run(handler)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = %error, "the Lambda runtime stopped");
            ExitCode::FAILURE
        }
    }
}

/// What one invocation produces: the response, and its EMF documents, one per line.
#[derive(Debug)]
pub struct Invoked {
    pub response: FirehoseResponse,
    pub emf: String,
}

/// The handler: one invocation against the clock `now_ms` (milliseconds since the Unix epoch;
/// the records' ages and the metrics' timestamp). Only a response that cannot fit Lambda's limit
/// fails the invocation (a malformed event already failed in the runtime).
pub fn invoke(
    transformer: &Transformer,
    event: LambdaEvent<FirehoseEvent>,
    now_ms: i64,
) -> Result<Invoked, ResponseTooLarge> {
    let invocation = Invocation { request_id: Some(&event.context.request_id), now_ms };
    let handled = respond::process_invocation(transformer, event.payload, invocation)?;
    let emf = metrics::emf_lines(transformer.stream(), &handled.summary, now_ms);
    Ok(Invoked { response: handled.response, emf })
}

/// Structured log lines on stdout, as Lambda's advanced logging controls and `RUST_LOG` ask
/// (see [`crate::logging`]).
pub fn init_logging() {
    logging::init_from_env();
}
