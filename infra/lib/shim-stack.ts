/**
 * The whole shim: shared bucket, key, alarm topic and Firehose log group; one StreamPipeline
 * per stream; the ingest API; the dashboard; saved log queries; outputs.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { IngestApi } from './api';
import { skipCheckov } from './checkov';
import { addDashboard } from './dashboard';
import { acknowledgeApi, acknowledgePipeline, acknowledgeReplayRole } from './nag-findings';
import type { ShimSettings } from './props';
import { addQueryDefinitions, QUERIES_DIR } from './queries';
import { StreamPipeline } from './stream-pipeline';
import { pascal, STREAMS, type StreamDefinition } from './streams';

export interface ShimStackProps extends StackProps {
  readonly settings: ShimSettings;
  /** Defaults to STREAMS; tests pass other lists. */
  readonly streams?: readonly StreamDefinition[];
  /** Defaults to infra/queries; tests pass other folders. */
  readonly queriesDir?: string;
}

export class ShimStack extends Stack {
  readonly pipelines: StreamPipeline[];
  readonly api: IngestApi;
  readonly dataBucket: s3.Bucket;
  readonly key: kms.Key;
  readonly alarmTopic: sns.Topic;
  readonly replayRole: iam.Role;

  constructor(scope: Construct, id: string, props: ShimStackProps) {
    super(scope, id, props);
    const { settings } = props;

    this.key = this.createKey();
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'System One shim alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
    if (settings.alarmEmail !== '') {
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(settings.alarmEmail));
    }
    const accessLogs = this.createAccessLogsBucket(settings);
    this.dataBucket = this.createDataBucket(settings, accessLogs);

