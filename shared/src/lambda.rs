//! The Lambda entry point every function binary calls with its stream.
//!
//! The event is read from the runtime's raw request body, borrowed: `RawBody`, a layer
//! in front of `lambda_runtime`'s own services, takes the body (a reference-counted `Bytes`)
//! before the runtime would deserialize it into owned types, and hands it to the handler, which
//! reads a [`FirehoseEvent`] whose record ids, `data` and Kinesis metadata point into it.

use std::cell::Cell;
use std::io::Write;
use std::process::ExitCode;
use std::rc::Rc;
use std::task::{Context as TaskContext, Poll};

use bytes::Bytes;
use lambda_runtime::tower::{Layer, Service};
use lambda_runtime::{layers, service_fn, Diagnostic, LambdaEvent, LambdaInvocation, Runtime};

use crate::config::Config;
use crate::firehose::{FirehoseEvent, FirehoseResponse};
use crate::respond::{Invocation, ResponseTooLarge};
use crate::transform::Transformer;
use crate::{log, logging, metrics, respond, Stream};

/// Starts the function: logging, configuration and schemas (a failure there stops the
/// function before any record), then the Lambda runtime loop.
pub fn main(stream: Stream) -> ExitCode {
    logging::init_from_env();
    let transformer = match Config::from_env() {
        Ok(config) => Transformer::new(stream, config),
        Err(error) => {
            log::StartupFailed { stream, error: &error }.emit();
            return ExitCode::FAILURE;
        }
    };
    log::FunctionStarted { stream, zone: &transformer.config().zone_name }.emit();
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            log::RuntimeFailed::NotStarted(&error).emit();
            return ExitCode::FAILURE;
        }
    };
    // The runtime loop runs on this thread until the process ends: the handler borrows the
    // transformer rather than sharing it.
    let transformer = &transformer;
    let body = RawBody::default();
    let taken = body.clone();
    // The runtime deserializes `null` (what `RawBody` leaves it) into `()`.
    let handler = service_fn(move |event: LambdaEvent<()>| {
        let body = taken.take();
        async move {
            let batch: FirehoseEvent<'_> = serde_json::from_slice(&body).map_err(InvocationError::Event)?;
            let invoked = invoke(transformer, LambdaEvent::new(batch, event.context), respond::now_ms())?;
            // Lambda sends stdout to CloudWatch Logs; if even that fails there is nowhere to say so.
            let _ = std::io::stdout().lock().write_all(invoked.emf.as_bytes());
            Ok::<FirehoseResponse, InvocationError>(invoked.response)
        }
    });
    // As `lambda_runtime::run`, with the raw body taken first.
    let runtime_loop = Runtime::new(handler).layer(layers::TracingLayer::new()).layer(body);
    match runtime.block_on(runtime_loop.run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            log::RuntimeFailed::Stopped(&error).emit();
            ExitCode::FAILURE
        }
    }
}

/// The request body of the invocation in progress, between [`RawBody`]'s service, which takes
/// it from the runtime, and the handler. One invocation at a time: the runtime loop runs on one
/// thread and processes invocations in sequence.
#[derive(Clone, Default)]
struct RawBody(Rc<Cell<Option<Bytes>>>);

impl RawBody {
    /// The body the runtime received for this invocation (empty if none was taken, which fails
    /// the invocation as an unreadable event).
    fn take(&self) -> Bytes {
        self.0.take().unwrap_or_default()
    }
}

impl<S> Layer<S> for RawBody {
    type Service = RawBodyService<S>;

    fn layer(&self, inner: S) -> RawBodyService<S> {
        RawBodyService { body: self.clone(), inner }
    }
}

/// Takes the body out of each invocation and leaves `null` for the runtime to deserialize.
struct RawBodyService<S> {
    body: RawBody,
    inner: S,
}

impl<S: Service<LambdaInvocation>> Service<LambdaInvocation> for RawBodyService<S> {
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut TaskContext<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut invocation: LambdaInvocation) -> S::Future {
        let body = std::mem::replace(&mut invocation.body, Bytes::from_static(b"null"));
        self.body.0.set(Some(body));
        self.inner.call(invocation)
    }
}

/// Why an invocation fails as a whole (Firehose retries it, then writes the batch to its
/// error output).
#[derive(Debug, thiserror::Error)]
pub enum InvocationError {
    /// The request body is not a Firehose event (the runtime used to report this itself). Only
    /// where it broke is said: serde_json's message may quote the event's text.
    #[error(
        "the request is not a Firehose transformation event ({:?} error at line {}, column {})",
        .0.classify(), .0.line(), .0.column()
    )]
    Event(serde_json::Error),
    #[error(transparent)]
    TooLarge(#[from] ResponseTooLarge),
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
    event: LambdaEvent<FirehoseEvent<'_>>,
    now_ms: i64,
) -> Result<Invoked, ResponseTooLarge> {
    let invocation = Invocation { request_id: Some(&event.context.request_id), now_ms };
    let handled = respond::process_invocation(transformer, event.payload, invocation)?;
    let emf = metrics::emf_lines(transformer.stream(), &handled.summary, now_ms);
    Ok(Invoked { response: handled.into_response(), emf })
}

/// The Lambda `errorType` of an invocation whose response cannot fit: stable, so that an alarm
/// or a log query can match it (the runtime's default is the Rust type's path).
const RESPONSE_TOO_LARGE: &str = "ResponseTooLarge";

/// The Lambda `errorType` of an invocation whose request is not a Firehose event.
const INVALID_EVENT: &str = "InvalidEvent";

impl From<ResponseTooLarge> for Diagnostic {
    fn from(error: ResponseTooLarge) -> Diagnostic {
        Diagnostic { error_type: RESPONSE_TOO_LARGE.to_owned(), error_message: error.to_string() }
    }
}

impl From<InvocationError> for Diagnostic {
    fn from(error: InvocationError) -> Diagnostic {
        match error {
            InvocationError::TooLarge(error) => error.into(),
            InvocationError::Event(_) => {
                log::InvalidEvent { error: &error }.emit();
                Diagnostic { error_type: INVALID_EVENT.to_owned(), error_message: error.to_string() }
            }
        }
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

    /// A body that is not a Firehose event fails the invocation with a stable type, and its
    /// message says where, never what (serde_json's own message would quote the text).
    #[test]
    fn an_unreadable_event_has_a_stable_error_type_and_no_content() {
        let body = br#"{"records": [{"recordId": "r", "data": {"name": "Zebulon"}}]}"#;
        let error = serde_json::from_slice::<FirehoseEvent<'_>>(body).map_err(InvocationError::Event).unwrap_err();
        let posted = serde_json::to_value(Diagnostic::from(error)).unwrap();
        assert_eq!(posted["errorType"], "InvalidEvent");
        let message = posted["errorMessage"].as_str().unwrap();
        assert_eq!(message, "the request is not a Firehose transformation event (Data error at line 1, column 39)");
    }

    /// The layer hands the runtime `null` and the handler the body, once.
    #[test]
    fn raw_body_takes_the_request_body() {
        let body = RawBody::default();
        body.0.set(Some(Bytes::from_static(b"{}")));
        assert_eq!(body.take(), Bytes::from_static(b"{}"));
        assert_eq!(body.take(), Bytes::new());
    }
}
