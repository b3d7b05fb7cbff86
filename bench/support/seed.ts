import { entryKeys } from '../../src/shared/ledger-entries.js';
import type { Level } from '../../config/index.js';
import { newId, type Id } from '../../src/shared/ids.js';
import type { System } from '../../src/system.js';
import { SETTINGS } from './settings.js';

/** Twelve ancestors above every bench buyer, nearest first: paid slots, skips, a duplicate and a J group. */
export const UPLINE: { level: Level | null; isActive?: boolean; isVerified?: boolean }[] = [
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
export const PRODUCT = { sku: 'BENCH-ITEM', name: 'Bench item', price: 1000 };

export interface Buyer {
  id: string;
  auth: string;
}

const users = (system: System) => system.ctx.database.models.User;
let emails = 0;
const email = (prefix: string) => `${prefix}-${++emails}@bench.example`;

/** A twelve-deep upline (top first in the database); returns its ids nearest first. */
async function upline(system: System, prefix: string): Promise<Id[]> {
  const topDown = [...UPLINE].reverse();
  const ids = topDown.map(() => newId());
  await users(system).insertMany(
    topDown.map((member, i) => ({
      _id: ids[i],
      name: `${prefix} upline ${i}`,
      email: email(`${prefix}-upline`),
      referrer: i === 0 ? null : ids[i - 1],
      ancestors: ids.slice(0, i).reverse(),
      level: member.level,
      isActive: member.isActive ?? true,
      isVerified: member.isVerified ?? true,
    })),
  );
  return ids.reverse();
}

/**
 * `count` buyers with a full wallet. `hot`: all under one shared upline (one hot referrer whose
 * entries every purchase writes); otherwise each in a tree of its own. Returns their ids.
 */
export async function seedBuyers(system: System, count: number, prefix: string, hot: boolean): Promise<string[]> {
  const shared = hot ? await upline(system, prefix) : undefined;
  const buyers = [];
  for (let i = 0; i < count; i++) {
    const ancestors = shared ?? (await upline(system, `${prefix}-${i}`));
    buyers.push({ _id: newId(), name: `${prefix} ${i}`, email: email(prefix), referrer: ancestors[0], ancestors, walletBalance: 1_000_000_000, lifetimeSpend: PRODUCT.price });
  }
  for (let i = 0; i < buyers.length; i += 500) await users(system).insertMany(buyers.slice(i, i + 500));
  return buyers.map((b) => b._id.toString());
}

export async function seedProduct(system: System): Promise<void> {
  await system.ctx.database.models.Product.create({ ...PRODUCT, active: true });
}

/**
 * `count` customers with history: in chains twelve deep, each with SETTINGS.historyPurchases
 * completed purchases and the reward, app-revenue and gifts-pool entries each one wrote — the
 * users and ledger collections of a shop that has been trading.
 */
export async function seedHistory(system: System, count: number): Promise<{ users: number; ledger: number }> {
  const { User, Ledger } = system.ctx.database.models;
  let ledger = 0;
  for (let start = 0; start < count; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, count - start) }, () => newId());
    await User.insertMany(
      batch.map((id, i) => {
        const ancestors = batch.slice(Math.max(0, i - (i % 12)), i).reverse();
        return { _id: id, name: `Customer ${start + i}`, email: email('customer'), referrer: ancestors[0] ?? null, ancestors, level: 'A', walletBalance: 10_000, lifetimeSpend: 3 * PRODUCT.price };
      }),
    );
    const entries = batch.flatMap((buyer, i) =>
      Array.from({ length: SETTINGS.historyPurchases }, () => {
        const pid = newId();
        const base = { purchase: pid, createdAt: new Date(), updatedAt: new Date() };
        const referrer = batch[i - 1] && i % 12 !== 0 ? batch[i - 1]! : null;
        return [
          { _id: pid, type: 'purchase', entryKey: entryKeys.purchase(pid.toString()), user: buyer, amount: PRODUCT.price, lines: [{ sku: PRODUCT.sku, name: PRODUCT.name, unitPrice: PRODUCT.price, quantity: 1, lineTotal: PRODUCT.price }], rewards: { status: 'completed', totalRewardPoints: 100, distribution: null, attempts: 1, lastError: null, completedAt: new Date() } },
          { ...base, type: 'app_revenue', entryKey: entryKeys.appRevenue(pid.toString()), user: null, amount: 50, slot: null },
          { ...base, type: 'gifts_pool', entryKey: entryKeys.giftsPool(pid.toString()), user: null, amount: referrer ? 10 : 15, slot: null },
          ...(referrer ? [{ ...base, type: 'reward', entryKey: entryKeys.reward(pid.toString(), String(referrer), 'A'), user: referrer, amount: 5, slot: 'A' }] : []),
        ];
      }).flat(),
    );
    for (let i = 0; i < entries.length; i += 1000) await Ledger.insertMany(entries.slice(i, i + 1000));
    ledger += entries.length;
  }
  return { users: count, ledger };
}

export async function tokensFor(system: System, ids: string[]): Promise<Buyer[]> {
  return Promise.all(ids.map(async (id) => ({ id, auth: `Bearer ${(await system.tokens.issue(id)).token}` })));
}

/** Puts one BENCH-ITEM in the buyer's cart, straight in the database (never timed or counted). */
export async function fillCart(system: System, buyer: Buyer): Promise<void> {
  await system.ctx.database.models.Cart.updateOne({ user: buyer.id }, { $set: { items: [{ sku: PRODUCT.sku, quantity: 1 }] }, $inc: { version: 1 } }, { upsert: true });
}

/** `count` pending purchases of these buyers, exactly as checkout writes them. Returns their ids. */
export async function pendingPurchases(system: System, buyerIds: string[], count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => newId().toString());
  for (let i = 0; i < ids.length; i += 500) {
    await system.ctx.database.models.Ledger.insertMany(
      ids.slice(i, i + 500).map((id, j) => ({
        _id: id,
        type: 'purchase',
        entryKey: entryKeys.purchase(id),
        user: buyerIds[(i + j) % buyerIds.length],
        amount: PRODUCT.price,
        lines: [{ sku: PRODUCT.sku, name: PRODUCT.name, unitPrice: PRODUCT.price, quantity: 1, lineTotal: PRODUCT.price }],
        rewards: { status: 'pending', totalRewardPoints: PRODUCT.price / 10, distribution: null, attempts: 0, lastError: null, completedAt: null },
      })),
    );
  }
  return ids;
}
