import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Template } from 'aws-cdk-lib/assertions';
import { DEFAULTS, validate } from '../lib/props';
import { STREAMS } from '../lib/streams';
import { build, joined, refOf, resources, synth } from './helpers';

describe('retention and deletion policies', () => {
  const { template } = synth();
  it('Kinesis retention defaults to 168 h on every stream', () => {
    const streams = Object.values(resources(template, 'AWS::Kinesis::Stream'));
    assert.equal(streams.length, STREAMS.length);
    for (const s of streams) {
      assert.ok(s.Properties.RetentionPeriodHours >= 168);
      assert.equal(s.Properties.RetentionPeriodHours, 168);
      assert.deepEqual(s.Properties.StreamModeDetails, { StreamMode: 'ON_DEMAND' });
      assert.equal(s.Properties.MaxRecordSizeInKiB, 1024);
      assert.equal(s.Properties.StreamEncryption.EncryptionType, 'KMS');
    }
  });
  it('Kinesis retention is a setting', () => {
    const { template: t } = synth({ kinesisRetentionHours: 336 });
    for (const s of Object.values(resources(t, 'AWS::Kinesis::Stream'))) assert.equal(s.Properties.RetentionPeriodHours, 336);
  });
  it('an iterator-age threshold not well under the retention is refused', () => {
    assert.throws(() => validate({ ...DEFAULTS, kinesisRetentionHours: 24, iteratorAgeThresholdSeconds: 86400 }), /iteratorAgeThresholdSeconds/);
  });
  for (const [type, what] of [
    ['AWS::S3::Bucket', 'buckets'],
    ['AWS::KMS::Key', 'the key'],
    ['AWS::Kinesis::Stream', 'the streams'],
  ] as const) {
    it(`${what}: RetainExceptOnCreate, retained on replacement`, () => {
      const all = Object.values(resources(template, type));
      assert.ok(all.length > 0);
      for (const r of all) {
        assert.equal(r.DeletionPolicy, 'RetainExceptOnCreate');
        assert.equal(r.UpdateReplacePolicy, 'Retain');
      }
    });
  }
  it('the API Gateway CloudWatch role is only created when asked, and then retained', () => {
    const roles = (t: Template) =>
      Object.values(resources(t, 'AWS::IAM::Role')).filter((r) =>
        JSON.stringify(r.Properties.ManagedPolicyArns ?? []).includes('AmazonAPIGatewayPushToCloudWatchLogs'),
      );
    assert.equal(roles(template).length, 0);
    assert.equal(Object.keys(resources(template, 'AWS::ApiGateway::Account')).length, 0);
    const { template: t } = synth({ configureApiGatewayAccount: true });
    const [role] = roles(t);
    assert.ok(role);
    assert.equal(role.DeletionPolicy, 'Retain');
    assert.equal(role.UpdateReplacePolicy, 'Retain');
    assert.equal(Object.keys(resources(t, 'AWS::ApiGateway::Account')).length, 1);
  });
  it('buckets: TLS only, no public access, versioned, encrypted', () => {
    for (const b of Object.values(resources(template, 'AWS::S3::Bucket'))) {
      assert.equal(b.Properties.VersioningConfiguration.Status, 'Enabled');
      assert.deepEqual(Object.values(b.Properties.PublicAccessBlockConfiguration), [true, true, true, true]);
      assert.equal(b.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm, 'AES256');
    }
    const policies = Object.values(resources(template, 'AWS::S3::BucketPolicy'));
    assert.equal(policies.length, 2);
    for (const p of policies) {
      assert.ok(
        p.Properties.PolicyDocument.Statement.some(
          (s: any) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false',
        ),
      );
    }
  });
  it('log groups: retention and the stack key', () => {
    const groups = Object.values(resources(template, 'AWS::Logs::LogGroup'));
    assert.equal(groups.length, STREAMS.length + 2);
    const key = Object.keys(resources(template, 'AWS::KMS::Key'))[0];
    for (const g of groups) {
      assert.equal(g.Properties.RetentionInDays, 30);
      assert.equal(refOf(g.Properties.KmsKeyId), key);
    }
  });
});

