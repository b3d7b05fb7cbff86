import { randomBytes } from 'node:crypto';
import Joi from 'joi';
import { DEFAULTS } from './defaults.js';

import { parseFailpoints } from '../src/infra/failpoints.js';
import { LEVELS, validateLevelThresholds, validateRewardRules, type Level, type RewardRules } from '../src/rewards/rules.js';

export type { Level };

export interface QueueConfig {
  concurrency: number;
  lockLifetimeMs: number;
  lockLimit: number;
  processEveryMs: number;
  maxAttempts: number;
  backoffDelayMs: number;
  backoffFactor: number;
  backoffMaxDelayMs: number;
  backoffJitter: number;
  shutdownTimeoutMs: number;
  reconcileGraceMs: number;
  reconcileEvery: string;
  finishedJobRetentionMs: number;
  purgeEvery: string;
  /** Agenda's job event log (Agendash's Logs tab): off by default, see docs/jobs-and-queue.md, "Agendash's Logs tab". */
  logging: boolean;
}

export interface HttpConfig {
  host: string;
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  shutdownDrainDelayMs: number;
  shutdownGraceMs: number;
}

/**
 * Where the API process serves /metrics and /ready's detail (database server, version, source).
 * A worker alone serves them on WORKER_HTTP_PORT whatever this says.
 */
export interface MetricsConfig {
  /** An internal port of their own (with /health); unset: none. 0 picks a free one (logged). */
  port: number | undefined;
  /** The public port serves them too; otherwise it has no /metrics and a /ready that says only ready or not. */
  public: boolean;
}

export interface BooksConfig {
  /** When the `audit-ledger` job runs: a human interval ('6 hours') or a cron line ('30 3 * * *', server time). */
  auditEvery: string;
  /**
   * Ledger entries older than this are settled: no unit of work that writes one can still be
   * uncommitted. Point checkpoints stop there (src/rewards/point-checkpoints.ts).
   */
  settleMs: number;
}

export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  isProduction: boolean;
  port: number;
  http: HttpConfig;
  metrics: MetricsConfig;
  mongodbUri: string | undefined;
  /** With no MONGODB_URI and no mongod: FerretDB over this PostgreSQL (its own database per server) instead of SQLite. */
  ferretdbPostgresqlUrl: string | undefined;
  dbName: string;
  logLevel: string;
  bodyLimitBytes: number;
  runWorker: boolean;
  /** `npm run worker`'s own port for /health, /ready and /metrics; 0 picks a free one (logged). */
  workerHttpPort: number;
  /** A unit of work (checkout, a rewards run) that can't commit within this is abandoned: 503 / retry. */
  transactionBudgetMs: number;
  /** Idempotency keys are kept this long, then removed by a maintenance job. */
  idempotencyKeyRetentionMs: number;
  /** Fault-test pauses by name (src/infra/failpoints.ts); empty outside fault tests, refused in production. */
  failpoints: ReadonlyMap<string, number>;
  admin: { username: string; password: string; generated: boolean };
  token: { secret: string; generated: boolean; ttlSeconds: number };
  queue: QueueConfig;
  books: BooksConfig;
  rewards: RewardRules;
  levelThresholds: Record<Level, number>;
}

/** A setting that can't be used; the message names the environment variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => Joi.number().integer().min(min).max(max);
const bps = () => int(0, 10_000);
/** `A=1,B=5000,…`: pairs of a level (src/rewards/rules.ts LEVELS) and an amount. */
const levelThresholdsPattern = () => {
  const pair = `(${LEVELS.join('|')})=\\d+`;
  return new RegExp(`^${pair}(,${pair})*$`);
};
const interval = () => Joi.string().pattern(/^\d+ (second|minute|hour)s?$/);
const CRON_FIELD = String.raw`[\d*][\d*/,-]*`;
const intervalOrCron = () =>
  Joi.string()
    .pattern(new RegExp(`^(\\d+ (second|minute|hour|day)s?|${CRON_FIELD}( ${CRON_FIELD}){4})$`))
    .message("must be an interval like '6 hours' or a cron line like '30 3 * * *'");

/**
 * Every variable the service reads, with its schema. Nothing outside config/ reads process.env
 * (test/unit/config-env.test.ts checks): the readers below are its only doors.
 */
