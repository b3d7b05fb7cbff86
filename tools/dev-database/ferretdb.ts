/**
 * FerretDB fallback: a MongoDB-wire-protocol server over SQLite (the default) or, when asked
 * (FERRETDB_POSTGRESQL_URL), over PostgreSQL, built from the project's own Go program in
 * tools/ferretdb (see docs/testing.md, "Building FerretDB here", for why and for what it cannot do).
 *
 * The binary is built once per machine (per source hash) into node_modules/.cache and started
 * on a kernel-chosen free port, or the one asked for. The child exits when its stdin closes, so it dies with this
 * process even on SIGKILL.
 *
 * Over PostgreSQL every server gets a PostgreSQL database of its own, named after the URL's
 * database (the base): a temporary server (no data dir) `<base>_tmp_<pid>_<random>`, created at
 * start and dropped when the server stops (by the child itself, so also when this process is
 * killed); a server with a kept data dir `<base>_<dir name>_<hash of its path>`, kept like the dir.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { constants as fsConstants, existsSync, rmSync } from 'node:fs';
import { access, mkdir, mkdtemp, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import type { Logger } from '../../src/infra/logger.js';

/** The FerretDB release the Go module in tools/ferretdb pins. */
export const FERRETDB_VERSION = 'v1.24.2';

const GO_SOURCES = ['go.mod', 'go.sum', 'main.go'] as const;
const FALLBACK_GO = '/usr/local/go/bin/go';
const LOCK_STALE_MS = 15 * 60_000;
const START_TIMEOUT_MS = 30_000;

export interface FerretDbServer {
  /** `mongodb://127.0.0.1:PORT/?directConnection=true&retryWrites=false` */
  uri: string;
  port: number;
  /** Where the documents are: SQLite files in dataDir, or the PostgreSQL database `postgresql`. */
  backend: 'sqlite' | 'postgresql';
  /** The SQLite directory (over PostgreSQL: the kept dir the database belongs to, or a temp dir). */
  dataDir: string;
  /** Over PostgreSQL: the server's database and its URL with any password hidden. */
  postgresql?: { database: string; url: string; temporary: boolean };
  /** Human-readable: backend and place (for logs and test summaries). */
  description: string;
  pid: number;
  /** Stops the server (SIGTERM, then SIGKILL after 8 s), removes a temporary data dir and drops a temporary PostgreSQL database. Idempotent. */
  stop(): Promise<void>;
}

export interface StartFerretDbOptions {
  /** Directory for the SQLite files, kept at stop. Default: a fresh temp dir, removed at stop. */
  dataDir?: string;
  /** Port on 127.0.0.1. Default: one the kernel picks. */
  port?: number;
  /**
   * Store the documents in PostgreSQL instead of SQLite: `postgres://user@host:port/BASE`. The
   * server gets a database of its own named after BASE (module comment); a kept dataDir keeps it.
   */
  postgresqlUrl?: string;
  log: Logger;
}

/** The base name of FERRETDB_POSTGRESQL_URL's databases is cut to this, so every derived name fits PostgreSQL's 63 bytes. */
const PG_BASE_MAX = 30;

export class PostgreSqlUnavailable extends Error {
  override name = 'PostgreSqlUnavailable';
}

/** A PostgreSQL URL with its password hidden. */
export function redactPostgresqlUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/([^@/]*)@/, '//***@');
  }
}

/**
 * The PostgreSQL database a FerretDB server uses: for a kept data dir always the same one
 * (`<base>_<dir name>_<hash of the absolute path>`), for a temporary server a fresh one
 * (`<base>_tmp_<pid>_<random>`, which the Go program recognises to drop it if its process died).
 */
