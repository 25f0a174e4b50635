//! The rollback path of one function: its `live` alias points at a published version (not
//! `$LATEST`), and an older published version exists to point it back at (infra/README.md, "Roll
//! back a function"). A first deploy has none: that fails unless `--first-deploy` says so.

use super::stack::StreamOutputs;
use super::{Context, Outcome};

pub(super) async fn check(context: &Context<'_>, stream: &StreamOutputs) -> Outcome {
    let function = &stream.function;
    let outcome = Outcome::new("rollback", stream.stream.name());
    let lambda = &context.aws.lambda;
    let live = match lambda.get_alias().function_name(function).name("live").send().await {
        Ok(alias) => alias.function_version().unwrap_or("").to_owned(),
        Err(e) => return outcome.fail(format!("cannot read alias live of {function}: {}", crate::aws::error_code(&e))),
    };
    let Ok(live_number) = live.parse::<u64>() else {
        return outcome.fail(format!("live points at {live:?}, not a published version: nothing to roll back from"));
    };
    let mut older = Vec::new();
    let mut pages = lambda.list_versions_by_function().function_name(function).into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = match page {
            Ok(page) => page,
            Err(e) => {
                return outcome.fail(format!("cannot list the versions of {function}: {}", crate::aws::error_code(&e)))
            }
        };
        older.extend(
            page.versions().iter().filter_map(|v| v.version()?.parse::<u64>().ok()).filter(|v| *v < live_number),
        );
    }
    older.sort_unstable_by(|a, b| b.cmp(a));
    match older.first() {
        Some(previous) => {
            let shown: Vec<String> = older.iter().take(5).map(u64::to_string).collect();
            outcome.pass(format!(
                "live → {live}; older: {}{} (roll back: aws lambda update-alias --function-name {function} --name live \
                 --function-version {previous})",
                shown.join(", "),
                if older.len() > 5 { ", …" } else { "" }
            ))
        }
        None if context.first_deploy => {
            outcome.pass(format!("live → {live}; first deploy (--first-deploy): no older version yet"))
        }
        None => outcome.fail(format!(
            "live → {live} and no older version: nothing to roll back to (a first deploy? say so with --first-deploy)"
        )),
    }
}