describe('functions, versions and the live alias', () => {
  const { template } = synth();
  const fns = resources(template, 'AWS::Lambda::Function');
  const versions = resources(template, 'AWS::Lambda::Version');
  const aliases = resources(template, 'AWS::Lambda::Alias');
  it('one arm64 128 MB function per stream, running the stream binary', () => {
    const binaries = Object.values(fns).map((f) => f.Metadata.SystemOneShimBinary).sort();
    assert.deepEqual(binaries, STREAMS.map((s) => s.name).sort());
    for (const f of Object.values(fns)) {
      assert.deepEqual(f.Properties.Architectures, ['arm64']);
      assert.equal(f.Properties.MemorySize, 128);
      assert.equal(f.Properties.Runtime, 'provided.al2023');
      assert.equal(f.Properties.Handler, 'bootstrap');
      assert.equal(f.Properties.LoggingConfig.LogFormat, 'JSON');
      assert.equal(f.Properties.Environment.Variables.SYSTEM_ONE_TIMEZONE, 'America/Chicago');
    }
  });
  it('every Firehose processor invokes the live alias of its own function version', () => {
    const streams = resources(template, 'AWS::KinesisFirehose::DeliveryStream');
    assert.equal(Object.keys(streams).length, STREAMS.length);
    for (const ds of Object.values(streams)) {
      const params = Object.fromEntries(
        ds.Properties.ExtendedS3DestinationConfiguration.ProcessingConfiguration.Processors[0].Parameters.map((p: any) => [
          p.ParameterName,
          p.ParameterValue,
        ]),
      );
      const alias = aliases[refOf(params.LambdaArn)!];
      assert.ok(alias, `LambdaArn ${JSON.stringify(params.LambdaArn)} is an alias`);
      assert.equal(alias.Properties.Name, 'live');
      const version = versions[refOf(alias.Properties.FunctionVersion)!];
      assert.ok(version, 'the alias points at a published version');
      assert.equal(refOf(version.Properties.FunctionName), refOf(alias.Properties.FunctionName));
      const fn = fns[refOf(alias.Properties.FunctionName)!];
      const prefix = ds.Properties.ExtendedS3DestinationConfiguration.Prefix as string;
      assert.equal(prefix, `system-one/${fn.Metadata.SystemOneShimBinary}/!{timestamp:yyyy/MM/dd/HH}/`);
      assert.equal(
        ds.Properties.ExtendedS3DestinationConfiguration.ErrorOutputPrefix,
        `errors/${fn.Metadata.SystemOneShimBinary}/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/`,
      );
      assert.deepEqual(params, {
        LambdaArn: params.LambdaArn,
        BufferSizeInMBs: '1',
        BufferIntervalInSeconds: '60',
        NumberOfRetries: '3',
      });
    }
  });
  it('a configuration change publishes a new version', () => {
    const { template: t } = synth({ systemOneTimezone: 'Europe/Berlin' });
    const before = Object.keys(versions).sort();
    const after = Object.keys(resources(t, 'AWS::Lambda::Version')).sort();
    assert.equal(after.filter((v) => before.includes(v)).length, 0);
  });
  it('published versions are retained, and a second synth with changed code keeps the old version', () => {
    for (const v of Object.values(versions)) {
      assert.equal(v.DeletionPolicy, 'Retain');
      assert.equal(v.UpdateReplacePolicy, 'Retain');
    }
    // "changed code": a changed function configuration publishes a new version resource; the
    // old one is Retain, so CloudFormation leaves it when it drops it from the template.
    const { template: t } = synth({ systemOneTimezone: 'Europe/Berlin' });
    const after = resources(t, 'AWS::Lambda::Version');
    assert.equal(Object.keys(after).filter((id) => id in versions).length, 0, 'new versions');
    for (const v of Object.values(after)) assert.equal(v.DeletionPolicy, 'Retain');
  });
  it('every delivery stream keeps every raw event: GZIP under source/<stream>/YYYY/MM/DD/HH/, bucket encryption', () => {
    for (const kms of [false, true]) {
      const { template: t } = synth(kms ? { dataBucketEncryption: 'sse-kms' } : {});
      for (const ds of Object.values(resources(t, 'AWS::KinesisFirehose::DeliveryStream'))) {
        const dest = ds.Properties.ExtendedS3DestinationConfiguration;
        const stream = dest.Prefix.split('/')[1];
        assert.equal(dest.S3BackupMode, 'Enabled');
        const b = dest.S3BackupConfiguration;
        assert.equal(b.Prefix, `source/${stream}/!{timestamp:yyyy/MM/dd/HH}/`);
        assert.equal(b.CompressionFormat, 'GZIP');
        assert.deepEqual(b.BucketARN, dest.BucketARN);
        assert.deepEqual(b.EncryptionConfiguration, dest.EncryptionConfiguration);
        if (kms) assert.ok(b.EncryptionConfiguration.KMSEncryptionConfig);
      }
    }
  });
  it('source/ is archived then expired (defaults 30 and 365 days), system-one/ kept unless asked', () => {
    const rules = (t: Template) =>
      Object.entries(resources(t, 'AWS::S3::Bucket')).find(([id]) => id.startsWith('DataBucket'))![1].Properties.LifecycleConfiguration.Rules;
    const source = rules(template).find((r: any) => r.Prefix === 'source/');
    assert.deepEqual(source.Transitions, [{ StorageClass: 'GLACIER', TransitionInDays: 30 }]);
    assert.equal(source.ExpirationInDays, 365);
    assert.equal(rules(template).find((r: any) => r.Prefix === 'system-one/'), undefined);
    const r2 = rules(synth({ systemOneRetentionDays: 400, sourceRetentionDays: 730 }).template);
    assert.equal(r2.find((r: any) => r.Prefix === 'system-one/').ExpirationInDays, 400);
    assert.equal(r2.find((r: any) => r.Prefix === 'source/').ExpirationInDays, 730);
  });
  it('processor and destination buffering are settings', () => {
    const { template: t } = synth({
      processorBufferSizeMBs: 0.5,
      processorBufferIntervalSeconds: 10,
      processorNumberOfRetries: 5,
      destinationBufferSizeMBs: 64,
      destinationBufferIntervalSeconds: 120,
    });
    for (const ds of Object.values(resources(t, 'AWS::KinesisFirehose::DeliveryStream'))) {
      const dest = ds.Properties.ExtendedS3DestinationConfiguration;
      const params = dest.ProcessingConfiguration.Processors[0].Parameters;
      assert.deepEqual(
        params.filter((p: any) => p.ParameterName !== 'LambdaArn'),
        [
          { ParameterName: 'BufferSizeInMBs', ParameterValue: '0.5' },
          { ParameterName: 'BufferIntervalInSeconds', ParameterValue: '10' },
          { ParameterName: 'NumberOfRetries', ParameterValue: '5' },
        ],
      );
      assert.deepEqual(dest.BufferingHints, { SizeInMBs: 64, IntervalInSeconds: 120 });
    }
  });
});

