/**
 * Defaults of every setting that is not a secret. Values match the original system where it had
 * one (3 attempts, 10% reward points, 50/15/35 split, 5% per level slot).
 */
export const DEFAULTS = {
  port: 3000,
  dbName: 'checkout_rewards',
  logLevel: 'info',
  bodyLimitBytes: 16 * 1024,
  tokenTtlSeconds: 24 * 60 * 60,
  /**
   * How long a unit of work (checkout, a rewards run) may take, retries included, before it is
   * abandoned uncommitted. A rewards run also stays below a third of its job's lock lifetime.
   */
  transactionBudgetMs: 5_000,
  /** A worker's /health, /ready, /metrics: 0 = a free port, logged (several workers share a machine). */
  workerHttpPort: 0,
  /** An Idempotency-Key replays its checkout for this long. */
  idempotencyKeyRetentionMs: 24 * 60 * 60_000,

  http: {
    /** HOST when NODE_ENV is not production: this machine only. */
    developmentHost: '127.0.0.1',
    /** HOST when NODE_ENV=production: every interface (a container is reached from outside). */
    productionHost: '0.0.0.0',
    /** A request's headers and body must arrive within this (Node's own default is 5 minutes). */
    requestTimeoutMs: 30_000,
    headersTimeoutMs: 10_000,
    /** Idle keep-alive connections close after this. Behind a load balancer, set it above the balancer's idle timeout. */
    keepAliveTimeoutMs: 5_000,
    /**
     * Shutdown: from the signal, `/ready` answers 503 while the listener keeps accepting for this
     * long, then closes. Connections the kernel took but node had not yet (its event loop busy)
     * would be reset by closing at once. Behind a load balancer, set it above the time the
     * balancer needs to see the failing `/ready` (probe interval × failures).
     */
    shutdownDrainDelayMs: 1_000,
    /** Shutdown: after the listener closed, requests received get this long; then those not answered get 503. */
    shutdownGraceMs: 5_000,
  },

  queue: {
    /** Jobs of `process-checkout-rewards` one worker runs at once. */
    concurrency: 10,
    /** A job whose handler has not finished after this long may be picked up by another worker. */
    lockLifetimeMs: 60_000,
    /** How often a worker looks for due jobs. Agenda's own default (5 s) is too slow for checkout. */
    processEveryMs: 250,
    /** Runs in all, the first one included (the original system: 3 attempts). */
    maxAttempts: 3,
    backoffDelayMs: 1_000,
    backoffFactor: 2,
    backoffMaxDelayMs: 5 * 60_000,
    backoffJitter: 0.2,
    /** Graceful shutdown: how long running jobs may take to finish. */
    shutdownTimeoutMs: 30_000,
    /** A purchase still `pending` after this long lost its enqueue; the reconciler enqueues it. */
    reconcileGraceMs: 60_000,
    reconcileEvery: '1 minute',
    /** Finished (successful) jobs are removed after this long, so the dashboard stays fast. */
    finishedJobRetentionMs: 24 * 60 * 60_000,
    purgeEvery: '10 minutes',
  },

  books: {
    /** The books audit runs every night at 03:30 (server time), off-peak. */
    auditEvery: '30 3 * * *',
    /** Entries older than an hour are settled: far past any unit of work's budget and clock skew. */
    settleMs: 60 * 60_000,
  },

  rewards: {
    rewardBps: 1000,
    appRevenueBps: 5000,
    treeBps: 3500,
    slotBps: 500,
    maxDepth: 50,
  },

  levelThresholds: {
    A: 1,
    B: 5_000,
    C: 10_000,
    D: 20_000,
    E: 40_000,
    F: 80_000,
    G: 160_000,
    H: 320_000,
    I: 640_000,
    J: 1_280_000,
  },
} as const;
