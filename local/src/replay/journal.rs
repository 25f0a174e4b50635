//! A source's journal, `errors/replay-journal/<id>.json`, and the keys a replay reads and moves.
//!
//! The journal fixes what a rerun must compute the same way: the instant the outputs are named
//! after and the source's place in its run (so the outputs' keys are the same and
//! [`Store::create`] finds them written), which error outputs are the replay's own (not sources
//! while it is pending) and, for a Kinesis target, which records are on the stream already.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::{Deserialize, Serialize};

use crate::store::Store;
use crate::Error;

/// Where the journal objects live (never read as sources).
pub const JOURNAL_PREFIX: &str = "errors/replay-journal/";
/// The folder, under `errors/<stream>/`, that replayed sources are moved to.
pub const REPLAYED: &str = "replayed";

/// The journal of one source.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Journal {
    pub(crate) source: String,
    /// The instant the outputs are named after, in milliseconds since the Unix epoch.
    pub(crate) at_ms: i64,
    /// The source's place in the run that first replayed it: the first part of its outputs'
    /// names, so that they sort in the order of their sources.
    #[serde(default)]
    pub(crate) sequence: u32,
    /// The error-output objects this source's replay writes: not sources while it is pending.
    #[serde(default)]
    pub(crate) outputs: Vec<String>,
    /// Kinesis target: the records (by position among the source's recovered ones, per stream)
    /// already put.
    #[serde(default)]
    pub(crate) put: BTreeMap<String, BTreeSet<usize>>,
    /// A source the replay does not move (a file outside the output folder): its replay is
    /// complete, and the journal stays as the mark that says so.
    #[serde(default)]
    pub(crate) done: bool,
    /// The source is not in the store the journal is in (a file outside the output folder):
    /// whether it is still there cannot be told from here, so its outputs stay pending until
    /// the journal is done.
    #[serde(default)]
    pub(crate) stays: bool,
}

impl Journal {
    pub(crate) fn key(source_id: &str) -> String {
        format!("{JOURNAL_PREFIX}{source_id}.json")
    }

    pub(crate) async fn read(store: &impl Store, key: &str) -> Result<Option<Journal>, Error> {
        Ok(store.get(key).await?.and_then(|bytes| serde_json::from_slice::<Journal>(&bytes).ok()))
    }

    pub(crate) async fn write(&self, store: &impl Store, key: &str) -> Result<(), Error> {
        let content = serde_json::to_vec(self).map_err(|source| Error::Journal { url: store.url(key), source })?;
        store.replace(key, content).await
    }
}

/// The error outputs of replays that were interrupted before their source moved: written by
/// a replay of a source that is still there, so not sources themselves until it has moved.
///
/// A journal whose source is gone belongs to a replay stopped between moving the source and
/// deleting the journal: its work is done, so it is deleted (a dry run records the deletion)
/// and its outputs are ordinary error output again. A `done` journal is a finished replay of a
/// source outside the store: kept.
pub(crate) async fn pending_outputs(sources: &impl Store, errors: &impl Store) -> Result<HashSet<String>, Error> {
    let mut outputs = HashSet::new();
    for listed in errors.list(JOURNAL_PREFIX).await? {
        let Some(journal) = Journal::read(errors, &listed.key).await? else { continue };
        if journal.done {
            continue;
        }
        if journal.stays || sources.exists(&journal.source).await? {
            outputs.extend(journal.outputs);
        } else {
            errors.delete(&listed.key).await?;
        }
    }
    Ok(outputs)
}

/// Whether a key is error output to replay: not a journal, not already replayed, not a folder.
pub fn is_source(key: &str) -> bool {
    if key.ends_with('/') || key.starts_with(JOURNAL_PREFIX) {
        return false;
    }
    let mut parts = key.split('/');
    !(parts.next() == Some("errors") && parts.next().is_some() && parts.next() == Some(REPLAYED))
}

/// The folder, under `errors/<stream>/replayed/`, where a replay records the outputs it wrote.
pub const OUTPUTS: &str = "outputs";

/// The record of the outputs one source's replay wrote into a stream's folders, filed under
/// the replay's hour, `errors/<stream>/replayed/outputs/YYYY/MM/DD/HH/<source id>.json`
/// (`{"source": ..., "objects": [...]}`): a reconcile of that hour reads it to tell the replay's
/// lines (accounted for by their records in the error output) from stray copies. Never a source,
/// never deleted.
pub fn outputs_key(stream: &str, hour_folder: &str, source_id: &str) -> String {
    format!("errors/{stream}/{REPLAYED}/{OUTPUTS}/{hour_folder}/{source_id}.json")
}

/// Where a source moves: `errors/<stream>/replayed/<rest>`.
pub fn replayed_key(key: &str) -> String {
    let rest = key.strip_prefix("errors/").unwrap_or(key);
    match rest.split_once('/') {
        Some((stream, below)) => format!("errors/{stream}/{REPLAYED}/{below}"),
        None => format!("errors/{REPLAYED}/{rest}"),
    }
}

/// The stream folder of a source key (`errors/<this>/...`).
pub(crate) fn source_folder(key: &str) -> String {
    key.strip_prefix("errors/").and_then(|rest| rest.split_once('/')).map_or("errors", |(stream, _)| stream).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_and_their_moves() {
        assert!(is_source("errors/orders/processing-failed/2026/11/20/15/orders-1-x"));
        assert!(!is_source("errors/orders/replayed/processing-failed/2026/11/20/15/orders-1-x"));
        assert!(!is_source("errors/replay-journal/abc.json"));
        assert!(!is_source("errors/orders/"));
        assert_eq!(
            replayed_key("errors/orders/processing-failed/2026/11/20/15/o"),
            "errors/orders/replayed/processing-failed/2026/11/20/15/o"
        );
        assert_eq!(replayed_key("errors/o"), "errors/replayed/o");
        assert_eq!(source_folder("errors/orders/processing-failed/x"), "orders");
    }
}
