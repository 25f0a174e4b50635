//! `firehose-local`: Amazon Data Firehose and the nine transformation functions on one machine.
//!
//! Exit status: 0 success (`run`: all input processed; `replay`: every record recovered),
//! 1 (`replay` only) some records still fail, some lines were unreadable or (Kinesis target) some
//! records could not be put, 2 usage, I/O or AWS error (the message names bucket, key and the
//! AWS error code).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use shim::config::Config;
use shim::Stream;

use firehose_local::input::{self, Source};
use firehose_local::pipeline::{DEFAULT_BUFFER_MB, DEFAULT_INTERVAL_SECONDS, MB};
use firehose_local::{replay, run, Clock, Error, Report, Settings};

mod bucket;

/// What the command line says about a replay from S3.
#[derive(Debug)]
struct BucketReplay<'a> {
    url: &'a str,
    to: Option<&'a str>,
    dry_run: bool,
    concurrency: u16,
    retry_base_ms: u64,
    fail_move: bool,
}

#[derive(Debug, Parser)]
#[command(
    name = "firehose-local",
    version,
    about = "Play Amazon Data Firehose on one machine: System Two events through the real transformation \
             code, System One files and Firehose error output on disk, laid out as in the S3 bucket."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run System Two event files (JSON lines) through the nine delivery streams.
    Run {
        /// Event files, folders of them (their *.jsonl and *.ndjson files, recursively), or `-`
        /// for standard input.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<PathBuf>,
        #[command(flatten)]
        common: Common,
        /// Flush a stream's buffer once it holds this many MB of records (Firehose processor
        /// BufferSizeInMBs: 0.2 to 3).
        #[arg(long, value_name = "MB", default_value_t = DEFAULT_BUFFER_MB, value_parser = buffer_mb)]
        buffer_size: f64,
        /// Flush a stream's buffer once its oldest record has waited this many seconds
        /// (Firehose processor BufferIntervalInSeconds: 0 to 900).
        #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_INTERVAL_SECONDS,
              value_parser = clap::value_parser!(u64).range(0..=900))]
        buffer_interval: u64,
    },
    /// Replay Firehose error output (processing-failed) through the current transformation:
    /// local files, or straight from the bucket (`s3://BUCKET/errors/...`) back into it.
    Replay {
        /// Error-output files or folders of them (every file under them, recursively), or one
        /// `s3://BUCKET/PREFIX` with PREFIX under `errors/` (every object under it).
        #[arg(required = true, value_name = "PATH|S3_URL")]
        inputs: Vec<PathBuf>,
        #[command(flatten)]
        common: Common,
        /// S3 replay: where recovered records go. `s3://OTHER` writes the System One objects
        /// into another bucket; `kinesis:NAME` puts the raw events back on the stream's Kinesis
        /// data stream (`{stream}` in NAME becomes the stream, e.g. `kinesis:prod-{stream}`).
        /// [default: the source bucket]
        #[arg(long, value_name = "s3://BUCKET|kinesis:NAME")]
        to: Option<String>,
        /// S3 replay: read and transform, write and move nothing, print what would be done.
        #[arg(long)]
        dry_run: bool,
        /// S3 replay: source objects replayed at the same time (their S3 calls overlap).
        #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
        concurrency: u16,
        /// The first Kinesis retry delay, in milliseconds (doubled on each retry, with jitter).
        #[arg(long, value_name = "MS", default_value_t = 100, hide = true)]
        retry_base_ms: u64,
        /// Tests only: fail the move of each source, as a crash between writing and moving would.
        #[arg(long, hide = true)]
        fail_move: bool,
    },
}

#[derive(Debug, Args)]
struct Common {
    /// The output folder, laid out like the bucket; for `run`, also `s3://BUCKET`: the objects
    /// go straight into the bucket, keyed as Firehose keys them.
    #[arg(long, short, value_name = "DIR|s3://BUCKET", default_value = "out")]
    out: PathBuf,
    /// Send every record to this stream instead of routing it.
    #[arg(long, value_name = "STREAM", value_parser = stream_name)]
    stream: Option<Stream>,
    /// System One's IANA time zone [default: $SYSTEM_ONE_TIMEZONE, else America/Chicago].
    #[arg(long, value_name = "ZONE")]
    timezone: Option<String>,
    /// Do not draw a progress bar.
    #[arg(long, short)]
    quiet: bool,
    /// Append the functions' own log lines to this file: the JSON lines Lambda would send to
    /// CloudWatch Logs (`record failed` with the record id, reason, field and
    /// `approximateArrivalTimestamp`, which equals the error output's `arrivalTimestamp`;
    /// `batch transformed` with its reasons), each with the `invocationId` of its batch. Never a
    /// field value. Level from `RUST_LOG` / `AWS_LAMBDA_LOG_LEVEL`, else `info`.
    #[arg(long, value_name = "FILE")]
    log: Option<PathBuf>,
    /// Use this instant (RFC 3339) for every timestamp and make object names reproducible.
    #[arg(long, value_name = "TIME", hide = true)]
    frozen_clock: Option<jiff::Timestamp>,
}

