//! The clients of `smoke`, from the SDK's standard configuration chain (so `AWS_PROFILE`,
//! `AWS_REGION`, SSO and `AWS_ENDPOINT_URL` apply as to every command), rustls over ring.

use aws_config::BehaviorVersion;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};

/// One configuration, one client per service.
#[derive(Debug, Clone)]
pub(super) struct Aws {
    pub(super) config: aws_config::SdkConfig,
    pub(super) apigateway: aws_sdk_apigateway::Client,
    pub(super) cloudformation: aws_sdk_cloudformation::Client,
    pub(super) cloudwatch: aws_sdk_cloudwatch::Client,
    pub(super) logs: aws_sdk_cloudwatchlogs::Client,
    pub(super) iam: aws_sdk_iam::Client,
    pub(super) lambda: aws_sdk_lambda::Client,
    pub(super) s3: aws_sdk_s3::Client,
    pub(super) sts: aws_sdk_sts::Client,
}

impl Aws {
    pub(super) async fn load() -> Aws {
        let http =
            aws_smithy_http_client::Builder::new().tls_provider(tls::Provider::Rustls(CryptoMode::Ring)).build_https();
        let config = aws_config::defaults(BehaviorVersion::latest()).http_client(http).load().await;
        // An emulator has no per-bucket host names: path-style whenever an endpoint is set.
        let path_style = ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"]
            .iter()
            .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()));
        let s3 = aws_sdk_s3::config::Builder::from(&config).force_path_style(path_style).build();
        Aws {
            apigateway: aws_sdk_apigateway::Client::new(&config),
            cloudformation: aws_sdk_cloudformation::Client::new(&config),
            cloudwatch: aws_sdk_cloudwatch::Client::new(&config),
            logs: aws_sdk_cloudwatchlogs::Client::new(&config),
            iam: aws_sdk_iam::Client::new(&config),
            lambda: aws_sdk_lambda::Client::new(&config),
            s3: aws_sdk_s3::Client::from_conf(s3),
            sts: aws_sdk_sts::Client::new(&config),
            config,
        }
    }
}
