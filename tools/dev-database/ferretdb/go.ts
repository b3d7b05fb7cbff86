import { constants as fsConstants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';

/** Where the build machines have Go when it is not on PATH. */
export const FALLBACK_GO = '/usr/local/go/bin/go';

/** A regular file this process may execute. */
export async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, fsConstants.X_OK);
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** `go` on PATH, else /usr/local/go/bin/go, else null. */
export async function findGo(): Promise<string | null> {
  const exe = process.platform === 'win32' ? 'go.exe' : 'go';
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && (await isExecutable(path.join(dir, exe)))) return path.join(dir, exe);
  }
  return (await isExecutable(FALLBACK_GO)) ? FALLBACK_GO : null;
}
