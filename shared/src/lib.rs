//! System Two → System One: the shared engine of the nine Firehose transformation Lambdas.
//!
//! A record's path through the modules, top to bottom: [`decode`] (base64, UTF-8) →
//! [`parse`] (strict JSON, whole-document rules) → [`envelope`] (version, event type,
//! `occurredAt`) → [`validate`] (JSON Schema) → [`convert`] (fields by [`layout`]) →
//! [`rules`] (business rules) → [`encode`] (the System One line) → [`respond`] (the Firehose
//! response). Streams differ only by their [`layout::Layout`] table.

pub mod config;
pub mod convert;
pub mod decode;
pub mod encode;
pub mod envelope;
pub mod firehose;
pub mod lambda;
pub mod layout;
pub mod logging;
pub mod metrics;
pub mod parse;
pub mod reason;
pub mod respond;
pub mod rules;
pub mod scalar;
pub mod schema;
pub mod stream;
pub mod transform;
pub mod validate;

pub use reason::Reason;
pub use stream::Stream;
pub use transform::{TransformOutcome, Transformer};
