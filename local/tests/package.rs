//! `scripts/package` builds a deployable arm64 zip of every function: a zip holding exactly one
//! executable `bootstrap`, an ELF for AArch64, as the `provided.al2023` arm64 runtime of the
//! template needs.
//!
//! Slow (nine release builds with LTO for another architecture), so not part of a plain
//! `cargo test`: run it by name, `cargo test -p firehose-local --test package`. Needs
//! `cargo-lambda` (`pip install cargo-lambda`) and fails without it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use shim::Stream;
use testkit::repo_root;

/// What Python's zipfile reads in the zip: its entries, the bootstrap's Unix mode, its ELF class
/// and machine.
const INSPECT: &str = r#"
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
info = z.getinfo("bootstrap")
data = z.read("bootstrap")
print(",".join(z.namelist()), oct((info.external_attr >> 16) & 0o777), data[:4].hex(), data[4], int.from_bytes(data[18:20], "little"))
"#;

#[test]
fn every_function_packages_as_an_arm64_bootstrap_zip() {
    let installed = Command::new("cargo")
        .args(["lambda", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    assert!(installed, "cargo-lambda is not on PATH: install it with `pip install cargo-lambda` (it brings Zig)");
    let root = repo_root();
    let started = Instant::now();
    let output = Command::new(root.join("scripts/package")).current_dir(&root).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "scripts/package failed:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    eprintln!("scripts/package took {:.0} s:\n{stdout}", started.elapsed().as_secs_f64());
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    for stream in Stream::ALL {
        let zip = target.join("lambda").join(stream.name()).join("bootstrap.zip");
        assert!(zip.is_file(), "{} was not built", zip.display());
        assert!(stdout.lines().any(|line| line.starts_with(stream.name())), "{} not in the size table", stream.name());
        let inspected = Command::new("python3").args(["-c", INSPECT]).arg(&zip).output().unwrap();
        assert!(inspected.status.success(), "{}: {}", zip.display(), String::from_utf8_lossy(&inspected.stderr));
        let fields: Vec<String> =
            String::from_utf8_lossy(&inspected.stdout).split_whitespace().map(str::to_owned).collect();
        // One entry; rwxr-xr-x; ELF, 64-bit, machine 183 (EM_AARCH64).
        assert_eq!(fields, ["bootstrap", "0o755", "7f454c46", "2", "183"], "{}", zip.display());
    }
}