export function postgresqlDatabaseFor(baseUrl: string, dataDir: string | undefined): { url: string; database: string } {
  const u = new URL(baseUrl);
  const base = (decodeURIComponent(u.pathname.replace(/^\//, '')) || 'ferretdb').toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, PG_BASE_MAX);
  let database: string;
  if (dataDir === undefined) {
    database = `${base}_tmp_${process.pid}_${randomBytes(4).toString('hex')}`;
  } else {
    const abs = path.resolve(dataDir);
    const name = path.basename(abs).toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 12);
    database = `${base}_${name}_${createHash('sha256').update(abs).digest('hex').slice(0, 8)}`;
  }
  u.pathname = `/${database}`;
  return { url: u.toString(), database };
}

/** Runs the FerretDB binary's PostgreSQL admin modes (`-list-databases`, `-drop-database`); resolves with its stdout. */
async function postgresqlAdmin(url: string, mode: string, log: Logger): Promise<string> {
  const binary = await ensureFerretDbBinary(log);
  return new Promise((resolve, reject) => {
    execFile(binary, ['-postgresql-url', url, mode], { timeout: 20_000 }, (error, stdout, stderr) => {
      if (error) reject(new PostgreSqlUnavailable(stderr.trim().replace(/^ferretdb: /, '') || error.message));
      else resolve(stdout);
    });
  });
}

/** The databases of the PostgreSQL server at `url` (for tests and for finding leftovers). */
export async function listPostgresqlDatabases(url: string, log: Logger): Promise<string[]> {
  return (await postgresqlAdmin(url, '-list-databases', log)).split('\n').filter(Boolean);
}

/** Drops the database `url` names (e.g. a kept one), closing its connections. */
export async function dropPostgresqlDatabase(url: string, log: Logger): Promise<void> {
  await postgresqlAdmin(url, '-drop-database', log);
}

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

async function isExecutable(file: string): Promise<boolean> {
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

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Takes an exclusive lock file (O_EXCL). Waits while another live process holds it; takes over a
 * stale one (holder dead or lock older than 15 min). Returns false if `done()` became true meanwhile.
 */
async function acquireLock(lockFile: string, done: () => Promise<boolean>, log: Logger): Promise<boolean> {
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
    await unlink(lockFile).catch(() => undefined);
  }
}

/** Waits for the `FERRETDB_LISTENING host:port` line, or fails if the child exits or times out. */
function waitForListening(child: ChildProcess, stderrTail: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => finish(new Error(`FerretDB did not start listening within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      finish(new Error(`FerretDB exited before listening (${signal ?? `exit ${code}`}): ${stderrTail() || '(no output)'}`));
    const onError = (err: Error) => finish(err);
    function finish(result: Error | number) {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.off('error', onError);
      lines.off('line', onLine);
      if (typeof result === 'number') resolve(result);
      else reject(result);
    }
    function onLine(line: string) {
      const m = /^FERRETDB_LISTENING \S*:(\d+)\s*$/.exec(line);
      if (m) finish(Number(m[1]));
    }
    lines.on('line', onLine);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

async function waitForPing(uri: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let lastError: unknown;
  while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 2_000, connectTimeoutMS: 2_000 });
    try {
      await client.db('admin').command({ ping: 1 });
      return;
    } catch (err) {
      lastError = err;
      await sleep(200);
    } finally {
      await client.close().catch(() => undefined);
    }
  }
  throw new Error(`FerretDB at ${uri} did not answer ping: ${String((lastError as Error | undefined)?.message ?? 'process exited')}`);
}

function unrefStream(stream: unknown): void {
  (stream as { unref?: () => void } | null)?.unref?.();
}

/**
 * Starts FerretDB (building it first if needed) on a 127.0.0.1 port (given, or a free one) and resolves once it
 * answers a MongoDB `ping`. The child does not keep the event loop alive, exits when this process
 * exits (stdin EOF; also killed in a process 'exit' hook) and is stopped with `stop()`.
 */
export async function startFerretDb(opts: StartFerretDbOptions): Promise<FerretDbServer> {
  const { log } = opts;
  const binary = await ensureFerretDbBinary(log);

  const temporary = opts.dataDir === undefined;
  const dataDir = temporary
    ? await mkdtemp(path.join(os.tmpdir(), 'checkout-rewards-ferretdb-'))
    : path.resolve(opts.dataDir as string);
  await mkdir(dataDir, { recursive: true });

  const pg = opts.postgresqlUrl ? postgresqlDatabaseFor(opts.postgresqlUrl, opts.dataDir) : undefined;
  const postgresql = pg && { database: pg.database, url: redactPostgresqlUrl(pg.url), temporary };
  const backendArgs = pg
    ? ['-postgresql-url', pg.url, '-postgresql-create', ...(temporary ? ['-postgresql-drop-at-exit'] : [])]
    : ['-dir', dataDir];
  const child = spawn(binary, ['-listen', `127.0.0.1:${opts.port ?? 0}`, ...backendArgs, '-log-level', 'error', '-exit-on-stdin-eof'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  const stderrLines = createInterface({ input: child.stderr });
  stderrLines.on('line', (line) => {
    stderr = (stderr + line + '\n').slice(-4000);
    // An unreachable PostgreSQL becomes the one error startFerretDb throws.
    if (pg && /PostgreSQL at .* is unreachable|cannot create PostgreSQL database/.test(line)) return;
    log.warn(`ferretdb[${child.pid ?? '?'}]: ${line}`);
  });
  // Keep the pipe open (its EOF is the child's signal to exit) without holding the event loop.
  child.stdin.on('error', () => undefined);
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));

  const onProcessExit = () => {
    try {
      // Over PostgreSQL a temporary server drops its database on SIGTERM (and on stdin EOF).
      child.kill(postgresql?.temporary ? 'SIGTERM' : 'SIGKILL');
    } catch {
      /* already gone */
    }
    if (temporary) rmSync(dataDir, { recursive: true, force: true });
  };
  process.on('exit', onProcessExit);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.off('exit', onProcessExit);
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        // The child gives its connections 5 s, then drops a temporary PostgreSQL database.
        const timer = setTimeout(() => child.kill('SIGKILL'), 8_000);
        await exited;
        clearTimeout(timer);
      }
      stderrLines.close();
      if (temporary) await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
      log.debug(`FerretDB (pid ${child.pid ?? '?'}) stopped`);
    })();
    return stopping;
  };

  try {
    const port = await waitForListening(child, () => stderr.trim()).catch((error: unknown) => {
      if (pg && /PostgreSQL at .* is unreachable|cannot create PostgreSQL database/.test(stderr)) {
        throw new PostgreSqlUnavailable(stderr.trim().split('\n').map((l) => l.replace(/^ferretdb: /, '')).join(' ').replace(/\s+/g, ' '));
      }
      throw error;
    });
    const uri = `mongodb://127.0.0.1:${port}/?directConnection=true&retryWrites=false`;
    await waitForPing(uri, child);
    child.unref();
    unrefStream(child.stdin);
    unrefStream(child.stdout);
    unrefStream(child.stderr);
    child.stdout.resume(); // drain anything else it prints
    const where = postgresql
      ? `PostgreSQL database ${postgresql.database}${postgresql.temporary ? ' (temporary)' : ''} on ${postgresql.url.replace(/\/[^/?]*(\?.*)?$/, '')}`
      : `SQLite in ${dataDir}`;
    const description = `FerretDB ${FERRETDB_VERSION} (${where}) at ${uri}`;
    log.debug(`${description} (pid ${child.pid ?? '?'})`);
    return { uri, port, backend: pg ? 'postgresql' : 'sqlite', dataDir, postgresql, description, pid: child.pid ?? -1, stop };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}
