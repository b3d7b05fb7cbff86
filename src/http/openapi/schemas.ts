import { JOB_STATES } from '../../admin/agendash-view.js';
import { CHECK_NAMES, SUBJECT_KINDS } from '../../books/findings.js';
import { AUDIT_RUN_STATUSES } from '../../infra/database/models.js';
import { POINT_ENTRY_TYPES, WALLET_ENTRY_TYPES } from '../../shared/ledger-entries.js';
import { READINESS_STATUSES } from '../../ops/readiness.js';
import { REWARD_STATUSES } from '../../purchases/lifecycle.js';
import { LEVELS } from '../../rewards/rules.js';
/**
 * The API's data shapes as JSON Schema (OpenAPI 3.1). Objects list every field they may carry
 * (`additionalProperties: false`), so a field added to a response without documenting it fails
 * test/http/openapi.test.ts. Every enum is the code's own constant, imported: none is restated here.
 */
type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });
/** An object whose listed properties are all required, and nothing else. */
export const obj = (properties: Record<string, Schema>, optional: string[] = []): Schema => ({
  type: 'object',
  additionalProperties: false,
  required: Object.keys(properties).filter((k) => !optional.includes(k)),
  properties,
});

const id = { type: 'string', pattern: '^[0-9a-f]{24}$' };
const int = { type: 'integer', minimum: 0 };
const str = { type: 'string' };
const bool = { type: 'boolean' };
const date = { type: 'string', format: 'date-time' };
const level = { type: 'string', enum: [...LEVELS] };
const status = { type: 'string', enum: [...REWARD_STATUSES] };
/** Points can be negative: a reversal of points already spent leaves them owed. */
const points = { type: 'integer' };
const refundInfo = obj({ refundedAt: date, by: str, reason: nullable(str) });
const nextCursor = { ...nullable(str), description: 'Pass as `cursor` for the next page; null on the last page.' };
const rewardsSummary: Record<string, Schema> = {
  status: ref('RewardStatus'),
  totalRewardPoints: int,
  attempts: int,
  lastError: nullable(str),
  attemptedAt: nullable(date),
  completedAt: nullable(date),
  reversedAt: nullable(date),
};
const page = (item: string, extra: Record<string, Schema> = {}) => obj({ ...extra, items: { type: 'array', items: ref(item) }, nextCursor });

