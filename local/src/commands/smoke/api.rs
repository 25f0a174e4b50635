//! `POST <ApiEndpoint>/<stream>` as System Two's sender makes it: `x-api-key` (its value read
//! with apigateway:GetApiKey from the `ApiKeyId` output), and/or signed with SigV4 for
//! `execute-api` by the operator's credentials (`aws-sigv4`). The HTTP connector is the SDK's
//! own (hyper, rustls over ring): no second HTTP stack.

use std::time::{Duration, Instant, SystemTime};

use aws_credential_types::provider::ProvideCredentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::http::HttpConnector;
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_types::body::SdkBody;

use super::aws::Aws;
use super::stack::Stack;

/// What the API answered.
#[derive(Debug, Clone)]
pub(super) struct Answer {
    pub(super) status: u16,
    pub(super) body: String,
    pub(super) elapsed: Duration,
}

/// The API as the stack's auth mode asks to call it.
pub(super) struct Api {
    endpoint: String,
    key: Option<String>,
    signer: Option<(aws_credential_types::Credentials, String)>,
    connector: aws_smithy_http_client::Connector,
}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Api").field("endpoint", &self.endpoint).finish_non_exhaustive()
    }
}

impl Api {
    /// The key's value and the credentials, fetched once; an error names the call that failed.
    pub(super) async fn new(aws: &Aws, stack: &Stack) -> Result<Api, String> {
        let key = match &stack.api_key_id {
            Some(id) => {
                let response = aws.apigateway.get_api_key().api_key(id).include_value(true).send().await;
                let response = response.map_err(|e| {
                    format!("cannot read the API key {id} (apigateway:GET /apikeys): {}", crate::aws::error_code(&e))
                })?;
                Some(response.value().ok_or_else(|| format!("the API key {id} has no value"))?.to_owned())
            }
            None => None,
        };
        let signer = if stack.auth.signs() {
            let provider =
                aws.config.credentials_provider().ok_or_else(|| "no AWS credentials to sign the request".to_owned())?;
            let credentials = provider
                .provide_credentials()
                .await
                .map_err(|e| format!("no AWS credentials to sign the request: {e}"))?;
            let region = aws.config.region().map(ToString::to_string).unwrap_or_else(|| "us-east-1".to_owned());
            Some((credentials, region))
        } else {
            None
        };
        let connector =
            aws_smithy_http_client::Connector::builder().tls_provider(tls::Provider::Rustls(CryptoMode::Ring)).build();
        Ok(Api { endpoint: stack.endpoint.clone(), key, signer, connector })
    }

    /// Posts one event; `Err` when no HTTP answer came (the message says why).
    pub(super) async fn post(&self, stream: &str, body: Vec<u8>) -> Result<Answer, String> {
        let url = format!("{}/{stream}", self.endpoint);
        let uri: http::Uri = url.parse().map_err(|e| format!("{url}: {e}"))?;
        let host = uri.authority().map(ToString::to_string).ok_or_else(|| format!("{url}: no host"))?;
        let mut headers = vec![("host".to_owned(), host), ("content-type".to_owned(), "application/json".to_owned())];
        if let Some(key) = &self.key {
            headers.push(("x-api-key".to_owned(), key.clone()));
        }
        let mut request = http::Request::builder().method("POST").uri(uri);
        for (name, value) in &headers {
            request = request.header(name, value);
        }
        let mut request = request.body(SdkBody::from(body.clone())).map_err(|e| format!("{url}: {e}"))?;
        if let Some((credentials, region)) = &self.signer {
            let identity = credentials.clone().into();
            let params = aws_sigv4::sign::v4::SigningParams::builder()
                .identity(&identity)
                .region(region)
                .name("execute-api")
                .time(SystemTime::now())
                .settings(SigningSettings::default())
                .build()
                .map_err(|e| format!("cannot sign: {e}"))?
                .into();
            let signable = SignableRequest::new(
                "POST",
                url.as_str(),
                headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
                SignableBody::Bytes(&body),
            )
            .map_err(|e| format!("cannot sign: {e}"))?;
            let (instructions, _) = sign(signable, &params).map_err(|e| format!("cannot sign: {e}"))?.into_parts();
            instructions.apply_to_request_http1x(&mut request);
        }
        let request = HttpRequest::try_from(request).map_err(|e| format!("{url}: {e}"))?;
        let started = Instant::now();
        let call = self.connector.call(request);
        let response = tokio::time::timeout(Duration::from_secs(30), call)
            .await
            .map_err(|_| format!("POST {url}: no answer in 30 s"))?
            .map_err(|e| format!("POST {url}: {}", innermost(&e)))?;
        let elapsed = started.elapsed();
        let status = response.status().as_u16();
        let body = aws_smithy_types::byte_stream::ByteStream::new(response.into_body()).collect().await;
        let bytes = body.map(|b| b.into_bytes().to_vec()).unwrap_or_default();
        Ok(Answer { status, body: String::from_utf8_lossy(&bytes).into_owned(), elapsed })
    }
}

fn innermost(error: &dyn std::error::Error) -> String {
    let mut cause = error;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    cause.to_string()
}
