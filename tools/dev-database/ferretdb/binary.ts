import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../../src/infra/logger.js';
import { acquireLock, pidAlive, releaseLock } from './build-lock.js';
import { FALLBACK_GO, findGo, isExecutable } from './go.js';
import { projectRoot } from './project-root.js';

/** The FerretDB release the Go module in tools/ferretdb pins. */
export const FERRETDB_VERSION = 'v1.24.2';

/** What the binary is built from: a change to any of them is another binary. */
const GO_SOURCES = ['go.mod', 'go.sum', 'main.go'] as const;

function runGoBuild(go: string, cwd: string, out: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(go, ['build', '-buildvcs=false', '-ldflags=-s -w', '-o', out, '.'], {
      cwd,
      env: { ...process.env, CGO_ENABLED: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`\`${go} build\` in ${cwd} failed (${signal ?? `exit ${code}`}):\n${output.trim()}`));
    });
  });
}

/**
 * Returns the path of the FerretDB binary for the current tools/ferretdb sources, building it
 * (CGO_ENABLED=0, about a minute; longer with a cold Go module cache) if it is not cached yet.
 * Cache: node_modules/.cache/checkout-rewards-ferretdb/<hash of go.mod, go.sum, main.go>/ferretdb.
 * Concurrent callers (other processes) wait on a lock file; the binary is written to a temp file
 * and renamed into place, so a partial build is never taken for a finished one.
 */
export async function ensureFerretDbBinary(log: Logger): Promise<string> {
  const root = projectRoot();
  const srcDir = path.join(root, 'tools', 'ferretdb');
  const hash = createHash('sha256');
  hash.update(`${process.platform}-${process.arch}\0`);
  for (const name of GO_SOURCES) {
    hash.update(`${name}\0`);
    hash.update(await readFile(path.join(srcDir, name)));
    hash.update('\0');
  }
  const digest = hash.digest('hex').slice(0, 16);
  const cacheDir = path.join(root, 'node_modules', '.cache', 'checkout-rewards-ferretdb', digest);
  const binary = path.join(cacheDir, process.platform === 'win32' ? 'ferretdb.exe' : 'ferretdb');
  if (await isExecutable(binary)) return binary;

  const go = await findGo();
  if (!go) {
    throw new Error(
      `FerretDB must be built from tools/ferretdb but no Go toolchain was found (looked on PATH and at ${FALLBACK_GO}). ` +
        'Install Go >= 1.24 (https://go.dev/dl/).',
    );
  }

  await mkdir(cacheDir, { recursive: true });
  const lockFile = path.join(cacheDir, 'build.lock');
  if (!(await acquireLock(lockFile, () => isExecutable(binary), log))) return binary;
  try {
    if (await isExecutable(binary)) return binary; // built by the previous lock holder
    // Leftovers of builds whose process died (their `go build` may even still be running: the
    // names carry the pid, so a live builder's file is left alone).
    for (const name of await readdir(cacheDir)) {
      const m = /\.tmp-(\d+)-\d+$/.exec(name);
      if (m && !pidAlive(Number(m[1]))) await rm(path.join(cacheDir, name), { force: true });
    }
    log.warn(
      `FerretDB: building ${FERRETDB_VERSION} from ${srcDir} with ${go} (once per machine; ~1 min, ` +
        'longer if the Go module cache is cold) ...',
    );
    const started = Date.now();
    const tmp = `${binary}.tmp-${process.pid}-${Date.now()}`;
    try {
      await runGoBuild(go, srcDir, tmp);
      await rename(tmp, binary);
    } finally {
      await rm(tmp, { force: true });
    }
    log.warn(`FerretDB: built ${binary} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return binary;
  } finally {
    await releaseLock(lockFile);
  }
}
