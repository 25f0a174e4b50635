//! The bucket's layout, as the deployed delivery streams write it (the CDK app in
//! infra/lib/stream-pipeline.ts): `system-one/<stream>/YYYY/MM/DD/HH/` for data,
//! `errors/<stream>/processing-failed/YYYY/MM/DD/HH/` for records the function failed, and
//! `source/<stream>/YYYY/MM/DD/HH/` for the raw-event backup (GZIP, `.gz`), hours in UTC,
//! objects named `<deliveryStream>-1-YYYY-MM-DD-HH-MM-SS-<uuid>` as Firehose names them.

use std::path::{Path, PathBuf};

use jiff::tz::TimeZone;
use jiff::Timestamp;

/// Which prefix of the bucket an object goes under: one of a delivery stream's three.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefix {
    /// `system-one/<stream>/`: System One batch files.
    Data,
    /// `errors/<stream>/processing-failed/`: error-output lines.
    ProcessingFailed,
    /// `source/<stream>/`: every record the stream received, as received, gzipped (Firehose's
    /// S3 backup, `S3BackupMode: Enabled`, `compressionFormat: GZIP`).
    Source,
}

impl Prefix {
    /// What Firehose appends to a name of this prefix: `.gz` for its GZIP compression.
    pub fn extension(self) -> &'static str {
        match self {
            Prefix::Source => ".gz",
            Prefix::Data | Prefix::ProcessingFailed => "",
        }
    }
}

/// The folder of an object, relative to the output folder: the hour (UTC) of `at`, as
/// Firehose's `!{timestamp:yyyy/MM/dd/HH}` gives it.
pub fn folder(prefix: Prefix, delivery_stream: &str, at: Timestamp) -> PathBuf {
    let hour = at.to_zoned_datetime(TimeZone::UTC).strftime("%Y/%m/%d/%H").to_string();
    match prefix {
        Prefix::Data => Path::new("system-one").join(delivery_stream).join(hour),
        Prefix::ProcessingFailed => Path::new("errors").join(delivery_stream).join("processing-failed").join(hour),
        Prefix::Source => Path::new("source").join(delivery_stream).join(hour),
    }
}

/// An object's name: `<deliveryStream>-<version>-YYYY-MM-DD-HH-MM-SS-<uuid>`.
pub fn object_name(delivery_stream: &str, at: Timestamp, uuid: &str) -> String {
    let stamp = at.to_zoned_datetime(TimeZone::UTC).strftime("%Y-%m-%d-%H-%M-%S").to_string();
    format!("{delivery_stream}-1-{stamp}-{uuid}")
}

/// An object's key in the bucket (`/` between its parts), its extension included.
pub fn object_key(prefix: Prefix, delivery_stream: &str, at: Timestamp, uuid: &str) -> String {
    let mut parts: Vec<String> = folder(prefix, delivery_stream, at)
        .components()
        .map(|part| part.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.push(object_name(delivery_stream, at, uuid) + prefix.extension());
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lays_out_like_the_cdk_app() {
        let at: Timestamp = "2026-11-20T15:04:05.123Z".parse().unwrap();
        assert_eq!(folder(Prefix::Data, "orders", at), Path::new("system-one/orders/2026/11/20/15"));
        assert_eq!(
            folder(Prefix::ProcessingFailed, "orders", at),
            Path::new("errors/orders/processing-failed/2026/11/20/15")
        );
        assert_eq!(object_name("orders", at, "u"), "orders-1-2026-11-20-15-04-05-u");
        assert_eq!(
            object_key(Prefix::Source, "orders", at, "u"),
            "source/orders/2026/11/20/15/orders-1-2026-11-20-15-04-05-u.gz"
        );
        assert_eq!(
            object_key(Prefix::Data, "orders", at, "u"),
            "system-one/orders/2026/11/20/15/orders-1-2026-11-20-15-04-05-u"
        );
    }
}
