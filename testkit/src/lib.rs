//! What the project's tools and tests share and the nine functions never link: deterministic
//! ids and hashes ([`ids`]), a seeded random generator ([`rng`]), System One lines read back
//! ([`line`](mod@line)), the batch contract's assertions ([`contract`]) and the sample events
//! with their exact responses ([`events`]). A dev-only crate, so nothing here reaches a Lambda
//! binary.

pub mod contract;
pub mod events;
pub mod ids;
pub mod line;
pub mod rng;

/// The repository's root folder (the workspace's), where `events/`, `schemas/` and `infra/`
/// are: what every test and example that reads the project's files starts from.
pub fn repo_root() -> std::path::PathBuf {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    root.canonicalize().unwrap_or(root)
}