fn stream_name(name: &str) -> Result<Stream, String> {
    Stream::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Stream::ALL.iter().map(|stream| stream.name()).collect();
        format!("not a stream; one of: {}", names.join(", "))
    })
}

fn buffer_mb(text: &str) -> Result<f64, String> {
    let mb: f64 = text.parse().map_err(|_| "not a number".to_owned())?;
    if (0.2..=3.0).contains(&mb) {
        Ok(mb)
    } else {
        Err("must be between 0.2 and 3 (Firehose's range for a Lambda processor)".to_owned())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli.command) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("firehose-local: {error}");
            ExitCode::from(2)
        }
    }
}

fn execute(command: Command) -> Result<ExitCode, Error> {
    match command {
        Command::Run { inputs, common, buffer_size, buffer_interval } => {
            function_logs(&common)?;
            let mut settings = settings(&common)?;
            settings.buffer_bytes = (buffer_size * MB) as usize;
            settings.interval = Duration::from_secs(buffer_interval);
            let sources = input::sources(&inputs, &[".jsonl", ".ndjson"])?;
            if common.out.to_string_lossy().starts_with("s3://") {
                return bucket::run_to_bucket(&common, settings, sources);
            }
            let bar = progress(&sources, common.quiet);
            let ticker = bar.clone();
            let report = run::run(settings, sources, common.stream, move |bytes| ticker.inc(bytes))?;
            bar.finish_and_clear();
            print_report("run", &common, &report);
            Ok(ExitCode::SUCCESS)
        }
        Command::Replay { inputs, common, to, dry_run, concurrency, retry_base_ms, fail_move } => {
            function_logs(&common)?;
            if inputs.iter().any(|input| input.to_string_lossy().starts_with("s3://")) {
                let [url] = inputs.as_slice() else {
                    return Err(Error::Usage("replay takes one s3:// URL, and no local paths beside it".into()));
                };
                let url = url.to_string_lossy();
                let bucket_replay =
                    BucketReplay { url: &url, to: to.as_deref(), dry_run, concurrency, retry_base_ms, fail_move };
                return bucket::execute(&bucket_replay, &common, settings(&common)?);
            }
            if to.is_some() || dry_run {
                return Err(Error::Usage("--to and --dry-run apply to a replay from s3://".into()));
            }
            let settings = settings(&common)?;
            let sources = input::sources(&inputs, &[])?;
            let bar = progress(&sources, common.quiet);
            let ticker = bar.clone();
            let report = replay::replay(settings, sources, common.stream, move |bytes| ticker.inc(bytes))?;
            bar.finish_and_clear();
            print_report("replay", &common, &report);
            let total = report.total();
            if report.all_succeeded() {
                println!("all {} records recovered", total.records);
                Ok(ExitCode::SUCCESS)
            } else {
                println!(
                    "{} of {} records still fail{}; they were written back under {}/errors/",
                    total.failed,
                    total.records,
                    if report.unreadable > 0 {
                        format!(" and {} lines were unreadable", report.unreadable)
                    } else {
                        String::new()
                    },
                    common.out.display()
                );
                Ok(ExitCode::from(1))
            }
        }
    }
}

/// With `--log FILE`: the functions' log lines, in their production JSON format, go to FILE
/// (one line at a time, so a crash loses none), so that a failed record in the error output
/// can be found in its invocation's lines as in CloudWatch Logs.
fn function_logs(common: &Common) -> Result<(), Error> {
    let Some(path) = &common.log else { return Ok(()) };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|source| Error::io("open the log file", path, source))?;
    let writer = std::sync::Mutex::new(std::io::LineWriter::new(file));
    let filter = shim::logging::Settings::from_env().filter();
    tracing::subscriber::set_global_default(shim::logging::json_logs(writer, filter))
        .map_err(|source| Error::Logging { path: path.clone(), source })
}

fn settings(common: &Common) -> Result<Settings, Error> {
    let zone = common.timezone.clone().or_else(|| std::env::var(shim::config::ZONE_VARIABLE).ok());
    let config = Config::with_zone(zone.as_deref())?;
    let mut settings = Settings::new(&common.out)?;
    settings.config = config;
    if let Some(at) = common.frozen_clock {
        settings.clock = Clock::Fixed(at);
    }
    Ok(settings)
}

/// A bar over the input's bytes (a spinner for standard input), on standard error, drawn only
/// when standard error is a terminal.
fn progress(sources: &[Source], quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = match input::total_bytes(sources) {
        Some(total) => {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            if let Ok(style) =
                ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta} {msg}")
            {
                bar.set_style(style);
            }
            bar
        }
        None => {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template("{spinner} {bytes} read {bytes_per_sec} {elapsed}") {
                bar.set_style(style);
            }
            bar
        }
    };
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

fn print_report(command: &str, common: &Common, report: &Report) {
    let shown = 20;
    println!("firehose-local {command}: wrote {} files under {}/", report.written.len(), common.out.display());
    for path in report.written.iter().take(shown) {
        println!("  {}", path.display());
    }
    if report.written.len() > shown {
        println!("  ... and {} more", report.written.len() - shown);
    }
    println!();
    print!("{}", report.table());
}
