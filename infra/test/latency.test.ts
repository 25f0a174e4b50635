import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUFFERING_PROFILES, DEFAULTS } from '../lib/props';
import { STREAMS } from '../lib/streams';
import { refOf, resources, synth } from './helpers';

function buffering(template: ReturnType<typeof synth>['template']) {
  return Object.values(resources(template, 'AWS::KinesisFirehose::DeliveryStream')).map((ds) => {
    const dest = ds.Properties.ExtendedS3DestinationConfiguration;
    const params = Object.fromEntries(
      dest.ProcessingConfiguration.Processors[0].Parameters.map((p: any) => [p.ParameterName, p.ParameterValue]),
    );
    return {
      processorSize: params.BufferSizeInMBs,
      processorInterval: params.BufferIntervalInSeconds,
      s3: dest.BufferingHints,
    };
  });
}

describe('buffering profiles', () => {
  const expected = {
    files: { processorSize: '1', processorInterval: '60', s3: { SizeInMBs: 5, IntervalInSeconds: 300 }, freshness: 900 },
    minute: { processorSize: '1', processorInterval: '30', s3: { SizeInMBs: 5, IntervalInSeconds: 30 }, freshness: 300 },
    fresh: { processorSize: '0.2', processorInterval: '0', s3: { SizeInMBs: 1, IntervalInSeconds: 0 }, freshness: 180 },
  } as const;
  for (const [profile, e] of Object.entries(expected) as Array<[keyof typeof expected, (typeof expected)['files']]>) {
    it(`${profile}: processor and S3 buffering hints on every delivery stream, freshness alarm`, () => {
      const { template } = synth({ bufferingProfile: profile });
      const all = buffering(template);
      assert.equal(all.length, STREAMS.length);
      for (const b of all) assert.deepEqual(b, { processorSize: e.processorSize, processorInterval: e.processorInterval, s3: e.s3 });
      const thresholds = Object.values(resources(template, 'AWS::CloudWatch::Alarm'))
        .filter((a) => a.Properties.MetricName === 'DeliveryToS3.DataFreshness')
        .map((a) => a.Properties.Threshold);
      assert.deepEqual(new Set(thresholds), new Set([e.freshness]));
    });
  }
  it('files is the default and equals the old defaults', () => {
    assert.equal(DEFAULTS.bufferingProfile, 'files');
    assert.deepEqual(buffering(synth().template)[0], {
      processorSize: '1',
      processorInterval: '60',
      s3: { SizeInMBs: 5, IntervalInSeconds: 300 },
    });
  });
  it('an explicit setting overrides its profile value, one by one', () => {
    const { template } = synth({ bufferingProfile: 'fresh', destinationBufferIntervalSeconds: 10 });
    assert.deepEqual(buffering(template)[0], {
      processorSize: '0.2',
      processorInterval: '0',
      s3: { SizeInMBs: 1, IntervalInSeconds: 10 },
    });
  });
  it('every profile is inside Firehose limits and its freshness threshold above its buffering', () => {
    for (const v of Object.values(BUFFERING_PROFILES)) {
      assert.ok(v.processorBufferSizeMBs >= 0.2 && v.processorBufferSizeMBs <= 3);
      assert.ok(v.destinationBufferSizeMBs >= 1 && v.destinationBufferSizeMBs <= 128);
      assert.ok(v.dataFreshnessThresholdSeconds > v.processorBufferIntervalSeconds + v.destinationBufferIntervalSeconds + 60);
    }
  });
});

describe('data bucket encryption', () => {
  const dataBucket = (t: ReturnType<typeof synth>['template']) =>
    Object.entries(resources(t, 'AWS::S3::Bucket')).find(([id]) => id.startsWith('DataBucket'))![1];
  const policyOf = (t: ReturnType<typeof synth>['template'], prefix: string) =>
    Object.entries(resources(t, 'AWS::IAM::Policy')).find(([id]) => id.startsWith(prefix))![1].Properties.PolicyDocument
      .Statement as any[];

  it('SSE-S3 by default, no key grants', () => {
    const { template } = synth();
    const enc = dataBucket(template).Properties.BucketEncryption.ServerSideEncryptionConfiguration[0];
    assert.equal(enc.ServerSideEncryptionByDefault.SSEAlgorithm, 'AES256');
    assert.ok(!JSON.stringify(policyOf(template, 'OrdersDeliveryRole')).includes('kms:'));
    for (const ds of Object.values(resources(template, 'AWS::KinesisFirehose::DeliveryStream'))) {
      assert.equal(ds.Properties.ExtendedS3DestinationConfiguration.EncryptionConfiguration, undefined);
    }
  });

  for (const source of ['kinesis', 'direct-put'] as const) {
    it(`sse-kms (${source}): the stack key on the bucket and in Firehose, grants for Firehose and the replay role`, () => {
      const { template } = synth({ dataBucketEncryption: 'sse-kms', source });
      const key = Object.keys(resources(template, 'AWS::KMS::Key'))[0];
      const enc = dataBucket(template).Properties.BucketEncryption.ServerSideEncryptionConfiguration[0];
      assert.equal(enc.ServerSideEncryptionByDefault.SSEAlgorithm, 'aws:kms');
      assert.equal(refOf(enc.ServerSideEncryptionByDefault.KMSMasterKeyID), key);
      assert.equal(enc.BucketKeyEnabled, true);
      const access = Object.entries(resources(template, 'AWS::S3::Bucket')).find(([id]) => id.startsWith('AccessLogs'))![1];
      assert.equal(
        access.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm,
        'AES256',
        'S3 access log targets only support SSE-S3',
      );
      for (const ds of Object.values(resources(template, 'AWS::KinesisFirehose::DeliveryStream'))) {
        const cfg = ds.Properties.ExtendedS3DestinationConfiguration.EncryptionConfiguration;
        assert.equal(refOf(cfg.KMSEncryptionConfig.AWSKMSKeyARN), key);
      }
      for (const prefix of ['OrdersDeliveryRole', 'ReplayRole']) {
        const keyStatement = policyOf(template, prefix).find((s) => refOf(s.Resource) === key);
        assert.ok(keyStatement, `${prefix}: a statement on the key`);
        const actions = [keyStatement.Action].flat();
        assert.ok(actions.includes('kms:Decrypt'), `${prefix}: kms:Decrypt`);
        assert.ok(actions.some((a: string) => a.startsWith('kms:GenerateDataKey')), `${prefix}: kms:GenerateDataKey`);
      }
    });
  }

  it('the replay role reads and moves errors/, writes system-one/, puts records into every stream (test/iam.test.ts evaluates it)', () => {
    const { template } = synth();
    const text = JSON.stringify(
      Object.entries(resources(template, 'AWS::IAM::Policy')).find(([id]) => id.startsWith('ReplayRole'))![1],
    );
    assert.ok(text.includes('/errors/*') && text.includes('/system-one/*'));
    assert.ok(text.includes('kinesis:PutRecord'));
    assert.equal(
      (text.match(/Stream[0-9A-F]{8}/g) ?? []).filter((v, i, a) => a.indexOf(v) === i).length,
      STREAMS.length,
    );
    assert.ok(text.includes('s3:DeleteObject'), 'moving sources to replayed/ and deleting journals');
    assert.ok(!text.includes('s3:*') && !text.includes('kinesis:*'));
  });
});
