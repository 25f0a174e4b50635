/**
 * One stream's pipeline: (Kinesis stream ->) Firehose delivery stream -> the stream's Rust
 * processor (through its `live` alias) -> the shared bucket under system-one/<stream>/, and the
 * alarms that make each way of stalling visible. Instantiated once per entry of STREAMS.
 */
import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { RustFunction } from 'cargo-lambda-cdk';
import { Construct } from 'constructs';
import { type ShimAlarmProps, shimAlarm, TWO_OF_THREE } from './alarms';
import { FUNCTION_SKIPS, skipCheckov } from './checkov';
import type { ShimSettings } from './props';
import type { StreamDefinition } from './streams';
import { metricName, TELEMETRY } from './telemetry';

/** Our EMF namespace, from infra/telemetry.json. */
export const METRIC_NAMESPACE = TELEMETRY.namespace;
/** The Cargo workspace root: RustFunction builds `--bin <stream>` from here. */
export const WORKSPACE_MANIFEST = path.resolve(__dirname, '..', '..', 'Cargo.toml');
const FIVE_MINUTES = Duration.minutes(5);

/** Where a stream's raw events are kept: `source/<stream>/` then `YYYY/MM/DD/HH/` (UTC). */
export function sourceBackupPrefix(stream: string): string {
  return `source/${stream}/`;
}

export interface StreamPipelineProps {
  readonly stream: StreamDefinition;
  readonly settings: ShimSettings;
  readonly bucket: s3.IBucket;
  readonly key: kms.IKey;
  readonly firehoseLogGroup: logs.ILogGroup;
  readonly alarmTopic: sns.ITopic;
  /** Minutes without incoming records before the silence alarm (0: no silence alarm). */
  readonly silenceMinutes: number;
}

export class StreamPipeline extends Construct {
  readonly name: string;
  readonly definition: StreamDefinition;
  /** The Kinesis stream (undefined for the direct-put source). */
  readonly kinesisStream?: kinesis.Stream;
  readonly fn: RustFunction;
  readonly liveAlias: lambda.Alias;
  readonly logGroup: logs.LogGroup;
  readonly deliveryStream: firehose.CfnDeliveryStream;
  readonly deliveryRole: iam.Role;
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly topic: sns.ITopic;

