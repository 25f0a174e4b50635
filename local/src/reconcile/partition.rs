//! One hour partition of a stream's output, loaded for matching: its System One lines and its
//! error-output records as multisets (each copy remembers its object), and its unreadable
//! error-output lines.

use std::collections::{HashMap, HashSet};

use super::hour::{Hour, Prefixes};
use super::read::{self, ErrorLine};
use super::store::ObjectStore;
use super::ReconcileError;

/// Where a delivered copy is: an index into [`Delivered::keys`].
pub(crate) type ObjectIndex = u32;

/// A stream's output of one hour.
#[derive(Debug)]
pub(crate) struct Delivered {
    pub(crate) hour: Hour,
    pub(crate) keys: Vec<String>,
    /// Each System One line (with its `\n`), and the object of each copy.
    pub(crate) lines: HashMap<Box<[u8]>, Vec<ObjectIndex>>,
    /// Each failed record's original bytes (white space around them trimmed), likewise.
    pub(crate) failures: HashMap<Box<[u8]>, Vec<ObjectIndex>>,
    pub(crate) unreadable: Vec<(ObjectIndex, Vec<u8>)>,
}

impl Delivered {
    /// Reads the partition's System One and error-output objects, leaving out those a replay
    /// wrote in this hour ([`replayed_outputs`]).
    pub(crate) fn load(store: &dyn ObjectStore, stream: &str, hour: Hour) -> Result<Delivered, ReconcileError> {
        let prefixes = Prefixes::new(stream, hour);
        let replayed = replayed_outputs(store, &prefixes)?;
        let mut delivered = Delivered {
            hour,
            keys: Vec::new(),
            lines: HashMap::new(),
            failures: HashMap::new(),
            unreadable: Vec::new(),
        };
        for key in store.list(&prefixes.data)?.into_iter().filter(|key| !replayed.contains(key)) {
            let content = super::fetch(store, &key)?;
            let index = delivered.index(key);
            for line in read::lines(&content) {
                delivered.lines.entry(line.into()).or_default().push(index);
            }
        }
        for prefix in &prefixes.errors {
            for key in store.list(prefix)?.into_iter().filter(|key| !replayed.contains(key)) {
                let content = super::fetch(store, &key)?;
                let index = delivered.index(key);
                for line in read::error_lines(&content) {
                    match line {
                        ErrorLine::Record { original } => {
                            delivered.failures.entry(trim(&original).into()).or_default().push(index);
                        }
                        ErrorLine::Unreadable(line) => delivered.unreadable.push((index, line)),
                    }
                }
            }
        }
        Ok(delivered)
    }

    fn index(&mut self, key: String) -> ObjectIndex {
        self.keys.push(key);
        ObjectIndex::try_from(self.keys.len() - 1).unwrap_or(ObjectIndex::MAX)
    }

    /// Takes one copy of `line`, if the partition holds one.
    pub(crate) fn take_line(&mut self, line: &[u8]) -> bool {
        take(&mut self.lines, line)
    }

    /// Takes one copy of a failed record, by its original bytes.
    pub(crate) fn take_failure(&mut self, raw: &[u8]) -> bool {
        take(&mut self.failures, trim(raw))
    }

    /// The key of an object.
    pub(crate) fn key(&self, index: ObjectIndex) -> &str {
        self.keys.get(index as usize).map_or("", String::as_str)
    }
}

/// The objects replays wrote in this hour, as their outputs records list them
/// (`errors/<stream>/replayed/outputs/HOUR/`, see [`crate::replay::outputs_key`]): a replay's
/// System One lines and still-failing records belong to records of other hours, which count
/// them as `in_error_output` where their error output is; they are neither unexpected here nor
/// copies a record of this hour may take. A record that cannot be read names nothing.
fn replayed_outputs(store: &dyn ObjectStore, prefixes: &Prefixes) -> Result<HashSet<String>, ReconcileError> {
    #[derive(serde::Deserialize)]
    struct Outputs {
        objects: Vec<String>,
    }
    let mut objects = HashSet::new();
    for key in store.list(&prefixes.replayed_outputs)? {
        let content = super::fetch(store, &key)?;
        if let Ok(outputs) = serde_json::from_slice::<Outputs>(&content) {
            objects.extend(outputs.objects);
        }
    }
    Ok(objects)
}

/// Removes one copy of `item` from `set`.
fn take(set: &mut HashMap<Box<[u8]>, Vec<ObjectIndex>>, item: &[u8]) -> bool {
    let Some(copies) = set.get_mut(item) else { return false };
    copies.pop();
    if copies.is_empty() {
        set.remove(item);
    }
    true
}

/// A record's bytes without the white space around them: Firehose's error output keeps the
/// record as received, newline and all, while a backup split into records may not.
pub(crate) fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|byte| !byte.is_ascii_whitespace()).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|byte| !byte.is_ascii_whitespace()).map_or(start, |end| end + 1);
    bytes.get(start..end).unwrap_or_default()
}
