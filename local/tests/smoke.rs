//! `firehose-local smoke` against moto in server mode (CloudFormation outputs from a small
//! template, S3, CloudWatch Logs and alarms, API Gateway's key, Lambda versions, IAM, STS) and a
//! stand-in for the API on loopback that does what API Gateway → Kinesis → Firehose → Lambda
//! would leave behind: the raw backup object and the function's `batch transformed` line.
//! Each check is shown to pass, and to fail when its piece is broken.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

#[path = "support/api_stand_in.rs"]
mod api_stand_in;
mod support;

use std::process::Output;

use api_stand_in::{ApiStandIn, Auth, Behaviour};
use serde_json::{json, Value};
use support::*;

const STACK: &str = "shim-staging";
const BUCKET: &str = "shim-staging-data";
const ALARM: &str = "shim-staging-orders-records-processing-failed";
const KEY: &str = "the-right-key-0123456789";

/// The clients of the setup, on moto.
struct Setup {
    config: aws_config::SdkConfig,
}

impl Setup {
    fn new(moto: &Moto) -> Setup {
        Setup::with_key(moto, "testing", "testing")
    }

    fn with_key(moto: &Moto, id: &str, secret: &str) -> Setup {
        use aws_sdk_s3::config::{Credentials, Region, SharedCredentialsProvider};
        use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
        let http =
            aws_smithy_http_client::Builder::new().tls_provider(tls::Provider::Rustls(CryptoMode::Ring)).build_https();
        let config = aws_config::SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .http_client(http)
            .endpoint_url(&moto.endpoint)
            .region(Region::new(REGION))
            .credentials_provider(SharedCredentialsProvider::new(Credentials::new(id, secret, None, None, "t")))
            .build();
        Setup { config }
    }

    fn s3(&self) -> aws_sdk_s3::Client {
        aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&self.config).force_path_style(true).build())
    }

    fn iam(&self) -> aws_sdk_iam::Client {
        aws_sdk_iam::Client::new(&self.config)
    }

    fn cloudwatch(&self) -> aws_sdk_cloudwatch::Client {
        aws_sdk_cloudwatch::Client::new(&self.config)
    }

    fn lambda(&self) -> aws_sdk_lambda::Client {
        aws_sdk_lambda::Client::new(&self.config)
    }
}

/// Everything the stack would have made, made in moto, and the stack's outputs pointing at
/// it; `api` is where the stand-in listens. `versions` of the orders function: how many are
/// published (live on the last).
fn deploy(moto: &Moto, api: &str, versions: usize) -> Setup {
    deploy_as(Setup::new(moto), api, versions)
}

fn deploy_as(setup: Setup, api: &str, versions: usize) -> Setup {
    deploy_with(setup, api, versions, "api-key")
}

