//! The binary's commands on a bucket: `replay s3://...` (parses the target, runs
//! [`firehose_local::recover`] on a Tokio runtime, prints the summary, picks the exit status)
//! and `run --out s3://BUCKET`.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use firehose_local::aws::{self, parse_s3_url};
use firehose_local::input::Source;
use firehose_local::kinesis::Retry;
use firehose_local::pipeline::DEFAULT_BUFFER_MB;
use firehose_local::recover::{self, Options, Progress, Recovery, Target};
use firehose_local::{run, upload, Error, Settings};

use super::{BucketReplay, Common};

/// Lines of a list shown before "... and N more".
const SHOWN: usize = 20;

pub(crate) fn execute(command: &BucketReplay<'_>, common: &Common, settings: Settings) -> Result<ExitCode, Error> {
    let (bucket, prefix) = parse_s3_url(command.url)
        .ok_or_else(|| Error::Usage(format!("not an s3://BUCKET/PREFIX URL: {}", command.url)))?;
    let prefix = if prefix == "errors" { "errors/".to_owned() } else { prefix };
    if !prefix.starts_with("errors/") {
        return Err(Error::Usage(format!(
            "replay reads error output: the prefix must be under errors/ (e.g. s3://{bucket}/errors/orders/processing-failed/), not {prefix:?}"
        )));
    }
    let target = match command.to {
        None => Target::S3 { bucket: bucket.clone() },
        Some(to) => target(to)?,
    };
    let options = Options {
        bucket: bucket.clone(),
        prefix: prefix.clone(),
        target,
        dry_run: command.dry_run,
        forced: common.stream,
        config: settings.config,
        clock: settings.clock,
        retry: Retry { base: Duration::from_millis(command.retry_base_ms), ..Retry::default() },
        buffer_bytes: (DEFAULT_BUFFER_MB * firehose_local::pipeline::MB) as usize,
        concurrency: usize::from(command.concurrency),
        fail_move: command.fail_move,
    };
    let runtime = runtime()?;
    let bar = progress(common.quiet);
    let ticker = bar.clone();
    let recovery = runtime.block_on(async {
        let clients = aws::clients().await;
        recover::recover(&clients, &options, move |progress| match progress {
            Progress::Listed { bytes, .. } => {
                ticker.set_length(bytes);
                if let Ok(style) = ProgressStyle::with_template(
                    "{bar:40} {bytes}/{total_bytes} of error output {bytes_per_sec} eta {eta}",
                ) {
                    ticker.set_style(style);
                }
            }
            Progress::Done { bytes } => ticker.inc(bytes),
        })
        .await
    });
    bar.finish_and_clear();
    let recovery = recovery?;
    print(&options, &recovery);
    Ok(if recovery.complete() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// `run --out s3://BUCKET`: the run into a staging folder, then its objects into the bucket.
pub(crate) fn run_to_bucket(common: &Common, mut settings: Settings, sources: Vec<Source>) -> Result<ExitCode, Error> {
    let url = common.out.to_string_lossy().into_owned();
    let bucket = match parse_s3_url(&url) {
        Some((bucket, prefix)) if prefix.is_empty() || prefix == "/" => bucket,
        _ => {
            return Err(Error::Usage(format!(
                "--out {url}: give a bucket only (s3://BUCKET); objects go where Firehose puts them"
            )))
        }
    };
    let nanos = jiff::Timestamp::now().as_nanosecond();
    let staging = std::env::temp_dir().join(format!("firehose-local-run-{}-{nanos}", std::process::id()));
    settings.out = staging.clone();
    let bar = super::progress(&sources, common.quiet);
    let ticker = bar.clone();
    let report = run::run(settings, sources, common.stream, move |bytes| ticker.inc(bytes))?;
    bar.finish_and_clear();
    let runtime = runtime()?;
    let uploaded = runtime.block_on(async {
        let clients = aws::clients().await;
        upload::upload(&clients, &bucket, &staging, &report.written).await
    });
    let written = uploaded.map_err(|error| Error::Kept { staging: staging.clone(), source: Box::new(error) })?;
    let _ = std::fs::remove_dir_all(&staging);
    println!("firehose-local run: wrote {} objects to s3://{bucket}/", written.len());
    list("", &written);
    println!();
    print!("{}", report.table());
    Ok(ExitCode::SUCCESS)
}

/// The runtime the SDK's calls run on: one thread (the calls overlap, the work between them is
/// the transformation's).
fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|source| Error::Runtime { source })
}

