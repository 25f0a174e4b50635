//! The alarm path: the stack's `TestAlarmName` alarm set to ALARM with SetAlarmState, its
//! history read until CloudWatch says whether the SNS action to `AlarmTopicArn` succeeded (that
//! is what proves the topic policy lets CloudWatch publish), then set back to the state it had.
//! An alarm already in ALARM is left alone (that is a real problem, and toggling it proves
//! nothing), and the state is set back whatever happened in between.

use aws_sdk_cloudwatch::types::{HistoryItemType, StateValue};
use aws_smithy_types::DateTime;

use super::report::human;
use super::{Context, Outcome};

/// The longest the test alarm is held in ALARM waiting for its action.
const ALARM_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

pub(super) async fn check(context: &Context<'_>) -> Outcome {
    let alarm = &context.stack.test_alarm;
    let outcome = Outcome::new("alarm", alarm.as_str());
    let cw = &context.aws.cloudwatch;
    let described = match cw.describe_alarms().alarm_names(alarm).send().await {
        Ok(described) => described,
        Err(e) => return outcome.fail(format!("cannot describe the alarm: {}", crate::aws::error_code(&e))),
    };
    let Some(found) = described.metric_alarms().first() else {
        return outcome.fail(format!("no alarm {alarm} (output TestAlarmName)"));
    };
    if !found.alarm_actions().iter().any(|action| action == &context.stack.topic) {
        return outcome.fail(format!("the alarm has no action to {} (AlarmTopicArn)", context.stack.topic));
    }
    if found.actions_enabled() == Some(false) {
        return outcome.fail("the alarm's actions are disabled (aws cloudwatch enable-alarm-actions)");
    }
    let before = found.state_value().cloned().unwrap_or(StateValue::InsufficientData);
    if before == StateValue::Alarm {
        return outcome.fail(format!(
            "already in ALARM ({}): left as it is; a real alarm proves more than a test one",
            found.state_reason().unwrap_or("")
        ));
    }
    let started = std::time::SystemTime::now();
    let reason = format!("firehose-local smoke {}: testing that an alarm reaches the topic", context.run);
    let set = cw.set_alarm_state().alarm_name(alarm).state_value(StateValue::Alarm).state_reason(&reason).send().await;
    if let Err(e) = set {
        return outcome.fail(format!("cannot set the alarm to ALARM: {}", crate::aws::error_code(&e)));
    }
    let verdict = wait_for_action(context, started).await;
    let restore_reason = format!("firehose-local smoke {}: set back after the test", context.run);
    let restored =
        cw.set_alarm_state().alarm_name(alarm).state_value(before.clone()).state_reason(restore_reason).send().await;
    let mut outcome = outcome;
    let restore_line = match restored {
        Ok(_) => format!("set back to {}", before.as_str()),
        Err(e) => format!(
            "CANNOT SET IT BACK to {} ({}): CloudWatch sets it at its next evaluation, or: aws cloudwatch set-alarm-state \
             --alarm-name {alarm} --state-value {} --state-reason 'after smoke test'",
            before.as_str(),
            crate::aws::error_code(&e),
            before.as_str()
        ),
    };
    match verdict {
        Ok(after) => {
            outcome.hops.push(("sns", u64::try_from(after.as_millis()).unwrap_or(u64::MAX)));
            outcome = outcome.pass(format!("ALARM → SNS action to the topic succeeded after {}", human(after)));
        }
        Err(why) => outcome = outcome.fail(why),
    }
    outcome.note(restore_line);
    outcome
}

/// Polls the alarm's action history from `started`: how long until CloudWatch executed the SNS
/// action, or why it did not.
async fn wait_for_action(context: &Context<'_>, started: std::time::SystemTime) -> Result<std::time::Duration, String> {
    let alarm = &context.stack.test_alarm;
    let topic = &context.stack.topic;
    let since = DateTime::from(started - std::time::Duration::from_secs(5));
    // CloudWatch runs an action within seconds: the alarm is not held in ALARM for long.
    let limit = context.timeout.min(ALARM_WAIT);
    let deadline = std::time::Instant::now() + limit;
    loop {
        let history = context
            .aws
            .cloudwatch
            .describe_alarm_history()
            .alarm_name(alarm)
            .history_item_type(HistoryItemType::Action)
            .start_date(since)
            .send()
            .await
            .map_err(|e| {
                format!("cannot read the alarm's history (DescribeAlarmHistory): {}", crate::aws::error_code(&e))
            })?;
        for item in history.alarm_history_items() {
            let summary = item.history_summary().unwrap_or("");
            if !summary.contains(topic.as_str()) {
                continue;
            }
            let at = item.timestamp().and_then(|t| std::time::SystemTime::try_from(*t).ok()).unwrap_or(started);
            let after = at.duration_since(started).unwrap_or_default();
            if summary.starts_with("Successfully executed action") {
                return Ok(after);
            }
            return Err(format!(
                "CloudWatch could not publish to the topic: {summary} {} (the topic policy must Allow \
                 cloudwatch.amazonaws.com sns:Publish; the topic key must let CloudWatch use it)",
                item.history_data().unwrap_or("")
            ));
        }
        if std::time::Instant::now() >= deadline {
            return Err(format!("no action in the alarm's history within {}", human(limit)));
        }
        tokio::time::sleep(context.poll).await;
    }
}
