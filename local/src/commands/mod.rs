//! The commands, as the binary runs them: each takes the typed command line, computes its plan,
//! applies it through [`crate::store`], and returns its summary and exit status; `main.rs` only
//! parses, dispatches and prints.

mod bucket_replay;
mod progress;
mod reconcile;
mod replay;
mod replay_summary;
mod run;
mod smoke;

pub use reconcile::{reconcile, ReconcileCommand, REPAIRS_PREFIX};
pub use replay::{replay, ReplayCommand};
pub use run::{run, RunCommand, RUNS_PREFIX};
pub use smoke::{duration, smoke, CheckKind, SmokeCommand, StackError};

use std::fmt::Write as _;

use crate::Error;

/// How a command ended, as its exit status says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: everything done (`run`: all input processed, failed records included, since they are
    /// data; `replay`: every record recovered, every source moved).
    Success,
    /// 1 (`replay`): some records still fail, some lines were unreadable, or (Kinesis) some
    /// records could not be put; nothing was lost, and a rerun is safe.
    Incomplete,
    /// 2: the command line, a file, or AWS: nothing (or, for AWS, nothing more) was done.
    Error,
    /// 3: the input held nothing the command recognizes (`run`: no System Two event; `replay`:
    /// no Firehose error-output record); whatever was read is kept (`errors/unrouted/`, or left
    /// where it was).
    NothingRecognized,
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Incomplete => 1,
            ExitStatus::Error => 2,
            ExitStatus::NothingRecognized => 3,
        }
    }
}

/// What a command did: its summary (for standard output) and its status.
#[derive(Debug, Clone)]
pub struct Finished {
    pub summary: String,
    pub status: ExitStatus,
}

impl From<Error> for ExitStatus {
    fn from(_: Error) -> ExitStatus {
        ExitStatus::Error
    }
}

/// Lines of a list shown before "... and N more".
const SHOWN: usize = 20;

/// A titled list, the first [`SHOWN`] items.
fn list(out: &mut String, title: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    if !title.is_empty() {
        let _ = writeln!(out, "{title}");
    }
    for item in items.iter().take(SHOWN) {
        let _ = writeln!(out, "  {item}");
    }
    if items.len() > SHOWN {
        let _ = writeln!(out, "  ... and {} more", items.len() - SHOWN);
    }
}

/// `1 file`, `2 files`.
fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// The runtime the SDK's calls run on: one thread (the calls overlap, the work between them is
/// the transformation's).
fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|source| Error::Runtime { source })
}