export const schemas: Record<string, Schema> = {
  Error: obj({
    success: { const: false },
    error: obj({ code: { ...str, description: 'Stable machine-readable code, e.g. VALIDATION_FAILED' }, message: str, details: {} }, ['details']),
  }),
  Level: level,
  RewardStatus: {
    ...status,
    description:
      'pending: queued, not started · processing: running or waiting for a retry · completed: paid · failed: every attempt failed · cancelled: refunded before it was paid, never paid · reversing: refunded after it was paid, reversal queued · reversed: every entry reversed',
  },
  User: obj({
    id,
    name: str,
    email: { type: 'string', format: 'email' },
    referrerId: nullable(id),
    level: nullable(level),
    isActive: bool,
    isVerified: bool,
    walletBalance: int,
    rewardPoints: { ...points, description: 'The sum of the user\'s reward ledger entries and their reversals' },
    lifetimeSpend: int,
  }),
  Me: obj({ id, name: str, walletBalance: int, rewardPoints: points, level: nullable(level), lifetimeSpend: int }),
  IssuedToken: obj({ id, token: str, expiresAt: date }),
  Wallet: obj({ id, walletBalance: { ...int, description: 'The balance right after this credit (a replay answers the same)' }, entryId: { ...id, description: "The credit's ledger entry" } }),
  WalletEntry: obj(
    {
      id,
      type: { type: 'string', enum: [...WALLET_ENTRY_TYPES] },
      amount: { type: 'integer', description: 'What the entry did to the wallet: positive in (credit, refund), negative out (purchase)' },
      balanceAfter: { type: 'integer', description: 'The running balance: every entry up to this one, summed' },
      purchaseId: nullable(id),
      reason: nullable(str),
      createdAt: date,
      by: { ...nullable(str), description: 'Who credited (the admin view only)' },
    },
    ['by'],
  ),
  WalletStatement: page('WalletEntry', { walletBalance: { ...int, description: 'The wallet now; the newest entry\'s balanceAfter equals it while the books hold' } }),
  AuditRun: obj({ id, trigger: { type: 'string', description: 'schedule, admin' }, status: { type: 'string', enum: [...AUDIT_RUN_STATUSES] }, startedAt: date, finishedAt: nullable(date), error: nullable(str) }),
  AuditFinding: obj(
    {
      check: ref('AuditCheckName'),
      subject: obj({ kind: { type: 'string', enum: [...SUBJECT_KINDS] }, id: str }),
      message: str,
      expected: { type: 'integer' },
      actual: { type: 'integer' },
      difference: { type: 'integer', description: 'actual − expected' },
    },
    ['expected', 'actual', 'difference'],
  ),
  AuditCheckName: { type: 'string', enum: [...CHECK_NAMES] },
  AuditReport: obj({
    startedAt: date,
    finishedAt: date,
    durationMs: int,
    phaseMs: obj({ users: int, purchases: int, entries: int, recheck: int }),
    clean: { ...bool, description: 'true: every check found nothing, the books hold' },
    settledBefore: date,
    scanned: obj({ users: int, userEntries: int, purchases: int, purchaseEntries: int }),
    checks: { type: 'array', items: obj({ name: ref('AuditCheckName'), description: str, discrepancies: int }) },
    findings: { type: 'array', items: ref('AuditFinding') },
    findingsNotListed: int,
    rechecked: obj({ subjects: int, cleared: int }),
    pools: obj({ expected: obj({ appRevenue: int, giftsPool: int }), actual: obj({ appRevenue: points, giftsPool: points }) }),
    inProgress: obj({ unpaid: int, reversing: int }),
    checkpoints: obj({ checked: int, written: int }),
  }),
  AuditLast: obj({ id, trigger: str, status: { const: 'finished' }, startedAt: date, finishedAt: date, error: { type: 'null' }, report: ref('AuditReport') }),
  AuditState: obj({
    last: nullable(ref('AuditLast')),
    running: nullable(ref('AuditRun')),
    lastFailed: nullable(ref('AuditRun')),
  }),
  AuditStarted: obj({
    queued: { ...bool, description: 'false: one was running already' },
    last: nullable(ref('AuditLast')),
    running: nullable(ref('AuditRun')),
    lastFailed: nullable(ref('AuditRun')),
  }),
  Product: obj({ id, sku: str, name: str, price: { type: 'integer', minimum: 1 }, active: bool }),
  Pools: obj({ appRevenue: int, giftsPool: int, rewardsPaid: int, refunded: { ...int, description: 'Wallet money given back by refunds' } }),
  Refund: obj({
    transactionId: id,
    alreadyRefunded: { ...bool, description: 'true: it had been refunded before, nothing changed now' },
    refund: obj({ refundedAt: date, by: str, reason: nullable(str), idempotencyKey: nullable(str) }, ['idempotencyKey']),
    amount: int,
    rewardsStatus: ref('RewardStatus'),
  }),
  PricedLine: obj({ sku: str, name: str, unitPrice: int, quantity: int, lineTotal: int }),
  CartLine: obj({ sku: str, quantity: int }),
  Cart: obj({
    version: int,
    items: { type: 'array', items: { anyOf: [ref('PricedLine'), ref('CartLine')] }, description: 'Priced lines; unpriced ones when a product became unavailable' },
    total: nullable(int),
    unavailable: { type: 'array', items: str },
  }),
  Checkout: obj({
    success: { const: true },
    message: { const: 'Checkout successful' },
    data: obj({
      transactionId: id,
      cartTotal: int,
      newWalletBalance: int,
      rewards: obj({
        totalRewardPoints: int,
        status: {
          const: 'processing',
          description:
            "The original system's word, kept for its clients: accepted for background processing. The purchase's own `rewards.status` (GET /api/transactions/{id}) is `pending` until a worker starts its job. A replay answers the same.",
        },
      }),
      note: str,
    }),
  }),
  Distribution: obj({
    cartTotal: int,
    totalRewardPoints: int,
    appRevenue: int,
    treeBudget: int,
    giftsPool: int,
    slotAmount: int,
    payouts: { type: 'array', items: obj({ userId: id, slot: level, amount: int, depth: int }) },
    skipped: { type: 'array', items: obj({ userId: id, depth: int, reason: str }) },
    treePaid: int,
    giftsPoolBase: int,
    unusedTreeBudget: int,
    depthLimited: bool,
  }),
  Rewards: obj(
    {
      status: ref('RewardStatus'),
      totalRewardPoints: int,
      distribution: nullable(ref('Distribution')),
      attempts: int,
      lastError: nullable(str),
      completedAt: nullable(date),
      attemptedAt: nullable(date),
      reversedAt: nullable(date),
    },
    ['attemptedAt', 'reversedAt'],
  ),
  Transaction: obj({
    id,
    type: { const: 'purchase' },
    total: int,
    lines: { type: 'array', items: ref('PricedLine') },
    createdAt: date,
    rewards: ref('Rewards'),
    refund: nullable(obj({ refundedAt: date, reason: nullable(str) })),
  }),
  CustomerPurchase: obj({
    id,
    userId: id,
    total: int,
    itemCount: int,
    createdAt: date,
    refundedAt: nullable(date),
    rewards: obj({ status: ref('RewardStatus'), totalRewardPoints: int, completedAt: nullable(date) }),
  }),
  PurchaseRewardsSummary: obj(rewardsSummary),
  PurchaseSummary: obj({ id, userId: nullable(id), total: int, itemCount: int, createdAt: date, refund: nullable(refundInfo), rewards: ref('PurchaseRewardsSummary') }),
  Job: obj({
    id,
    name: str,
    state: { type: 'string', enum: [...JOB_STATES], description: "Agenda's computeJobState, as Agendash shows it" },
    failCount: int,
    failReason: nullable(str),
    lastRunAt: nullable(date),
    lastFinishedAt: nullable(date),
    nextRunAt: nullable(date),
    lockedAt: nullable(date),
  }),
  PurchaseDetail: obj({
    id,
    userId: nullable(id),
    total: int,
    itemCount: int,
    createdAt: date,
    refund: nullable(refundInfo),
    lines: { type: 'array', items: ref('PricedLine') },
    rewards: obj({ ...rewardsSummary, distribution: nullable(ref('Distribution')) }),
    jobs: { type: 'array', items: ref('Job'), description: 'Newest first; more than one after a requeue' },
  }),
  RetryResult: obj({
    id,
    outcome: { type: 'string', enum: ['revived', 'created', 'waiting'], description: 'revived: its job made due again · created: it had none · waiting: a job will run already' },
    rewards: ref('PurchaseRewardsSummary'),
    jobs: { type: 'array', items: ref('Job') },
  }),
  ProcessingStats: obj({
    byStatus: obj({ pending: int, processing: int, completed: int, failed: int, cancelled: int, reversing: int, reversed: int }),
    completedInWindow: obj({
      windowMinutes: int,
      count: int,
      sampled: { ...bool, description: 'true when only the newest 10 000 were measured' },
      p50Ms: nullable(int),
      p95Ms: nullable(int),
      maxMs: nullable(int),
    }),
  }),
  RewardCredit: obj({
    id,
    purchaseId: nullable(id),
    type: { type: 'string', enum: [...POINT_ENTRY_TYPES], description: 'reversal: the purchase was refunded; the amount is negative' },
    slot: nullable(str),
    depth: nullable(int),
    amount: points,
    createdAt: date,
  }),
  Referral: obj({ id, name: str, level: nullable(level), joined: date }),
  UserPage: page('User'),
  ProductPage: page('Product'),
  PurchaseSummaryPage: page('PurchaseSummary'),
  CustomerPurchasePage: page('CustomerPurchase'),
  RewardStatement: page('RewardCredit', { total: { ...points, description: 'All reward points, every page: the ledger sum' } }),
  Referrals: page('Referral', { summary: obj({ directCount: int, downlineCount: { ...int, description: 'Everyone below, at any depth' } }) }),
  Health: obj({ status: { const: 'ok' }, uptimeSeconds: int }),
  Readiness: {
    ...obj(
      {
        status: { type: 'string', enum: [...READINESS_STATUSES], description: 'degraded: ready, but the database has had no usable primary for less than graceMs (an election)' },
        database: obj({ ok: bool, error: str, unavailableForMs: int, graceMs: int, server: str, version: str, transactions: bool, source: str }, ['error', 'unavailableForMs']),
        queue: obj({ ok: bool, error: str }, ['error']),
      },
      ['database', 'queue'],
    ),
    description: '`database` and `queue` only where the operators\' detail is served: METRICS_PORT, a worker\'s port, and the public port with PUBLIC_METRICS (default outside production)',
  },
  AgendashList: {
    type: 'object',
    required: ['overview', 'jobs', 'total', 'totalPages'],
    properties: {
      overview: { type: 'array', items: { type: 'object', required: ['displayName', 'total'] } },
      jobs: { type: 'array', items: { type: 'object', required: ['job', 'failed', 'completed', 'running', 'queued', 'scheduled'] } },
      total: int,
      totalPages: int,
    },
  },
};

