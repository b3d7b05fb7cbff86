import type { Lab } from '../support/lab.js';
import { seedBuyers, seedHistory, seedProduct, tokensFor } from '../support/seed.js';
import { SETTINGS } from '../support/settings.js';
import { measureServiceList } from './agendash.js';
import { measureRawSpeed } from './raw-speed.js';
import { measureRequests } from './requests.js';
import { measureRewardsBurst } from './rewards.js';

const SEPARATE_TREES = 40;

/**
 * One data level: a fresh database holding `customers` extra customers with history, then every
 * path measured in it — the server's raw speed, the request paths, the Agendash list, and bursts
 * of rewards jobs under one hot referrer and under separate trees, with each worker count.
 */
export async function measureLevel(lab: Lab, customers: number, jobs: number, step: (text: string) => void) {
  const database = `c${customers}`;
  const dbName = lab.dbName(database);
  const api = await lab.start(database, { http: true, worker: false });
  step(`level ${customers}: seeding ${customers} customers with history`);
  await seedProduct(api);
  const history = await seedHistory(api, customers);
  const hot = await seedBuyers(api, Math.max(SETTINGS.inFlight, 2), 'hot', true);
  const separate = await seedBuyers(api, SEPARATE_TREES, 'tree', false);

  step(`level ${customers}: raw speed, ${SETTINGS.checkouts} checkouts (+ with a key), rewards use case, reads, ${SETTINGS.inFlight} clients`);
  const rawSpeed = await measureRawSpeed(api);
  const requests = await measureRequests(api, dbName, await tokensFor(api, hot));
  const agendashList = await measureServiceList(api, dbName, lab.admin);
  const p50 = (what: string, s: { p50: number }) => `${what} ${Math.round(s.p50 * 10) / 10} ms`;
  step(`level ${customers}: p50 ${[p50('checkout', requests.checkout.latency), p50('rewards job', requests.rewardsJob.latency), p50('find by _id', rawSpeed.findById), p50('Agendash list', agendashList.latency)].join(', ')}`);

  const rewards = [];
  for (const topology of ['hot referrer', 'separate trees'] as const) {
    for (const workers of SETTINGS.workers) {
      step(`level ${customers}: ${jobs} rewards jobs, ${topology}, ${workers} worker(s)`);
      const burst = await measureRewardsBurst(lab, database, api, topology === 'hot referrer' ? hot : separate, workers, jobs);
      step(`  ${burst.jobsPerSecond} jobs/s, run p50 ${burst.runMs.p50} ms, enqueue→start p50 ${burst.enqueueToStartMs.p50} ms, ${burst.duplicateRuns} duplicate runs`);
      rewards.push({ topology, ...burst });
    }
  }
  await lab.stop(api);
  return { customers, history, rawSpeed, ...requests, agendashList, rewards };
}

export type LevelResult = Awaited<ReturnType<typeof measureLevel>>;
