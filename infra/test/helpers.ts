/**
 * Synthesizes the stack for assertions, without building Rust (bundling skipped as in
 * infra/synth), with cdk-nag's AwsSolutions pack on as in bin/app.ts: a finding not
 * acknowledged in lib/nag-findings.ts fails the synth, so every variant a test builds is
 * also one that deploys past the nag gate.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Template } from 'aws-cdk-lib/assertions';
import { FEATURE_FLAGS } from '../lib/feature-flags';
import { type ShimSettings, settingsFor } from '../lib/props';
import { ShimStack, type ShimStackProps } from '../lib/shim-stack';

export const STACK = 'shim-test';

export function build(settings: Partial<ShimSettings> = {}, extra: Partial<ShimStackProps> = {}): ShimStack {
  const app = new App({ context: { ...FEATURE_FLAGS, 'aws:cdk:bundling-stacks': [] }, analyticsReporting: false });
  const stack = new ShimStack(app, STACK, { settings: settingsFor(settings), ...extra });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}

export function synth(
  settings: Partial<ShimSettings> = {},
  extra: Partial<ShimStackProps> = {},
): { stack: ShimStack; template: Template } {
  const stack = build(settings, extra);
  return { stack, template: Template.fromStack(stack) };
}

type Resources = Record<string, { Type: string; Properties?: any; Metadata?: any; DeletionPolicy?: string; UpdateReplacePolicy?: string }>;

export function resources(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

/** The logical id a Ref / GetAtt points to. */
export function refOf(value: any): string | undefined {
  if (value && typeof value === 'object') {
    if ('Ref' in value) return value.Ref;
    if ('Fn::GetAtt' in value) return value['Fn::GetAtt'][0];
  }
  return undefined;
}

/** The text of a Fn::Join of strings and Refs, a Ref shown as ${logicalId}. */
export function joined(value: any): string {
  if (typeof value === 'string') return value;
  if (value['Fn::Join']) return value['Fn::Join'][1].map(joined).join(value['Fn::Join'][0]);
  const r = refOf(value);
  if (r) return `\${${r}}`;
  return JSON.stringify(value);
}
