/**
 * The stack's settings ("stack props"), with their defaults and bounds. Set them on the
 * command line as CDK context (`npx cdk deploy -c source=direct-put -c alarmEmail=ops@example.com`)
 * or in code; `fromContext` checks every value and names the one that is wrong.
 */
import type { Node } from 'constructs';

export type Source = 'kinesis' | 'direct-put';
export type ApiAuth = 'api-key' | 'iam' | 'iam-and-api-key';

export interface ShimSettings {
  /** `kinesis`: API -> Kinesis stream -> Firehose (per-key order, re-reads). `direct-put`: API -> Firehose. */
  readonly source: Source;
  /** IANA zone System One's timestamps are in (every function's SYSTEM_ONE_TIMEZONE). */
  readonly systemOneTimezone: string;
  /** Retention of every log group of the stack, in days (a CloudWatch Logs retention value). */
  readonly logRetentionDays: number;
  /** Kinesis retention, hours (24-8760): how long an unread record can wait to be re-read. */
  readonly kinesisRetentionHours: number;
  /** Firehose Lambda processor BufferSizeInMBs (0.2-3). */
  readonly processorBufferSizeMBs: number;
  /** Firehose Lambda processor BufferIntervalInSeconds (0-900). */
  readonly processorBufferIntervalSeconds: number;
  /** Firehose Lambda processor NumberOfRetries (0-300). */
  readonly processorNumberOfRetries: number;
  /** S3 destination buffering size, MiB (1-128). */
  readonly destinationBufferSizeMBs: number;
  /** S3 destination buffering interval, seconds (0-900). */
  readonly destinationBufferIntervalSeconds: number;
  /** Days after which objects under errors/ expire. */
  readonly errorRetentionDays: number;
  /** Days after which noncurrent object versions are deleted (both buckets are versioned). */
  readonly noncurrentVersionRetentionDays: number;
  /** Days after which S3 server access logs of the data bucket expire. */
  readonly accessLogRetentionDays: number;
  /** E-mail subscribed to the alarm topic; empty: no subscription. */
  readonly alarmEmail: string;
  /** Alarm when a delivery stream's oldest record is older than this (DeliveryToS3.DataFreshness). */
  readonly dataFreshnessThresholdSeconds: number;
  /** Alarm when Firehose's read lag on a Kinesis stream exceeds this (GetRecords.IteratorAgeMilliseconds). */
  readonly iteratorAgeThresholdSeconds: number;
  /** Timeout of every function, seconds (Firehose allows up to 300). */
  readonly functionTimeoutSeconds: number;
  /** API stage name (part of the endpoint URL). */
  readonly apiStageName: string;
  /** Usage plan steady rate, requests/second. */
  readonly apiThrottleRateLimit: number;
  /** Usage plan burst, requests. */
  readonly apiThrottleBurstLimit: number;
  /** API authentication: API key, IAM (SigV4), or both. */
  readonly apiAuth: ApiAuth;
  /** Also set the region's API Gateway CloudWatch role (an account-wide setting; the role is retained). */
  readonly configureApiGatewayAccount: boolean;
}

export const DEFAULTS: ShimSettings = {
  source: 'kinesis',
  systemOneTimezone: 'America/Chicago',
  logRetentionDays: 30,
  kinesisRetentionHours: 168,
  processorBufferSizeMBs: 1,
  processorBufferIntervalSeconds: 60,
  processorNumberOfRetries: 3,
  destinationBufferSizeMBs: 5,
  destinationBufferIntervalSeconds: 300,
  errorRetentionDays: 30,
  noncurrentVersionRetentionDays: 30,
  accessLogRetentionDays: 90,
  alarmEmail: '',
  dataFreshnessThresholdSeconds: 900,
  iteratorAgeThresholdSeconds: 3600,
  functionTimeoutSeconds: 60,
  apiStageName: 'v1',
  apiThrottleRateLimit: 50,
  apiThrottleBurstLimit: 100,
  apiAuth: 'api-key',
  configureApiGatewayAccount: false,
};

const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

