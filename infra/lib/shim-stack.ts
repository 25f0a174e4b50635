/**
 * The whole shim: shared bucket, key, alarm topic and Firehose log group; one StreamPipeline
 * per stream; the ingest API; the dashboard; saved log queries; outputs.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
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
import { acknowledgeApi, acknowledgePipeline, acknowledgeReconcileRole, acknowledgeReplayRole } from './nag-findings';
import { type ShimSettings, silenceWindows } from './props';
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
  readonly reconcileRole: iam.Role;
  readonly apiAlarms: cloudwatch.Alarm[];
  readonly settings: ShimSettings;

  constructor(scope: Construct, id: string, props: ShimStackProps) {
    super(scope, id, props);
    const { settings } = props;
    this.settings = settings;

    this.key = this.createKey();
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'System One shim alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
    // A topic policy replaces SNS's default one: without this Allow, the enforceSSL Deny is the
    // whole policy and CloudWatch cannot publish (no alarm would ever leave CloudWatch).
    this.alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
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

    const streams = props.streams ?? STREAMS;
    const silence = silenceWindows(settings);
    for (const name of Object.keys(silence)) {
      if (!streams.some((s) => s.name === name)) throw new Error(`setting silenceMinutesByStream: no stream ${name}`);
    }
    this.pipelines = streams.map(
      (stream) =>
        new StreamPipeline(this, pascal(stream.name), {
          stream,
          settings,
          bucket: this.dataBucket,
          key: this.key,
          firehoseLogGroup,
          alarmTopic: this.alarmTopic,
          silenceMinutes: silence[stream.name] ?? settings.silenceMinutes,
        }),
    );
    this.api = new IngestApi(this, 'Ingest', { settings, pipelines: this.pipelines, key: this.key });
    this.apiAlarms = this.api.addAlarms(this.alarmTopic, settings);
    this.replayRole = this.createReplayRole();
    this.reconcileRole = this.createReconcileRole();
    addDashboard(this, this.pipelines, this.api.apiName, settings.apiStageName, this.apiAlarms);
    addQueryDefinitions(
      this,
      this.pipelines.map((p) => p.logGroup),
      props.queriesDir ?? QUERIES_DIR,
    );
    this.addOutputs();
    for (const p of this.pipelines) acknowledgePipeline(p, settings, this.dataBucket.node.defaultChild as s3.CfnBucket);
    acknowledgeApi(this.api, settings);
    acknowledgeReplayRole(this.replayRole, this.dataBucket.node.defaultChild as s3.CfnBucket);
    acknowledgeReconcileRole(this.reconcileRole, this.dataBucket.node.defaultChild as s3.CfnBucket);
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
          // Raw events (README "Raw event backup"): archived, then expired (seed 003: a year).
          id: 'ArchiveThenExpireSourceBackup',
          prefix: 'source/',
          transitions: [
            { storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(settings.sourceArchiveAfterDays) },
          ],
          expiration: Duration.days(settings.sourceRetentionDays),
          noncurrentVersionExpiration: Duration.days(settings.noncurrentVersionRetentionDays),
        },
        ...(settings.systemOneRetentionDays > 0
          ? [
              {
                id: 'ExpireSystemOneFiles',
                prefix: 'system-one/',
                expiration: Duration.days(settings.systemOneRetentionDays),
                noncurrentVersionExpiration: Duration.days(settings.noncurrentVersionRetentionDays),
              },
            ]
          : []),
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
   * The identity an operator assumes for `firehose-local replay`: exactly the calls the replay
   * makes (local/src/recover.rs, object.rs, kinesis.rs), nothing more. ListObjectsV2 of the
   * bucket (s3:ListBucket; it also lets a HeadObject of a missing key answer 404, not 403);
   * Get/Head and Put of objects under errors/ (sources, journals, still-failing records, the
   * `replayed/` copies) and system-one/ (outputs, looked up before written); Delete under
   * errors/ (the moved source, the journal); PutRecords on the streams for `--to kinesis:`.
   * With SSE-KMS, the key for reading and writing.
   */
  private createReplayRole(): iam.Role {
    const role = new iam.Role(this, 'ReplayRole', {
      assumedBy: new iam.AccountRootPrincipal(),
      description: 'firehose-local replay: read and move errors/, write system-one/, put records into the streams',
    });
    const objects = (prefix: string) => this.dataBucket.arnForObjects(`${prefix}*`);
    const statements = [
      { sid: 'ListTheBucket', actions: ['s3:ListBucket'], resources: [this.dataBucket.bucketArn] },
      { sid: 'ReadSourcesAndOutputs', actions: ['s3:GetObject'], resources: [objects('errors/'), objects('system-one/')] },
      { sid: 'WriteOutputsJournalsMoves', actions: ['s3:PutObject'], resources: [objects('errors/'), objects('system-one/')] },
      { sid: 'MoveSourcesDeleteJournals', actions: ['s3:DeleteObject'], resources: [objects('errors/')] },
    ];
    for (const st of statements) role.addToPrincipalPolicy(new iam.PolicyStatement(st));
    const streams = this.pipelines.flatMap((p) => (p.kinesisStream ? [p.kinesisStream.streamArn] : []));
    if (streams.length > 0) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'PutRecordsBack', actions: ['kinesis:PutRecords'], resources: streams }));
    }
    if (this.settings.dataBucketEncryption === 'sse-kms') {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ sid: 'DataBucketKey', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [this.key.keyArn] }),
      );
    }
    return role;
  }

  /**
   * The identity an operator assumes for `firehose-local reconcile s3://BUCKET [--repair]` and
   * for reprocessing (`firehose-local run s3://BUCKET/source/... | kinesis:NAME --out
   * s3://BUCKET`): exactly their calls (local/src/commands/reconcile.rs, reconcile/,
   * commands/run.rs, reread.rs, store/bucket.rs), nothing more.
   * - HeadBucket and ListObjectsV2 under source/, system-one/, errors/ (s3:ListBucket; it also
   *   lets a GetObject/HeadObject of a missing key answer 404, not 403).
   * - GetObject of what is listed (source/, system-one/, errors/), of a run's mark
   *   (firehose-local/runs/, looked up before a run) and of firehose-local/repairs/ (HeadObject
   *   of the planned keys with --repair --dry-run).
   * - PutObject: the repair creates (If-None-Match: *) under system-one/ and errors/ and its
   *   journal under firehose-local/repairs/; a reprocess into the bucket is a `run`, which
   *   creates under system-one/, errors/ and source/ (its raw backup) and creates then rewrites
   *   its mark under firehose-local/runs/.
   * - Never DeleteObject, never CopyObject's delete half: nothing delivered is removed.
   * - Reading a stream again: DescribeStreamSummary, ListShards, GetShardIterator, GetRecords
   *   on the stack's streams. With SSE-KMS, the key for reading and writing.
   */
  private createReconcileRole(): iam.Role {
    const role = new iam.Role(this, 'ReconcileRole', {
      assumedBy: new iam.AccountRootPrincipal(),
      description:
        'firehose-local reconcile [--repair] and reprocess: read source/, system-one/, errors/; create, never delete',
    });
    const objects = (prefix: string) => this.dataBucket.arnForObjects(`${prefix}*`);
    const statements = [
      { sid: 'ListTheBucket', actions: ['s3:ListBucket'], resources: [this.dataBucket.bucketArn] },
      {
        sid: 'ReadBackupOutputsErrorsMarks',
        actions: ['s3:GetObject'],
        resources: [
          objects('source/'),
          objects('system-one/'),
          objects('errors/'),
          objects('firehose-local/repairs/'),
          objects('firehose-local/runs/'),
        ],
      },
      {
        sid: 'CreateRepairsAndReprocessedOutput',
        actions: ['s3:PutObject'],
        resources: [
          objects('system-one/'),
          objects('errors/'),
          objects('source/'),
          objects('firehose-local/repairs/'),
          objects('firehose-local/runs/'),
        ],
      },
    ];
    for (const st of statements) role.addToPrincipalPolicy(new iam.PolicyStatement(st));
    const streams = this.pipelines.flatMap((p) => (p.kinesisStream ? [p.kinesisStream.streamArn] : []));
    if (streams.length > 0) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'ReadTheStreamsAgain',
          actions: ['kinesis:DescribeStreamSummary', 'kinesis:ListShards', 'kinesis:GetShardIterator', 'kinesis:GetRecords'],
          resources: streams,
        }),
      );
    }
    if (this.settings.dataBucketEncryption === 'sse-kms') {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ sid: 'DataBucketKey', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [this.key.keyArn] }),
      );
    }
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
    out('ApiAuthMode', this.settings.apiAuth, 'How System Two authenticates: api-key, iam (SigV4) or iam-and-api-key');
    out(
      'DataBucketName',
      this.dataBucket.bucketName,
      'Bucket receiving system-one/<stream>/, errors/<stream>/ and the raw events source/<stream>/YYYY/MM/DD/HH/',
    );
    out('RawBackupPrefixPattern', 'source/{stream}/YYYY/MM/DD/HH/', 'Raw events per stream and UTC hour: GZIP, JSON lines in arrival order');
    out('AlarmTopicArn', this.alarmTopic.topicArn, 'SNS topic of all alarms');
    out('AlarmNamePrefix', `${this.stackName}-`, 'Every alarm of the stack is named <AlarmNamePrefix><stream>-<what> or <AlarmNamePrefix>api-<what>');
    out(
      'TestAlarmName',
      this.pipelines[0].alarms.find((a) => a.node.id === 'RecordsProcessingFailedAlarm')!.alarmName,
      'An alarm safe to toggle (aws cloudwatch set-alarm-state --state-value ALARM) to test that a page arrives',
    );
    out('ReplayKinesisTarget', `kinesis:${this.stackName}-{stream}`, 'The --to of firehose-local replay for the Kinesis streams');
    out('ReplayRoleArn', this.replayRole.roleArn, 'Role to assume for replaying failed records');
    out(
      'ReconcileRoleArn',
      this.reconcileRole.roleArn,
      'Role to assume for firehose-local reconcile [--repair] and reprocessing (run s3://BUCKET/source/... or kinesis:NAME)',
    );
    out(
      'DataBucketEncryption',
      this.settings.dataBucketEncryption,
      'Encryption of the data bucket: sse-s3 or sse-kms (then with EncryptionKeyArn)',
    );
    out('EncryptionKeyArn', this.key.keyArn, 'The stack key (logs, alarm topic; data bucket with sse-kms): readers need kms:Decrypt on it');
    for (const p of this.pipelines) {
      const n = pascal(p.name);
      if (p.kinesisStream) out(`${n}KinesisStreamName`, p.kinesisStream.streamName, `Kinesis stream for ${p.name}`);
      out(`${n}DeliveryStreamName`, p.deliveryStream.ref, `Firehose delivery stream for ${p.name}`);
      out(`${n}FunctionName`, p.fn.functionName, `Transformation function for ${p.name}`);
      out(`${n}LogGroupName`, p.logGroup.logGroupName, `Log group of the ${p.name} function (JSON lines, EMF metrics)`);
      out(`${n}FunctionArn`, p.liveAlias.functionArn, `The ${p.name} function's live alias (LambdaArn processor parameter)`);
    }
  }
}
