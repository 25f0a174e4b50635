//! What stops a command. Record-level failures are never an [`Error`]: they are data, written
//! to `errors/` as Firehose writes them.
//!
//! Each variant names what failed (the path, the bucket and key, the stream) and keeps the
//! underlying error as its [`source`](std::error::Error::source). The message includes the
//! cause too, because the binary prints one line per failure (`firehose-local: <message>`,
//! exit status 2) and an operator must see the AWS error code or the OS error there.

use std::path::PathBuf;

use shim::Stream;

/// The error of the shared S3 and Kinesis clients' calls, boxed: each operation has its own type.
pub type AwsSource = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A failure that stops a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder that cannot be read, created or written (`action` says which).
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// Standard input that cannot be read.
    #[error("cannot read standard input: {source}")]
    Stdin {
        #[source]
        source: std::io::Error,
    },

    /// The `--log` file's subscriber could not be installed (another one already was).
    #[error("cannot start the log file {}: {source}", path.display())]
    Logging {
        path: PathBuf,
        #[source]
        source: tracing::subscriber::SetGlobalDefaultError,
    },

    /// An S3 call that failed: what was done, on which bucket and key, and the AWS error code
    /// (`NoSuchBucket`, `AccessDenied`), or what kind of failure it was when AWS sent none.
    #[error("cannot {action} {}: {code}", s3_url(bucket, key))]
    S3 {
        action: &'static str,
        bucket: String,
        /// Empty for a call on the bucket itself.
        key: String,
        code: String,
        #[source]
        source: Option<AwsSource>,
    },

    /// An object of that key is there already; nothing is written over an object.
    #[error("{url} exists already; nothing is written over an object")]
    ObjectExists { url: String },

    /// A store told to fail (tests: `--fail-move`), as a crash at that step would.
    #[error("cannot {action} {url}: simulated failure (--fail-move)")]
    Simulated { action: &'static str, url: String },

    /// A Kinesis call that failed with an error that is not worth retrying.
    #[error("cannot put records on Kinesis stream {stream}: {code}")]
    Kinesis {
        stream: String,
        code: String,
        #[source]
        source: AwsSource,
    },

    /// A Kinesis call of a re-read (`run kinesis:NAME`) that failed.
    #[error("cannot {action} Kinesis stream {stream}: {code}")]
    KinesisRead {
        action: &'static str,
        stream: String,
        code: String,
        #[source]
        source: AwsSource,
    },

    /// A PutRecords entry the SDK would not build.
    #[error("cannot build a PutRecords entry: {source}")]
    KinesisEntry {
        #[source]
        source: aws_sdk_kinesis::error::BuildError,
    },

    /// A replay journal that cannot be encoded.
    #[error("cannot encode the replay journal {url}: {source}")]
    Journal {
        url: String,
        #[source]
        source: serde_json::Error,
    },

    /// The time zone the functions would read (`$SYSTEM_ONE_TIMEZONE`) is not one they know.
    #[error(transparent)]
    Config(#[from] shim::config::ConfigError),

    /// A command's output (its summary) could not be written: standard output closed early
    /// (`| head`) or full.
    #[error("cannot write the summary: {source}")]
    Output {
        #[source]
        source: std::io::Error,
    },

    /// A stream's function was needed but not started: a defect of this tool.
    #[error("no {stream} function")]
    NoFunction { stream: Stream },

    /// A function returned an `Ok` record whose data is not base64.
    #[error("the {stream} function returned an Ok record that is not base64")]
    NotBase64 {
        stream: Stream,
        #[source]
        source: base64::DecodeError,
    },

    /// The Tokio runtime the SDK's calls run on cannot start.
    #[error("cannot start the async runtime: {source}")]
    Runtime {
        #[source]
        source: std::io::Error,
    },

    /// A run stopped after writing some objects into a bucket: its mark lists them.
    #[error("{source}; the run stopped after writing {written} object(s), listed in {mark}")]
    RunStopped {
        mark: String,
        written: usize,
        #[source]
        source: Box<Error>,
    },

    /// A reconcile that could not read what it must (the message names the bucket and key or
    /// the path, and the AWS error code or the OS error).
    #[error(transparent)]
    Reconcile(#[from] crate::reconcile::ReconcileError),

    /// A backup object that cannot be gzipped.
    #[error("cannot gzip a source backup object: {source}")]
    Compress {
        #[source]
        source: std::io::Error,
    },

    /// A command line the command will not carry out (names the flag; exit 2).
    #[error(transparent)]
    Refused(#[from] crate::refusal::Refusal),

    /// `smoke --stack NAME`: the stack or an output it needs cannot be read; no check ran.
    #[error(transparent)]
    Stack(#[from] crate::commands::StackError),
}

impl Error {
    /// An I/O error with what was being done (`read`, `create`, `write`...) and to which path.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io { action, path: path.into(), source }
    }
}

/// `s3://BUCKET/KEY`, or `s3://BUCKET` for the bucket itself.
fn s3_url(bucket: &str, key: &str) -> String {
    if key.is_empty() {
        format!("s3://{bucket}")
    } else {
        format!("s3://{bucket}/{key}")
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;

    #[test]
    fn messages_name_what_failed_and_keep_the_cause() {
        let io = Error::io("read", "/in/a.jsonl", std::io::Error::from(std::io::ErrorKind::NotFound));
        assert_eq!(io.to_string(), "cannot read /in/a.jsonl: entity not found");
        assert!(io.source().is_some());

        let s3 = Error::S3 {
            action: "list",
            bucket: "data".into(),
            key: "errors/orders/".into(),
            code: "NoSuchBucket".into(),
            source: None,
        };
        assert_eq!(s3.to_string(), "cannot list s3://data/errors/orders/: NoSuchBucket");
        let bucket =
            Error::S3 { action: "list", bucket: "data".into(), key: String::new(), code: "x".into(), source: None };
        assert_eq!(bucket.to_string(), "cannot list s3://data: x");

        let kept = Error::RunStopped { mark: "s3://data/m.json".into(), written: 2, source: Box::new(s3) };
        assert_eq!(
            kept.to_string(),
            "cannot list s3://data/errors/orders/: NoSuchBucket; the run stopped after writing 2 object(s), listed in s3://data/m.json"
        );
        assert!(kept.source().is_some());
    }
}
