//! The functions' log lines: JSON objects, one per line, as CloudWatch Logs Insights reads them,
//! configured the way Lambda's advanced logging controls ask (`AWS_LAMBDA_LOG_FORMAT`,
//! `AWS_LAMBDA_LOG_LEVEL`), with `RUST_LOG` winning when it is set.
//!
//! A line is `{"timestamp":…,"level":…,"message":…, <the event's fields>, <its spans' fields>}`:
//! every field at the top level, so that a query can filter on it. The fields of the spans the
//! event is in are flattened into the line (innermost span first, a name written once), which
//! is how every line of an invocation carries its request id and Firehose invocation id without
//! each call site repeating them: the span's fields are rendered once, when it opens, and copied
//! into each line. `tracing-subscriber`'s own JSON format nests them under `span` instead (and
//! parses them again for every line), hence this formatter.
//!
//! A field named `json.<name>` whose value is a JSON text is written as that JSON value under
//! `<name>` (the summary's `reasons` object); a value that is not JSON stays a string.

use std::fmt::{self, Write as _};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::filter::EnvFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, MakeWriter};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;

/// The variable Lambda sets from the function's `LoggingConfig.LogFormat`: `JSON` or `Text`.
pub(crate) const FORMAT_VARIABLE: &str = "AWS_LAMBDA_LOG_FORMAT";
/// The variable Lambda sets from `LoggingConfig.ApplicationLogLevel`: `TRACE`, `DEBUG`, `INFO`,
/// `WARN`, `ERROR` or `FATAL`.
pub(crate) const LEVEL_VARIABLE: &str = "AWS_LAMBDA_LOG_LEVEL";
/// `tracing` filter directives (`info`, `shim=debug,lambda_runtime=warn`); wins when set.
pub(crate) const FILTER_VARIABLE: &str = "RUST_LOG";

/// The line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// One JSON object per line (the default, and what the saved queries read).
    Json,
    /// `tracing-subscriber`'s human-readable lines, for `AWS_LAMBDA_LOG_FORMAT=Text`.
    Text,
}

/// The logging configuration read from the environment, and what was wrong with it (logged as
/// warnings once logging is up, so that a typo is seen rather than silently ignored).
#[derive(Debug)]
pub struct Settings {
    pub(crate) format: Format,
    /// The filter directives in force (`info`, or `RUST_LOG`'s text).
    pub(crate) directives: String,
    pub(crate) problems: Vec<String>,
}

impl Settings {
    /// The settings for the three variables' values (`None`: unset).
    pub(crate) fn from_values(rust_log: Option<&str>, level: Option<&str>, format: Option<&str>) -> Settings {
        let mut problems = Vec::new();
        let format = match format.map(str::trim).filter(|text| !text.is_empty()) {
            None => Format::Json,
            Some(text) if text.eq_ignore_ascii_case("json") => Format::Json,
            Some(text) if text.eq_ignore_ascii_case("text") => Format::Text,
            Some(text) => {
                problems.push(format!("{FORMAT_VARIABLE}={text:?} is neither JSON nor Text; writing JSON"));
                Format::Json
            }
        };
        let lambda_level = match level.map(str::trim).filter(|text| !text.is_empty()) {
            None => "info",
            Some(text) => lambda_directive(text).unwrap_or_else(|| {
                problems.push(format!(
                    "{LEVEL_VARIABLE}={text:?} is not one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL; using INFO"
                ));
                "info"
            }),
        };
        let directives = match rust_log.map(str::trim).filter(|text| !text.is_empty()) {
            Some(text) if EnvFilter::try_new(text).is_ok() => text.to_owned(),
            Some(text) => {
                problems.push(format!("{FILTER_VARIABLE}={text:?} is not a valid filter; using {lambda_level}"));
                lambda_level.to_owned()
            }
            None => lambda_level.to_owned(),
        };
        Settings { format, directives, problems }
    }

    /// The settings from the process environment.
    pub fn from_env() -> Settings {
        let var = |name| std::env::var(name).ok();
        Settings::from_values(
            var(FILTER_VARIABLE).as_deref(),
            var(LEVEL_VARIABLE).as_deref(),
            var(FORMAT_VARIABLE).as_deref(),
        )
    }

