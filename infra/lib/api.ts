/**
 * The front door: REST API `POST /events/{stream}` -> Kinesis PutRecord (or, with the
 * direct-put source, Firehose PutRecord), body byte for byte, with validation, a usage plan,
 * access logs, and API-key and/or IAM (SigV4) authentication.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { skipCheckov } from './checkov';
import {
  clientErrorTemplate,
  FIREHOSE_OK_TEMPLATE,
  FIREHOSE_RECORD_LIMIT_BYTES,
  firehoseRequestTemplate,
  KINESIS_OK_TEMPLATE,
  KINESIS_RECORD_LIMIT_BYTES,
  kinesisRequestTemplate,
  SERVER_ERROR_TEMPLATE,
} from './mapping-templates';
import { shimAlarm, TWO_OF_THREE } from './alarms';
import { apiThrottle, type ShimSettings } from './props';
import type { StreamPipeline } from './stream-pipeline';
import { pascal } from './streams';

export interface IngestApiProps {
  readonly settings: ShimSettings;
  readonly pipelines: readonly StreamPipeline[];
  readonly key: kms.IKey;
}

const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  apiKeyId: '$context.identity.apiKeyId',
  caller: '$context.identity.userArn',
  httpMethod: '$context.httpMethod',
  path: '$context.path',
  status: '$context.status',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationStatus: '$context.integration.status',
  integrationError: '$context.integrationErrorMessage',
  error: '$context.error.message',
};

export class IngestApi extends Construct {
  readonly api: apigw.RestApi;
  readonly apiName: string;
  readonly apiKey?: apigw.IApiKey;
  readonly accessLogGroup: logs.LogGroup;
  readonly methods: apigw.Method[] = [];

  constructor(scope: Construct, id: string, props: IngestApiProps) {
    super(scope, id);
    const { settings } = props;
    const stackName = Stack.of(this).stackName;
    this.apiName = `${stackName}-ingest`;
    const useApiKey = settings.apiAuth !== 'iam';
    const useIam = settings.apiAuth !== 'api-key';

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogGroup', {
      logGroupName: `/aws/apigateway/${stackName}-ingest/access`,
      retention: settings.logRetentionDays as logs.RetentionDays,
      encryptionKey: props.key,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.api = new apigw.RestApi(this, 'Api', {
      restApiName: this.apiName,
      description:
        settings.source === 'kinesis' ? 'POST /events/{stream} -> Kinesis PutRecord' : 'POST /events/{stream} -> Firehose PutRecord',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      // The region's API Gateway logging role is account-wide: created only when asked, and
      // retained when the stack goes (other APIs of the account may rely on it).
      cloudWatchRole: settings.configureApiGatewayAccount,
      cloudWatchRoleRemovalPolicy: settings.configureApiGatewayAccount ? RemovalPolicy.RETAIN : undefined,
      deployOptions: {
        stageName: settings.apiStageName,
        tracingEnabled: true,
        metricsEnabled: true,
        dataTraceEnabled: false,
        // The stage's own method throttling, at the design peak: with apiAuth iam there is no
        // usage plan key, and without this only the account-wide default would apply.
        throttlingRateLimit: apiThrottle(settings).rateLimit,
        throttlingBurstLimit: apiThrottle(settings).burstLimit,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: apigw.AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    skipCheckov(this.api.deploymentStage, {
      id: 'CKV_AWS_120',
      comment: 'Every method is a POST that writes a record; responses must never be served from a cache.',
    });

    const model = this.api.addModel('EventModel', {
      contentType: 'application/json',
      description: 'One System Two event: any JSON object.',
      schema: { schema: apigw.JsonSchemaVersion.DRAFT4, title: 'SystemTwoEvent', type: apigw.JsonSchemaType.OBJECT },
    });
    const validator = this.api.addRequestValidator('BodyValidator', {
      requestValidatorName: 'json-body-and-content-type',
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    this.api.addGatewayResponse('BadRequestBody', {
      type: apigw.ResponseType.BAD_REQUEST_BODY,
      statusCode: '400',
      templates: {
        // Gateway response templates are plain substitution, not VTL: messageString is
        // already a quoted JSON string.
        'application/json':
          '{"message": $context.error.messageString, "expected": "a JSON object body", "requestId": "$context.requestId"}',
      },
    });
    this.api.addGatewayResponse('UnsupportedMediaType', {
      type: apigw.ResponseType.UNSUPPORTED_MEDIA_TYPE,
      statusCode: '415',
      templates: {
        'application/json': '{"message": "Content-Type must be application/json", "requestId": "$context.requestId"}',
      },
    });

    const role = new iam.Role(this, 'IntegrationRole', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      description: `API Gateway: put records into the ${props.pipelines.length} streams only`,
    });
    const events = this.api.root.addResource('events');
    for (const pipeline of props.pipelines) {
      const integration = this.integration(pipeline, role);
      const method = events.addResource(pipeline.name).addMethod('POST', integration, {
        operationName: `put${pascal(pipeline.name)}Event`,
        authorizationType: useIam ? apigw.AuthorizationType.IAM : apigw.AuthorizationType.NONE,
        apiKeyRequired: useApiKey,
        requestValidator: validator,
        requestParameters: { 'method.request.header.Content-Type': true },
        requestModels: { 'application/json': model },
        methodResponses: ['200', '413', '429', '500', '502'].map((statusCode) => ({
          statusCode,
          responseModels: { 'application/json': apigw.Model.EMPTY_MODEL },
        })),
      });
      this.methods.push(method);
    }

    const plan = this.api.addUsagePlan('UsagePlan', {
      description: 'Throttling for the System One ingest API',
      throttle: apiThrottle(settings),
      apiStages: [{ api: this.api, stage: this.api.deploymentStage }],
    });
    if (useApiKey) {
      this.apiKey = this.api.addApiKey('ApiKey', { description: "Key for System Two's event sender" });
      plan.addApiKey(this.apiKey);
    }
  }

  /** The whole API's metric `name` (stage level, all methods). */
  metric(name: string, statistic: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/ApiGateway',
      metricName: name,
      dimensionsMap: { ApiName: this.apiName, Stage: this.api.deploymentStage.stageName },
      statistic,
      period: Duration.minutes(5),
    });
  }

  /**
   * The API's alarms: 5xx (the stream unavailable or a deployment fault: System Two's retries
   * may not save the event), and a 4xx rate (429 throttled, 403 key revoked or signature
   * refused, 400/413/415 refused bodies) over `apiClientErrorPercent` in 2 of 3 periods.
   */
  addAlarms(topic: sns.ITopic, settings: ShimSettings): cloudwatch.Alarm[] {
    return [
      shimAlarm(this, 'api-5xx', topic, {
        name: 'api-5xx',
        description:
          'POST /events/* answered 5xx (integration fault, Firehose throttling, the stream unavailable): System Two retries; check the access log.',
        metric: this.metric('5XXError', 'Sum'),
        threshold: 0,
      }),
      shimAlarm(this, 'api-4xx', topic, {
        name: 'api-4xx',
        description:
          `More than ${settings.apiClientErrorPercent}% of POST /events/* answered 4xx in 2 of 3 periods: 429 (throttled: ` +
          'peakEventsPerSecond too low), 403 (key or role revoked), 400/413/415 (refused bodies). Check the access log.',
        metric: new cloudwatch.MathExpression({
          expression: 'IF(requests > 0, 100 * errors / requests, 0)',
          usingMetrics: { errors: this.metric('4XXError', 'Sum'), requests: this.metric('Count', 'Sum') },
          label: '4xx share of requests (%)',
          period: Duration.minutes(5),
        }),
        threshold: settings.apiClientErrorPercent,
        ...TWO_OF_THREE,
      }),
    ];
  }

  private integration(pipeline: StreamPipeline, role: iam.Role): apigw.AwsIntegration {
    const kinesisStream = pipeline.kinesisStream;
    let requestTemplate: string;
    let okTemplate: string;
    let limit: number;
    pipeline.grantPutRecords(role);
    if (kinesisStream) {
      requestTemplate = kinesisRequestTemplate(pipeline.definition, kinesisStream.streamName);
      okTemplate = KINESIS_OK_TEMPLATE;
      limit = KINESIS_RECORD_LIMIT_BYTES;
    } else {
      requestTemplate = firehoseRequestTemplate(pipeline.definition, pipeline.deliveryStream.ref);
      okTemplate = FIREHOSE_OK_TEMPLATE;
      limit = FIREHOSE_RECORD_LIMIT_BYTES;
    }
    return new apigw.AwsIntegration({
      service: kinesisStream ? 'kinesis' : 'firehose',
      action: 'PutRecord',
      integrationHttpMethod: 'POST',
      options: {
        credentialsRole: role,
        // Only application/json has a mapping template: any other Content-Type is answered
        // 415 before reaching the stream.
        passthroughBehavior: apigw.PassthroughBehavior.NEVER,
        requestParameters: { 'integration.request.header.Content-Type': "'application/x-amz-json-1.1'" },
        requestTemplates: { 'application/json': requestTemplate },
        integrationResponses: [
          { statusCode: '200', responseTemplates: { 'application/json': okTemplate } },
          {
            statusCode: '500',
            selectionPattern: '4\\d{2}',
            responseTemplates: { 'application/json': clientErrorTemplate(limit) },
          },
          {
            statusCode: '502',
            selectionPattern: '5\\d{2}',
            responseTemplates: { 'application/json': SERVER_ERROR_TEMPLATE },
          },
        ],
      },
    });
  }
}
