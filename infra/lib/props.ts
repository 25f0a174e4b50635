/**
 * The stack's settings ("stack props"), with their defaults and bounds. Set them on the
 * command line as CDK context (`npx cdk deploy -c source=direct-put -c alarmEmail=ops@example.com`)
 * or in code; `fromContext` checks every value and names the one that is wrong.
 */
import type { Node } from 'constructs';

export type Source = 'kinesis' | 'direct-put';
export type ApiAuth = 'api-key' | 'iam' | 'iam-and-api-key';
export type BufferingProfile = 'files' | 'minute' | 'fresh';
export type DataEncryption = 'sse-s3' | 'sse-kms';

export interface ShimSettings {
  /** `kinesis`: API -> Kinesis stream -> Firehose (per-key order, re-reads). `direct-put`: API -> Firehose. */
  readonly source: Source;
  /** IANA zone System One's timestamps are in (every function's SYSTEM_ONE_TIMEZONE). */
  readonly systemOneTimezone: string;
  /** Retention of every log group of the stack, in days (a CloudWatch Logs retention value). */
  readonly logRetentionDays: number;
  /** Kinesis retention, hours (24-8760): how long an unread record can wait to be re-read. */
  readonly kinesisRetentionHours: number;
  /**
   * Named buffering trade-off (README "Latency"): `files` (today's defaults, fewest objects),
   * `minute` (in S3 within about a minute), `fresh` (Firehose's smallest buffers). The four
   * buffering settings below and the freshness threshold override the profile one by one.
   */
  readonly bufferingProfile: BufferingProfile;
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
  /** Data bucket encryption: SSE-S3 (default) or SSE-KMS with the stack's customer managed key. */
  readonly dataBucketEncryption: DataEncryption;
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
  /**
   * Alarm when Firehose's read lag on a Kinesis stream exceeds this (GetRecords.IteratorAgeMilliseconds);
   * at most 900 s, so that a reader that stalls or falls behind alarms within 15 minutes.
   */
  readonly iteratorAgeThresholdSeconds: number;
  /**
   * Silence alarm: a stream with no incoming record for this many minutes (a multiple of 5)
   * alarms; missing data counts as silence. Default 15. See `silenceMinutesByStream`.
   */
  readonly silenceMinutes: number;
  /**
   * Per-stream silence windows for streams that are quiet at night, as `name=minutes,...`
   * (e.g. `estimates=720,virtual-requests=720`); minutes a multiple of 5, at most 1440, or 0
   * for no silence alarm on that stream. Empty: every stream uses `silenceMinutes`.
   */
  readonly silenceMinutesByStream: string;
  /** API 4XX alarm: share of requests answered 4xx (429 throttled, 403 key revoked, 400/413) in percent. */
  readonly apiClientErrorPercent: number;
  /** Days after which raw source backups under source/ move to S3 Glacier Flexible Retrieval. */
  readonly sourceArchiveAfterDays: number;
  /** Days after which raw source backups under source/ expire (seed 003: kept one year). */
  readonly sourceRetentionDays: number;
  /**
   * Days after which System One files under system-one/ (personal data) expire; 0 (default):
   * kept until deleted by hand, because the import job may need to re-read any of them.
   */
  readonly systemOneRetentionDays: number;
  /** Timeout of every function, seconds (Firehose allows up to 300). */
  readonly functionTimeoutSeconds: number;
  /** API stage name (part of the endpoint URL). */
  readonly apiStageName: string;
  /**
   * Design peak of System Two's events per second over all streams (one request each). The
   * usage plan (and, with apiAuth iam, the stage's method throttling) allows this rate and a
   * burst of twice it (at most 5,000, API Gateway's account burst). Default 600: the seeds'
   * 2M events/hour peak (556/s) with headroom; 10M events/day is 116/s on average.
   */
  readonly peakEventsPerSecond: number;
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
  bufferingProfile: 'files',
  processorBufferSizeMBs: 1,
  processorBufferIntervalSeconds: 60,
  processorNumberOfRetries: 3,
  destinationBufferSizeMBs: 5,
  destinationBufferIntervalSeconds: 300,
  dataBucketEncryption: 'sse-s3',
  errorRetentionDays: 30,
  noncurrentVersionRetentionDays: 30,
  accessLogRetentionDays: 90,
  alarmEmail: '',
  dataFreshnessThresholdSeconds: 900,
  iteratorAgeThresholdSeconds: 600,
  silenceMinutes: 15,
  silenceMinutesByStream: '',
  apiClientErrorPercent: 5,
  sourceArchiveAfterDays: 30,
  sourceRetentionDays: 365,
  systemOneRetentionDays: 0,
  functionTimeoutSeconds: 60,
  apiStageName: 'v1',
  peakEventsPerSecond: 600,
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
  iteratorAgeThresholdSeconds: [60, 900],
  silenceMinutes: [5, 1440],
  apiClientErrorPercent: [0.1, 100],
  sourceArchiveAfterDays: [1, 36500],
  sourceRetentionDays: [1, 36500],
  systemOneRetentionDays: [0, 36500],
  functionTimeoutSeconds: [1, 300],
  peakEventsPerSecond: [1, 10000],
};