fn deploy_with(setup: Setup, api: &str, versions: usize, auth: &str) -> Setup {
    let c = &setup.config;
    block_on(async {
        let s3 = setup.s3();
        create_bucket(&s3, BUCKET).await;
        let key = aws_sdk_apigateway::Client::new(c)
            .create_api_key()
            .name("sender")
            .value(KEY)
            .enabled(true)
            .send()
            .await
            .unwrap();
        let iam = aws_sdk_iam::Client::new(c);
        // The account (as the stack's role trusts it) and, for moto, which does not read the
        // account as delegating to IAM policies, the test's operator by name.
        let principals = ["arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:user/operator"];
        let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": principals}, "Action": "sts:AssumeRole"}]});
        let role =
            iam.create_role().role_name("replay").assume_role_policy_document(trust.to_string()).send().await.unwrap();
        let role_arn = role.role().unwrap().arn().to_owned();
        let lambda = setup.lambda();
        for stream in ["orders", "customers"] {
            let function = format!("{STACK}-{stream}");
            let code = aws_sdk_lambda::types::FunctionCode::builder()
                .zip_file(aws_sdk_lambda::primitives::Blob::new(b"PK\x05\x06".to_vec()))
                .build();
            lambda
                .create_function()
                .function_name(&function)
                .runtime(aws_sdk_lambda::types::Runtime::Providedal2023)
                .handler("bootstrap")
                .role(&role_arn)
                .code(code)
                .send()
                .await
                .unwrap();
            let mut last = String::new();
            for deploy in 0..versions {
                // A deploy that changes the code publishes a version (the same code would not).
                let zip = aws_sdk_lambda::primitives::Blob::new(format!("PK\x05\x06 deploy {deploy}").into_bytes());
                lambda.update_function_code().function_name(&function).zip_file(zip).send().await.unwrap();
                last = lambda
                    .publish_version()
                    .function_name(&function)
                    .send()
                    .await
                    .unwrap()
                    .version()
                    .unwrap()
                    .to_owned();
            }
            lambda.create_alias().function_name(&function).name("live").function_version(&last).send().await.unwrap();
            let logs = aws_sdk_cloudwatchlogs::Client::new(c);
            logs.create_log_group().log_group_name(format!("/aws/lambda/{function}")).send().await.unwrap();
        }
        let outputs = json!({
            "ApiEndpoint": format!("{api}/v1/events"),
            "ApiAuthMode": auth,
            "ApiKeyId": key.id().unwrap(),
            "DataBucketName": BUCKET,
            "TestAlarmName": ALARM,
            "ReplayRoleArn": role_arn,
            "OrdersFunctionName": format!("{STACK}-orders"),
            "OrdersLogGroupName": format!("/aws/lambda/{STACK}-orders"),
            "OrdersKinesisStreamName": format!("{STACK}-orders"),
            "CustomersFunctionName": format!("{STACK}-customers"),
            "CustomersLogGroupName": format!("/aws/lambda/{STACK}-customers"),
        });
        let mut template_outputs = serde_json::Map::new();
        for (name, value) in outputs.as_object().unwrap() {
            template_outputs.insert(name.clone(), json!({"Value": value}));
        }
        template_outputs.insert("AlarmTopicArn".into(), json!({"Value": {"Ref": "AlarmTopic"}}));
        let template = json!({
            "Resources": {"AlarmTopic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": format!("{STACK}-alarms")}}},
            "Outputs": template_outputs,
        });
        let cfn = aws_sdk_cloudformation::Client::new(c);
        cfn.create_stack().stack_name(STACK).template_body(template.to_string()).send().await.unwrap();
        let topic = format!("arn:aws:sns:{REGION}:123456789012:{STACK}-alarms");
        setup
            .cloudwatch()
            .put_metric_alarm()
            .alarm_name(ALARM)
            .namespace("SystemOneShim")
            .metric_name("RecordsProcessingFailed")
            .statistic(aws_sdk_cloudwatch::types::Statistic::Sum)
            .period(300)
            .evaluation_periods(1)
            .threshold(0.0)
            .comparison_operator(aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanThreshold)
            .alarm_actions(topic)
            .send()
            .await
            .unwrap();
    });
    setup
}

fn smoke(moto: &Moto, args: &[&str]) -> Output {
    let mut all = vec!["smoke", "--stack", STACK, "--timeout", "8s", "--poll-ms", "200"];
    all.extend_from_slice(args);
    firehose_local(&moto.endpoint, &all)
}

fn json_of(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", text(&output.stdout), text(&output.stderr)))
}

fn check<'a>(document: &'a Value, name: &str, target: &str) -> &'a Value {
    document["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == name && c["target"] == target)
        .unwrap_or_else(|| panic!("no {name} {target} in {document:#}"))
}

fn details(check: &Value) -> String {
    check["details"].as_array().unwrap().iter().map(|d| d.as_str().unwrap()).collect::<Vec<_>>().join("\n")
}

