#!/usr/bin/env python3
"""Generate infra/template.yaml (AWS SAM) from one per-stream definition.

Why a generator instead of ``Fn::ForEach``: checkov (3.3.30) does not expand
``Fn::ForEach`` -- every resource inside the loop is invisible to it, so a
ForEach template "passes" checkov without a single check having run on the
streams' resources. cfn-lint accepts ForEach, but both linters must really see
the resources, so the template is expanded here instead and checked in.

Usage:
    python3 infra/generate.py          # rewrite infra/template.yaml
    python3 infra/generate.py --check  # exit 1 if template.yaml is stale

Standard library only, so it runs on a fresh clone without any install.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATE_PATH = HERE / "template.yaml"

# The single source of the stream list. Each name is at once the Kinesis
# stream's key, the function crate (functions/<name>/), its binary, the value
# of the EMF `Stream` dimension and the API path /events/<name>.
# infra/check_drift.py asserts this matches functions/*/Cargo.toml.
STREAMS = [
    "customers",
    "orders",
    "order-lines",
    "invoices",
    "invoice-lines",
    "shipments",
    "shipping-addresses",
    "virtual-requests",
    "estimates",
]

METRIC_NAMESPACE = "SystemOneShim"
FAILED_RECORDS_METRIC = "RecordsProcessingFailed"
KINESIS_MAX_RECORD_KIB = 1024  # 1 MiB: the stream's (and so the API's) record limit
LAMBDA_TIMEOUT_SECONDS = 60  # Firehose allows up to 300 s per processor invocation

LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096,
    1827, 2192, 2557, 2922, 3288, 3653,
]


# --------------------------------------------------------------------------
# small helpers for intrinsic functions
# --------------------------------------------------------------------------
def ref(name: str) -> dict:
    return {"Ref": name}


def getatt(name: str, attr: str) -> dict:
    return {"Fn::GetAtt": [name, attr]}


def sub(text: str) -> dict:
    return {"Fn::Sub": text}


def camel(stream: str) -> str:
    return "".join(part.capitalize() for part in stream.split("-"))


def skip(*pairs: tuple[str, str]) -> dict:
    """Metadata block naming each checkov check skipped, with its reason."""
    return {"checkov": {"skip": [{"id": i, "comment": c} for i, c in pairs]}}


def assume_role(service: str, conditions: dict | None = None) -> dict:
    statement = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole",
    }
    if conditions:
        statement["Condition"] = conditions
    return {"Version": "2012-10-17", "Statement": [statement]}


def tls_only_statement(bucket: str) -> dict:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [getatt(bucket, "Arn"), sub("${%s.Arn}/*" % bucket)],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


# --------------------------------------------------------------------------
# template sections
# --------------------------------------------------------------------------
def parameters() -> dict:
    return {
        "SystemOneTimezone": {
            "Type": "String",
            "Default": "America/Chicago",
            "AllowedPattern": r"^[A-Za-z][A-Za-z0-9_+/-]*$",
            "Description": "IANA time zone System One timestamps are in "
            "(SYSTEM_ONE_TIMEZONE of every function).",
        },
        "LogRetentionInDays": {
            "Type": "Number",
            "Default": 30,
            "AllowedValues": LOG_RETENTION_DAYS,
            "Description": "Retention of every log group the stack creates "
            "(function logs, Firehose error logs, API access logs).",
        },
        "ProcessorBufferSizeInMBs": {
            "Type": "Number",
            "Default": 1,
            "MinValue": 0.2,
            "MaxValue": 3,
            "Description": "Firehose Lambda processor BufferSizeInMBs "
            "(Firehose default 1 MB, range 0.2-3).",
        },
        "ProcessorBufferIntervalInSeconds": {
            "Type": "Number",
            "Default": 60,
            "MinValue": 0,
            "MaxValue": 900,
            "Description": "Firehose Lambda processor BufferIntervalInSeconds "
            "(Firehose default 60 s, range 0-900).",
        },
        "ProcessorNumberOfRetries": {
            "Type": "Number",
            "Default": 3,
            "MinValue": 0,
            "MaxValue": 300,
            "Description": "Times Firehose retries a failed processor "
            "invocation before writing the batch to errors/ (Firehose default 3).",
        },
        "DestinationBufferSizeInMBs": {
            "Type": "Number",
            "Default": 5,
            "MinValue": 1,
            "MaxValue": 128,
            "Description": "S3 destination buffering size (Firehose default 5 MiB).",
        },
        "DestinationBufferIntervalInSeconds": {
            "Type": "Number",
            "Default": 300,
            "MinValue": 0,
            "MaxValue": 900,
            "Description": "S3 destination buffering interval (Firehose default 300 s).",
        },
        "ErrorRetentionInDays": {
            "Type": "Number",
            "Default": 30,
            "MinValue": 1,
            "Description": "Days after which objects under errors/ expire.",
        },
        "NoncurrentVersionRetentionInDays": {
            "Type": "Number",
            "Default": 30,
            "MinValue": 1,
            "Description": "Days after which noncurrent object versions in the "
            "data and access-log buckets are deleted.",
        },
        "AccessLogRetentionInDays": {
            "Type": "Number",
            "Default": 90,
            "MinValue": 1,
            "Description": "Days after which S3 server access logs of the data "
            "bucket expire.",
        },
        "AlarmEmail": {
            "Type": "String",
            "Default": "",
            "AllowedPattern": r"^$|^[^@\s]+@[^@\s]+$",
            "Description": "E-mail address subscribed to the alarm topic "
            "(empty: no subscription).",
        },
        "DataFreshnessThresholdSeconds": {
            "Type": "Number",
            "Default": 900,
            "MinValue": 60,
            "Description": "Alarm when the oldest record in a delivery stream "
            "is older than this (DeliveryToS3.DataFreshness, Maximum).",
        },
        "ApiStageName": {
            "Type": "String",
            "Default": "v1",
            "AllowedPattern": r"^[A-Za-z0-9_]+$",
            "Description": "API Gateway stage name (part of the endpoint URL).",
        },
        "ApiThrottleRateLimit": {
            "Type": "Number",
            "Default": 50,
            "MinValue": 1,
            "Description": "Usage-plan steady-state request rate (requests/second).",
        },
        "ApiThrottleBurstLimit": {
            "Type": "Number",
            "Default": 100,
            "MinValue": 1,
            "Description": "Usage-plan burst limit (requests).",
        },
        "ConfigureApiGatewayAccount": {
            "Type": "String",
            "Default": "false",
            "AllowedValues": ["true", "false"],
            "Description": "true: also set this region's API Gateway account "
            "CloudWatch role (needed once per account/region for access logging; "
            "it is a region-wide setting, leave false if already set).",
        },
    }


def interface_metadata() -> dict:
    groups = [
        ("Functions", ["SystemOneTimezone", "LogRetentionInDays"]),
        (
            "Firehose",
            [
                "ProcessorBufferSizeInMBs",
                "ProcessorBufferIntervalInSeconds",
                "ProcessorNumberOfRetries",
                "DestinationBufferSizeInMBs",
                "DestinationBufferIntervalInSeconds",
            ],
        ),
        (
            "Bucket",
            [
                "ErrorRetentionInDays",
                "NoncurrentVersionRetentionInDays",
                "AccessLogRetentionInDays",
            ],
        ),
        ("Alarms", ["AlarmEmail", "DataFreshnessThresholdSeconds"]),
        (
            "API",
            [
                "ApiStageName",
                "ApiThrottleRateLimit",
                "ApiThrottleBurstLimit",
                "ConfigureApiGatewayAccount",
            ],
        ),
    ]
    return {
        "AWS::CloudFormation::Interface": {
            "ParameterGroups": [
                {"Label": {"default": label}, "Parameters": params}
                for label, params in groups
            ]
        }
    }


def private_bucket_properties():
    """What every bucket of the stack has: SSE-S3 encryption (the only kind S3 server access
    log targets support), versioning, all public access blocked, ACLs disabled."""
    return {
        "BucketEncryption": {
            "ServerSideEncryptionConfiguration": [
                {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
            ]
        },
        "VersioningConfiguration": {"Status": "Enabled"},
        "PublicAccessBlockConfiguration": {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        },
        "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
    }


def shared_resources() -> dict:
    r: dict = {}

    # ---------------- KMS key for log groups and the alarm topic ------------
    # CloudWatch alarms cannot publish to a topic encrypted with the AWS
    # managed aws/sns key, so the topic needs a customer managed key; the
    # same key encrypts the stack's log groups.
    r["EncryptionKey"] = {
        "Type": "AWS::KMS::Key",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "Description": sub("${AWS::StackName}: log groups and alarm topic"),
            "EnableKeyRotation": True,
            "KeyPolicy": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "AccountAdministration",
                        "Effect": "Allow",
                        "Principal": {
                            "AWS": sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")
                        },
                        "Action": "kms:*",
                        "Resource": "*",
                    },
                    {
                        "Sid": "CloudWatchLogsOfThisAccount",
                        "Effect": "Allow",
                        "Principal": {"Service": sub("logs.${AWS::Region}.amazonaws.com")},
                        "Action": [
                            "kms:Encrypt*",
                            "kms:Decrypt*",
                            "kms:ReEncrypt*",
                            "kms:GenerateDataKey*",
                            "kms:Describe*",
                        ],
                        "Resource": "*",
                        "Condition": {
                            "ArnLike": {
                                "kms:EncryptionContext:aws:logs:arn": sub(
                                    "arn:${AWS::Partition}:logs:${AWS::Region}:"
                                    "${AWS::AccountId}:log-group:*"
                                )
                            }
                        },
                    },
                    {
                        "Sid": "CloudWatchAlarmsPublishToTopic",
                        "Effect": "Allow",
                        "Principal": {"Service": "cloudwatch.amazonaws.com"},
                        "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                        "Resource": "*",
                    },
                ],
            },
        },
    }
    r["EncryptionKeyAlias"] = {
        "Type": "AWS::KMS::Alias",
        "Properties": {
            "AliasName": sub("alias/${AWS::StackName}-system-one-shim"),
            "TargetKeyId": ref("EncryptionKey"),
        },
    }

    # ---------------- alarms topic -------------------------------------------
    r["AlarmTopic"] = {
        "Type": "AWS::SNS::Topic",
        "Properties": {
            "DisplayName": "System One shim alarms",
            "KmsMasterKeyId": ref("EncryptionKey"),
        },
    }
    r["AlarmEmailSubscription"] = {
        "Type": "AWS::SNS::Subscription",
        "Condition": "HasAlarmEmail",
        "Properties": {
            "TopicArn": ref("AlarmTopic"),
            "Protocol": "email",
            "Endpoint": ref("AlarmEmail"),
        },
    }

    # ---------------- buckets -------------------------------------------------
    r["AccessLogsBucket"] = {
        "Type": "AWS::S3::Bucket",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Metadata": skip(
            (
                "CKV_AWS_18",
                "This is the server access log target of DataBucket; logging "
                "the log bucket into itself would recurse and a third bucket "
                "would only move the problem.",
            )
        ),
        "Properties": {
            **private_bucket_properties(),
            "LifecycleConfiguration": {
                "Rules": [
                    {
                        "Id": "ExpireAccessLogs",
                        "Status": "Enabled",
                        "ExpirationInDays": ref("AccessLogRetentionInDays"),
                        "NoncurrentVersionExpiration": {
                            "NoncurrentDays": ref("NoncurrentVersionRetentionInDays")
                        },
                        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
                    }
                ]
            },
        },
    }
    r["AccessLogsBucketPolicy"] = {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {
            "Bucket": ref("AccessLogsBucket"),
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    tls_only_statement("AccessLogsBucket"),
                    {
                        "Sid": "S3ServerAccessLogsOfDataBucket",
                        "Effect": "Allow",
                        "Principal": {"Service": "logging.s3.amazonaws.com"},
                        "Action": "s3:PutObject",
                        "Resource": sub("${AccessLogsBucket.Arn}/data-bucket/*"),
                        # Only this account's buckets; the policy must exist before
                        # DataBucket enables logging, so it cannot name DataBucket.
                        "Condition": {
                            "StringEquals": {"aws:SourceAccount": ref("AWS::AccountId")}
                        },
                    },
                ],
            },
        },
    }
    r["DataBucket"] = {
        "Type": "AWS::S3::Bucket",
        "DependsOn": "AccessLogsBucketPolicy",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            **private_bucket_properties(),
            "LoggingConfiguration": {
                "DestinationBucketName": ref("AccessLogsBucket"),
                "LogFilePrefix": "data-bucket/",
            },
            "LifecycleConfiguration": {
                "Rules": [
                    {
                        "Id": "ExpireErrorOutput",
                        "Status": "Enabled",
                        "Prefix": "errors/",
                        "ExpirationInDays": ref("ErrorRetentionInDays"),
                        "NoncurrentVersionExpiration": {
                            "NoncurrentDays": ref("NoncurrentVersionRetentionInDays")
                        },
                    },
                    {
                        "Id": "ExpireNoncurrentVersions",
                        "Status": "Enabled",
                        "NoncurrentVersionExpiration": {
                            "NoncurrentDays": ref("NoncurrentVersionRetentionInDays")
                        },
                        "ExpiredObjectDeleteMarker": True,
                        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
                    },
                ]
            },
        },
    }
    r["DataBucketPolicy"] = {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {
            "Bucket": ref("DataBucket"),
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [tls_only_statement("DataBucket")],
            },
        },
    }

    # ---------------- Firehose error logging ---------------------------------
    r["FirehoseLogGroup"] = {
        "Type": "AWS::Logs::LogGroup",
        "Properties": {
            "LogGroupName": sub("/aws/kinesisfirehose/${AWS::StackName}"),
            "RetentionInDays": ref("LogRetentionInDays"),
            "KmsKeyId": getatt("EncryptionKey", "Arn"),
        },
    }

    # ---------------- API Gateway front door ---------------------------------
    r["Api"] = {
        "Type": "AWS::ApiGateway::RestApi",
        "Properties": {
            "Name": sub("${AWS::StackName}-ingest"),
            "Description": "POST /events/{stream} -> Kinesis PutRecord",
            "EndpointConfiguration": {"Types": ["REGIONAL"]},
        },
    }
    r["EventsResource"] = {
        "Type": "AWS::ApiGateway::Resource",
        "Properties": {
            "RestApiId": ref("Api"),
            "ParentId": getatt("Api", "RootResourceId"),
            "PathPart": "events",
        },
    }
    r["EventModel"] = {
        "Type": "AWS::ApiGateway::Model",
        "Properties": {
            "RestApiId": ref("Api"),
            "ContentType": "application/json",
            "Description": "One System Two event: any JSON object.",
            "Schema": {
                "$schema": "http://json-schema.org/draft-04/schema#",
                "title": "SystemTwoEvent",
                "type": "object",
            },
        },
    }
    r["BodyValidator"] = {
        "Type": "AWS::ApiGateway::RequestValidator",
        "Properties": {
            "RestApiId": ref("Api"),
            "Name": "json-body-and-content-type",
            "ValidateRequestBody": True,
            "ValidateRequestParameters": True,
        },
    }
    r["BadRequestBodyResponse"] = {
        "Type": "AWS::ApiGateway::GatewayResponse",
        "Properties": {
            "RestApiId": ref("Api"),
            "ResponseType": "BAD_REQUEST_BODY",
            "StatusCode": "400",
            "ResponseTemplates": {
                # Gateway response templates are plain substitution, not VTL:
                # messageString is already a quoted JSON string.
                "application/json": '{"message": $context.error.messageString,'
                ' "expected": "a JSON object body", "requestId": "$context.requestId"}'
            },
        },
    }
    r["UnsupportedMediaTypeResponse"] = {
        "Type": "AWS::ApiGateway::GatewayResponse",
        "Properties": {
            "RestApiId": ref("Api"),
            "ResponseType": "UNSUPPORTED_MEDIA_TYPE",
            "StatusCode": "415",
            "ResponseTemplates": {
                "application/json": '{"message": "Content-Type must be application/json",'
                ' "requestId": "$context.requestId"}'
            },
        },
    }
    r["ApiRole"] = {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "Description": "API Gateway: kinesis:PutRecord on the nine streams only",
            "AssumeRolePolicyDocument": assume_role("apigateway.amazonaws.com"),
            "Policies": [
                {
                    "PolicyName": "put-record",
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": "kinesis:PutRecord",
                                "Resource": [
                                    getatt(f"{camel(s)}Stream", "Arn") for s in STREAMS
                                ],
                            }
                        ],
                    },
                }
            ],
        },
    }
    r["ApiAccessLogGroup"] = {
        "Type": "AWS::Logs::LogGroup",
        "Properties": {
            "LogGroupName": sub("/aws/apigateway/${AWS::StackName}-ingest/access"),
            "RetentionInDays": ref("LogRetentionInDays"),
            "KmsKeyId": getatt("EncryptionKey", "Arn"),
        },
    }
    r["ApiGatewayCloudWatchRole"] = {
        "Type": "AWS::IAM::Role",
        "Condition": "SetApiGatewayAccount",
        "Properties": {
            "Description": "Region-wide API Gateway role for pushing logs to CloudWatch",
            "AssumeRolePolicyDocument": assume_role("apigateway.amazonaws.com"),
            "ManagedPolicyArns": [
                sub(
                    "arn:${AWS::Partition}:iam::aws:policy/service-role/"
                    "AmazonAPIGatewayPushToCloudWatchLogs"
                )
            ],
        },
    }
    r["ApiGatewayAccount"] = {
        "Type": "AWS::ApiGateway::Account",
        "Condition": "SetApiGatewayAccount",
        "Properties": {"CloudWatchRoleArn": getatt("ApiGatewayCloudWatchRole", "Arn")},
    }
    return r


def access_log_format() -> str:
    fields = {
        "requestId": "$context.requestId",
        "requestTime": "$context.requestTime",
        "ip": "$context.identity.sourceIp",
        "apiKeyId": "$context.identity.apiKeyId",
        "httpMethod": "$context.httpMethod",
        "path": "$context.path",
        "status": "$context.status",
        "responseLength": "$context.responseLength",
        "latencyMs": "$context.responseLatency",
        "integrationStatus": "$context.integration.status",
        "integrationError": "$context.integrationErrorMessage",
        "error": "$context.error.message",
    }
    return json.dumps(fields, separators=(",", ":"))


def request_template(stream: str) -> dict:
    # Fn::Sub only touches ${...}; VTL here uses $name / $obj.method() forms.
    return sub(
        "{\n"
        '  "StreamName": "${%sStream}",\n'
        '  "Data": "$util.base64Encode($input.body)",\n'
        '  "PartitionKey": "$context.requestId"\n'
        "}\n" % camel(stream)
    )


OK_TEMPLATE = (
    "{\n"
    '  "requestId": "$context.requestId",\n'
    "  \"sequenceNumber\": \"$!input.path('$.SequenceNumber')\",\n"
    "  \"shardId\": \"$!input.path('$.ShardId')\"\n"
    "}\n"
)

# Kinesis answers 400 for every client-side error; tell apart the ones the
# caller can act on. Anything else (AccessDenied, ResourceNotFound, ...) is a
# deployment fault and surfaces as 500.
CLIENT_ERROR_TEMPLATE = (
    "#set($type = \"$!input.path('$.__type')\")\n"
    "#set($msg = \"$!input.path('$.message')$!input.path('$.Message')\")\n"
    '#if($type.contains("ProvisionedThroughputExceeded") || $type.contains("LimitExceeded")'
    ' || $type.contains("Throttling"))\n'
    "#set($context.responseOverride.status = 429)\n"
    '{"message": "throttled by Kinesis, retry with backoff", "requestId": "$context.requestId"}\n'
    '#elseif($msg.contains("length less than or equal to") || $msg.toLowerCase().contains("record size"))\n'
    "#set($context.responseOverride.status = 413)\n"
    '{"message": "record exceeds the %d KiB Kinesis record limit", "requestId": "$context.requestId"}\n'
    "#else\n"
    '{"message": "the stream rejected the record", "requestId": "$context.requestId"}\n'
    "#end\n" % KINESIS_MAX_RECORD_KIB
)

SERVER_ERROR_TEMPLATE = (
    '{"message": "Kinesis is unavailable, retry with backoff",'
    ' "requestId": "$context.requestId"}\n'
)


def method_responses() -> list:
    return [
        {"StatusCode": code, "ResponseModels": {"application/json": "Empty"}}
        for code in ("200", "413", "429", "500", "502")
    ]


def stream_resources(stream: str) -> dict:
    c = camel(stream)
    r: dict = {}
    stream_id = f"{c}Stream"
    fn_id = f"{c}Function"
    fn_role = f"{c}FunctionRole"
    fn_logs = f"{c}FunctionLogGroup"
    ds_id = f"{c}DeliveryStream"
    ds_role = f"{c}DeliveryRole"
    ds_log_stream = f"{c}DeliveryLogStream"
    data_prefix = f"system-one/{stream}/"
    error_prefix = f"errors/{stream}/"

    r[stream_id] = {
        "Type": "AWS::Kinesis::Stream",
        "Properties": {
            "StreamModeDetails": {"StreamMode": "ON_DEMAND"},
            "StreamEncryption": {"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"},
            "MaxRecordSizeInKiB": KINESIS_MAX_RECORD_KIB,
            "Tags": [{"Key": "system-one-stream", "Value": stream}],
        },
    }

    # ---------------- transformation function --------------------------------
    r[fn_logs] = {
        "Type": "AWS::Logs::LogGroup",
        "Properties": {
            "LogGroupName": sub("/aws/lambda/${AWS::StackName}-%s" % stream),
            "RetentionInDays": ref("LogRetentionInDays"),
            "KmsKeyId": getatt("EncryptionKey", "Arn"),
        },
    }
    r[fn_role] = {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "Description": f"{stream} processor: write its own log group only",
            "AssumeRolePolicyDocument": assume_role("lambda.amazonaws.com"),
            "Policies": [
                {
                    "PolicyName": "own-logs",
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                                # LogGroup.Arn ends in ":*", i.e. covers its streams.
                                "Resource": getatt(fn_logs, "Arn"),
                            }
                        ],
                    },
                }
            ],
        },
    }
    r[fn_id] = {
        "Type": "AWS::Serverless::Function",
        "Metadata": {
            "BuildMethod": "rust-cargolambda",
            "BuildProperties": {"Binary": stream},
            **skip(
                (
                    "CKV_AWS_115",
                    "Concurrency is driven by Firehose (one synchronous invocation "
                    "per buffered batch per shard); a reservation would only add a "
                    "throttling failure mode and fails in accounts with the default "
                    "low concurrency quota.",
                ),
                (
                    "CKV_AWS_116",
                    "Invoked synchronously by Firehose; a DLQ only applies to "
                    "asynchronous invocations. Failed batches and records land in "
                    "the bucket under errors/<stream>/ instead.",
                ),
                (
                    "CKV_AWS_117",
                    "The function makes no network calls (pure transformation of "
                    "the Firehose payload); a VPC would add ENIs and NAT cost "
                    "without reducing exposure.",
                ),
                (
                    "CKV_AWS_173",
                    "The only environment variable is the non-secret IANA time zone "
                    "name; Lambda already encrypts it at rest with the AWS managed key.",
                ),
            ),
        },
        "Properties": {
            "Description": f"Firehose transformation processor for the {stream} stream",
            "CodeUri": "..",
            "Handler": "bootstrap",
            "Runtime": "provided.al2023",
            "Architectures": ["arm64"],
            "MemorySize": 128,
            "Timeout": LAMBDA_TIMEOUT_SECONDS,
            "Role": getatt(fn_role, "Arn"),
            "LoggingConfig": {"LogFormat": "JSON", "LogGroup": ref(fn_logs)},
            "Environment": {"Variables": {"SYSTEM_ONE_TIMEZONE": ref("SystemOneTimezone")}},
        },
    }

    # ---------------- delivery stream -----------------------------------------
    r[ds_log_stream] = {
        "Type": "AWS::Logs::LogStream",
        "Properties": {
            "LogGroupName": ref("FirehoseLogGroup"),
            "LogStreamName": f"{stream}-DestinationDelivery",
        },
    }
    bucket_arn = getatt("DataBucket", "Arn")
    r[ds_role] = {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "Description": f"Firehose {stream}: read its stream, invoke its function, "
            "write its prefixes and log stream",
            "AssumeRolePolicyDocument": assume_role(
                "firehose.amazonaws.com",
                {"StringEquals": {"sts:ExternalId": ref("AWS::AccountId")}},
            ),
            "Policies": [
                {
                    "PolicyName": "delivery",
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Sid": "ReadOwnKinesisStream",
                                "Effect": "Allow",
                                "Action": [
                                    "kinesis:DescribeStream",
                                    "kinesis:GetShardIterator",
                                    "kinesis:GetRecords",
                                    "kinesis:ListShards",
                                ],
                                "Resource": getatt(stream_id, "Arn"),
                            },
                            {
                                "Sid": "InvokeOwnProcessor",
                                "Effect": "Allow",
                                "Action": [
                                    "lambda:InvokeFunction",
                                    "lambda:GetFunctionConfiguration",
                                ],
                                "Resource": [
                                    getatt(fn_id, "Arn"),
                                    sub("${%s.Arn}:*" % fn_id),
                                ],
                            },
                            {
                                "Sid": "LocateBucket",
                                "Effect": "Allow",
                                "Action": [
                                    "s3:GetBucketLocation",
                                    "s3:ListBucket",
                                    "s3:ListBucketMultipartUploads",
                                ],
                                "Resource": bucket_arn,
                            },
                            {
                                "Sid": "WriteOwnPrefixes",
                                "Effect": "Allow",
                                "Action": [
                                    "s3:AbortMultipartUpload",
                                    "s3:GetObject",
                                    "s3:PutObject",
                                ],
                                "Resource": [
                                    sub("${DataBucket.Arn}/%s*" % data_prefix),
                                    sub("${DataBucket.Arn}/%s*" % error_prefix),
                                ],
                            },
                            {
                                "Sid": "WriteOwnLogStream",
                                "Effect": "Allow",
                                "Action": "logs:PutLogEvents",
                                "Resource": sub(
                                    "arn:${AWS::Partition}:logs:${AWS::Region}:"
                                    "${AWS::AccountId}:log-group:${FirehoseLogGroup}:"
                                    "log-stream:${%s}" % ds_log_stream
                                ),
                            },
                        ],
                    },
                }
            ],
        },
    }
    r[ds_id] = {
        "Type": "AWS::KinesisFirehose::DeliveryStream",
        "Properties": {
            "DeliveryStreamType": "KinesisStreamAsSource",
            "KinesisStreamSourceConfiguration": {
                "KinesisStreamARN": getatt(stream_id, "Arn"),
                "RoleARN": getatt(ds_role, "Arn"),
            },
            "ExtendedS3DestinationConfiguration": {
                "BucketARN": bucket_arn,
                "RoleARN": getatt(ds_role, "Arn"),
                "Prefix": data_prefix + "!{timestamp:yyyy/MM/dd/HH}/",
                "ErrorOutputPrefix": error_prefix
                + "!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/",
                "CompressionFormat": "UNCOMPRESSED",
                "BufferingHints": {
                    "SizeInMBs": ref("DestinationBufferSizeInMBs"),
                    "IntervalInSeconds": ref("DestinationBufferIntervalInSeconds"),
                },
                "CloudWatchLoggingOptions": {
                    "Enabled": True,
                    "LogGroupName": ref("FirehoseLogGroup"),
                    "LogStreamName": ref(ds_log_stream),
                },
                "ProcessingConfiguration": {
                    "Enabled": True,
                    "Processors": [
                        {
                            "Type": "Lambda",
                            "Parameters": [
                                {
                                    "ParameterName": "LambdaArn",
                                    "ParameterValue": getatt(fn_id, "Arn"),
                                },
                                {
                                    "ParameterName": "BufferSizeInMBs",
                                    "ParameterValue": ref("ProcessorBufferSizeInMBs"),
                                },
                                {
                                    "ParameterName": "BufferIntervalInSeconds",
                                    "ParameterValue": ref("ProcessorBufferIntervalInSeconds"),
                                },
                                {
                                    "ParameterName": "NumberOfRetries",
                                    "ParameterValue": ref("ProcessorNumberOfRetries"),
                                },
                            ],
                        }
                    ],
                },
            },
        },
    }

    # ---------------- API path /events/<stream> -------------------------------
    res_id = f"{c}ApiResource"
    r[res_id] = {
        "Type": "AWS::ApiGateway::Resource",
        "Properties": {
            "RestApiId": ref("Api"),
            "ParentId": ref("EventsResource"),
            "PathPart": stream,
        },
    }
    r[f"{c}ApiMethod"] = {
        "Type": "AWS::ApiGateway::Method",
        "Properties": {
            "RestApiId": ref("Api"),
            "ResourceId": ref(res_id),
            "HttpMethod": "POST",
            "AuthorizationType": "NONE",
            "ApiKeyRequired": True,
            "OperationName": f"put{c}Event",
            "RequestValidatorId": ref("BodyValidator"),
            "RequestParameters": {"method.request.header.Content-Type": True},
            "RequestModels": {"application/json": ref("EventModel")},
            "MethodResponses": method_responses(),
            "Integration": {
                "Type": "AWS",
                "IntegrationHttpMethod": "POST",
                "Uri": sub(
                    "arn:${AWS::Partition}:apigateway:${AWS::Region}:kinesis:action/PutRecord"
                ),
                "Credentials": getatt("ApiRole", "Arn"),
                # Only application/json has a mapping template: any other
                # Content-Type is answered 415 before reaching Kinesis.
                "PassthroughBehavior": "NEVER",
                "RequestParameters": {
                    "integration.request.header.Content-Type": "'application/x-amz-json-1.1'"
                },
                "RequestTemplates": {"application/json": request_template(stream)},
                "IntegrationResponses": [
                    {
                        "StatusCode": "200",
                        "ResponseTemplates": {"application/json": OK_TEMPLATE},
                    },
                    {
                        "StatusCode": "500",
                        "SelectionPattern": r"4\d{2}",
                        "ResponseTemplates": {"application/json": CLIENT_ERROR_TEMPLATE},
                    },
                    {
                        "StatusCode": "502",
                        "SelectionPattern": r"5\d{2}",
                        "ResponseTemplates": {"application/json": SERVER_ERROR_TEMPLATE},
                    },
                ],
            },
        },
    }

    # ---------------- alarms --------------------------------------------------
    def alarm(suffix: str, description: str, props: dict) -> dict:
        return {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": {
                "AlarmName": sub("${AWS::StackName}-%s-%s" % (stream, suffix)),
                "AlarmDescription": description,
                "EvaluationPeriods": 1,
                "Period": 300,
                "ComparisonOperator": "GreaterThanThreshold",
                "TreatMissingData": "notBreaching",
                "AlarmActions": [ref("AlarmTopic")],
                "OKActions": [ref("AlarmTopic")],
                **props,
            },
        }

    r[f"{c}FunctionErrorsAlarm"] = alarm(
        "function-errors",
        f"The {stream} processor returned an error to Firehose (the whole batch "
        "is retried, then written to errors/).",
        {
            "Namespace": "AWS/Lambda",
            "MetricName": "Errors",
            "Dimensions": [{"Name": "FunctionName", "Value": ref(fn_id)}],
            "Statistic": "Sum",
            "Threshold": 0,
        },
    )
    r[f"{c}DataFreshnessAlarm"] = alarm(
        "data-freshness",
        f"Records of the {stream} delivery stream wait longer than "
        "DataFreshnessThresholdSeconds to reach S3.",
        {
            "Namespace": "AWS/Firehose",
            "MetricName": "DeliveryToS3.DataFreshness",
            "Dimensions": [{"Name": "DeliveryStreamName", "Value": ref(ds_id)}],
            "Statistic": "Maximum",
            "Threshold": ref("DataFreshnessThresholdSeconds"),
        },
    )
    r[f"{c}RecordsProcessingFailedAlarm"] = alarm(
        "records-processing-failed",
        f"The {stream} processor marked records ProcessingFailed (they go to "
        f"errors/{stream}/processing-failed/).",
        {
            "Namespace": METRIC_NAMESPACE,
            "MetricName": FAILED_RECORDS_METRIC,
            "Dimensions": [{"Name": "Stream", "Value": stream}],
            "Statistic": "Sum",
            "Threshold": 0,
        },
    )
    return r


def api_stage_resources(methods_fingerprint: str) -> dict:
    # A Deployment is a snapshot: name it after the API definition so any
    # change to the methods creates (and the stage switches to) a new one.
    deployment_id = f"ApiDeployment{methods_fingerprint}"
    r: dict = {}
    r[deployment_id] = {
        "Type": "AWS::ApiGateway::Deployment",
        "DependsOn": [f"{camel(s)}ApiMethod" for s in STREAMS],
        "Properties": {"RestApiId": ref("Api"), "Description": "System One ingest API"},
    }
    r["ApiStage"] = {
        "Type": "AWS::ApiGateway::Stage",
        "Metadata": skip(
            (
                "CKV_AWS_120",
                "Every method is a POST that writes a record; responses must never "
                "be served from a cache.",
            )
        ),
        "Properties": {
            "RestApiId": ref("Api"),
            "DeploymentId": ref(deployment_id),
            "StageName": ref("ApiStageName"),
            # Referencing the (conditional) account resource orders the stage
            # after the account logging role when the stack sets it.
            "Description": {
                "Fn::If": [
                    "SetApiGatewayAccount",
                    sub("System One ingest (API Gateway account ${ApiGatewayAccount})"),
                    "System One ingest",
                ]
            },
            "TracingEnabled": True,
            "AccessLogSetting": {
                # API Gateway wants the ARN without the ":*" GetAtt appends.
                "DestinationArn": sub(
                    "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:"
                    "log-group:${ApiAccessLogGroup}"
                ),
                "Format": access_log_format(),
            },
            "MethodSettings": [
                {
                    "ResourcePath": "/*",
                    "HttpMethod": "*",
                    "MetricsEnabled": True,
                    "DataTraceEnabled": False,
                }
            ],
        },
    }
    r["ApiKey"] = {
        "Type": "AWS::ApiGateway::ApiKey",
        "Properties": {
            "Description": "Key for System Two's event sender",
            "Enabled": True,
        },
    }
    r["ApiUsagePlan"] = {
        "Type": "AWS::ApiGateway::UsagePlan",
        "Properties": {
            "Description": "Throttling for the System One ingest API",
            "ApiStages": [{"ApiId": ref("Api"), "Stage": ref("ApiStage")}],
            "Throttle": {
                "RateLimit": ref("ApiThrottleRateLimit"),
                "BurstLimit": ref("ApiThrottleBurstLimit"),
            },
        },
    }
    r["ApiUsagePlanKey"] = {
        "Type": "AWS::ApiGateway::UsagePlanKey",
        "Properties": {
            "KeyId": ref("ApiKey"),
            "KeyType": "API_KEY",
            "UsagePlanId": ref("ApiUsagePlan"),
        },
    }
    return r


def outputs() -> dict:
    o: dict = {
        "ApiEndpoint": {
            "Description": "POST events to <ApiEndpoint>/<stream> with header x-api-key",
            "Value": sub(
                "https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${ApiStage}/events"
            ),
        },
        "ApiKeyId": {
            "Description": "Id of the API key (aws apigateway get-api-key --include-value)",
            "Value": ref("ApiKey"),
        },
        "DataBucketName": {
            "Description": "Bucket receiving system-one/<stream>/ and errors/<stream>/",
            "Value": ref("DataBucket"),
        },
        "AlarmTopicArn": {"Description": "SNS topic of all alarms", "Value": ref("AlarmTopic")},
    }
    for s in STREAMS:
        c = camel(s)
        o[f"{c}KinesisStreamName"] = {
            "Description": f"Kinesis stream for {s}",
            "Value": ref(f"{c}Stream"),
        }
        o[f"{c}DeliveryStreamName"] = {
            "Description": f"Firehose delivery stream for {s}",
            "Value": ref(f"{c}DeliveryStream"),
        }
        o[f"{c}FunctionName"] = {
            "Description": f"Transformation function for {s}",
            "Value": ref(f"{c}Function"),
        }
        o[f"{c}FunctionArn"] = {
            "Description": f"Transformation function ARN for {s} (LambdaArn processor parameter)",
            "Value": getatt(f"{c}Function", "Arn"),
        }
    return o


def build() -> dict:
    resources = shared_resources()
    per_stream: dict = {}
    for s in STREAMS:
        per_stream.update(stream_resources(s))
    methods = {k: v for k, v in per_stream.items() if k.endswith("ApiMethod")}
    methods.update(
        {k: resources[k] for k in ("EventsResource", "EventModel", "BodyValidator")}
    )
    fingerprint = hashlib.sha256(
        json.dumps(methods, sort_keys=True).encode()
    ).hexdigest()[:8].upper()
    resources.update(per_stream)
    resources.update(api_stage_resources(fingerprint))
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": "AWS::Serverless-2016-10-31",
        "Description": "System One shim: per stream a Kinesis stream, a Firehose "
        "delivery stream to S3 with a Rust transformation Lambda, alarms; and an "
        "API Gateway front door POST /events/{stream}. GENERATED by "
        "infra/generate.py -- edit that, then run it.",
        "Metadata": interface_metadata(),
        "Parameters": parameters(),
        "Conditions": {
            "HasAlarmEmail": {"Fn::Not": [{"Fn::Equals": [ref("AlarmEmail"), ""]}]},
            "SetApiGatewayAccount": {"Fn::Equals": [ref("ConfigureApiGatewayAccount"), "true"]},
        },
        "Resources": resources,
        "Outputs": outputs(),
    }


# --------------------------------------------------------------------------
# minimal, deterministic YAML emitter (block style; JSON-quoted scalars)
# --------------------------------------------------------------------------
_PLAIN = re.compile(r"[A-Za-z_/][A-Za-z0-9_./:-]*(?<!:)")
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.:/-]*")
_RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


def _scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        if _PLAIN.fullmatch(value) and value.lower() not in _RESERVED:
            return value
        return json.dumps(value)
    raise TypeError(f"cannot emit {type(value).__name__}")


def _key(key: str) -> str:
    if _PLAIN_KEY.fullmatch(key) and not key.endswith(":") and key.lower() not in _RESERVED:
        return key
    return json.dumps(key)


def _is_block_text(value) -> bool:
    return isinstance(value, str) and "\n" in value and not value.startswith((" ", "\n"))


def _block_text(value: str, indent: int) -> list[str]:
    header = "|" if value.endswith("\n") and not value.endswith("\n\n") else "|-"
    if header == "|":
        value = value[:-1]
    pad = " " * indent
    return [header] + [(pad + line) if line else "" for line in value.split("\n")]


def _emit(value, indent: int) -> list[str]:
    """Lines for a mapping or sequence at `indent` spaces."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            head = f"{pad}{_key(k)}:"
            lines.extend(_emit_child(head, v, indent))
    elif isinstance(value, list):
        for item in value:
            head = f"{pad}-"
            if isinstance(item, dict) and item:
                sub_lines = _emit(item, indent + 2)
                sub_lines[0] = f"{pad}- " + sub_lines[0][indent + 2 :]
                lines.extend(sub_lines)
            else:
                lines.extend(_emit_child(head, item, indent))
    else:
        raise TypeError("top level must be a mapping or sequence")
    return lines