    pub fn filter(&self) -> EnvFilter {
        EnvFilter::try_new(&self.directives).unwrap_or_else(|_| EnvFilter::new("info"))
    }
}

/// A Lambda application log level as `tracing` directives. `tracing` has no FATAL: it keeps
/// ERROR lines, which Lambda's own filter then discards (none of ours is FATAL).
fn lambda_directive(level: &str) -> Option<&'static str> {
    ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"]
        .iter()
        .zip(["trace", "debug", "info", "warn", "error", "error"])
        .find(|(name, _)| name.eq_ignore_ascii_case(level))
        .map(|(_, directive)| directive)
}

/// Installs the process-wide subscriber on stdout from the environment, then reports what was
/// wrong with the variables, if anything.
pub(crate) fn init_from_env() {
    let settings = Settings::from_env();
    let result = match settings.format {
        Format::Json => tracing::subscriber::set_global_default(json_logs(std::io::stdout, settings.filter())),
        Format::Text => tracing::subscriber::set_global_default(text_logs(std::io::stdout, settings.filter())),
    };
    if result.is_ok() {
        for problem in &settings.problems {
            tracing::warn!(problem = %problem, "logging configuration ignored");
        }
    }
}

/// The functions' JSON lines, written to `writer` (tests capture them, benchmarks sink them).
pub fn json_logs<W>(writer: W, filter: EnvFilter) -> impl Subscriber + Send + Sync
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    tracing_subscriber::registry()
        .with(filter)
        .with(SpanFieldsLayer)
        .with(tracing_subscriber::fmt::layer().event_format(JsonLines).with_writer(writer))
}

/// Human-readable lines (`AWS_LAMBDA_LOG_FORMAT=Text`): spans as `invocation{requestId=…}:`.
pub(crate) fn text_logs<W>(writer: W, filter: EnvFilter) -> impl Subscriber + Send + Sync
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    tracing_subscriber::fmt().with_ansi(false).with_target(false).with_env_filter(filter).with_writer(writer).finish()
}

/// A span's fields, each as its name and its value already written as JSON.
#[derive(Debug, Default)]
struct SpanFields(Vec<(&'static str, String)>);

impl SpanFields {
    fn record(&mut self, name: &'static str, json: String) {
        match self.0.iter_mut().find(|(known, _)| *known == name) {
            Some((_, value)) => *value = json,
            None => self.0.push((name, json)),
        }
    }
}

impl Visit for SpanFields {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let mut json = String::new();
        let _ = write_debug_string(&mut json, value);
        self.record(field.name(), json);
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        let mut json = String::new();
        let _ = write_json_string(&mut json, value);
        self.record(field.name(), json);
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.record(field.name(), value.to_string());
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.record(field.name(), value.to_string());
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.record(field.name(), value.to_string());
    }
}

/// Renders each span's fields once, when the span opens or records, for [`JsonLines`].
struct SpanFieldsLayer;

impl<S> Layer<S> for SpanFieldsLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attributes: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = SpanFields::default();
        attributes.record(&mut fields);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(fields);
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            let mut extensions = span.extensions_mut();
            match extensions.get_mut::<SpanFields>() {
                Some(fields) => values.record(fields),
                None => {
                    let mut fields = SpanFields::default();
                    values.record(&mut fields);
                    extensions.insert(fields);
                }
            }
        }
    }
}

/// The JSON line format (see the module documentation).
pub(crate) struct JsonLines;

/// Names written so far on a line, so that a span field does not repeat an event field. More
/// than this many fields on one line are written without the check (no line of ours has).
const MAX_NAMES: usize = 32;

