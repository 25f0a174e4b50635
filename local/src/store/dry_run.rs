//! A store that reads through to another and records, instead of doing, every change: what a
//! command's `--dry-run` prints is the plan the real run would apply, step for step.

use std::cell::RefCell;

use super::{Created, Listed, Store};
use crate::Error;

/// A change the command would make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A new object (its key was free when looked at).
    Write {
        url: String,
    },
    /// A journal written over.
    Replace {
        url: String,
    },
    Move {
        from: String,
        to: String,
    },
    Delete {
        url: String,
    },
}

/// Reads from `inner`, writes nothing.
#[derive(Debug)]
pub struct DryRun<S> {
    inner: S,
    steps: RefCell<Vec<Step>>,
}

impl<S: Store> DryRun<S> {
    pub fn new(inner: S) -> DryRun<S> {
        DryRun { inner, steps: RefCell::new(Vec::new()) }
    }

    /// The changes recorded, in order.
    pub fn steps(&self) -> Vec<Step> {
        self.steps.borrow().clone()
    }

    fn record(&self, step: Step) {
        self.steps.borrow_mut().push(step);
    }
}

impl<S: Store> Store for DryRun<S> {
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
    async fn create(&self, key: &str, _content: Vec<u8>) -> Result<Created, Error> {
        if self.inner.exists(key).await? {
            return Ok(Created::Exists);
        }
        self.record(Step::Write { url: self.inner.url(key) });
        Ok(Created::Written)
    }
    async fn replace(&self, key: &str, _content: Vec<u8>) -> Result<(), Error> {
        self.record(Step::Replace { url: self.inner.url(key) });
        Ok(())
    }
    async fn rename(&self, from: &str, to: &str) -> Result<(), Error> {
        self.record(Step::Move { from: self.inner.url(from), to: self.inner.url(to) });
        Ok(())
    }
    async fn delete(&self, key: &str) -> Result<(), Error> {
        self.record(Step::Delete { url: self.inner.url(key) });
        Ok(())
    }
}
