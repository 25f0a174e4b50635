//! The README's `firehose-local` commands, exactly as written and in the order written, run on
//! the built binary in a fresh folder (holding only the repository's `events/`), the bucket
//! commands against moto with the README's placeholders filled in. Each must end with a status
//! the README documents as a normal outcome (0, or 1 for a replay that leaves failures).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::process::{Command, Stdio};

use shim::Stream;
use support::{aws_test_env, block_on, create_bucket, error_object, put, repo_root, sample_lines, text, Moto};

mod support;

/// The command lines of the README's `sh` blocks that run `firehose-local`, as its arguments.
fn readme_commands() -> Vec<Vec<String>> {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let mut in_sh = false;
    let mut commands = Vec::new();
    for line in readme.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            in_sh = trimmed == "```sh";
            continue;
        }
        if !in_sh {
            continue;
        }
        let command = trimmed.split(" #").next().unwrap_or_default();
        let arguments = command
            .strip_prefix("cargo run --release -p firehose-local -- ")
            .or_else(|| command.strip_prefix("firehose-local "));
        if let Some(arguments) = arguments {
            let filled = arguments.replace("<DataBucketName>", "data").replace("<stack>", "shim");
            commands.push(filled.split_whitespace().map(str::to_owned).collect());
        }
    }
    commands
}

#[test]
fn the_readmes_commands_run_as_written() {
    let commands = readme_commands();
    let shown: Vec<String> = commands.iter().map(|command| command.join(" ")).collect();
    // The main job, the local re-drive, the runbook's dry run and two replays, two reconciles
    // and a reprocess.
    assert_eq!(commands.len(), 8, "{shown:#?}");
    assert_eq!(commands[0], ["run", "events/system-two", "--out", "out"]);

    let moto = Moto::start();
    let s3 = moto.s3();
    let kinesis = moto.kinesis();
    block_on(async {
        create_bucket(&s3, "data").await;
        let key = "errors/orders/processing-failed/2026/11/20/15/shim-orders-1-2026-11-20-15-00-00-a";
        put(&s3, "data", key, error_object(&sample_lines(Stream::Orders), "lambdaArn", "orders")).await;
        kinesis.create_stream().stream_name("shim-orders").shard_count(1).send().await.unwrap();
        // The raw backup of the reconcile's and the reprocess's day (its lines not delivered:
        // the reconcile finds them missing).
        let backup = "source/orders/2026/12/01/05/shim-orders-backup-1-2026-12-01-05-00-00-a";
        put(&s3, "data", backup, sample_lines(Stream::Orders).join(&b'\n')).await;
    });
    let fresh = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(repo_root().join("events"), fresh.path().join("events")).unwrap();
    for (command, shown) in commands.iter().zip(&shown) {
        let mut process = Command::new(env!("CARGO_BIN_EXE_firehose-local"));
        process.args(command).current_dir(fresh.path()).stdin(Stdio::null());
        let output = aws_test_env(&mut process, &moto.endpoint).output().unwrap();
        let status = output.status.code();
        let expected: &[i32] = if command[0] == "run" { &[0] } else { &[0, 1] };
        assert!(
            status.is_some_and(|code| expected.contains(&code)),
            "{shown}: {status:?}\n{}{}",
            text(&output.stdout),
            text(&output.stderr)
        );
    }
    assert!(fresh.path().join("out/system-one/orders").is_dir());
}
