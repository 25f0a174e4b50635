//! One source's replay: its plan (the outputs' keys and contents, the move), computed from the
//! source and its journal, then applied through the stores.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::Timestamp;
use shim::{Stream, Transformer};

use super::journal::{outputs_key, replayed_key, source_folder, Journal};
use super::transform::{transform, unzip, Transformed};
use super::{Options, RecordsTo, Recovery, Stores};
use crate::ids::{fnv1a, uuid_like};
use crate::kinesis::{self as put, Entry};
use crate::layout::{object_key, Prefix};
use crate::store::{self, Created, Object, Store};
use crate::{Error, Lane};

/// What every source's replay shares.
pub(super) struct Context<'a, S, E, T> {
    pub(super) stores: &'a Stores<S, E>,
    pub(super) options: &'a Options<T>,
    pub(super) transformers: &'a HashMap<Stream, Transformer>,
    /// The run's instant: the outputs of a source replayed for the first time are named after it.
    pub(super) at_ms: i64,
}

/// The outputs of one source, keyed.
struct Plan {
    /// Still-failing records, into the errors store.
    errors: Vec<Object>,
    /// System One objects, into the target store.
    data: Vec<Object>,
}

/// The id a source's journal and outputs are named by: its key and content in the store it is
/// moved in; its content alone when it stays where it is (the same file given by another path
/// is the same source, replayed once).
fn source_id(key: &str, stored: &[u8], keep_sources: bool) -> String {
    let content = [fnv1a(&[stored]).to_be_bytes(), (stored.len() as u64).to_be_bytes()].concat();
    if keep_sources {
        uuid_like(&[b"file", &content])
    } else {
        let (hash, length) = content.split_at(8);
        uuid_like(&[key.as_bytes(), hash, length])
    }
}

fn plan(source_id: &str, journal: &Journal, transformed: &Transformed) -> Plan {
    let at = Timestamp::from_millisecond(journal.at_ms).unwrap_or(Timestamp::UNIX_EPOCH);
    let sequence = journal.sequence;
    let name = |lane: Lane, kind: &str| {
        let uuid = uuid_like(&[source_id.as_bytes(), lane.name().as_bytes(), kind.as_bytes()]);
        format!("{sequence:08x}{}", uuid.get(8..).unwrap_or_default())
    };
    let errors = transformed.errors.iter().map(|(lane, lines)| Object {
        key: object_key(Prefix::ProcessingFailed, lane.name(), at, &name(*lane, "errors")),
        content: lines.clone().into_bytes(),
    });
    let data = transformed.data.iter().map(|(lane, lines)| Object {
        key: object_key(Prefix::Data, lane.name(), at, &name(*lane, "data")),
        content: lines.clone(),
    });
    Plan { errors: errors.collect(), data: data.collect() }
}

pub(super) async fn replay_source<S: Store, E: Store, T: Store>(
    context: &Context<'_, S, E, T>,
    key: &str,
    sequence: u32,
) -> Result<Recovery, Error> {
    let Context { stores, options, transformers, at_ms } = context;
    let mut recovery = Recovery::default();
    let url = stores.sources.url(key);
    let stored = stores.sources.get(key).await?.unwrap_or_default();
    let content = match unzip(&stored) {
        Ok(content) => content,
        Err(error) => {
            recovery.not_moved.push((url, format!("not gzip nor plain text: {error}")));
            return Ok(recovery);
        }
    };
    let source_id = source_id(key, &stored, options.keep_sources);
    let journal_key = Journal::key(&source_id);
    let existing = Journal::read(&stores.errors, &journal_key).await?;
    if existing.as_ref().is_some_and(|journal| journal.done) {
        recovery.done_before += 1;
        return Ok(recovery);
    }
    let transformed = transform(options, &url, &content, transformers, &mut recovery.report)?;
    recovery.records_read = transformed.records;
    recovery.unreadable.extend(transformed.unreadable.iter().map(|line| (url.clone(), *line)));
    if existing.is_none() && transformed.unchanged() {
        recovery.unchanged += 1;
        return Ok(recovery);
    }
    let mut journal = existing.clone().unwrap_or_else(|| Journal {
        source: key.to_owned(),
        at_ms: *at_ms,
        sequence,
        stays: options.keep_sources,
        ..Journal::default()
    });
    let plan = plan(&source_id, &journal, &transformed);
    if existing.is_none() {
        journal.outputs = plan.errors.iter().map(|object| object.key.clone()).collect();
        journal.write(&stores.errors, &journal_key).await?;
    }

    // A source that stays where it is keeps its unreadable lines: once its outputs exist its
    // replay is done. One that would move must stay instead, with them.
    let mut complete = transformed.unreadable.is_empty() || options.keep_sources;
    if !transformed.unreadable.is_empty() {
        let lines: Vec<String> = transformed.unreadable.iter().map(usize::to_string).collect();
        let why = if options.keep_sources { "left as it is" } else { "not moved" };
        recovery.not_moved.push((url.clone(), format!("unreadable line(s) {}: {why}", lines.join(", "))));
    }
    let index = outputs_index(key, &journal, &plan, matches!(options.records_to, RecordsTo::Store(_)));
    match &options.records_to {
        RecordsTo::Store(target) => apply(target, plan.data, &mut recovery).await?,
        RecordsTo::Kinesis { client, name } => {
            let kinesis = Kinesis { client, template: name, journal_key: &journal_key };
            let all_put =
                put_on_kinesis(&kinesis, &stores.errors, options, &transformed, &url, &mut journal, &mut recovery)
                    .await?;
            complete &= all_put;
        }
    }
    apply(&stores.errors, plan.errors, &mut recovery).await?;
    // After the outputs, so that it never names one that is not there.
    for (index_key, content) in index {
        stores.errors.create(&index_key, content).await?;
    }
    if !complete {
        return Ok(recovery);
    }
    if options.keep_sources {
        journal.done = true;
        return journal.write(&stores.errors, &journal_key).await.map(|()| recovery);
    }
    stores.sources.rename(key, &replayed_key(key)).await?;
    stores.errors.delete(&journal_key).await?;
    *recovery.moved.entry(source_folder(key)).or_default() += 1;
    Ok(recovery)
}

