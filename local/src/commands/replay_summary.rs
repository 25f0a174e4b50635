//! The summary a replay prints, local or from a bucket, and the exit status it ends with.

use std::fmt::Write as _;

use super::replay::ReplayCommand;
use super::{count, list, ExitStatus, Finished};
use crate::location::Destination;
use crate::replay::Recovery;
use crate::store::Step;

pub(super) fn summary(title: &str, command: &ReplayCommand, recovery: &Recovery, moves: &[Step]) -> Finished {
    let dry = command.dry_run;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{title}{}: {} read; {} {}{}",
        if dry { " (dry run: nothing written, nothing moved)" } else { "" },
        count(recovery.sources, "source object"),
        if dry { "would write" } else { "wrote" },
        count(recovery.written.len(), "object"),
        if recovery.kept > 0 {
            format!(", {} already there from an earlier run", recovery.kept)
        } else {
            String::new()
        }
    );
    list(&mut out, "", &recovery.written);
    if let Some(Destination::Kinesis(name)) = &command.to {
        let _ = writeln!(
            out,
            "{} {} records on kinesis:{name} ({} throttled calls and {} failed entries retried)",
            if dry { "would put" } else { "put" },
            recovery.put,
            recovery.retried_calls,
            recovery.retried_entries
        );
    }
    out.push('\n');
    out.push_str(&recovery.report.table());
    if !dry {
        let moved: Vec<String> = recovery
            .moved
            .iter()
            .map(|(stream, count)| format!("{stream:<20} {count:>8}  to errors/{stream}/replayed/"))
            .collect();
        list(&mut out, "moved source objects:", &moved);
    }
    let planned: Vec<String> = moves
        .iter()
        .filter_map(|step| match step {
            Step::Move { from, to } => Some(format!("{from} → {to}")),
            _ => None,
        })
        .collect();
    list(&mut out, "would move:", &planned);
    let unput: Vec<String> = recovery
        .unput
        .iter()
        .map(|(stream, source, code, count)| format!("{count} records of {source} not put on {stream}: {code}"))
        .collect();
    list(&mut out, "not put on Kinesis (the sources stay; run the replay again):", &unput);
    let unreadable: Vec<String> = recovery
        .unreadable
        .iter()
        .map(|(source, line)| format!("{source} line {line}: not an error-output record"))
        .collect();
    list(&mut out, "unreadable lines (their sources stay where they are):", &unreadable);
    let kept: Vec<String> = recovery.not_moved.iter().map(|(source, why)| format!("{source}: {why}")).collect();
    list(&mut out, "not moved:", &kept);
    if recovery.unchanged > 0 {
        let _ = writeln!(
            out,
            "still failing exactly as their lines say, recovering nothing: {}; left where they are, nothing \
             written (replay them once the cause is fixed)",
            count(recovery.unchanged, "source object")
        );
    }
    if recovery.done_before > 0 {
        let _ = writeln!(
            out,
            "{} replayed into this output before (journal under errors/replay-journal/): skipped",
            count(recovery.done_before, "source")
        );
    }
    let total = recovery.report.total();
    let recovered = total.ok + total.dropped;
    if recovery.nothing_recognized() {
        let _ = writeln!(
            out,
            "nothing here looked like Firehose error output: {} read, not one line a JSON object with a \
             rawData member (error output is what Firehose writes under errors/<stream>/processing-failed/, \
             plain or gzip); nothing was written or moved",
            count(recovery.sources, "source object")
        );
        return Finished { summary: out, status: ExitStatus::NothingRecognized };
    }
    if dry {
        let _ = writeln!(
            out,
            "dry run: {recovered} of {} records would be recovered, {} would still fail; {} of {} sources would move",
            total.records,
            total.failed,
            planned.len(),
            recovery.sources
        );
    } else if recovery.complete() {
        let _ = writeln!(out, "all {} records recovered", total.records);
    } else {
        let _ = writeln!(
            out,
            "{} of {} records still fail{}{}; still-failing records are under errors/<stream>/processing-failed/",
            total.failed,
            total.records,
            if recovery.unreadable.is_empty() {
                String::new()
            } else {
                format!(", {} lines unreadable", recovery.unreadable.len())
            },
            if recovery.unput.is_empty() { String::new() } else { ", some records not put on Kinesis".to_owned() },
        );
    }
    let status = if recovery.complete() { ExitStatus::Success } else { ExitStatus::Incomplete };
    Finished { summary: out, status }
}
