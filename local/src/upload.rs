//! `run --out s3://BUCKET`: the local pipeline's objects into a bucket, keyed as Firehose keys
//! them (`system-one/<stream>/YYYY/MM/DD/HH/<name>`, `errors/<stream>/processing-failed/...`).
//! The run writes into a staging folder first (its buffers flush on their own schedule); the
//! objects are then uploaded under their path relative to it, never over an existing object.

use std::path::{Path, PathBuf};

use crate::aws::Clients;
use crate::{object, Error};

/// Uploads `files` (under `root`) to `bucket`, each under its path relative to `root`; returns
/// the `s3://` URLs written. An object already there is an error: object names carry a random
/// part, so a clash means the bucket is not what the caller thinks.
pub async fn upload(clients: &Clients, bucket: &str, root: &Path, files: &[PathBuf]) -> Result<Vec<String>, Error> {
    let mut written = Vec::with_capacity(files.len());
    for file in files {
        let key = key_of(root, file)?;
        if object::exists(clients, bucket, &key).await? {
            return Err(Error::ObjectExists { bucket: bucket.to_owned(), key });
        }
        let content = std::fs::read(file).map_err(|error| Error::io("read", file, error))?;
        object::put(clients, bucket, &key, content).await?;
        written.push(format!("s3://{bucket}/{key}"));
    }
    Ok(written)
}

/// A file's key: its path below `root`, with `/` between the parts.
fn key_of(root: &Path, file: &Path) -> Result<String, Error> {
    let relative =
        file.strip_prefix(root).map_err(|_| Error::NotUnder { path: file.to_owned(), root: root.to_owned() })?;
    let parts: Vec<String> =
        relative.components().map(|part| part.as_os_str().to_string_lossy().into_owned()).collect();
    Ok(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_paths_below_the_root() {
        let root = Path::new("/tmp/stage");
        assert_eq!(
            key_of(root, &root.join("system-one/orders/2026/11/20/15/o")).unwrap(),
            "system-one/orders/2026/11/20/15/o"
        );
        assert!(key_of(root, Path::new("/elsewhere/o")).is_err());
    }
}