/// Per stream the outputs go to, its outputs record ([`outputs_key`]): the error outputs and,
/// when they go to a store, the System One objects (records put back on Kinesis come back
/// through Firehose with a backup of their own).
fn outputs_index(source: &str, journal: &Journal, plan: &Plan, data_in_store: bool) -> Vec<(String, Vec<u8>)> {
    let at = Timestamp::from_millisecond(journal.at_ms).unwrap_or(Timestamp::UNIX_EPOCH);
    let hour = at.to_zoned_datetime(jiff::tz::TimeZone::UTC).strftime("%Y/%m/%d/%H").to_string();
    let id = uuid_like(&[b"replay-outputs", source.as_bytes(), &journal.at_ms.to_be_bytes()]);
    let data = plan.data.iter().filter(|_| data_in_store);
    let mut by_stream: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for object in plan.errors.iter().chain(data) {
        if let Some(stream) = object.key.split('/').nth(1) {
            by_stream.entry(stream).or_default().push(&object.key);
        }
    }
    by_stream
        .into_iter()
        .map(|(stream, objects)| {
            let content = serde_json::json!({ "source": replayed_key(source), "objects": objects });
            (outputs_key(stream, &hour, &id), content.to_string().into_bytes())
        })
        .collect()
}

/// Creates the outputs (the apply path `run` shares), each unless it is there already:
/// written by an interrupted run, kept as it is.
async fn apply(store: &impl Store, objects: Vec<Object>, recovery: &mut Recovery) -> Result<(), Error> {
    for (url, created) in store::create_all(store, objects).await? {
        match created {
            Created::Written => recovery.written.push(url),
            Created::Exists => recovery.kept += 1,
        }
    }
    Ok(())
}

/// Where a source's events go back: the client, the stream name (`{stream}` replaced), and the
/// journal that records what is on the streams.
struct Kinesis<'a> {
    client: &'a aws_sdk_kinesis::Client,
    template: &'a str,
    journal_key: &'a str,
}

/// Puts the recovered events on their streams' Kinesis data streams, those the journal does
/// not list as put already; the journal learns which were after each stream (so a crash
/// between two puts nothing twice). Whether every one is on its stream.
async fn put_on_kinesis<T>(
    kinesis: &Kinesis<'_>,
    errors: &impl Store,
    options: &Options<T>,
    transformed: &Transformed,
    url: &str,
    journal: &mut Journal,
    recovery: &mut Recovery,
) -> Result<bool, Error> {
    let mut all_put = true;
    for (lane, events) in &transformed.events {
        let Lane::Stream(stream) = lane else { continue };
        let stream_name = kinesis.template.replace("{stream}", stream.name());
        let done = journal.put.entry(stream.name().to_owned()).or_default();
        let todo: Vec<usize> = (0..events.len()).filter(|i| !done.contains(i)).collect();
        let entries: Vec<Entry> = todo
            .iter()
            .filter_map(|i| events.get(*i))
            .map(|event| Entry {
                partition_key: put::partition_key(*stream, event).unwrap_or_else(|| put::fallback_key(event)),
                data: event.clone(),
            })
            .collect();
        if options.dry_run {
            recovery.put += entries.len();
            continue;
        }
        let outcome = put::put_all(kinesis.client, &stream_name, &entries, options.retry).await?;
        recovery.put += outcome.put;
        recovery.retried_calls += outcome.retried_calls;
        recovery.retried_entries += outcome.retried_entries;
        let failed: BTreeSet<usize> = outcome.failed.iter().map(|(i, _)| *i).collect();
        done.extend(todo.iter().enumerate().filter(|(n, _)| !failed.contains(n)).map(|(_, i)| *i));
        if !outcome.failed.is_empty() {
            all_put = false;
            let mut codes: BTreeMap<String, usize> = BTreeMap::new();
            for (_, code) in &outcome.failed {
                *codes.entry(code.clone()).or_default() += 1;
            }
            for (code, count) in codes {
                recovery.unput.push((stream_name.clone(), url.to_owned(), code, count));
            }
        }
        journal.write(errors, kinesis.journal_key).await?;
    }
    Ok(all_put)
}
