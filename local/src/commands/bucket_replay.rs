//! `replay s3://BUCKET/errors/...`: the bucket's error output, replayed in the bucket.
//!
//! The calls it makes, for the replay role's policy (all through [`crate::store::Bucket`] and
//! [`crate::kinesis`]), with B the source bucket and T the `--to s3://` bucket:
//! - every mode: ListObjectsV2 on B under the given prefix and under `errors/replay-journal/`;
//!   GetObject on B for each source and each journal; HeadObject on B for each journal's source;
//! - default (into B) and `--to s3://T`: PutObject on B `errors/replay-journal/*` (also
//!   DeleteObject there), PutObject with `If-None-Match: *` on B
//!   `errors/<stream>/processing-failed/*` and on B or T `system-one/<stream>/*` (HeadBucket on T
//!   first), CopyObject (GetObject on the source key, PutObject on
//!   `errors/<stream>/replayed/*`) and DeleteObject on each source;
//! - `--to kinesis:NAME`: the same on B but no `system-one/` object; PutRecords on each stream;
//! - `--dry-run`: the reads only (ListObjectsV2, GetObject, HeadObject on B, and on the keys the
//!   plan would write): no PutObject, CopyObject, DeleteObject or PutRecords.

use super::replay::ReplayCommand;
use super::{progress, replay_summary, runtime, Finished};
use crate::location::Destination;
use crate::refusal::Refusal;
use crate::replay::{self, Progress, RecordsTo, Recovery, Stores};
use crate::store::{Bucket, DryRun, Failing, Operation, Step, Store};
use crate::{aws, Error};

pub(super) fn replay(command: &ReplayCommand, bucket_name: &str, prefix: &str) -> Result<Finished, Error> {
    let prefix = if prefix == "errors" { "errors/" } else { prefix };
    if !prefix.starts_with("errors/") {
        return Err(Refusal::NotErrorOutput { bucket: bucket_name.to_owned(), prefix: prefix.to_owned() }.into());
    }
    let runtime = runtime()?;
    let bar = progress::listing(command.quiet);
    let ticker = bar.clone();
    let tick = move |progress: Progress| match progress {
        Progress::Listed { bytes, .. } => progress::listed(&ticker, bytes),
        Progress::Done { bytes } => ticker.inc(bytes),
    };
    let done = runtime.block_on(async {
        let clients = aws::clients().await;
        let bucket = Bucket::new(clients.s3.clone(), bucket_name);
        let target = match &command.to {
            Some(Destination::Bucket(other)) => {
                let target = Bucket::new(clients.s3.clone(), other);
                target.check().await?;
                target
            }
            _ => bucket.clone(),
        };
        let kinesis = match &command.to {
            Some(Destination::Kinesis(name)) => Some(name.clone()),
            _ => None,
        };
        if command.dry_run {
            let (sources, errors, target) = (DryRun::new(&bucket), DryRun::new(&bucket), DryRun::new(&target));
            let options =
                command.options(prefix.to_owned(), records_to(&clients.kinesis, kinesis.as_deref(), &target), false);
            let recovery = replay::replay(Stores { sources: &sources, errors: &errors }, &options, tick).await?;
            Ok::<(Recovery, Vec<Step>), Error>((recovery, sources.steps()))
        } else if command.fail_move {
            let sources = Failing { inner: &bucket, fails: Operation::Rename };
            let options =
                command.options(prefix.to_owned(), records_to(&clients.kinesis, kinesis.as_deref(), &target), false);
            let recovery = replay::replay(Stores { sources: &sources, errors: &bucket }, &options, tick).await?;
            Ok((recovery, Vec::new()))
        } else {
            let options =
                command.options(prefix.to_owned(), records_to(&clients.kinesis, kinesis.as_deref(), &target), false);
            let recovery = replay::replay(Stores { sources: &bucket, errors: &bucket }, &options, tick).await?;
            Ok((recovery, Vec::new()))
        }
    });
    bar.finish_and_clear();
    let (recovery, moves) = done?;
    let mut title = format!("firehose-local replay s3://{bucket_name}/{prefix}");
    if let Some(Destination::Kinesis(name)) = &command.to {
        title.push_str(&format!(" to kinesis:{name}"));
    }
    Ok(replay_summary::summary(&title, command, &recovery, &moves))
}

/// Recovered records go to the target store, or onto Kinesis with `--to kinesis:NAME`.
fn records_to<T>(client: &aws_sdk_kinesis::Client, kinesis: Option<&str>, target: T) -> RecordsTo<T> {
    match kinesis {
        Some(name) => RecordsTo::Kinesis { client: client.clone(), name: name.to_owned() },
        None => RecordsTo::Store(target),
    }
}
