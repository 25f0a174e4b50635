//! The read-only view of a bucket (or an output folder) that a reconcile needs: the keys under a
//! prefix, and an object's bytes. Kept this small on purpose: the tool's storage interface
//! ([`crate::store::Store`]: folder, bucket through the SDK, dry run) offers it through
//! [`super::StoreView`]; [`MemoryStore`] holds objects in memory for tests.

use std::collections::BTreeMap;
use std::path::PathBuf;

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

/// An output folder laid out as the bucket (`firehose-local run --out DIR`), for the engine's
/// tests and benchmark: the tool's one folder store ([`crate::store::Folder`]) read through
/// [`super::StoreView`] on a runtime of its own.
#[derive(Debug)]
pub struct FolderStore {
    folder: crate::store::Folder,
    runtime: tokio::runtime::Runtime,
}

impl FolderStore {
    pub fn new(root: impl Into<PathBuf>) -> Result<FolderStore, StoreError> {
        let root = root.into();
        let runtime = tokio::runtime::Builder::new_current_thread().build().map_err(|error| StoreError {
            action: "read",
            key: root.display().to_string(),
            cause: error.to_string(),
        })?;
        Ok(FolderStore { folder: crate::store::Folder::new(root), runtime })
    }

    fn view(&self) -> super::StoreView<'_, &crate::store::Folder> {
        super::StoreView { store: &self.folder, runtime: &self.runtime }
    }
}

impl ObjectStore for FolderStore {
    fn list(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        self.view().list(prefix)
    }

    fn get(&self, key: &str) -> Result<Vec<u8>, StoreError> {
        self.view().get(key)
    }
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
        let folder = FolderStore::new(dir.path()).unwrap();
        for store in [&memory as &dyn ObjectStore, &folder] {
            assert_eq!(store.list("a/b/").unwrap(), ["a/b/1", "a/b/2"]);
            assert_eq!(store.list("a/").unwrap(), ["a/b/1", "a/b/2", "a/bc/3", "a/c/4"]);
            assert_eq!(store.list("nothing/").unwrap(), Vec::<String>::new());
            assert_eq!(store.get("a/c/4").unwrap(), b"a/c/4");
            assert!(store.get("a/c/5").is_err());
        }
    }
}
