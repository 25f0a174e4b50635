//! One Firehose transformation event, as Firehose sends it from a Kinesis source, with what each
//! of its records must become.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use shim::{Reason, Stream};
use testkit::ids::Fnv;
use testkit::rng::Rng;

use crate::expect::Expected;
use crate::order_lines::order_line_event;
use crate::orders::order_event;
use crate::plant::corrupt_base64;

/// A generated Firehose event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// The event's JSON text, as Firehose posts it to the function.
    pub text: String,
    /// Per record, in order, what it must become.
    pub expected: Vec<Expected>,
}

/// Streams the generator knows.
pub const STREAMS: [Stream; 2] = [Stream::Orders, Stream::OrderLines];

/// Generates one event for `stream` (orders or order-lines; any other stream gets order-lines
/// events, all routing faults) whose text is at most `max_bytes` long.
pub fn batch(stream: Stream, seed: u64, max_bytes: usize) -> Batch {
    let mut rng = Rng::new(seed ^ Fnv::new().write(stream.name().as_bytes()).finish());
    let invocation = rng.uuid();
    let name = format!("system-two-{}", stream.name());
    let head = format!(
        "{{\"invocationId\":\"{invocation}\",\"deliveryStreamArn\":\"arn:aws:firehose:us-east-1:123456789012:\
         deliverystream/{name}\",\"sourceKinesisStreamArn\":\"arn:aws:kinesis:us-east-1:123456789012:stream/{name}\",\
         \"region\":\"us-east-1\",\"records\":["
    );
    let tail = "]}";
    let mut text = head;
    let mut expected = Vec::new();
    let mut arrival: u64 = 1_795_205_045_000 + rng.below(86_400_000);
    let mut sequence = Sequence::new(&mut rng);
    loop {
        let (document, outcome) = match stream {
            Stream::Orders => order_event(&mut rng),
            _ => order_line_event(&mut rng),
        };
        let data = STANDARD.encode(document.as_bytes());
        let data = if outcome == Expected::Failed(Reason::Base64) { corrupt_base64(&data, &mut rng) } else { data };
        arrival += rng.below(40);
        let seq = sequence.next(&mut rng);
        let record = format!(
            "{sep}{{\"recordId\":\"{seq}000000000000000\",\"approximateArrivalTimestamp\":{arrival},\"data\":\"{data}\",\
             \"kinesisRecordMetadata\":{{\"sequenceNumber\":\"{seq}\",\"subsequenceNumber\":0,\"partitionKey\":\"{key}\",\
             \"shardId\":\"shardId-00000000000{shard}\",\"approximateArrivalTimestamp\":{arrival}}}}}",
            sep = if expected.is_empty() { "" } else { "," },
            key = rng.uuid(),
            shard = rng.below(4),
        );
        if text.len() + record.len() + tail.len() > max_bytes {
            break;
        }
        text.push_str(&record);
        expected.push(outcome);
    }
    text.push_str(tail);
    Batch { text, expected }
}

/// Kinesis sequence numbers: 56 digits, increasing.
struct Sequence {
    prefix: String,
    counter: u64,
}

impl Sequence {
    fn new(rng: &mut Rng) -> Sequence {
        let prefix = format!("4954698668313554428650745793632{:010}", rng.below(10_000_000_000));
        Sequence { prefix, counter: rng.below(1_000_000_000) * 1000 }
    }

    fn next(&mut self, rng: &mut Rng) -> String {
        self.counter += 1 + rng.below(500);
        format!("{}{:015}", self.prefix, self.counter)
    }
}
