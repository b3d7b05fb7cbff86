import { POINT_ENTRY_TYPES } from '../../src/shared/ledger-entries.js';
import v8 from 'node:v8';
import vm from 'node:vm';
import { auditBooks } from '../../src/books/audit.js';
import { auditDeps } from '../../src/books/record-audit.js';
import { pointsOfUser } from '../../src/rewards/points.js';
import type { AuditReport } from '../../src/books/report.js';
import { countCommands, type CommandCounts } from '../support/commands.js';
import type { Lab } from '../support/lab.js';
import { clientOf } from '../support/lab.js';
import { seedBooks } from '../support/seed-books.js';
import { SETTINGS } from '../support/settings.js';
import { round1, timed, type Stats } from '../support/stats.js';

const MB = 1024 * 1024;
/** A full collection on demand (as --expose-gc gives), so a sample counts live objects, not garbage not yet collected. */
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;
const SAMPLE_EVERY_MS = 250;

/**
 * Samples the process's memory while `work` runs, each sample after a full garbage collection:
 * the peak of the live heap above where it started (what the work holds at once), and the peak
 * RSS (the whole bench process, FerretDB's client buffers included).
 */
async function withPeakMemory<T>(work: () => Promise<T>): Promise<{ result: T; peakHeapAboveStartMb: number; peakRssMb: number }> {
  collectGarbage();
  const start = process.memoryUsage();
  let peakHeap = start.heapUsed;
  let peakRss = start.rss;
  const sample = () => {
    collectGarbage();
    const now = process.memoryUsage();
    peakHeap = Math.max(peakHeap, now.heapUsed);
    peakRss = Math.max(peakRss, now.rss);
  };
  const timer = setInterval(sample, SAMPLE_EVERY_MS);
  try {
    const result = await work();
    sample();
    return { result, peakHeapAboveStartMb: round1((peakHeap - start.heapUsed) / MB), peakRssMb: round1(peakRss / MB) };
  } finally {
    clearInterval(timer);
  }
}

export interface AuditRun {
  ms: number;
  peakHeapAboveStartMb: number;
  peakRssMb: number;
  commands: CommandCounts;
  clean: boolean;
  checkpointsWritten: number;
  phaseMs: AuditReport['phaseMs'];
}

export interface PointsRead {
  latency: Stats;
  commands: CommandCounts;
  /** Ledger entries the read sums: all of the user's without a checkpoint, those since it with one. */
  entriesSummed: number;
}

/**
 * The books at one size: a fresh database holding a shop of `purchases` purchases whose books
 * hold (seed-books.ts). The audit's time, peak memory and commands — first writing every user's
 * points checkpoint, then again with them in place — and the points read of a hot referrer with
 * an entry per purchase, before the checkpoint (the full sum) and after it.
 */
export async function measureBooks(lab: Lab, purchases: number, step: (text: string) => void) {
  const database = `books${purchases}`;
  const dbName = lab.dbName(database);
  const api = await lab.start(database, { http: true, worker: false });
  try {
    step(`books ${purchases}: seeding a shop whose books hold`);
    const seeded = await seedBooks(api, purchases);
    const client = clientOf(api);
    const models = api.ctx.database.models;
    const stats = (await api.ctx.database.db.command({ collStats: 'transactions' }).catch(() => null)) as { size?: number } | null;

    const readPoints = async (): Promise<PointsRead> => {
      const commands = await countCommands(client, dbName, () => pointsOfUser(api.ctx.data, seeded.hotReferrer));
      const checkpoint = await models.PointCheckpoint.findById(seeded.hotReferrer).lean();
      const entriesSummed = await models.Ledger.countDocuments({ user: seeded.hotReferrer, type: { $in: POINT_ENTRY_TYPES }, ...(checkpoint ? { createdAt: { $gte: checkpoint.upTo } } : {}) });
      return { latency: await timed(SETTINGS.booksReads, 1, () => pointsOfUser(api.ctx.data, seeded.hotReferrer)), commands, entriesSummed };
    };
    const audit = async (): Promise<AuditRun> => {
      let report: AuditReport | undefined;
      const started = performance.now();
      const measured = await withPeakMemory(async () => {
        const commands = await countCommands(client, dbName, async () => {
          report = await auditBooks(auditDeps(api.ctx), { writeCheckpoints: true });
        });
        return commands;
      });
      return {
        ms: Math.round(performance.now() - started),
        peakHeapAboveStartMb: measured.peakHeapAboveStartMb,
        peakRssMb: measured.peakRssMb,
        commands: measured.result,
        clean: report!.clean,
        checkpointsWritten: report!.checkpoints.written,
        phaseMs: report!.phaseMs,
      };
    };

    step(`books ${purchases}: ${seeded.entries} ledger entries; the hot referrer's points, no checkpoint yet`);
    const pointsBefore = await readPoints();
    step(`books ${purchases}: the audit, writing the checkpoints`);
    const first = await audit();
    step(`  ${first.ms} ms (${JSON.stringify(first.phaseMs)}), peak heap +${first.peakHeapAboveStartMb} MB, ${first.clean ? 'clean' : 'NOT CLEAN'}, ${first.checkpointsWritten} checkpoints written`);
    const pointsAfter = await readPoints();
    step(`books ${purchases}: the audit again, checkpoints in place`);
    const second = await audit();
    step(`  ${second.ms} ms (${JSON.stringify(second.phaseMs)}), peak heap +${second.peakHeapAboveStartMb} MB`);
    // The audit writes no entries: the first read, before any checkpoint, summed them all.
    return { purchases, ...seeded, hotReferrerEntries: pointsBefore.entriesSummed, ledgerBytes: stats?.size ?? null, pointsBefore, pointsAfter, audit: { first, second } };
  } finally {
    await lab.stop(api);
  }
}

export type BooksResult = Awaited<ReturnType<typeof measureBooks>>;
