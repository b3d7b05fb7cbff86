/**
 * `npm run bench` — how the service's paths hold as the shop grows, and under contention.
 * The orchestrator: phases live in bench/phases/, helpers in bench/support/. See bench/README.md.
 *
 *   for each level of extra customers with history (BENCH_CUSTOMERS, default 0,1000), in a fresh
 *   database: the server's raw speed, the request paths (commands by name, percentiles), the
 *   Agendash list, and bursts of rewards jobs under a hot referrer and under separate trees with
 *   1, 2 and 3 workers (BENCH_WORKERS); then the dashboard at 100 and BENCH_AGENDASH_JOBS job
 *   documents with a worker running, Agendash's own list (before) beside the service's (after);
 *   then the books (BENCH_BOOKS_PURCHASES, default 1000,10000): the audit's time and memory, and
 *   the points read of a referrer paid on every purchase, before and after its checkpoint.
 *   BENCH_PHASES=levels,agendash,books picks phases.
 *
 * Every system runs at the service's defaults (config/defaults.ts; JOB_PROCESS_EVERY_MS and the
 * other settings may be overridden in the environment). Prints tables and writes
 * bench/results/<date>.json and bench/results/latest.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeCapabilities } from '../src/infra/database/capabilities.js';
import { configureLogger, logger } from '../src/infra/logger.js';
import { measureAgendash } from './phases/agendash.js';
import { measureBooks, type BooksResult } from './phases/books.js';
import { measureLevel, type LevelResult } from './phases/level.js';
import { Lab } from './support/lab.js';
import { agendashTable, booksTable, growthTable, levelTable, rewardsTable } from './support/report.js';
import { ORIGINAL, SETTINGS } from './support/settings.js';
import { round1 } from './support/stats.js';

async function main(): Promise<void> {
  configureLogger(process.env.LOG_LEVEL ?? 'warn', false);
  const t0 = performance.now();
  const seconds = () => round1((performance.now() - t0) / 1000);
  const step = (text: string) => process.stderr.write(`bench [${seconds().toFixed(1)} s] ${text}\n`);
  const lab = new Lab();
  try {
    // The first system finds the server; its database is the dashboard phase's.
    const dashboardApi = await lab.start('agendash', { http: true, worker: false });
    const { capabilities, mongo } = dashboardApi.ctx.database;
    const jobs = SETTINGS.jobs ?? (capabilities.kind === 'mongodb' ? 300 : 20);
    const backend = mongo.ferretdb ? `, over ${mongo.ferretdb.backend === 'postgresql' ? 'PostgreSQL' : 'SQLite'}` : '';
    const server = `${describeCapabilities(capabilities)} (${mongo.source}${backend})`;
    step(`server: ${server}`);

    const levels: LevelResult[] = [];
    for (const customers of SETTINGS.phases.includes('levels') ? SETTINGS.levels : []) {
      const level = await measureLevel(lab, customers, jobs, step);
      levels.push(level);
      // Shown at once: a run stopped later still leaves every finished level's figures.
      process.stderr.write(`\n${levelTable(level)}\n${rewardsTable([level])}\n\n`);
    }
    let agendash: Awaited<ReturnType<typeof measureAgendash>> = [];
    if (SETTINGS.phases.includes('agendash')) {
      step(`Agendash at 100 and ${SETTINGS.agendashJobs} job documents, one worker running`);
      agendash = await measureAgendash(lab, dashboardApi, 'agendash');
    }
    const books: BooksResult[] = [];
    for (const purchases of SETTINGS.phases.includes('books') ? SETTINGS.booksPurchases : []) {
      books.push(await measureBooks(lab, purchases, step));
      process.stderr.write(`\n${booksTable(books.slice(-1))}\n\n`);
    }

    const cpus = os.cpus();
    const queue = dashboardApi.ctx.config.queue;
    const results = {
      finishedAt: new Date().toISOString(),
      durationSeconds: seconds(),
      machine: { node: process.version, platform: `${os.platform()} ${os.arch()}`, cpus: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown' },
      server: { ...capabilities, description: server, source: mongo.source, resolved: mongo.description },
      settings: { ...SETTINGS, jobs, worker: { concurrency: queue.concurrency, lockLimit: queue.lockLimit, processEveryMs: queue.processEveryMs } },
      original: ORIGINAL,
      levels,
      agendash,
      books,
    };
    const out = [
      '',
      `Server:  ${server}`,
      `Machine: ${cpus.length} × ${results.machine.cpuModel}, Node ${process.version}`,
      `Workers: concurrency ${queue.concurrency}, lockLimit ${queue.lockLimit}, poll every ${queue.processEveryMs} ms (the service's settings); ${jobs} jobs per burst`,
      '',
      ...levels.flatMap((level) => [`Paths at ${level.customers} extra customers (${level.history.ledger} ledger entries of history):`, levelTable(level), '']),
      ...(levels.length > 0 ? ['Growth against the empty shop:', growthTable(levels), '', 'Rewards jobs, a burst enqueued at once:', rewardsTable(levels), ''] : []),
      ...(agendash.length > 0 ? ['Agendash list:', agendashTable(agendash), ''] : []),
      ...(books.length > 0 ? ['The books: the audit, and the points read of a referrer paid on every purchase:', booksTable(books), ''] : []),
      `Took ${results.durationSeconds} s.`,
      '',
    ].join('\n');
    process.stdout.write(out);

    const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
    await mkdir(dir, { recursive: true });
    const json = JSON.stringify(results, null, 2) + '\n';
    await writeFile(path.join(dir, `${results.finishedAt.replace(/[:.]/g, '-')}.json`), json);
    await writeFile(path.join(dir, 'latest.json'), json);
    await writeFile(path.join(dir, 'latest.txt'), out);
    step(`wrote ${path.relative(process.cwd(), path.join(dir, 'latest.json'))}`);
  } finally {
    step('stopping');
    await lab.close();
    step('stopped');
  }
}

main()
  .catch((error: unknown) => {
    logger.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  })
  .finally(() => {
    // Everything is stopped; what may remain is Agenda's per-run liveness timer (lockLifetime / 2,
    // not cleared when a job ends), which would keep the process alive for up to 30 s more.
    setTimeout(() => process.exit(), 1000).unref();
  });
