//! Inputs that are read again from AWS, for `firehose-local run`: the raw backup a delivery
//! stream kept in S3 (`s3://BUCKET/source/<stream>/...`, to reprocess a window) and a Kinesis
//! data stream while it still retains the records (`kinesis:NAME --from T --to T`, for records
//! Firehose never read). Both run on the input thread ([`crate::input::read`]) with a runtime of
//! their own, and hand each record over as it comes, so memory holds one object (or one
//! GetRecords page), never the window.
//!
//! Calls, for an IAM policy: backup, ListObjectsV2 under the prefix and GetObject on each
//! object; Kinesis, DescribeStreamSummary, ListShards, GetShardIterator (`AT_TIMESTAMP`) and
//! GetRecords on the stream.

use std::sync::mpsc::SyncSender;
use std::time::Duration;

use aws_sdk_kinesis::primitives::DateTime;
use aws_sdk_kinesis::types::{Shard, ShardIteratorType};
use jiff::Timestamp;
use shim::Stream;

use crate::aws::{clients, error_code};
use crate::input::Message;
use crate::reconcile::read;
use crate::refusal::Refusal;
use crate::store::{Bucket, Store};
use crate::Error;

/// GetRecords answers throttled (5 calls a second per shard) are retried after this long, this
/// many times.
const THROTTLE_PAUSE: Duration = Duration::from_millis(500);
const THROTTLE_RETRIES: u32 = 20;

/// The stream a backup key belongs to: `source/<stream>/...`.
pub fn backup_stream(key: &str) -> Option<Stream> {
    key.strip_prefix("source/")?.split('/').next().and_then(Stream::from_name)
}