impl<S, N> FormatEvent<S, N> for JsonLines
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(&self, ctx: &FmtContext<'_, S, N>, mut writer: Writer<'_>, event: &Event<'_>) -> fmt::Result {
        let timestamp = jiff::Timestamp::now();
        write!(writer, "{{\"timestamp\":\"{timestamp:.6}\",\"level\":\"{}\"", level_name(*event.metadata().level()))?;
        // The two members written above count as written: no field may repeat them.
        let names = std::array::from_fn(|i| ["timestamp", "level"].get(i).copied().unwrap_or(""));
        let mut line = LineFields { writer: &mut writer, names, count: 2, result: Ok(()) };
        event.record(&mut line);
        line.result?;
        if let Some(scope) = ctx.event_scope() {
            for span in scope {
                let extensions = span.extensions();
                let Some(fields) = extensions.get::<SpanFields>() else { continue };
                for (name, json) in &fields.0 {
                    if !line.written(name) {
                        line.name(name)?;
                        line.writer.write_str(json)?;
                    }
                }
            }
        }
        writer.write_str("}\n")
    }
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::TRACE => "TRACE",
        Level::DEBUG => "DEBUG",
        Level::INFO => "INFO",
        Level::WARN => "WARN",
        Level::ERROR => "ERROR",
    }
}

/// Writes an event's fields as `,"name":value` and remembers their names.
struct LineFields<'w, 'a> {
    writer: &'w mut Writer<'a>,
    names: [&'static str; MAX_NAMES],
    count: usize,
    result: fmt::Result,
}

impl LineFields<'_, '_> {
    fn written(&self, name: &str) -> bool {
        self.names.iter().take(self.count).any(|known| *known == name)
    }

    /// `,"name":`, remembering the name.
    fn name(&mut self, name: &'static str) -> fmt::Result {
        if let Some(slot) = self.names.get_mut(self.count) {
            *slot = name;
            self.count += 1;
        }
        self.writer.write_char(',')?;
        write_json_string(self.writer, name)?;
        self.writer.write_char(':')
    }

    fn field(&mut self, field: &Field, write: impl FnOnce(&mut Writer<'_>) -> fmt::Result) {
        if self.result.is_ok() {
            self.result = self.name(field.name()).and_then(|()| write(self.writer));
        }
    }
}

impl Visit for LineFields<'_, '_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if let Some(name) = field.name().strip_prefix("json.") {
            let text = format!("{value:?}");
            let is_json = serde_json::from_str::<serde::de::IgnoredAny>(&text).is_ok();
            if self.result.is_ok() {
                self.result = self.name(name).and_then(|()| match is_json {
                    true => self.writer.write_str(&text),
                    false => write_json_string(self.writer, &text),
                });
            }
            return;
        }
        self.field(field, |writer| write_debug_string(writer, value));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name().starts_with("json.") {
            return self.record_debug(field, &format_args!("{value}"));
        }
        self.field(field, |writer| write_json_string(writer, value));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.field(field, |writer| write!(writer, "{value}"));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.field(field, |writer| write!(writer, "{value}"));
    }

    fn record_i128(&mut self, field: &Field, value: i128) {
        self.field(field, |writer| write!(writer, "{value}"));
    }

    fn record_u128(&mut self, field: &Field, value: u128) {
        self.field(field, |writer| write!(writer, "{value}"));
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        match value.is_finite() {
            true => self.field(field, |writer| write!(writer, "{value}")),
            false => self.field(field, |writer| write!(writer, "\"{value}\"")),
        }
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.field(field, |writer| write!(writer, "{value}"));
    }
}

/// A value's `Debug` text (a `%` field's `Display`, the message) as a JSON string, escaped as
/// it is written, without an intermediate `String`.
fn write_debug_string(writer: &mut impl fmt::Write, value: &dyn fmt::Debug) -> fmt::Result {
    writer.write_char('"')?;
    write!(Escaping(writer), "{value:?}")?;
    writer.write_char('"')
}

fn write_json_string(writer: &mut impl fmt::Write, text: &str) -> fmt::Result {
    writer.write_char('"')?;
    Escaping(writer).write_str(text)?;
    writer.write_char('"')
}

/// Escapes what it is given for the inside of a JSON string (RFC 8259 section 7).
struct Escaping<'w, W: fmt::Write>(&'w mut W);

impl<W: fmt::Write> fmt::Write for Escaping<'_, W> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let mut start = 0;
        for (at, byte) in text.bytes().enumerate() {
            let escape = match byte {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                0x00..=0x1f => "",
                _ => continue,
            };
            self.0.write_str(text.get(start..at).unwrap_or_default())?;
            match escape {
                "" => write!(self.0, "\\u{byte:04x}")?,
                escape => self.0.write_str(escape)?,
            }
            start = at + 1;
        }
        self.0.write_str(text.get(start..).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests;
