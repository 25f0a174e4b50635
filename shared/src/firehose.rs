//! The Firehose data-transformation contract: the event a function receives and the response
//! it returns.
//!
//! These are our own types rather than `aws_lambda_events::event::firehose`: its event record
//! decodes `data` while the event is parsed, so one record with bad base64 would fail the whole
//! invocation, and its response record holds decoded bytes, so a `ProcessingFailed` record could
//! not carry back original data that is not valid base64. Tests build events with the
//! `aws_lambda_events` types to prove the two agree on the wire.
//!
//! Beside the records, the event carries what ties a record to its source, for the logs only:
//! the delivery stream, the Kinesis stream and, per record, its arrival time and Kinesis
//! position. Real events spell some of these differently (`subsequenceNumber` as `123456`,
//! `"123456"` or `""`), so they are read leniently: a member of an unexpected type is treated as
//! absent, never as a reason to fail the invocation.
//!
//! The event is read borrowed: every text is a `Cow` that points into the request body unless
//! it held a JSON escape (record ids and base64 never do), so reading a 3 MB event copies none
//! of its records' `data` (the Lambda entry point hands the runtime's raw body to
//! [`crate::respond`]; see `lambda`).

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

/// A batch from a Firehose delivery stream. Other members (`region`, a record's
/// `kinesisRecordMetadata.partitionKey`, which is made of record values...) are ignored.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FirehoseEvent<'a> {
    #[serde(default, borrow, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub invocation_id: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub delivery_stream_arn: Option<Cow<'a, str>>,
    /// Present when the delivery stream reads a Kinesis data stream.
    #[serde(default, borrow, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub source_kinesis_stream_arn: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub records: Vec<FirehoseRecord<'a>>,
}

/// One record of a batch: `data` is kept as text and decoded per record.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FirehoseRecord<'a> {
    #[serde(borrow)]
    pub record_id: Cow<'a, str>,
    #[serde(borrow)]
    pub data: Cow<'a, str>,
    /// When the record reached Firehose (or Kinesis), in milliseconds since the Unix epoch.
    #[serde(default, deserialize_with = "millis", skip_serializing_if = "Option::is_none")]
    pub approximate_arrival_timestamp: Option<i64>,
    /// Where the record sits in its Kinesis stream; absent for a Direct PUT delivery stream.
    #[serde(default, borrow, deserialize_with = "kinesis", skip_serializing_if = "Option::is_none")]
    pub kinesis_record_metadata: Option<KinesisRecordMetadata<'a>>,
}

/// A Kinesis record's position: enough to find it with `GetShardIterator` /
/// `AT_SEQUENCE_NUMBER`, and nothing from its content (the partition key is not kept).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KinesisRecordMetadata<'a> {
    #[serde(default, borrow, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub shard_id: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<Cow<'a, str>>,
    /// The position within an aggregated record, as text: real events carry it as a number or
    /// as a string (empty when the record was not aggregated).
    #[serde(default, borrow, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub subsequence_number: Option<Cow<'a, str>>,
}

fn owned(text: Option<Cow<'_, str>>) -> Option<Cow<'static, str>> {
    text.map(|text| Cow::Owned(text.into_owned()))
}

impl FirehoseEvent<'_> {
    /// The same event, owning its texts (for callers that keep it beyond the body they read).
    pub fn into_owned(self) -> FirehoseEvent<'static> {
        FirehoseEvent {
            invocation_id: owned(self.invocation_id),
            delivery_stream_arn: owned(self.delivery_stream_arn),
            source_kinesis_stream_arn: owned(self.source_kinesis_stream_arn),
            records: self.records.into_iter().map(FirehoseRecord::into_owned).collect(),
        }
    }
}

impl FirehoseRecord<'_> {
    /// The same record, owning its texts.
    pub fn into_owned(self) -> FirehoseRecord<'static> {
        FirehoseRecord {
            record_id: Cow::Owned(self.record_id.into_owned()),
            data: Cow::Owned(self.data.into_owned()),
            approximate_arrival_timestamp: self.approximate_arrival_timestamp,
            kinesis_record_metadata: self.kinesis_record_metadata.map(|metadata| KinesisRecordMetadata {
                shard_id: owned(metadata.shard_id),
                sequence_number: owned(metadata.sequence_number),
                subsequence_number: owned(metadata.subsequence_number),
            }),
        }
    }
}

/// A string as it is (borrowed when it has no escape), a number as its JSON text; anything
/// else is absent.
fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Cow<'de, str>>, D::Error> {
    deserializer.deserialize_any(Lenient)
}

