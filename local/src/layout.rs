//! The output folder laid out as the deployed delivery streams lay out the bucket
//! (the CDK app in infra/lib): `system-one/<stream>/YYYY/MM/DD/HH/` for data and
//! `errors/<stream>/processing-failed/YYYY/MM/DD/HH/` for records the function failed, in UTC,
//! objects named `<deliveryStream>-1-YYYY-MM-DD-HH-MM-SS-<uuid>` as Firehose names them.

use std::fs;
use std::path::{Path, PathBuf};

use jiff::tz::TimeZone;
use jiff::Timestamp;

use crate::ids::uuid_like;
use crate::store::Created;
use crate::Error;

/// Which prefix of the bucket an object goes under: one of a delivery stream's two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefix {
    /// `system-one/<stream>/`: System One batch files.
    Data,
    /// `errors/<stream>/processing-failed/`: error-output lines.
    ProcessingFailed,
}

/// The folder of an object, relative to the output folder.
pub fn folder(prefix: Prefix, delivery_stream: &str, at: Timestamp) -> PathBuf {
    let hour = at.to_zoned_datetime(TimeZone::UTC).strftime("%Y/%m/%d/%H").to_string();
    match prefix {
        Prefix::Data => Path::new("system-one").join(delivery_stream).join(hour),
        Prefix::ProcessingFailed => Path::new("errors").join(delivery_stream).join("processing-failed").join(hour),
    }
}

/// An object's name: `<deliveryStream>-<version>-YYYY-MM-DD-HH-MM-SS-<uuid>`.
pub fn object_name(delivery_stream: &str, at: Timestamp, uuid: &str) -> String {
    let stamp = at.to_zoned_datetime(TimeZone::UTC).strftime("%Y-%m-%d-%H-%M-%S").to_string();
    format!("{delivery_stream}-1-{stamp}-{uuid}")
}

/// Writes output objects under one folder, never over an existing file, each under a
/// temporary name first and then linked into place (as S3 makes a PUT visible whole): the
/// import job never reads half a file.
#[derive(Debug)]
pub struct Writer {
    root: PathBuf,
    seed: u64,
    count: u64,
    written: Vec<PathBuf>,
}

impl Writer {
    pub fn new(root: &Path, seed: u64) -> Writer {
        Writer { root: root.to_owned(), seed, count: 0, written: Vec::new() }
    }

    /// Writes `content` as a new object; returns its path.
    pub fn write(
        &mut self,
        prefix: Prefix,
        delivery_stream: &str,
        at: Timestamp,
        content: &[u8],
    ) -> Result<PathBuf, Error> {
        let folder = self.root.join(folder(prefix, delivery_stream, at));
        fs::create_dir_all(&folder).map_err(|error| Error::io("create", &folder, error))?;
        loop {
            self.count += 1;
            let uuid = uuid_like(&[
                delivery_stream.as_bytes(),
                &self.seed.to_be_bytes(),
                &self.count.to_be_bytes(),
                &at.as_millisecond().to_be_bytes(),
            ]);
            let path = folder.join(object_name(delivery_stream, at, &uuid));
            if crate::store::create_file(&path, content)? == Created::Written {
                self.written.push(path.clone());
                return Ok(path);
            }
        }
    }

    /// Every object written, in order.
    pub fn written(&self) -> &[PathBuf] {
        &self.written
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lays_out_like_the_template() {
        let at: Timestamp = "2026-11-20T15:04:05.123Z".parse().unwrap();
        assert_eq!(folder(Prefix::Data, "orders", at), Path::new("system-one/orders/2026/11/20/15"));
        assert_eq!(
            folder(Prefix::ProcessingFailed, "orders", at),
            Path::new("errors/orders/processing-failed/2026/11/20/15")
        );
        assert_eq!(object_name("orders", at, "u"), "orders-1-2026-11-20-15-04-05-u");
    }

    #[test]
    fn never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let at: Timestamp = "2026-11-20T15:04:05Z".parse().unwrap();
        let mut first = Writer::new(dir.path(), 0);
        let mut second = Writer::new(dir.path(), 0);
        let a = first.write(Prefix::Data, "orders", at, b"a\n").unwrap();
        let b = second.write(Prefix::Data, "orders", at, b"b\n").unwrap();
        assert_ne!(a, b);
        assert_eq!(fs::read(a).unwrap(), b"a\n");
        assert_eq!(fs::read(b).unwrap(), b"b\n");
    }
}
