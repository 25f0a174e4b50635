//! `firehose-local reconcile` on the real binary: a tree the real pipeline wrote from the sample
//! events, with its raw backup beside it as Firehose's source backup writes it (until `run`
//! writes `source/` itself), reconciled in a folder and, through the SDK, in moto's S3.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod support;

use std::path::Path;
use std::process::Output;

use serde_json::Value;
use support::backup::{tree, upload};
use support::*;

const WINDOW: [&str; 4] = ["--from", "2026-12-01T05", "--to", "2026-12-01T06"];
const BUCKET: &str = "data";

fn reconcile(endpoint: &str, target: &str, extra: &[&str]) -> (Output, Value) {
    let mut args = vec!["reconcile", target];
    args.extend(WINDOW);
    args.extend(extra);
    args.push("--json");
    let output = firehose_local(endpoint, &args);
    let stdout = text(&output.stdout);
    let last = stdout.lines().last().unwrap_or_default().to_owned();
    let json = serde_json::from_str(&last).unwrap_or_else(|_| panic!("{stdout}\n{}", text(&output.stderr)));
    (output, json)
}

/// `records`, `missing`, `unexpected`, `differing` of the whole report.
fn counts(json: &Value) -> [u64; 4] {
    ["records", "missing", "unexpected", "differing"].map(|name| json[name].as_u64().unwrap())
}

fn stream_counts(json: &Value, stream: &str) -> [u64; 4] {
    let found = json["streams"].as_array().unwrap().iter().find(|s| s["stream"] == stream).unwrap();
    counts(found)
}

/// The only file under `folder`.
fn only_file(folder: &Path) -> std::path::PathBuf {
    let files: Vec<_> = std::fs::read_dir(folder).unwrap().map(|entry| entry.unwrap().path()).collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files.into_iter().next().unwrap()
}

const ORDERS: &str = "system-one/orders/2026/12/01/05";
const NOWHERE: &str = "http://127.0.0.1:9";