describe('API: partition key, 413, auth', () => {
  const { template } = synth();
  const methods = Object.values(resources(template, 'AWS::ApiGateway::Method'));
  const requestTemplate = (m: any) => joined(m.Properties.Integration.RequestTemplates['application/json']);
  const byStream = (name: string) =>
    methods.find((m) => m.Properties.OperationName === `put${name.split('-').map((s) => s[0].toUpperCase() + s.slice(1)).join('')}Event`)!;

  it('partition key: the entity key from data (v2) or payload (v1), else the request id, cut to 256', () => {
    for (const stream of STREAMS) {
      const text = requestTemplate(byStream(stream.name));
      for (const [v2, v1] of stream.key) {
        assert.ok(text.includes(`input.json('$.data.${v2}')`), `${stream.name}: reads data.${v2}`);
        assert.ok(text.includes(`input.json('$.payload.${v1}')`), `${stream.name}: reads payload.${v1}`);
      }
      const joinedKey = stream.key.map((_, i) => `$parts.get(${i})`).join('|');
      assert.ok(text.includes(`#set($pk = "${joinedKey}")`), `${stream.name}: joins ${stream.key.length} fields with |`);
      assert.ok(text.includes('#if($pk == "")#set($pk = $context.requestId)#end'));
      assert.ok(text.includes('#if($pk.length() > 256)#set($pk = $pk.substring(0, 256))#end'));
      assert.ok(text.includes('"PartitionKey": "$util.escapeJavaScript($pk).replaceAll("\\\\\'", "\'")"'));
      assert.ok(!text.includes('"PartitionKey": "$context.requestId"'));
    }
  });
  it('413: size checked in the template (1 MiB with the key), mapped by error type, not message', () => {
    for (const m of methods) {
      const text = requestTemplate(m);
      assert.ok(text.includes(`#set($tooLarge = $quarterBytes > ${4 * 1024 * 1024})`));
      assert.ok(text.includes('#set($keyBytes = $util.base64Encode($pk))'));
      assert.ok(text.includes('"PartitionKey": ""'), 'over the limit: no key, no data');
      const four = m.Properties.Integration.IntegrationResponses.find((r: any) => r.SelectionPattern === '4\\d{2}');
      const t = four.ResponseTemplates['application/json'];
      assert.ok(t.includes('#elseif($type.endsWith("ValidationException"))\n#set($context.responseOverride.status = 413)'));
      assert.ok(!t.includes('$.message') && !t.includes('$.Message'), 'never reads the error message');
    }
  });
  it('default auth: API key, usage plan with throttling', () => {
    for (const m of methods) {
      assert.equal(m.Properties.AuthorizationType, 'NONE');
      assert.equal(m.Properties.ApiKeyRequired, true);
    }
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 1);
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', { Throttle: { RateLimit: 600, BurstLimit: 1200 } });
    template.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 1);
  });
  for (const [apiAuth, title, apiKey] of [
    ['iam', 'SigV4 only, no API key', false],
    ['iam-and-api-key', 'both', true],
  ] as const) {
    it(`apiAuth=${apiAuth}: ${title}`, () => {
      const { template: t } = synth({ apiAuth });
      for (const m of Object.values(resources(t, 'AWS::ApiGateway::Method'))) {
        assert.equal(m.Properties.AuthorizationType, 'AWS_IAM');
        assert.equal(m.Properties.ApiKeyRequired, apiKey);
      }
      t.resourceCountIs('AWS::ApiGateway::ApiKey', apiKey ? 1 : 0);
      // without a usage plan key, the stage's own method throttling holds the design peak
      t.hasResourceProperties('AWS::ApiGateway::Stage', {
        MethodSettings: [{ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 600, ThrottlingBurstLimit: 1200 }],
      });
    });
  }
  it('throttling follows peakEventsPerSecond (burst twice, at most 5,000)', () => {
    const { template: t } = synth({ peakEventsPerSecond: 3000, apiAuth: 'iam' });
    t.hasResourceProperties('AWS::ApiGateway::UsagePlan', { Throttle: { RateLimit: 3000, BurstLimit: 5000 } });
  });
  it('the deployment fingerprint covers gateway responses and resolved intrinsics', () => {
    const deploymentId = (t: Template) => Object.keys(resources(t, 'AWS::ApiGateway::Deployment'))[0];
    const base = deploymentId(template);
    assert.equal(deploymentId(synth().template), base, 'stable across synths');
    const stack = build();
    stack.api.api.addGatewayResponse('Extra', { type: apigw.ResponseType.DEFAULT_4XX, statusCode: '400' });
    assert.notEqual(deploymentId(Template.fromStack(stack)), base, 'a new gateway response redeploys');
    // the stage points at the current deployment
    template.hasResourceProperties('AWS::ApiGateway::Stage', { DeploymentId: { Ref: base } });
    // a change of one method's mapping template (holding resolved Refs) redeploys
    const rekeyed = STREAMS.map((st) => (st.name === 'orders' ? { ...st, key: [['orderId', 'order_id'] as const] } : st));
    assert.notEqual(deploymentId(synth({}, { streams: rekeyed }).template), base, 'a mapping template change redeploys');
  });
});

