//! Benchmark support: a deterministic generator of realistic Firehose batches, and the two
//! pipelines the benches compare.
//!
//! [`batch`] builds the JSON text of one Firehose transformation event for the `orders` or
//! `order-lines` stream, as Firehose sends it (with `deliveryStreamArn`, per-record
//! `approximateArrivalTimestamp` and `kinesisRecordMetadata`), from a seed: the same seed and
//! size always give the same bytes. Its events mix both connector versions, all three actions,
//! compact and spaced JSON, raw and `\u`-escaped non-ASCII text, epoch and RFC 3339 times,
//! numbers and strings for decimals, unknown members the connectors add, about 1% heartbeats
//! and about 5% records that must fail, each for a known reason ([`Expected`]).
//!
//! The data's path, one module each: `generate` draws each record (`record`: version, style,
//! heartbeat, the failure `plant`ed, action), writes its payload (`orders`, `order_lines`, from
//! `values`, as hand-written `json`) and its envelope, and says what it must become (`expect`).
//!
//! [`transform`] is what the Lambda does with an event's text; [`floor`] is what any
//! transformer must do at least (parse the event, decode, parse and re-encode every record,
//! write the response): the yardstick `transform` is compared with.

mod expect;
mod generate;
mod json;
mod order_lines;
mod orders;
mod pipelines;
mod plant;
mod record;
mod values;

pub use expect::Expected;
pub use generate::{batch, Batch, STREAMS};
pub use pipelines::{floor, transform};
