import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient } from 'mongodb';
import type { Logger } from '../../../src/infra/logger.js';
import { ensureFerretDbBinary, FERRETDB_VERSION } from './binary.js';
import { PostgreSqlUnavailable, postgresqlDatabaseFor, redactPostgresqlUrl } from './postgresql.js';

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
