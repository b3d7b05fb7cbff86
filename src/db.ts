/**
 * `npm run db` — starts a MongoDB for development the same way the tests find one
 * (MONGODB_URI → mongodb-memory-server replica set → FerretDB) and keeps it running until
 * Ctrl-C / SIGTERM. Prints `MONGODB_URI=...` on one line of stdout.
 *
 *   npm run db            FerretDB data kept in .data/db across restarts
 *   npm run db -- --fresh FerretDB data in a temp dir, removed at exit
 *
 * (mongodb-memory-server always starts empty.)
 */
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { logger } from './infra/logger.js';
import { describeCapabilities, detectCapabilities } from './infra/database/capabilities.js';
import { projectRoot } from './infra/database/ferretdb.js';
import { resolveMongo } from './infra/database/resolve-mongo.js';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--fresh');
  if (args.includes('--help') || args.includes('-h') || unknown.length > 0) {
    process.stdout.write('usage: npm run db [-- --fresh]\n');
    process.exitCode = unknown.length > 0 && !args.includes('--help') && !args.includes('-h') ? 2 : 0;
    return;
  }
  const fresh = args.includes('--fresh');

  const existing = process.env.MONGODB_URI?.trim();
  if (existing) {
    process.stdout.write(`MONGODB_URI=${existing}\n`);
    process.stdout.write('# MONGODB_URI is already set in this environment; nothing to start.\n');
    return;
  }

  const dataDir = fresh ? undefined : path.join(projectRoot(), '.data', 'db');
  const mongo = await resolveMongo({ log: logger, dataDir });

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
      mongo.source === 'ferretdb' && !fresh ? `# data kept in ${dataDir} (use --fresh for a throw-away database)` : '',
      '# In another terminal:',
      `#   export MONGODB_URI='${mongo.uri}'`,
      '#   npm run dev        # or: npm test, npm run seed, npm run bench',
      `#   mongosh '${mongo.uri}'`,
      '# Ctrl-C stops it.',
      '',
    ]
      .filter((line, i, all) => line !== '' || i === all.length - 1)
      .join('\n'),
  );

  await new Promise<void>((resolve) => {
    // The server child does not hold the event loop; this timer does, until a signal arrives.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) {
        logger.warn(`${signal} again: exiting without waiting`);
        process.exit(1);
      }
      signalled = true;
      clearInterval(keepAlive);
      logger.info(`${signal}: stopping ${mongo.source} ...`);
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });

  await mongo.stop();
  logger.info('stopped');
  process.exit(0);
}

main().catch((err: unknown) => {
  logger.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
