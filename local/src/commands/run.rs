//! `firehose-local run`: System Two event files through the local delivery streams, into a
//! folder or (`--out s3://BUCKET`) a bucket.
//!
//! Safe to run twice: into a folder that already holds output (`system-one/`, `errors/`) it
//! refuses, since a second run would add a second copy of every record. Into a bucket (which
//! holds other output, so cannot be refused for that), the bucket is checked before any input
//! is read, every object is created only where its key is free, and a finished run leaves a
//! mark, `firehose-local/runs/<id>.json` (id: a hash of the input files' bytes and the forced
//! stream), listing its objects: the same input run into the bucket again is refused.

use std::fmt::Write as _;
use std::path::PathBuf;

use shim::Stream;

use super::{count, list, progress, runtime, ExitStatus, Finished};
use crate::input::{self, Source};
use crate::location::Location;
use crate::refusal::Refusal;
use crate::store::{Bucket, Created, Folder, Store};
use crate::{aws, ids, Error, Report, Settings};

/// The command line of `run`.
#[derive(Debug, Clone)]
pub struct RunCommand {
    pub inputs: Vec<PathBuf>,
    pub out: Location,
    pub stream: Option<Stream>,
    /// Buffering, time zone and clock; its `out` is set here.
    pub settings: Settings,
    pub quiet: bool,
}

/// Where a run into a bucket leaves its mark.
pub const RUNS_PREFIX: &str = "firehose-local/runs/";

/// The prefixes a run writes under.
const OUTPUT_PREFIXES: [&str; 2] = ["system-one/", "errors/"];

pub fn run(command: RunCommand) -> Result<Finished, Error> {
    let sources = input::sources(&command.inputs, &[".jsonl", ".ndjson"])?;
    match &command.out {
        Location::Local(out) => {
            refuse_a_second_run(out)?;
            let report = pipeline(&command, sources, out.clone())?;
            let mut summary = String::new();
            let written: Vec<String> = report.written.iter().map(|path| path.display().to_string()).collect();
            let _ = writeln!(
                summary,
                "firehose-local run: wrote {} under {}/",
                count(written.len(), "file"),
                out.display()
            );
            Ok(finish(summary, &written, &report, out.display().to_string()))
        }
        Location::S3 { bucket, .. } => to_bucket(&command, sources, bucket),
    }
}

/// A folder that holds a run's output already is refused: a second run would write every
/// record again under new names.
fn refuse_a_second_run(out: &std::path::Path) -> Result<(), Error> {
    let folder = Folder::new(out);
    let runtime = runtime()?;
    let mut found = 0;
    for prefix in OUTPUT_PREFIXES {
        found += runtime.block_on(folder.list(prefix))?.len();
    }
    if found > 0 {
        return Err(Refusal::OutputHoldsARun { out: out.to_owned(), objects: found }.into());
    }
    Ok(())
}

fn pipeline(command: &RunCommand, sources: Vec<Source>, out: PathBuf) -> Result<Report, Error> {
    let mut settings = command.settings.clone();
    settings.out = out;
    let bar = progress::over_bytes(input::total_bytes(&sources), command.quiet);
    let ticker = bar.clone();
    let report = crate::run::run(settings, sources, command.stream, move |bytes| ticker.inc(bytes));
    bar.finish_and_clear();
    report
}

/// The run into a staging folder (its buffers flush on their own schedule), then its objects
/// into the bucket under their path below it, each created only where the key is free.
fn to_bucket(command: &RunCommand, sources: Vec<Source>, bucket_name: &str) -> Result<Finished, Error> {
    let mark = run_mark(&sources, command.stream)?;
    let runtime = runtime()?;
    let bucket = runtime.block_on(async {
        let bucket = Bucket::new(aws::clients().await.s3, bucket_name);
        bucket.check().await?;
        if bucket.exists(&mark).await? {
            return Err(Error::from(Refusal::RunBefore { bucket: bucket_name.to_owned(), mark: bucket.url(&mark) }));
        }
        Ok(bucket)
    })?;
    let nanos = jiff::Timestamp::now().as_nanosecond();
    let staging = std::env::temp_dir().join(format!("firehose-local-run-{}-{nanos}", std::process::id()));
    let report = pipeline(command, sources, staging.clone())?;
    let folder = Folder::new(&staging);
    let uploaded = runtime.block_on(async {
        let mut written = Vec::with_capacity(report.written.len());
        for path in &report.written {
            let key = folder.key_of(path).unwrap_or_default();
            let content = std::fs::read(path).map_err(|error| Error::io("read", path, error))?;
            match bucket.create(&key, content).await? {
                Created::Written => written.push(bucket.url(&key)),
                Created::Exists => return Err(Error::ObjectExists { url: bucket.url(&key) }),
            }
        }
        let listing = serde_json::json!({ "objects": written }).to_string().into_bytes();
        bucket.create(&mark, listing).await?;
        Ok(written)
    });
    let written = uploaded.map_err(|error| Error::Kept { staging: staging.clone(), source: Box::new(error) })?;
    let _ = std::fs::remove_dir_all(&staging);
    let mut summary = String::new();
    let _ = writeln!(summary, "firehose-local run: wrote {} to s3://{bucket_name}/", count(written.len(), "object"));
    Ok(finish(summary, &written, &report, format!("s3://{bucket_name}")))
}

/// The key of the mark a finished run into a bucket leaves: from the input files' bytes (in
/// order) and the forced stream. Standard input cannot be recognized on a rerun: refused.
fn run_mark(sources: &[Source], stream: Option<Stream>) -> Result<String, Error> {
    let mut parts: Vec<Vec<u8>> = vec![stream.map_or("", |stream| stream.name()).as_bytes().to_vec()];
    for source in sources {
        let Source::File(path) = source else {
            return Err(Refusal::StdinIntoBucket.into());
        };
        let content = std::fs::read(path).map_err(|error| Error::io("read", path, error))?;
        parts.push(ids::fnv1a(&[&content]).to_be_bytes().to_vec());
        parts.push((content.len() as u64).to_be_bytes().to_vec());
    }
    let parts: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    Ok(format!("{RUNS_PREFIX}{}.json", ids::uuid_like(&parts)))
}

/// The list of what was written, the table, and whether anything looked like System Two events.
fn finish(mut summary: String, written: &[String], report: &Report, out: String) -> Finished {
    list(&mut summary, "", written);
    summary.push('\n');
    summary.push_str(&report.table());
    let lines = report.total().records;
    if report.routed == 0 {
        let _ = writeln!(
            summary,
            "nothing here looked like System Two events: {} read, none names an entity of the nine streams \
             in its eventType (event files are JSON lines, *.jsonl or *.ndjson in a folder); {}",
            count(lines, "line"),
            if lines == 0 {
                "nothing was written".to_owned()
            } else {
                format!("every line is kept under {out}/errors/unrouted/processing-failed/")
            }
        );
        return Finished { summary, status: ExitStatus::NothingRecognized };
    }
    Finished { summary, status: ExitStatus::Success }
}
