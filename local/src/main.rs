//! `firehose-local`: Amazon Data Firehose and the nine transformation functions on one machine.
//! This file parses the command line into typed values and dispatches to
//! [`firehose_local::commands`], then prints the command's summary.
//!
//! Exit status ([`ExitStatus`]): 0 success; 1 (`replay`) some records still fail, some lines
//! were unreadable or (Kinesis) some records could not be put; 2 usage, I/O or AWS error (the
//! message names the flag, the path, or the bucket, key and AWS error code); 3 nothing in the
//! input looked like what the command reads (System Two events for `run`, Firehose error output
//! for `replay`). `smoke`: 0 every check passed, 1 a check failed, 2 usage, a missing stack or
//! output, or no credentials. When standard output closes early (`| head -1`), the summary is cut short
//! quietly and the status is the command's own.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use shim::config::Config;
use shim::Stream;

use firehose_local::commands::{
    self, CheckKind, ExitStatus, Finished, ReconcileCommand, ReplayCommand, RunCommand, SmokeCommand,
};
use firehose_local::kinesis::Retry;
use firehose_local::location::{self, Destination, Input, Location};
use firehose_local::pipeline::{DEFAULT_BUFFER_MB, DEFAULT_INTERVAL_SECONDS, MB};
use firehose_local::{Clock, Error, Settings};

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
        /// Event files, folders of them (their *.jsonl and *.ndjson files, recursively), `-` for
        /// standard input; `s3://BUCKET/source/<stream>/[YYYY/MM/DD/HH/]`, the raw backup the
        /// delivery streams kept (reprocess a window; each record for the stream whose backup it
        /// is); or `kinesis:NAME` (with --from), a Kinesis data stream's records while retained
        /// (`{stream}` in NAME: the nine streams, `kinesis:prod-{stream}`).
        #[arg(required = true, value_name = "INPUT", value_parser = Input::parse)]
        inputs: Vec<Input>,
        /// kinesis:NAME only: read from the records that arrived at this instant (UTC:
        /// 2026-12-01, 2026-12-01T05, or RFC 3339), AT_TIMESTAMP on every shard.
        #[arg(long, value_name = "TIME", value_parser = location::instant)]
        from: Option<jiff::Timestamp>,
        /// kinesis:NAME only: stop at the first record that arrived at or after this instant
        /// [default: now; a shard is read until it is caught up].
        #[arg(long, value_name = "TIME", value_parser = location::instant)]
        to: Option<jiff::Timestamp>,
        /// The output folder, laid out like the bucket (refused when it holds an earlier run's
        /// output), or `s3://BUCKET`: the objects go straight into the bucket, keyed as
        /// Firehose keys them, each only where its key is free. Either way the raw events are
        /// kept too, under source/<stream>/YYYY/MM/DD/HH/, as Firehose's source backup.
        #[arg(long, short, value_name = "DIR|s3://BUCKET", default_value = "out", value_parser = Location::parse_output)]
        out: Location,
        #[command(flatten)]
        common: Common,
        /// Flush a stream's buffer once it holds this many MB of records (Firehose processor
        /// BufferSizeInMBs: 0.2 to 3).
        #[arg(long, value_name = "MB", default_value_t = DEFAULT_BUFFER_MB, value_parser = location::buffer_mb)]
        buffer_size: f64,
        /// Flush a stream's buffer once its oldest record has waited this many seconds
        /// (Firehose processor BufferIntervalInSeconds: 0 to 900).
        #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_INTERVAL_SECONDS,
              value_parser = clap::value_parser!(u64).range(0..=900))]
        buffer_interval: u64,
        /// Read and transform everything, write nothing, print the plan: every object the run
        /// would write (System One, error output, raw backup under source/). The same checks
        /// and refusals as a real run.
        #[arg(long)]
        dry_run: bool,
    },
    /// Replay Firehose error output (processing-failed) through the current transformation:
    /// files, or straight from the bucket (`s3://BUCKET/errors/...`) back into it. Safe to run
    /// twice: what was replayed is moved to errors/<stream>/replayed/ (or, for files outside
    /// --out, marked by a journal), and nothing is written twice.
    Replay {
        /// Error-output files or folders of them (every file under them, recursively), or one
        /// `s3://BUCKET/PREFIX` with PREFIX under `errors/` (every object under it).
        #[arg(required = true, value_name = "PATH|S3_URL", value_parser = Location::parse)]
        inputs: Vec<Location>,
        /// Local replay: the output folder, laid out like the bucket [default: out]. Refused
        /// with an s3:// input, which writes into its bucket (or --to).
        #[arg(long, short, value_name = "DIR")]
        out: Option<PathBuf>,
        #[command(flatten)]
        common: Common,
        /// S3 replay: where recovered records go. `s3://OTHER` writes the System One objects
        /// into another bucket; `kinesis:NAME` puts the raw events back on the stream's Kinesis
        /// data stream (`{stream}` in NAME becomes the stream, e.g. `kinesis:prod-{stream}`).
        /// [default: the source bucket]
        #[arg(long, value_name = "s3://BUCKET|kinesis:NAME", value_parser = Destination::parse)]
        to: Option<Destination>,
        /// Read and transform, write and move nothing, print the plan: what would be written
        /// and moved.
        #[arg(long)]
        dry_run: bool,
        /// Source objects replayed at the same time (their S3 calls overlap).
        #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
        concurrency: u16,
        /// The first Kinesis retry delay, in milliseconds (doubled on each retry, with jitter).
        #[arg(long, value_name = "MS", default_value_t = 100, hide = true)]
        retry_base_ms: u64,
        /// Tests only: fail the move of each source, as a crash between writing and moving would.
        #[arg(long, hide = true)]
        fail_move: bool,
    },
    /// Prove from the raw backup (`source/<stream>/YYYY/MM/DD/HH/`) that every record reached
    /// System One (or the error output) exactly once, per stream and hour; with --repair, write
    /// what is missing. Exit 0 clean, 1 something missing, unexpected or differing, 2 usage,
    /// I/O or AWS error, 3 no raw record in the window.
    Reconcile {
        /// The output folder of `run`, or `s3://BUCKET`.
        #[arg(value_name = "OUT|s3://BUCKET", value_parser = Location::parse_output)]
        target: Location,
        /// Only this stream [default: all nine].
        #[arg(long, value_name = "STREAM", value_parser = location::stream)]
        stream: Option<Stream>,
        /// The window's start (UTC: 2026-12-01, 2026-12-01T05, or RFC 3339) [default: 24 hours
        /// before --to].
        #[arg(long, value_name = "TIME", value_parser = location::instant)]
        from: Option<jiff::Timestamp>,
        /// The window's end, exclusive [default: the start of the hour MARGIN hours before now].
        #[arg(long, value_name = "TIME", value_parser = location::instant)]
        to: Option<jiff::Timestamp>,
        /// Hours of output read around each hour of records: ceil((processor buffer interval +
        /// destination buffer interval + processor retry duration, in seconds) / 3600).
        #[arg(long, value_name = "HOURS", default_value_t = firehose_local::reconcile::DEFAULT_MARGIN_HOURS,
              value_parser = clap::value_parser!(u32).range(1..=24))]
        margin_hours: u32,
        /// Details (lines) listed per stream and hour; 0 for counts only.
        #[arg(long, value_name = "N", default_value_t = firehose_local::reconcile::DEFAULT_MAX_DETAILS)]
        max_details: usize,
        /// One JSON object on the last line of standard output instead of the table.
        #[arg(long)]
        json: bool,
        /// Write the missing System One lines and missing error output as new objects (never
        /// over or instead of a delivered one; safe to run twice).
        #[arg(long)]
        repair: bool,
        /// With --repair: also write today's line for each differing record (the import job then
        /// sees a newer version of an old change; see docs/operations.md).
        #[arg(long)]
        include_differing: bool,
        /// With --repair: write nothing, print the repair plan.
        #[arg(long)]
        dry_run: bool,
        /// System One's IANA time zone [default: $SYSTEM_ONE_TIMEZONE, else America/Chicago].
        #[arg(long, value_name = "ZONE", value_parser = location::zone)]
        timezone: Option<String>,
    },
    /// After a deploy: prove each path of the deployed stack with real calls (a heartbeat
    /// through the API to the raw backup and the function, an alarm to its topic, the replay
    /// role, the rollback versions), changing nothing the import job reads. Exit 0 every check
    /// passed, 1 a check failed, 2 usage, missing stack or output, credentials.
    Smoke {
        /// The CloudFormation stack (its outputs name everything the checks use).
        #[arg(long, value_name = "NAME")]
        stack: String,
        /// Check only these streams [default: every stream of the stack].
        #[arg(long = "stream", value_name = "STREAM", value_parser = location::stream)]
        streams: Vec<Stream>,
        /// Run only these checks [default: all].
        #[arg(long, value_name = "CHECK", value_enum)]
        only: Vec<CheckKind>,
        /// How long to wait for the heartbeat downstream (Firehose buffers it: processor and S3
        /// intervals), e.g. 90s, 15m.
        #[arg(long, value_name = "DURATION", default_value = "15m", value_parser = commands::duration)]
        timeout: Duration,
        /// Print one JSON document instead of the table.
        #[arg(long)]
        json: bool,
        /// Accept a function with no older version to roll back to (the stack's first deploy).
        #[arg(long)]
        first_deploy: bool,
        /// Read the stack's outputs and print the checks; send, set and assume nothing.
        #[arg(long)]
        dry_run: bool,
        /// How often the downstream places are polled, in milliseconds.
        #[arg(long, value_name = "MS", default_value_t = 10_000, hide = true)]
        poll_ms: u64,
    },
}

