//! Reconciles of trees the real pipeline wrote from the sample events (`events/system-two/`),
//! with the raw backup beside them as Firehose's source backup writes it.

use std::io::Write;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use shim::config::Config;
use shim::Stream;

use super::*;
use crate::{Clock, Lane, Pipeline, Settings};
use shim::Transformer;

/// Backup objects as Firehose writes them: records with no separator, or one a line; gzip or not.
#[derive(Debug, Clone, Copy)]
struct Backup {
    newlines: bool,
    gzip: bool,
}

const PLAIN: Backup = Backup { newlines: true, gzip: false };

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn samples(stream: Stream) -> Vec<Vec<u8>> {
    testkit::events::system_two_lines(&testkit::repo_root(), stream).unwrap()
}

/// Delivers `stream`'s sample events through the real pipeline, its objects filed at `output`,
/// and writes their backup filed at `backup`.
fn deliver(root: &Path, stream: Stream, backup: Timestamp, output: Timestamp, style: Backup) {
    let mut settings = Settings::new(root).unwrap();
    settings.clock = Clock::Fixed(output);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let mut apply = crate::run::Apply::new(&runtime, crate::store::Folder::new(root));
    let mut pipeline = Pipeline::new(settings, &mut apply);
    let records = samples(stream);
    for record in &records {
        pipeline.put(Lane::Stream(stream), record).unwrap();
    }
    pipeline.finish().unwrap();
    // The pipeline keeps its own backup, filed at `output`; these tests file theirs by hand.
    for object in apply.written.iter().filter(|url| url.contains("/source/")) {
        std::fs::remove_file(object).unwrap();
    }
    let separator: &[u8] = if style.newlines { b"\n" } else { b"" };
    let mut content: Vec<u8> = records.iter().flat_map(|record| [record.as_slice(), separator].concat()).collect();
    if style.gzip {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(&content).unwrap();
        content = encoder.finish().unwrap();
    }
    let hour = Hour::of(backup);
    let folder = root.join(format!("source/{}/{}", stream.name(), hour.folder()));
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join(format!("{}-1-backup", stream.name())), content).unwrap();
}

fn options(from: &str, to: &str) -> Options {
    Options::new(at(from), at(to), Config::with_zone(None).unwrap())
}

/// The only object under `prefix`.
fn only_object(root: &Path, prefix: &str) -> PathBuf {
    let keys = FolderStore::new(root).unwrap().list(prefix).unwrap();
    assert_eq!(keys.len(), 1, "{keys:?}");
    root.join(&keys[0])
}

fn lines_of(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path).unwrap().lines().map(str::to_owned).collect()
}

fn apply(root: &Path, plan: &[PlannedObject]) -> usize {
    let mut written = 0;
    for object in plan {
        let path = root.join(&object.key);
        if !path.exists() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, &object.content).unwrap();
            written += 1;
        }
    }
    written
}

const HOUR: &str = "2026-11-20T15:10:00Z";

#[test]
fn a_clean_tree_reconciles_to_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for stream in Stream::ALL {
        deliver(dir.path(), stream, at(HOUR), at(HOUR), PLAIN);
    }
    let (report, plan) =
        reconcile(&FolderStore::new(dir.path()).unwrap(), &options(HOUR, "2026-11-20T16:00:00Z")).unwrap();
    let total: usize = Stream::ALL.iter().map(|stream| samples(*stream).len()).sum();
    assert_eq!(report.counts.records, total as u64);
    assert!(report.counts.clean(), "{}", report.table());
    assert!(report.counts.failed > 0 && report.counts.dropped > 0, "the samples hold failures and heartbeats");
    assert_eq!(report.streams.len(), 9);
    assert!(plan.is_empty());
    let json: serde_json::Value = serde_json::from_str(&report.json()).unwrap();
    for member in ["records", "missing", "unexpected", "differing"] {
        assert!(json[member].is_u64(), "{member}");
    }
    assert_eq!(json["streams"][1]["stream"], "orders");
    assert_eq!(json["streams"][1]["hours"][0]["hour"], "2026-11-20T15:00Z");
}

#[test]
fn a_deleted_object_is_exactly_its_lines_missing_and_the_repair_restores_it_once() {
    let dir = tempfile::tempdir().unwrap();
    deliver(dir.path(), Stream::Orders, at(HOUR), at(HOUR), PLAIN);
    let object = only_object(dir.path(), "system-one/orders/");
    let deleted = std::fs::read(&object).unwrap();
    std::fs::remove_file(&object).unwrap();
    let store = FolderStore::new(dir.path()).unwrap();
    let mut options = options(HOUR, HOUR);
    options.streams = vec![Stream::Orders];
    let (report, plan) = reconcile(&store, &options).unwrap();
    let lines = lines_of_bytes(&deleted);
    assert_eq!(report.counts.missing, lines.len() as u64);
    assert_eq!((report.counts.unexpected, report.counts.differing), (0, 0));
    let shown: Vec<String> = report.streams[0].hours[0].details.iter().map(|d| d.expected.clone().unwrap()).collect();
    assert_eq!(shown, lines);
    assert_eq!(plan.len(), 1);
    assert_eq!(plan[0].kind, RepairKind::MissingLines);
    assert_eq!(plan[0].content, deleted, "the repair writes the lost object's lines, in order");
    assert!(plan[0].key.starts_with("system-one/orders/2026/11/20/15/orders-1-2026-11-20-15-59-59-"));
    let (_, again) = reconcile(&store, &options).unwrap();
    assert_eq!(again, plan, "a rerun plans the same names");
    assert_eq!(apply(dir.path(), &plan), 1);
    let (report, plan) = reconcile(&store, &options).unwrap();
    assert!(report.counts.clean(), "{}", report.table());
    assert!(plan.is_empty(), "a second repair writes nothing");
}

