import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Logger } from '../../../src/infra/logger.js';
import { ensureFerretDbBinary } from './binary.js';
import { redactUri } from '../../../src/shared/redact.js';

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
    return redactUri(url);
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