    const firehoseLogGroup = new logs.LogGroup(this, 'FirehoseLogGroup', {
      logGroupName: `/aws/kinesisfirehose/${this.stackName}`,
      retention: settings.logRetentionDays as logs.RetentionDays,
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.pipelines = (props.streams ?? STREAMS).map(
      (stream) =>
        new StreamPipeline(this, pascal(stream.name), {
          stream,
          settings,
          bucket: this.dataBucket,
          key: this.key,
          firehoseLogGroup,
          alarmTopic: this.alarmTopic,
        }),
    );
    this.api = new IngestApi(this, 'Ingest', { settings, pipelines: this.pipelines, key: this.key });
    this.replayRole = this.createReplayRole();
    addDashboard(this, this.pipelines, this.api.apiName, settings.apiStageName);
    addQueryDefinitions(
      this,
      this.pipelines.map((p) => p.logGroup),
      props.queriesDir ?? QUERIES_DIR,
    );
    this.addOutputs();
    for (const p of this.pipelines) acknowledgePipeline(p, settings, this.dataBucket.node.defaultChild as s3.CfnBucket);
    acknowledgeApi(this.api, settings);
    acknowledgeReplayRole(this.replayRole, this.dataBucket.node.defaultChild as s3.CfnBucket, settings);
  }

  /**
   * Customer managed key for the log groups and the alarm topic: CloudWatch alarms cannot
   * publish to a topic encrypted with the AWS managed aws/sns key.
   */
  private createKey(): kms.Key {
    const key = new kms.Key(this, 'EncryptionKey', {
      description: `${this.stackName}: log groups and alarm topic`,
      enableKeyRotation: true,
      alias: `alias/${this.stackName}-system-one-shim`,
      // Kept when the stack is deleted or the key replaced (logs stay readable), but not
      // when a first create rolls back, so a retry is not blocked.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    // A key-policy statement, not a grant: the grant API has no encryption-context condition,
    // and this one limits CloudWatch Logs to this account's log groups.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsOfThisAccount',
        principals: [new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:*`,
          },
        },
      }),
    );
    key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    return key;
  }

  /** What every bucket of the stack has: SSE-S3, versioning, no public access, no ACLs, TLS only. */
  private bucketBasics(): s3.BucketProps {
    return {
      // SSE-S3: the only encryption S3 server access log targets support.
      encryption: s3.BucketEncryption.S3_MANAGED,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    };
  }

  private createAccessLogsBucket(settings: ShimSettings): s3.Bucket {
    const bucket = new s3.Bucket(this, 'AccessLogsBucket', {
      ...this.bucketBasics(),
      lifecycleRules: [
        {
          id: 'ExpireAccessLogs',
          expiration: Duration.days(settings.accessLogRetentionDays),
          noncurrentVersionExpiration: Duration.days(settings.noncurrentVersionRetentionDays),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
    skipCheckov(bucket, {
      id: 'CKV_AWS_18',
      comment:
        'This is the server access log target of DataBucket; logging the log bucket into itself would ' +
        'recurse and a third bucket would only move the problem.',
    });
    return bucket;
  }

  private createDataBucket(settings: ShimSettings, accessLogs: s3.Bucket): s3.Bucket {
    // SSE-KMS with the stack's key on request (README "Data at rest"); the bucket key keeps the
    // KMS requests to about one per object batch instead of one per object.
    const kmsEncryption: Partial<s3.BucketProps> =
      settings.dataBucketEncryption === 'sse-kms'
        ? { encryption: s3.BucketEncryption.KMS, encryptionKey: this.key, bucketKeyEnabled: true }
        : {};
    return new s3.Bucket(this, 'DataBucket', {
      ...this.bucketBasics(),
      ...kmsEncryption,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'data-bucket/',
      lifecycleRules: [
        {
          id: 'ExpireErrorOutput',
          prefix: 'errors/',
          expiration: Duration.days(settings.errorRetentionDays),
          noncurrentVersionExpiration: Duration.days(settings.noncurrentVersionRetentionDays),
        },
        {
          id: 'ExpireNoncurrentVersions',
          noncurrentVersionExpiration: Duration.days(settings.noncurrentVersionRetentionDays),
          expiredObjectDeleteMarker: true,
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
  }

  /**
   * The identity an operator assumes to replay failed records: read the error output, write
   * recovered System One files, put records back into the streams. Grants include the key when
   * the data bucket is SSE-KMS.
   */
  private createReplayRole(): iam.Role {
    const role = new iam.Role(this, 'ReplayRole', {
      assumedBy: new iam.AccountRootPrincipal(),
      description: 'Replay of failed records: read errors/, write system-one/, put records into the streams',
    });
    this.dataBucket.grantRead(role, 'errors/*');
    this.dataBucket.grantPut(role, 'system-one/*');
    for (const p of this.pipelines) p.grantPutRecords(role);
    return role;
  }

  private addOutputs(): void {
    const out = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    out('ApiEndpoint', `${this.api.api.url}events`, 'POST events to <ApiEndpoint>/<stream>');
    if (this.api.apiKey) out('ApiKeyId', this.api.apiKey.keyId, 'Id of the API key (aws apigateway get-api-key --include-value)');
    out(
      'ApiInvokeArn',
      this.api.api.arnForExecuteApi('POST', '/events/*', this.api.api.deploymentStage.stageName),
      'Resource for execute-api:Invoke in the IAM policy of System Two\'s sender (apiAuth iam)',
    );
    out('DataBucketName', this.dataBucket.bucketName, 'Bucket receiving system-one/<stream>/ and errors/<stream>/');
    out('AlarmTopicArn', this.alarmTopic.topicArn, 'SNS topic of all alarms');
    out('ReplayRoleArn', this.replayRole.roleArn, 'Role to assume for replaying failed records');
    out('EncryptionKeyArn', this.key.keyArn, 'The stack key (logs, alarm topic; data bucket with sse-kms): readers need kms:Decrypt on it');
    for (const p of this.pipelines) {
      const n = pascal(p.name);
      if (p.kinesisStream) out(`${n}KinesisStreamName`, p.kinesisStream.streamName, `Kinesis stream for ${p.name}`);
      out(`${n}DeliveryStreamName`, p.deliveryStream.ref, `Firehose delivery stream for ${p.name}`);
      out(`${n}FunctionName`, p.fn.functionName, `Transformation function for ${p.name}`);
      out(`${n}FunctionArn`, p.liveAlias.functionArn, `The ${p.name} function's live alias (LambdaArn processor parameter)`);
    }
  }
}
