/**
 * checkov skips live in each resource's Metadata (`checkov.skip`, each with its reason), where
 * checkov reads them; infra/checkov_report.py fails on an unused or undeclared skip.
 */
import { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export interface CheckovSkip {
  readonly id: string;
  readonly comment: string;
}

export function skipCheckov(construct: IConstruct, ...skips: CheckovSkip[]): void {
  const resource = construct instanceof CfnResource ? construct : construct.node.defaultChild;
  if (!(resource instanceof CfnResource)) {
    throw new Error(`${construct.node.path}: no CloudFormation resource to put checkov skips on`);
  }
  const previous = (resource.getMetadata('checkov') as { skip?: CheckovSkip[] } | undefined)?.skip ?? [];
  resource.addMetadata('checkov', { skip: [...previous, ...skips] });
}

export const FUNCTION_SKIPS: CheckovSkip[] = [
  {
    id: 'CKV_AWS_115',
    comment:
      'Concurrency is driven by Firehose (one synchronous invocation per buffered batch per shard); a ' +
      'reservation would only add a throttling failure mode and fails in accounts with the default low quota.',
  },
  {
    id: 'CKV_AWS_116',
    comment:
      'Invoked synchronously by Firehose; a DLQ only applies to asynchronous invocations. Failed batches ' +
      'and records land in the bucket under errors/<stream>/ instead.',
  },
  {
    id: 'CKV_AWS_117',
    comment:
      'The function makes no network calls (pure transformation of the Firehose payload); a VPC would add ' +
      'ENIs and NAT cost without reducing exposure.',
  },
  {
    id: 'CKV_AWS_173',
    comment:
      'The only environment variable is the non-secret IANA time zone name; Lambda already encrypts it at ' +
      'rest with the AWS managed key.',
  },
];