const VARIABLES = {
  NODE_ENV: Joi.string().valid('development', 'production', 'test').default('development'),
  PORT: int(0, 65_535).default(DEFAULTS.port),
  MONGODB_URI: Joi.string().pattern(/^mongodb(\+srv)?:\/\//).message('must be a mongodb:// or mongodb+srv:// URI'),
  FERRETDB_POSTGRESQL_URL: Joi.string()
    .pattern(/^postgres(ql)?:\/\/[^/?#]+\/[A-Za-z0-9_]{1,30}(\?.*)?$/)
    .message('must be postgres://user@host:port/NAME, NAME of letters, digits and _ (at most 30)'),
  MONGODB_DB: Joi.string().pattern(/^[A-Za-z0-9_-]{1,63}$/).default(DEFAULTS.dbName),
  LOG_LEVEL: Joi.string().valid('error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly').default(DEFAULTS.logLevel),
  BODY_LIMIT_BYTES: int(256, 10 * 1024 * 1024).default(DEFAULTS.bodyLimitBytes),
  RUN_WORKER: Joi.boolean().truthy('1').falsy('0').default(true),
  ADMIN_USERNAME: Joi.string().min(1).max(128),
  ADMIN_PASSWORD: Joi.string().min(8).max(256),
  TOKEN_SECRET: Joi.string().min(32).message('must be at least 32 characters'),
  TOKEN_TTL_SECONDS: int(60, 365 * 24 * 3600).default(DEFAULTS.tokenTtlSeconds),
  WORKER_HTTP_PORT: int(0, 65_535).default(DEFAULTS.workerHttpPort),
  METRICS_PORT: int(0, 65_535),
  PUBLIC_METRICS: Joi.boolean().truthy('1').falsy('0'),
  TRANSACTION_BUDGET_MS: int(50, 600_000).default(DEFAULTS.transactionBudgetMs),
  IDEMPOTENCY_KEY_RETENTION_MS: int(60_000).default(DEFAULTS.idempotencyKeyRetentionMs),
  FAILPOINTS: Joi.string().max(1000),
  JOB_LOGGING: Joi.boolean().truthy('1').falsy('0').default(false),
  JOB_CONCURRENCY: int(1, 1000).default(DEFAULTS.queue.concurrency),
  JOB_LOCK_LIFETIME_MS: int(1000).default(DEFAULTS.queue.lockLifetimeMs),
  JOB_LOCK_LIMIT: int(1, 10_000),
  JOB_PROCESS_EVERY_MS: int(50, 3_600_000).default(DEFAULTS.queue.processEveryMs),
  JOB_MAX_ATTEMPTS: int(1, 100).default(DEFAULTS.queue.maxAttempts),
  JOB_BACKOFF_DELAY_MS: int(0, 86_400_000).default(DEFAULTS.queue.backoffDelayMs),
  JOB_BACKOFF_FACTOR: Joi.number().min(1).max(10).default(DEFAULTS.queue.backoffFactor),
  JOB_BACKOFF_MAX_DELAY_MS: int(0, 7 * 86_400_000).default(DEFAULTS.queue.backoffMaxDelayMs),
  JOB_BACKOFF_JITTER: Joi.number().min(0).max(1).default(DEFAULTS.queue.backoffJitter),
  SHUTDOWN_TIMEOUT_MS: int(0, 600_000).default(DEFAULTS.queue.shutdownTimeoutMs),
  RECONCILE_GRACE_MS: int(0).default(DEFAULTS.queue.reconcileGraceMs),
  RECONCILE_EVERY: interval().default(DEFAULTS.queue.reconcileEvery),
  FINISHED_JOB_RETENTION_MS: int(0).default(DEFAULTS.queue.finishedJobRetentionMs),
  PURGE_EVERY: interval().default(DEFAULTS.queue.purgeEvery),
  AUDIT_EVERY: intervalOrCron().default(DEFAULTS.books.auditEvery),
  LEDGER_SETTLE_MS: int(1_000, 7 * 86_400_000).default(DEFAULTS.books.settleMs),
  REWARD_BPS: bps().default(DEFAULTS.rewards.rewardBps),
  APP_REVENUE_BPS: bps().default(DEFAULTS.rewards.appRevenueBps),
  TREE_BPS: bps().default(DEFAULTS.rewards.treeBps),
  SLOT_BPS: bps().default(DEFAULTS.rewards.slotBps),
  MAX_UPLINE_DEPTH: int(1, 1000).default(DEFAULTS.rewards.maxDepth),
  LEVEL_THRESHOLDS: Joi.string().pattern(levelThresholdsPattern()).message('must look like A=1,B=5000,…'),
  // HTTP server: where it listens, how long a slow client may take, how long shutdown keeps accepting and waits for requests.
  HOST: Joi.string().hostname().message('must be an IP address or a host name'),
  HTTP_REQUEST_TIMEOUT_MS: int(1_000, 3_600_000).default(DEFAULTS.http.requestTimeoutMs),
  HTTP_HEADERS_TIMEOUT_MS: int(1_000, 3_600_000).default(DEFAULTS.http.headersTimeoutMs),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: int(1_000, 3_600_000).default(DEFAULTS.http.keepAliveTimeoutMs),
  SHUTDOWN_DRAIN_DELAY_MS: int(0, 600_000).default(DEFAULTS.http.shutdownDrainDelayMs),
  SHUTDOWN_HTTP_GRACE_MS: int(0, 600_000).default(DEFAULTS.http.shutdownGraceMs),
} as const;

type VariableName = keyof typeof VARIABLES;

function readVariables(env: Env): Record<VariableName, unknown> {
  const values = {} as Record<VariableName, unknown>;
  for (const name of Object.keys(VARIABLES) as VariableName[]) values[name] = readVariable(env, name);
  return values;
}

function secretSafe(name: string, raw: string | undefined): string | undefined {
  if (/PASSWORD|SECRET/.test(name)) return '<hidden>';
  // A connection string may carry a password: hide everything before the last '@'.
  if ((name === 'MONGODB_URI' || name === 'FERRETDB_POSTGRESQL_URL') && raw !== undefined) return raw.replace(/^([A-Za-z][\w+.-]*:\/\/)?.*@/s, '$1<hidden>@');
  return raw;
}

const RULE_VARIABLES: Record<keyof RewardRules, string> = {
  rewardBps: 'REWARD_BPS',
  appRevenueBps: 'APP_REVENUE_BPS',
  treeBps: 'TREE_BPS',
  slotBps: 'SLOT_BPS',
  maxDepth: 'MAX_UPLINE_DEPTH',
};

/** The rules' messages name their fields; the operator needs the environment variables. */
function namingVariables(problem: string): string {
  return problem.replace(/\b(rewardBps|appRevenueBps|treeBps|slotBps|maxDepth)\b/g, (field) => RULE_VARIABLES[field as keyof RewardRules]);
}

function readHttpConfig(v: Record<VariableName, unknown>, isProduction: boolean): HttpConfig {
  const requestTimeoutMs = v.HTTP_REQUEST_TIMEOUT_MS as number;
  const headersTimeoutMs = v.HTTP_HEADERS_TIMEOUT_MS as number;
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError(`Invalid HTTP_HEADERS_TIMEOUT_MS=${headersTimeoutMs}: must not exceed HTTP_REQUEST_TIMEOUT_MS (${requestTimeoutMs})`);
  }
  return {
    // A laptop does not expose the service (and its generated admin password) to the network;
    // a production container must listen on every interface to be reached at all.
    host: (v.HOST as string | undefined) ?? (isProduction ? DEFAULTS.http.productionHost : DEFAULTS.http.developmentHost),
    requestTimeoutMs,
    headersTimeoutMs,
    keepAliveTimeoutMs: v.HTTP_KEEP_ALIVE_TIMEOUT_MS as number,
    shutdownDrainDelayMs: v.SHUTDOWN_DRAIN_DELAY_MS as number,
    shutdownGraceMs: v.SHUTDOWN_HTTP_GRACE_MS as number,
  };
}

function readMetricsConfig(v: Record<VariableName, unknown>, isProduction: boolean): MetricsConfig {
  const port = v.METRICS_PORT as number | undefined;
  if (port !== undefined && port !== 0 && port === v.PORT) throw new ConfigError(`Invalid METRICS_PORT=${port}: must differ from PORT (${port})`);
  // Whoever reaches a production API's port is not necessarily an operator: the scrape names
  // routes, job names and backlog, /ready the database server and its version.
  return { port, public: (v.PUBLIC_METRICS as boolean | undefined) ?? !isProduction };
}

function parseThresholds(raw: string | undefined): Record<Level, number> {
  const thresholds: Record<Level, number> = { ...DEFAULTS.levelThresholds };
  if (raw) {
    for (const pair of raw.split(',')) {
      const [level, amount] = pair.split('=') as [Level, string];
      thresholds[level] = Number(amount);
    }
  }
  const problems = validateLevelThresholds(thresholds);
  if (problems.length > 0) throw new ConfigError(`Invalid LEVEL_THRESHOLDS: ${problems.join('; ')}`);
  return thresholds;
}

/**
 * FERRETDB_POSTGRESQL_URL alone, validated as loadConfig does: for the database resolution, which
 * also serves tests, `npm run db` and the benchmark, where no full configuration is loaded.
 */
export function readFerretDbPostgresqlUrl(env: Env = process.env): string | undefined {
  return readVariable(env, 'FERRETDB_POSTGRESQL_URL') as string | undefined;
}

/** One variable read alone with its schema (for the readers below, which load no full configuration). */
function readVariable(env: Env, name: VariableName): unknown {
  const raw = env[name];
  const { value, error } = VARIABLES[name].validate(raw === '' ? undefined : raw, { convert: true });
  if (error) throw new ConfigError(`Invalid ${name}=${JSON.stringify(secretSafe(name, raw))}: ${error.message.replace(/^"value" /, '')}`);
  return value;
}

/**
 * How the logger logs before the configuration is loaded: it exists first, so that a configuration
 * error can be logged. LOG_LEVEL and NODE_ENV as loadConfig reads them; an invalid value is ignored
 * here (the default instead), and loadConfig then stops the start naming it.
 */
export function readEarlyLogSettings(env: Env = process.env): { level: string; json: boolean } {
  const lenient = (name: 'LOG_LEVEL' | 'NODE_ENV') => {
    try {
      return readVariable(env, name) as string;
    } catch {
      return readVariable({}, name) as string;
    }
  };
  return { level: lenient('LOG_LEVEL'), json: lenient('NODE_ENV') === 'production' };
}

/**
 * What `npm run db` (tools/dev-database/db.ts, a development tool that loads no service configuration) reads:
 * DB_PORT, a fixed port for the database it starts, and MONGODB_URI, a database already there
 * (then it starts nothing). Validated like the service's variables, naming the one at fault.
 */
export function readDbCommandSettings(env: Env = process.env): { port: number | undefined; mongodbUri: string | undefined } {
  const raw = env.DB_PORT?.trim() || undefined;
  const { value: port, error } = int(1, 65_535).validate(raw, { convert: true });
  if (error) throw new ConfigError(`Invalid DB_PORT=${JSON.stringify(raw)}: must be a port number, 1-65535`);
  const trimmed = env.MONGODB_URI?.trim();
  return { port: port as number | undefined, mongodbUri: readVariable({ MONGODB_URI: trimmed }, 'MONGODB_URI') as string | undefined };
}

/**
 * Builds the validated configuration from an environment. Throws ConfigError naming the variable
 * at fault; the entry points turn that into a clean exit.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const v = readVariables(env);
  const nodeEnv = v.NODE_ENV as AppConfig['nodeEnv'];
  const isProduction = nodeEnv === 'production';

  const username = v.ADMIN_USERNAME as string | undefined;
  const password = v.ADMIN_PASSWORD as string | undefined;
  if (isProduction && (!username || !password)) {
    throw new ConfigError('ADMIN_USERNAME and ADMIN_PASSWORD are required when NODE_ENV=production');
  }
  if ((username === undefined) !== (password === undefined)) {
    throw new ConfigError('Set both ADMIN_USERNAME and ADMIN_PASSWORD, or neither');
  }
  const secret = v.TOKEN_SECRET as string | undefined;
  if (isProduction && !secret) throw new ConfigError('TOKEN_SECRET is required when NODE_ENV=production');

  const rewards: RewardRules = {
    rewardBps: v.REWARD_BPS as number,
    appRevenueBps: v.APP_REVENUE_BPS as number,
    treeBps: v.TREE_BPS as number,
    slotBps: v.SLOT_BPS as number,
    maxDepth: v.MAX_UPLINE_DEPTH as number,
  };
  // Each share is checked on its own above; the rules' validator checks how they combine.
  const problems = validateRewardRules(rewards);
  if (problems.length > 0) throw new ConfigError(`Invalid reward settings: ${problems.map(namingVariables).join('; ')}`);

  const failpoints = v.FAILPOINTS ? parseFailpoints(v.FAILPOINTS as string) : new Map<string, number>();
  if (typeof failpoints === 'string') throw new ConfigError(`Invalid FAILPOINTS: ${failpoints}`);
  if (isProduction && failpoints.size > 0) throw new ConfigError('FAILPOINTS is for fault tests and is refused when NODE_ENV=production');

  const transactionBudgetMs = v.TRANSACTION_BUDGET_MS as number;
  const settleMs = v.LEDGER_SETTLE_MS as number;
  // An entry is written by a unit of work that commits within its budget; past the budget (and
  // clock skew between processes) it is settled.
  if (settleMs <= transactionBudgetMs) {
    throw new ConfigError(`Invalid LEDGER_SETTLE_MS=${settleMs}: must be longer than TRANSACTION_BUDGET_MS (${transactionBudgetMs}), with room for clock skew`);
  }

  const concurrency = v.JOB_CONCURRENCY as number;
  const config: AppConfig = {
    nodeEnv,
    isProduction,
    port: v.PORT as number,
    http: readHttpConfig(v, isProduction),
    metrics: readMetricsConfig(v, isProduction),
    mongodbUri: v.MONGODB_URI as string | undefined,
    ferretdbPostgresqlUrl: v.FERRETDB_POSTGRESQL_URL as string | undefined,
    dbName: v.MONGODB_DB as string,
    logLevel: v.LOG_LEVEL as string,
    bodyLimitBytes: v.BODY_LIMIT_BYTES as number,
    runWorker: v.RUN_WORKER as boolean,
    workerHttpPort: v.WORKER_HTTP_PORT as number,
    transactionBudgetMs,
    idempotencyKeyRetentionMs: v.IDEMPOTENCY_KEY_RETENTION_MS as number,
    failpoints,
    admin: {
      username: username ?? 'admin',
      password: password ?? randomBytes(12).toString('base64url'),
      generated: username === undefined,
    },
    token: {
      secret: secret ?? randomBytes(32).toString('base64url'),
      generated: secret === undefined,
      ttlSeconds: v.TOKEN_TTL_SECONDS as number,
    },
    queue: {
      concurrency,
      lockLifetimeMs: v.JOB_LOCK_LIFETIME_MS as number,
      // Locking no more jobs than can run keeps a draining worker from holding idle locks.
      lockLimit: (v.JOB_LOCK_LIMIT as number | undefined) ?? concurrency,
      processEveryMs: v.JOB_PROCESS_EVERY_MS as number,
      maxAttempts: v.JOB_MAX_ATTEMPTS as number,
      backoffDelayMs: v.JOB_BACKOFF_DELAY_MS as number,
      backoffFactor: v.JOB_BACKOFF_FACTOR as number,
      backoffMaxDelayMs: v.JOB_BACKOFF_MAX_DELAY_MS as number,
      backoffJitter: v.JOB_BACKOFF_JITTER as number,
      shutdownTimeoutMs: v.SHUTDOWN_TIMEOUT_MS as number,
      reconcileGraceMs: v.RECONCILE_GRACE_MS as number,
      reconcileEvery: v.RECONCILE_EVERY as string,
      finishedJobRetentionMs: v.FINISHED_JOB_RETENTION_MS as number,
      purgeEvery: v.PURGE_EVERY as string,
      logging: v.JOB_LOGGING as boolean,
    },
    books: { auditEvery: v.AUDIT_EVERY as string, settleMs },
    rewards,
    levelThresholds: parseThresholds(env.LEVEL_THRESHOLDS === '' ? undefined : (v.LEVEL_THRESHOLDS as string | undefined)),
  };
  return Object.freeze(config);
}
