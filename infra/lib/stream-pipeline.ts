/**
 * One stream's pipeline: (Kinesis stream ->) Firehose delivery stream -> the stream's Rust
 * processor (through its `live` alias) -> the shared bucket under system-one/<stream>/, and the
 * alarms that make each way of stalling visible. Instantiated once per entry of STREAMS.
 */
import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
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
import { FUNCTION_SKIPS, skipCheckov } from './checkov';
import type { ShimSettings } from './props';
import type { StreamDefinition } from './streams';

export const METRIC_NAMESPACE = 'SystemOneShim';
/** The Cargo workspace root: RustFunction builds `--bin <stream>` from here. */
export const WORKSPACE_MANIFEST = path.resolve(__dirname, '..', '..', 'Cargo.toml');
const FIVE_MINUTES = Duration.minutes(5);

export interface StreamPipelineProps {
  readonly stream: StreamDefinition;
  readonly settings: ShimSettings;
  readonly bucket: s3.IBucket;
  readonly key: kms.IKey;
  readonly firehoseLogGroup: logs.ILogGroup;
  readonly alarmTopic: sns.ITopic;
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
    this.createAlarms(settings);
  }

  private createKinesisStream(settings: ShimSettings): kinesis.Stream {
    const stream = new kinesis.Stream(this, 'Stream', {
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
    this.kinesisStream?.grantRead(role);
    this.liveAlias.grantInvoke(role);
    // No grant covers lambda:GetFunctionConfiguration, which Firehose calls on its processor.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['lambda:GetFunctionConfiguration'],
        resources: [this.fn.functionArn, this.liveAlias.functionArn],
      }),
    );
    for (const prefix of [dataPrefix, errorPrefix]) {
      bucket.grantPut(role, `${prefix}*`);
      bucket.grantRead(role, `${prefix}*`);
    }
    props.firehoseLogGroup.grantWrite(role);
    const logStream = new logs.LogStream(this, 'DeliveryLogStream', {
      logGroup: props.firehoseLogGroup,
      logStreamName: `${this.name}-DestinationDelivery`,
      removalPolicy: RemovalPolicy.DESTROY,
    });

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
        // With SSE-KMS, Firehose encrypts what it writes with the stack's key (the grants
        // on the bucket above include the key).
        encryptionConfiguration:
          settings.dataBucketEncryption === 'sse-kms'
            ? { kmsEncryptionConfig: { awskmsKeyArn: props.key.keyArn } }
            : undefined,
        bufferingHints: {
          sizeInMBs: settings.destinationBufferSizeMBs,
          intervalInSeconds: settings.destinationBufferIntervalSeconds,
        },
        cloudWatchLoggingOptions: {
          enabled: true,
          logGroupName: props.firehoseLogGroup.logGroupName,
          logStreamName: logStream.logStreamName,
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
      metricName: name,
      dimensionsMap: { Stream: this.name },
      statistic,
      period: FIVE_MINUTES,
    });
  }

  private alarm(
    suffix: string,
    description: string,
    metric: cloudwatch.IMetric,
    threshold: number,
    comparison = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    missing = cloudwatch.TreatMissingData.NOT_BREACHING,
  ): cloudwatch.Alarm {
    const id = suffix
      .split('-')
      .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
      .join('');
    const alarm = new cloudwatch.Alarm(this, `${id}Alarm`, {
      alarmName: `${Stack.of(this).stackName}-${this.name}-${suffix}`,
      alarmDescription: description,
      metric,
      threshold,
      comparisonOperator: comparison,
      evaluationPeriods: 1,
      treatMissingData: missing,
    });
    alarm.addAlarmAction(new cwActions.SnsAction(this.topic));
    alarm.addOkAction(new cwActions.SnsAction(this.topic));
    this.alarms.push(alarm);
    return alarm;
  }

  private createAlarms(settings: ShimSettings): void {
    const s = this.name;
    const period = { period: FIVE_MINUTES };
    this.alarm(
      'processing-failing',
      `Firehose could not run the ${s} processor successfully (ExecuteProcessing.Success < 1: throttled, ` +
        `access denied, timeout, bad response). Batches go to errors/${s}/processing-failed/ after the retries.`,
      this.firehoseMetric('ExecuteProcessing.Success', 'Minimum'),
      1,
      cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    );
    this.alarm(
      'function-errors',
      `The ${s} processor returned an error to Firehose (the batch is retried, then written to errors/).`,
      this.fn.metricErrors({ ...period, statistic: 'Sum' }),
      0,
    );
    this.alarm(
      'function-throttles',
      `Lambda throttled invocations of the ${s} processor (account concurrency exhausted).`,
      this.fn.metricThrottles({ ...period, statistic: 'Sum' }),
      0,
    );
    this.alarm(
      'function-duration',
      `An invocation of the ${s} processor ran longer than 80% of its ${settings.functionTimeoutSeconds} s timeout.`,
      this.fn.metricDuration({ ...period, statistic: 'Maximum' }),
      settings.functionTimeoutSeconds * 1000 * 0.8,
    );
    this.alarm(
      'data-freshness',
      `Records of the ${s} delivery stream wait longer than ${settings.dataFreshnessThresholdSeconds} s to reach S3.`,
      this.firehoseMetric('DeliveryToS3.DataFreshness', 'Maximum'),
      settings.dataFreshnessThresholdSeconds,
    );
    this.alarm(
      'records-processing-failed',
      `The ${s} processor marked records ProcessingFailed (they go to errors/${s}/processing-failed/).`,
      this.shimMetric('RecordsProcessingFailed'),
      0,
    );
    if (this.kinesisStream) {
      this.alarm(
        'iterator-age',
        `Firehose lags more than ${settings.iteratorAgeThresholdSeconds} s behind the ${s} Kinesis stream ` +
          `(retention ${settings.kinesisRetentionHours} h: unread records expire after that). No data = nobody reads.`,
        this.kinesisStream.metricGetRecordsIteratorAgeMilliseconds({ ...period, statistic: 'Maximum' }),
        settings.iteratorAgeThresholdSeconds * 1000,
        cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        cloudwatch.TreatMissingData.BREACHING,
      );
      this.alarm(
        'write-throttled',
        `Kinesis refused writes to the ${s} stream (WriteProvisionedThroughputExceeded): the API answered 429.`,
        this.kinesisStream.metricWriteProvisionedThroughputExceeded({ ...period, statistic: 'Sum' }),
        0,
      );
    } else {
      this.alarm(
        'put-throttled',
        `Firehose throttled Direct PUT records of the ${s} stream (ThrottledRecords): the API answered 5xx.`,
        this.firehoseMetric('ThrottledRecords', 'Sum'),
        0,
      );
    }
  }

  /** API Gateway 5XXError of POST /events/<stream> (needs the stage's detailed metrics). */
  addApiAlarm(apiName: string, stageName: string): void {
    this.alarm(
      'api-5xx',
      `POST /events/${this.name} answered 5xx (integration fault or the stream unavailable): System Two retries, check the access log.`,
      this.apiMetric('5XXError', apiName, stageName),
      0,
    );
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
