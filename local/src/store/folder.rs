//! A folder laid out like the bucket: keys are paths below it.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{Created, Listed, Store};
use crate::Error;

/// A folder as a store.
#[derive(Debug, Clone)]
pub struct Folder {
    root: PathBuf,
}

impl Folder {
    pub fn new(root: impl Into<PathBuf>) -> Folder {
        Folder { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path(&self, key: &str) -> PathBuf {
        key.split('/').filter(|part| !part.is_empty()).fold(self.root.clone(), |path, part| path.join(part))
    }

    /// The key of a path below the root (`/` between its parts); `None` for a path elsewhere.
    pub fn key_of(&self, path: &Path) -> Option<String> {
        let relative = path.strip_prefix(&self.root).ok()?;
        let parts: Vec<String> =
            relative.components().map(|part| part.as_os_str().to_string_lossy().into_owned()).collect();
        Some(parts.join("/"))
    }

    /// A file written under a temporary name beside `path` (a hidden name, which no listing
    /// returns), for a rename into place.
    fn write_temporary(path: &Path, content: &[u8]) -> Result<PathBuf, Error> {
        let folder = path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(folder).map_err(|error| Error::io("create", folder, error))?;
        let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
        let temporary = folder.join(format!(".{name}.{}.tmp", std::process::id()));
        let mut file = fs::File::create(&temporary).map_err(|error| Error::io("create", &temporary, error))?;
        file.write_all(content)
            .and_then(|()| file.sync_all())
            .map_err(|error| Error::io("write", &temporary, error))?;
        Ok(temporary)
    }
}

/// Writes a file unless one of that name is there: a temporary file, then a hard link to the
/// name (which fails when the name is taken: a rename that never clobbers), then the temporary
/// name removed. A reader never sees a half-written file.
fn create_file(path: &Path, content: &[u8]) -> Result<Created, Error> {
    let temporary = Folder::write_temporary(path, content)?;
    let linked = fs::hard_link(&temporary, path);
    let _ = fs::remove_file(&temporary);
    match linked {
        Ok(()) => Ok(Created::Written),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(Created::Exists),
        Err(error) => Err(Error::io("create", path, error)),
    }
}

fn walk(folder: &Path, store: &Folder, found: &mut Vec<Listed>) -> Result<(), Error> {
    let entries = match fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(error) => return Err(Error::io("read", folder, error)),
    };
    for entry in entries {
        let entry = entry.map_err(|error| Error::io("read", folder, error))?;
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let kind = entry.file_type().map_err(|error| Error::io("read", &path, error))?;
        if kind.is_dir() {
            walk(&path, store, found)?;
        } else if let Some(key) = store.key_of(&path) {
            let size = entry.metadata().map(|metadata| metadata.len()).unwrap_or(0);
            found.push(Listed { key, size });
        }
    }
    Ok(())
}

impl Store for Folder {
    fn url(&self, key: &str) -> String {
        self.path(key).display().to_string()
    }

    /// A folder that is there, or will be made on the first write; nothing is created here
    /// (a dry run checks its store too, and writes nothing).
    async fn check(&self) -> Result<(), Error> {
        match fs::metadata(&self.root) {
            Ok(metadata) if metadata.is_dir() => Ok(()),
            Ok(_) => Err(Error::io("use", &self.root, std::io::Error::from(std::io::ErrorKind::NotADirectory))),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(error) => Err(Error::io("use", &self.root, error)),
        }
    }

    async fn list(&self, prefix: &str) -> Result<Vec<Listed>, Error> {
        // The folder holding the prefix, then the keys that start with it.
        let folder = match prefix.rsplit_once('/') {
            Some((folder, _)) => self.path(folder),
            None => self.root.clone(),
        };
        let mut found = Vec::new();
        walk(&folder, self, &mut found)?;
        found.retain(|listed| listed.key.starts_with(prefix));
        found.sort();
        Ok(found)
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, Error> {
        let path = self.path(key);
        match fs::read(&path) {
            Ok(content) => Ok(Some(content)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(Error::io("read", &path, error)),
        }
    }

    async fn exists(&self, key: &str) -> Result<bool, Error> {
        Ok(self.path(key).is_file())
    }

    async fn create(&self, key: &str, content: Vec<u8>) -> Result<Created, Error> {
        create_file(&self.path(key), &content)
    }

    async fn replace(&self, key: &str, content: Vec<u8>) -> Result<(), Error> {
        let path = self.path(key);
        let temporary = Folder::write_temporary(&path, &content)?;
        fs::rename(&temporary, &path).map_err(|error| Error::io("write", &path, error))
    }

    async fn rename(&self, from: &str, to: &str) -> Result<(), Error> {
        let (source, destination) = (self.path(from), self.path(to));
        if let Some(folder) = destination.parent() {
            fs::create_dir_all(folder).map_err(|error| Error::io("create", folder, error))?;
        }
        // No clobbering here either: link, then remove the source.
        match fs::hard_link(&source, &destination) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(error) => return Err(Error::io("move", &source, error)),
        }
        fs::remove_file(&source).map_err(|error| Error::io("move", &source, error))
    }

    async fn delete(&self, key: &str) -> Result<(), Error> {
        let path = self.path(key);
        match fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(error) => Err(Error::io("delete", &path, error)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(future)
    }

    #[test]
    fn creates_once_lists_in_order_and_moves() {
        let dir = tempfile::tempdir().unwrap();
        let store = Folder::new(dir.path());
        block_on(async {
            assert_eq!(store.create("errors/b/x", b"1".to_vec()).await.unwrap(), Created::Written);
            assert_eq!(store.create("errors/b/x", b"2".to_vec()).await.unwrap(), Created::Exists);
            assert_eq!(store.get("errors/b/x").await.unwrap().as_deref(), Some(&b"1"[..]));
            store.create("errors/a", b"22".to_vec()).await.unwrap();
            store.create("system-one/c", b"3".to_vec()).await.unwrap();
            let listed = store.list("errors/").await.unwrap();
            assert_eq!(
                listed,
                [Listed { key: "errors/a".into(), size: 2 }, Listed { key: "errors/b/x".into(), size: 1 }]
            );
            store.rename("errors/b/x", "errors/b/replayed/x").await.unwrap();
            assert!(!store.exists("errors/b/x").await.unwrap());
            assert_eq!(store.get("errors/b/replayed/x").await.unwrap().as_deref(), Some(&b"1"[..]));
            store.delete("errors/b/x").await.unwrap();
            assert_eq!(store.get("nothing").await.unwrap(), None);
        });
        // No temporary file is left behind.
        let names: Vec<String> = std::fs::read_dir(dir.path().join("errors/b"))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["replayed"]);
    }
}
