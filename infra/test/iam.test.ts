/**
 * The synthesized policies evaluated as IAM evaluates them (@cloud-copilot/iam-simulate, an
 * IAM policy evaluator: identity and resource policies, conditions, explicit denies), for each
 * principal and each call the system makes. The template's intrinsics are resolved to the
 * ARNs CloudFormation would give the resources (account 111111111111, us-east-1). Removing a
 * permission, or an Allow from a resource policy, turns an `Allowed` here into a failure.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { STREAMS } from '../lib/streams';
import { synth } from './helpers';

const ACCOUNT = '111111111111';
const REGION = 'us-east-1';
type Resources = Record<string, { Type: string; Properties?: any }>;

/** Resolves Ref / GetAtt / Join / Select / Split as CloudFormation would, to plausible names. */
function resolver(res: Resources) {
  const nameOf = (id: string): string => {
    const r = res[id];
    if (!r) throw new Error(`no resource ${id}`);
    const p = r.Properties ?? {};
    switch (r.Type) {
      case 'AWS::Kinesis::Stream':
        return resolve(p.Name);
      case 'AWS::Logs::LogGroup':
        return resolve(p.LogGroupName);
      case 'AWS::S3::Bucket':
        return id.toLowerCase();
      default:
        return id;
    }
  };
  const ref = (id: string): string => {
    const pseudo: Record<string, string> = {
      'AWS::Partition': 'aws',
      'AWS::Region': REGION,
      'AWS::AccountId': ACCOUNT,
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': 'shim-test',
    };
    if (pseudo[id]) return pseudo[id];
    const r = res[id];
    switch (r?.Type) {
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${REGION}:${ACCOUNT}:${id}`;
      case 'AWS::Lambda::Alias':
        return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${nameOf(resolveRefId(r.Properties.FunctionName))}:${r.Properties.Name}`;
      default:
        return nameOf(id);
    }
  };
  const resolveRefId = (v: any): string => v.Ref ?? v['Fn::GetAtt'][0];
  const getAtt = (id: string, attr: string): string => {
    const r = res[id];
    const n = nameOf(id);
    const arns: Record<string, string> = {
      'AWS::S3::Bucket': `arn:aws:s3:::${n}`,
      'AWS::Kinesis::Stream': `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${n}`,
      'AWS::KinesisFirehose::DeliveryStream': `arn:aws:firehose:${REGION}:${ACCOUNT}:deliverystream/${n}`,
      'AWS::Lambda::Function': `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${n}`,
      'AWS::Logs::LogGroup': `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${n}:*`,
      'AWS::KMS::Key': `arn:aws:kms:${REGION}:${ACCOUNT}:key/${n}`,
      'AWS::IAM::Role': `arn:aws:iam::${ACCOUNT}:role/${n}`,
    };
    if (attr === 'Arn' && arns[r.Type]) return arns[r.Type];
    if (attr === 'RootResourceId') return 'root';
    throw new Error(`GetAtt ${id}.${attr} (${r.Type})`);
  };
  const resolve = (v: any): any => {
    if (Array.isArray(v)) return v.map(resolve);
    if (v && typeof v === 'object') {
      if ('Ref' in v) return ref(v.Ref);
      if ('Fn::GetAtt' in v) return getAtt(v['Fn::GetAtt'][0], v['Fn::GetAtt'][1]);
      if ('Fn::Join' in v) return resolve(v['Fn::Join'][1]).join(v['Fn::Join'][0]);
      if ('Fn::Split' in v) return resolve(v['Fn::Split'][1]).split(v['Fn::Split'][0]);
      if ('Fn::Select' in v) return resolve(v['Fn::Select'][1])[v['Fn::Select'][0]];
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]));
    }
    return v;
  };
  return { resolve, getAtt, ref };
}

