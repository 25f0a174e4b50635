//! `firehose-local reconcile <OUT | s3://BUCKET>`: proves from the raw backup that every record
//! reached System One (or the error output), through [`crate::reconcile`], reading the folder or
//! the bucket through [`crate::store`] (the bucket with the official SDK); with `--repair`,
//! applies the repair plan there.
//!
//! The repair only ever creates objects ([`Store::create`]: a key that is taken is left as it
//! is). Its objects are named from their content, so a rerun of an interrupted repair writes
//! only what is still missing, and a repair after a complete one plans nothing. A repair that
//! wrote something leaves a journal, `firehose-local/repairs/<id>.json` (id: a hash of the
//! planned keys), listing each object and whether this run wrote it.
//!
//! S3 calls, for an IAM policy (B the bucket): HeadBucket; ListObjectsV2 under `source/`,
//! `system-one/` and `errors/` (s3:ListBucket); GetObject on what is listed there; with
//! `--repair`, PutObject with `If-None-Match: *` on `system-one/<stream>/*`,
//! `errors/<stream>/processing-failed/*` and `firehose-local/repairs/*`; with `--dry-run`,
//! HeadObject (s3:GetObject) on those keys instead. Never DeleteObject or CopyObject.

use std::fmt::Write as _;

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use shim::config::Config;
use shim::Stream;
use tokio::runtime::Runtime;

use super::{count, list, runtime, ExitStatus, Finished};
use crate::ids::uuid_like;
use crate::location::Location;
use crate::reconcile::{self, Hour, Options, PlannedObject, RepairKind, Report, StoreView};
use crate::refusal::Refusal;
use crate::store::{Bucket, Created, DryRun, Folder, Step, Store};
use crate::{aws, Error};

/// Where a repair leaves its journal.
pub const REPAIRS_PREFIX: &str = "firehose-local/repairs/";

/// The command line of `reconcile`.
#[derive(Debug, Clone)]
pub struct ReconcileCommand {
    /// The output folder or `s3://BUCKET` (no prefix).
    pub target: Location,
    pub stream: Option<Stream>,
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    pub margin_hours: u32,
    pub max_details: usize,
    pub json: bool,
    pub repair: bool,
    pub include_differing: bool,
    pub dry_run: bool,
    pub config: Config,
    /// The instant the default window ends before.
    pub now: Timestamp,
}

/// One object of the repair and what became of it.
#[derive(Debug, Clone, Serialize)]
struct Applied {
    url: String,
    kind: RepairKind,
    records: usize,
    /// `true`: written by this run; `false`: there already (a rerun).
    written: bool,
}

/// The journal of a repair that wrote something.
#[derive(Debug, Serialize)]
struct Journal<'a> {
    from: &'a str,
    to: &'a str,
    streams: Vec<&'static str>,
    include_differing: bool,
    objects: &'a [Applied],
}

/// What a repair did (or, `--dry-run`, would do).
#[derive(Debug, Default, Serialize)]
struct Repair {
    dry_run: bool,
    planned: usize,
    written: usize,
    exists: usize,
    lines_written: usize,
    journal: Option<String>,
    objects: Vec<Applied>,
}

impl ReconcileCommand {
    /// The window: `--to` defaults to the start of the hour `margin` hours before now (later
    /// hours can still receive output), `--from` to 24 hours before `--to`.
    fn window(&self) -> Result<(Timestamp, Timestamp), Error> {
        let margin = i64::from(self.margin_hours);
        let to = self.to.unwrap_or_else(|| Hour::of(self.now).plus(-margin).start());
        let from = self.from.unwrap_or_else(|| to.checked_sub(SignedDuration::from_hours(24)).unwrap_or(to));
        if from >= to {
            return Err(Refusal::EmptyWindow { from, to }.into());
        }
        Ok((from, to))
    }

