/**
 * `npm run audit:books` (in production: `node dist/src/books-cli.js`) — the books audit
 * (docs/spec.md §12, src/books/) against the shop at MONGODB_URI, read the way the service reads
 * its configuration. Progress on stderr; the report on stdout.
 *
 *   npm run audit:books                         a readable report
 *   npm run audit:books -- --json               the report as JSON, for machines
 *   npm run audit:books -- --write-checkpoints  also bring the points checkpoints up to date
 *                                               (the scheduled audit does; by default this command only reads)
 *
 * Exit code: 0 the books hold · 1 discrepancies found · 2 could not audit (usage, settings, database).
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/index.js';
import { auditBooks, type AuditPhase } from './books/audit.js';
import { formatReport } from './books/report.js';
import { dataAccess } from './data-access.js';
import { openDatabase, type Database } from './infra/database/connection.js';
import { configureLogger, logger } from './infra/logger.js';

const USAGE = 'usage: npm run audit:books [-- --json] [--write-checkpoints]\n';
const PROGRESS_EVERY_MS = 2_000;

async function main(): Promise<number> {
  let options: { json: boolean; writeCheckpoints: boolean; help: boolean };
  try {
    const { values } = parseArgs({ args: process.argv.slice(2), strict: true, options: { json: { type: 'boolean' }, 'write-checkpoints': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
    options = { json: values.json ?? false, writeCheckpoints: values['write-checkpoints'] ?? false, help: values.help ?? false };
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const config = loadConfig();
  // Only warnings and errors, on stderr: stdout carries the report alone.
  configureLogger('warn', config.isProduction);
  if (!config.mongodbUri) {
    process.stderr.write('MONGODB_URI is not set: the audit reads an existing shop. Set it to the service\'s database (see docs/money-and-books.md, "The books audit").\n');
    return 2;
  }
  const progress = (phase: AuditPhase, done: number) => process.stderr.write(`audit: ${phase} ${done.toLocaleString('en-US')}\n`);
  let database: Database | undefined;
  try {
    database = await openDatabase(config, logger);
    process.stderr.write(`audit: reading ${config.dbName} …\n`);
    let last = 0;
    let lastPhase: AuditPhase | undefined;
    const report = await auditBooks(
      { ...dataAccess(database), rules: config.rewards, settleMs: config.books.settleMs },
      {
        writeCheckpoints: options.writeCheckpoints,
        onProgress: (phase, done) => {
          if (phase === lastPhase && Date.now() - last < PROGRESS_EVERY_MS) return;
          [last, lastPhase] = [Date.now(), phase];
          progress(phase, done);
        },
      },
    );
    process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return report.clean ? 0 : 1;
  } finally {
    await database?.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`audit failed: ${error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  },
);
