//! `firehose-local run`: System Two event files through the local delivery streams.

use std::sync::mpsc::RecvTimeoutError;
use std::time::Instant;

use shim::Stream;

use crate::input::{self, Message, Source};
use crate::{route, Error, Lane, Pipeline, Report, Settings};

/// Reads every line of `sources`, routes it (to `forced` when given, else by its event type),
/// and runs the pipeline to the end of the input.
pub fn run(
    settings: Settings,
    sources: Vec<Source>,
    forced: Option<Stream>,
    progress: impl Fn(u64) + Send + 'static,
) -> Result<Report, Error> {
    let mut pipeline = Pipeline::new(settings);
    let mut routed = 0;
    let lines = input::read(sources, progress);
    loop {
        let message = match pipeline.next_deadline() {
            Some(deadline) => match lines.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(message) => message,
                Err(RecvTimeoutError::Timeout) => {
                    pipeline.flush_due(Instant::now())?;
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => break,
            },
            None => match lines.recv() {
                Ok(message) => message,
                Err(_) => break,
            },
        };
        match message {
            Message::Line { bytes, stream, .. } => {
                // --stream, else the stream the source says received it, else by content.
                let lane = forced.or(stream).map_or_else(|| route::by_content(&bytes), Lane::Stream);
                routed += usize::from(lane != Lane::Unrouted);
                pipeline.put(lane, &bytes)?;
            }
            Message::Failed(error) => return Err(error),
        }
    }
    let mut report = pipeline.finish()?;
    report.routed = routed;
    Ok(report)
}
