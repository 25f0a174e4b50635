//! What the command line names, typed as it is parsed (clap value parsers): a folder or an
//! `s3://` location, a `--to` destination, a stream, a time zone. A command gets these types,
//! never strings, and refuses what it cannot honour before it reads anything.

use std::path::PathBuf;

use shim::config::Config;
use shim::Stream;

/// A folder (or file) on this machine, or a bucket and a prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Local(PathBuf),
    S3 { bucket: String, prefix: String },
}

impl Location {
    /// `s3://BUCKET[/PREFIX]`, else a path.
    pub fn parse(text: &str) -> Result<Location, String> {
        let Some(rest) = text.strip_prefix("s3://") else {
            return Ok(Location::Local(PathBuf::from(text)));
        };
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err("an s3:// URL names a bucket: s3://BUCKET/PREFIX".to_owned());
        }
        Ok(Location::S3 { bucket: bucket.to_owned(), prefix: prefix.to_owned() })
    }

    /// A bucket alone (`s3://BUCKET`): where objects go under the keys Firehose gives them.
    pub fn parse_output(text: &str) -> Result<Location, String> {
        match Location::parse(text)? {
            Location::S3 { prefix, .. } if !prefix.is_empty() && prefix != "/" => {
                Err("give a bucket only (s3://BUCKET): objects go where Firehose puts them".to_owned())
            }
            Location::S3 { bucket, .. } => Ok(Location::S3 { bucket, prefix: String::new() }),
            local => Ok(local),
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Local(path) => write!(f, "{}", path.display()),
            Location::S3 { bucket, prefix } => write!(f, "s3://{bucket}/{prefix}"),
        }
    }
}

/// What `run` reads: event files (a path, `-`), a delivery stream's raw backup in S3
/// (`s3://BUCKET/source/<stream>/...`: reprocess a window), or a Kinesis data stream
/// (`kinesis:NAME`, with `--from`/`--to`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Path(PathBuf),
    Backup { bucket: String, prefix: String },
    Kinesis(String),
}

impl Input {
    pub fn parse(text: &str) -> Result<Input, String> {
        if let Some(name) = text.strip_prefix("kinesis:") {
            if name.is_empty() || name.replace("{stream}", "virtual-requests").len() > 128 {
                return Err("a Kinesis stream name of 1 to 128 characters is needed".to_owned());
            }
            return Ok(Input::Kinesis(name.to_owned()));
        }
        match Location::parse(text)? {
            Location::Local(path) => Ok(Input::Path(path)),
            Location::S3 { bucket, prefix } if prefix.starts_with("source/") => Ok(Input::Backup { bucket, prefix }),
            Location::S3 { .. } => {
                Err("run reads the raw backup from S3: s3://BUCKET/source/<stream>/[YYYY/MM/DD/HH/] (error output is \
                 replay's, System One objects are output)"
                    .to_owned())
            }
        }
    }
}

/// Where a replay sends what it recovers (`--to`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// System One objects into this bucket.
    Bucket(String),
    /// The raw events back onto this Kinesis data stream (`{stream}` becomes the stream).
    Kinesis(String),
}

impl Destination {
    pub fn parse(text: &str) -> Result<Destination, String> {
        if let Some(name) = text.strip_prefix("kinesis:") {
            if name.is_empty() || name.replace("{stream}", "virtual-requests").len() > 128 {
                return Err("a Kinesis stream name of 1 to 128 characters is needed".to_owned());
            }
            return Ok(Destination::Kinesis(name.to_owned()));
        }
        match Location::parse_output(text) {
            Ok(Location::S3 { bucket, .. }) => Ok(Destination::Bucket(bucket)),
            Ok(Location::Local(_)) => Err("expected s3://BUCKET or kinesis:NAME".to_owned()),
            Err(message) => Err(message),
        }
    }
}

