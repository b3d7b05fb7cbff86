import mongoose, { Schema, type Connection, type Model, type Types } from 'mongoose';
import { LEVELS, type Level } from '../../rewards/rules.js';
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

export type LedgerType = 'purchase' | 'reward' | 'app_revenue' | 'gifts_pool';
export type RewardStatus = 'pending' | 'processing' | 'completed' | 'failed';

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
  rewards?: PurchaseRewards;
  createdAt: Date;
}

export interface IdempotencyDoc {
  _id: string;
  user: Types.ObjectId;
  cartFingerprint: string;
  transactionId: Types.ObjectId;
  response: unknown;
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
    type: { type: String, enum: ['purchase', 'reward', 'app_revenue', 'gifts_pool'], required: true },
    entryKey: { type: String, required: true },
    user: { type: Schema.Types.ObjectId, default: null },
    amount: { ...int, required: true, min: 0 },
    purchase: { type: Schema.Types.ObjectId, default: null },
    slot: { type: String, default: null },
    depth: { type: Number, default: undefined },
    lines: { type: [{ _id: false, sku: String, name: String, unitPrice: Number, quantity: Number, lineTotal: Number }], default: undefined },
    rewards: {
      type: {
        _id: false,
        status: { type: String, enum: ['pending', 'processing', 'completed', 'failed'] },
        totalRewardPoints: Number,
        distribution: Schema.Types.Mixed,
        attempts: Number,
        lastError: String,
        completedAt: Date,
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
// A user's points are the sum of their reward entries: summed from the index alone.
ledgerSchema.index({ user: 1, type: 1, amount: 1 });

const idempotencySchema = new Schema<IdempotencyDoc>(
  {
    _id: { type: String },
    user: { type: Schema.Types.ObjectId, required: true },
    cartFingerprint: { type: String, required: true },
    transactionId: { type: Schema.Types.ObjectId, required: true },
    response: { type: Schema.Types.Mixed, required: true },
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
}

export function registerModels(connection: Connection): Models {
  return {
    User: connection.model<UserDoc>('User', userSchema, 'users'),
    Product: connection.model<ProductDoc>('Product', productSchema, 'products'),
    Cart: connection.model<CartDoc>('Cart', cartSchema, 'carts'),
    Ledger: connection.model<LedgerDoc>('Ledger', ledgerSchema, 'transactions'),
    Idempotency: connection.model<IdempotencyDoc>('Idempotency', idempotencySchema, 'idempotency_keys'),
  };
}

export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

export const ObjectId = mongoose.Types.ObjectId;
