//! Regenerates `events/*.json` and `events/expected/*.json` from `events/system-two/*.jsonl`:
//!
//!     cargo run -p firehose-local --example gen_events
//!
//! `cargo test -p firehose-local --test events` fails while the checked-in files differ.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let files = match firehose_local::events::generate(&root) {
        Ok(files) => files,
        Err(error) => {
            eprintln!("gen_events: {error}");
            return ExitCode::FAILURE;
        }
    };
    for (path, content) in files {
        let full = root.join(&path);
        if let Some(parent) = full.parent() {
            if let Err(error) = std::fs::create_dir_all(parent) {
                eprintln!("gen_events: cannot create {}: {error}", parent.display());
                return ExitCode::FAILURE;
            }
        }
        if let Err(error) = std::fs::write(&full, content) {
            eprintln!("gen_events: cannot write {}: {error}", full.display());
            return ExitCode::FAILURE;
        }
        println!("wrote {}", path.display());
    }
    ExitCode::SUCCESS
}