#[test]
fn a_heartbeat_goes_through_every_hop_and_nothing_reaches_system_one() {
    let moto = Moto::start();
    let api = ApiStandIn::start(&moto.endpoint, KEY, Behaviour::Deliver);
    deploy(&moto, &api.url, 2);
    let output = smoke(&moto, &["--only", "ingest", "--only", "rollback", "--json"]);
    let document = json_of(&output);
    assert_eq!(output.status.code(), Some(0), "{document:#}\n{}", text(&output.stderr));
    assert_eq!((document["passed"].as_u64(), document["failed"].as_u64()), (Some(4), Some(0)), "{document:#}");
    for stream in ["orders", "customers"] {
        let ingest = check(&document, "ingest", stream);
        for hop in ["api", "backup", "function"] {
            assert!(ingest["latency_ms"][hop].is_u64(), "{hop}: {ingest:#}");
        }
        assert!(details(ingest).contains("raw backup after"), "{ingest:#}");
        assert!(details(ingest).contains("version 2"), "{ingest:#}");
        let rollback = check(&document, "rollback", stream);
        assert!(
            details(rollback).starts_with("live → 2; older: 1 (roll back: aws lambda update-alias"),
            "{rollback:#}"
        );
    }
    // What the API received: one heartbeat per stream, with the key; nothing under system-one/.
    let received = api.received();
    assert_eq!(received.len(), 2, "{received:?}");
    for (path, body) in &received {
        let event: Value = serde_json::from_slice(body).unwrap();
        assert_eq!(event["eventType"], "system.heartbeat", "{path}");
    }
    let objects = block_on(objects(&moto.s3(), BUCKET));
    assert!(objects.keys().all(|key| key.starts_with("source/")), "{:?}", objects.keys());

    // The table, for a person.
    let table = smoke(&moto, &["--only", "rollback", "--stream", "orders"]);
    let stdout = text(&table.stdout);
    assert_eq!(table.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("rollback  orders"), "{stdout}");
    assert!(stdout.ends_with("1 checks: 1 passed, 0 failed\n"), "{stdout}");
}

#[test]
fn a_wrong_api_key_fails_the_ingest_check() {
    let moto = Moto::start();
    let api = ApiStandIn::start(&moto.endpoint, "another-key", Behaviour::Deliver);
    deploy(&moto, &api.url, 2);
    let output = smoke(&moto, &["--only", "ingest", "--stream", "orders", "--json"]);
    let document = json_of(&output);
    assert_eq!(output.status.code(), Some(1), "{document:#}");
    let ingest = check(&document, "ingest", "orders");
    assert_eq!(ingest["passed"], false);
    assert!(details(ingest).starts_with("API answered 403 to POST "), "{ingest:#}");
}

#[test]
fn with_iam_auth_the_heartbeat_is_signed_with_sigv4() {
    let moto = Moto::start();
    let api = ApiStandIn::start_with(&moto.endpoint, Auth::SigV4, Behaviour::Deliver);
    deploy_with(Setup::new(&moto), &api.url, 2, "iam");
    let output = smoke(&moto, &["--only", "ingest", "--stream", "orders", "--json"]);
    let document = json_of(&output);
    assert_eq!(output.status.code(), Some(0), "{document:#}");
    assert_eq!(api.received().len(), 1);
    // Signed with another secret (moto does not check signatures; the stand-in does): refused.
    let output = firehose_local_with(
        &moto.endpoint,
        &["smoke", "--stack", STACK, "--only", "ingest", "--stream", "orders", "--timeout", "3s", "--json"],
        &[("AWS_SECRET_ACCESS_KEY", "not-the-secret")],
    );
    let document = json_of(&output);
    assert_eq!(output.status.code(), Some(1), "{document:#}");
    assert!(details(check(&document, "ingest", "orders")).starts_with("API answered 403 to POST "), "{document:#}");
    assert_eq!(api.received().len(), 1);
}

#[test]
fn a_missing_backup_object_or_function_line_fails_the_ingest_check_naming_the_hop() {
    let moto = Moto::start();
    let api = ApiStandIn::start(&moto.endpoint, KEY, Behaviour::FunctionOnly);
    deploy(&moto, &api.url, 2);
    let output = smoke(&moto, &["--only", "ingest", "--stream", "orders", "--json"]);
    let document = json_of(&output);
    assert_eq!(output.status.code(), Some(1), "{document:#}");
    let ingest = check(&document, "ingest", "orders");
    let text = details(ingest);
    assert!(text.starts_with("no raw backup holding eventId firehose-local-smoke-"), "{text}");
    assert!(text.contains("function dropped a record after"), "{text}");
    assert!(ingest["latency_ms"]["backup"].is_null(), "{ingest:#}");

    // The processor broken: the backup is there, no batch with a dropped record.
    api.set(Behaviour::BackupOnly);
    let output = smoke(&moto, &["--only", "ingest", "--stream", "customers", "--json"]);
    let document = json_of(&output);
    assert_eq!(output.status.code(), Some(1), "{document:#}");
    let text = details(check(&document, "ingest", "customers"));
    assert!(
        text.starts_with("no `batch transformed` line with dropped ≥ 1 in /aws/lambda/shim-staging-customers"),
        "{text}"
    );
    assert!(text.contains("raw backup after"), "{text}");
}

