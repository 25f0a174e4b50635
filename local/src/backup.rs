//! The raw-event backup of each delivery stream, as the deployed stack configures it
//! (infra/lib/stream-pipeline.ts, `S3BackupMode: Enabled`; infra/README.md "Raw event backup"):
//! every record the stream received, before the transformation and whatever its outcome (Ok,
//! Dropped or ProcessingFailed), byte for byte as received (a System Two event and the `\n` the
//! API's mapping template ends it with), concatenated in arrival order, GZIP, under
//! `source/<stream>/YYYY/MM/DD/HH/<stream>-1-YYYY-MM-DD-HH-MM-SS-<uuid>.gz`: the hour (UTC) of the
//! oldest record's arrival, as Firehose's `!{timestamp:yyyy/MM/dd/HH}` takes it. Its buffers are
//! the S3 destination's, not the processor's: 5 MiB or 300 s by default, as deployed.

use std::io::Write;
use std::time::Duration;

use crate::buffers::Hints;
use crate::Error;

/// The S3 destination's buffering as deployed (`destinationBufferSizeMBs` 5,
/// `destinationBufferIntervalSeconds` 300), which the backup shares.
pub const DEFAULT_HINTS: Hints = Hints { bytes: 5 * 1_048_576, interval: Duration::from_secs(300) };

/// The records concatenated, nothing added, in one gzip member (Firehose's `GZIP`).
pub fn gzip(records: &[Vec<u8>]) -> Result<Vec<u8>, Error> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    for record in records {
        encoder.write_all(record).map_err(|source| Error::Compress { source })?;
    }
    encoder.finish().map_err(|source| Error::Compress { source })
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn records_are_concatenated_as_received() {
        let zipped = gzip(&[b"{\"a\":1}\n".to_vec(), b"{\"b\":2}\r\n".to_vec()]).unwrap();
        let mut content = Vec::new();
        flate2::read::MultiGzDecoder::new(zipped.as_slice()).read_to_end(&mut content).unwrap();
        assert_eq!(content, b"{\"a\":1}\n{\"b\":2}\r\n");
    }
}
