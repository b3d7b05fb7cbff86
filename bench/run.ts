/**
 * `npm run bench` — measures the service against the figures of the system it replaces
 * (original-system-README: checkout ~150 ms, ~500 ms per rewards job, ~2 jobs/s per worker).
 *
 * Runs the real systems in this process, each phase on a fresh database of its own (same server):
 *   (a) checkout latency over HTTP: sequential, then BENCH_IN_FLIGHT at once (API only, no worker);
 *   (c) checkout 200 → rewards job done, one checkout at a time, with one worker running;
 *   (b) rewards-job throughput: a burst of BENCH_JOBS purchases with one worker, then with two;
 *   (d) Agendash's list API with BENCH_AGENDASH_JOBS job documents in the collection;
 *   (e) memory: RSS of this process (and of a FerretDB child, if there is one).
 * Prints a table and writes bench/results/latest.json. See bench/README.md.
 *
 * Environment (all optional): BENCH_CHECKOUTS (300), BENCH_IN_FLIGHT (16), BENCH_LATENCY_CHECKOUTS
 * (30), BENCH_JOBS (1000; 100 on FerretDB), BENCH_AGENDASH_JOBS (10000), JOB_PROCESS_EVERY_MS
 * (workers' polling: 50; 250 on FerretDB), LOG_LEVEL (warn), MONGODB_URI (unset: found like
 * `npm start` does — an in-memory MongoDB replica set, else FerretDB).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Job } from 'agenda';
import { loadConfig, type Level } from '../config/index.js';
import type { RewardsUseCase } from '../jobs/process-checkout-rewards.js';
import { describeCapabilities } from '../src/infra/database/capabilities.js';
import { ObjectId } from '../src/infra/database/models.js';
import { configureLogger, logger } from '../src/infra/logger.js';
import { JOBS_COLLECTION, JOB_NAMES } from '../src/infra/queue/agenda.js';
import { processCheckoutRewards } from '../src/rewards/process-checkout-rewards.js';
import { startSystem, type System, type SystemOptions } from '../src/system.js';

const ORIGINAL = { checkoutMs: 150, jobMs: 500, jobsPerSecondPerWorker: 2 };

function intFromEnv(name: string, min: number, max: number): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer in ${min}..${max}, got ${raw}`);
  return value;
}

const SETTINGS = {
  checkouts: intFromEnv('BENCH_CHECKOUTS', 10, 100_000) ?? 300,
  inFlight: intFromEnv('BENCH_IN_FLIGHT', 1, 1000) ?? 16,
  latencyCheckouts: intFromEnv('BENCH_LATENCY_CHECKOUTS', 5, 100_000) ?? 30,
  agendashJobs: intFromEnv('BENCH_AGENDASH_JOBS', 100, 1_000_000) ?? 10_000,
  warmupCheckouts: 20,
  agendashRepeats: 3,
};
/** Defaults that depend on the server: FerretDB scans a collection for every update and every lock. */
const serverDependent = (atomicServer: boolean) => ({
  jobs: intFromEnv('BENCH_JOBS', 10, 1_000_000) ?? (atomicServer ? 1000 : 100),
  workerProcessEveryMs: intFromEnv('JOB_PROCESS_EVERY_MS', 50, 3_600_000) ?? (atomicServer ? 50 : 250),
});

/** Twelve ancestors above every bench buyer, nearest first: paid slots, skips, a duplicate and a J group. */
const UPLINE: { level: Level | null; isActive?: boolean; isVerified?: boolean }[] = [
  { level: 'A' },
  { level: 'B' },
  { level: null },
  { level: 'C' },
  { level: 'C' },
  { level: 'D', isActive: false },
  { level: 'E' },
  { level: 'F', isVerified: false },
  { level: 'G' },
  { level: 'H' },
  { level: 'J' },
  { level: 'J' },
];
const PRODUCT = { sku: 'BENCH-ITEM', name: 'Bench item', price: 1000 };
const JOB_BUYERS = 50;

// ---------------------------------------------------------------------------------------------
// Helpers

