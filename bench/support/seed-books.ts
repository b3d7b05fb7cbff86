import { entryKeys } from '../../src/shared/ledger-entries.js';
import { newId, toId } from '../../src/shared/ids.js';
import { computeDistribution } from '../../src/rewards/distribution.js';
import type { System } from '../../src/system.js';
import { PRODUCT } from './seed.js';

/** Purchases per buyer; every tenth purchase is refunded and its rewards reversed. */
const PER_BUYER = 5;
const REFUND_EVERY = 10;
const CREDIT = 10_000;
const BATCH = 1000;

/**
 * A shop whose books hold, written straight to the database as the service writes it, with
 * `purchases` purchases: buyers under one hot referrer (level A, paid on every purchase, so
 * their points are a sum over `purchases` entries) and a top referrer (B); each buyer credited
 * once (their journal's first entry), every purchase completed with its distribution and its
 * entries, every tenth refunded (refund entry, reversals, wallet and spend back). Entries are
 * dated two hours back and more: settled, so the audit's checkpoints cover them.
 */
export async function seedBooks(system: System, purchases: number): Promise<{ users: number; entries: number; hotReferrer: string }> {
  const { User, Ledger } = system.ctx.database.models;
  const rules = system.ctx.config.rewards;
  const top = newId();
  const hot = newId();
  await User.insertMany([
    { _id: top, name: 'Books top', email: `books-top-${top.toString()}@bench.example`, referrer: null, ancestors: [], level: 'B' },
    { _id: hot, name: 'Books hot referrer', email: `books-hot-${hot.toString()}@bench.example`, referrer: top, ancestors: [top], level: 'A' },
  ]);
  const upline = [
    { userId: hot.toString(), level: 'A' as const, isActive: true, isVerified: true },
    { userId: top.toString(), level: 'B' as const, isActive: true, isVerified: true },
  ];
  const started = Date.now() - 2 * 3_600_000 - purchases * 10;
  const at = (i: number) => new Date(started + i * 10);
  let entries = 0;
  let users = 2;
  let n = 0;
  const buyers = Math.ceil(purchases / PER_BUYER);
  for (let first = 0; first < buyers; first += BATCH / PER_BUYER) {
    const userDocs = [];
    const ledger: Record<string, unknown>[] = [];
    for (let b = first; b < Math.min(buyers, first + BATCH / PER_BUYER); b++) {
      const buyer = newId();
      let wallet = CREDIT;
      let spend = 0;
      ledger.push({ type: 'wallet_credit', entryKey: `wallet_credit:initial:${buyer.toString()}`, user: buyer, amount: CREDIT, purchase: null, walletBalanceAfter: CREDIT, credit: { by: 'bench', reason: 'initial balance' }, createdAt: at(n) });
      for (let p = 0; p < PER_BUYER && n < purchases; p++, n++) {
        const pid = newId();
        const id = pid.toString();
        const d = computeDistribution({ cartTotal: PRODUCT.price, buyerId: buyer.toString(), upline, rules });
        const refunded = n % REFUND_EVERY === REFUND_EVERY - 1;
        wallet -= PRODUCT.price;
        spend += PRODUCT.price;
        const paid = [
          { type: 'app_revenue', entryKey: entryKeys.appRevenue(id), user: null, amount: d.appRevenue, slot: null },
          ...d.payouts.map((x) => ({ type: 'reward', entryKey: entryKeys.reward(id, x.userId, x.slot), user: toId(x.userId), amount: x.amount, slot: x.slot, depth: x.depth })),
          { type: 'gifts_pool', entryKey: entryKeys.giftsPool(id), user: null, amount: d.giftsPool, slot: null },
        ].map((e) => ({ ...e, purchase: pid, createdAt: at(n) }));
        ledger.push({
          _id: pid,
          type: 'purchase',
          entryKey: entryKeys.purchase(id),
          user: buyer,
          amount: PRODUCT.price,
          purchase: null,
          walletBalanceAfter: wallet,
          lines: [{ sku: PRODUCT.sku, name: PRODUCT.name, unitPrice: PRODUCT.price, quantity: 1, lineTotal: PRODUCT.price }],
          rewards: { status: refunded ? 'reversed' : 'completed', totalRewardPoints: d.totalRewardPoints, distribution: d, attempts: 1, lastError: null, completedAt: at(n), ...(refunded ? { reversedAt: at(n) } : {}) },
          ...(refunded ? { refund: { refundedAt: at(n), by: 'bench', reason: null, idempotencyKey: null } } : {}),
          createdAt: at(n),
        });
        ledger.push(...paid);
        if (refunded) {
          wallet += PRODUCT.price;
          spend -= PRODUCT.price;
          ledger.push({ type: 'refund', entryKey: entryKeys.refund(id), user: buyer, amount: PRODUCT.price, purchase: pid, createdAt: at(n) });
          ledger.push(...paid.map((e) => ({ ...e, type: 'reversal', reverses: e.type, entryKey: entryKeys.reversal(e.entryKey), amount: -e.amount })));
        }
      }
      userDocs.push({ _id: buyer, name: `Books buyer ${b}`, email: `books-${buyer.toString()}@bench.example`, referrer: hot, ancestors: [hot, top], level: 'A', walletBalance: wallet, lifetimeSpend: spend });
    }
    await User.collection.insertMany(userDocs);
    for (let i = 0; i < ledger.length; i += BATCH) await Ledger.collection.insertMany(ledger.slice(i, i + BATCH));
    users += userDocs.length;
    entries += ledger.length;
  }
  return { users, entries, hotReferrer: hot.toString() };
}