/// An integer number of milliseconds, as a number or as its decimal text (how
/// `aws_lambda_events` writes it); anything else is absent.
fn millis<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    Ok(text(deserializer)?.and_then(|text| text.parse().ok()))
}

/// The metadata object; anything that is not an object is absent.
fn kinesis<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<KinesisRecordMetadata<'de>>, D::Error> {
    deserializer.deserialize_any(Metadata)
}

/// serde_json's `arbitrary_precision` hands a number to `deserialize_any` as a one-entry map
/// under this key, its value the number's text.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// Reads any JSON value without allocating for what it drops or for a string it can borrow: a
/// string (its contents) or a number (its JSON text) is text, everything else (null, booleans,
/// arrays, objects) is `None`.
struct Lenient;

impl<'de> Visitor<'de> for Lenient {
    type Value = Option<Cow<'de, str>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
        Ok(Some(Cow::Borrowed(text)))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(text.to_owned())))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(text)))
    }

    fn visit_u64<E: de::Error>(self, number: u64) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(number.to_string())))
    }

    fn visit_i64<E: de::Error>(self, number: i64) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(number.to_string())))
    }

    fn visit_f64<E: de::Error>(self, number: f64) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(number.to_string())))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut number = None;
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Number => number = map.next_value_seed(NumberText)?,
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(number)
    }
}

/// The text of an `arbitrary_precision` number, borrowed when serde_json can lend it.
struct NumberText;

impl<'de> de::DeserializeSeed<'de> for NumberText {
    type Value = Option<Cow<'de, str>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(Lenient)
    }
}

/// A map key, compared without being kept.
enum Key {
    Number,
    Other,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Key, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a member name")
            }

            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
                Ok(if key == NUMBER_TOKEN { Key::Number } else { Key::Other })
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// `kinesisRecordMetadata`: an object is read member by member, anything else is absent.
struct Metadata;