#[test]
fn no_older_version_fails_the_rollback_check_unless_it_is_the_first_deploy() {
    let moto = Moto::start();
    let api = ApiStandIn::start(&moto.endpoint, KEY, Behaviour::Deliver);
    deploy(&moto, &api.url, 1);
    let output = smoke(&moto, &["--only", "rollback", "--stream", "orders"]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("FAIL") && stdout.contains("live → 1 and no older version: nothing to roll back to"),
        "{stdout}"
    );
    let output = smoke(&moto, &["--only", "rollback", "--stream", "orders", "--first-deploy"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stdout));
    assert!(text(&output.stdout).contains("first deploy (--first-deploy): no older version yet"));
}

fn alarm_state(setup: &Setup) -> (String, String) {
    block_on(async {
        let described = setup.cloudwatch().describe_alarms().alarm_names(ALARM).send().await.unwrap();
        let alarm = &described.metric_alarms()[0];
        (alarm.state_value().unwrap().as_str().to_owned(), alarm.state_reason().unwrap_or("").to_owned())
    })
}

#[test]
fn the_alarm_is_set_back_and_an_alarm_already_in_alarm_is_left_alone() {
    let moto = Moto::start();
    let api = ApiStandIn::start(&moto.endpoint, KEY, Behaviour::Deliver);
    let setup = deploy(&moto, &api.url, 2);
    let (before, _) = alarm_state(&setup);
    let output = smoke(&moto, &["--only", "alarm", "--json"]);
    let document = json_of(&output);
    // moto 5.2.5 has no DescribeAlarmHistory: the SNS action cannot be confirmed there.
    assert_eq!(output.status.code(), Some(1), "{document:#}");
    let alarm = check(&document, "alarm", ALARM);
    let text = details(alarm);
    assert!(text.starts_with("cannot read the alarm's history (DescribeAlarmHistory): "), "{text}");
    assert!(text.ends_with(&format!("set back to {before}")), "{text}");
    let (after, reason) = alarm_state(&setup);
    assert_eq!(after, before);
    assert!(reason.ends_with(": set back after the test"), "{reason}");

    block_on(async {
        let cw = setup.cloudwatch();
        let set = cw.set_alarm_state().alarm_name(ALARM).state_value(aws_sdk_cloudwatch::types::StateValue::Alarm);
        set.state_reason("a real failure").send().await.unwrap();
    });
    let output = smoke(&moto, &["--only", "alarm", "--json"]);
    let alarm = check(&json_of(&output), "alarm", ALARM).clone();
    assert_eq!(output.status.code(), Some(1));
    assert!(details(&alarm).starts_with("already in ALARM (a real failure): left as it is"), "{alarm:#}");
    assert_eq!(alarm_state(&setup), ("ALARM".to_owned(), "a real failure".to_owned()));
}

#[test]
fn the_replay_role_runs_a_dry_run_and_moves_nothing() {
    let moto = Moto::start();
    let api = ApiStandIn::start(&moto.endpoint, KEY, Behaviour::Deliver);
    deploy(&moto, &api.url, 2);
    let source = "errors/orders/processing-failed/2026/11/20/15/orders-1-2026-11-20-15-04-05-a";
    let lines = sample_lines(shim::Stream::Orders);
    block_on(put(&moto.s3(), BUCKET, source, error_object(&lines, "lambdaArn", "orders")));
    let before = block_on(objects(&moto.s3(), BUCKET));
    let output = smoke(&moto, &["--only", "recovery", "--json"]);
    let document = json_of(&output);
    let recovery = check(&document, "recovery", "arn:aws:iam::123456789012:role/replay");
    let text = details(recovery);
    assert!(
        text.contains(&format!("as the role: firehose-local replay s3://{BUCKET}/errors/ (dry run: nothing written, nothing moved): 1 source object read")),
        "{text}"
    );
    // moto 5.2.5 has no SimulatePrincipalPolicy: the permissions cannot be simulated there.
    assert!(text.contains("cannot simulate the replay role's policy (iam:SimulatePrincipalPolicy): "), "{text}");
    assert_eq!(output.status.code(), Some(1), "{document:#}");
    assert_eq!(block_on(objects(&moto.s3(), BUCKET)), before, "a smoke test moves nothing");
}