#[derive(Debug, Args)]
struct Common {
    /// Send every record to this stream instead of routing it.
    #[arg(long, value_name = "STREAM", value_parser = location::stream)]
    stream: Option<Stream>,
    /// System One's IANA time zone [default: $SYSTEM_ONE_TIMEZONE, else America/Chicago].
    #[arg(long, value_name = "ZONE", value_parser = location::zone)]
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    let finished = execute(cli.command);
    let status = match finished {
        Ok(Finished { summary, status }) => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head -1`) cuts the summary short, quietly; the work is done.
            match stdout.write_all(summary.as_bytes()).and_then(|()| stdout.flush()) {
                Ok(()) => status,
                Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => status,
                Err(source) => {
                    eprintln!("firehose-local: {}", Error::Output { source });
                    ExitStatus::Error
                }
            }
        }
        Err(error) => {
            eprintln!("firehose-local: {error}");
            ExitStatus::from(error)
        }
    };
    ExitCode::from(status.code())
}

fn execute(command: Command) -> Result<Finished, Error> {
    match command {
        Command::Run { inputs, from, to, out, common, buffer_size, buffer_interval, dry_run } => {
            function_logs(&common)?;
            let mut settings = Settings::new("out")?;
            settings.config = config(&common)?;
            settings.clock = clock(&common);
            settings.buffer_bytes = (buffer_size * MB) as usize;
            settings.interval = Duration::from_secs(buffer_interval);
            commands::run(RunCommand {
                inputs,
                window: (from, to),
                out,
                stream: common.stream,
                settings,
                dry_run,
                quiet: common.quiet,
            })
        }
        Command::Replay { inputs, out, common, to, dry_run, concurrency, retry_base_ms, fail_move } => {
            function_logs(&common)?;
            commands::replay(ReplayCommand {
                inputs,
                out,
                to,
                dry_run,
                stream: common.stream,
                config: config(&common)?,
                clock: clock(&common),
                concurrency,
                retry: Retry { base: Duration::from_millis(retry_base_ms), ..Retry::default() },
                fail_move,
                quiet: common.quiet,
            })
        }
        Command::Reconcile {
            target,
            stream,
            from,
            to,
            margin_hours,
            max_details,
            json,
            repair,
            include_differing,
            dry_run,
            timezone,
        } => {
            let zone = timezone.or_else(|| std::env::var(shim::config::ZONE_VARIABLE).ok());
            commands::reconcile(ReconcileCommand {
                target,
                stream,
                from,
                to,
                margin_hours,
                max_details,
                json,
                repair,
                include_differing,
                dry_run,
                config: Config::with_zone(zone.as_deref())?,
                now: jiff::Timestamp::now(),
            })
        }
        Command::Smoke { stack, streams, only, timeout, json, first_deploy, dry_run, poll_ms } => {
            commands::smoke(SmokeCommand {
                stack,
                streams,
                only,
                timeout,
                poll: Duration::from_millis(poll_ms),
                json,
                first_deploy,
                dry_run,
            })
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

/// `--timezone` (checked by clap), else `$SYSTEM_ONE_TIMEZONE` as the functions read it.
fn config(common: &Common) -> Result<Config, Error> {
    let zone = common.timezone.clone().or_else(|| std::env::var(shim::config::ZONE_VARIABLE).ok());
    Ok(Config::with_zone(zone.as_deref())?)
}

fn clock(common: &Common) -> Clock {
    common.frozen_clock.map_or(Clock::System, Clock::Fixed)
}
