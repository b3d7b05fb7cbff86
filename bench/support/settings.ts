/** The bench's settings, from the environment (all optional). See bench/README.md. */
function intFromEnv(name: string, min: number, max: number): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer in ${min}..${max}, got ${raw}`);
  return value;
}

function intsFromEnv(name: string, min: number, max: number, fallback: number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const values = raw.split(',').map((s) => Number(s.trim()));
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < min || v > max)) throw new Error(`${name} must be a comma-separated list of integers in ${min}..${max}, got ${raw}`);
  return values;
}

const PHASES = ['levels', 'agendash', 'books'] as const;

function phasesFromEnv(): (typeof PHASES)[number][] {
  const raw = process.env.BENCH_PHASES;
  if (raw === undefined || raw.trim() === '') return [...PHASES];
  const chosen = raw.split(',').map((s) => s.trim());
  const unknown = chosen.filter((p) => !(PHASES as readonly string[]).includes(p));
  if (unknown.length > 0) throw new Error(`BENCH_PHASES must list some of ${PHASES.join(', ')}, got ${raw}`);
  return chosen as (typeof PHASES)[number][];
}

export const SETTINGS = {
  /** Which phases run: the data levels, the dashboard, the books (audit and points read). */
  phases: phasesFromEnv(),
  /** Shops whose books hold, one fresh database per size, for the audit and the points read. */
  booksPurchases: intsFromEnv('BENCH_BOOKS_PURCHASES', 10, 10_000_000, [1000, 10_000]),
  /** Timed points reads of the hot referrer, before and after the checkpoint (each a scan on FerretDB). */
  booksReads: intFromEnv('BENCH_BOOKS_READS', 1, 100_000) ?? 5,
  /** Extra customers with history, one fresh database per level. */
  levels: intsFromEnv('BENCH_CUSTOMERS', 0, 1_000_000, [0, 1000]),
  workers: intsFromEnv('BENCH_WORKERS', 1, 8, [1, 2, 3]),
  checkouts: intFromEnv('BENCH_CHECKOUTS', 10, 100_000) ?? 100,
  inFlight: intFromEnv('BENCH_IN_FLIGHT', 1, 1000) ?? 32,
  /** Runs of the rewards use case, called directly (its own commands and time). */
  rewardRuns: intFromEnv('BENCH_REWARD_RUNS', 5, 100_000) ?? 20,
  reads: intFromEnv('BENCH_READS', 5, 100_000) ?? 50,
  /** Rewards jobs per run (each topology × worker count); unset: 300 on MongoDB, 20 on FerretDB. */
  jobs: intFromEnv('BENCH_JOBS', 5, 1_000_000),
  /** How long a burst of rewards jobs may take before it is reported unfinished. */
  burstTimeoutS: intFromEnv('BENCH_BURST_TIMEOUT_S', 5, 3600) ?? 60,
  agendashJobs: intFromEnv('BENCH_AGENDASH_JOBS', 200, 2_000_000) ?? 10_000,
  agendashRepeats: 3,
  /** Purchases per extra customer, each with its reward, app-revenue and gifts-pool entries. */
  historyPurchases: 3,
  warmup: 10,
  rawOps: 30,
  /** Passed to the systems only when set: otherwise the service's defaults apply. */
  processEveryMs: process.env.JOB_PROCESS_EVERY_MS,
};

export const ORIGINAL = { checkoutMs: 150, jobMs: 500, jobsPerSecondPerWorker: 2 };
