/**
 * Saved Logs Insights queries: one AWS::Logs::QueryDefinition per file infra/queries/*.query
 * (interfaces.md). The file is the query, except leading lines starting with `#`, which
 * describe it. No folder or no file: no query definition.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

export const QUERIES_DIR = path.resolve(__dirname, '..', 'queries');

export interface SavedQuery {
  readonly stem: string;
  readonly description: string[];
  readonly query: string;
}

/** Reads `<dir>/*.query`, sorted by name; throws naming a file whose query is empty. */
export function readQueries(dir: string): SavedQuery[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.query'))
    .sort()
    .map((file) => {
      const lines = fs.readFileSync(path.join(dir, file), 'utf8').split('\n');
      let first = 0;
      while (first < lines.length && lines[first].startsWith('#')) first += 1;
      const description = lines.slice(0, first).map((l) => l.replace(/^#\s?/, ''));
      const query = lines.slice(first).join('\n').trim();
      if (query === '') throw new Error(`${path.join(dir, file)}: no query after the description lines`);
      return { stem: file.slice(0, -'.query'.length), description, query };
    });
}

/**
 * One query definition per saved query, over `logGroups`. The L1 resource takes the query
 * text as it is (the L2 QueryString builds a query from parts, ours is a whole text).
 */
export function addQueryDefinitions(scope: Construct, logGroups: logs.ILogGroup[], dir = QUERIES_DIR): number {
  const queries = readQueries(dir);
  const stackName = Stack.of(scope).stackName;
  for (const q of queries) {
    new logs.CfnQueryDefinition(scope, `Query${q.stem.replace(/[^A-Za-z0-9]/g, '')}`, {
      name: `${stackName}/${q.stem}`,
      queryString: q.query,
      logGroupNames: logGroups.map((g) => g.logGroupName),
    });
  }
  return queries.length;
}