fn lines_of_bytes(bytes: &[u8]) -> Vec<String> {
    String::from_utf8(bytes.to_vec()).unwrap().lines().map(str::to_owned).collect()
}

#[test]
fn a_copied_object_is_unexpected() {
    let dir = tempfile::tempdir().unwrap();
    deliver(dir.path(), Stream::Customers, at(HOUR), at(HOUR), PLAIN);
    let object = only_object(dir.path(), "system-one/customers/");
    std::fs::copy(&object, object.with_file_name("customers-1-2026-11-20-15-30-00-copy")).unwrap();
    let (report, plan) = reconcile(&FolderStore::new(dir.path()).unwrap(), &options(HOUR, HOUR)).unwrap();
    assert_eq!(report.counts.unexpected, lines_of(&object).len() as u64);
    assert_eq!((report.counts.missing, report.counts.differing), (0, 0));
    assert!(plan.is_empty(), "a repair never deletes");
}

#[test]
fn a_changed_line_is_differing_and_include_differing_plans_todays_line() {
    let dir = tempfile::tempdir().unwrap();
    deliver(dir.path(), Stream::Orders, at(HOUR), at(HOUR), PLAIN);
    let object = only_object(dir.path(), "system-one/orders/");
    let lines = lines_of(&object);
    let mut fields: Vec<String> = lines[0].split('|').map(str::to_owned).collect();
    fields[3] = "C-CHANGED".into(); // CUST_NO: not a key field of ORD
    let changed = fields.join("|");
    let mut content = lines.clone();
    content[0] = changed.clone();
    std::fs::write(&object, content.join("\n") + "\n").unwrap();
    let mut options = options(HOUR, HOUR);
    options.include_differing = true;
    let (report, plan) = reconcile(&FolderStore::new(dir.path()).unwrap(), &options).unwrap();
    assert_eq!((report.counts.missing, report.counts.unexpected, report.counts.differing), (0, 0, 1));
    let detail = &report.streams[1].hours[0].details[0];
    assert_eq!(
        (detail.expected.as_deref(), detail.delivered.as_deref()),
        (Some(lines[0].as_str()), Some(changed.as_str()))
    );
    assert_eq!(plan.len(), 1);
    assert_eq!(plan[0].kind, RepairKind::DifferingLines);
    assert_eq!(plan[0].content, format!("{}\n", lines[0]).into_bytes());
}

#[test]
fn gzip_and_concatenated_backups_reconcile_like_plain_ones() {
    let dir = tempfile::tempdir().unwrap();
    let styles = [
        Backup { newlines: false, gzip: false },
        Backup { newlines: false, gzip: true },
        Backup { newlines: true, gzip: true },
    ];
    let streams = [Stream::Orders, Stream::Shipments, Stream::Invoices];
    for (stream, style) in streams.into_iter().zip(styles) {
        deliver(dir.path(), stream, at(HOUR), at(HOUR), style);
    }
    let mut options = options(HOUR, HOUR);
    options.streams = streams.to_vec();
    let (report, _) = reconcile(&FolderStore::new(dir.path()).unwrap(), &options).unwrap();
    for (stream, found) in streams.iter().zip(&report.streams) {
        assert_eq!(found.counts.records, samples(*stream).len() as u64, "{stream}");
    }
    assert!(report.counts.clean(), "{}", report.table());
}

#[test]
fn output_filed_in_the_next_hour_is_neither_missing_nor_unexpected() {
    let dir = tempfile::tempdir().unwrap();
    deliver(dir.path(), Stream::Orders, at("2026-11-20T15:59:50Z"), at("2026-11-20T16:00:20Z"), PLAIN);
    let store = FolderStore::new(dir.path()).unwrap();
    let count = samples(Stream::Orders).len() as u64;
    let only_orders = |from: &str, to: &str, margin: u32| {
        let mut options = options(from, to);
        options.streams = vec![Stream::Orders];
        options.margin_hours = margin;
        reconcile(&store, &options).unwrap().0
    };
    let backup_hour = only_orders("2026-11-20T15:00:00Z", "2026-11-20T16:00:00Z", 1);
    assert!(backup_hour.counts.clean() && backup_hour.counts.records == count, "{}", backup_hour.table());
    let output_hour = only_orders("2026-11-20T16:00:00Z", "2026-11-20T17:00:00Z", 1);
    assert!(output_hour.counts.clean() && output_hour.counts.records == 0, "{}", output_hour.table());
    let no_margin = only_orders("2026-11-20T15:00:00Z", "2026-11-20T17:00:00Z", 0);
    let failed = no_margin.counts.failed;
    assert_eq!(no_margin.counts.missing, count - no_margin.counts.dropped, "without a margin the hours do not meet");
    assert_eq!(no_margin.counts.unexpected, count - no_margin.counts.dropped);
    assert!(failed > 0);
}

