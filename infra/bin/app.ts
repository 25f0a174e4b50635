#!/usr/bin/env node
/**
 * The CDK app: one stack, settings from context (`-c source=direct-put`, ...; see lib/props.ts),
 * checked by cdk-nag's AwsSolutions pack on every synth.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FEATURE_FLAGS } from '../lib/feature-flags';
import { fromContext } from '../lib/props';
import { ShimStack } from '../lib/shim-stack';

const app = new App({ context: FEATURE_FLAGS, analyticsReporting: false });
const stackName = (app.node.tryGetContext('stackName') as string | undefined) ?? 'system-one-shim';
new ShimStack(app, stackName, {
  stackName,
  settings: fromContext(app.node),
  description: 'System One shim: per stream a Firehose delivery stream to S3 with a Rust transformation Lambda, ' +
    'alarms and a dashboard; an API Gateway front door POST /events/{stream}.',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
