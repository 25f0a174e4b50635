//! The storage interface ([`crate::store::Store`]: a folder, the bucket through the SDK, a dry
//! run) seen as the reconcile's read-only [`ObjectStore`], so that the command reads and repairs
//! through one abstraction. The reconcile is synchronous and reads one object at a time; each
//! call here runs the store's future to completion on the command's current-thread runtime.

use tokio::runtime::Runtime;

use super::store::{ObjectStore, StoreError};
use crate::store::Store;
use crate::Error;

/// A [`Store`] read by the reconcile.
#[derive(Debug)]
pub struct StoreView<'a, S> {
    pub store: S,
    pub runtime: &'a Runtime,
}

/// The store's error as the reconcile reports it: what was done, to which object (the bucket
/// and key, or the path) and the AWS error code or the OS error.
fn store_error(error: Error, action: &'static str, url: String) -> StoreError {
    match error {
        Error::S3 { action, bucket, key, code, .. } => {
            StoreError { action, key: format!("s3://{bucket}/{key}"), cause: code }
        }
        Error::Io { action, path, source } => {
            StoreError { action, key: path.display().to_string(), cause: source.to_string() }
        }
        other => StoreError { action, key: url, cause: other.to_string() },
    }
}

impl<S: Store> ObjectStore for StoreView<'_, S> {
    fn list(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let listed = self.runtime.block_on(self.store.list(prefix));
        let listed = listed.map_err(|error| store_error(error, "list", self.store.url(prefix)))?;
        Ok(listed.into_iter().map(|listed| listed.key).collect())
    }

    fn get(&self, key: &str) -> Result<Vec<u8>, StoreError> {
        match self.runtime.block_on(self.store.get(key)) {
            Ok(Some(content)) => Ok(content),
            // Listed a moment ago, gone now: the reconcile cannot vouch for this hour.
            Ok(None) => Err(StoreError { action: "read", key: self.store.url(key), cause: "NoSuchKey".to_owned() }),
            Err(error) => Err(store_error(error, "read", self.store.url(key))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Folder;

    #[test]
    fn a_folder_store_reads_as_the_reconcile_store_does() {
        let dir = tempfile::tempdir().unwrap();
        for key in ["a/b/2", "a/b/1", "a/bc/3", "z"] {
            let path = dir.path().join(key);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, key).unwrap();
        }
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let view = StoreView { store: Folder::new(dir.path()), runtime: &runtime };
        assert_eq!(view.list("a/b/").unwrap(), ["a/b/1", "a/b/2"]);
        assert_eq!(view.list("a/").unwrap(), ["a/b/1", "a/b/2", "a/bc/3"]);
        assert_eq!(view.get("a/bc/3").unwrap(), b"a/bc/3");
        let missing = view.get("a/c/9").unwrap_err();
        assert_eq!(missing.cause, "NoSuchKey");
    }
}
