//! `firehose-local run`: System Two event files through the local delivery streams, into a
//! folder or (`--out s3://BUCKET`) a bucket, each flushed batch's objects (System One data,
//! error output, raw backup) planned and applied through the store as the run goes
//! ([`crate::run::Apply`]); `--dry-run` applies them to a [`DryRun`] store: the plan is printed,
//! nothing is written.
//!
//! Safe to run twice: into a folder that already holds output (`system-one/`, `errors/`,
//! `source/`) it refuses, since a second run would add a second copy of every record. Into a
//! bucket (which holds other output, so cannot be refused for that), the bucket is checked
//! before any input is read, every object is created only where its key is free, and a run
//! leaves a mark, `firehose-local/runs/<id>.json` (id: a hash of the input files' bytes and the
//! forced stream), created before the first object (`"status": "started"`) and rewritten at the
//! end with every object it wrote (`"finished"`, or `"stopped"` and the error): the same input
//! run into the bucket again is refused, finished or not.

use std::fmt::Write as _;
use std::path::Path;

use shim::Stream;

use super::{count, list, progress, runtime, ExitStatus, Finished};
use crate::input::{self, Source};
use crate::location::{Input, Location};
use crate::refusal::Refusal;
use crate::run::Apply;
use crate::store::{Bucket, Created, DryRun, Folder, Store};
use crate::{aws, ids, Error, Report, Settings};

/// The command line of `run`.
#[derive(Debug, Clone)]
pub struct RunCommand {
    pub inputs: Vec<Input>,
    /// `--from`, `--to`: the window of a `kinesis:NAME` input.
    pub window: (Option<jiff::Timestamp>, Option<jiff::Timestamp>),
    pub out: Location,
    pub stream: Option<Stream>,
    /// Buffering, time zone and clock (its `out` is not used: `out` is).
    pub settings: Settings,
    /// Print the plan, write nothing.
    pub dry_run: bool,
    pub quiet: bool,
}

/// Where a run into a bucket leaves its mark.
pub const RUNS_PREFIX: &str = "firehose-local/runs/";

/// The prefixes a run writes under.
const OUTPUT_PREFIXES: [&str; 3] = ["system-one/", "errors/", "source/"];

pub fn run(command: RunCommand) -> Result<Finished, Error> {
    let sources = input::inputs(&command.inputs, &[".jsonl", ".ndjson"], command.window)?;
    let runtime = runtime()?;
    match &command.out {
        Location::Local(out) => {
            let folder = Folder::new(out);
            runtime.block_on(refuse_a_second_run(&folder, out))?;
            let (report, written) = if command.dry_run {
                process(&command, sources, &runtime, DryRun::new(folder))
            } else {
                process(&command, sources, &runtime, folder)
            };
            let report = report?;
            let mut summary = String::new();
            let _ = writeln!(summary, "{} under {}/", headline(&command, written.len(), "file"), out.display());
            Ok(finish(summary, &written, &report, out.display().to_string()))
        }
        Location::S3 { bucket, .. } => to_bucket(&command, sources, &runtime, bucket),
    }
}

/// `wrote 3 files` or, dry, `would write 3 files (dry run: nothing written)`.
fn headline(command: &RunCommand, written: usize, what: &str) -> String {
    if command.dry_run {
        format!("firehose-local run --dry-run: would write {} (nothing written)", count(written, what))
    } else {
        format!("firehose-local run: wrote {}", count(written, what))
    }
}

/// A folder that holds a run's output already is refused: a second run would write every
/// record again under new names.
async fn refuse_a_second_run(folder: &Folder, out: &Path) -> Result<(), Error> {
    let mut objects = 0;
    for prefix in OUTPUT_PREFIXES {
        objects += folder.list(prefix).await?.len();
    }
    if objects > 0 {
        return Err(Refusal::OutputHoldsARun { out: out.to_owned(), objects }.into());
    }
    Ok(())
}

