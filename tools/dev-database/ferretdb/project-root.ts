import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Walks up from this module to the directory holding tools/ferretdb/go.mod (works from src/ and dist/). */
export function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'tools', 'ferretdb', 'go.mod'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find tools/ferretdb/go.mod above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}