    /// Flags that only mean something with `--repair` are refused without it.
    fn check_flags(&self) -> Result<(), Error> {
        if self.include_differing && !self.repair {
            return Err(Refusal::IncludeDifferingWithoutRepair.into());
        }
        if self.dry_run && !self.repair {
            return Err(Refusal::DryRunWithoutRepair.into());
        }
        Ok(())
    }
}

pub fn reconcile(command: ReconcileCommand) -> Result<Finished, Error> {
    command.check_flags()?;
    let (from, to) = command.window()?;
    let mut options = Options::new(from, to, command.config.clone());
    if let Some(stream) = command.stream {
        options.streams = vec![stream];
    }
    options.margin_hours = command.margin_hours;
    options.max_details = command.max_details;
    options.include_differing = command.include_differing;
    let runtime = runtime()?;
    match &command.target {
        Location::Local(dir) => {
            // A folder that is not there would reconcile to nothing, silently.
            std::fs::read_dir(dir).map_err(|error| Error::io("read", dir, error))?;
            through(&command, &options, &Folder::new(dir), &runtime, &dir.display().to_string())
        }
        Location::S3 { bucket, .. } => {
            let bucket = runtime.block_on(async {
                let clients = aws::clients().await;
                let bucket = Bucket::new(clients.s3, bucket);
                bucket.check().await.map(|()| bucket)
            })?;
            through(&command, &options, &bucket, &runtime, &format!("s3://{}", bucket.name()))
        }
    }
}

/// Reconciles through `store` (through a [`DryRun`] of it with `--dry-run`).
fn through<S: Store>(
    command: &ReconcileCommand,
    options: &Options,
    store: &S,
    runtime: &Runtime,
    place: &str,
) -> Result<Finished, Error> {
    if command.dry_run {
        let dry = DryRun::new(store);
        let (report, repair) = reconcile_and_repair(command, options, &dry, runtime)?;
        Ok(finish(command, place, &report, repair.as_ref(), &dry.steps()))
    } else {
        let (report, repair) = reconcile_and_repair(command, options, store, runtime)?;
        Ok(finish(command, place, &report, repair.as_ref(), &[]))
    }
}

/// The reconcile, and with `--repair` each hour's plan applied as soon as the hour is settled
/// (so no more than an hour's plan is held).
fn reconcile_and_repair<S: Store>(
    command: &ReconcileCommand,
    options: &Options,
    store: &S,
    runtime: &Runtime,
) -> Result<(Report, Option<Repair>), Error> {
    let (first, end) = options.hours();
    let mut report = Report {
        from: first.label(),
        to: end.label(),
        margin_hours: options.margin_hours,
        counts: reconcile::Counts::default(),
        streams: Vec::new(),
    };
    let mut repair = Repair { dry_run: command.dry_run, ..Repair::default() };
    let mut failed: Option<Error> = None;
    let view = StoreView { store, runtime };
    reconcile::reconcile_each(&view, options, |stream, hour, plan| {
        report.absorb(stream.name(), hour);
        if command.repair && failed.is_none() {
            if let Err(error) = apply(store, runtime, plan, &mut repair) {
                failed = Some(error);
            }
        }
    })?;
    if let Some(error) = failed {
        return Err(error);
    }
    if !command.repair {
        return Ok((report, None));
    }
    if repair.written > 0 {
        let key = journal_key(&repair.objects);
        let journal = Journal {
            from: &report.from,
            to: &report.to,
            streams: options.streams.iter().map(|stream| stream.name()).collect(),
            include_differing: options.include_differing,
            objects: &repair.objects,
        };
        let content =
            serde_json::to_vec_pretty(&journal).map_err(|source| Error::Journal { url: store.url(&key), source })?;
        runtime.block_on(store.create(&key, content))?;
        repair.journal = Some(store.url(&key));
    }
    Ok((report, Some(repair)))
}

