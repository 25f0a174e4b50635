//! One record's whole path: decode → parse → envelope → validate → convert → rules → encode.

use crate::config::Config;
use crate::envelope::{self, Action, Event};
use crate::reason::Reason;
use crate::validate::Schemas;
use crate::{convert, decode, encode, parse, rules, Stream};

/// What became of one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransformOutcome {
    /// The System One line, `\n` included, and the TEXT T fields that were cut.
    Ok {
        line: String,
        truncated: Vec<&'static str>,
    },
    /// A heartbeat.
    Dropped,
    Failed(Reason),
}

/// A record's outcome and, when its envelope was read, its `occurredAt` in Unix seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Transformed {
    pub(crate) outcome: TransformOutcome,
    /// `None` for a heartbeat and for a record that failed before (or at) `occurredAt`.
    pub(crate) occurred_at: Option<i64>,
}

/// A stream's transformation, ready for records: zone loaded, layout's interest built; the
/// schemas compile on first use (see `validate`).
pub struct Transformer {
    stream: Stream,
    config: Config,
    schemas: Schemas,
    /// The members the stream reads; the parser skips (but checks) the rest.
    interest: parse::Interest,
}

impl Transformer {
    /// Everything a function does before it can take its first event. It cannot fail: the
    /// zone was loaded by [`Config`], and the schemas compile on first use (a schema that does
    /// not compile fails the records it would check, visibly; `every_schema_compiles` keeps
    /// that out of a release).
    pub fn new(stream: Stream, config: Config) -> Transformer {
        let schemas = Schemas::new(stream);
        let interest = envelope::interest(parse::Interest::reading(stream.layout().source_paths()));
        Transformer { stream, config, schemas, interest }
    }

    pub fn stream(&self) -> Stream {
        self.stream
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Transforms one Firehose record's `data`. Never panics, whatever the input.
    pub fn transform(&self, data: &str) -> TransformOutcome {
        self.transform_record(data).outcome
    }

    /// [`Transformer::transform`], with the record's `occurredAt` when the checks got that far.
    pub(crate) fn transform_record(&self, data: &str) -> Transformed {
        let mut occurred_at = None;
        let outcome = match self.record(data, &mut occurred_at) {
            Ok(Some((line, truncated))) => TransformOutcome::Ok { line, truncated },
            Ok(None) => TransformOutcome::Dropped,
            Err(reason) => TransformOutcome::Failed(reason),
        };
        Transformed { outcome, occurred_at }
    }

    /// The checks in the spec's order; `None` for a heartbeat. `occurred_at` is set as soon as
    /// the envelope has been read, so a record that fails later still tells its age.
    fn record(&self, data: &str, occurred_at: &mut Option<i64>) -> Result<Option<(String, Vec<&'static str>)>, Reason> {
        let bytes = decode::base64(data)?;
        let text = decode::utf8(&bytes)?;
        let document = parse::document_of_interest(text, &self.interest)?;
        let envelope = match envelope::read(&document, self.stream, &self.config.zone)? {
            Event::Heartbeat => return Ok(None),
            Event::Change(envelope) => envelope,
        };
        *occurred_at = Some(envelope.occurred_at);
        if envelope.action != Action::Deleted {
            self.schemas.check(&envelope)?;
        }
        let layout = self.stream.layout();
        let mut record = convert::record(layout, &envelope, &self.config.zone)?;
        rules::apply(layout, &mut record)?;
        Ok(Some((encode::line(layout, &record), record.truncated)))
    }
}
