//! A whole Firehose event as the JSON bytes Lambda hands the function. Bytes that are not a
//! Firehose event are refused by the runtime before the handler runs; every event that parses
//! goes through the handler of the stream its `deliveryStreamArn` names (else one picked by the
//! input's length), and the batch invariants are asserted.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shim::firehose::FirehoseEvent;
use shim::Stream;

fuzz_target!(|input: &[u8]| {
    let Ok(event) = serde_json::from_slice::<FirehoseEvent>(input) else { return };
    let named = event.delivery_stream_arn.as_deref().and_then(|arn| Stream::from_name(arn.rsplit('/').next()?));
    let stream = named.unwrap_or_else(|| fuzz_support::stream_for((input.len() % 251) as u8));
    fuzz_support::check_event(stream, event);
});