function stackOf(settings: Parameters<typeof synth>[0] = {}) {
  const { template } = synth(settings);
  const json = template.toJSON();
  const res = json.Resources as Resources;
  const { resolve, getAtt, ref } = resolver(res);
  const idOf = (prefix: string, type: string) => {
    const ids = Object.keys(res).filter((id) => id.startsWith(prefix) && res[id].Type === type);
    assert.equal(ids.length, 1, `one ${type} ${prefix}*: ${ids}`);
    return ids[0];
  };
  /** The resolved identity policies attached to role `rolePrefix`. */
  const policiesOf = (rolePrefix: string) => {
    const role = idOf(rolePrefix, 'AWS::IAM::Role');
    const attached = Object.entries(res).filter(
      ([, r]) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(`"${role}"`),
    );
    assert.ok(attached.length > 0, `${rolePrefix} has a policy`);
    return attached.map(([id, r]) => ({ name: id, policy: resolve(r.Properties.PolicyDocument) }));
  };
  /** The resource policy of a call's resource, where the service has one here (the KMS key policy). */
  const resourcePolicyFor = (action: string) => {
    if (!action.startsWith('kms:')) return undefined;
    return resolve(res[idOf('EncryptionKey', 'AWS::KMS::Key')].Properties.KeyPolicy);
  };
  return { res, resolve, getAtt, ref, idOf, policiesOf, resourcePolicyFor, outputs: json.Outputs };
}