describe('outputs an operator tool reads', () => {
  it('auth mode, log groups, alarm prefix, a test alarm, the replay target, per-stream names', () => {
    const { template } = synth();
    const outputs = template.toJSON().Outputs;
    for (const name of ['ApiEndpoint', 'ApiKeyId', 'ApiInvokeArn', 'ApiAuthMode', 'DataBucketName', 'AlarmTopicArn', 'AlarmNamePrefix', 'TestAlarmName', 'ReplayKinesisTarget', 'ReplayRoleArn', 'ReconcileRoleArn', 'DataBucketEncryption', 'EncryptionKeyArn', 'RawBackupPrefixPattern']) {
      assert.ok(outputs[name], name);
    }
    assert.equal(outputs.ApiAuthMode.Value, 'api-key');
    assert.equal(outputs.AlarmNamePrefix.Value, 'shim-test-');
    assert.ok(refOf(outputs.TestAlarmName.Value)!.startsWith('CustomersRecordsProcessingFailedAlarm'));
    assert.equal(outputs.ReplayKinesisTarget.Value, 'kinesis:shim-test-{stream}');
    for (const s of STREAMS) {
      const n = s.name.split('-').map((p) => p[0].toUpperCase() + p.slice(1)).join('');
      for (const o of ['KinesisStreamName', 'DeliveryStreamName', 'FunctionName', 'FunctionArn', 'LogGroupName']) assert.ok(outputs[`${n}${o}`], `${n}${o}`);
    }
    const streams = Object.values(resources(template, 'AWS::Kinesis::Stream')).map((r) => r.Properties.Name).sort();
    assert.deepEqual(streams, STREAMS.map((s) => `shim-test-${s.name}`).sort(), 'the names the runbook expands');
  });
});

