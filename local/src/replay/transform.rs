//! One source's records through the current transformation: read (plain or gzip), each line's
//! record sent back to the lane it came from, batched as Firehose's processor batches (the
//! pipeline's batching engine cuts them, [`crate::buffers`]), and the verdicts sorted by what the
//! target takes.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use base64::Engine;
use shim::{Stream, Transformer};

use super::{Options, RecordsTo};
use crate::batch::{self, Invocation, Pending, Verdict};
use crate::buffers::{Batch, Buffers, Hints};
use crate::error_output::ErrorRecord;
use crate::ids::uuid_like;
use crate::{route, Error, Lane, Report};

/// One source's records after the transformation, per lane.
#[derive(Debug, Default)]
pub(crate) struct Transformed {
    /// System One lines, per lane, for a store target.
    pub(crate) data: BTreeMap<Lane, Vec<u8>>,
    /// Raw events that now pass (Ok), per lane, for a Kinesis target.
    pub(crate) events: BTreeMap<Lane, Vec<Vec<u8>>>,
    /// Error-output lines, per lane.
    pub(crate) errors: BTreeMap<Lane, String>,
    /// Line numbers (1-based) that are not error-output records.
    pub(crate) unreadable: Vec<usize>,
    /// Records that came back Ok or Dropped.
    pub(crate) recovered: usize,
    /// Records that failed again with the very code and message their line had.
    pub(crate) failed_as_before: usize,
    /// Error-output records read.
    pub(crate) records: usize,
}

impl Transformed {
    /// Nothing recovered and every record failed exactly as its line says: a replay would only
    /// rewrite the same failures (one more attempt counted), so it leaves the source alone.
    pub(crate) fn unchanged(&self) -> bool {
        self.records > 0 && self.recovered == 0 && self.failed_as_before == self.records && self.unreadable.is_empty()
    }
}

/// The lane a failed record goes back to: `forced`, else its function's (by `lambdaArn`), else
/// the folder it lies in, else its content's event type.
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

/// Gunzips gzip content (Firehose's `GZIP` compression, concatenated members too); plain
/// content is returned as it is.
pub(crate) fn unzip(stored: &[u8]) -> std::io::Result<Vec<u8>> {
    if !stored.starts_with(&[0x1f, 0x8b]) {
        return Ok(stored.to_vec());
    }
    let mut content = Vec::new();
    flate2::read::MultiGzDecoder::new(stored).read_to_end(&mut content)?;
    Ok(content)
}

/// A record read back, with what its line said about its last failure.
struct Replayed {
    pending: Pending,
    arn: String,
    code: String,
    message: String,
}

/// Runs a source's records through the transformation, per lane in invocations of at most
/// `options.buffer_bytes`, cut by the pipeline's batching engine ([`Buffers`], no interval).
/// `url` (the source's path or `s3://` URL) names the lane when neither `--stream` nor the
/// line's `lambdaArn` does.
pub(crate) fn transform<T>(
    options: &Options<T>,
    url: &str,
    content: &[u8],
    transformers: &HashMap<Stream, Transformer>,
    report: &mut Report,
) -> Result<Transformed, Error> {
    let from_path = route::lane_for_path(Path::new(url.strip_prefix("s3://").unwrap_or(url)));
    let now_ms = options.clock.now_ms();
    let (now, at) = (Instant::now(), options.clock.now());
    let mut buffers = Buffers::new(Hints { bytes: options.buffer_bytes, interval: Duration::MAX });
    let mut run = Invocations { options, url, transformers, report, transformed: Transformed::default() };
    for (number, line) in content.split(|byte| *byte == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let Some(mut record) = ErrorRecord::read(line) else {
            run.transformed.unreadable.push(number + 1);
            continue;
        };
        run.transformed.records += 1;
        let lane = lane_of(&record, options.forced, from_path);
        let arn = std::mem::take(&mut record.lambda_arn);
        let code = std::mem::take(&mut record.error_code);
        let message = std::mem::take(&mut record.error_message);
        let pending = Pending::replayed(record, now_ms);
        let size = pending.size();
        for batch in buffers.push(lane, Replayed { pending, arn, code, message }, size, now, at) {
            run.invoke(batch)?;
        }
    }
    for batch in buffers.drain() {
        run.invoke(batch)?;
    }
    Ok(run.transformed)
}

/// What the invocations of one source share, and what they found.
struct Invocations<'a, T> {
    options: &'a Options<T>,
    url: &'a str,
    transformers: &'a HashMap<Stream, Transformer>,
    report: &'a mut Report,
    transformed: Transformed,
}

impl<T> Invocations<'_, T> {
    /// One invocation of the batch's lane's function; each verdict sorted by what the target
    /// takes.
    fn invoke(&mut self, batch: Batch<Replayed>) -> Result<(), Error> {
        let lane = batch.lane;
        let stream = lane.transformer_stream();
        let transformer = self.transformers.get(&stream).ok_or(Error::NoFunction { stream })?;
        let tally = self.report.lanes.entry(lane).or_default();
        let pendings: Vec<Pending> = batch.items.iter().map(|read| read.pending.clone()).collect();
        let arn = batch.items.first().map(|read| read.arn.clone()).unwrap_or_default();
        let invocation = Invocation {
            invocation_id: format!("replay-{}", uuid_like(&[self.url.as_bytes(), lane.name().as_bytes()])),
            record_prefix: lane.name(),
            first_record: u64::try_from(tally.records).unwrap_or(0) + 1,
            lambda_arn: &arn,
            ended_ms: self.options.clock.now_ms(),
        };
        let verdicts = batch::invoke(transformer, &invocation, &pendings, tally)?;
        let to_kinesis = matches!(self.options.records_to, RecordsTo::Kinesis { .. });
        let transformed = &mut self.transformed;
        for (verdict, read) in verdicts.into_iter().zip(&batch.items) {
            match verdict {
                // Only what the target takes: the raw event for Kinesis, else the line.
                Verdict::Ok(_) if to_kinesis => {
                    transformed.recovered += 1;
                    if let Ok(event) = base64::engine::general_purpose::STANDARD.decode(&read.pending.data) {
                        transformed.events.entry(lane).or_default().push(event);
                    }
                }
                Verdict::Ok(line) => {
                    transformed.recovered += 1;
                    transformed.data.entry(lane).or_default().extend_from_slice(&line);
                }
                Verdict::Dropped => transformed.recovered += 1,
                Verdict::Failed(mut record) => {
                    if record.error_code == read.code && record.error_message == read.message {
                        transformed.failed_as_before += 1;
                    }
                    // Keep the source's own ARN (the deployed function), not the batch's first.
                    if !read.arn.is_empty() {
                        record.lambda_arn.clone_from(&read.arn);
                    }
                    transformed.errors.entry(lane).or_default().push_str(&record.line());
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_and_plain_read_alike() {
        use std::io::Write;
        let mut zipped = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        zipped.write_all(b"{\"rawData\":\"e30=\"}\n").unwrap();
        let zipped = zipped.finish().unwrap();
        assert_eq!(unzip(&zipped).unwrap(), b"{\"rawData\":\"e30=\"}\n");
        assert_eq!(unzip(b"plain\n").unwrap(), b"plain\n");
        assert!(unzip(&[0x1f, 0x8b, 0]).is_err());
    }
}
