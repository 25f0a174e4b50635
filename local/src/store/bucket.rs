//! An S3 bucket through the official SDK (standard configuration chain, see [`crate::aws`]).
//! Each failure names the bucket, the key and the AWS error code.
//!
//! API calls, for an IAM policy: `check` HeadBucket (s3:ListBucket); `list` ListObjectsV2
//! (s3:ListBucket with the prefix); `get` GetObject; `exists` HeadObject (s3:GetObject);
//! `create` and `replace` PutObject (`create` with `If-None-Match: *`); `rename` CopyObject
//! (s3:GetObject on the source, s3:PutObject on the destination) then DeleteObject; `delete`
//! DeleteObject.

use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::primitives::ByteStream;

use super::{Created, Listed, Store};
use crate::aws::s3_error;
use crate::Error;

/// One bucket.
#[derive(Debug, Clone)]
pub struct Bucket {
    client: aws_sdk_s3::Client,
    name: String,
}

impl Bucket {
    pub fn new(client: aws_sdk_s3::Client, name: impl Into<String>) -> Bucket {
        Bucket { client, name: name.into() }
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

/// A key percent-encoded for `x-amz-copy-source` (slashes kept).
fn encode_key(key: &str) -> String {
    let mut encoded = String::with_capacity(key.len());
    for byte in key.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~/".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

impl Store for Bucket {
    fn url(&self, key: &str) -> String {
        format!("s3://{}/{key}", self.name)
    }

    async fn check(&self) -> Result<(), Error> {
        self.client.head_bucket().bucket(&self.name).send().await.map_err(|error| {
            let mut failure = s3_error("use the bucket", &self.name, "", error);
            // HeadBucket answers a bare 404 (no body, so no code): say what it means.
            if let Error::S3 { code, .. } = &mut failure {
                if code == "HTTP 404" || code == "NotFound" {
                    "NoSuchBucket".clone_into(code);
                }
            }
            failure
        })?;
        Ok(())
    }

    async fn list(&self, prefix: &str) -> Result<Vec<Listed>, Error> {
        let mut pages = self.client.list_objects_v2().bucket(&self.name).prefix(prefix).into_paginator().send();
        let mut found = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|error| s3_error("list", &self.name, prefix, error))?;
            for object in page.contents() {
                let Some(key) = object.key() else { continue };
                let size = object.size().and_then(|size| u64::try_from(size).ok()).unwrap_or(0);
                found.push(Listed { key: key.to_owned(), size });
            }
        }
        found.sort();
        Ok(found)
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, Error> {
        let response = match self.client.get_object().bucket(&self.name).key(key).send().await {
            Ok(response) => response,
            Err(error) if error.as_service_error().is_some_and(|e| e.is_no_such_key()) => return Ok(None),
            Err(error) => return Err(s3_error("read", &self.name, key, error)),
        };
        let body = response.body.collect().await.map_err(|error| Error::S3 {
            action: "read",
            bucket: self.name.clone(),
            key: key.to_owned(),
            code: error.to_string(),
            source: Some(Box::new(error)),
        })?;
        Ok(Some(body.into_bytes().to_vec()))
    }

    async fn exists(&self, key: &str) -> Result<bool, Error> {
        match self.client.head_object().bucket(&self.name).key(key).send().await {
            Ok(_) => Ok(true),
            Err(error) if error.as_service_error().is_some_and(|e| e.is_not_found()) => Ok(false),
            Err(error) => Err(s3_error("look up", &self.name, key, error)),
        }
    }

    /// `PutObject` with `If-None-Match: *`: S3 (and moto) refuse it with `PreconditionFailed`
    /// when the key is taken, atomically, so two replays at once cannot both write it.
    async fn create(&self, key: &str, content: Vec<u8>) -> Result<Created, Error> {
        let request = self.client.put_object().bucket(&self.name).key(key).if_none_match("*");
        match request.body(ByteStream::from(content)).send().await {
            Ok(_) => Ok(Created::Written),
            Err(error) if error.as_service_error().and_then(|e| e.code()) == Some("PreconditionFailed") => {
                Ok(Created::Exists)
            }
            Err(error) => Err(s3_error("write", &self.name, key, error)),
        }
    }

    async fn replace(&self, key: &str, content: Vec<u8>) -> Result<(), Error> {
        let request = self.client.put_object().bucket(&self.name).key(key);
        request
            .body(ByteStream::from(content))
            .send()
            .await
            .map_err(|error| s3_error("write", &self.name, key, error))?;
        Ok(())
    }

    async fn rename(&self, from: &str, to: &str) -> Result<(), Error> {
        let copy_source = format!("{}/{}", self.name, encode_key(from));
        let request = self.client.copy_object().bucket(&self.name).key(to).copy_source(copy_source);
        request.send().await.map_err(|error| s3_error("copy", &self.name, from, error))?;
        self.delete(from).await
    }

    async fn delete(&self, key: &str) -> Result<(), Error> {
        let request = self.client.delete_object().bucket(&self.name).key(key);
        request.send().await.map_err(|error| s3_error("delete", &self.name, key, error))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_sources_are_percent_encoded() {
        assert_eq!(encode_key("errors/a b+c/$x"), "errors/a%20b%2Bc/%24x");
    }
}