impl<'de> Visitor<'de> for Metadata {
    type Value = Option<KinesisRecordMetadata<'de>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        KinesisRecordMetadata::deserialize(de::value::MapAccessDeserializer::new(map)).map(Some)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// The response: one record per input record, in input order.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct FirehoseResponse {
    pub records: Vec<ResponseRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResponseRecord {
    pub record_id: String,
    pub result: RecordResult,
    /// `Ok`: base64 of the System One line; `Dropped`: empty; `ProcessingFailed`: the input
    /// `data`, unchanged.
    pub data: String,
}

/// The three results Firehose accepts, spelled exactly as it requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
pub enum RecordResult {
    Ok,
    Dropped,
    ProcessingFailed,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_serialise_as_firehose_spells_them() {
        let json =
            serde_json::to_string(&[RecordResult::Ok, RecordResult::Dropped, RecordResult::ProcessingFailed]).unwrap();
        assert_eq!(json, r#"["Ok","Dropped","ProcessingFailed"]"#);
    }

    #[test]
    fn reads_an_event_built_with_aws_lambda_events() {
        use aws_lambda_events::event::firehose::{
            KinesisFirehoseEvent, KinesisFirehoseEventRecord, KinesisFirehoseRecordMetadata,
        };
        let mut record = KinesisFirehoseEventRecord::default();
        record.record_id = Some("r-1".into());
        record.data.extend_from_slice(b"{}");
        let mut metadata = KinesisFirehoseRecordMetadata::default();
        metadata.shard_id = Some("shardId-000000000000".into());
        metadata.sequence_number = Some("49546986683135544286507457936321625675700192471156785154".into());
        metadata.subsequence_number = 7;
        record.kinesis_firehose_record_metadata = Some(metadata);
        let mut event = KinesisFirehoseEvent::default();
        event.records = vec![record];
        event.invocation_id = Some("i-1".into());
        event.delivery_stream_arn = Some("arn:aws:firehose:us-east-1:123456789012:deliverystream/orders".into());
        event.source_kinesis_stream_arn = Some("arn:aws:kinesis:us-east-1:123456789012:stream/orders".into());
        let text = serde_json::to_string(&event).unwrap();
        let ours: FirehoseEvent = serde_json::from_str(&text).unwrap();
        assert_eq!(ours.invocation_id.as_deref(), Some("i-1"));
        assert_eq!(
            ours.delivery_stream_arn.as_deref(),
            Some("arn:aws:firehose:us-east-1:123456789012:deliverystream/orders")
        );
        assert_eq!(
            ours.source_kinesis_stream_arn.as_deref(),
            Some("arn:aws:kinesis:us-east-1:123456789012:stream/orders")
        );
        assert_eq!(ours.records.len(), 1);
        let record = &ours.records[0];
        assert_eq!(record.record_id, "r-1");
        assert_eq!(record.data, "e30=");
        // Its default arrival time is the epoch, written as a string of milliseconds.
        assert_eq!(record.approximate_arrival_timestamp, Some(0));
        let metadata = record.kinesis_record_metadata.as_ref().unwrap();
        assert_eq!(metadata.shard_id.as_deref(), Some("shardId-000000000000"));
        assert_eq!(
            metadata.sequence_number.as_deref(),
            Some("49546986683135544286507457936321625675700192471156785154")
        );
        assert_eq!(metadata.subsequence_number.as_deref(), Some("7"));
    }

    /// The shapes real events take (the public AWS fixtures): a number or a string for
    /// `subsequenceNumber`, an ISO text for the metadata's own arrival time, no metadata at all
    /// for Direct PUT; and members of unexpected types are absent, not fatal.
    #[test]
    fn reads_real_event_shapes_leniently() {
        let event: FirehoseEvent = serde_json::from_str(
            r#"{"invocationId": "invoked123", "deliveryStreamArn": "aws:lambda:events",
                "sourceKinesisStreamArn": "arn:aws:kinesis:us-east-1:123456789012:stream/test", "region": "us-west-2",
                "records": [
                  {"data": "e30=", "recordId": "a", "approximateArrivalTimestamp": 1507217624302,
                   "kinesisRecordMetadata": {"shardId": "shardId-000000000000", "partitionKey": "pk",
                     "approximateArrivalTimestamp": 1507217624302, "sequenceNumber": "4954", "subsequenceNumber": 123456}},
                  {"data": "e30=", "recordId": "b", "approximateArrivalTimestamp": 1510772160000,
                   "kinesisRecordMetadata": {"shardId": "shardId-000000000001", "partitionKey": "pk",
                     "approximateArrivalTimestamp": "2012-04-23T18:25:43.511Z", "sequenceNumber": "4955", "subsequenceNumber": ""}},
                  {"data": "e30=", "recordId": "c", "approximateArrivalTimestamp": 1495072949453,
                   "kinesisRecordMetadata": {"sequenceNumber": "4956", "subsequenceNumber": "123456"}},
                  {"data": "e30=", "recordId": "d", "approximateArrivalTimestamp": "soon", "kinesisRecordMetadata": "x"},
                  {"data": "e30=", "recordId": "e", "kinesisRecordMetadata": {"shardId": 5, "sequenceNumber": [1], "subsequenceNumber": null}},
                  {"data": "e30=", "recordId": "f"}
                ]}"#,
        )
        .unwrap();
        let subsequence: Vec<Option<&str>> = event
            .records
            .iter()
            .map(|r| r.kinesis_record_metadata.as_ref().and_then(|m| m.subsequence_number.as_deref()))
            .collect();
        assert_eq!(subsequence, [Some("123456"), Some(""), Some("123456"), None, None, None]);
        let arrival: Vec<Option<i64>> = event.records.iter().map(|r| r.approximate_arrival_timestamp).collect();
        assert_eq!(arrival, [Some(1507217624302), Some(1510772160000), Some(1495072949453), None, None, None]);
        assert_eq!(event.records[3].kinesis_record_metadata, None);
        assert_eq!(
            event.records[4].kinesis_record_metadata,
            Some(KinesisRecordMetadata { shard_id: Some("5".into()), sequence_number: None, subsequence_number: None })
        );
        let direct: FirehoseEvent =
            serde_json::from_str(r#"{"invocationId": 7, "deliveryStreamArn": null, "records": []}"#).unwrap();
        assert_eq!((direct.invocation_id.as_deref(), direct.delivery_stream_arn), (Some("7"), None));
        // Texts without escapes are borrowed from the event.
        assert!(matches!(event.records[0].record_id, Cow::Borrowed("a")));
        assert!(matches!(event.records[0].data, Cow::Borrowed("e30=")));
        assert!(matches!(event.invocation_id, Some(Cow::Borrowed("invoked123"))));
    }

    #[test]
    fn writes_no_absent_members() {
        let event = FirehoseEvent {
            invocation_id: Some("i".into()),
            records: vec![FirehoseRecord { record_id: "r".into(), data: "e30=".into(), ..Default::default() }],
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&event).unwrap(),
            r#"{"invocationId":"i","records":[{"recordId":"r","data":"e30="}]}"#
        );
    }
}