fn target(to: &str) -> Result<Target, Error> {
    if let Some(name) = to.strip_prefix("kinesis:") {
        if name.is_empty() || name.replace("{stream}", "x").len() > 128 {
            return Err(Error::Usage(format!("--to {to}: a Kinesis stream name of 1 to 128 characters is needed")));
        }
        return Ok(Target::Kinesis { name: name.to_owned() });
    }
    match parse_s3_url(to) {
        Some((bucket, prefix)) if prefix.is_empty() || prefix == "/" => Ok(Target::S3 { bucket }),
        Some(_) => {
            Err(Error::Usage(format!("--to {to}: give a bucket only (s3://BUCKET); objects go under system-one/")))
        }
        None => Err(Error::Usage(format!("--to {to}: expected s3://BUCKET or kinesis:NAME"))),
    }
}

fn progress(quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} listing the error output {elapsed}") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

fn list(title: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    println!("{title}");
    for item in items.iter().take(SHOWN) {
        println!("  {item}");
    }
    if items.len() > SHOWN {
        println!("  ... and {} more", items.len() - SHOWN);
    }
}

fn print(options: &Options, recovery: &Recovery) {
    let source = format!("s3://{}/{}", options.bucket, options.prefix);
    let verb = if options.dry_run { "would write" } else { "wrote" };
    println!(
        "firehose-local replay {source}{}: {} source objects; {verb} {} objects{}",
        if options.dry_run { " (dry run: nothing written, nothing moved)" } else { "" },
        recovery.sources,
        recovery.written.len(),
        if recovery.kept > 0 {
            format!(", {} already there from an earlier run", recovery.kept)
        } else {
            String::new()
        }
    );
    list("", &recovery.written);
    if let Target::Kinesis { name } = &options.target {
        println!(
            "{} {} records on kinesis:{name} ({} throttled calls and {} failed entries retried)",
            if options.dry_run { "would put" } else { "put" },
            recovery.put,
            recovery.retried_calls,
            recovery.retried_entries
        );
    }
    println!();
    print!("{}", recovery.report.table());
    let moved: Vec<String> = recovery
        .moved
        .iter()
        .map(|(stream, count)| format!("{stream:<20} {count:>8}  to errors/{stream}/replayed/"))
        .collect();
    list("moved source objects:", &moved);
    let planned: Vec<String> = recovery.planned_moves.iter().map(|(from, to)| format!("{from} → {to}")).collect();
    list("would move:", &planned);
    let unput: Vec<String> = recovery
        .unput
        .iter()
        .map(|(stream, key, code, count)| {
            format!("{count} records of s3://{}/{key} not put on {stream}: {code}", options.bucket)
        })
        .collect();
    list("not put on Kinesis (the sources stay; run the replay again):", &unput);
    let unreadable: Vec<String> = recovery
        .unreadable
        .iter()
        .map(|(key, line)| format!("s3://{}/{key} line {line}: not an error-output record", options.bucket))
        .collect();
    list("unreadable lines (their sources stay where they are):", &unreadable);
    let kept: Vec<String> =
        recovery.not_moved.iter().map(|(key, why)| format!("s3://{}/{key}: {why}", options.bucket)).collect();
    list("not moved:", &kept);
    let total = recovery.report.total();
    let recovered = total.ok + total.dropped;
    if options.dry_run {
        println!(
            "dry run: {recovered} of {} records would be recovered, {} would still fail; {} of {} sources would move",
            total.records,
            total.failed,
            recovery.planned_moves.len(),
            recovery.sources
        );
    } else if recovery.complete() {
        println!("all {} records recovered", total.records);
    } else {
        println!(
            "{} of {} records still fail{}{}; still-failing records are under errors/<stream>/processing-failed/",
            total.failed,
            total.records,
            if recovery.unreadable.is_empty() {
                String::new()
            } else {
                format!(", {} lines unreadable", recovery.unreadable.len())
            },
            if recovery.unput.is_empty() { String::new() } else { ", some records not put on Kinesis".to_owned() },
        );
    }
}