#[test]
fn failures_are_found_in_the_error_output_and_after_a_replay_moved_them() {
    let dir = tempfile::tempdir().unwrap();
    deliver(dir.path(), Stream::Orders, at(HOUR), at(HOUR), PLAIN);
    let errors = only_object(dir.path(), "errors/orders/processing-failed/");
    let mut options = options(HOUR, HOUR);
    options.streams = vec![Stream::Orders];
    let store = FolderStore::new(dir.path()).unwrap();
    let failed = lines_of(&errors).len() as u64;
    let moved = dir.path().join("errors/orders/replayed/processing-failed/2026/11/20/15/moved");
    std::fs::create_dir_all(moved.parent().unwrap()).unwrap();
    std::fs::rename(&errors, &moved).unwrap();
    let (report, _) = reconcile(&store, &options).unwrap();
    assert!(report.counts.clean(), "{}", report.table());
    assert_eq!(report.counts.failed, failed);
    std::fs::remove_file(&moved).unwrap();
    let (report, plan) = reconcile(&store, &options).unwrap();
    assert_eq!((report.counts.missing, report.counts.unexpected), (failed, 0));
    assert_eq!(plan.len(), 1);
    assert_eq!(plan[0].kind, RepairKind::MissingFailures);
    assert_eq!(apply(dir.path(), &plan), 1);
    assert!(reconcile(&store, &options).unwrap().0.counts.clean());
}

#[test]
fn a_record_whose_line_is_in_the_error_output_is_not_lost() {
    // The record failed when delivered (say, an earlier version); today it passes.
    let mut store = MemoryStore::new();
    let record = &samples(Stream::Orders)[1];
    store.put("source/orders/2026/11/20/15/b", record.clone());
    let line = repair::failure_line(Hour::of(at(HOUR)), record, "old: reason");
    store.put("errors/orders/processing-failed/2026/11/20/15/e", line);
    let mut options = options(HOUR, HOUR);
    options.streams = vec![Stream::Orders];
    let (report, _) = reconcile(&store, &options).unwrap();
    assert!(report.counts.clean(), "{}", report.table());
    assert_eq!(report.counts.in_error_output, 1);
}

#[test]
fn output_filed_in_the_hour_before_its_backup_is_accounted_for_too() {
    let dir = tempfile::tempdir().unwrap();
    deliver(dir.path(), Stream::Invoices, at("2026-11-20T16:00:10Z"), at("2026-11-20T15:59:50Z"), PLAIN);
    let store = FolderStore::new(dir.path()).unwrap();
    for (from, to, records) in [
        ("2026-11-20T15:00:00Z", "2026-11-20T16:00:00Z", 0),
        ("2026-11-20T16:00:00Z", "2026-11-20T17:00:00Z", samples(Stream::Invoices).len()),
    ] {
        let mut options = options(from, to);
        options.streams = vec![Stream::Invoices];
        let (report, _) = reconcile(&store, &options).unwrap();
        assert!(report.counts.clean(), "{}", report.table());
        assert_eq!(report.counts.records, records as u64);
    }
}

#[test]
fn the_table_shows_each_finding_with_its_object() {
    let mut store = MemoryStore::new();
    let records = samples(Stream::Customers);
    store.put("source/customers/2026/11/20/15/b", [records[0].as_slice(), b"\n", b"not json\n"].concat());
    let mut options = options(HOUR, HOUR);
    options.streams = vec![Stream::Customers];
    let (report, plan) = reconcile(&store, &options).unwrap();
    let line = match expect::expected(&Transformer::new(Stream::Customers, options.config.clone()), &records[0]) {
        expect::Expected::Line(line) => String::from_utf8(line).unwrap(),
        other => panic!("{other:?}"),
    };
    let expected = format!(
        "stream               hour                 records  missing unexpected differing in-errors\n\
         customers            2026-11-20T15:00Z          2        2          0         0         0\n\
         customers            all                        2        2          0         0         0\n\
         total                2026-11-20T15:00Z .. 2026-11-20T16:00Z         2        2          0         0         0\n\
         customers 2026-11-20T15:00Z missing-line source/customers/2026/11/20/15/b\n    expected:  {}\n\
         customers 2026-11-20T15:00Z missing-failure source/customers/2026/11/20/15/b\n    expected:  bm90IGpzb24=\n",
        line.trim_end()
    );
    assert_eq!(report.table(), expected);
    let kinds: Vec<RepairKind> = plan.iter().map(|object| object.kind).collect();
    assert_eq!(kinds, [RepairKind::MissingLines, RepairKind::MissingFailures]);
}