async function decide(sim: {
  principal: string;
  action: string;
  resource: string;
  identity?: Array<{ name: string; policy: any }>;
  resourcePolicy?: any;
  context?: Record<string, string | string[]>;
}): Promise<string> {
  const result = await runSimulation(
    {
      request: {
        principal: sim.principal,
        action: sim.action,
        resource: { resource: sim.resource, accountId: ACCOUNT },
        contextVariables: { 'aws:SecureTransport': 'true', ...(sim.context ?? {}) },
      },
      identityPolicies: sim.identity ?? [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: sim.resourcePolicy,
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
  return result.overallResult;
}

const ALLOWED = 'Allowed';

describe('CloudWatch alarms -> SNS (topic policy) and the topic key (key policy)', () => {
  const s = stackOf();
  const topicId = s.idOf('AlarmTopic', 'AWS::SNS::Topic');
  const topicArn = s.ref(topicId);
  const topicPolicy = s.resolve(
    Object.values(s.res).find((r) => r.Type === 'AWS::SNS::TopicPolicy')!.Properties.PolicyDocument,
  );
  it('cloudwatch.amazonaws.com may publish alarms of this account', async () => {
    assert.equal(
      await decide({
        principal: 'cloudwatch.amazonaws.com',
        action: 'sns:Publish',
        resource: topicArn,
        resourcePolicy: topicPolicy,
        context: { 'aws:SourceAccount': ACCOUNT },
      }),
      ALLOWED,
    );
  });
  it('not for another account, nor over plain HTTP', async () => {
    assert.notEqual(
      await decide({ principal: 'cloudwatch.amazonaws.com', action: 'sns:Publish', resource: topicArn, resourcePolicy: topicPolicy, context: { 'aws:SourceAccount': '222222222222' } }),
      ALLOWED,
    );
    assert.equal(
      await decide({ principal: 'cloudwatch.amazonaws.com', action: 'sns:Publish', resource: topicArn, resourcePolicy: topicPolicy, context: { 'aws:SourceAccount': ACCOUNT, 'aws:SecureTransport': 'false' } }),
      'ExplicitlyDenied',
    );
  });
  it('cloudwatch.amazonaws.com may use the topic key (SSE on the topic)', async () => {
    const keyId = s.idOf('EncryptionKey', 'AWS::KMS::Key');
    const keyPolicy = s.resolve(s.res[keyId].Properties.KeyPolicy);
    for (const action of ['kms:Decrypt', 'kms:GenerateDataKey']) {
      assert.equal(
        await decide({ principal: 'cloudwatch.amazonaws.com', action, resource: s.getAtt(keyId, 'Arn'), resourcePolicy: keyPolicy }),
        ALLOWED,
        action,
      );
    }
  });
});

for (const kms of [false, true]) {
  describe(`Firehose delivery role -> Kinesis, Lambda, S3, logs${kms ? ', KMS (sse-kms)' : ''}`, () => {
    const s = stackOf(kms ? { dataBucketEncryption: 'sse-kms' } : {});
    const identity = s.policiesOf('OrdersDeliveryRole');
    const principal = s.getAtt(s.idOf('OrdersDeliveryRole', 'AWS::IAM::Role'), 'Arn');
    const bucket = s.getAtt(s.idOf('DataBucket', 'AWS::S3::Bucket'), 'Arn');
    const stream = s.getAtt(s.idOf('OrdersStream', 'AWS::Kinesis::Stream'), 'Arn');
    const other = s.getAtt(s.idOf('CustomersStream', 'AWS::Kinesis::Stream'), 'Arn');
    const alias = s.ref(s.idOf('OrdersLiveAlias', 'AWS::Lambda::Alias'));
    const logGroup = s.getAtt(s.idOf('FirehoseLogGroup', 'AWS::Logs::LogGroup'), 'Arn').replace(/:\*$/, '');
    const allowed: Array<[string, string]> = [
      ['kinesis:DescribeStream', stream],
      ['kinesis:GetShardIterator', stream],
      ['kinesis:GetRecords', stream],
      ['kinesis:ListShards', stream],
      ['lambda:InvokeFunction', alias],
      ['lambda:GetFunctionConfiguration', alias],
      ['s3:PutObject', `${bucket}/system-one/orders/2026/12/04/21/orders-1`],
      ['s3:PutObject', `${bucket}/errors/orders/processing-failed/2026/12/04/21/orders-1`],
      ['s3:PutObject', `${bucket}/source/orders/2026/12/04/21/orders-1.gz`],
      ['s3:AbortMultipartUpload', `${bucket}/source/orders/2026/12/04/21/orders-1.gz`],
      ['s3:GetBucketLocation', bucket],
      ['s3:ListBucket', bucket],
      ['s3:ListBucketMultipartUploads', bucket],
      ['logs:PutLogEvents', `${logGroup}:log-stream:orders-DestinationDelivery`],
      ['logs:PutLogEvents', `${logGroup}:log-stream:orders-BackupDelivery`],
    ];
    const denied: Array<[string, string]> = [
      ['kinesis:GetRecords', other],
      ['s3:PutObject', `${bucket}/system-one/customers/2026/12/04/21/x`],
      ['s3:PutObject', `${bucket}/source/customers/2026/12/04/21/x`],
      ['s3:DeleteObject', `${bucket}/system-one/orders/2026/12/04/21/orders-1`],
    ];
    if (kms) {
      const key = s.getAtt(s.idOf('EncryptionKey', 'AWS::KMS::Key'), 'Arn');
      allowed.push(['kms:GenerateDataKey', key], ['kms:Decrypt', key]);
    }
    for (const [action, resource] of allowed) {
      it(`may ${action} ${resource.split(':').slice(-1)[0]}`, async () => {
        assert.equal(await decide({ principal, action, resource, identity, resourcePolicy: s.resourcePolicyFor(action) }), ALLOWED);
      });
    }
    for (const [action, resource] of denied) {
      it(`may not ${action} ${resource.split(':').slice(-1)[0]}`, async () => {
        assert.notEqual(await decide({ principal, action, resource, identity }), ALLOWED);
      });
    }
  });
}

describe('replay role -> every S3 and Kinesis call of firehose-local replay (local/src/recover.rs, object.rs, kinesis.rs)', () => {
  for (const kms of [false, true]) {
    const s = stackOf(kms ? { dataBucketEncryption: 'sse-kms' } : {});
    const identity = s.policiesOf('ReplayRole');
    const principal = s.getAtt(s.idOf('ReplayRole', 'AWS::IAM::Role'), 'Arn');
    const bucket = s.getAtt(s.idOf('DataBucket', 'AWS::S3::Bucket'), 'Arn');
    const src = `${bucket}/errors/orders/processing-failed/2026/12/04/21/orders-1`;
    const allowed: Array<[string, string, string]> = [
      ['ListObjectsV2 errors/', 's3:ListBucket', bucket],
      ['GetObject of a source', 's3:GetObject', src],
      ['Get/Put/Delete of its journal', 's3:GetObject', `${bucket}/errors/replay-journal/abc.json`],
      ['Get/Put/Delete of its journal', 's3:PutObject', `${bucket}/errors/replay-journal/abc.json`],
      ['Get/Put/Delete of its journal', 's3:DeleteObject', `${bucket}/errors/replay-journal/abc.json`],
      ['HeadObject of an output', 's3:GetObject', `${bucket}/system-one/orders/2026/12/04/21/replay-1`],
      ['PutObject of an output', 's3:PutObject', `${bucket}/system-one/orders/2026/12/04/21/replay-1`],
      ['PutObject of still-failing records', 's3:PutObject', `${bucket}/errors/orders/processing-failed/2026/12/04/22/replay-1`],
      ['CopyObject to replayed/', 's3:PutObject', `${bucket}/errors/orders/replayed/processing-failed/2026/12/04/21/orders-1`],
      ['DeleteObject of the moved source', 's3:DeleteObject', src],
    ];
    for (const st of STREAMS) {
      allowed.push([`PutRecords --to kinesis:shim-test-{stream}`, 'kinesis:PutRecords', `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/shim-test-${st.name}`]);
    }
    if (kms) {
      const key = s.getAtt(s.idOf('EncryptionKey', 'AWS::KMS::Key'), 'Arn');
      allowed.push(['read SSE-KMS objects', 'kms:Decrypt', key], ['write SSE-KMS objects', 'kms:GenerateDataKey', key]);
    }
    const denied: Array<[string, string]> = [
      ['s3:DeleteObject', `${bucket}/system-one/orders/2026/12/04/21/x`],
      ['s3:GetObject', `${bucket}/source/orders/2026/12/04/21/x`],
      ['s3:PutObject', `${bucket}/source/orders/2026/12/04/21/x`],
      ['kinesis:PutRecord', `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/shim-test-orders`],
      ['s3:PutBucketPolicy', bucket],
    ];
    for (const [call, action, resource] of allowed) {
      it(`${kms ? '[sse-kms] ' : ''}${call}: ${action}`, async () => {
        assert.equal(await decide({ principal, action, resource, identity, resourcePolicy: s.resourcePolicyFor(action) }), ALLOWED, resource);
      });
    }
    for (const [action, resource] of denied) {
      it(`${kms ? '[sse-kms] ' : ''}not ${action} ${resource.split('/').slice(1, 3).join('/')}`, async () => {
        assert.notEqual(await decide({ principal, action, resource, identity }), ALLOWED);
      });
    }
  }
});

describe('reconcile role -> every S3 and Kinesis call of reconcile [--repair] and reprocess (commands/reconcile.rs, reconcile/, commands/run.rs, reread.rs, store/bucket.rs)', () => {
  for (const kms of [false, true]) {
    const s = stackOf(kms ? { dataBucketEncryption: 'sse-kms' } : {});
    const identity = s.policiesOf('ReconcileRole');
    const principal = s.getAtt(s.idOf('ReconcileRole', 'AWS::IAM::Role'), 'Arn');
    const bucket = s.getAtt(s.idOf('DataBucket', 'AWS::S3::Bucket'), 'Arn');
    const hour = '2026/12/04/21';
    const allowed: Array<[string, string, string]> = [
      ['HeadBucket; ListObjectsV2 of source/, system-one/, errors/', 's3:ListBucket', bucket],
      ['GetObject of the raw backup', 's3:GetObject', `${bucket}/source/orders/${hour}/orders-1.gz`],
      ['GetObject of an output', 's3:GetObject', `${bucket}/system-one/orders/${hour}/orders-1`],
      ['GetObject of the error output', 's3:GetObject', `${bucket}/errors/orders/processing-failed/${hour}/orders-1`],
      ['--repair: PutObject (If-None-Match) of missing lines', 's3:PutObject', `${bucket}/system-one/orders/${hour}/orders-1-repair-abc`],
      ['--repair: PutObject (If-None-Match) of missing failures', 's3:PutObject', `${bucket}/errors/orders/processing-failed/${hour}/orders-1-abc`],
      ['--repair: PutObject of its journal', 's3:PutObject', `${bucket}/firehose-local/repairs/abc.json`],
      ['--repair --dry-run: HeadObject of a planned key', 's3:GetObject', `${bucket}/firehose-local/repairs/abc.json`],
      ['reprocess: GetObject of the run mark', 's3:GetObject', `${bucket}/firehose-local/runs/abc.json`],
      ['reprocess: PutObject of the run mark', 's3:PutObject', `${bucket}/firehose-local/runs/abc.json`],
      ['reprocess of kinesis: PutObject of the raw backup', 's3:PutObject', `${bucket}/source/orders/${hour}/orders-1.gz`],
    ];
    for (const st of STREAMS) {
      const stream = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/shim-test-${st.name}`;
      for (const action of ['kinesis:DescribeStreamSummary', 'kinesis:ListShards', 'kinesis:GetShardIterator', 'kinesis:GetRecords']) {
        allowed.push([`reprocess kinesis:shim-test-${st.name}`, action, stream]);
      }
    }
    if (kms) {
      const key = s.getAtt(s.idOf('EncryptionKey', 'AWS::KMS::Key'), 'Arn');
      allowed.push(['read SSE-KMS objects', 'kms:Decrypt', key], ['write SSE-KMS objects', 'kms:GenerateDataKey', key]);
    }
    const denied: Array<[string, string]> = [
      ['s3:DeleteObject', `${bucket}/system-one/orders/${hour}/orders-1`],
      ['s3:DeleteObject', `${bucket}/errors/orders/processing-failed/${hour}/orders-1`],
      ['s3:DeleteObject', `${bucket}/source/orders/${hour}/orders-1.gz`],
      ['s3:DeleteObject', `${bucket}/firehose-local/repairs/abc.json`],
      ['s3:DeleteObject', `${bucket}/firehose-local/runs/abc.json`],
      ['s3:DeleteObjectVersion', `${bucket}/system-one/orders/${hour}/orders-1`],
      ['s3:PutObject', `${bucket}/firehose-local/other/abc.json`],
      ['s3:PutObject', `${bucket}/elsewhere/abc`],
      ['s3:PutObject', `${bucket}/abc`],
      ['s3:GetObject', `${bucket}/elsewhere/abc`],
      ['s3:GetObject', `${bucket}/firehose-local/other/abc.json`],
      ['s3:PutBucketPolicy', bucket],
      ['s3:PutLifecycleConfiguration', bucket],
      ['kinesis:PutRecords', `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/shim-test-orders`],
      ['kinesis:GetRecords', `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/another-stack-orders`],
    ];
    if (kms) {
      const key = s.getAtt(s.idOf('EncryptionKey', 'AWS::KMS::Key'), 'Arn');
      denied.push(['kms:ScheduleKeyDeletion', key]);
    }
    for (const [call, action, resource] of allowed) {
      it(`${kms ? '[sse-kms] ' : ''}${call}: ${action}`, async () => {
        assert.equal(await decide({ principal, action, resource, identity, resourcePolicy: s.resourcePolicyFor(action) }), ALLOWED, resource);
      });
    }
    for (const [action, resource] of denied) {
      it(`${kms ? '[sse-kms] ' : ''}not ${action} ${resource.split(':').slice(-1)[0]}`, async () => {
        assert.notEqual(await decide({ principal, action, resource, identity, resourcePolicy: s.resourcePolicyFor(action) }), ALLOWED);
      });
    }
  }
});

describe('outputs: DataBucketEncryption says how the data bucket is encrypted', () => {
  for (const encryption of ['sse-s3', 'sse-kms'] as const) {
    it(encryption, () => {
      const s = stackOf({ dataBucketEncryption: encryption });
      assert.equal(s.outputs.DataBucketEncryption.Value, encryption);
      const bucket = s.res[s.idOf('DataBucket', 'AWS::S3::Bucket')].Properties!;
      const algorithm = bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm;
      assert.equal(algorithm, encryption === 'sse-kms' ? 'aws:kms' : 'AES256');
    });
  }
});

describe('API Gateway integration role -> the streams; System Two -> the API', () => {
  for (const source of ['kinesis', 'direct-put'] as const) {
    it(`${source}: the integration role may put into each stream`, async () => {
      const s = stackOf({ source });
      const identity = s.policiesOf('IngestIntegrationRole');
      const principal = s.getAtt(s.idOf('IngestIntegrationRole', 'AWS::IAM::Role'), 'Arn');
      for (const st of STREAMS) {
        const resource =
          source === 'kinesis'
            ? `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/shim-test-${st.name}`
            : s.getAtt(s.idOf(`${st.name.split('-').map((p) => p[0].toUpperCase() + p.slice(1)).join('')}DeliveryStream`, 'AWS::KinesisFirehose::DeliveryStream'), 'Arn');
        const action = source === 'kinesis' ? 'kinesis:PutRecord' : 'firehose:PutRecord';
        assert.equal(await decide({ principal, action, resource, identity }), ALLOWED, `${st.name}: ${action}`);
      }
    });
  }
  it("apiAuth iam: a policy on the ApiInvokeArn output lets System Two POST every stream, nothing else", async () => {
    const s = stackOf({ apiAuth: 'iam' });
    const invokeArn = s.resolve(s.outputs.ApiInvokeArn.Value) as string;
    const identity = [{ name: 'system-two-sender', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: invokeArn }] } }];
    const principal = `arn:aws:iam::${ACCOUNT}:role/system-two-sender`;
    const base = invokeArn.replace(/\/POST\/events\/\*$/, '');
    for (const st of STREAMS) {
      assert.equal(await decide({ principal, action: 'execute-api:Invoke', resource: `${base}/POST/events/${st.name}`, identity }), ALLOWED, st.name);
    }
    assert.notEqual(await decide({ principal, action: 'execute-api:Invoke', resource: `${base}/GET/events/orders`, identity }), ALLOWED);
  });
});
