/**
 * The functions' telemetry as the infra reads it: infra/telemetry.json, the one file that
 * names the EMF metrics (namespace, names, dimension sets) and the log fields. The alarms and
 * the dashboard take every name from here (`metricName('RecordsProcessingFailed')` throws on a
 * name the file does not hold), and shared/tests/telemetry_contract.rs holds the file to what
 * the real handler emits, so a rename in Rust fails a test instead of leaving an alarm on a
 * metric nobody writes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface MetricContract {
  readonly unit: string;
  readonly dimensions: string[][];
}

export interface TelemetryContract {
  readonly namespace: string;
  readonly metrics: Record<string, MetricContract>;
  readonly streamDimension: string;
  readonly reasonDimension: string;
  readonly logs: Record<string, string[]>;
}

export const TELEMETRY_FILE = path.resolve(__dirname, '..', 'telemetry.json');

export const TELEMETRY: TelemetryContract = JSON.parse(fs.readFileSync(TELEMETRY_FILE, 'utf8'));

/** `name`, checked to be a metric of the contract (with the [Stream] dimension set). */
export function metricName(name: string): string {
  const metric = TELEMETRY.metrics[name];
  if (!metric) throw new Error(`${TELEMETRY_FILE}: no metric ${name}`);
  if (!metric.dimensions.some((set) => set.length === 1 && set[0] === TELEMETRY.streamDimension)) {
    throw new Error(`${TELEMETRY_FILE}: metric ${name} has no [${TELEMETRY.streamDimension}] dimension set`);
  }
  return name;
}
