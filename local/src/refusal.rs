//! What a command refuses to do, before it reads or writes anything: a flag it cannot honour, or
//! a run that would damage what it is pointed at. Each refusal names the flag (or argument) and
//! what to do instead, has a stable machine [`code`](Refusal::code), and exits 2.

use std::path::PathBuf;

/// A command line a command will not carry out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// `run --out DIR` where DIR holds an earlier run's output: a second run would add a second
    /// copy of every record.
    #[error(
        "--out {}: the folder holds {objects} object(s) of an earlier run already; a second run would add a \
         second copy of every record. Give another --out, or remove the folder first",
        out.display()
    )]
    OutputHoldsARun { out: PathBuf, objects: usize },

    /// `run --out s3://B` with an input that was run into B already (its mark is there).
    #[error(
        "--out s3://{bucket}: this input was run into the bucket already ({mark} lists its objects); a second \
         run would add a second copy of every record"
    )]
    RunBefore { bucket: String, mark: String },

    /// `run --out s3://B` with an input whose earlier run into B did not finish.
    #[error(
        "--out s3://{bucket}: a run of this input into the bucket started and did not finish ({mark} lists \
         the objects it wrote); a rerun would add a second copy of them. Remove those objects and the mark, \
         then run again"
    )]
    RunUnfinished { bucket: String, mark: String },

    /// `run -  --out s3://B`: a rerun of standard input cannot be recognized.
    #[error("run - --out s3://: give files, not standard input, so that a rerun of the same input is recognized")]
    StdinIntoBucket,

    /// `replay -`: a rerun must find what it replayed already.
    #[error("replay -: replay reads files, not standard input, so that a rerun finds what it replayed already")]
    StdinReplay,

    /// `replay s3://... OTHER`: one bucket input, alone.
    #[error("replay s3://{bucket}/...: replay takes one s3:// URL, and no other input beside it")]
    InputsBesideS3 { bucket: String },

    /// `replay s3://... --out DIR`: a bucket replay writes into its bucket, never a folder.
    #[error(
        "--out {}: a replay from s3:// writes into the bucket it reads (or --to s3://OTHER, --to kinesis:NAME), \
         never into a folder; to work on a local copy, download it (aws s3 cp --recursive) and replay the folder",
        out.display()
    )]
    OutWithS3 { out: PathBuf },

    /// `replay s3://B/PREFIX` with PREFIX outside `errors/`.
    #[error(
        "replay s3://{bucket}/{prefix}: replay reads error output: the prefix must be under errors/ (e.g. \
         s3://{bucket}/errors/orders/processing-failed/)"
    )]
    NotErrorOutput { bucket: String, prefix: String },

    /// `replay DIR` where DIR lies in the output folder but outside its `errors/`.
    #[error(
        "replay {}: in the output folder {}, replay reads error output: give a folder or file under {}",
        input.display(),
        out.display(),
        out.join("errors").display()
    )]
    NotErrorOutputInOut { input: PathBuf, out: PathBuf },

    /// `--to` on a local replay.
    #[error("--to applies to a replay from s3://; a local replay writes under --out")]
    ToWithoutS3,

    /// `--fail-move` (tests) on a local replay.
    #[error("--fail-move applies to a replay from s3://")]
    FailMoveWithoutS3,

    /// `--from T --to U` with T not before U (`run kinesis:`, `reconcile`).
    #[error("--from {from} is not before --to {to}: the window is empty")]
    EmptyWindow { from: jiff::Timestamp, to: jiff::Timestamp },

    /// `run kinesis:NAME` without `--from`.
    #[error(
        "--from: kinesis:NAME needs --from (and reads to --to, else to now): where in the stream's retention to start"
    )]
    KinesisWithoutFrom,

    /// `--from`/`--to` on a `run` whose inputs hold no `kinesis:NAME`.
    #[error("--from and --to apply to a kinesis:NAME input only")]
    WindowWithoutKinesis,

    /// `run kinesis:NAME --from T` with T before what the stream still keeps.
    #[error(
        "--from {from}: kinesis:{name} keeps records for {hours} hours, so records before {kept} are gone; \
         reprocess that part from the raw backup (run s3://BUCKET/source/<stream>/...)"
    )]
    BeforeRetention { name: String, hours: i32, from: jiff::Timestamp, kept: jiff::Timestamp },

    /// `reconcile --include-differing` without `--repair`.
    #[error("--include-differing applies to --repair: a reconcile alone writes nothing")]
    IncludeDifferingWithoutRepair,

    /// `reconcile --dry-run` without `--repair`.
    #[error("--dry-run applies to --repair (it prints the repair plan); a reconcile alone writes nothing")]
    DryRunWithoutRepair,
}

impl Refusal {
    /// A stable machine code, for scripts and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::OutputHoldsARun { .. } => "output-holds-a-run",
            Refusal::RunBefore { .. } => "run-before",
            Refusal::RunUnfinished { .. } => "run-unfinished",
            Refusal::StdinIntoBucket => "stdin-into-bucket",
            Refusal::StdinReplay => "stdin-replay",
            Refusal::InputsBesideS3 { .. } => "inputs-beside-s3",
            Refusal::OutWithS3 { .. } => "out-with-s3",
            Refusal::NotErrorOutput { .. } => "not-error-output",
            Refusal::NotErrorOutputInOut { .. } => "not-error-output-in-out",
            Refusal::ToWithoutS3 => "to-without-s3",
            Refusal::FailMoveWithoutS3 => "fail-move-without-s3",
            Refusal::EmptyWindow { .. } => "empty-window",
            Refusal::KinesisWithoutFrom => "kinesis-without-from",
            Refusal::WindowWithoutKinesis => "window-without-kinesis",
            Refusal::BeforeRetention { .. } => "before-retention",
            Refusal::IncludeDifferingWithoutRepair => "include-differing-without-repair",
            Refusal::DryRunWithoutRepair => "dry-run-without-repair",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_names_its_flag() {
        let out = Refusal::OutWithS3 { out: "copy".into() };
        assert!(out.to_string().starts_with("--out copy: "), "{out}");
        assert_eq!(out.code(), "out-with-s3");
        let before = Refusal::RunBefore { bucket: "data".into(), mark: "s3://data/firehose-local/runs/x.json".into() };
        assert!(before.to_string().starts_with("--out s3://data: this input was run"), "{before}");
        assert!(Refusal::ToWithoutS3.to_string().starts_with("--to "));
    }
}
