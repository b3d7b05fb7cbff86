import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Every TypeScript file under `dir`, as `dir/…` paths, sorted. */
export function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f).split(path.sep).join('/'))
    .sort();
}

/** The code of a file without its comments, so that a comment may name what it explains. */
export function code(file: string): string {
  return readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/** The modules a file imports, resolved to paths from the project root (`src/…/x.ts`); packages as named. */
export function importsOf(file: string): string[] {
  return [...code(file).matchAll(/^\s*(?:import|export)\b[^;]*?from\s+'([^']+)'/gm)].map(([, spec]) =>
    spec!.startsWith('.') ? path.posix.join(path.posix.dirname(file), spec!).replace(/\.js$/, '.ts') : spec!,
  );
}
