import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STREAMS } from '../lib/streams';
import { refOf, resources, synth } from './helpers';

interface Expected {
  suffix: string;
  namespace: string;
  metric: string; // the metric, or for a math expression one metric it reads
  statistic: string;
  threshold: number;
  comparison: string;
  missing: string;
  dimension: string; // which dimension must identify the stream
  of: [number, number]; // datapoints to alarm, evaluation periods
}

const GT = 'GreaterThanThreshold';
const LT = 'LessThanThreshold';
const NB = 'notBreaching';
const COMMON: Expected[] = [
  { suffix: 'processing-failing', namespace: 'AWS/Firehose', metric: 'ExecuteProcessing.Success', statistic: 'Minimum', threshold: 1, comparison: LT, missing: NB, dimension: 'DeliveryStreamName', of: [2, 3] },
  { suffix: 'function-errors', namespace: 'AWS/Lambda', metric: 'Errors', statistic: 'Sum', threshold: 0, comparison: GT, missing: NB, dimension: 'FunctionName', of: [1, 1] },
  { suffix: 'function-throttles', namespace: 'AWS/Lambda', metric: 'Throttles', statistic: 'Sum', threshold: 0, comparison: GT, missing: NB, dimension: 'FunctionName', of: [2, 3] },
  { suffix: 'data-freshness', namespace: 'AWS/Firehose', metric: 'DeliveryToS3.DataFreshness', statistic: 'Maximum', threshold: 900, comparison: GT, missing: NB, dimension: 'DeliveryStreamName', of: [1, 1] },
  { suffix: 'delivery-failing', namespace: 'AWS/Firehose', metric: 'DeliveryToS3.Success', statistic: 'Maximum', threshold: 1, comparison: LT, missing: NB, dimension: 'DeliveryStreamName', of: [2, 3] },
  { suffix: 'backup-failing', namespace: 'AWS/Firehose', metric: 'BackupToS3.Success', statistic: 'Maximum', threshold: 1, comparison: LT, missing: NB, dimension: 'DeliveryStreamName', of: [2, 3] },
  { suffix: 'records-processing-failed', namespace: 'SystemOneShim', metric: 'RecordsProcessingFailed', statistic: 'Sum', threshold: 0, comparison: GT, missing: NB, dimension: 'Stream', of: [1, 1] },
];
const KINESIS: Expected[] = [
  { suffix: 'silent', namespace: 'AWS/Kinesis', metric: 'IncomingRecords', statistic: 'Sum', threshold: 1, comparison: LT, missing: 'breaching', dimension: 'StreamName', of: [3, 3] },
  { suffix: 'read-lag', namespace: 'AWS/Kinesis', metric: 'GetRecords.IteratorAgeMilliseconds', statistic: 'Maximum', threshold: 600 * 1000, comparison: GT, missing: 'breaching', dimension: 'StreamName', of: [1, 1] },
  { suffix: 'write-throttled', namespace: 'AWS/Kinesis', metric: 'WriteProvisionedThroughputExceeded', statistic: 'Sum', threshold: 0, comparison: GT, missing: NB, dimension: 'StreamName', of: [2, 3] },
];
const DIRECT_PUT: Expected[] = [
  { suffix: 'silent', namespace: 'AWS/Firehose', metric: 'IncomingRecords', statistic: 'Sum', threshold: 1, comparison: LT, missing: 'breaching', dimension: 'DeliveryStreamName', of: [3, 3] },
  { suffix: 'put-throttled', namespace: 'AWS/Firehose', metric: 'ThrottledRecords', statistic: 'Sum', threshold: 0, comparison: GT, missing: NB, dimension: 'DeliveryStreamName', of: [2, 3] },
  { suffix: 'put-quota', namespace: 'AWS/Firehose', metric: 'BytesPerSecondLimit', statistic: 'Minimum', threshold: 0.8, comparison: GT, missing: NB, dimension: 'DeliveryStreamName', of: [2, 3] },
];

/** The alarm's metric: its own, or the math expression's input named `e.metric`. */
function metricOf(p: any, e: Expected): any {
  if (!p.Metrics) return { ...p, Period: p.Period };
  const m = p.Metrics.find((q: any) => q.MetricStat?.Metric.MetricName === e.metric);
  assert.ok(m, `the expression reads ${e.metric}`);
  assert.ok(p.Metrics.some((q: any) => q.ReturnData !== false && q.Expression), 'one expression is returned');
  return { Namespace: m.MetricStat.Metric.Namespace, MetricName: e.metric, Statistic: m.MetricStat.Stat, Period: m.MetricStat.Period, Dimensions: m.MetricStat.Metric.Dimensions };
}