/// A stream by its name.
pub fn stream(name: &str) -> Result<Stream, String> {
    Stream::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Stream::ALL.iter().map(|stream| stream.name()).collect();
        format!("not a stream; one of: {}", names.join(", "))
    })
}

/// An IANA time zone the functions know (`America/Chicago`).
pub fn zone(name: &str) -> Result<String, String> {
    Config::with_zone(Some(name))
        .map(|_| name.to_owned())
        .map_err(|_| "not an IANA time zone the functions know (e.g. America/Chicago)".to_owned())
}

/// An instant of a window (`--from`, `--to`): RFC 3339 (`2026-12-01T05:00:00Z`), or a UTC date
/// (`2026-12-01`, its midnight) or date and hour (`2026-12-01T05`), as the bucket's hour folders
/// are UTC.
pub fn instant(text: &str) -> Result<jiff::Timestamp, String> {
    if let Ok(at) = text.parse::<jiff::Timestamp>() {
        return Ok(at);
    }
    let civil = text
        .parse::<jiff::civil::DateTime>()
        .or_else(|_| format!("{text}:00").parse::<jiff::civil::DateTime>())
        .map_err(|_| "expected an RFC 3339 instant (2026-12-01T05:00:00Z), a UTC date (2026-12-01) or date and hour (2026-12-01T05)".to_owned())?;
    civil.to_zoned_datetime(jiff::tz::TimeZone::UTC).map(|zoned| zoned.timestamp()).map_err(|error| error.to_string())
}

/// A processor buffer size in MB: Firehose's range for a Lambda processor.
pub fn buffer_mb(text: &str) -> Result<f64, String> {
    let mb: f64 = text.parse().map_err(|_| "not a number".to_owned())?;
    if (0.2..=3.0).contains(&mb) {
        Ok(mb)
    } else {
        Err("must be between 0.2 and 3 (Firehose's range for a Lambda processor)".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_and_destinations() {
        assert_eq!(
            Location::parse("s3://b/errors/orders/"),
            Ok(Location::S3 { bucket: "b".into(), prefix: "errors/orders/".into() })
        );
        assert_eq!(Location::parse("out/errors"), Ok(Location::Local("out/errors".into())));
        assert!(Location::parse("s3:///x").is_err());
        assert_eq!(Location::parse_output("s3://b/"), Ok(Location::S3 { bucket: "b".into(), prefix: String::new() }));
        assert!(Location::parse_output("s3://b/backfill/").is_err());
        assert_eq!(Destination::parse("kinesis:prod-{stream}"), Ok(Destination::Kinesis("prod-{stream}".into())));
        assert_eq!(Destination::parse("s3://other"), Ok(Destination::Bucket("other".into())));
        assert!(Destination::parse("sqs:queue").is_err());
        assert!(Destination::parse("kinesis:").is_err());
        assert!(zone("Mars/Olympus").is_err());
        assert_eq!(
            Input::parse("s3://b/source/orders/2026/12/01/"),
            Ok(Input::Backup { bucket: "b".into(), prefix: "source/orders/2026/12/01/".into() })
        );
        assert!(Input::parse("s3://b/system-one/orders/").is_err());
        assert_eq!(Input::parse("kinesis:prod-{stream}"), Ok(Input::Kinesis("prod-{stream}".into())));
        assert_eq!(Input::parse("-"), Ok(Input::Path("-".into())));
        assert_eq!(zone("Europe/Paris").as_deref(), Ok("Europe/Paris"));
        let five: jiff::Timestamp = "2026-12-01T05:00:00Z".parse().unwrap();
        assert_eq!(instant("2026-12-01T05:00:00Z"), Ok(five));
        assert_eq!(instant("2026-12-01T05"), Ok(five));
        assert_eq!(instant("2026-12-01T05:00"), Ok(five));
        assert_eq!(instant("2026-12-01"), Ok("2026-12-01T00:00:00Z".parse().unwrap()));
        assert!(instant("yesterday").is_err());
    }
}
