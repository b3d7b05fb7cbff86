import { open, readFile, stat, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../../src/infra/logger.js';

/** A lock older than this is taken over even if its holder seems alive (a pid reused by another process). */
const LOCK_STALE_MS = 15 * 60_000;

/** True while a process with this pid exists (one we may not signal counts). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes an exclusive lock file (O_EXCL). Waits while another live process holds it; takes over a
 * stale one (holder dead or lock older than 15 min). Returns false if `done()` became true meanwhile.
 */
export async function acquireLock(lockFile: string, done: () => Promise<boolean>, log: Logger): Promise<boolean> {
  let announced = false;
  for (;;) {
    try {
      const fh = await open(lockFile, 'wx');
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (await done()) return false;
    let stale = false;
    try {
      const [content, st] = await Promise.all([readFile(lockFile, 'utf8'), stat(lockFile)]);
      const holder = Number.parseInt(content, 10);
      const age = Date.now() - st.mtimeMs;
      // An empty lock younger than a few seconds is being written right now.
      stale = Number.isInteger(holder) ? !pidAlive(holder) || age > LOCK_STALE_MS : age > 5_000;
    } catch {
      continue; // lock vanished between open and read: retry at once
    }
    if (stale) {
      await unlink(lockFile).catch(() => undefined);
      continue;
    }
    if (!announced) {
      log.warn(`FerretDB: another process is building the binary (lock ${lockFile}); waiting for it`);
      announced = true;
    }
    await sleep(500);
  }
}

/** Releases a lock taken by acquireLock. */
export async function releaseLock(lockFile: string): Promise<void> {
  await unlink(lockFile).catch(() => undefined);
}
