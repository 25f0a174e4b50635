/**
 * cdk-nag (AwsSolutions) acknowledgements: every one names the rule (or one finding of it,
 * `Rule[Finding]`) and the reason it does not apply here.
 */
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export function acknowledge(construct: IConstruct, id: string, reason: string): void {
  Validations.of(construct).acknowledge({ id, reason });
}
