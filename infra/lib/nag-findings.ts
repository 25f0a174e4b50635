/**
 * cdk-nag AwsSolutions findings we accept, each with its reason. The synth fails on any
 * finding not listed here (infra/check runs it), and an acknowledgement names one finding
 * (`Rule[Finding]`) wherever the rule reports several.
 */
import { Stack } from 'aws-cdk-lib';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import type { IngestApi } from './api';
import { acknowledge } from './nag';
import type { ShimSettings } from './props';
import type { StreamPipeline } from './stream-pipeline';

const ID = (rule: string) => `AwsSolutions::AwsSolutions-${rule}`;

/** The bucket's ARN as cdk-nag writes it in a finding. */
const bucketArnInFindings = (bucket: CfnBucket) => `<${Stack.of(bucket).getLogicalId(bucket)}.Arn>`;

/**
 * The wildcard actions the bucket's grantRead/grantPut give `role`, and with SSE-KMS those of
 * the key grant that comes with them; the resource wildcards (prefixes) are the caller's.
 */
function acknowledgeBucketGrant(role: IConstruct, settings: ShimSettings, reason: string): void {
  for (const action of ['s3:Abort*', 's3:GetBucket*', 's3:GetObject*', 's3:List*']) {
    acknowledge(role, ID(`IAM5[Action::${action}]`), reason);
  }
  if (settings.dataBucketEncryption === 'sse-kms') {
    for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*']) {
      acknowledge(role, ID(`IAM5[Action::${action}]`), 'From the key grant that comes with the SSE-KMS bucket grants.');
    }
  }
}

export function acknowledgePipeline(p: StreamPipeline, settings: ShimSettings, bucket: CfnBucket): void {
  const role = p.deliveryRole;
  const bucketArn = bucketArnInFindings(bucket);
  acknowledgeBucketGrant(
    role,
    settings,
    "From the bucket's grantPut/grantRead, limited to this stream's prefixes: Firehose needs " +
      'AbortMultipartUpload, GetBucketLocation, ListBucket, ListBucketMultipartUploads, GetObject and PutObject there.',
  );
  for (const prefix of [`system-one/${p.name}/`, `errors/${p.name}/`, `source/${p.name}/`, `source-errors/${p.name}/`]) {
    acknowledge(
      role,
      ID(`IAM5[Resource::${bucketArn}/${prefix}*]`),
      `Firehose writes objects of its own names under ${prefix}; the wildcard is that prefix only.`,
    );
  }
  if (settings.source === 'kinesis') {
    acknowledge(
      p.deliveryStream,
      ID('KDF1'),
      'A delivery stream reading a Kinesis stream cannot set its own server-side encryption: records are ' +
        'encrypted at rest in the source stream (KMS) and Firehose does not persist them.',
    );
  }
}

export function acknowledgeApi(api: IngestApi, settings: ShimSettings): void {
  const stage = api.api.deploymentStage;
  if (settings.configureApiGatewayAccount) {
    const role = api.api.node.tryFindChild('CloudWatchRole');
    if (role) {
      acknowledge(
        role,
        ID('IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]'),
        "API Gateway's account-level logging role (configureApiGatewayAccount): AWS's managed policy for exactly " +
          'this purpose (create and write log groups of any API of the region, which are not known here).',
      );
    }
  }
  acknowledge(
    stage,
    ID('APIG3'),
    'No WAF: one machine client (System Two) authenticated by API key and/or IAM, throttled by the usage plan; ' +
      'a web ACL adds cost and a false-positive risk on event bodies with nothing left to filter.',
  );
  acknowledge(
    stage,
    ID('APIG6'),
    'Access logging is on for every request (JSON, KMS-encrypted log group with retention). Execution logs ' +
      'would go to a log group API Gateway creates without our key or retention, and would log event bodies.',
  );
  for (const method of api.methods) {
    if (settings.apiAuth === 'api-key') {
      acknowledge(
        method,
        ID('APIG4'),
        'Authenticated by the API key (usage plan) of System Two, a machine client; set apiAuth=iam or ' +
          'iam-and-api-key to require SigV4 as well.',
      );
    }
    acknowledge(
      method,
      ID('COG4'),
      'System Two is a machine client, not a user: it authenticates with IAM SigV4 and/or the API key, no user pool.',
    );
  }
}

export function acknowledgeReplayRole(role: IConstruct, bucket: CfnBucket): void {
  const bucketArn = bucketArnInFindings(bucket);
  const reason =
    'The replay reads, writes and moves objects of its own names under errors/ and writes System One files ' +
    'under system-one/ (as Firehose does): the wildcard is the prefix only, the actions are exactly its calls.';
  acknowledge(role, ID(`IAM5[Resource::${bucketArn}/errors/*]`), reason);
  acknowledge(role, ID(`IAM5[Resource::${bucketArn}/system-one/*]`), reason);
}

/** The reconcile role's object wildcards are prefixes; its actions are exactly its calls. */
export function acknowledgeReconcileRole(role: IConstruct, bucket: CfnBucket): void {
  const bucketArn = bucketArnInFindings(bucket);
  const reason =
    'reconcile reads the raw backup, outputs and error output it lists under these prefixes and, with --repair ' +
    '(or a reprocess), creates objects of its own names there: the wildcard is the prefix only, the actions are ' +
    'exactly its calls (no DeleteObject).';
  for (const prefix of ['source/', 'system-one/', 'errors/', 'firehose-local/repairs/', 'firehose-local/runs/']) {
    acknowledge(role, ID(`IAM5[Resource::${bucketArn}/${prefix}*]`), reason);
  }
}