interface Stats {
  n: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

const round1 = (v: number) => Math.round(v * 10) / 10;
const round2 = (v: number) => Math.round(v * 100) / 100;

function stats(values: readonly number[]): Stats {
  if (values.length === 0) return { n: 0, mean: NaN, p50: NaN, p95: NaN, p99: NaN, max: NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  return {
    n: sorted.length,
    mean: round2(sorted.reduce((s, v) => s + v, 0) / sorted.length),
    p50: round2(at(0.5)),
    p95: round2(at(0.95)),
    p99: round2(at(0.99)),
    max: round2(sorted[sorted.length - 1]!),
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every `everyMs` until it returns true; throws after `timeoutMs`. */
async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs: number, everyMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await probe())) {
    if (performance.now() > deadline) throw new Error(`bench: ${what} did not happen within ${Math.round(timeoutMs / 1000)} s`);
    await sleep(everyMs);
  }
}

function rssMb(): number {
  return round1(process.memoryUsage().rss / 1024 / 1024);
}

/** RSS of this process's direct children (FerretDB, when it is the database), from /proc; null elsewhere. */
function childrenRssMb(): number | null {
  try {
    const pids = readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    let kb = 0;
    for (const pid of pids) kb += Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return pids.length > 0 ? round1(kb / 1024) : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// The systems under test

/**
 * Starts systems the way the entry points do. The first one finds the database server (and owns
 * it if it started one); the others join it. Every phase gets a database of its own, dropped at
 * the end, so that no phase pays for the data of another.
 */
class Lab {
  readonly prefix = `bench_${randomBytes(3).toString('hex')}`;
  readonly admin = { username: 'bench', password: randomBytes(12).toString('hex') };
  private readonly tokenSecret = randomBytes(32).toString('hex');
  private owner: System | undefined;
  private readonly running: System[] = [];
  private readonly databases = new Set<string>();

  async start(database: string, options: Pick<SystemOptions, 'http' | 'worker' | 'rewardsUseCase'>, processEveryMs = 50): Promise<System> {
    const dbName = `${this.prefix}_${database}`;
    this.databases.add(dbName);
    const config = loadConfig({
      NODE_ENV: 'development',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      MONGODB_URI: this.owner?.ctx.database.mongo.uri ?? process.env.MONGODB_URI,
      MONGODB_DB: dbName,
      ADMIN_USERNAME: this.admin.username,
      ADMIN_PASSWORD: this.admin.password,
      TOKEN_SECRET: this.tokenSecret,
      JOB_PROCESS_EVERY_MS: String(processEveryMs),
      // The checkout runs leave purchases pending on purpose (no worker runs during them); the
      // reconciler must not enqueue them in the middle of a later measurement.
      RECONCILE_GRACE_MS: String(60 * 60_000),
    });
    const system = await startSystem(config, logger, { ...options, port: 0 });
    this.owner ??= system;
    this.running.push(system);
    return system;
  }

  /** Stops a system before the end (not the owner: it holds the database server). */
  async stop(system: System): Promise<void> {
    if (system === this.owner) return;
    this.running.splice(this.running.indexOf(system), 1);
    await system.stop();
  }

  /** Workers and other systems first, then the bench databases are dropped, then the owner. */
  async close(): Promise<void> {
    const report = (what: string) => (error: Error) => logger.error(`bench: ${what} failed: ${error.message}`);
    for (const system of this.running.filter((s) => s !== this.owner).reverse()) await system.stop().catch(report('stopping a system'));
    if (!this.owner) return;
    const client = this.owner.ctx.database.connection.getClient();
    for (const name of this.databases) await client.db(name).dropDatabase().catch(report(`dropping ${name}`));
    await this.owner.stop().catch(report('stopping the first system'));
  }
}

interface Buyer {
  id: string;
  auth: string;
}

/** The product, the twelve-deep upline and `count` buyers under it; returns the buyers' ids. */
async function seedTree(system: System, count: number, prefix: string): Promise<string[]> {
  const { User, Product } = system.ctx.database.models;
  await Product.create({ ...PRODUCT, active: true });
  const topDown = [...UPLINE].reverse();
  const ids = topDown.map(() => new ObjectId());
  await User.insertMany(
    topDown.map((member, i) => ({
      _id: ids[i],
      name: `Upline ${i}`,
      email: `upline-${i}@bench.example`,
      referrer: i === 0 ? null : ids[i - 1],
      ancestors: ids.slice(0, i).reverse(),
      level: member.level,
      isActive: member.isActive ?? true,
      isVerified: member.isVerified ?? true,
    })),
  );
  const buyers = Array.from({ length: count }, (_, i) => ({
    _id: new ObjectId(),
    name: `${prefix} ${i}`,
    email: `${prefix}-${i}@bench.example`,
    referrer: ids[ids.length - 1],
    ancestors: [...ids].reverse(),
    walletBalance: 1_000_000_000,
    lifetimeSpend: PRODUCT.price,
  }));
  for (let i = 0; i < buyers.length; i += 500) await User.insertMany(buyers.slice(i, i + 500));
  return buyers.map((b) => b._id.toString());
}

async function customers(system: System, ids: string[]): Promise<Buyer[]> {
  return Promise.all(ids.map(async (id) => ({ id, auth: `Bearer ${(await system.tokens.issue(id)).token}` })));
}

/** Puts one BENCH-ITEM in the buyer's cart, straight in the database (not part of any measurement). */
async function fillCart(system: System, buyer: Buyer): Promise<void> {
  await system.ctx.database.models.Cart.updateOne(
    { user: buyer.id },
    { $set: { items: [{ sku: PRODUCT.sku, quantity: 1 }] }, $inc: { version: 1 } },
    { upsert: true },
  );
}

// ---------------------------------------------------------------------------------------------
// (a) checkout latency over HTTP

async function checkoutOnce(url: string, buyer: Buyer): Promise<{ ms: number; transactionId: string; answeredAt: number }> {
  const started = performance.now();
  const res = await fetch(`${url}/api/checkout`, { method: 'POST', headers: { Authorization: buyer.auth } });
  const body = (await res.json()) as { data?: { transactionId?: string }; error?: { code: string; message: string } };
  const answeredAt = performance.now();
  if (res.status !== 200 || !body.data?.transactionId) {
    throw new Error(`bench: checkout answered ${res.status} ${body.error ? `${body.error.code}: ${body.error.message}` : ''}`);
  }
  return { ms: answeredAt - started, transactionId: body.data.transactionId, answeredAt };
}

async function measureCheckouts(api: System, buyers: Buyer[]) {
  const url = api.url!;
  let turn = 0;
  const nextBuyer = () => buyers[turn++ % buyers.length]!;
  for (let i = 0; i < SETTINGS.warmupCheckouts; i++) {
    const buyer = nextBuyer();
    await fillCart(api, buyer);
    await checkoutOnce(url, buyer);
  }

  const sequential: number[] = [];
  for (let i = 0; i < SETTINGS.checkouts; i++) {
    const buyer = nextBuyer();
    await fillCart(api, buyer);
    sequential.push((await checkoutOnce(url, buyer)).ms);
  }

  // One lane per buyer: a lane refills its own cart, then checks out, until all are done.
  const concurrent: number[] = [];
  let started = 0;
  const lane = async (buyer: Buyer) => {
    while (started < SETTINGS.checkouts) {
      started += 1;
      await fillCart(api, buyer);
      concurrent.push((await checkoutOnce(url, buyer)).ms);
    }
  };
  const t0 = performance.now();
  await Promise.all(buyers.slice(0, SETTINGS.inFlight).map(lane));
  const wallMs = performance.now() - t0;
  return {
    sequential: stats(sequential),
    concurrent: {
      inFlight: Math.min(SETTINGS.inFlight, buyers.length),
      latency: stats(concurrent),
      wallMs: Math.round(wallMs),
      checkoutsPerSecond: round1((SETTINGS.checkouts / wallMs) * 1000),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// (b), (c) rewards jobs

/**
 * Sees the rewards jobs from inside the workers, without polling the database (on FerretDB, which
 * scans a collection for every query that is not by _id, polling would slow down the very jobs
 * being measured): the moment the use case has marked a purchase completed, and each job run's
 * duration from Agenda's events. The Ledger confirms the outcome once at the end of each phase.
 */
class JobWatch {
  /** transactionId → performance.now() when its purchase became `completed` */
  readonly doneAt = new Map<string, number>();
  readonly runMs: number[] = [];
  runs = 0;
  failures = 0;
  private readonly startedAt = new Map<string, number>();

  /** The real use case, timed: given to the workers through startSystem's `rewardsUseCase`. */
  readonly useCase: RewardsUseCase = async (ctx, transactionId) => {
    const outcome = await processCheckoutRewards(ctx, transactionId);
    if (outcome.status === 'completed' && !this.doneAt.has(transactionId)) this.doneAt.set(transactionId, performance.now());
    return outcome;
  };

  attach(worker: System): void {
    const name = JOB_NAMES.processCheckoutRewards;
    const key = (job: Job) => `${String(job.attrs._id)}@${String(job.attrs.lastRunAt?.getTime())}`;
    worker.ctx.agenda.on(`start:${name}`, (job: Job) => this.startedAt.set(key(job), performance.now()));
    worker.ctx.agenda.on(`success:${name}`, (job: Job) => {
      this.runs += 1;
      const started = this.startedAt.get(key(job));
      if (started !== undefined) this.runMs.push(performance.now() - started);
    });
    worker.ctx.agenda.on(`fail:${name}`, () => (this.failures += 1));
  }

  waitFor(what: string, ids: readonly string[], timeoutMs: number): Promise<void> {
    return until(what, () => ids.every((id) => this.doneAt.has(id)), timeoutMs, 5);
  }
}

/**
 * How many of these purchases do not say `completed` although the use case completed them. Zero
 * on MongoDB; on FerretDB two overlapping runs of one job (its locks are not atomic) can
 * overwrite `completed` with `processing` (its updates are read-then-write too).
 */
async function countNotCompleted(system: System, ids: readonly string[]): Promise<number> {
  const completed = await system.ctx.database.models.Ledger.countDocuments({ _id: { $in: ids }, type: 'purchase', 'rewards.status': 'completed' });
  return ids.length - completed;
}

/** (c) One checkout at a time, each waiting for its rewards: the delay one customer sees on an idle system. */
async function measureCheckoutToDone(api: System, watch: JobWatch, buyers: Buyer[], count: number) {
  const delays: number[] = [];
  const ids: string[] = [];
  const runMsBefore = watch.runMs.length;
  for (let i = 0; i < count; i++) {
    const buyer = buyers[i % buyers.length]!;
    await fillCart(api, buyer);
    const { transactionId, answeredAt } = await checkoutOnce(api.url!, buyer);
    await watch.waitFor(`the rewards of checkout ${transactionId}`, [transactionId], 30_000);
    delays.push(watch.doneAt.get(transactionId)! - answeredAt);
    ids.push(transactionId);
  }
  return { checkouts: count, toJobDone: stats(delays), jobRunMs: stats(watch.runMs.slice(runMsBefore)), notCompleted: await countNotCompleted(api, ids) };
}

/**
 * (b) A burst of `count` purchases (written as checkout writes them, pending) enqueued with
 * Agenda's own `now()` while the workers run. The clock runs from the first enqueue to the last
 * job's success.
 */
async function measureJobs(workers: System[], watch: JobWatch, jobBuyers: string[], count: number) {
  const first = workers[0]!;
  const { Ledger } = first.ctx.database.models;
  const ids = Array.from({ length: count }, () => new ObjectId().toString());
  const totalRewardPoints = Math.floor(PRODUCT.price / 10);
  for (let i = 0; i < ids.length; i += 500) {
    await Ledger.insertMany(
      ids.slice(i, i + 500).map((id, j) => ({
        _id: id,
        type: 'purchase',
        entryKey: `purchase:${id}`,
        user: jobBuyers[(i + j) % jobBuyers.length],
        amount: PRODUCT.price,
        lines: [{ sku: PRODUCT.sku, name: PRODUCT.name, unitPrice: PRODUCT.price, quantity: 1, lineTotal: PRODUCT.price }],
        rewards: { status: 'pending', totalRewardPoints, distribution: null, attempts: 0, lastError: null, completedAt: null },
      })),
    );
  }
  const runsBefore = watch.runs;
  const runMsBefore = watch.runMs.length;
  const failuresBefore = watch.failures;

  const started = performance.now();
  let next = 0;
  const enqueueLane = async () => {
    while (next < ids.length) await first.ctx.agenda.now(JOB_NAMES.processCheckoutRewards, { transactionId: ids[next++]! });
  };
  await Promise.all(Array.from({ length: SETTINGS.inFlight }, enqueueLane));
  const enqueueMs = performance.now() - started;
  await watch.waitFor(`${count} rewards jobs`, ids, 60_000 + count * 1000);
  const wallMs = Math.max(...ids.map((id) => watch.doneAt.get(id)!)) - started;
  const notCompleted = await countNotCompleted(first, ids);

  return {
    workers: workers.length,
    concurrencyPerWorker: first.ctx.config.queue.concurrency,
    jobs: count,
    enqueueMs: Math.round(enqueueMs),
    wallMs: Math.round(wallMs),
    jobsPerSecond: round1((count / wallMs) * 1000),
    wallMsPerJob: round2(wallMs / count),
    runMs: stats(watch.runMs.slice(runMsBefore)),
    duplicateRuns: watch.runs - runsBefore - count,
    failedRuns: watch.failures - failuresBefore,
    notCompleted,
  };
}

// ---------------------------------------------------------------------------------------------
// (d) Agendash with a big jobs collection

/** Adds finished rewards jobs (5 % failed for good) until the collection holds `target` documents. */
async function topUpJobsCollection(system: System, target: number): Promise<number> {
  const collection = system.ctx.database.db.collection(JOBS_COLLECTION);
  const missing = target - (await collection.countDocuments({}));
  const now = Date.now();
  for (let done = 0; done < missing; done += 1000) {
    const batch = Array.from({ length: Math.min(1000, missing - done) }, (_, i) => {
      const finishedAt = new Date(now - (done + i) * 1000);
      const failed = (done + i) % 20 === 0;
      return {
        name: JOB_NAMES.processCheckoutRewards,
        data: { transactionId: new ObjectId().toString() },
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

const AGENDASH_ROUTES = {
  list: '/admin/jobs/api?job=process-checkout-rewards&limit=50',
  failedOnly: '/admin/jobs/api?job=process-checkout-rewards&state=failed&limit=50',
  allJobs: '/admin/jobs/api?limit=50',
};

async function measureAgendash(api: System, admin: Lab['admin']) {
  const auth = `Basic ${Buffer.from(`${admin.username}:${admin.password}`).toString('base64')}`;
  const jobDocuments = await api.ctx.database.db.collection(JOBS_COLLECTION).countDocuments({});
  const routes = {} as Record<keyof typeof AGENDASH_ROUTES, { latency: Stats; bytes: number }>;
  for (const [name, route] of Object.entries(AGENDASH_ROUTES) as [keyof typeof AGENDASH_ROUTES, string][]) {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < SETTINGS.agendashRepeats; i++) {
      const started = performance.now();
      const res = await fetch(`${api.url!}${route}`, { headers: { Authorization: auth } });
      const text = await res.text();
      times.push(performance.now() - started);
      if (res.status !== 200) throw new Error(`bench: ${route} answered ${res.status}: ${text.slice(0, 200)}`);
      bytes = text.length;
    }
    routes[name] = { latency: stats(times), bytes };
  }
  return { jobDocuments, ...routes };
}

// ---------------------------------------------------------------------------------------------
// Report

function ms(v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  return `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : Math.round(v)} ms`;
}

function better(original: number, measured: number, higherIsBetter = false): string {
  if (!Number.isFinite(measured) || measured <= 0) return '';
  const factor = higherIsBetter ? measured / original : original / measured;
  if (factor < 1) return `${(1 / factor).toFixed(1)}× WORSE`;
  return `${factor >= 10 ? Math.round(factor) : factor.toFixed(1)}× better`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()).join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  configureLogger(process.env.LOG_LEVEL ?? 'warn', false);
  const t0 = performance.now();
  const seconds = () => round1((performance.now() - t0) / 1000);
  const step = (text: string) => process.stderr.write(`bench [${seconds().toFixed(1)} s] ${text}\n`);
  const memory = { rssStartMb: rssMb(), rssPeakMb: rssMb(), rssEndMb: 0, heapUsedEndMb: 0, databaseChildRssEndMb: null as number | null };
  const sampler = setInterval(() => (memory.rssPeakMb = Math.max(memory.rssPeakMb, rssMb())), 200);
  sampler.unref();

  const lab = new Lab();
  try {
    step(`API for the checkout runs (database ${lab.prefix}_checkout)`);
    const api = await lab.start('checkout', { http: true, worker: false });
    const { capabilities, mongo } = api.ctx.database;
    const { jobs, workerProcessEveryMs } = serverDependent(capabilities.atomicFindAndModify);
    const buyers = await customers(api, await seedTree(api, Math.max(SETTINGS.inFlight, 2), 'checkout-buyer'));

    step(`(a) ${SETTINGS.warmupCheckouts} warm-up + ${SETTINGS.checkouts} sequential checkouts, then ${SETTINGS.checkouts} with ${SETTINGS.inFlight} in flight`);
    const checkout = await measureCheckouts(api, buyers);

    // Those purchases stay pending: their jobs go, so the worker below starts on an empty queue.
    await api.ctx.database.db.collection(JOBS_COLLECTION).deleteMany({ name: JOB_NAMES.processCheckoutRewards });
    step(`(c) ${SETTINGS.latencyCheckouts} checkouts one at a time, each until its rewards job is done (1 worker)`);
    const watch = new JobWatch();
    const latencyWorker = await lab.start('checkout', { http: false, worker: true, rewardsUseCase: watch.useCase }, workerProcessEveryMs);
    watch.attach(latencyWorker);
    const queue = latencyWorker.ctx.config.queue; // as the worker runs it: FerretDB lowers the concurrency
    const endToEnd = await measureCheckoutToDone(api, watch, buyers, SETTINGS.latencyCheckouts);
    await lab.stop(latencyWorker);

    step(`(b) ${jobs} rewards jobs, 1 worker (database ${lab.prefix}_jobs1)`);
    const soloWorker = await lab.start('jobs1', { http: false, worker: true, rewardsUseCase: watch.useCase }, workerProcessEveryMs);
    watch.attach(soloWorker);
    const oneWorker = await measureJobs([soloWorker], watch, await seedTree(soloWorker, JOB_BUYERS, 'job-buyer'), jobs);
    await lab.stop(soloWorker);

    step(`(b) ${jobs} rewards jobs, 2 workers (database ${lab.prefix}_jobs2)`);
    const pair = [
      await lab.start('jobs2', { http: false, worker: true, rewardsUseCase: watch.useCase }, workerProcessEveryMs),
      await lab.start('jobs2', { http: false, worker: true, rewardsUseCase: watch.useCase }, workerProcessEveryMs),
    ];
    pair.forEach((w) => watch.attach(w));
    const twoWorkers = await measureJobs(pair, watch, await seedTree(pair[0]!, JOB_BUYERS, 'job-buyer'), jobs);
    for (const w of pair) await lab.stop(w);

    step(`(d) Agendash, then again with ${SETTINGS.agendashJobs} job documents`);
    const agendashBefore = await measureAgendash(api, lab.admin);
    await topUpJobsCollection(api, SETTINGS.agendashJobs);
    const agendashAfter = await measureAgendash(api, lab.admin);

    memory.rssEndMb = rssMb();
    memory.rssPeakMb = Math.max(memory.rssPeakMb, memory.rssEndMb);
    memory.heapUsedEndMb = round1(process.memoryUsage().heapUsed / 1024 / 1024);
    memory.databaseChildRssEndMb = childrenRssMb();

    const cpus = os.cpus();
    const results = {
      finishedAt: new Date().toISOString(),
      durationSeconds: seconds(),
      machine: { node: process.version, platform: `${os.platform()} ${os.arch()}`, cpus: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown' },
      server: { ...capabilities, description: describeCapabilities(capabilities), source: mongo.source },
      settings: {
        ...SETTINGS,
        jobs,
        uplineDepth: UPLINE.length,
        worker: { concurrency: queue.concurrency, lockLimit: queue.lockLimit, processEveryMs: queue.processEveryMs },
      },
      original: ORIGINAL,
      checkout,
      checkoutToRewardsDone: endToEnd,
      rewards: { oneWorker, twoWorkers },
      agendash: { before: agendashBefore, after: agendashAfter },
      memory,
    };

    const seq = checkout.sequential;
    const con = checkout.concurrent;
    const big = agendashAfter;
    const small = agendashBefore;
    const rows = [
      ['', 'measured', 'original', ''],
      ['checkout, sequential: p50', ms(seq.p50), `~${ORIGINAL.checkoutMs} ms`, better(ORIGINAL.checkoutMs, seq.p50)],
      ['                      p95 / p99 / max', `${ms(seq.p95)} / ${ms(seq.p99)} / ${ms(seq.max)}`, '', ''],
      [`checkout, ${con.inFlight} in flight: p50 / p95`, `${ms(con.latency.p50)} / ${ms(con.latency.p95)}`, '', ''],
      ['                      checkouts/s', `${con.checkoutsPerSecond}`, '', ''],
      ['rewards job run, 1 worker: mean', ms(oneWorker.runMs.mean), `~${ORIGINAL.jobMs} ms`, better(ORIGINAL.jobMs, oneWorker.runMs.mean)],
      ['rewards jobs/s, 1 worker', `${oneWorker.jobsPerSecond}`, `~${ORIGINAL.jobsPerSecondPerWorker}`, better(ORIGINAL.jobsPerSecondPerWorker, oneWorker.jobsPerSecond, true)],
      ['rewards jobs/s, 2 workers', `${twoWorkers.jobsPerSecond}`, `~${2 * ORIGINAL.jobsPerSecondPerWorker}`, better(2 * ORIGINAL.jobsPerSecondPerWorker, twoWorkers.jobsPerSecond, true)],
      ['checkout 200 → rewards job done: p50 / p95', `${ms(endToEnd.toJobDone.p50)} / ${ms(endToEnd.toJobDone.p95)}`, '', `of which the job run: ${ms(endToEnd.jobRunMs.mean)}`],
      [`Agendash list (${big.jobDocuments} jobs): p50 / max`, `${ms(big.list.latency.p50)} / ${ms(big.list.latency.max)}`, '', `${small.jobDocuments} jobs: ${ms(small.list.latency.p50)}`],
      [`Agendash failed only (${big.jobDocuments} jobs): p50`, ms(big.failedOnly.latency.p50), '', `${small.jobDocuments} jobs: ${ms(small.failedOnly.latency.p50)}`],
      [`Agendash all jobs (${big.jobDocuments} jobs): p50`, ms(big.allJobs.latency.p50), '', `${small.jobDocuments} jobs: ${ms(small.allJobs.latency.p50)}`],
      ['RSS start / peak / end', `${memory.rssStartMb} / ${memory.rssPeakMb} / ${memory.rssEndMb} MB`, '', memory.databaseChildRssEndMb === null ? '' : `database process: ${memory.databaseChildRssEndMb} MB`],
    ];
    process.stdout.write(
      [
        '',
        `Server:  ${results.server.description} (${mongo.source})`,
        `Machine: ${cpus.length} × ${results.machine.cpuModel}, Node ${process.version}`,
        `Worker:  concurrency ${queue.concurrency}, lockLimit ${queue.lockLimit}, polls every ${queue.processEveryMs} ms; buyers under a ${UPLINE.length}-deep upline`,
        '',
        table(rows),
        '',
        `Rewards jobs: ${jobs} per run; duplicate runs (found the purchase completed, paid nothing): ` +
          `1 worker ${oneWorker.duplicateRuns}, 2 workers ${twoWorkers.duplicateRuns}; failed runs: ${oneWorker.failedRuns + twoWorkers.failedRuns}.`,
        ...(endToEnd.notCompleted + oneWorker.notCompleted + twoWorkers.notCompleted > 0
          ? [
              `WARNING: purchases paid but not marked completed: (c) ${endToEnd.notCompleted}, 1 worker ${oneWorker.notCompleted}, ` +
                `2 workers ${twoWorkers.notCompleted} (FerretDB: overlapping runs of one job, non-atomic updates).`,
            ]
          : []),
        `Took ${results.durationSeconds} s.`,
        '',
      ].join('\n'),
    );

    const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'latest.json');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(results, null, 2) + '\n');
    step(`wrote ${path.relative(process.cwd(), file)}`);
  } finally {
    clearInterval(sampler);
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