def _emit_child(head: str, v, indent: int) -> list[str]:
    if isinstance(v, dict):
        if not v:
            return [f"{head} {{}}"]
        return [head] + _emit(v, indent + 2)
    if isinstance(v, list):
        if not v:
            return [f"{head} []"]
        if all(not isinstance(i, (dict, list)) and not _is_block_text(i) for i in v) and len(
            ", ".join(_scalar(i) for i in v)
        ) <= 60:
            return [f"{head} [{', '.join(_scalar(i) for i in v)}]"]
        return [head] + _emit(v, indent + 2)
    if _is_block_text(v):
        block = _block_text(v, indent + 2)
        return [f"{head} {block[0]}"] + block[1:]
    return [f"{head} {_scalar(v)}"]


def to_yaml(doc: dict) -> str:
    out: list[str] = [
        "# GENERATED by infra/generate.py -- do not edit by hand.",
        "# Change infra/generate.py, run `python3 infra/generate.py`, commit both.",
    ]
    for i, (k, v) in enumerate(doc.items()):
        if i:
            out.append("")
        out.extend(_emit({k: v}, 0))
    return "\n".join(out) + "\n"


def render() -> str:
    return to_yaml(build())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="fail if template.yaml differs from the output"
    )
    args = parser.parse_args()
    text = render()
    if args.check:
        current = TEMPLATE_PATH.read_text() if TEMPLATE_PATH.exists() else ""
        if current != text:
            print(
                "infra/template.yaml is out of date with infra/generate.py; "
                "run: python3 infra/generate.py",
                file=sys.stderr,
            )
            return 1
        print("template.yaml is in sync with generate.py")
        return 0
    TEMPLATE_PATH.write_text(text)
    print(f"wrote {TEMPLATE_PATH.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