for (const source of ['kinesis', 'direct-put'] as const) {
  describe(`alarms (${source})`, () => {
    const { template } = synth({ source });
    const alarms = Object.values(resources(template, 'AWS::CloudWatch::Alarm'));
    const topic = Object.keys(resources(template, 'AWS::SNS::Topic'))[0];
    const all = template.toJSON().Resources as Record<string, { Type: string }>;
    const expected = [...COMMON, ...(source === 'kinesis' ? KINESIS : DIRECT_PUT)];

    it('has exactly the expected alarms, per stream, and the two API alarms', () => {
      assert.equal(alarms.length, expected.length * STREAMS.length + 2);
    });
    it('no alarm sends OK notifications; every one pages through the topic', () => {
      for (const a of alarms) {
        assert.equal(a.Properties.OKActions, undefined);
        assert.deepEqual(a.Properties.AlarmActions, [{ Ref: topic }]);
      }
    });

    for (const stream of STREAMS) {
      for (const e of expected) {
        it(`${stream.name}: ${e.suffix}`, () => {
          const found = alarms.filter((a) => JSON.stringify(a.Properties.AlarmName).endsWith(`-${stream.name}-${e.suffix}"`));
          assert.equal(found.length, 1, `one alarm ${stream.name}-${e.suffix}`);
          const p = found[0].Properties;
          const m = metricOf(p, e);
          assert.equal(m.Namespace, e.namespace);
          assert.equal(m.MetricName, e.metric);
          assert.equal(m.Statistic, e.statistic);
          assert.equal(m.Period, 300);
          assert.equal(p.Threshold, e.threshold);
          assert.equal(p.ComparisonOperator, e.comparison);
          assert.equal(p.TreatMissingData, e.missing);
          assert.deepEqual([p.DatapointsToAlarm, p.EvaluationPeriods], e.of);
          const dim = m.Dimensions.find((d: any) => d.Name === e.dimension);
          assert.ok(dim, `dimension ${e.dimension}`);
          if (e.dimension === 'Stream') assert.equal(dim.Value, stream.name);
          else {
            const target = refOf(dim.Value);
            assert.ok(target && all[target], `dimension refers to a resource: ${JSON.stringify(dim.Value)}`);
            assert.ok(all[target].Type.match(/Function|DeliveryStream|Kinesis::Stream/), all[target].Type);
            assert.ok(target.startsWith(stream.name.split('-').map((s) => s[0].toUpperCase() + s.slice(1)).join('')), target);
          }
        });
      }
    }

    it('API: 5xx on any request, 4xx as a share of requests in 2 of 3 periods', () => {
      const api = alarms.filter((a) => JSON.stringify(a.Properties.AlarmName).match(/-api-(4|5)xx"/));
      assert.equal(api.length, 2);
      const five = api.find((a) => JSON.stringify(a.Properties.AlarmName).includes('api-5xx'))!.Properties;
      assert.equal(five.MetricName, '5XXError');
      assert.deepEqual(five.Dimensions.map((d: any) => d.Name).sort(), ['ApiName', 'Stage']);
      const four = api.find((a) => JSON.stringify(a.Properties.AlarmName).includes('api-4xx'))!.Properties;
      assert.deepEqual([four.DatapointsToAlarm, four.EvaluationPeriods, four.Threshold], [2, 3, 5]);
      const names = four.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Metric.MetricName).sort();
      assert.deepEqual(names, ['4XXError', 'Count']);
    });
  });
}

describe('silence alarm windows', () => {
  it('per stream, relaxed for quiet streams or off', () => {
    const { template } = synth({ silenceMinutesByStream: 'estimates=720,virtual-requests=0' });
    const silent = Object.values(resources(template, 'AWS::CloudWatch::Alarm')).filter((a) => JSON.stringify(a.Properties.AlarmName).includes('-silent"'));
    assert.equal(silent.length, STREAMS.length - 1);
    const est = silent.find((a) => JSON.stringify(a.Properties.AlarmName).includes('-estimates-silent'))!.Properties;
    assert.deepEqual([est.DatapointsToAlarm, est.EvaluationPeriods], [144, 144]);
  });
  it('refuses a window that is not a multiple of 5 minutes or an unknown stream', () => {
    assert.throws(() => synth({ silenceMinutesByStream: 'estimates=7' }), /silenceMinutesByStream/);
    assert.throws(() => synth({ silenceMinutesByStream: 'nosuch=60' }), /no stream nosuch/);
  });
});

describe('alarm thresholds follow the settings', () => {
  const { template } = synth({ functionTimeoutSeconds: 120, dataFreshnessThresholdSeconds: 1200, iteratorAgeThresholdSeconds: 900 });
  const alarms = Object.values(resources(template, 'AWS::CloudWatch::Alarm'));
  const threshold = (metric: string) => new Set(alarms.filter((a) => a.Properties.MetricName === metric).map((a) => a.Properties.Threshold));
  it('freshness', () => assert.deepEqual(threshold('DeliveryToS3.DataFreshness'), new Set([1200])));
  it('iterator age', () => assert.deepEqual(threshold('GetRecords.IteratorAgeMilliseconds'), new Set([900000])));
});
