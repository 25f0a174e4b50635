//! `firehose-local replay`: error output back through the current transformation, from a bucket
//! (`s3://BUCKET/errors/...`, see [`super::bucket_replay`]) or from files.
//!
//! Files under the output folder (the README's `replay out/errors/orders/processing-failed`) are
//! replayed as the bucket is: outputs created beside them, each source moved to
//! `errors/<stream>/replayed/`. Files elsewhere (downloaded error output) are left where they
//! are: the outputs go under the output folder, with a journal that marks each source replayed,
//! so that a rerun skips it. Either way a rerun writes nothing twice.

use std::path::{Path, PathBuf};

use shim::Stream;

use super::{bucket_replay, progress, replay_summary, runtime, Finished};
use crate::kinesis::Retry;
use crate::location::{Destination, Location};
use crate::pipeline::{DEFAULT_BUFFER_MB, MB};
use crate::refusal::Refusal;
use crate::replay::{self, Options, Progress, RecordsTo, Recovery, Stores};
use crate::store::{DryRun, Folder};
use crate::{Clock, Error};

/// The command line of `replay`.
#[derive(Debug, Clone)]
pub struct ReplayCommand {
    pub inputs: Vec<Location>,
    /// `--out`, when given (a local replay's default is `out`).
    pub out: Option<PathBuf>,
    pub to: Option<Destination>,
    pub dry_run: bool,
    pub stream: Option<Stream>,
    pub config: shim::config::Config,
    pub clock: Clock,
    pub concurrency: u16,
    pub retry: Retry,
    /// Tests only: the move of each source fails, as after a crash between writing and moving.
    pub fail_move: bool,
    pub quiet: bool,
}

impl ReplayCommand {
    pub(super) fn options<T>(&self, prefix: String, records_to: RecordsTo<T>, keep_sources: bool) -> Options<T> {
        Options {
            prefix,
            records_to,
            keep_sources,
            dry_run: self.dry_run,
            forced: self.stream,
            config: self.config.clone(),
            clock: self.clock,
            retry: self.retry,
            buffer_bytes: (DEFAULT_BUFFER_MB * MB) as usize,
            concurrency: usize::from(self.concurrency),
        }
    }
}

pub fn replay(command: ReplayCommand) -> Result<Finished, Error> {
    let buckets: Vec<(&String, &String)> = command
        .inputs
        .iter()
        .filter_map(|input| match input {
            Location::S3 { bucket, prefix } => Some((bucket, prefix)),
            Location::Local(_) => None,
        })
        .collect();
    if let Some((bucket, prefix)) = buckets.first() {
        if command.inputs.len() > 1 {
            return Err(Refusal::InputsBesideS3 { bucket: (*bucket).clone() }.into());
        }
        if let Some(out) = &command.out {
            return Err(Refusal::OutWithS3 { out: out.clone() }.into());
        }
        return bucket_replay::replay(&command, bucket, prefix);
    }
    if command.to.is_some() {
        return Err(Refusal::ToWithoutS3.into());
    }
    if command.fail_move {
        return Err(Refusal::FailMoveWithoutS3.into());
    }
    local(&command)
}

/// Where one local input is replayed from: a store, the prefix of its sources there, and
/// whether they stay where they are.
fn place(input: &Path, out: &Path) -> Result<(Folder, String, bool), Error> {
    if input.as_os_str() == "-" {
        return Err(Refusal::StdinReplay.into());
    }
    let metadata = std::fs::metadata(input).map_err(|error| Error::io("read", input, error))?;
    let absolute = input.canonicalize().map_err(|error| Error::io("read", input, error))?;
    std::fs::create_dir_all(out).map_err(|error| Error::io("create", out, error))?;
    let out = out.canonicalize().map_err(|error| Error::io("read", out, error))?;
    let store = Folder::new(&out);
    if let Some(key) = store.key_of(&absolute) {
        // In the output folder, only error output is replayed (never system-one/).
        let prefix = match key.as_str() {
            "" | "errors" => "errors/".to_owned(),
            _ if key.starts_with("errors/") && metadata.is_dir() => format!("{key}/"),
            _ if key.starts_with("errors/") => key,
            _ => return Err(Refusal::NotErrorOutputInOut { input: input.to_owned(), out: out.clone() }.into()),
        };
        return Ok((store, prefix, false));
    }
    if metadata.is_dir() {
        return Ok((Folder::new(absolute), String::new(), true));
    }
    let parent = absolute.parent().map(Path::to_owned).unwrap_or_default();
    let name = absolute.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    Ok((Folder::new(parent), name, true))
}

fn local(command: &ReplayCommand) -> Result<Finished, Error> {
    let out = command.out.clone().unwrap_or_else(|| PathBuf::from("out"));
    let mut places = Vec::new();
    for input in &command.inputs {
        let Location::Local(path) = input else { continue };
        places.push(place(path, &out)?);
    }
    let runtime = runtime()?;
    let output = Folder::new(&out);
    let mut recovery = Recovery::default();
    let mut moves = Vec::new();
    for (sources, prefix, keep_sources) in places {
        let bar = progress::listing(command.quiet);
        let ticker = bar.clone();
        let tick = move |progress: Progress| match progress {
            Progress::Listed { bytes, .. } => progress::listed(&ticker, bytes),
            Progress::Done { bytes } => ticker.inc(bytes),
        };
        let done = if command.dry_run {
            let (sources, errors, target) = (DryRun::new(&sources), DryRun::new(&output), DryRun::new(&output));
            let options = command.options(prefix, RecordsTo::Store(&target), keep_sources);
            let done = runtime.block_on(replay::replay(Stores { sources: &sources, errors: &errors }, &options, tick));
            moves.extend(sources.steps());
            done
        } else {
            let options = command.options(prefix, RecordsTo::Store(&output), keep_sources);
            runtime.block_on(replay::replay(Stores { sources: &sources, errors: &output }, &options, tick))
        };
        bar.finish_and_clear();
        recovery.absorb_run(done?);
    }
    let title = format!("firehose-local replay into {}/", out.display());
    Ok(replay_summary::summary(&title, command, &recovery, &moves))
}
