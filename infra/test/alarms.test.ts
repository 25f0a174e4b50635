import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STREAMS } from '../lib/streams';
import { refOf, resources, synth } from './helpers';

interface Expected {
  suffix: string;
  namespace: string;
  metric: string;
  statistic: string;
  threshold: number;
  comparison: string;
  missing: string;
  dimension: string; // which dimension must identify the stream
}

const GT = 'GreaterThanThreshold';
const COMMON: Expected[] = [
  { suffix: 'processing-failing', namespace: 'AWS/Firehose', metric: 'ExecuteProcessing.Success', statistic: 'Minimum', threshold: 1, comparison: 'LessThanThreshold', missing: 'notBreaching', dimension: 'DeliveryStreamName' },
  { suffix: 'function-errors', namespace: 'AWS/Lambda', metric: 'Errors', statistic: 'Sum', threshold: 0, comparison: GT, missing: 'notBreaching', dimension: 'FunctionName' },
  { suffix: 'function-throttles', namespace: 'AWS/Lambda', metric: 'Throttles', statistic: 'Sum', threshold: 0, comparison: GT, missing: 'notBreaching', dimension: 'FunctionName' },
  { suffix: 'function-duration', namespace: 'AWS/Lambda', metric: 'Duration', statistic: 'Maximum', threshold: 48000, comparison: GT, missing: 'notBreaching', dimension: 'FunctionName' },
  { suffix: 'data-freshness', namespace: 'AWS/Firehose', metric: 'DeliveryToS3.DataFreshness', statistic: 'Maximum', threshold: 900, comparison: GT, missing: 'notBreaching', dimension: 'DeliveryStreamName' },
  { suffix: 'records-processing-failed', namespace: 'SystemOneShim', metric: 'RecordsProcessingFailed', statistic: 'Sum', threshold: 0, comparison: GT, missing: 'notBreaching', dimension: 'Stream' },
  { suffix: 'api-5xx', namespace: 'AWS/ApiGateway', metric: '5XXError', statistic: 'Sum', threshold: 0, comparison: GT, missing: 'notBreaching', dimension: 'Resource' },
];
const KINESIS: Expected[] = [
  { suffix: 'iterator-age', namespace: 'AWS/Kinesis', metric: 'GetRecords.IteratorAgeMilliseconds', statistic: 'Maximum', threshold: 3600 * 1000, comparison: GT, missing: 'breaching', dimension: 'StreamName' },
  { suffix: 'write-throttled', namespace: 'AWS/Kinesis', metric: 'WriteProvisionedThroughputExceeded', statistic: 'Sum', threshold: 0, comparison: GT, missing: 'notBreaching', dimension: 'StreamName' },
];
const DIRECT_PUT: Expected[] = [
  { suffix: 'put-throttled', namespace: 'AWS/Firehose', metric: 'ThrottledRecords', statistic: 'Sum', threshold: 0, comparison: GT, missing: 'notBreaching', dimension: 'DeliveryStreamName' },
];

for (const source of ['kinesis', 'direct-put'] as const) {
  describe(`alarms (${source})`, () => {
    const { template } = synth({ source });
    const alarms = Object.values(resources(template, 'AWS::CloudWatch::Alarm'));
    const topic = Object.keys(resources(template, 'AWS::SNS::Topic'))[0];
    const all = template.toJSON().Resources as Record<string, { Type: string }>;
    const expected = [...COMMON, ...(source === 'kinesis' ? KINESIS : DIRECT_PUT)];

    it('has exactly the expected alarms, per stream', () => {
      assert.equal(alarms.length, expected.length * STREAMS.length);
    });

    for (const stream of STREAMS) {
      for (const e of expected) {
        it(`${stream.name}: ${e.suffix}`, () => {
          const found = alarms.filter((a) =>
            JSON.stringify(a.Properties.AlarmName).includes(`-${stream.name}-${e.suffix}`),
          );
          assert.equal(found.length, 1, `one alarm ${stream.name}-${e.suffix}`);
          const p = found[0].Properties;
          assert.equal(p.Namespace, e.namespace);
          assert.equal(p.MetricName, e.metric);
          assert.equal(p.Statistic, e.statistic);
          assert.equal(p.Threshold, e.threshold);
          assert.equal(p.ComparisonOperator, e.comparison);
          assert.equal(p.TreatMissingData, e.missing);
          assert.equal(p.Period, 300);
          assert.equal(p.EvaluationPeriods, 1);
          assert.deepEqual(p.AlarmActions, [{ Ref: topic }]);
          assert.deepEqual(p.OKActions, [{ Ref: topic }]);
          const dim = p.Dimensions.find((d: any) => d.Name === e.dimension);
          assert.ok(dim, `dimension ${e.dimension}`);
          // the dimension names this stream's own resource
          if (e.dimension === 'Stream') assert.equal(dim.Value, stream.name);
          else if (e.dimension === 'Resource') assert.equal(dim.Value, `/events/${stream.name}`);
          else {
            const target = refOf(dim.Value);
            assert.ok(target && all[target], `dimension refers to a resource: ${JSON.stringify(dim.Value)}`);
            assert.ok(all[target].Type.match(/Function|DeliveryStream|Kinesis::Stream/), all[target].Type);
            assert.ok(target.startsWith(stream.name.split('-').map((s) => s[0].toUpperCase() + s.slice(1)).join('')), target);
          }
          if (e.namespace === 'AWS/ApiGateway') {
            const names = p.Dimensions.map((d: any) => d.Name).sort();
            assert.deepEqual(names, ['ApiName', 'Method', 'Resource', 'Stage']);
          }
        });
      }
    }
  });
}

describe('alarm thresholds follow the settings', () => {
  const { template } = synth({ functionTimeoutSeconds: 120, dataFreshnessThresholdSeconds: 1200, iteratorAgeThresholdSeconds: 7200 });
  const alarms = Object.values(resources(template, 'AWS::CloudWatch::Alarm'));
  const threshold = (metric: string) => new Set(alarms.filter((a) => a.Properties.MetricName === metric).map((a) => a.Properties.Threshold));
  it('duration at 80% of the timeout', () => assert.deepEqual(threshold('Duration'), new Set([96000])));
  it('freshness', () => assert.deepEqual(threshold('DeliveryToS3.DataFreshness'), new Set([1200])));
  it('iterator age', () => assert.deepEqual(threshold('GetRecords.IteratorAgeMilliseconds'), new Set([7200000])));
});
