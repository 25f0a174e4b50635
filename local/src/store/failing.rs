//! A store that fails one kind of change, as a crash or a denied call would at that point: the
//! tests (and the binary's hidden `--fail-move`) prove a rerun completes what was interrupted.

use super::{Created, Listed, Store};
use crate::Error;

/// The change that fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Create,
    Rename,
}

/// Passes everything to `inner` but `fails`.
#[derive(Debug)]
pub struct Failing<S> {
    pub inner: S,
    pub fails: Operation,
}

impl<S: Store> Failing<S> {
    fn failure(&self, action: &'static str, key: &str) -> Error {
        Error::Simulated { action, url: self.inner.url(key) }
    }
}

impl<S: Store> Store for Failing<S> {
    fn url(&self, key: &str) -> String {
        self.inner.url(key)
    }
    async fn check(&self) -> Result<(), Error> {
        self.inner.check().await
    }
    async fn list(&self, prefix: &str) -> Result<Vec<Listed>, Error> {
        self.inner.list(prefix).await
    }
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, Error> {
        self.inner.get(key).await
    }
    async fn exists(&self, key: &str) -> Result<bool, Error> {
        self.inner.exists(key).await
    }
    async fn create(&self, key: &str, content: Vec<u8>) -> Result<Created, Error> {
        if self.fails == Operation::Create {
            return Err(self.failure("write", key));
        }
        self.inner.create(key, content).await
    }
    async fn replace(&self, key: &str, content: Vec<u8>) -> Result<(), Error> {
        self.inner.replace(key, content).await
    }
    async fn rename(&self, from: &str, to: &str) -> Result<(), Error> {
        if self.fails == Operation::Rename {
            return Err(self.failure("move", from));
        }
        self.inner.rename(from, to).await
    }
    async fn delete(&self, key: &str) -> Result<(), Error> {
        self.inner.delete(key).await
    }
}