  constructor(scope: Construct, id: string, props: StreamPipelineProps) {
    super(scope, id);
    const { stream, settings } = props;
    this.name = stream.name;
    this.definition = stream;
    this.topic = props.alarmTopic;
    const stackName = Stack.of(this).stackName;

    if (settings.source === 'kinesis') this.kinesisStream = this.createKinesisStream(settings);

    this.logGroup = new logs.LogGroup(this, 'FunctionLogGroup', {
      logGroupName: `/aws/lambda/${stackName}-${stream.name}`,
      retention: settings.logRetentionDays as logs.RetentionDays,
      encryptionKey: props.key,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, 'FunctionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${stream.name} processor: write its own log group only`,
    });
    this.logGroup.grantWrite(role);

    this.fn = new RustFunction(this, 'Function', {
      manifestPath: WORKSPACE_MANIFEST,
      binaryName: stream.name,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 128,
      timeout: Duration.seconds(settings.functionTimeoutSeconds),
      description: `Firehose transformation processor for the ${stream.name} stream`,
      role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: { SYSTEM_ONE_TIMEZONE: settings.systemOneTimezone },
      // Every published version stays when a deploy publishes the next one, so that
      // `update-alias --function-version <previous>` has a version to go back to.
      currentVersionOptions: { removalPolicy: RemovalPolicy.RETAIN },
    });
    // The drift check reads which crate's binary this function runs from here.
    (this.fn.node.defaultChild as lambda.CfnFunction).addMetadata('SystemOneShimBinary', stream.name);
    skipCheckov(this.fn, ...FUNCTION_SKIPS);

    // A new version is published whenever the code or configuration changes; Firehose invokes
    // the `live` alias, so a rollback is one `aws lambda update-alias` away (README).
    this.liveAlias = new lambda.Alias(this, 'LiveAlias', {
      aliasName: 'live',
      version: this.fn.currentVersion,
      description: 'What Firehose invokes; point it at an older version to roll back',
    });

    this.deliveryRole = new iam.Role(this, 'DeliveryRole', {
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com', {
        conditions: { StringEquals: { 'sts:ExternalId': Stack.of(this).account } },
      }),
      description: `Firehose ${stream.name}: read its source, invoke its processor, write its prefixes and log stream`,
    });
    this.deliveryStream = this.createDeliveryStream(props, this.deliveryRole);
    this.createAlarms(settings, props.silenceMinutes);
  }

  private createKinesisStream(settings: ShimSettings): kinesis.Stream {
    const stream = new kinesis.Stream(this, 'Stream', {
      // `<stack>-<stream>`: the name the runbook's `--to kinesis:<stack>-{stream}` expands to.
      streamName: `${Stack.of(this).stackName}-${this.name}`,
      streamMode: kinesis.StreamMode.ON_DEMAND,
      encryption: kinesis.StreamEncryption.MANAGED,
      retentionPeriod: Duration.hours(settings.kinesisRetentionHours),
    });
    // Retained on deletion and replacement (unread records stay readable), not on a failed create.
    stream.applyRemovalPolicy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);
    (stream.node.defaultChild as kinesis.CfnStream).addPropertyOverride('MaxRecordSizeInKiB', 1024);
    Tags.of(stream).add('system-one-stream', this.name);
    return stream;
  }

  private createDeliveryStream(props: StreamPipelineProps, role: iam.Role): firehose.CfnDeliveryStream {
    const { settings, bucket } = props;
    const dataPrefix = `system-one/${this.name}/`;
    const errorPrefix = `errors/${this.name}/`;
    const sourcePrefix = sourceBackupPrefix(this.name);
    const sourceErrorPrefix = `source-errors/${this.name}/`;
    this.kinesisStream?.grantRead(role);
    this.liveAlias.grantInvoke(role);
    // No grant covers lambda:GetFunctionConfiguration, which Firehose calls on its processor.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['lambda:GetFunctionConfiguration'],
        resources: [this.fn.functionArn, this.liveAlias.functionArn],
      }),
    );
    for (const prefix of [dataPrefix, errorPrefix, sourcePrefix, sourceErrorPrefix]) {
      bucket.grantPut(role, `${prefix}*`);
      bucket.grantRead(role, `${prefix}*`);
    }
    props.firehoseLogGroup.grantWrite(role);
    const logStream = new logs.LogStream(this, 'DeliveryLogStream', {
      logGroup: props.firehoseLogGroup,
      logStreamName: `${this.name}-DestinationDelivery`,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const backupLogStream = new logs.LogStream(this, 'BackupLogStream', {
      logGroup: props.firehoseLogGroup,
      logStreamName: `${this.name}-BackupDelivery`,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // With SSE-KMS, Firehose encrypts what it writes with the stack's key (the grants on the
    // bucket above include the key).
    const encryptionConfiguration =
      settings.dataBucketEncryption === 'sse-kms' ? { kmsEncryptionConfig: { awskmsKeyArn: props.key.keyArn } } : undefined;

    const ds = new firehose.CfnDeliveryStream(this, 'DeliveryStream', {
      deliveryStreamType: this.kinesisStream ? 'KinesisStreamAsSource' : 'DirectPut',
      kinesisStreamSourceConfiguration: this.kinesisStream
        ? { kinesisStreamArn: this.kinesisStream.streamArn, roleArn: role.roleArn }
        : undefined,
      deliveryStreamEncryptionConfigurationInput: this.kinesisStream ? undefined : { keyType: 'AWS_OWNED_CMK' },
      extendedS3DestinationConfiguration: {
        bucketArn: bucket.bucketArn,
        roleArn: role.roleArn,
        prefix: `${dataPrefix}!{timestamp:yyyy/MM/dd/HH}/`,
        errorOutputPrefix: `${errorPrefix}!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/`,
        compressionFormat: 'UNCOMPRESSED',
        encryptionConfiguration,
        bufferingHints: {
          sizeInMBs: settings.destinationBufferSizeMBs,
          intervalInSeconds: settings.destinationBufferIntervalSeconds,
        },
        cloudWatchLoggingOptions: {
          enabled: true,
          logGroupName: props.firehoseLogGroup.logGroupName,
          logStreamName: logStream.logStreamName,
        },
        // Every raw event as received, before the transformation (README "Raw event backup"):
        // records concatenated in arrival order (JSON lines: the API ends each with a newline),
        // GZIP, under source/<stream>/YYYY/MM/DD/HH/.
        s3BackupMode: 'Enabled',
        s3BackupConfiguration: {
          bucketArn: bucket.bucketArn,
          roleArn: role.roleArn,
          prefix: `${sourcePrefix}!{timestamp:yyyy/MM/dd/HH}/`,
          errorOutputPrefix: `${sourceErrorPrefix}!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/`,
          compressionFormat: 'GZIP',
          encryptionConfiguration,
          bufferingHints: {
            sizeInMBs: settings.destinationBufferSizeMBs,
            intervalInSeconds: settings.destinationBufferIntervalSeconds,
          },
          cloudWatchLoggingOptions: {
            enabled: true,
            logGroupName: props.firehoseLogGroup.logGroupName,
            logStreamName: backupLogStream.logStreamName,
          },
        },
        processingConfiguration: {
          enabled: true,
          processors: [
            {
              type: 'Lambda',
              parameters: [
                { parameterName: 'LambdaArn', parameterValue: this.liveAlias.functionArn },
                { parameterName: 'BufferSizeInMBs', parameterValue: String(settings.processorBufferSizeMBs) },
                { parameterName: 'BufferIntervalInSeconds', parameterValue: String(settings.processorBufferIntervalSeconds) },
                { parameterName: 'NumberOfRetries', parameterValue: String(settings.processorNumberOfRetries) },
              ],
            },
          ],
        },
      },
    });
    // Firehose checks its role's permissions when the stream is created.
    ds.node.addDependency(role);
    return ds;
  }

  /** Lets `grantee` put records into this pipeline's entry point (the Kinesis stream, or the delivery stream). */
  grantPutRecords(grantee: iam.IGrantable): void {
    if (this.kinesisStream) this.kinesisStream.grantWrite(grantee);
    else firehose.DeliveryStreamGrants.fromDeliveryStream(this.deliveryStream).putRecords(grantee);
  }

  /** The delivery stream's metric `name` (AWS/Firehose). */
  firehoseMetric(name: string, statistic: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/Firehose',
      metricName: name,
      dimensionsMap: { DeliveryStreamName: this.deliveryStream.ref },
      statistic,
      period: FIVE_MINUTES,
    });
  }

  /** One of our EMF metrics for this stream (namespace SystemOneShim, dimension Stream). */
  shimMetric(name: string, statistic = 'Sum'): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRIC_NAMESPACE,
      metricName: metricName(name),
      dimensionsMap: { [TELEMETRY.streamDimension]: this.name },
      statistic,
      period: FIVE_MINUTES,
    });
  }

  private alarm(suffix: string, props: Omit<ShimAlarmProps, 'name'>): cloudwatch.Alarm {
    const alarm = shimAlarm(this, suffix, this.topic, { ...props, name: `${this.name}-${suffix}` });
    this.alarms.push(alarm);
    return alarm;
  }

  /**
   * One alarm per way records of this stream stop reaching System One (README "Alarms": the
   * time-to-alarm table). What Firehose or Lambda retries away pages only on 2 of 3 datapoints.
   */
  private createAlarms(settings: ShimSettings, silenceMinutes: number): void {
    const s = this.name;
    const period = { period: FIVE_MINUTES };
    const LT = cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD;
    this.alarm('processing-failing', {
      description:
        `Firehose could not run the ${s} processor successfully (ExecuteProcessing.Success < 1 in 2 of 3 periods: ` +
        `throttled, access denied, timeout, bad response). Batches go to errors/${s}/processing-failed/ after the retries.`,
      metric: this.firehoseMetric('ExecuteProcessing.Success', 'Minimum'),
      threshold: 1,
      comparison: LT,
      ...TWO_OF_THREE,
    });
    this.alarm('function-errors', {
      description: `The ${s} processor returned an error to Firehose (the batch is retried, then written to errors/).`,
      metric: this.fn.metricErrors({ ...period, statistic: 'Sum' }),
      threshold: 0,
    });
    this.alarm('function-throttles', {
      description: `Lambda throttled invocations of the ${s} processor in 2 of 3 periods (account concurrency exhausted).`,
      metric: this.fn.metricThrottles({ ...period, statistic: 'Sum' }),
      threshold: 0,
      ...TWO_OF_THREE,
    });
    this.alarm('data-freshness', {
      description: `Records of the ${s} delivery stream wait longer than ${settings.dataFreshnessThresholdSeconds} s to reach S3.`,
      metric: this.firehoseMetric('DeliveryToS3.DataFreshness', 'Maximum'),
      threshold: settings.dataFreshnessThresholdSeconds,
    });
    this.alarm('delivery-failing', {
      description:
        `No delivery of the ${s} stream to S3 succeeded in 2 of 3 periods (DeliveryToS3.Success max < 1): ` +
        'S3 or KMS access denied, bucket gone. Firehose retries for 24 h, then writes errors/ (if it can).',
      metric: this.firehoseMetric('DeliveryToS3.Success', 'Maximum'),
      threshold: 1,
      comparison: LT,
      ...TWO_OF_THREE,
    });
    this.alarm('backup-failing', {
      description: `No raw-event backup of the ${s} stream to source/${s}/ succeeded in 2 of 3 periods (BackupToS3.Success max < 1).`,
      metric: this.firehoseMetric('BackupToS3.Success', 'Maximum'),
      threshold: 1,
      comparison: LT,
      ...TWO_OF_THREE,
    });
    this.alarm('records-processing-failed', {
      description: `The ${s} processor marked records ProcessingFailed (they go to errors/${s}/processing-failed/).`,
      metric: this.shimMetric('RecordsProcessingFailed'),
      threshold: 0,
    });
    if (silenceMinutes > 0) {
      const periods = silenceMinutes / 5;
      this.alarm('silent', {
        description:
          `No ${s} event came in for ${silenceMinutes} minutes (missing data counts): System Two stopped sending, ` +
          'its key or role was revoked, or the API is down. Relax per stream with silenceMinutesByStream.',
        metric: this.kinesisStream
          ? this.kinesisStream.metricIncomingRecords({ ...period, statistic: 'Sum' })
          : this.firehoseMetric('IncomingRecords', 'Sum'),
        threshold: 1,
        comparison: LT,
        missing: cloudwatch.TreatMissingData.BREACHING,
        evaluationPeriods: periods,
        datapointsToAlarm: periods,
      });
    }
    if (this.kinesisStream) {
      this.alarm('read-lag', {
        description:
          `Firehose lags more than ${settings.iteratorAgeThresholdSeconds} s behind the ${s} Kinesis stream, or does not ` +
          `read it at all (no data = nobody reads). Retention ${settings.kinesisRetentionHours} h: unread records expire after that.`,
        metric: this.kinesisStream.metricGetRecordsIteratorAgeMilliseconds({ ...period, statistic: 'Maximum' }),
        threshold: settings.iteratorAgeThresholdSeconds * 1000,
        missing: cloudwatch.TreatMissingData.BREACHING,
      });
      this.alarm('write-throttled', {
        description: `Kinesis refused writes to the ${s} stream in 2 of 3 periods (WriteProvisionedThroughputExceeded): the API answered 429.`,
        metric: this.kinesisStream.metricWriteProvisionedThroughputExceeded({ ...period, statistic: 'Sum' }),
        threshold: 0,
        ...TWO_OF_THREE,
      });
    } else {
      this.alarm('put-throttled', {
        description: `Firehose throttled Direct PUT records of the ${s} stream in 2 of 3 periods (ThrottledRecords): the API answered 502.`,
        metric: this.firehoseMetric('ThrottledRecords', 'Sum'),
        threshold: 0,
        ...TWO_OF_THREE,
      });
      this.alarm('put-quota', {
        description:
          `The ${s} delivery stream used more than 80% of a Direct PUT quota (bytes, records or requests per second) ` +
          'in 2 of 3 periods: request a quota increase before Firehose throttles.',
        metric: new cloudwatch.MathExpression({
          expression: 'MAX([bytes / 300 / bytesLimit, records / 300 / recordsLimit, puts / 300 / putsLimit])',
          usingMetrics: {
            bytes: this.firehoseMetric('IncomingBytes', 'Sum'),
            bytesLimit: this.firehoseMetric('BytesPerSecondLimit', 'Minimum'),
            records: this.firehoseMetric('IncomingRecords', 'Sum'),
            recordsLimit: this.firehoseMetric('RecordsPerSecondLimit', 'Minimum'),
            puts: this.firehoseMetric('IncomingPutRequests', 'Sum'),
            putsLimit: this.firehoseMetric('PutRequestsPerSecondLimit', 'Minimum'),
          },
          label: 'share of the tightest Direct PUT quota',
          period: FIVE_MINUTES,
        }),
        threshold: 0.8,
        ...TWO_OF_THREE,
      });
    }
  }

  apiMetric(name: string, apiName: string, stageName: string, statistic = 'Sum'): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/ApiGateway',
      metricName: name,
      dimensionsMap: { ApiName: apiName, Stage: stageName, Resource: `/events/${this.name}`, Method: 'POST' },
      statistic,
      period: FIVE_MINUTES,
    });
  }
}