describe('direct-put source', () => {
  const { template } = synth({ source: 'direct-put' });
  it('has no Kinesis stream', () => template.resourceCountIs('AWS::Kinesis::Stream', 0));
  it('delivery streams are Direct PUT, encrypted', () => {
    for (const ds of Object.values(resources(template, 'AWS::KinesisFirehose::DeliveryStream'))) {
      assert.equal(ds.Properties.DeliveryStreamType, 'DirectPut');
      assert.deepEqual(ds.Properties.DeliveryStreamEncryptionConfigurationInput, { KeyType: 'AWS_OWNED_CMK' });
    }
  });
  it('each API integration is Firehose PutRecord into its own delivery stream', () => {
    const streams = resources(template, 'AWS::KinesisFirehose::DeliveryStream');
    for (const m of Object.values(resources(template, 'AWS::ApiGateway::Method'))) {
      const integ = m.Properties.Integration;
      assert.ok(joined(integ.Uri).endsWith(':firehose:action/PutRecord'), joined(integ.Uri));
      const text = joined(integ.RequestTemplates['application/json']);
      const named = Object.keys(streams).filter((id) => text.includes(`\${${id}}`));
      assert.equal(named.length, 1);
      assert.ok(text.includes(`#set($tooLarge = $quarterBytes > ${4 * 1000 * 1024})`), 'the 1,000 KiB Firehose limit');
    }
  });
  it('the API role may put records into the delivery streams', () => {
    const policies = JSON.stringify(resources(template, 'AWS::IAM::Policy'));
    assert.ok(policies.includes('firehose:PutRecord'));
  });
});

describe('IAM by grants', () => {
  const { template } = synth();
  it('the delivery role reads its stream, invokes its alias, writes only its prefixes', () => {
    const policies = Object.entries(resources(template, 'AWS::IAM::Policy')).filter(([id]) => id.startsWith('OrdersDeliveryRole'));
    assert.equal(policies.length, 1);
    const text = JSON.stringify(policies[0][1].Properties.PolicyDocument);
    assert.ok(text.includes('kinesis:GetRecords'));
    assert.ok(text.includes('lambda:InvokeFunction'));
    assert.ok(text.includes('/system-one/orders/*') && text.includes('/errors/orders/*'));
    assert.ok(!text.includes('/system-one/customers/'));
    assert.ok(!text.includes('s3:DeleteObject'));
  });
  it('functions write only their own log group', () => {
    const [, policy] = Object.entries(resources(template, 'AWS::IAM::Policy')).find(([id]) => id.startsWith('OrdersFunctionRole'))!;
    const statements = policy.Properties.PolicyDocument.Statement;
    assert.equal(statements.length, 1);
    assert.ok(refOf(statements[0].Resource)!.startsWith('OrdersFunctionLogGroup'));
  });
});

