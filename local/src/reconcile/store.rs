//! The read-only view of a bucket (or an output folder) that a reconcile needs: the keys under a
//! prefix, and an object's bytes. Kept this small on purpose, so that any storage (the local
//! folder, S3 through the SDK, the plan/apply storage interface) can offer it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Why the store could not answer: what was asked, of which key, and the cause (an OS error,
/// or an AWS error code for an S3 store).
#[derive(Debug, thiserror::Error)]
#[error("cannot {action} {key}: {cause}")]
pub struct StoreError {
    pub action: &'static str,
    pub key: String,
    pub cause: String,
}

/// What the reconcile reads. Keys are `/`-separated, relative to the bucket (or folder) root.
pub trait ObjectStore {
    /// Every key that starts with `prefix`, sorted (as S3's `ListObjectsV2` returns them).
    fn list(&self, prefix: &str) -> Result<Vec<String>, StoreError>;
    /// The object's bytes, as stored (gzip or not).
    fn get(&self, key: &str) -> Result<Vec<u8>, StoreError>;
}

/// Objects held in memory: tests and benchmarks.
#[derive(Debug, Default, Clone)]
pub struct MemoryStore {
    objects: BTreeMap<String, Vec<u8>>,
}

impl MemoryStore {
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// Puts an object (over any of that key).
    pub fn put(&mut self, key: impl Into<String>, content: impl Into<Vec<u8>>) {
        self.objects.insert(key.into(), content.into());
    }

    /// Removes an object, returning its bytes.
    pub fn remove(&mut self, key: &str) -> Option<Vec<u8>> {
        self.objects.remove(key)
    }

    /// Every key, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.objects.keys().map(String::as_str)
    }
}

impl ObjectStore for MemoryStore {
    fn list(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        Ok(self
            .objects
            .range(prefix.to_owned()..)
            .take_while(|(key, _)| key.starts_with(prefix))
            .map(|(key, _)| key.clone())
            .collect())
    }

    fn get(&self, key: &str) -> Result<Vec<u8>, StoreError> {
        self.objects.get(key).cloned().ok_or_else(|| StoreError {
            action: "read",
            key: key.to_owned(),
            cause: "NoSuchKey".to_owned(),
        })
    }
}

/// An output folder laid out as the bucket (`firehose-local run --out DIR`): keys are paths
/// below `root`. Only regular files are objects; a prefix names a folder (every prefix the
/// reconcile lists ends with `/`) or the start of file names in one.
#[derive(Debug, Clone)]
pub struct FolderStore {
    root: PathBuf,
}

impl FolderStore {
    pub fn new(root: impl Into<PathBuf>) -> FolderStore {
        FolderStore { root: root.into() }
    }

    fn path(&self, key: &str) -> PathBuf {
        key.split('/').filter(|part| !part.is_empty()).fold(self.root.clone(), |path, part| path.join(part))
    }
}

impl ObjectStore for FolderStore {
    fn list(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let (folder, start) = match prefix.rfind('/') {
            Some(end) => (prefix.get(..=end).unwrap_or_default(), prefix.get(end + 1..).unwrap_or_default()),
            None => ("", prefix),
        };
        let mut keys = Vec::new();
        let path = self.path(folder);
        if !path.is_dir() {
            return Ok(keys);
        }
        walk(&path, folder, &mut keys)?;
        keys.retain(|key| key.get(folder.len()..).is_some_and(|rest| rest.starts_with(start)));
        keys.sort();
        Ok(keys)
    }

    fn get(&self, key: &str) -> Result<Vec<u8>, StoreError> {
        let path = self.path(key);
        std::fs::read(&path).map_err(|error| StoreError {
            action: "read",
            key: path.display().to_string(),
            cause: error.to_string(),
        })
    }
}

/// Every file below `path`, as keys starting with `key_prefix`.
fn walk(path: &Path, key_prefix: &str, keys: &mut Vec<String>) -> Result<(), StoreError> {
    let failed = |error: std::io::Error| StoreError {
        action: "list",
        key: path.display().to_string(),
        cause: error.to_string(),
    };
    for entry in std::fs::read_dir(path).map_err(failed)? {
        let entry = entry.map_err(failed)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = entry.file_type().map_err(failed)?;
        if kind.is_dir() {
            walk(&entry.path(), &format!("{key_prefix}{name}/"), keys)?;
        } else if kind.is_file() {
            keys.push(format!("{key_prefix}{name}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_stores_list_sorted_keys_under_a_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let mut memory = MemoryStore::new();
        for key in ["a/b/2", "a/b/1", "a/bc/3", "a/c/4", "z"] {
            memory.put(key, key.as_bytes());
            let path = dir.path().join(key);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, key).unwrap();
        }
        let folder = FolderStore::new(dir.path());
        for store in [&memory as &dyn ObjectStore, &folder] {
            assert_eq!(store.list("a/b/").unwrap(), ["a/b/1", "a/b/2"]);
            assert_eq!(store.list("a/").unwrap(), ["a/b/1", "a/b/2", "a/bc/3", "a/c/4"]);
            assert_eq!(store.list("nothing/").unwrap(), Vec::<String>::new());
            assert_eq!(store.get("a/c/4").unwrap(), b"a/c/4");
            assert!(store.get("a/c/5").is_err());
        }
    }
}
