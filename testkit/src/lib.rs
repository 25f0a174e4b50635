//! What the project's tools and tests share and the nine functions never link: deterministic
//! ids and hashes ([`ids`]), the sample events and their exact responses ([`events`]). A
//! dev-only crate, so nothing here reaches a Lambda binary.

pub mod events;
pub mod ids;
