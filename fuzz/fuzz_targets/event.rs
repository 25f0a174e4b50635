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
    let named = serde_json::from_slice::<serde_json::Value>(input).ok().and_then(|value| {
        let arn = value.get("deliveryStreamArn")?.as_str()?.to_owned();
        Stream::ALL.into_iter().find(|stream| arn.ends_with(&format!("/{}", stream.name())))
    });
    let stream = named.unwrap_or_else(|| fuzz_support::stream_for((input.len() % 251) as u8));
    fuzz_support::check_event(stream, event);
});
