//! `firehose-local run`: System Two event files through the local delivery streams, each flushed
//! batch's objects applied through a [`Store`] as the run goes ([`Apply`]).

use std::path::PathBuf;
use std::sync::mpsc::RecvTimeoutError;
use std::time::Instant;

use shim::Stream;

use crate::input::{self, Message, Source};
use crate::pipeline::Deliver;
use crate::store::{self, Created, Folder, Object, Store};
use crate::{route, Error, Lane, Pipeline, Report, Settings};

/// Applies each flushed batch's objects through a store, on the command's runtime: each
/// created where its key is free. A key that is taken is an error here (a run names new
/// objects, so it means another writer, or a rerun that should have been refused).
pub struct Apply<'r, S> {
    runtime: &'r tokio::runtime::Runtime,
    pub store: S,
    /// Every object written (URLs), in order.
    pub written: Vec<String>,
}

impl<'r, S: Store> Apply<'r, S> {
    pub fn new(runtime: &'r tokio::runtime::Runtime, store: S) -> Apply<'r, S> {
        Apply { runtime, store, written: Vec::new() }
    }
}

impl<S: Store> Deliver for Apply<'_, S> {
    fn deliver(&mut self, objects: Vec<Object>) -> Result<(), Error> {
        for (url, created) in self.runtime.block_on(store::create_all(&self.store, objects))? {
            match created {
                Created::Written => self.written.push(url),
                Created::Exists => return Err(Error::ObjectExists { url }),
            }
        }
        Ok(())
    }
}

/// Runs `sources` into the folder `settings.out`; `written` lists the files.
pub fn run(
    settings: Settings,
    sources: Vec<Source>,
    forced: Option<Stream>,
    progress: impl Fn(u64) + Send + 'static,
) -> Result<Report, Error> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|source| Error::Runtime { source })?;
    let mut apply = Apply::new(&runtime, Folder::new(&settings.out));
    let mut report = run_into(settings, sources, forced, progress, &mut apply)?;
    report.written = apply.written.into_iter().map(PathBuf::from).collect();
    Ok(report)
}

/// Reads every line of `sources`, routes it (to `forced` when given, else by its event type),
/// and runs the pipeline to the end of the input; each flushed batch goes to `deliver`. Each
/// line becomes the record the API's mapping template puts on the stream: the line and `\n`.
pub fn run_into(
    settings: Settings,
    sources: Vec<Source>,
    forced: Option<Stream>,
    progress: impl Fn(u64) + Send + 'static,
    deliver: &mut dyn Deliver,
) -> Result<Report, Error> {
    let mut pipeline = Pipeline::new(settings, deliver);
    let mut routed = 0;
    // A record read back from the raw backup is in it already: not backed up again.
    let from_backup: Vec<bool> = sources.iter().map(|source| matches!(source, Source::Backup { .. })).collect();
    let lines = input::read(sources, progress);
    loop {
        let message = match pipeline.next_deadline() {
            Some(deadline) => match lines.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(message) => message,
                Err(RecvTimeoutError::Timeout) => {
                    pipeline.flush_due(Instant::now())?;
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => break,
            },
            None => match lines.recv() {
                Ok(message) => message,
                Err(_) => break,
            },
        };
        match message {
            Message::Line { mut bytes, stream, source } => {
                // --stream, else the stream the source says received it, else by content.
                let lane = forced.or(stream).map_or_else(|| route::by_content(&bytes), Lane::Stream);
                routed += usize::from(lane != Lane::Unrouted);
                // A line read from a file lost its `\n`; a record read back from Kinesis or the
                // backup is as the stream received it, `\n` included.
                if bytes.last() != Some(&b'\n') {
                    bytes.push(b'\n');
                }
                let back_up = !from_backup.get(source).copied().unwrap_or(false);
                pipeline.put_received(lane, &bytes, back_up)?;
            }
            Message::Failed(error) => return Err(error),
        }
    }
    let mut report = pipeline.finish()?;
    report.routed = routed;
    Ok(report)
}
