//! `firehose-local smoke --stack NAME`: after a deploy, proves each path of the pipeline with
//! real calls in that account, and changes nothing the import job reads.
//!
//! Plan, then run: the stack's outputs are read first (a missing stack or output stops the
//! command, exit 2, before anything is sent); the plan is the list of checks; the checks then
//! run at the same time, each bounded by `--timeout`:
//! - `ingest` per stream ([`ingest`]): a `system.heartbeat` through the API, found in the raw
//!   backup and in the function's log group, with the latency of each hop;
//! - `alarm` ([`alarm`]): the test alarm set to ALARM, its SNS action confirmed from its history,
//!   set back;
//! - `recovery` ([`recovery`]): `replay --dry-run` over `errors/` as the replay role, and the
//!   role's policy simulated for every call of a replay;
//! - `rollback` per stream ([`rollback`]): `live` on a published version, an older one kept.
//!
//! Safe by design: the only event sent is a heartbeat, which every function drops (no System
//! One line); the alarm is set back to the state it had (and never touched when it is in ALARM
//! already); the replay is a dry run; nothing is deleted. What stays: one heartbeat line in each
//! stream's raw backup, the alarm's history, one page to the alarm's subscribers.

mod alarm;
mod api;
mod aws;
mod ingest;
mod recovery;
mod report;
mod rollback;
mod stack;

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use shim::Stream;

use super::{runtime, ExitStatus, Finished};
use crate::Error;
use report::Outcome;
pub use stack::StackError;

/// The checks, as `--only` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckKind {
    Ingest,
    Alarm,
    Recovery,
    Rollback,
}

/// The command line of `smoke`.
#[derive(Debug, Clone)]
pub struct SmokeCommand {
    pub stack: String,
    /// Empty: every stream of the stack.
    pub streams: Vec<Stream>,
    /// Empty: every check.
    pub only: Vec<CheckKind>,
    pub timeout: Duration,
    /// How often the downstream places are looked at.
    pub poll: Duration,
    pub json: bool,
    pub first_deploy: bool,
    /// Print the plan; send, set and assume nothing.
    pub dry_run: bool,
}

/// One planned check.
#[derive(Debug, Clone, Copy)]
enum Planned {
    Ingest(usize),
    Alarm,
    Recovery,
    Rollback(usize),
}

/// What the checks share.
pub(super) struct Context<'a> {
    aws: &'a aws::Aws,
    stack: &'a stack::Stack,
    api: Result<api::Api, String>,
    run: String,
    timeout: Duration,
    poll: Duration,
    deadline: Instant,
    first_deploy: bool,
}

impl Context<'_> {
    fn expired(&self) -> bool {
        Instant::now() >= self.deadline
    }
}

/// `--timeout`: `90s`, `15m`, `1h`, or seconds.
pub fn duration(text: &str) -> Result<Duration, String> {
    let (number, unit) =
        text.trim().split_at(text.trim().find(|c: char| !c.is_ascii_digit()).unwrap_or(text.trim().len()));
    let value: u64 = number.parse().map_err(|_| "a duration: 90s, 15m, 1h".to_owned())?;
    let seconds = match unit {
        "" | "s" => value,
        "m" => value * 60,
        "h" => value * 3600,
        _ => return Err("a duration: 90s, 15m, 1h".to_owned()),
    };
    if seconds == 0 || seconds > 24 * 3600 {
        return Err("between 1s and 24h".to_owned());
    }
    Ok(Duration::from_secs(seconds))
}

fn plan(command: &SmokeCommand, stack: &stack::Stack) -> Vec<Planned> {
    let wanted = |kind| command.only.is_empty() || command.only.contains(&kind);
    let mut planned = Vec::new();
    if wanted(CheckKind::Ingest) {
        planned.extend((0..stack.streams.len()).map(Planned::Ingest));
    }
    if wanted(CheckKind::Alarm) {
        planned.push(Planned::Alarm);
    }
    if wanted(CheckKind::Recovery) {
        planned.push(Planned::Recovery);
    }
    if wanted(CheckKind::Rollback) {
        planned.extend((0..stack.streams.len()).map(Planned::Rollback));
    }
    planned
}