#[test]
fn a_missing_stack_or_output_exits_2_naming_it() {
    let moto = Moto::start();
    let output = smoke(&moto, &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains(&format!("--stack {STACK}: no such stack")), "{}", text(&output.stderr));
    let api = ApiStandIn::start(&moto.endpoint, KEY, Behaviour::Deliver);
    deploy(&moto, &api.url, 2);
    let output = smoke(&moto, &["--stream", "estimates"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        text(&output.stderr),
        format!("firehose-local: stack {STACK} has no output EstimatesFunctionName (deployed from an older infra/? deploy again)\n")
    );
    let output = smoke(&moto, &["--only", "everything"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    let output = smoke(&moto, &["--dry-run"]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.ends_with("6 checks planned\n"), "{stdout}");
    assert!(api.received().is_empty(), "a dry run sends nothing");
}

/// An operator allowed everything, made in the first three calls (before moto enforces IAM):
/// its access key id and secret.
fn operator(moto: &Moto) -> (String, String) {
    let iam = Setup::new(moto).iam();
    block_on(async {
        iam.create_user().user_name("operator").send().await.unwrap();
        let all = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
        iam.put_user_policy()
            .user_name("operator")
            .policy_name("all")
            .policy_document(all.to_string())
            .send()
            .await
            .unwrap();
        let created = iam.create_access_key().user_name("operator").send().await.unwrap();
        let key = created.access_key().unwrap();
        (key.access_key_id().to_owned(), key.secret_access_key().to_owned())
    })
}

#[test]
fn a_call_the_replay_role_is_denied_fails_the_recovery_check() {
    // moto with IAM enforced: the replay runs under the role's own policy, evaluated by moto.
    let moto = Moto::start_with(&[("INITIAL_NO_AUTH_ACTION_COUNT", "3")]);
    let (id, secret) = operator(&moto);
    let setup = deploy_as(Setup::with_key(&moto, &id, &secret), "http://127.0.0.1:9", 2);
    let source = "errors/orders/processing-failed/2026/11/20/15/orders-1-2026-11-20-15-04-05-a";
    let lines = sample_lines(shim::Stream::Orders);
    block_on(put(&setup.s3(), BUCKET, source, error_object(&lines, "lambdaArn", "orders")));
    let policy = |actions: &[&str]| {
        let document = json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": actions, "Resource": [format!("arn:aws:s3:::{BUCKET}"), format!("arn:aws:s3:::{BUCKET}/*")]}]});
        let request = setup.iam().put_role_policy().role_name("replay").policy_name("replay");
        block_on(request.policy_document(document.to_string()).send()).unwrap();
    };
    let env = [("AWS_ACCESS_KEY_ID", id.as_str()), ("AWS_SECRET_ACCESS_KEY", secret.as_str())];
    let run = || {
        let args = ["smoke", "--stack", STACK, "--only", "recovery", "--json", "--timeout", "8s"];
        let output = firehose_local_with(&moto.endpoint, &args, &env);
        let document = json_of(&output);
        (output.status.code(), details(check(&document, "recovery", "arn:aws:iam::123456789012:role/replay")))
    };

    policy(&["s3:GetObject"]);
    let (status, text) = run();
    assert_eq!(status, Some(1), "{text}");
    assert!(
        text.starts_with(&format!(
            "replay --dry-run as the role failed: cannot list s3://{BUCKET}/errors/: AccessDenied"
        )),
        "{text}"
    );

    policy(&["s3:GetObject", "s3:ListBucket"]);
    let (status, text) = run();
    assert_eq!(status, Some(1), "{text}");
    assert!(text.contains("as the role: firehose-local replay s3://shim-staging-data/errors/ (dry run"), "{text}");
}
