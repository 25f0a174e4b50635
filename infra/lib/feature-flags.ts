/**
 * CDK feature flags the app relies on, set in code so that a synth without the CLI (infra/synth,
 * the tests) builds exactly what `npx cdk deploy` deploys.
 */
export const FEATURE_FLAGS: Record<string, unknown> = {
  // Access logs delivered by bucket policy (ACLs are disabled on our buckets).
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  // A function's version hash includes its configuration, so any change publishes a version.
  '@aws-cdk/aws-lambda:recognizeVersionProps': true,
  '@aws-cdk/aws-lambda:recognizeLayerVersion': true,
  // One merged statement per grant target instead of one per grant.
  '@aws-cdk/aws-iam:minimizePolicies': true,
  '@aws-cdk/core:target-partitions': ['aws'],
};