#[test]
fn a_clean_tree_reconciles_to_zero_and_each_difference_shows_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    tree(&out);
    let target = out.to_str().unwrap();

    let (output, json) = reconcile(NOWHERE, target, &[]);
    assert_eq!(output.status.code(), Some(0), "{json}");
    let [records, missing, unexpected, differing] = counts(&json);
    assert!(records >= 80, "{json}");
    assert_eq!([missing, unexpected, differing], [0, 0, 0]);
    assert_eq!(json["streams"].as_array().unwrap().len(), 9);

    // The human table says so too.
    let table = firehose_local(NOWHERE, &["reconcile", target, WINDOW[0], WINDOW[1], WINDOW[2], WINDOW[3]]);
    assert_eq!(table.status.code(), Some(0));
    assert!(
        text(&table.stdout).contains("clean: every raw record's outcome is delivered, once"),
        "{}",
        text(&table.stdout)
    );

    // A copy of one System One object: its lines are unexpected.
    let object = only_file(&out.join(ORDERS));
    let lines = std::fs::read_to_string(&object).unwrap().lines().count() as u64;
    let copy = out.join(ORDERS).join("orders-1-2026-12-01-05-20-00-copy");
    std::fs::copy(&object, &copy).unwrap();
    let (output, json) = reconcile(NOWHERE, target, &[]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(counts(&json)[1..], [0, lines, 0]);
    assert_eq!(stream_counts(&json, "orders")[1..], [0, lines, 0]);
    std::fs::remove_file(&copy).unwrap();

    // One changed line (an amount; same record, action and UPDATED_AT): differing.
    let original = std::fs::read_to_string(&object).unwrap();
    assert!(original.contains("|12954.33|0.00|0.00|"));
    std::fs::write(&object, original.replacen("|12954.33|0.00|0.00|", "|12954.34|0.00|0.00|", 1)).unwrap();
    let (output, json) = reconcile(NOWHERE, target, &[]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(counts(&json)[1..], [0, 0, 1]);
    let detail = &json["streams"][1]["hours"][0]["details"][0];
    assert_eq!(detail["kind"], "differing", "{json}");
    std::fs::write(&object, &original).unwrap();

    // The object deleted: exactly its lines are missing.
    std::fs::remove_file(&object).unwrap();
    let (output, json) = reconcile(NOWHERE, target, &[]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(counts(&json)[1..], [lines, 0, 0]);
    assert_eq!(stream_counts(&json, "orders")[1..], [lines, 0, 0]);

    // --repair --dry-run: the plan, nothing written.
    let (output, json) = reconcile(NOWHERE, target, &["--repair", "--dry-run"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(json["repair"]["planned"], 1);
    assert!(!out.join(ORDERS).exists() || std::fs::read_dir(out.join(ORDERS)).unwrap().count() == 0);

    // --repair writes exactly the missing lines once; then the tree is clean; a second repair
    // writes nothing.
    let (output, json) = reconcile(NOWHERE, target, &["--repair"]);
    assert_eq!(output.status.code(), Some(1), "the findings stand; a new reconcile proves the repair");
    assert_eq!((json["repair"]["written"].as_u64(), json["repair"]["lines_written"].as_u64()), (Some(1), Some(lines)));
    let repaired = only_file(&out.join(ORDERS));
    assert_eq!(std::fs::read_to_string(&repaired).unwrap(), original);
    assert!(json["repair"]["journal"].as_str().unwrap().contains("firehose-local/repairs/"));
    let (output, json) = reconcile(NOWHERE, target, &[]);
    assert_eq!(output.status.code(), Some(0), "{json}");
    let (output, json) = reconcile(NOWHERE, target, &["--repair"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!((json["repair"]["planned"].as_u64(), json["repair"]["written"].as_u64()), (Some(0), Some(0)));
}

#[test]
fn flags_it_cannot_honour_and_missing_places_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().to_str().unwrap();
    for (args, says) in [
        (vec!["reconcile", target, "--include-differing"], "--include-differing applies to --repair"),
        (vec!["reconcile", target, "--dry-run"], "--dry-run applies to --repair"),
        (vec!["reconcile", target, "--from", "2026-12-02", "--to", "2026-12-01"], "is not before --to"),
        (vec!["reconcile", "s3://data/system-one/"], "give a bucket only"),
        (vec!["reconcile", "/nonexistent/out", "--from", "2026-12-01"], "cannot read /nonexistent/out"),
    ] {
        let output = firehose_local(NOWHERE, &args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(text(&output.stderr).contains(says), "{args:?}: {}", text(&output.stderr));
    }
    // A window with no raw record proves nothing: 3, not 0.
    let output = firehose_local(NOWHERE, &["reconcile", target, "--from", "2026-12-01", "--to", "2026-12-02"]);
    assert_eq!(output.status.code(), Some(3), "{}", text(&output.stdout));
}

#[test]
fn the_bucket_reconciles_through_the_sdk_and_a_repair_restores_a_deleted_object_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    tree(&out);
    let object = only_file(&out.join(ORDERS));
    let lines = std::fs::read_to_string(&object).unwrap().lines().count() as u64;
    let key = object.strip_prefix(&out).unwrap().to_str().unwrap().to_owned();
    let moto = Moto::start();
    upload(&moto, &out, BUCKET);
    let s3 = moto.s3();

    let (output, json) = reconcile(&moto.endpoint, "s3://data", &[]);
    assert_eq!(output.status.code(), Some(0), "{json}");
    let records = counts(&json)[0];

    block_on(async { s3.delete_object().bucket(BUCKET).key(&key).send().await.unwrap() });
    let (output, json) = reconcile(&moto.endpoint, "s3://data", &["--stream", "orders"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(counts(&json)[1..], [lines, 0, 0]);
    assert_eq!(json["streams"].as_array().unwrap().len(), 1);

    let (output, json) = reconcile(&moto.endpoint, "s3://data", &["--repair"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(json["repair"]["written"], 1);
    let after = block_on(objects(&s3, BUCKET));
    let repaired = under(&after, &format!("{ORDERS}/"));
    assert_eq!(repaired.len(), 1);
    assert_eq!(text(repaired.values().next().unwrap()), std::fs::read_to_string(&object).unwrap());
    assert_eq!(under(&after, "firehose-local/repairs/").len(), 1);

    let (output, json) = reconcile(&moto.endpoint, "s3://data", &[]);
    assert_eq!(output.status.code(), Some(0), "{json}");
    assert_eq!(counts(&json), [records, 0, 0, 0]);
    let (output, json) = reconcile(&moto.endpoint, "s3://data", &["--repair"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(json["repair"]["written"], 0);
    assert_eq!(block_on(objects(&s3, BUCKET)), after, "a second repair writes nothing");

    // A bucket that is not there: 2, naming it and the AWS error code.
    let output = firehose_local(
        &moto.endpoint,
        &["reconcile", "s3://missing-bucket", WINDOW[0], WINDOW[1], WINDOW[2], WINDOW[3]],
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("s3://missing-bucket") && stderr.contains("NoSuchBucket"), "{stderr}");
}

#[test]
fn lines_a_replay_writes_in_its_own_hour_are_accounted_for() {
    use firehose_local::reconcile::expect::{expected, Expected};
    use firehose_local::reconcile::read;

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    tree(&out);
    let target = out.to_str().unwrap();
    // The orders that pass were not delivered: their batch failed as a whole
    // (Lambda.FunctionError), so they are in the error output instead of System One.
    let backup = only_file(&out.join("source/orders/2026/12/01/05"));
    let content = read::decompress(std::fs::read(backup).unwrap()).unwrap();
    let transformer = shim::Transformer::new(shim::Stream::Orders, shim::config::Config::with_zone(None).unwrap());
    let passing: Vec<Vec<u8>> = read::records(&content)
        .into_iter()
        .filter(|raw| matches!(expected(&transformer, raw), Expected::Line(_)))
        .map(<[u8]>::to_vec)
        .collect();
    std::fs::remove_file(only_file(&out.join(ORDERS))).unwrap();
    let failed = out.join("errors/orders/processing-failed/2026/12/01/05/orders-1-2026-12-01-05-10-00-batch");
    std::fs::write(&failed, error_object(&passing, "lambdaArn", "orders")).unwrap();
    let (output, json) = reconcile(NOWHERE, target, &[]);
    assert_eq!(output.status.code(), Some(0), "in the error output is replay's business: {json}");
    assert_eq!(json["in_error_output"].as_u64(), Some(passing.len() as u64));

    // The replay, four hours later, writes their lines into its own hour.
    let replay = firehose_local(
        NOWHERE,
        &[
            "replay",
            &format!("{target}/errors/orders"),
            "--out",
            target,
            "--frozen-clock",
            "2026-12-01T09:30:00Z",
            "-q",
        ],
    );
    assert!(matches!(replay.status.code(), Some(0 | 1)), "{}", text(&replay.stderr));
    let replayed = only_file(&out.join("system-one/orders/2026/12/01/09"));
    assert_eq!(std::fs::read_to_string(replayed).unwrap().lines().count(), passing.len());
    assert!(out.join("errors/orders/replayed/outputs/2026/12/01/09").is_dir());

    // A reconcile over both hours: nothing unexpected, nothing missing.
    let window = ["--from", "2026-12-01T05", "--to", "2026-12-01T10", "--json"];
    let output = firehose_local(NOWHERE, &[&["reconcile", target][..], &window].concat());
    let json: Value = serde_json::from_str(text(&output.stdout).lines().last().unwrap()).unwrap();
    assert_eq!(output.status.code(), Some(0), "{json}");
    assert_eq!(counts(&json)[1..], [0, 0, 0]);
}
