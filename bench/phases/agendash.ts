import { AgendashController } from 'agendash';
import { newId } from '../../src/shared/ids.js';
import { JOBS_COLLECTION, JOB_NAMES } from '../../src/infra/queue/agenda.js';
import type { System } from '../../src/system.js';
import { countCommands, type CommandCounts } from '../support/commands.js';
import { clientOf, type Lab } from '../support/lab.js';
import { SETTINGS } from '../support/settings.js';
import { stats, type Stats } from '../support/stats.js';

export const AGENDASH_LIST = `/admin/jobs/api?job=${JOB_NAMES.processCheckoutRewards}&limit=50`;
const ROUTES = { list: AGENDASH_LIST, failedOnly: `${AGENDASH_LIST}&state=failed`, allJobs: '/admin/jobs/api?limit=50' };

/** Adds finished rewards jobs (5 % failed for good) until the collection holds `target` documents. */
export async function topUpJobs(system: System, target: number): Promise<number> {
  const collection = system.ctx.database.db.collection(JOBS_COLLECTION);
  const missing = target - (await collection.countDocuments({}));
  const now = Date.now();
  for (let done = 0; done < missing; done += 1000) {
    const batch = Array.from({ length: Math.min(1000, missing - done) }, (_, i) => {
      const finishedAt = new Date(now - (done + i) * 1000);
      const failed = (done + i) % 20 === 0;
      return {
        name: JOB_NAMES.processCheckoutRewards,
        data: { transactionId: newId().toString() },
        type: 'normal',
        priority: 0,
        nextRunAt: null,
        lastModifiedBy: 'bench',
        lockedAt: null,
        lastRunAt: new Date(finishedAt.getTime() - 20),
        lastFinishedAt: finishedAt,
        failedAt: failed ? finishedAt : null,
        failCount: failed ? 3 : null,
        failReason: failed ? 'bench: simulated failure' : null,
      };
    });
    await collection.insertMany(batch, { ordered: false });
  }
  return collection.countDocuments({});
}

export interface ListResult {
  latency: Stats;
  commands: CommandCounts;
}

async function repeat(system: System, dbName: string, times: number, once: () => Promise<void>): Promise<ListResult> {
  const ms: number[] = [];
  let commands: CommandCounts = {};
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    commands = await countCommands(clientOf(system), dbName, once);
    ms.push(performance.now() - t0);
  }
  return { latency: stats(ms), commands };
}

/** The service's Agendash list over HTTP (src/admin/agendash-list.ts). */
export async function measureServiceList(api: System, dbName: string, admin: Lab['admin'], route = AGENDASH_LIST, times = SETTINGS.agendashRepeats): Promise<ListResult> {
  const auth = `Basic ${Buffer.from(`${admin.username}:${admin.password}`).toString('base64')}`;
  return repeat(api, dbName, times, async () => {
    const res = await fetch(`${api.url!}${route}`, { headers: { Authorization: auth } });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`bench: ${route} answered ${res.status}: ${text.slice(0, 200)}`);
  });
}

/** Agendash's own answer to the same list, on Agenda and its Mongo backend as shipped: the "before". */
export function measureAgendashOwnList(api: System, dbName: string, times: number): Promise<ListResult> {
  return repeat(api, dbName, times, async () => {
    await new AgendashController(api.ctx.agenda).getJobs({ name: JOB_NAMES.processCheckoutRewards, skip: 0, limit: 50 });
  });
}

/**
 * The dashboard at two sizes of the jobs collection, with one worker running (polling at the
 * default interval): Agendash's own list (before) and the service's (after), and the service's
 * failed-only and all-jobs lists.
 */
export async function measureAgendash(lab: Lab, api: System, database: string) {
  const dbName = lab.dbName(database);
  const worker = await lab.start(database, { http: false, worker: true });
  try {
    const sizes = [100, SETTINGS.agendashJobs];
    const results = [];
    for (const size of sizes) {
      const jobDocuments = await topUpJobs(api, size);
      const after = {} as Record<keyof typeof ROUTES, ListResult>;
      for (const [name, route] of Object.entries(ROUTES) as [keyof typeof ROUTES, string][]) {
        after[name] = await measureServiceList(api, dbName, lab.admin, route);
        process.stderr.write(`bench: Agendash ${name} at ${jobDocuments} job documents: p50 ${Math.round(after[name].latency.p50)} ms, ${JSON.stringify(after[name].commands)}\n`);
      }
      // Agendash's own list reads every job document: once is enough at the big size.
      const before = await measureAgendashOwnList(api, dbName, size > 1000 ? 1 : SETTINGS.agendashRepeats);
      results.push({ jobDocuments, before, after });
      process.stderr.write(`bench: Agendash at ${jobDocuments} job documents: before p50 ${Math.round(before.latency.p50)} ms, after p50 ${Math.round(after.list.latency.p50)} ms\n`);
    }
    return results;
  } finally {
    await lab.stop(worker);
  }
}
