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