/// Every record of every backup object under `prefix` (plain or gzip, newline-delimited or
/// concatenated as Firehose writes them), in key order, each for the stream whose backup it is.
/// `false` when the receiver is gone.
pub(crate) async fn backup(
    bucket: &str,
    prefix: &str,
    index: usize,
    sender: &SyncSender<Message>,
    progress: &dyn Fn(u64),
) -> Result<bool, Error> {
    let bucket = Bucket::new(clients().await.s3, bucket);
    bucket.check().await?;
    for listed in bucket.list(prefix).await? {
        let stream = backup_stream(&listed.key);
        let stored = bucket.get(&listed.key).await?.unwrap_or_default();
        let content = read::decompress(stored).map_err(|source| Error::Io {
            action: "decompress",
            path: bucket.url(&listed.key).into(),
            source,
        })?;
        for record in read::records(&content) {
            progress(record.len() as u64);
            if sender.send(Message::Line { source: index, stream, bytes: record.to_vec() }).is_err() {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

fn kinesis_error<E, R>(action: &'static str, name: &str, error: aws_sdk_kinesis::error::SdkError<E, R>) -> Error
where
    E: aws_sdk_kinesis::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    Error::KinesisRead { action, stream: name.to_owned(), code: error_code(&error), source: Box::new(error) }
}

/// Refuses a window that starts before the stream's retention: an `AT_TIMESTAMP` iterator
/// older than the trim horizon silently starts at the oldest record kept, so the records
/// between `from` and it would be missing without a word. (A minute of slack: records at the
/// trim horizon expire while the shards are read.)
async fn retained_since(client: &aws_sdk_kinesis::Client, name: &str, from: Timestamp) -> Result<(), Error> {
    let summary = client
        .describe_stream_summary()
        .stream_name(name)
        .send()
        .await
        .map_err(|error| kinesis_error("describe", name, error))?;
    let hours = summary.stream_description_summary().map_or(24, |summary| summary.retention_period_hours());
    let kept = Timestamp::now()
        .checked_sub(jiff::SignedDuration::from_hours(i64::from(hours)))
        .and_then(|at| at.checked_add(jiff::SignedDuration::from_mins(1)))
        .unwrap_or(Timestamp::UNIX_EPOCH);
    if from < kept {
        let kept = kept.round(jiff::Unit::Second).unwrap_or(kept);
        return Err(Refusal::BeforeRetention { name: name.to_owned(), hours, from, kept }.into());
    }
    Ok(())
}

/// Every shard of the stream, closed ones included (records written before a reshard are in
/// the parents).
async fn shards(client: &aws_sdk_kinesis::Client, name: &str) -> Result<Vec<Shard>, Error> {
    let mut shards = Vec::new();
    let mut token: Option<String> = None;
    loop {
        // ListShards takes the stream name or a next token, never both.
        let request = match &token {
            Some(token) => client.list_shards().next_token(token),
            None => client.list_shards().stream_name(name),
        };
        let page = request.send().await.map_err(|error| kinesis_error("list the shards of", name, error))?;
        shards.extend(page.shards().iter().cloned());
        match page.next_token() {
            Some(next) => token = Some(next.to_owned()),
            None => return Ok(shards),
        }
    }
}

/// Every record of every shard of Kinesis stream `name` that arrived in `[from, to)`, shard by
/// shard (a key's records share a shard, so their order is kept), for `stream` (`None`: routed
/// by content). Each shard is read from an `AT_TIMESTAMP` iterator at `from` until a record
/// arrived at or after `to`, the shard ends (closed), or the reader has caught up with it.
pub(crate) async fn kinesis(
    name: &str,
    stream: Option<Stream>,
    (from, to): (Timestamp, Timestamp),
    index: usize,
    sender: &SyncSender<Message>,
    progress: &dyn Fn(u64),
) -> Result<bool, Error> {
    let client = clients().await.kinesis;
    retained_since(&client, name, from).await?;
    let to_ms = to.as_millisecond();
    for shard in shards(&client, name).await? {
        let iterator = client
            .get_shard_iterator()
            .stream_name(name)
            .shard_id(shard.shard_id())
            .shard_iterator_type(ShardIteratorType::AtTimestamp)
            .timestamp(DateTime::from_millis(from.as_millisecond()))
            .send()
            .await
            .map_err(|error| kinesis_error("get a shard iterator of", name, error))?;
        let mut next = iterator.shard_iterator().map(str::to_owned);
        let mut throttled = 0;
        while let Some(current) = next.take() {
            let page = match client.get_records().shard_iterator(&current).limit(10_000).send().await {
                Ok(page) => page,
                Err(error) => {
                    let code = error_code(&error);
                    if code == "ProvisionedThroughputExceededException" && throttled < THROTTLE_RETRIES {
                        throttled += 1;
                        tokio::time::sleep(THROTTLE_PAUSE).await;
                        next = Some(current);
                        continue;
                    }
                    return Err(kinesis_error("read records of", name, error));
                }
            };
            throttled = 0;
            let mut past_the_window = false;
            for record in page.records() {
                let arrived = record.approximate_arrival_timestamp().and_then(|at| at.to_millis().ok());
                if arrived.is_some_and(|at| at >= to_ms) {
                    past_the_window = true;
                    break;
                }
                let bytes = record.data().as_ref().to_vec();
                progress(bytes.len() as u64);
                if sender.send(Message::Line { source: index, stream, bytes }).is_err() {
                    return Ok(false);
                }
            }
            // Past --to; or caught up with the shard (nothing more has arrived: a --to in the
            // future is not waited for); else on (a closed shard's last page has no iterator).
            if past_the_window || (page.records().is_empty() && page.millis_behind_latest().unwrap_or(0) == 0) {
                break;
            }
            next = page.next_shard_iterator().map(str::to_owned);
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_keys_name_their_stream() {
        assert_eq!(backup_stream("source/order-lines/2026/12/01/05/x"), Some(Stream::OrderLines));
        assert_eq!(backup_stream("source/nothing/2026/x"), None);
        assert_eq!(backup_stream("system-one/orders/x"), None);
    }
}