/// The pipeline over the input, each flushed batch applied to `store`; the report, and every
/// object written (or, dry, to write) so far, also when the run stopped.
fn process<S: Store>(
    command: &RunCommand,
    sources: Vec<Source>,
    runtime: &tokio::runtime::Runtime,
    store: S,
) -> (Result<Report, Error>, Vec<String>) {
    let bar = progress::over_bytes(input::total_bytes(&sources), command.quiet);
    let ticker = bar.clone();
    let mut apply = Apply::new(runtime, store);
    let report = crate::run::run_into(
        command.settings.clone(),
        sources,
        command.stream,
        move |bytes| ticker.inc(bytes),
        &mut apply,
    );
    bar.finish_and_clear();
    (report, apply.written)
}

/// The run straight into the bucket: checked first (it exists, this input was not run into it),
/// its mark created, the objects created as the buffers flush, the mark completed.
fn to_bucket(
    command: &RunCommand,
    sources: Vec<Source>,
    runtime: &tokio::runtime::Runtime,
    bucket_name: &str,
) -> Result<Finished, Error> {
    let mark = run_mark(&sources, command.stream)?;
    let bucket = runtime.block_on(async {
        let bucket = Bucket::new(aws::clients().await.s3, bucket_name);
        bucket.check().await?;
        refuse_a_rerun(&bucket, &mark).await?;
        Ok::<Bucket, Error>(bucket)
    })?;
    let mark_url = bucket.url(&mark);
    let (report, written) = if command.dry_run {
        process(command, sources, runtime, DryRun::new(&bucket))
    } else {
        let started = serde_json::json!({ "status": "started", "objects": [] }).to_string().into_bytes();
        if runtime.block_on(bucket.create(&mark, started))? == Created::Exists {
            return Err(Refusal::RunUnfinished { bucket: bucket_name.to_owned(), mark: mark_url }.into());
        }
        let (report, written) = process(command, sources, runtime, &bucket);
        let (status, error) = match &report {
            Ok(_) => ("finished", None),
            Err(error) => ("stopped", Some(error.to_string())),
        };
        let listing = serde_json::json!({ "status": status, "error": error, "objects": written });
        runtime.block_on(bucket.replace(&mark, listing.to_string().into_bytes()))?;
        let report = report.map_err(|source| Error::RunStopped {
            mark: mark_url.clone(),
            written: written.len(),
            source: Box::new(source),
        });
        (report, written)
    };
    let report = report?;
    let mut summary = String::new();
    let _ = write!(summary, "{} to s3://{bucket_name}/", headline(command, written.len(), "object"));
    let _ = writeln!(summary, ", and {} its mark {mark_url}", if command.dry_run { "would write" } else { "wrote" });
    Ok(finish(summary, &written, &report, format!("s3://{bucket_name}")))
}

/// Refuses an input whose mark is in the bucket: run already, or started and not finished.
async fn refuse_a_rerun(bucket: &Bucket, mark: &str) -> Result<(), Error> {
    let Some(content) = bucket.get(mark).await? else { return Ok(()) };
    let status = serde_json::from_slice::<serde_json::Value>(&content)
        .ok()
        .and_then(|listing| listing.get("status").and_then(|status| status.as_str().map(str::to_owned)));
    let (bucket, mark) = (bucket.name().to_owned(), bucket.url(mark));
    Err(match status.as_deref() {
        // Marks written before the status was: a finished run.
        Some("finished") | None => Refusal::RunBefore { bucket, mark },
        Some(_) => Refusal::RunUnfinished { bucket, mark },
    }
    .into())
}

/// The key of the mark a run into a bucket leaves: from the input files' bytes (in order) and
/// the forced stream. Standard input cannot be recognized on a rerun: refused.
fn run_mark(sources: &[Source], stream: Option<Stream>) -> Result<String, Error> {
    let mut parts: Vec<Vec<u8>> = vec![stream.map_or("", |stream| stream.name()).as_bytes().to_vec()];
    for source in sources {
        let path = match source {
            Source::File(path) => path,
            // Read again from AWS: the same place (and window) is the same input.
            Source::Backup { bucket, prefix } => {
                parts.push(format!("s3://{bucket}/{prefix}").into_bytes());
                continue;
            }
            Source::Kinesis { name, from, to, .. } => {
                parts.push(format!("kinesis:{name} {from} {to}").into_bytes());
                continue;
            }
            Source::Stdin => return Err(Refusal::StdinIntoBucket.into()),
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
