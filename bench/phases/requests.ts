import { randomBytes } from 'node:crypto';
import { processCheckoutRewards } from '../../src/rewards/process-checkout-rewards.js';
import type { System } from '../../src/system.js';
import { countCommands, type CommandCounts } from '../support/commands.js';
import { clientOf } from '../support/lab.js';
import { fillCart, pendingPurchases, type Buyer } from '../support/seed.js';
import { SETTINGS } from '../support/settings.js';
import { round1, stats, type Stats } from '../support/stats.js';

export interface PathResult {
  latency: Stats;
  /** commands per request, by name (average over the timed requests) */
  commands: CommandCounts;
}

async function call(url: string, init: RequestInit): Promise<{ transactionId?: string }> {
  const res = await fetch(url, init);
  const body = (await res.json()) as { data?: { transactionId?: string }; error?: { code: string; message: string } };
  if (res.status !== 200) throw new Error(`bench: ${init.method ?? 'GET'} ${url} answered ${res.status} ${body.error ? `${body.error.code}: ${body.error.message}` : ''}`);
  return body.data ?? {};
}

/** Runs `count` + warm-up sequential requests; `prepare` (not timed, not counted) readies each one. */
async function measurePath(system: System, dbName: string, count: number, prepare: (i: number) => Promise<void>, request: (i: number) => Promise<unknown>): Promise<PathResult> {
  const times: number[] = [];
  const commands: CommandCounts = {};
  for (let i = 0; i < SETTINGS.warmup + count; i++) {
    await prepare(i);
    const started = performance.now();
    const counts = await countCommands(clientOf(system), dbName, () => request(i));
    if (i < SETTINGS.warmup) continue;
    times.push(performance.now() - started);
    for (const [name, n] of Object.entries(counts)) commands[name] = (commands[name] ?? 0) + n;
  }
  for (const name of Object.keys(commands)) commands[name] = round1(commands[name]! / count);
  return { latency: stats(times), commands };
}

/**
 * The request paths, one request at a time, then checkouts with SETTINGS.inFlight clients at
 * once: checkout, checkout with an Idempotency-Key, the rewards use case (called directly, as a
 * worker's job runs it), GET /api/transactions/:id.
 */
export async function measureRequests(api: System, dbName: string, buyers: Buyer[]) {
  const url = api.url!;
  const buyer = (i: number) => buyers[i % buyers.length]!;
  const checkoutOf = (b: Buyer, key?: string) => call(`${url}/api/checkout`, { method: 'POST', headers: { Authorization: b.auth, ...(key ? { 'Idempotency-Key': key } : {}) } });
  const transactionIds: string[] = [];

  const checkout = await measurePath(api, dbName, SETTINGS.checkouts, (i) => fillCart(api, buyer(i)), async (i) => transactionIds.push((await checkoutOf(buyer(i))).transactionId!));
  const run = randomBytes(3).toString('hex');
  const checkoutWithKey = await measurePath(api, dbName, SETTINGS.checkouts, (i) => fillCart(api, buyer(i)), (i) => checkoutOf(buyer(i), `bench-${run}-${i}`));

  const pending = await pendingPurchases(api, buyers.map((b) => b.id), SETTINGS.warmup + SETTINGS.rewardRuns);
  const rewardsJob = await measurePath(api, dbName, pending.length - SETTINGS.warmup, async () => {}, (i) => processCheckoutRewards(api.ctx, pending[i]!));

  // transactionIds[k] was bought by buyer(k)
  const read = await measurePath(api, dbName, SETTINGS.reads, async () => {}, (i) =>
    call(`${url}/api/transactions/${transactionIds[i % transactionIds.length]}`, { headers: { Authorization: buyer(i % transactionIds.length).auth } }),
  );

  // SETTINGS.inFlight clients, each its own buyer, each in a loop: refill own cart, check out.
  // A 503 (the unit of work's time budget ran out: FerretDB serialises everything) is counted, not fatal.
  const concurrent: number[] = [];
  let refused = 0;
  let started = 0;
  const lane = async (b: Buyer) => {
    while (started < SETTINGS.checkouts * 2) {
      started += 1;
      await fillCart(api, b);
      const t0 = performance.now();
      const res = await fetch(`${url}/api/checkout`, { method: 'POST', headers: { Authorization: b.auth } });
      await res.arrayBuffer();
      if (res.status === 503) refused += 1;
      else if (res.status !== 200) throw new Error(`bench: checkout with ${SETTINGS.inFlight} clients answered ${res.status}`);
      concurrent.push(performance.now() - t0);
    }
  };
  const t0 = performance.now();
  await Promise.all(buyers.slice(0, SETTINGS.inFlight).map(lane));
  const wallMs = performance.now() - t0;
  return {
    checkout,
    checkoutWithKey,
    rewardsJob,
    getTransaction: read,
    checkoutConcurrent: { clients: Math.min(SETTINGS.inFlight, buyers.length), latency: stats(concurrent), checkoutsPerSecond: round1(((concurrent.length - refused) / wallMs) * 1000), refused503: refused },
  };
}
