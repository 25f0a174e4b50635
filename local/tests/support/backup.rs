//! A tree as a delivery stream leaves it: the real pipeline's output from the sample events and,
//! beside it, each stream's raw backup as Firehose's source backup writes it, in each of the
//! formats a backup object can have (instead of the one `run` writes); and a tree into moto's S3.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use firehose_local::route::{self, Lane};

use super::*;

/// The instant the tree's objects are filed at.
pub(crate) const AT: &str = "2026-12-01T05:10:00Z";

/// Runs the sample events into `out` (objects filed at 05:10), then writes each stream's raw
/// backup for hour 05: records as the stream received them, with no separator and gzip for
/// every other stream, one a line for the rest.
pub(crate) fn tree(out: &Path) {
    let events = repo_root().join("events/system-two");
    let run = firehose_local(
        "http://127.0.0.1:9",
        &["run", events.to_str().unwrap(), "--out", out.to_str().unwrap(), "--frozen-clock", AT, "-q"],
    );
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    // The run keeps its own backup (newline-delimited, gzip); these trees vary the format, so
    // theirs replaces it.
    std::fs::remove_dir_all(out.join("source")).unwrap();
    let mut backup: BTreeMap<&'static str, Vec<u8>> = BTreeMap::new();
    let mut files: Vec<_> = std::fs::read_dir(&events).unwrap().map(|entry| entry.unwrap().path()).collect();
    files.sort();
    for file in files {
        for line in std::fs::read(file).unwrap().split(|byte| *byte == b'\n').filter(|line| !line.is_empty()) {
            if let Lane::Stream(stream) = route::by_content(line) {
                backup.entry(stream.name()).or_default().extend_from_slice(line);
                if stream.name().len() % 2 == 0 {
                    backup.entry(stream.name()).or_default().push(b'\n');
                }
            }
        }
    }
    for (i, (stream, mut content)) in backup.into_iter().enumerate() {
        if i % 2 == 0 {
            let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            encoder.write_all(&content).unwrap();
            content = encoder.finish().unwrap();
        }
        let folder = out.join(format!("source/{stream}/2026/12/01/05"));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join(format!("{stream}-1-2026-12-01-05-10-00-backup")), content).unwrap();
    }
}

/// Every file under `root` into the bucket, keyed by its path.
pub(crate) fn upload(moto: &Moto, root: &Path, bucket: &str) {
    let s3 = moto.s3();
    block_on(async {
        create_bucket(&s3, bucket).await;
        for (key, content) in files_below(root) {
            put(&s3, bucket, &key, content).await;
        }
    });
}
