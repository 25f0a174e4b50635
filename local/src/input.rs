//! Inputs: files, folders of them, or standard input, read line by line on a thread of their own
//! so that buffers can flush on their interval while input is slow (`tail -f ... | firehose-local run -`);
//! or, read again from AWS ([`crate::reread`]), a delivery stream's raw backup in S3 or a
//! Kinesis data stream's retained records, record by record.

use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, SyncSender};

use jiff::Timestamp;
use shim::Stream;

use crate::location::Input;
use crate::refusal::Refusal;
use crate::{reread, Error};

/// One input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Stdin,
    File(PathBuf),
    /// The raw backup objects under `s3://bucket/prefix` (a prefix under `source/`).
    Backup {
        bucket: String,
        prefix: String,
    },
    /// The records of Kinesis data stream `name` that arrived in `[from, to)`, for `stream`
    /// (`None`: routed by content).
    Kinesis {
        name: String,
        stream: Option<Stream>,
        from: Timestamp,
        to: Timestamp,
    },
}

/// The sources of the inputs, in order: paths as [`sources`] reads them; an S3 backup prefix or a
/// Kinesis stream is one source; `kinesis:NAME` with `{stream}` in NAME is nine, one a stream
/// (`kinesis:prod-{stream}`), each for its stream. `window` is `--from`/`--to`, which Kinesis
/// needs and nothing else takes.
pub fn inputs(
    inputs: &[Input],
    extensions: &[&str],
    window: (Option<Timestamp>, Option<Timestamp>),
) -> Result<Vec<Source>, Error> {
    let kinesis = inputs.iter().any(|input| matches!(input, Input::Kinesis(_)));
    let window = match window {
        (Some(from), to) if kinesis => {
            let to = to.unwrap_or_else(Timestamp::now);
            if from >= to {
                return Err(Refusal::EmptyWindow { from, to }.into());
            }
            Some((from, to))
        }
        (None, _) if kinesis => return Err(Refusal::KinesisWithoutFrom.into()),
        (None, None) => None,
        _ => return Err(Refusal::WindowWithoutKinesis.into()),
    };
    let mut sources = Vec::new();
    for input in inputs {
        match (input, window) {
            (Input::Path(path), _) => sources.extend(self::sources(std::slice::from_ref(path), extensions)?),
            (Input::Backup { bucket, prefix }, _) => {
                sources.push(Source::Backup { bucket: bucket.clone(), prefix: prefix.clone() })
            }
            (Input::Kinesis(name), Some((from, to))) if name.contains("{stream}") => {
                for stream in Stream::ALL {
                    let name = name.replace("{stream}", stream.name());
                    sources.push(Source::Kinesis { name, stream: Some(stream), from, to });
                }
            }
            (Input::Kinesis(name), Some((from, to))) => {
                sources.push(Source::Kinesis { name: name.clone(), stream: None, from, to })
            }
            (Input::Kinesis(_), None) => {}
        }
    }
    Ok(sources)
}

/// The files to read for the arguments: `-` is standard input, a file is taken as it is, a
/// folder gives the files under it (recursively, sorted, hidden ones skipped) whose name ends
/// with one of `extensions` (all files when `extensions` is empty).
pub fn sources(arguments: &[PathBuf], extensions: &[&str]) -> Result<Vec<Source>, Error> {
    let mut sources = Vec::new();
    for argument in arguments {
        if argument.as_os_str() == "-" {
            sources.push(Source::Stdin);
            continue;
        }
        let metadata = fs::metadata(argument).map_err(|error| Error::io("read", argument, error))?;
        if metadata.is_dir() {
            let mut files = Vec::new();
            walk(argument, extensions, &mut files)?;
            files.sort();
            sources.extend(files.into_iter().map(Source::File));
        } else {
            sources.push(Source::File(argument.clone()));
        }
    }
    Ok(sources)
}

fn walk(folder: &Path, extensions: &[&str], files: &mut Vec<PathBuf>) -> Result<(), Error> {
    let entries = fs::read_dir(folder).map_err(|error| Error::io("read", folder, error))?;
    for entry in entries {
        let entry = entry.map_err(|error| Error::io("read", folder, error))?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let kind = entry.file_type().map_err(|error| Error::io("read", &path, error))?;
        if kind.is_dir() {
            walk(&path, extensions, files)?;
        } else if extensions.is_empty() || extensions.iter().any(|extension| name.ends_with(extension)) {
            files.push(path);
        }
    }
    Ok(())
}

