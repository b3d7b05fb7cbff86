/**
 * `npm run db` — starts a MongoDB for development the same way the tests find one
 * (MONGODB_URI → mongodb-memory-server replica set → FerretDB) and keeps it running until
 * Ctrl-C / SIGTERM. Prints `MONGODB_URI=...` on one line of stdout.
 *
 *   npm run db                    FerretDB data kept in .data/db across restarts
 *   npm run db -- --fresh         FerretDB data in a temp dir, removed at exit
 *   npm run db -- --port 27018    a fixed port (or DB_PORT=27018) instead of a kernel-chosen one:
 *                                 stopped and started again, the same database is back at the same address
 *   npm run db -- --dir PATH      FerretDB data kept in PATH
 *   npm run db -- --members 3     the replica-set front with 3 members (ports N, N+1, N+2 with --port)
 *
 * With FERRETDB_POSTGRESQL_URL=postgres://user@host:port/BASE, FerretDB stores the documents in
 * PostgreSQL instead: a database of its own per data dir (kept), or a temporary one with --fresh.
 *
 * (mongodb-memory-server always starts empty.)
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { readDbCommandSettings } from '../../config/index.js';
import { logger } from '../../src/infra/logger.js';
import { describeCapabilities, detectCapabilities } from '../../src/infra/database/capabilities.js';
import { projectRoot } from './ferretdb.js';
import { resolveMongo } from './resolve-mongo.js';
import { onShutdownSignal } from '../../src/infra/shutdown.js';

async function main(): Promise<void> {
  const usage = 'usage: npm run db [-- --fresh] [--port N] [--dir PATH] [--members 1|3]\n';
  let settings: ReturnType<typeof readDbCommandSettings>;
  try {
    settings = readDbCommandSettings();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  let parsed: ReturnType<typeof parseDbArgs>;
  try {
    parsed = parseDbArgs(process.argv.slice(2), settings.port);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}`);
    process.exitCode = 2;
    return;
  }
  if (parsed.help) {
    process.stdout.write(usage);
    return;
  }
  const { fresh, port, members } = parsed;

  const existing = settings.mongodbUri;
  if (existing) {
    process.stdout.write(`MONGODB_URI=${existing}\n`);
    process.stdout.write('# MONGODB_URI is already set in this environment; nothing to start.\n');
    return;
  }

  const dataDir = fresh ? undefined : path.resolve(parsed.dir ?? path.join(projectRoot(), '.data', 'db'));
  const resolving = resolveMongo({ log: logger, dataDir, port, members });
  // The server child does not hold the event loop; this timer does, until a signal arrives.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  // Signals are ours from here on: one during start-up stops the server once it is up.
  onShutdownSignal(
    logger,
    async () => {
      clearInterval(keepAlive);
      const mongo = await resolving;
      logger.info(`stopping ${mongo.source} ...`);
      await mongo.stop();
      logger.info('stopped');
    },
    15_000,
  );
  const mongo = await resolving;

  let capabilities = '';
  const client = new MongoClient(mongo.uri, { serverSelectionTimeoutMS: 5_000 });
  try {
    capabilities = describeCapabilities(await detectCapabilities(client.db('admin')));
  } catch (err) {
    logger.warn(`could not detect server capabilities: ${(err as Error).message}`);
  } finally {
    await client.close();
  }

  process.stdout.write(
    [
      `MONGODB_URI=${mongo.uri}`,
      `# ${mongo.description}`,
      capabilities ? `# ${capabilities}` : '',
      mongo.ferretdb && !fresh
        ? `# data kept in ${mongo.ferretdb.postgresql ? `PostgreSQL database ${mongo.ferretdb.postgresql.database} (for ${dataDir})` : dataDir} (use --fresh for a throw-away database)`
        : '',
      '# In another terminal:',
      `#   export MONGODB_URI='${mongo.uri}'`,
      '#   npm run dev        # or: npm test, npm run seed, npm run bench',
      `#   mongosh '${mongo.uri}'`,
      mongo.front
        ? "# Faults by hand (the front takes MongoDB's test commands), e.g. in mongosh:\n" +
          "#   db.adminCommand({configureFailPoint: 'failCommand', mode: {times: 1}, data: {failCommands: ['commitTransaction'], errorCode: 112}})\n" +
          '#   db.adminCommand({replSetStepDown: 10})   // no primary for 10 s, then an election'
        : '',
      '# Ctrl-C stops it.',
      '',
    ]
      .filter((line, i, all) => line !== '' || i === all.length - 1)
      .join('\n'),
  );
}

/** The command line; --port wins over DB_PORT. */
function parseDbArgs(args: string[], envPort: number | undefined): { help: boolean; fresh: boolean; port?: number; dir?: string; members: number } {
  const { values } = parseArgs({
    args,
    strict: true,
    options: { help: { type: 'boolean', short: 'h' }, fresh: { type: 'boolean' }, port: { type: 'string' }, dir: { type: 'string' }, members: { type: 'string' } },
  });
  const port = values.port === undefined ? envPort : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65_536)) throw new Error(`invalid --port ${JSON.stringify(values.port)}: must be 1-65535`);
  if (values.fresh && values.dir) throw new Error('--fresh and --dir exclude each other');
  const members = Number(values.members ?? '1');
  if (members !== 1 && members !== 3) throw new Error(`invalid --members ${JSON.stringify(values.members)}: the replica-set front has 1 or 3 members`);
  return { help: values.help ?? false, fresh: values.fresh ?? false, port, dir: values.dir, members };
}

main().catch((err: unknown) => {
  logger.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
