/**
 * How every alarm of the stack is made: named `<stack>-<what>`, ALARM action only (an OK
 * mail per alarm doubled the mail and paged nobody), and M of N datapoints where a condition
 * that Firehose or Lambda retries away must not page (README "Alarms" has the table).
 */
import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

export interface ShimAlarmProps {
  /** Alarm name after `<stack>-`, e.g. `orders-delivery-failing`; the construct id derives from it. */
  readonly name: string;
  readonly description: string;
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  readonly comparison?: cloudwatch.ComparisonOperator;
  readonly missing?: cloudwatch.TreatMissingData;
  /** Datapoints that must breach, out of `evaluationPeriods` (default 1 of 1). */
  readonly datapointsToAlarm?: number;
  readonly evaluationPeriods?: number;
}

/** The construct id of an alarm named `suffix` (`delivery-failing` -> `DeliveryFailingAlarm`). */
function idOf(suffix: string): string {
  return `${suffix
    .split('-')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('')}Alarm`;
}

export function shimAlarm(scope: Construct, suffix: string, topic: sns.ITopic, props: ShimAlarmProps): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, idOf(suffix), {
    alarmName: `${Stack.of(scope).stackName}-${props.name}`,
    alarmDescription: props.description,
    metric: props.metric,
    threshold: props.threshold,
    comparisonOperator: props.comparison ?? cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: props.evaluationPeriods ?? 1,
    datapointsToAlarm: props.datapointsToAlarm ?? props.evaluationPeriods ?? 1,
    treatMissingData: props.missing ?? cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new cwActions.SnsAction(topic));
  return alarm;
}

/** 2 of 3 five-minute datapoints: for what retries usually heal (throttles, failed attempts). */
export const TWO_OF_THREE = { datapointsToAlarm: 2, evaluationPeriods: 3 } as const;