describe('dashboard', () => {
  const { template } = synth();
  const body = joined(Object.values(resources(template, 'AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody);
  for (const metric of [
    'RecordsOk', 'RecordsDropped', 'RecordsProcessingFailed', 'EventAgeMs', 'HandlerDurationMs',
    'DeliveryToS3.DataFreshness', 'GetRecords.IteratorAgeMilliseconds', 'IncomingRecords', 'Duration', 'Throttles',
    'ExecuteProcessing.Success',
  ]) {
    it(`shows ${metric}`, () => assert.ok(body.includes(`"${metric}"`), metric));
  }
  it('failures by Reason, per stream', () => {
    for (const s of STREAMS) assert.ok(body.includes(`Stream=\\"${s.name}\\"`), s.name);
    assert.ok(body.includes('{SystemOneShim,Reason,Stream}'));
  });
  it('one row per stream', () => {
    for (const s of STREAMS) assert.ok(body.includes(`"${s.name}: processed"`));
  });
});

describe('saved Logs Insights queries', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'queries-'));
  fs.writeFileSync(path.join(dir, 'failures-by-reason.query'), '# Failures by reason\n# over all streams\nfields @timestamp\n| stats count() by reason\n');
  fs.writeFileSync(path.join(dir, 'slow.query'), 'filter durationMs > 1000\n');
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a query');
  it('one query definition per file, description stripped, over the nine function log groups', () => {
    const { template } = synth({}, { queriesDir: dir });
    const defs = Object.values(resources(template, 'AWS::Logs::QueryDefinition'));
    assert.equal(defs.length, 2);
    const byName = Object.fromEntries(defs.map((d) => [d.Properties.Name, d.Properties]));
    assert.equal(byName['shim-test/failures-by-reason'].QueryString, 'fields @timestamp\n| stats count() by reason');
    assert.equal(byName['shim-test/slow'].QueryString, 'filter durationMs > 1000');
    const groups = resources(template, 'AWS::Logs::LogGroup');
    for (const d of defs) {
      assert.equal(d.Properties.LogGroupNames.length, STREAMS.length);
      for (const g of d.Properties.LogGroupNames) assert.ok(refOf(g)!.includes('FunctionLogGroup') && groups[refOf(g)!]);
    }
  });
  it('no folder, or an empty one: no query definition', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'queries-'));
    synth({}, { queriesDir: empty }).template.resourceCountIs('AWS::Logs::QueryDefinition', 0);
    synth({}, { queriesDir: path.join(empty, 'absent') }).template.resourceCountIs('AWS::Logs::QueryDefinition', 0);
  });
  it('a file with only a description is refused, naming it', () => {
    const bad = fs.mkdtempSync(path.join(os.tmpdir(), 'queries-'));
    fs.writeFileSync(path.join(bad, 'empty.query'), '# nothing here\n');
    assert.throws(() => synth({}, { queriesDir: bad }), /empty\.query/);
  });
});

describe('settings', () => {
  it('names the setting at fault', () => {
    assert.throws(() => validate({ ...DEFAULTS, source: 'sqs' as never }), /setting source/);
    assert.throws(() => validate({ ...DEFAULTS, processorBufferIntervalSeconds: 901 }), /processorBufferIntervalSeconds/);
    assert.throws(() => validate({ ...DEFAULTS, logRetentionDays: 2 }), /logRetentionDays/);
    assert.throws(() => validate({ ...DEFAULTS, apiAuth: 'none' as never }), /apiAuth/);
  });
});

describe('cdk-nag is on in these tests', () => {
  it('an unacknowledged AwsSolutions finding fails the synth', async () => {
    const stack = build();
    const { Queue } = await import('aws-cdk-lib/aws-sqs');
    new Queue(stack, 'UnencryptedQueue');
    assert.throws(() => Template.fromStack(stack), /Validation failed/);
  });
  it('the fresh-region variant (configureApiGatewayAccount) passes it', () => {
    assert.doesNotThrow(() => synth({ configureApiGatewayAccount: true, apiAuth: 'iam' }));
  });
});