/// Creates each planned object where its key is free.
fn apply<S: Store>(store: &S, runtime: &Runtime, plan: Vec<PlannedObject>, repair: &mut Repair) -> Result<(), Error> {
    for object in plan {
        repair.planned += 1;
        let created = runtime.block_on(store.create(&object.key, object.content))?;
        let written = created == Created::Written;
        if written {
            repair.written += 1;
            repair.lines_written += object.records;
        } else {
            repair.exists += 1;
        }
        repair.objects.push(Applied {
            url: store.url(&object.key),
            kind: object.kind,
            records: object.records,
            written,
        });
    }
    Ok(())
}

/// `firehose-local/repairs/<uuid>.json`, the uuid a hash of the planned objects' names.
fn journal_key(objects: &[Applied]) -> String {
    let names: Vec<&[u8]> = objects.iter().map(|object| object.url.as_bytes()).collect();
    format!("{REPAIRS_PREFIX}{}.json", uuid_like(&names))
}

/// The summary (the table, or `--json`'s one line) and the status: 0 clean, 1 something
/// missing, unexpected or differing (even when `--repair` wrote it: a new reconcile proves the
/// repair), 3 no raw record at all in the window (nothing was proven: a window without traffic,
/// or a bucket without source backup).
fn finish(
    command: &ReconcileCommand,
    place: &str,
    report: &Report,
    repair: Option<&Repair>,
    steps: &[Step],
) -> Finished {
    let status = if !report.counts.clean() {
        ExitStatus::Incomplete
    } else if report.counts.records == 0 {
        ExitStatus::NothingRecognized
    } else {
        ExitStatus::Success
    };
    let summary = if command.json { json(report, repair) } else { table(place, report, repair, steps, status) };
    Finished { summary, status }
}

fn json(report: &Report, repair: Option<&Repair>) -> String {
    let mut value = serde_json::to_value(report).unwrap_or_default();
    if let (Some(object), Some(repair)) = (value.as_object_mut(), repair) {
        object.insert("repair".to_owned(), serde_json::to_value(repair).unwrap_or_default());
    }
    format!("{value}\n")
}

fn table(place: &str, report: &Report, repair: Option<&Repair>, steps: &[Step], status: ExitStatus) -> String {
    let mut out = format!(
        "firehose-local reconcile {place}: {} .. {} (margin {} h)\n",
        report.from, report.to, report.margin_hours
    );
    out.push_str(&report.table());
    let c = &report.counts;
    let _ = match status {
        ExitStatus::Success => writeln!(out, "clean: every raw record's outcome is delivered, once"),
        ExitStatus::NothingRecognized => writeln!(out, "no raw record in the window: nothing proven"),
        _ => writeln!(out, "NOT clean: {} missing, {} unexpected, {} differing", c.missing, c.unexpected, c.differing),
    };
    let Some(repair) = repair else { return out };
    if repair.dry_run {
        let journal = steps.len().saturating_sub(repair.written);
        let _ = writeln!(
            out,
            "repair plan (--dry-run: nothing written): {} to write ({}){}",
            count(repair.written, "object"),
            count(repair.lines_written, "record"),
            if journal > 0 { ", and its journal" } else { "" }
        );
        let items: Vec<String> = repair
            .objects
            .iter()
            .filter(|object| object.written)
            .map(|object| format!("write {} ({:?}, {})", object.url, object.kind, count(object.records, "record")))
            .collect();
        list(&mut out, "", &items);
        return out;
    }
    let _ = writeln!(
        out,
        "repair: wrote {} ({}), {} there already{}",
        count(repair.written, "object"),
        count(repair.lines_written, "record"),
        repair.exists,
        repair.journal.as_ref().map(|journal| format!("; journal {journal}")).unwrap_or_default()
    );
    let items: Vec<String> =
        repair.objects.iter().filter(|object| object.written).map(|object| object.url.clone()).collect();
    list(&mut out, "", &items);
    out
}
