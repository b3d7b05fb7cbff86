import { readFileSync } from 'node:fs';

/** The environment variables config/index.ts reads: the keys of its VARIABLES table (not exported, so read from the source). */
export function configVariables(): string[] {
  const source = readFileSync('config/index.ts', 'utf8');
  const start = source.indexOf('const VARIABLES = {');
  const block = source.slice(start, source.indexOf('} as const;', start));
  return [...block.matchAll(/^ {2}([A-Z_]+): /gm)].map((m) => m[1]!);
}
