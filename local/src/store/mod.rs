//! The one storage interface every command reads and writes through: a bucket, or a folder laid
//! out like one. A command first computes what it will write and move, then applies it here, so
//! the same steps run against a folder ([`Folder`]), a bucket ([`Bucket`]), nothing at all
//! ([`DryRun`], which records the plan) or a store that fails on purpose ([`Failing`], tests).
//!
//! Writes never replace an object: [`Store::create`] writes only when the key is free (a folder:
//! a temporary file renamed without clobbering; S3: `PutObject` with `If-None-Match: *`), so a
//! rerun that computes the same keys writes nothing twice. The one object that is rewritten is
//! a replay's journal ([`Store::replace`]).

mod bucket;
mod dry_run;
mod failing;
mod folder;

pub use bucket::Bucket;
pub use dry_run::{DryRun, Step};
pub use failing::{Failing, Operation};
pub use folder::Folder;

use crate::Error;

/// One object under a prefix.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Listed {
    pub key: String,
    pub size: u64,
}

/// One object a plan writes: its key and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    pub key: String,
    pub content: Vec<u8>,
}

/// The one apply path of the commands' writes: each object of a plan created where its key is
/// free, in order; what became of each, by URL. What an object already there means is the
/// command's to say (a replay rerun: written by an interrupted run; a run: a defect).
pub async fn create_all(store: &impl Store, objects: Vec<Object>) -> Result<Vec<(String, Created)>, Error> {
    let mut done = Vec::with_capacity(objects.len());
    for Object { key, content } in objects {
        let created = store.create(&key, content).await?;
        done.push((store.url(&key), created));
    }
    Ok(done)
}

/// What [`Store::create`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Created {
    Written,
    /// An object of that key was there already; it was left as it is.
    Exists,
}

/// A bucket or a folder, keyed by `/`-separated keys.
///
/// The futures are not `Send`: the commands run them on a current-thread runtime, overlapping
/// S3 calls without threads.
#[allow(async_fn_in_trait)]
pub trait Store {
    /// A key as an operator reads it: `s3://BUCKET/KEY` or the file's path.
    fn url(&self, key: &str) -> String;

    /// Fails when the store cannot be used at all (a missing bucket, a denied `HeadBucket`), so
    /// that a command stops before it has done any work.
    async fn check(&self) -> Result<(), Error>;

    /// Every object under `prefix`, sorted by key.
    async fn list(&self, prefix: &str) -> Result<Vec<Listed>, Error>;

    /// An object's bytes; `None` when there is no such key.
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, Error>;

    /// Whether an object is there.
    async fn exists(&self, key: &str) -> Result<bool, Error>;

    /// Writes an object unless one of that key is there (then leaves it as it is).
    async fn create(&self, key: &str, content: Vec<u8>) -> Result<Created, Error>;

    /// Writes an object over any object of that key (a replay's journal only).
    async fn replace(&self, key: &str, content: Vec<u8>) -> Result<(), Error>;

    /// Moves an object: copied to `to`, then deleted.
    async fn rename(&self, from: &str, to: &str) -> Result<(), Error>;

    /// Deletes an object (none there is not an error).
    async fn delete(&self, key: &str) -> Result<(), Error>;
}

impl<S: Store> Store for &S {
    fn url(&self, key: &str) -> String {
        (**self).url(key)
    }
    async fn check(&self) -> Result<(), Error> {
        (**self).check().await
    }
    async fn list(&self, prefix: &str) -> Result<Vec<Listed>, Error> {
        (**self).list(prefix).await
    }
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, Error> {
        (**self).get(key).await
    }
    async fn exists(&self, key: &str) -> Result<bool, Error> {
        (**self).exists(key).await
    }
    async fn create(&self, key: &str, content: Vec<u8>) -> Result<Created, Error> {
        (**self).create(key, content).await
    }
    async fn replace(&self, key: &str, content: Vec<u8>) -> Result<(), Error> {
        (**self).replace(key, content).await
    }
    async fn rename(&self, from: &str, to: &str) -> Result<(), Error> {
        (**self).rename(from, to).await
    }
    async fn delete(&self, key: &str) -> Result<(), Error> {
        (**self).delete(key).await
    }
}
