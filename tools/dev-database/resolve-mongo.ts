/**
 * Finds a MongoDB for tests, development and benchmarks (docs/database.md, "How MongoDB is found"):
 *   1. a URI given by the caller (MONGODB_URI) → used as is;
 *   2. mongodb-memory-server as a one-node replica set (honours MONGOMS_SYSTEM_BINARY);
 *   3. if no mongod binary can be had: FerretDB behind the project's replica-set front
 *      (replset-front/front.ts: sessions, serial transactions with undo, faults on demand), loudly:
 *      FerretDB over SQLite files, or over PostgreSQL when FERRETDB_POSTGRESQL_URL asks for it;
 *   4. otherwise one error listing these three ways.
 */
import { MongoMemoryReplSet, errors as mmsErrors } from 'mongodb-memory-server';
import { readFerretDbPostgresqlUrl } from '../../config/index.js';
import type { Logger } from '../../src/infra/logger.js';
import { FERRETDB_VERSION, PostgreSqlUnavailable, type FerretDbServer, redactPostgresqlUrl, startFerretDb } from './ferretdb.js';
import { ReplSetFront } from './replset-front/front.js';
import { redactUri } from '../../src/shared/redact.js';

export { projectRoot } from './ferretdb.js';

export interface ResolvedMongo {
  /** Works with `mongoose.connect(uri, { dbName })` and `new MongoClient(uri)`. */
  uri: string;
  source: 'env' | 'memory-replset' | 'replset-front';
  /** FerretDB's storage (SQLite files, or a PostgreSQL database) and address, behind the front; absent for MongoDB. */
  ferretdb?: Pick<FerretDbServer, 'backend' | 'dataDir' | 'postgresql' | 'port'>;
  /** The replica-set front in front of FerretDB (fault tests start more fronts on the same FerretDB). */
  front?: ReplSetFront;
  /** Human-readable: what server this is (for logs and test summaries). */
  description: string;
  /** Stops a server this module started; a no-op for a given URI. Idempotent. */
  stop(): Promise<void>;
}

export interface ResolveMongoOptions {
  /** MONGODB_URI, if set: used untouched and nothing is started. */
  uri?: string;
  log: Logger;
  /** FerretDB's SQLite directory (kept; over PostgreSQL: its database is kept). Default: a temp dir (and database) removed at stop. */
  dataDir?: string;
  /**
   * FerretDB over PostgreSQL (`postgres://user@host:port/BASE`) instead of SQLite; null: SQLite.
   * Default: FERRETDB_POSTGRESQL_URL (config/index.ts).
   */
  postgresqlUrl?: string | null;
  /** Port to listen on (127.0.0.1); the front's further members take the next ports. Default: ones the kernel picks. */
  port?: number;
  /** Members of the replica-set front (1 or 3); the FerretDB fallback only. Default 1. */
  members?: number;
}

const WAYS =
  '  1. set MONGODB_URI to a MongoDB replica set (transactions need one), e.g. MONGODB_URI=mongodb://localhost:27017/?replicaSet=rs0\n' +
  '  2. let mongodb-memory-server download mongod (needs https://fastdl.mongodb.org), or set MONGOMS_SYSTEM_BINARY=/path/to/mongod\n' +
  '  3. install Go >= 1.24 (on PATH or /usr/local/go/bin/go) so FerretDB can be built from tools/ferretdb via the Go module proxy';

const NETWORK_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'CERT_HAS_EXPIRED',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

/** True when memory-server failed because no runnable mongod binary could be had. */
export function isMongodUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (
    err instanceof mmsErrors.DownloadError ||
    err instanceof mmsErrors.BinaryNotFoundError ||
    err instanceof mmsErrors.UnknownPlatformError ||
    err instanceof mmsErrors.UnknownArchitectureError ||
    err instanceof mmsErrors.UnknownLinuxDistro ||
    err instanceof mmsErrors.UnknownVersionError ||
    err instanceof mmsErrors.KnownVersionIncompatibilityError ||
    err instanceof mmsErrors.Md5CheckFailedError ||
    err instanceof mmsErrors.NoRegexMatchError ||
    err instanceof mmsErrors.ParseArchiveRegexError ||
    err instanceof mmsErrors.InsufficientPermissionsError ||
    err instanceof mmsErrors.StartBinaryFailedError
  ) {
    return true;
  }
  // A downloaded mongod that cannot run here (missing shared libraries).
  if (err instanceof mmsErrors.StdoutInstanceError && /librar|libcurl|libcrypto|libssl|shared object/i.test(err.message)) {
    return true;
  }
  const code = (err as NodeJS.ErrnoException).code;
  return typeof code === 'string' && NETWORK_CODES.has(code);
}

function messageOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n').join(' ').trim();
}

/**
 * Runs `fn` with memory-server's download retries at 1 unless the user chose a value: a DNS
 * failure (ENOTFOUND fastdl.mongodb.org) is not going to heal in the ~7 s the 3 default retries take.
 * memory-server also console.warn()s a full stack when start fails; that goes to debug instead,
 * as the caller logs its own, clearer message.
 */
async function withQuietFastFailure<T>(log: Logger, fn: () => Promise<T>): Promise<T> {
  const retriesWasSet = process.env.MONGOMS_MAX_RETRIES !== undefined;
  if (!retriesWasSet) process.env.MONGOMS_MAX_RETRIES = '1';
  const originalWarn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('Starting the MongoMemory')) {
      log.debug(`mongodb-memory-server: ${args.map((a) => (a instanceof Error ? a.stack : String(a))).join(' ')}`);
    } else {
      originalWarn.apply(console, args);
    }
  };
  try {
    return await fn();
  } finally {
    console.warn = originalWarn;
    if (!retriesWasSet) delete process.env.MONGOMS_MAX_RETRIES;
  }
}

