//! `bench gen <stream> <seed> <max-bytes> <event-file>`: writes a generated Firehose event.
//! `bench respond <stream> <event-file> <response-file>`: runs the real handler on an event
//! file and writes the response (for comparing with the Python baseline).
//! `bench repeat <stream> <event-file> <n>` / `bench repeat-floor <event-file> <n>`: the
//! transform or floor pipeline `n` times, for a profiler (`perf record`, callgrind).

use std::process::ExitCode;

use shim::config::Config;
use shim::{Stream, Transformer};

/// Every command the binary takes.
const USAGE: &str = "\
usage: bench gen <stream> <seed> <max-bytes> <event-file>
       bench respond <stream> <event-file> <response-file>
       bench repeat <stream> <event-file> <times>
       bench repeat-floor <event-file> <times>
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("bench: {message}");
            eprint!("{USAGE}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[&str]) -> Result<(), String> {
    let stream = |name: &str| Stream::from_name(name).ok_or_else(|| format!("unknown stream {name:?}"));
    match args {
        ["gen", name, seed, max_bytes, file] => {
            let seed = seed.parse().map_err(|_| format!("bad seed {seed:?}"))?;
            let max_bytes = max_bytes.parse().map_err(|_| format!("bad size {max_bytes:?}"))?;
            let batch = bench::batch(stream(name)?, seed, max_bytes);
            std::fs::write(file, &batch.text).map_err(|e| format!("{file}: {e}"))?;
            let failed = batch.expected.iter().filter(|expected| expected.is_failed()).count();
            println!(
                "{{\"file\":{file:?},\"bytes\":{},\"records\":{},\"expected_failed\":{failed}}}",
                batch.text.len(),
                batch.expected.len()
            );
            Ok(())
        }
        ["respond", name, event, response] => {
            let config = Config::with_zone(None).map_err(|e| e.to_string())?;
            let transformer = Transformer::new(stream(name)?, config);
            let text = std::fs::read_to_string(event).map_err(|e| format!("{event}: {e}"))?;
            let bytes = bench::transform(&transformer, &text).ok_or("the event could not be handled")?;
            std::fs::write(response, bytes).map_err(|e| format!("{response}: {e}"))
        }
        ["repeat", name, event, times] => {
            // For profilers: the transform pipeline on one event file, `times` times.
            let config = Config::with_zone(None).map_err(|e| e.to_string())?;
            let transformer = Transformer::new(stream(name)?, config);
            let text = std::fs::read_to_string(event).map_err(|e| format!("{event}: {e}"))?;
            let times: usize = times.parse().map_err(|_| format!("bad count {times:?}"))?;
            let bytes: usize = (0..times).filter_map(|_| bench::transform(&transformer, &text)).map(|r| r.len()).sum();
            println!("{bytes} response bytes");
            Ok(())
        }
        ["repeat-floor", event, times] => {
            let text = std::fs::read_to_string(event).map_err(|e| format!("{event}: {e}"))?;
            let times: usize = times.parse().map_err(|_| format!("bad count {times:?}"))?;
            let bytes: usize = (0..times).filter_map(|_| bench::floor(&text)).map(|r| r.len()).sum();
            println!("{bytes} response bytes");
            Ok(())
        }
        _ => Err("bad arguments".into()),
    }
}