type NumberKey = { [K in keyof ShimSettings]: ShimSettings[K] extends number ? K : never }[keyof ShimSettings];

const NUMBER_BOUNDS: Record<NumberKey, [number, number]> = {
  logRetentionDays: [1, 3653],
  kinesisRetentionHours: [24, 8760],
  processorBufferSizeMBs: [0.2, 3],
  processorBufferIntervalSeconds: [0, 900],
  processorNumberOfRetries: [0, 300],
  destinationBufferSizeMBs: [1, 128],
  destinationBufferIntervalSeconds: [0, 900],
  errorRetentionDays: [1, 36500],
  noncurrentVersionRetentionDays: [1, 36500],
  accessLogRetentionDays: [1, 36500],
  dataFreshnessThresholdSeconds: [60, 86400],
  iteratorAgeThresholdSeconds: [60, 86400],
  functionTimeoutSeconds: [1, 300],
  apiThrottleRateLimit: [1, 10000],
  apiThrottleBurstLimit: [1, 5000],
};

const CHOICES: Partial<Record<keyof ShimSettings, readonly string[]>> = {
  source: ['kinesis', 'direct-put'],
  apiAuth: ['api-key', 'iam', 'iam-and-api-key'],
};

/** Checks a full set of settings; throws naming the setting at fault. */
export function validate(s: ShimSettings): ShimSettings {
  for (const [key, [lo, hi]] of Object.entries(NUMBER_BOUNDS) as Array<[NumberKey, [number, number]]>) {
    const v = s[key];
    if (typeof v !== 'number' || Number.isNaN(v) || v < lo || v > hi) {
      throw new Error(`setting ${key}: ${v} is not a number in [${lo}, ${hi}]`);
    }
  }
  for (const [key, allowed] of Object.entries(CHOICES) as Array<[keyof ShimSettings, string[]]>) {
    if (!allowed.includes(String(s[key]))) {
      throw new Error(`setting ${key}: ${s[key]} is not one of ${allowed.join(', ')}`);
    }
  }
  if (!LOG_RETENTION_DAYS.includes(s.logRetentionDays)) {
    throw new Error(`setting logRetentionDays: ${s.logRetentionDays} is not one of ${LOG_RETENTION_DAYS.join(', ')}`);
  }
  if (s.iteratorAgeThresholdSeconds * 4 > s.kinesisRetentionHours * 3600) {
    throw new Error(
      `setting iteratorAgeThresholdSeconds: ${s.iteratorAgeThresholdSeconds} s is not well under the ` +
        `${s.kinesisRetentionHours} h retention (at most a quarter of it): records would expire before anyone acts`,
    );
  }
  if (!/^[A-Za-z0-9_]+$/.test(s.apiStageName)) throw new Error(`setting apiStageName: ${s.apiStageName} is not [A-Za-z0-9_]+`);
  if (!/^[A-Za-z][A-Za-z0-9_+/-]*$/.test(s.systemOneTimezone)) {
    throw new Error(`setting systemOneTimezone: ${s.systemOneTimezone} is not an IANA zone name`);
  }
  if (s.alarmEmail !== '' && !/^[^@\s]+@[^@\s]+$/.test(s.alarmEmail)) {
    throw new Error(`setting alarmEmail: ${s.alarmEmail} is not an e-mail address`);
  }
  return s;
}

/** Settings from CDK context (strings on the command line), over the defaults. */
export function fromContext(node: Node): ShimSettings {
  const out: Record<string, unknown> = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS) as Array<keyof ShimSettings>) {
    const raw = node.tryGetContext(key);
    if (raw === undefined) continue;
    const def = DEFAULTS[key];
    if (typeof def === 'number') out[key] = typeof raw === 'number' ? raw : Number(String(raw).trim());
    else if (typeof def === 'boolean') {
      if (raw === true || raw === 'true') out[key] = true;
      else if (raw === false || raw === 'false') out[key] = false;
      else throw new Error(`setting ${key}: ${raw} is not true or false`);
    } else out[key] = String(raw);
  }
  return validate(out as unknown as ShimSettings);
}
