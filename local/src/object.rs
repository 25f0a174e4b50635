//! The S3 object calls the bucket replay and `run --out s3://` make, each failure an [`Error`]
//! naming the bucket, the key and the AWS error code (see [`s3_error`]).

use aws_sdk_s3::primitives::ByteStream;

use crate::aws::{s3_error, Clients};
use crate::Error;

/// An object's bytes; `None` when there is no such key.
pub async fn get(clients: &Clients, bucket: &str, key: &str) -> Result<Option<Vec<u8>>, Error> {
    let response = match clients.s3.get_object().bucket(bucket).key(key).send().await {
        Ok(response) => response,
        Err(error) if error.as_service_error().is_some_and(|e| e.is_no_such_key()) => return Ok(None),
        Err(error) => return Err(s3_error("read", bucket, key, error)),
    };
    let body = response.body.collect().await.map_err(|error| Error::S3 {
        action: "read",
        bucket: bucket.to_owned(),
        key: key.to_owned(),
        code: error.to_string(),
        source: Some(Box::new(error)),
    })?;
    Ok(Some(body.into_bytes().to_vec()))
}

/// Writes an object (over any object of that key).
pub async fn put(clients: &Clients, bucket: &str, key: &str, content: Vec<u8>) -> Result<(), Error> {
    clients
        .s3
        .put_object()
        .bucket(bucket)
        .key(key)
        .body(ByteStream::from(content))
        .send()
        .await
        .map_err(|error| s3_error("write", bucket, key, error))?;
    Ok(())
}

/// Whether an object is there.
pub async fn exists(clients: &Clients, bucket: &str, key: &str) -> Result<bool, Error> {
    match clients.s3.head_object().bucket(bucket).key(key).send().await {
        Ok(_) => Ok(true),
        Err(error) if error.as_service_error().is_some_and(|e| e.is_not_found()) => Ok(false),
        Err(error) => Err(s3_error("look up", bucket, key, error)),
    }
}

/// Deletes an object.
pub async fn delete(clients: &Clients, bucket: &str, key: &str) -> Result<(), Error> {
    clients
        .s3
        .delete_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .map_err(|error| s3_error("delete", bucket, key, error))?;
    Ok(())
}
