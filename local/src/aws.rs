//! AWS access for replay and `run --out s3://`: the SDK's standard configuration chain
//! (`AWS_PROFILE`, `AWS_REGION`, credentials, SSO, `AWS_ENDPOINT_URL`...), rustls over ring for
//! HTTPS, path-style S3 addressing whenever an endpoint is set (an emulator such as moto has no
//! per-bucket host names), and errors that name the bucket, the key and the AWS error code.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::BehaviorVersion;
use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};

use crate::Error;

/// The environment variables that point the S3 client at another endpoint.
const S3_ENDPOINT_VARIABLES: [&str; 2] = ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"];

/// The clients of one command.
#[derive(Debug, Clone)]
pub struct Clients {
    pub s3: aws_sdk_s3::Client,
    pub kinesis: aws_sdk_kinesis::Client,
}

/// Loads the standard configuration chain and builds the clients. Kinesis calls are not
/// retried by the SDK: [`crate::kinesis`] retries whole calls and single entries itself, with
/// its own bounded backoff, so that what it could not put is known exactly.
pub async fn clients() -> Clients {
    let http =
        aws_smithy_http_client::Builder::new().tls_provider(tls::Provider::Rustls(CryptoMode::Ring)).build_https();
    let shared = aws_config::defaults(BehaviorVersion::latest()).http_client(http).load().await;
    let path_style = S3_ENDPOINT_VARIABLES.iter().any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()));
    let s3 = aws_sdk_s3::config::Builder::from(&shared).force_path_style(path_style).build();
    let kinesis = aws_sdk_kinesis::config::Builder::from(&shared).retry_config(RetryConfig::disabled()).build();
    Clients { s3: aws_sdk_s3::Client::from_conf(s3), kinesis: aws_sdk_kinesis::Client::from_conf(kinesis) }
}

/// The AWS error code of a failed call (`NoSuchBucket`, `AccessDenied`...), or what kind of
/// failure it was when the service sent none (a connection refused, a timeout).
pub fn error_code<E, R>(error: &aws_sdk_s3::error::SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata,
    R: std::fmt::Debug,
{
    use aws_sdk_s3::error::SdkError;
    match error {
        SdkError::ServiceError(service) => match service.err().code() {
            Some(code) => code.to_owned(),
            None => format!("HTTP {}", http_status(service.raw())),
        },
        SdkError::TimeoutError(_) => "timeout".to_owned(),
        SdkError::DispatchFailure(failure) => {
            if failure.is_timeout() {
                "timeout".to_owned()
            } else if failure.is_io() {
                "connection failed".to_owned()
            } else {
                // DNS, TLS, no route: the innermost cause says which.
                let Some(connector) = failure.as_connector_error() else {
                    return "request not sent".to_owned();
                };
                let mut cause: &dyn std::error::Error = connector;
                while let Some(inner) = cause.source() {
                    cause = inner;
                }
                format!("request not sent ({cause})")
            }
        }
        SdkError::ResponseError(_) => "unreadable response".to_owned(),
        SdkError::ConstructionFailure(_) => "request not built".to_owned(),
        _ => "unknown error".to_owned(),
    }
}

fn http_status<R: std::fmt::Debug>(raw: &R) -> String {
    // The raw response type differs between error kinds; its Debug form starts with the status.
    let text = format!("{raw:?}");
    text.split(|c: char| !c.is_ascii_digit()).find(|part| part.len() == 3).unwrap_or("?").to_owned()
}

/// A failed S3 call as a command error: what was done, on which bucket and key, and the code.
pub fn s3_error<E, R>(action: &'static str, bucket: &str, key: &str, error: aws_sdk_s3::error::SdkError<E, R>) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    Error::S3 {
        action,
        bucket: bucket.to_owned(),
        key: key.to_owned(),
        code: error_code(&error),
        source: Some(Box::new(error)),
    }
}

/// A small delay for retries: base × 2^attempt, capped, with full jitter.
pub fn backoff(base: Duration, cap: Duration, attempt: u32, seed: u64) -> Duration {
    let ceiling = base.saturating_mul(1_u32 << attempt.min(16)).min(cap);
    let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
    if nanos == 0 {
        return Duration::ZERO;
    }
    let noise = crate::ids::fnv1a(&[&seed.to_be_bytes(), &attempt.to_be_bytes()]);
    Duration::from_nanos(nanos / 2 + noise % (nanos / 2 + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_bounded() {
        let base = Duration::from_millis(100);
        let cap = Duration::from_secs(5);
        for attempt in 0..40 {
            let delay = backoff(base, cap, attempt, 7);
            let ceiling = base.saturating_mul(1 << attempt.min(16)).min(cap);
            assert!(delay <= ceiling && delay >= ceiling / 2, "{attempt}: {delay:?}");
        }
    }
}