async function startMemoryReplSet(log: Logger, port: number | undefined): Promise<ResolvedMongo> {
  const replSet = new MongoMemoryReplSet({ replSet: { count: 1, storageEngine: 'wiredTiger' }, instanceOpts: port ? [{ port }] : [] });
  try {
    await withQuietFastFailure(log, () => replSet.start());
  } catch (err) {
    // start() stops what it spawned but keeps the temp dirs "for investigation"; we don't need them.
    await replSet.stop({ doCleanup: true, force: true }).catch(() => undefined);
    throw err;
  }
  const uri = replSet.getUri();
  let stopping: Promise<void> | undefined;
  return {
    uri,
    source: 'memory-replset',
    description: `mongodb-memory-server replica set "${replSet.replSetOpts.name ?? 'testset'}" at ${uri}`,
    stop: () => (stopping ??= replSet.stop({ doCleanup: true, force: true }).then(() => undefined)),
  };
}

/** Resolves a MongoDB in the order of docs/database.md; see the module comment. */
export async function resolveMongo(opts: ResolveMongoOptions): Promise<ResolvedMongo> {
  const { log } = opts;
  const given = opts.uri?.trim();
  if (given) {
    return {
      uri: given,
      source: 'env',
      description: `MONGODB_URI ${redactUri(given)}`,
      stop: async () => undefined,
    };
  }

  let memoryError: unknown;
  try {
    const started = Date.now();
    const resolved = await startMemoryReplSet(log, opts.port);
    log.info(`MongoDB: started ${resolved.description} in ${Date.now() - started} ms`);
    return resolved;
  } catch (err) {
    memoryError = err;
  }

  if (!isMongodUnavailable(memoryError)) {
    throw new Error(
      `No MongoDB: MONGODB_URI is not set and mongodb-memory-server failed to start a replica set: ${messageOf(memoryError)}\n` +
        `(mongod was available, so the FerretDB fallback was not tried.) Ways to get a MongoDB:\n${WAYS}`,
      { cause: memoryError },
    );
  }

  const postgresqlUrl = opts.postgresqlUrl === undefined ? readFerretDbPostgresqlUrl() : (opts.postgresqlUrl ?? undefined);
  const backend = postgresqlUrl
    ? `PostgreSQL at ${redactPostgresqlUrl(postgresqlUrl)}, asked for by FERRETDB_POSTGRESQL_URL`
    : 'SQLite files; FERRETDB_POSTGRESQL_URL unset';
  const members = opts.members ?? 1;
  log.warn(
    '************************************************************************************\n' +
      `MongoDB: no mongod binary can be had (${messageOf(memoryError)}).\n` +
      `FALLING BACK TO FerretDB ${FERRETDB_VERSION} (MongoDB wire protocol over ${backend})\n` +
      `behind the project's REPLICA-SET FRONT (${members} member${members === 1 ? '' : 's'}). This is NOT MongoDB:\n` +
      '  - transactions are SERIAL (one at a time, nothing else meanwhile) and undone by the front\n' +
      '    on abort: stronger isolation than MongoDB snapshots, so write conflicts only come injected;\n' +
      '  - no change streams, partial/TTL indexes, $lookup/$facet, arrayFilters; every query scans.\n' +
      'For real MongoDB set MONGODB_URI to a replica set, or MONGOMS_SYSTEM_BINARY to a mongod.\n' +
      '************************************************************************************',
  );

  let ferret: FerretDbServer | undefined;
  try {
    const started = Date.now();
    ferret = await startFerretDb({ dataDir: opts.dataDir, postgresqlUrl, log });
    const front = await new ReplSetFront({
      upstream: { host: '127.0.0.1', port: ferret.port },
      members,
      ports: opts.port ? Array.from({ length: members }, (_, i) => opts.port! + i) : undefined,
      upstreamDescription: ferret.description,
      log: (level, message) => log[level](message),
    }).start();
    const description = `replica-set front "${front.state.setName}" (${members} member${members === 1 ? '' : 's'}, not MongoDB) at ${front.uri} over ${ferret.description}`;
    log.warn(`MongoDB: using ${description}, ready in ${Date.now() - started} ms`);
    const server = ferret;
    let stopping: Promise<void> | undefined;
    return {
      uri: front.uri,
      source: 'replset-front',
      ferretdb: { backend: server.backend, dataDir: server.dataDir, postgresql: server.postgresql, port: server.port },
      front,
      description,
      stop: () => (stopping ??= front.stop().finally(() => server.stop())),
    };
  } catch (ferretError) {
    await ferret?.stop();
    if (ferretError instanceof PostgreSqlUnavailable) {
      throw new Error(
        `FERRETDB_POSTGRESQL_URL asks for FerretDB over PostgreSQL, but ${ferretError.message}. ` +
          'Start PostgreSQL (or fix the URL), or unset FERRETDB_POSTGRESQL_URL to use FerretDB over SQLite.',
        { cause: ferretError },
      );
    }
    throw new Error(
      'No MongoDB available. Tried:\n' +
        '  - MONGODB_URI: not set\n' +
        `  - mongodb-memory-server: ${messageOf(memoryError)}\n` +
        `  - FerretDB fallback: ${messageOf(ferretError)}\n` +
        `Do one of these:\n${WAYS}`,
      { cause: ferretError },
    );
  }
}
