import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { LEVELS, type Level } from '../../rewards/rules.js';
import { REWARD_STATUSES, type RewardStatus } from '../../purchases/lifecycle.js';
import { LEDGER_TYPES, REWARD_ENTRY_TYPES, type LedgerType, type RewardEntryType } from '../../shared/ledger-entries.js';
const int = { type: Number, validate: { validator: Number.isSafeInteger, message: '{PATH} must be an integer' } };

export interface UserDoc {
  _id: Types.ObjectId;
  name: string;
  email: string;
  referrer: Types.ObjectId | null;
  /** Nearest first, at most the configured depth: the upline is one query, and cycles can't form. */
  ancestors: Types.ObjectId[];
  level: Level | null;
  isActive: boolean;
  isVerified: boolean;
  walletBalance: number;
  lifetimeSpend: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface ProductDoc {
  _id: Types.ObjectId;
  sku: string;
  name: string;
  price: number;
  active: boolean;
  createdAt: Date;
}

export interface CartLine {
  sku: string;
  quantity: number;
}

export interface CartDoc {
  _id: Types.ObjectId;
  user: Types.ObjectId;
  items: CartLine[];
  version: number;
}

// The purchase's rewards statuses and their moves: src/purchases/lifecycle.ts.

export interface PurchaseRefund {
  refundedAt: Date;
  /** The admin who refunded it. */
  by: string;
  reason: string | null;
  /** The request's Idempotency-Key, if any: reusing it for another purchase is refused. */
  idempotencyKey?: string | null;
}

export interface WalletCredit {
  /** The admin who credited. */
  by: string;
  reason: string | null;
}

export interface PricedLine {
  sku: string;
  name: string;
  unitPrice: number;
  quantity: number;
  lineTotal: number;
}

export interface PurchaseRewards {
  status: RewardStatus;
  totalRewardPoints: number;
  distribution: unknown;
  attempts: number;
  lastError: string | null;
  completedAt: Date | null;
  /** Set when a refund's reversal of paid rewards is done. */
  reversedAt?: Date | null;
  /** When the last run started: the reconciler's clock for a purchase stuck in `processing`. */
  attemptedAt?: Date | null;
}

export interface LedgerDoc {
  _id: Types.ObjectId;
  type: LedgerType;
  /** Unique across the ledger: makes every entry impossible to write twice. */
  entryKey: string;
  /** The customer concerned; null for the system accounts (app revenue, gifts pool). */
  user: Types.ObjectId | null;
  amount: number;
  /** For reward/app_revenue/gifts_pool: the purchase the entry came from. */
  purchase: Types.ObjectId | null;
  slot: string | null;
  /** For a reward: the beneficiary's distance from the buyer (1 = direct referrer). */
  depth?: number | null;
  lines?: PricedLine[];
  /**
   * On a purchase or a wallet credit: the wallet balance right after it (a replayed checkout or
   * credit answers with it).
   */
  walletBalanceAfter?: number;
  /** On a wallet credit: who credited, and why. */
  credit?: WalletCredit;
  rewards?: PurchaseRewards;
  /** On a purchase: set once, when it is refunded. */
  refund?: PurchaseRefund | null;
  /** On a reversal: the type of the entry it reverses. */
  reverses?: RewardEntryType;
  createdAt: Date;
}

export interface IdempotencyDoc {
  _id: string;
  user: Types.ObjectId;
  cartFingerprint: string;
  transactionId: Types.ObjectId;
  createdAt: Date;
}

const userSchema = new Schema<UserDoc>(
  {
    name: { type: String, required: true, trim: true },
    email: { type: String, required: true, lowercase: true, trim: true },
    referrer: { type: Schema.Types.ObjectId, default: null },
    ancestors: { type: [Schema.Types.ObjectId], default: [] },
    level: { type: String, enum: [...LEVELS, null], default: null },
    isActive: { type: Boolean, default: true },
    isVerified: { type: Boolean, default: true },
    walletBalance: { ...int, default: 0, min: 0 },
    lifetimeSpend: { ...int, default: 0, min: 0 },
  },
  { timestamps: true, versionKey: false },
);
userSchema.index({ email: 1 }, { unique: true });
// A customer's direct referrals, newest first, and their whole downline (multikey on the upline).
userSchema.index({ referrer: 1, createdAt: -1 });
userSchema.index({ ancestors: 1 });
// Support's list of users, newest first.
userSchema.index({ createdAt: -1 });

const productSchema = new Schema<ProductDoc>(
  {
    sku: { type: String, required: true },
    name: { type: String, required: true },
    price: { ...int, required: true, min: 1 },
    active: { type: Boolean, default: true },
  },
  { timestamps: true, versionKey: false },
);
productSchema.index({ sku: 1 }, { unique: true });
productSchema.index({ active: 1, createdAt: -1 });

const cartSchema = new Schema<CartDoc>(
  {
    user: { type: Schema.Types.ObjectId, required: true },
    items: { type: [{ _id: false, sku: String, quantity: Number }], default: [] },
    version: { ...int, default: 0 },
  },
  { timestamps: true, versionKey: false },
);
cartSchema.index({ user: 1 }, { unique: true });

const ledgerSchema = new Schema<LedgerDoc>(
  {
    type: { type: String, enum: LEDGER_TYPES, required: true },
    entryKey: { type: String, required: true },
    user: { type: Schema.Types.ObjectId, default: null },
    // Negative only for a reversal, which carries the opposite of the entry it reverses.
    amount: { ...int, required: true },
    reverses: { type: String, enum: REWARD_ENTRY_TYPES, default: undefined },
    refund: { type: { _id: false, refundedAt: Date, by: String, reason: String, idempotencyKey: String }, default: undefined },
    credit: { type: { _id: false, by: String, reason: String }, default: undefined },
    purchase: { type: Schema.Types.ObjectId, default: null },
    slot: { type: String, default: null },
    depth: { type: Number, default: undefined },
    walletBalanceAfter: { type: Number, default: undefined },
    lines: { type: [{ _id: false, sku: String, name: String, unitPrice: Number, quantity: Number, lineTotal: Number }], default: undefined },
    rewards: {
      type: {
        _id: false,
        status: { type: String, enum: REWARD_STATUSES },
        totalRewardPoints: Number,
        distribution: Schema.Types.Mixed,
        attempts: Number,
        lastError: String,
        completedAt: Date,
        reversedAt: Date,
        attemptedAt: Date,
      },
      default: undefined,
    },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
ledgerSchema.index({ entryKey: 1 }, { unique: true });
ledgerSchema.index({ purchase: 1 });
ledgerSchema.index({ type: 1, 'rewards.status': 1, createdAt: 1 });
// Processing-time figures: purchases completed within a window.
ledgerSchema.index({ type: 1, 'rewards.status': 1, 'rewards.completedAt': 1 });
ledgerSchema.index({ user: 1, type: 1, createdAt: -1 });
ledgerSchema.index({ 'refund.idempotencyKey': 1 });
// A user's points are the sum of their reward entries: summed from the index alone.
ledgerSchema.index({ user: 1, type: 1, amount: 1 });
// The books audit reads purchases in id order, beside their entries in `purchase` order.
ledgerSchema.index({ type: 1, _id: 1 });

/**
 * A user's reward points settled up to `upTo`: the sum of their point entries created before it.
 * Entries are only ever added, and none created before `upTo` can still be uncommitted when the
 * checkpoint is taken (see src/rewards/point-checkpoints.ts), so points = `points` + the entries
 * from `upTo` on.
 */
export interface PointCheckpointDoc {
  /** The user. */
  _id: Types.ObjectId;
  points: number;
  upTo: Date;
  /** How many entries `points` sums (for the audit's report). */
  entries: number;
  updatedAt: Date;
}

const pointCheckpointSchema = new Schema<PointCheckpointDoc>(
  {
    _id: { type: Schema.Types.ObjectId },
    points: { ...int, required: true },
    upTo: { type: Date, required: true },
    entries: { ...int, required: true },
  },
  { timestamps: { createdAt: false, updatedAt: true }, versionKey: false },
);

export const AUDIT_RUN_STATUSES = ['running', 'finished', 'failed'] as const;
export type AuditRunStatus = (typeof AUDIT_RUN_STATUSES)[number];

/** One run of the books audit (src/books/): what it checked and what it found. */
export interface AuditRunDoc {
  _id: Types.ObjectId;
  trigger: string;
  status: AuditRunStatus;
  startedAt: Date;
  /** Renewed while it runs: a run whose heartbeat is old died with its process. */
  heartbeatAt: Date;
  finishedAt: Date | null;
  /** The report (src/books/report.ts) once finished. */
  report: unknown;
  error: string | null;
}

const auditRunSchema = new Schema<AuditRunDoc>(
  {
    trigger: { type: String, required: true },
    status: { type: String, enum: AUDIT_RUN_STATUSES, required: true },
    startedAt: { type: Date, required: true },
    heartbeatAt: { type: Date, required: true },
    finishedAt: { type: Date, default: null },
    report: { type: Schema.Types.Mixed, default: null },
    error: { type: String, default: null },
  },
  { versionKey: false, minimize: false },
);
auditRunSchema.index({ startedAt: -1 });

const idempotencySchema = new Schema<IdempotencyDoc>(
  {
    _id: { type: String },
    user: { type: Schema.Types.ObjectId, required: true },
    cartFingerprint: { type: String, required: true },
    transactionId: { type: Schema.Types.ObjectId, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
// Expired keys are removed by the expire-idempotency-keys job (FerretDB rejects TTL indexes).
idempotencySchema.index({ createdAt: 1 });

export interface Models {
  User: Model<UserDoc>;
  Product: Model<ProductDoc>;
  Cart: Model<CartDoc>;
  Ledger: Model<LedgerDoc>;
  Idempotency: Model<IdempotencyDoc>;
  PointCheckpoint: Model<PointCheckpointDoc>;
  AuditRun: Model<AuditRunDoc>;
}

export function registerModels(connection: Connection): Models {
  return {
    User: connection.model<UserDoc>('User', userSchema, 'users'),
    Product: connection.model<ProductDoc>('Product', productSchema, 'products'),
    Cart: connection.model<CartDoc>('Cart', cartSchema, 'carts'),
    Ledger: connection.model<LedgerDoc>('Ledger', ledgerSchema, 'transactions'),
    Idempotency: connection.model<IdempotencyDoc>('Idempotency', idempotencySchema, 'idempotency_keys'),
    PointCheckpoint: connection.model<PointCheckpointDoc>('PointCheckpoint', pointCheckpointSchema, 'point_checkpoints'),
    AuditRun: connection.model<AuditRunDoc>('AuditRun', auditRunSchema, 'ledger_audits'),
  };
}


