//! The recovery path, as the replay role (sts:AssumeRole on `ReplayRoleArn`):
//! - the real `firehose-local replay --dry-run s3://<DataBucketName>/errors/` under the role's
//!   credentials: it lists and reads what a replay would, and writes, moves and puts nothing;
//! - `iam:SimulatePrincipalPolicy` on the role for every call a real replay makes (see
//!   `commands::bucket_replay`), on a key of each prefix it writes: each denied action is named.

use std::process::Command;

use super::{Context, Outcome};

/// The calls of a replay, on the resources it makes them on: (action, resource ARNs).
pub(super) fn replay_calls(context: &Context<'_>, partition: &str, account: &str) -> Vec<(&'static str, Vec<String>)> {
    let bucket = format!("arn:{partition}:s3:::{}", context.stack.bucket);
    let object = |key: &str| format!("{bucket}/{key}");
    let mut reads = vec![object("errors/replay-journal/smoke.json")];
    let mut writes = vec![object("errors/replay-journal/smoke.json")];
    let mut deletes = vec![object("errors/replay-journal/smoke.json")];
    let mut streams = Vec::new();
    let region = context.aws.config.region().map(ToString::to_string).unwrap_or_default();
    for stream in &context.stack.streams {
        let name = stream.stream.name();
        let failed = object(&format!("errors/{name}/processing-failed/2026/01/01/00/smoke"));
        let replayed = object(&format!("errors/{name}/replayed/2026/01/01/00/smoke"));
        let output = object(&format!("system-one/{name}/2026/01/01/00/smoke"));
        reads.extend([failed.clone(), output.clone()]);
        writes.extend([failed.clone(), replayed, output]);
        deletes.push(failed);
        if let Some(kinesis) = &stream.kinesis {
            streams.push(format!("arn:{partition}:kinesis:{region}:{account}:stream/{kinesis}"));
        }
    }
    let mut calls = vec![
        ("s3:ListBucket", vec![bucket.clone()]),
        ("s3:GetObject", reads),
        ("s3:PutObject", writes),
        ("s3:DeleteObject", deletes),
    ];
    if !streams.is_empty() {
        calls.push(("kinesis:PutRecords", streams));
    }
    calls
}

pub(super) async fn check(context: &Context<'_>) -> Outcome {
    let role = &context.stack.replay_role;
    let mut outcome = Outcome::new("recovery", role.as_str());
    // arn:PARTITION:iam::ACCOUNT:role/NAME
    let parts: Vec<&str> = role.split(':').collect();
    let (Some(partition), Some(account)) = (parts.get(1), parts.get(4)) else {
        return outcome.fail(format!("ReplayRoleArn {role} is not a role ARN"));
    };
    let assumed = context
        .aws
        .sts
        .assume_role()
        .role_arn(role)
        .role_session_name(format!("firehose-local-smoke-{}", context.run))
        .duration_seconds(900)
        .send()
        .await;
    let credentials = match assumed {
        Ok(response) => match response.credentials() {
            Some(credentials) => credentials.clone(),
            None => return outcome.fail("sts:AssumeRole answered no credentials"),
        },
        Err(e) => return outcome.fail(format!("cannot assume the replay role: {}", crate::aws::error_code(&e))),
    };
    let dry_run = dry_run(context, &credentials).await;
    let denied = simulate(context, partition, account).await;
    match (&dry_run, &denied) {
        (Ok(_), Ok(denied)) if denied.is_empty() => {
            outcome = outcome.pass("replay --dry-run ran as the role; every call of a replay is allowed")
        }
        (Ok(_), Ok(denied)) => outcome = outcome.fail(format!("the replay role is denied {}", denied.join(", "))),
        (Err(why), _) => outcome = outcome.fail(format!("replay --dry-run as the role failed: {why}")),
        (Ok(_), Err(why)) => outcome = outcome.fail(why.clone()),
    }
    if let Ok(line) = dry_run {
        outcome.note(format!("as the role: {line}"));
    }
    match denied {
        Ok(denied) => {
            for line in denied {
                outcome.note(format!("denied: {line}"));
            }
        }
        Err(why) if !outcome.details.contains(&why) => outcome.note(why),
        Err(_) => {}
    }
    outcome
}

/// Runs this binary's own `replay --dry-run` over `errors/` with the role's credentials; the
/// first line of its summary, or why it failed (its error line).
async fn dry_run(context: &Context<'_>, credentials: &aws_sdk_sts::types::Credentials) -> Result<String, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let url = format!("s3://{}/errors/", context.stack.bucket);
    let mut command = Command::new(exe);
    command
        .args(["replay", "--dry-run", "--quiet", &url])
        .env("AWS_ACCESS_KEY_ID", credentials.access_key_id())
        .env("AWS_SECRET_ACCESS_KEY", credentials.secret_access_key())
        .env("AWS_SESSION_TOKEN", credentials.session_token())
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_WEB_IDENTITY_TOKEN_FILE")
        .env_remove("AWS_CONTAINER_CREDENTIALS_FULL_URI")
        .env_remove("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    if let Some(region) = context.aws.config.region() {
        command.env("AWS_REGION", region.to_string());
    }
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .map_err(|e| format!("cannot run replay: {e}"))?
        .map_err(|e| format!("cannot run replay: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let first = stdout.lines().next().unwrap_or("").trim().to_owned();
    match output.status.code() {
        // 1: records that would still fail, 3: objects that are not error output: data, not access.
        Some(0 | 1 | 3) => Ok(first),
        _ => {
            let line = stderr.lines().last().unwrap_or("no message").trim();
            Err(line.strip_prefix("firehose-local: ").unwrap_or(line).to_owned())
        }
    }
}

/// `iam:SimulatePrincipalPolicy` for each call: the denied ones, as `action on resource (decision)`.
async fn simulate(context: &Context<'_>, partition: &str, account: &str) -> Result<Vec<String>, String> {
    let mut denied = Vec::new();
    for (action, resources) in replay_calls(context, partition, account) {
        let response = context
            .aws
            .iam
            .simulate_principal_policy()
            .policy_source_arn(&context.stack.replay_role)
            .action_names(action)
            .set_resource_arns(Some(resources))
            .send()
            .await
            .map_err(|e| {
                format!(
                    "cannot simulate the replay role's policy (iam:SimulatePrincipalPolicy): {}",
                    crate::aws::error_code(&e)
                )
            })?;
        // One result per action (its decision the most restrictive); the decision per resource
        // is in ResourceSpecificResults (older answers: one result per resource).
        for result in response.evaluation_results() {
            let per_resource = result.resource_specific_results();
            if per_resource.is_empty() {
                let decision = result.eval_decision().as_str();
                if decision != "allowed" {
                    let resource = result.eval_resource_name().unwrap_or("*");
                    denied.push(format!("{} on {resource} ({decision})", result.eval_action_name()));
                }
            }
            for specific in per_resource {
                let decision = specific.eval_resource_decision().as_str();
                if decision != "allowed" {
                    denied.push(format!(
                        "{} on {} ({decision})",
                        result.eval_action_name(),
                        specific.eval_resource_name()
                    ));
                }
            }
        }
    }
    Ok(denied)
}
