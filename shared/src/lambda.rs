//! The Lambda entry point every function binary calls with its stream.

use std::io::Write;
use std::process::ExitCode;

use lambda_runtime::{service_fn, Diagnostic, LambdaEvent};

use crate::config::Config;
use crate::firehose::{FirehoseEvent, FirehoseResponse};
use crate::respond::{Invocation, ResponseTooLarge};
use crate::transform::Transformer;
use crate::{logging, metrics, respond, Stream};

/// Starts the function: logging, configuration and schemas (a failure there stops the
/// function before any record), then the Lambda runtime loop.
pub fn main(stream: Stream) -> ExitCode {
    logging::init_from_env();
    let transformer = match Config::from_env() {
        Ok(config) => Transformer::new(stream, config),
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
    // The runtime loop runs on this thread until the process ends: the handler borrows the
    // transformer rather than sharing it.
    let transformer = &transformer;
    let handler = service_fn(move |event: LambdaEvent<FirehoseEvent>| async move {
        let invoked = invoke(transformer, event, respond::now_ms())?;
        // Lambda sends stdout to CloudWatch Logs; if even that fails there is nowhere to say so.
        let _ = std::io::stdout().lock().write_all(invoked.emf.as_bytes());
        Ok::<FirehoseResponse, ResponseTooLarge>(invoked.response)
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

/// The Lambda `errorType` of an invocation whose response cannot fit: stable, so that an alarm
/// or a log query can match it (the runtime's default is the Rust type's path).
const RESPONSE_TOO_LARGE: &str = "ResponseTooLarge";

impl From<ResponseTooLarge> for Diagnostic {
    fn from(error: ResponseTooLarge) -> Diagnostic {
        Diagnostic { error_type: RESPONSE_TOO_LARGE.to_owned(), error_message: error.to_string() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_too_large_has_a_stable_error_type() {
        let diagnostic = Diagnostic::from(ResponseTooLarge { records: 2, bytes: 7_000_000 });
        // As the runtime posts it to the Runtime API's invocation error endpoint.
        let posted = serde_json::to_value(&diagnostic).unwrap();
        assert_eq!(posted["errorType"], "ResponseTooLarge");
        let message = posted["errorMessage"].as_str().unwrap();
        assert!(message.starts_with("the response for 2 records would be 7000000 bytes"), "{message}");
    }
}