/// What a planned check will do, for `--dry-run`.
fn describe(planned: Planned, stack: &stack::Stack) -> String {
    match planned {
        Planned::Ingest(i) => {
            let s = stack.streams.get(i).map(|s| (s.stream.name(), s.log_group.as_str())).unwrap_or_default();
            format!(
                "ingest    {:<20} POST one system.heartbeat to {}/{} ({}); look for it under s3://{}/source/{}/ and a \
                 dropped record in {}",
                s.0,
                stack.endpoint,
                s.0,
                match stack.auth {
                    stack::AuthMode::ApiKey => "x-api-key",
                    stack::AuthMode::Iam => "SigV4",
                    stack::AuthMode::IamAndApiKey => "SigV4 and x-api-key",
                },
                stack.bucket,
                s.0,
                s.1
            )
        }
        Planned::Alarm => format!(
            "alarm     {:<20} set ALARM, read its action history for {}, set it back (one page to the topic's subscribers)",
            stack.test_alarm, stack.topic
        ),
        Planned::Recovery => format!(
            "recovery  {:<20} assume {}; replay --dry-run s3://{}/errors/; simulate the role's policy for replay's calls",
            "replay role", stack.replay_role, stack.bucket
        ),
        Planned::Rollback(i) => {
            let s = stack.streams.get(i).map(|s| (s.stream.name(), s.function.as_str())).unwrap_or_default();
            format!("rollback  {:<20} alias live of {} on a published version, an older one kept", s.0, s.1)
        }
    }
}

pub fn smoke(command: SmokeCommand) -> Result<Finished, Error> {
    let runtime = runtime()?;
    runtime.block_on(async {
        let aws = aws::Aws::load().await;
        let stack = stack::read(&aws, &command.stack, &command.streams).await.map_err(Error::Stack)?;
        let planned = plan(&command, &stack);
        if command.dry_run {
            let mut out =
                format!("firehose-local smoke --stack {} (dry run: nothing sent, set or assumed)\n", stack.name);
            for step in &planned {
                let _ = writeln!(out, "  {}", describe(*step, &stack));
            }
            let _ = writeln!(out, "{} checks planned", planned.len());
            return Ok(Finished { summary: out, status: ExitStatus::Success });
        }
        let needs_api = planned.iter().any(|p| matches!(p, Planned::Ingest(_)));
        let api = if needs_api { api::Api::new(&aws, &stack).await } else { Err("not needed".to_owned()) };
        let run = format!("{}-{:x}", jiff::Timestamp::now().strftime("%Y%m%dT%H%M%SZ"), std::process::id());
        let context = Context {
            aws: &aws,
            stack: &stack,
            api,
            run: run.clone(),
            timeout: command.timeout,
            poll: command.poll,
            deadline: Instant::now() + command.timeout,
            first_deploy: command.first_deploy,
        };
        let checks = planned.iter().map(|step| run_check(&context, *step));
        let outcomes = futures_util::future::join_all(checks).await;
        let failed = outcomes.iter().any(|o| !o.passed);
        let summary = report::render(&stack.name, &run, &outcomes, command.json);
        Ok(Finished { summary, status: if failed { ExitStatus::Incomplete } else { ExitStatus::Success } })
    })
}

async fn run_check(context: &Context<'_>, step: Planned) -> Outcome {
    let started = Instant::now();
    let mut outcome = match step {
        Planned::Ingest(i) => match context.stack.streams.get(i) {
            Some(stream) => ingest::check(context, stream).await,
            None => Outcome::new("ingest", "?").fail("no such stream"),
        },
        Planned::Alarm => alarm::check(context).await,
        Planned::Recovery => recovery::check(context).await,
        Planned::Rollback(i) => match context.stack.streams.get(i) {
            Some(stream) => rollback::check(context, stream).await,
            None => Outcome::new("rollback", "?").fail("no such stream"),
        },
    };
    outcome.took = started.elapsed();
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(duration("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(duration("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(duration("30"), Ok(Duration::from_secs(30)));
        assert!(duration("0s").is_err());
        assert!(duration("5 minutes").is_err());
        assert!(duration("m").is_err());
    }
}