const CHOICES: Partial<Record<keyof ShimSettings, readonly string[]>> = {
  source: ['kinesis', 'direct-put'],
  apiAuth: ['api-key', 'iam', 'iam-and-api-key'],
  bufferingProfile: ['files', 'minute', 'fresh'],
  dataBucketEncryption: ['sse-s3', 'sse-kms'],
};

type ProfileValues = Pick<
  ShimSettings,
  | 'processorBufferSizeMBs'
  | 'processorBufferIntervalSeconds'
  | 'destinationBufferSizeMBs'
  | 'destinationBufferIntervalSeconds'
  | 'dataFreshnessThresholdSeconds'
>;

/**
 * The buffering profiles, from Firehose's documented ranges (processor 0.2-3 MB and 0-900 s,
 * S3 1-128 MiB and 0-900 s; the first condition reached triggers). The freshness alarm is set
 * well above each profile's worst-case delay.
 */
export const BUFFERING_PROFILES: Record<BufferingProfile, ProfileValues> = {
  files: {
    processorBufferSizeMBs: 1,
    processorBufferIntervalSeconds: 60,
    destinationBufferSizeMBs: 5,
    destinationBufferIntervalSeconds: 300,
    dataFreshnessThresholdSeconds: 900,
  },
  minute: {
    processorBufferSizeMBs: 1,
    processorBufferIntervalSeconds: 30,
    destinationBufferSizeMBs: 5,
    destinationBufferIntervalSeconds: 30,
    dataFreshnessThresholdSeconds: 300,
  },
  fresh: {
    processorBufferSizeMBs: 0.2,
    processorBufferIntervalSeconds: 0,
    destinationBufferSizeMBs: 1,
    destinationBufferIntervalSeconds: 0,
    dataFreshnessThresholdSeconds: 180,
  },
};

/** The defaults, then the chosen profile's values, then every explicit setting. */
export function settingsFor(explicit: Partial<ShimSettings>): ShimSettings {
  const profile = explicit.bufferingProfile ?? DEFAULTS.bufferingProfile;
  const profileValues = BUFFERING_PROFILES[profile];
  if (!profileValues) throw new Error(`setting bufferingProfile: ${profile} is not one of files, minute, fresh`);
  return validate({ ...DEFAULTS, ...profileValues, ...explicit });
}

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
  silenceWindows(s);
  if (s.sourceRetentionDays <= s.sourceArchiveAfterDays) {
    throw new Error(
      `setting sourceRetentionDays: ${s.sourceRetentionDays} must be later than sourceArchiveAfterDays (${s.sourceArchiveAfterDays})`,
    );
  }
  if (!Number.isInteger(s.destinationBufferSizeMBs)) {
    throw new Error(`setting destinationBufferSizeMBs: ${s.destinationBufferSizeMBs} is not a whole number of MiB`);
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

/** The usage plan's (and IAM stage's) rate and burst for the design peak. */
export function apiThrottle(s: ShimSettings): { rateLimit: number; burstLimit: number } {
  return { rateLimit: s.peakEventsPerSecond, burstLimit: Math.min(2 * s.peakEventsPerSecond, 5000) };
}

/** The silence window of each stream named in `silenceMinutesByStream`; throws naming a bad entry. */
export function silenceWindows(s: ShimSettings): Record<string, number> {
  const check = (what: string, minutes: number, zeroOk: boolean) => {
    if (!Number.isInteger(minutes) || minutes % 5 !== 0 || minutes > 1440 || (minutes === 0 && !zeroOk) || minutes < 0) {
      throw new Error(`setting ${what}: ${minutes} is not a multiple of 5 minutes in [${zeroOk ? 0 : 5}, 1440]`);
    }
  };
  check('silenceMinutes', s.silenceMinutes, false);
  const out: Record<string, number> = {};
  for (const entry of s.silenceMinutesByStream.split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const m = /^([a-z-]+)=(\d+)$/.exec(entry);
    if (!m) throw new Error(`setting silenceMinutesByStream: ${entry} is not name=minutes`);
    check(`silenceMinutesByStream (${m[1]})`, Number(m[2]), true);
    out[m[1]] = Number(m[2]);
  }
  return out;
}

/** Settings from CDK context (strings on the command line), over the profile and the defaults. */
export function fromContext(node: Node): ShimSettings {
  const out: Record<string, unknown> = {};
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
  return settingsFor(out as Partial<ShimSettings>);
}
