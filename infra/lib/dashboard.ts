/**
 * The operator's picture: one row per stream, left to right along the data's path. Records in
 * (API, Kinesis), what the processor made of them (our EMF metrics, failures by reason),
 * how late they are (event age, Firehose freshness, Kinesis iterator age), and the function's
 * health (duration, errors, throttles).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import type { StreamPipeline } from './stream-pipeline';
import { metricName, TELEMETRY } from './telemetry';

const WIDTH = 6;
/** CloudWatch's limit on the alarms of one alarm status widget. */
const MAX_ALARMS_IN_WIDGET = 100;
const HEIGHT = 6;

export function addDashboard(
  scope: Construct,
  pipelines: readonly StreamPipeline[],
  apiName: string,
  stageName: string,
  apiAlarms: readonly cloudwatch.IAlarm[],
) {
  const alarms = [...apiAlarms, ...pipelines.flatMap((p) => p.alarms)];
  if (alarms.length > MAX_ALARMS_IN_WIDGET) {
    throw new Error(`${alarms.length} alarms: the alarm status widget shows at most ${MAX_ALARMS_IN_WIDGET}`);
  }
  const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', {
    dashboardName: `${Stack.of(scope).stackName}-pipelines`,
    defaultInterval: Duration.hours(6),
  });
  dashboard.addWidgets(
    new cloudwatch.TextWidget({
      markdown:
        '# System One shim\nPer stream: records in, records out by outcome, delay, processor health. ' +
        'Alarms: see the alarm widget; runbook: README "Alarms".',
      width: 18,
      height: 2,
    }),
    // One list of what is in ALARM now (empty when all is well), not a tile per alarm.
    new cloudwatch.AlarmStatusWidget({
      title: 'In ALARM now',
      alarms,
      states: [cloudwatch.AlarmState.ALARM],
      sortBy: cloudwatch.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
      width: 6,
      height: 4,
    }),
  );
  for (const p of pipelines) dashboard.addWidgets(...streamRow(p, apiName, stageName));
  return dashboard;
}

function streamRow(p: StreamPipeline, apiName: string, stageName: string): cloudwatch.IWidget[] {
  const recordsIn: cloudwatch.IMetric[] = [p.apiMetric('Count', apiName, stageName).with({ label: 'API requests' })];
  if (p.kinesisStream) {
    recordsIn.push(
      p.kinesisStream.metricIncomingRecords({ statistic: 'Sum', period: Duration.minutes(5), label: 'Kinesis in' }),
    );
  } else {
    recordsIn.push(p.firehoseMetric('IncomingRecords', 'Sum').with({ label: 'Firehose in' }));
  }
  recordsIn.push(p.apiMetric('4XXError', apiName, stageName).with({ label: 'API 4xx' }));
  recordsIn.push(p.apiMetric('5XXError', apiName, stageName).with({ label: 'API 5xx' }));

  const outcomes = new cloudwatch.GraphWidget({
    title: `${p.name}: processed`,
    left: [
      p.shimMetric('RecordsOk').with({ label: 'Ok' }),
      p.shimMetric('RecordsDropped').with({ label: 'Dropped' }),
      p.shimMetric('RecordsProcessingFailed').with({ label: 'ProcessingFailed' }),
    ],
    right: [
      // Failures by reason code: dimension set [Stream, Reason] (interfaces.md).
      new cloudwatch.MathExpression({
        expression: `SEARCH('{${TELEMETRY.namespace},${TELEMETRY.reasonDimension},${TELEMETRY.streamDimension}} MetricName="${metricName('RecordsProcessingFailed')}" ${TELEMETRY.streamDimension}="${p.name}"', 'Sum', 300)`,
        label: 'failed by reason',
        usingMetrics: {},
        period: Duration.minutes(5),
      }),
    ],
    stacked: false,
    width: WIDTH,
    height: HEIGHT,
  });

  const delay = new cloudwatch.GraphWidget({
    title: `${p.name}: delay (s)`,
    left: [
      p.firehoseMetric('DeliveryToS3.DataFreshness', 'Maximum').with({ label: 'Firehose freshness (max)' }),
      ...(p.kinesisStream
        ? [
            new cloudwatch.MathExpression({
              expression: 'iterator / 1000',
              usingMetrics: {
                iterator: p.kinesisStream.metricGetRecordsIteratorAgeMilliseconds({
                  statistic: 'Maximum',
                  period: Duration.minutes(5),
                }),
              },
              label: 'Kinesis iterator age (max)',
              period: Duration.minutes(5),
            }),
          ]
        : []),
      ...(['p50', 'p99', 'Maximum'] as const).map(
        (stat) =>
          new cloudwatch.MathExpression({
            expression: `age${stat} / 1000`,
            usingMetrics: { [`age${stat}`]: p.shimMetric('EventAgeMs', stat) },
            label: `event age ${stat} (occurredAt -> transform)`,
            period: Duration.minutes(5),
          }),
      ),
    ],
    width: WIDTH,
    height: HEIGHT,
  });

  const health = new cloudwatch.GraphWidget({
    title: `${p.name}: processor`,
    left: [
      p.fn.metricDuration({ statistic: 'Maximum', period: Duration.minutes(5), label: 'duration max (ms)' }),
      p.shimMetric('HandlerDurationMs', 'p99').with({ label: 'handler p99 (ms)' }),
    ],
    right: [
      p.fn.metricErrors({ statistic: 'Sum', period: Duration.minutes(5), label: 'errors' }),
      p.fn.metricThrottles({ statistic: 'Sum', period: Duration.minutes(5), label: 'throttles' }),
      p.firehoseMetric('ExecuteProcessing.Success', 'Minimum').with({ label: 'ExecuteProcessing.Success (min)' }),
    ],
    width: WIDTH,
    height: HEIGHT,
  });

  return [
    new cloudwatch.GraphWidget({ title: `${p.name}: records in`, left: recordsIn, width: WIDTH, height: HEIGHT }),
    outcomes,
    delay,
    health,
  ];
}