/// The total size of the files, for a progress bar; `None` when standard input is among them.
pub fn total_bytes(sources: &[Source]) -> Option<u64> {
    sources.iter().try_fold(0_u64, |total, source| match source {
        Source::Stdin | Source::Backup { .. } | Source::Kinesis { .. } => None,
        Source::File(path) => Some(total + fs::metadata(path).map(|metadata| metadata.len()).unwrap_or(0)),
    })
}

/// What the reader thread sends.
#[derive(Debug)]
pub enum Message {
    /// One line, without its `\n` (a `\r` before it is kept: JSON white space), or one record
    /// read again from AWS; `stream`, when the source says which stream received it (a backup
    /// under `source/<stream>/`, a Kinesis stream named after its stream).
    Line { source: usize, stream: Option<Stream>, bytes: Vec<u8> },
    /// A source could not be read.
    Failed(Error),
}

/// Reads the sources in order on a thread; blank lines are skipped. `progress` is called with
/// the bytes of each line read, `\n` included.
pub fn read(sources: Vec<Source>, progress: impl Fn(u64) + Send + 'static) -> Receiver<Message> {
    let (sender, receiver) = mpsc::sync_channel(4096);
    std::thread::spawn(move || {
        for (index, source) in sources.iter().enumerate() {
            let reader: Box<dyn Read> = match source {
                Source::Backup { .. } | Source::Kinesis { .. } => match remote(source, index, &sender, &progress) {
                    Ok(true) => continue,
                    Ok(false) => return,
                    Err(error) => {
                        let _ = sender.send(Message::Failed(error));
                        return;
                    }
                },
                Source::Stdin => Box::new(std::io::stdin()),
                Source::File(path) => match fs::File::open(path) {
                    Ok(file) => Box::new(file),
                    Err(error) => {
                        let _ = sender.send(Message::Failed(Error::io("read", path, error)));
                        return;
                    }
                },
            };
            let mut reader = BufReader::with_capacity(1 << 16, reader);
            loop {
                let mut line = Vec::new();
                match reader.read_until(b'\n', &mut line) {
                    Ok(0) => break,
                    Ok(read) => {
                        progress(read as u64);
                        if line.last() == Some(&b'\n') {
                            line.pop();
                        }
                        if line.iter().all(u8::is_ascii_whitespace) {
                            continue;
                        }
                        if sender.send(Message::Line { source: index, stream: None, bytes: line }).is_err() {
                            return;
                        }
                    }
                    Err(error) => {
                        let message = match source {
                            Source::File(path) => Error::io("read", path, error),
                            _ => Error::Stdin { source: error },
                        };
                        let _ = sender.send(Message::Failed(message));
                        return;
                    }
                }
            }
        }
    });
    receiver
}

/// A source read again from AWS, on a runtime of the input thread's own; `Ok(false)` when the
/// receiver is gone.
fn remote(source: &Source, index: usize, sender: &SyncSender<Message>, progress: &dyn Fn(u64)) -> Result<bool, Error> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|source| Error::Runtime { source })?;
    runtime.block_on(async {
        match source {
            Source::Backup { bucket, prefix } => reread::backup(bucket, prefix, index, sender, progress).await,
            Source::Kinesis { name, stream, from, to } => {
                reread::kinesis(name, *stream, (*from, *to), index, sender, progress).await
            }
            Source::Stdin | Source::File(_) => Ok(true),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_give_their_matching_files_sorted() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("b")).unwrap();
        fs::write(dir.path().join("b/2.jsonl"), "x\n").unwrap();
        fs::write(dir.path().join("1.jsonl"), "x\n").unwrap();
        fs::write(dir.path().join("notes.txt"), "x\n").unwrap();
        fs::write(dir.path().join(".hidden.jsonl"), "x\n").unwrap();
        let found = sources(&[dir.path().to_owned()], &[".jsonl"]).unwrap();
        assert_eq!(found, vec![Source::File(dir.path().join("1.jsonl")), Source::File(dir.path().join("b/2.jsonl"))]);
        assert_eq!(total_bytes(&found), Some(4));
    }

    #[test]
    fn reads_lines_and_skips_blank_ones() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jsonl");
        fs::write(&path, "{\"a\":1}\r\n\n  \n{\"b\":2}").unwrap();
        let lines: Vec<Vec<u8>> = read(vec![Source::File(path)], |_| {})
            .into_iter()
            .map(|message| match message {
                Message::Line { bytes, .. } => bytes,
                Message::Failed(error) => panic!("{error}"),
            })
            .collect();
        assert_eq!(lines, vec![b"{\"a\":1}\r".to_vec(), b"{\"b\":2}".to_vec()]);
    }
}
