//! `firehose-local replay`: Firehose error-output files back through the current
//! transformation.
//!
//! Each line's record goes to the delivery stream it came from: `--stream` when given, else the
//! function named by its `lambdaArn`, else the folder it lies in (`errors/<stream>/...`), else
//! its content's event type. A record of the `unrouted` lane is routed by its content again. What
//! now succeeds is written as System One files; what still fails is written back out as
//! error-output lines with its current reason (`attemptsMade` one higher, `arrivalTimestamp` and
//! `rawData` kept). Lines that are not error-output records are kept byte for byte under
//! `errors/replay-unreadable/`. The input files are left as they are.

use base64::Engine;
use shim::Stream;

use crate::batch::Pending;
use crate::error_output::ErrorRecord;
use crate::input::{self, Message, Source};
use crate::{route, Error, Lane, Pipeline, Report, Settings};

/// Replays every error-output line of `sources` (all files under folders; hidden files skipped).
pub fn replay(
    settings: Settings,
    sources: Vec<Source>,
    forced: Option<Stream>,
    progress: impl Fn(u64) + Send + 'static,
) -> Result<Report, Error> {
    let lanes_by_source: Vec<Option<Lane>> = sources
        .iter()
        .map(|source| match source {
            Source::File(path) => route::lane_for_path(path),
            Source::Stdin => None,
        })
        .collect();
    let now_ms = settings.clock.now_ms();
    let mut pipeline = Pipeline::new(settings);
    let mut unreadable: Vec<u8> = Vec::new();
    let mut unreadable_lines = 0;
    for message in input::read(sources, progress) {
        let (source, bytes) = match message {
            Message::Line { source, bytes } => (source, bytes),
            Message::Failed(error) => return Err(error),
        };
        let Some(record) = ErrorRecord::read(&bytes) else {
            unreadable.extend_from_slice(&bytes);
            unreadable.push(b'\n');
            unreadable_lines += 1;
            continue;
        };
        let from_path = lanes_by_source.get(source).copied().flatten();
        let lane = lane_of(&record, forced, from_path);
        pipeline.put_encoded(lane, Pending::replayed(record, now_ms))?;
    }
    if !unreadable.is_empty() {
        pipeline.keep_unreadable(&unreadable)?;
    }
    let mut report = pipeline.finish()?;
    report.unreadable = unreadable_lines;
    Ok(report)
}

/// The lane a failed record goes back to.
pub fn lane_of(record: &ErrorRecord, forced: Option<Stream>, from_path: Option<Lane>) -> Lane {
    if let Some(stream) = forced {
        return Lane::Stream(stream);
    }
    let from_arn = route::function_name(&record.lambda_arn).and_then(route::lane_for_function);
    match from_arn.or(from_path) {
        Some(Lane::Stream(stream)) => Lane::Stream(stream),
        Some(Lane::Unrouted) | None => match base64::engine::general_purpose::STANDARD.decode(&record.raw_data) {
            Ok(bytes) => route::by_content(&bytes),
            Err(_) => Lane::Unrouted,
        },
    }
}
