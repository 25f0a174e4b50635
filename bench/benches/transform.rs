//! `transform`, `floor` and `cold_start` for the orders and order-lines streams, on one 3 MB
//! generated Firehose batch each (see `bench::batch`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use shim::config::Config;
use shim::Transformer;

/// The batch size Firehose hands a Lambda at most by default settings we use: 3 MB.
pub const BATCH_BYTES: usize = 3_000_000;
pub const SEED: u64 = 1;

/// Logs go where the Lambda's go, formatted the same way, but to a sink: a failed record
/// costs its log line here as it does in production.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::new("info");
    let _ = tracing::subscriber::set_global_default(shim::logging::json_logs(std::io::sink, filter));
}

/// `BENCH_QUICK=1` (set by `bench/run --quick`): a smoke run, a few seconds in all.
fn quick() -> bool {
    std::env::var_os("BENCH_QUICK").is_some_and(|v| v == "1")
}

fn configure(group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>, samples: usize) {
    if quick() {
        group.sample_size(10).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(1));
    } else {
        group.sample_size(samples).warm_up_time(Duration::from_secs(2)).measurement_time(Duration::from_secs(6));
    }
}

fn batches(c: &mut Criterion) {
    init_logging();
    for stream in bench::STREAMS {
        let batch = bench::batch(stream, SEED, BATCH_BYTES);
        let transformer = Transformer::new(stream, Config::with_zone(None).unwrap());
        // The two pipelines must agree on what they were given before they are timed.
        assert!(bench::transform(&transformer, &batch.text).is_some());
        assert!(bench::floor(&batch.text).is_some());

        let mut group = c.benchmark_group("batch");
        configure(&mut group, 30);
        group.throughput(Throughput::Bytes(batch.text.len() as u64));
        group.bench_with_input(BenchmarkId::new("transform", stream.name()), &batch.text, |b, text| {
            b.iter(|| bench::transform(&transformer, black_box(text)))
        });
        group.bench_with_input(BenchmarkId::new("floor", stream.name()), &batch.text, |b, text| {
            b.iter(|| bench::floor(black_box(text)))
        });
        group.finish();
    }
}

fn cold_start(c: &mut Criterion) {
    let mut group = c.benchmark_group("cold_start");
    configure(&mut group, 50);
    for stream in bench::STREAMS {
        group.bench_function(stream.name(), |b| {
            b.iter(|| {
                let config = Config::from_env().unwrap();
                Transformer::new(black_box(stream), config)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, batches, cold_start);
criterion_main!(benches);
