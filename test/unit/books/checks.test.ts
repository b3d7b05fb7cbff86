import { expect } from 'chai';
import { Types } from 'mongoose';
import { distributionAddsUp } from '../../../src/books/checks/distribution.js';
import { entryWithoutPurchase } from '../../../src/books/checks/entry-purchase.js';
import { checkPurchase } from '../../../src/books/checks/index.js';
import { refundNetsToZero } from '../../../src/books/checks/refund.js';
import { statusMatchesEntries } from '../../../src/books/checks/settlement.js';
import type { PurchaseBooks } from '../../../src/books/purchase-books.js';
import type { LedgerDoc } from '../../../src/infra/database/models.js';
import type { RewardStatus } from '../../../src/purchases/lifecycle.js';
import { computeDistribution } from '../../../src/rewards/distribution.js';
import { DEFAULT_REWARD_RULES } from '../../../src/rewards/rules.js';

const buyer = new Types.ObjectId();
const referrer = new Types.ObjectId();
const pid = new Types.ObjectId();
const id = pid.toString();
const rules = DEFAULT_REWARD_RULES;
const distribution = computeDistribution({ cartTotal: 1000, buyerId: buyer.toString(), upline: [{ userId: referrer.toString(), level: 'A', isActive: true, isVerified: true }], rules });

const entry = (fields: Partial<LedgerDoc> & Pick<LedgerDoc, 'type' | 'entryKey' | 'amount'>): LedgerDoc => ({ _id: new Types.ObjectId(), user: null, purchase: pid, slot: null, createdAt: new Date(), ...fields });
const originals = (): LedgerDoc[] => [
  entry({ type: 'app_revenue', entryKey: `app_revenue:${id}`, amount: distribution.appRevenue }),
  entry({ type: 'reward', entryKey: `reward:${id}:${referrer.toString()}:A`, amount: 5, user: referrer, slot: 'A' }),
  entry({ type: 'gifts_pool', entryKey: `gifts_pool:${id}`, amount: distribution.giftsPool }),
];
const reversalsOf = (list: LedgerDoc[]) => list.map((o) => entry({ type: 'reversal', entryKey: `reversal:${o.entryKey}`, amount: -o.amount, user: o.user, reverses: o.type as 'reward', slot: o.slot }));
const refundEntry = () => entry({ type: 'refund', entryKey: `refund:${id}`, amount: 1000, user: buyer });

function books(status: RewardStatus, entries: LedgerDoc[], refunded = false): PurchaseBooks {
  const purchase: LedgerDoc = {
    _id: pid,
    type: 'purchase',
    entryKey: `purchase:${id}`,
    user: buyer,
    amount: 1000,
    purchase: null,
    slot: null,
    createdAt: new Date(),
    rewards: { status, totalRewardPoints: 100, distribution: status === 'pending' || status === 'cancelled' ? null : distribution, attempts: 1, lastError: null, completedAt: null },
    refund: refunded ? { refundedAt: new Date(), by: 'admin', reason: null } : null,
  };
  return { purchaseId: id, purchase, entries };
}

/** Each check of a purchase's books finds what it is for, and nothing in books that hold (src/books/checks/). */
describe('the books checks of a purchase', function () {
  it('find nothing in books that hold: completed, reversed, cancelled, pending', function () {
    const paid = originals();
    expect(checkPurchase(books('completed', paid), rules)).to.deep.equal([]);
    expect(checkPurchase(books('reversed', [...paid, ...reversalsOf(paid), refundEntry()], true), rules)).to.deep.equal([]);
    expect(checkPurchase(books('cancelled', [refundEntry()], true), rules)).to.deep.equal([]);
    expect(checkPurchase(books('pending', []), rules)).to.deep.equal([]);
  });

  it('settlement: a cancelled purchase with entries left unreversed, an unpaid one with entries', function () {
    const paid = originals();
    const [cancelled] = statusMatchesEntries(books('cancelled', [...paid, ...reversalsOf(paid.slice(0, 1)), refundEntry()], true));
    expect(cancelled).to.deep.include({ check: 'settlement', subject: { kind: 'purchase', id }, expected: 0, actual: 5 + distribution.giftsPool });
    expect(cancelled!.message).to.include('left unreversed');
    const [processing] = statusMatchesEntries(books('processing', paid));
    expect(processing!.message).to.include('rewards are processing but 3 entries');
  });

  it('refund: a refunded purchase without its refund entry, a refund entry on a purchase not refunded, one that does not net to zero', function () {
    const paid = originals();
    expect(refundNetsToZero(books('reversed', [...paid, ...reversalsOf(paid)], true)).map((f) => f.message)).to.deep.equal(['refunded with 0 refund entries (0); exactly one of 1000 is due']);
    expect(refundNetsToZero(books('completed', [...paid, refundEntry()])).map((f) => f.difference)).to.deep.equal([1000]);
    const [net] = refundNetsToZero(books('reversed', [...paid, ...reversalsOf(paid.slice(1)), refundEntry()], true));
    expect(net).to.deep.include({ check: 'refund', expected: 0, actual: distribution.appRevenue });
  });

  it('distribution: a stored split that is not the configured one', function () {
    const tampered = books('completed', originals());
    (tampered.purchase!.rewards!.distribution as { appRevenue: number }) = { ...distribution, appRevenue: distribution.appRevenue + 1 };
    const messages = distributionAddsUp(tampered, rules).map((f) => f.message);
    expect(messages).to.include(`app revenue is ${distribution.appRevenue + 1}, should be ${distribution.appRevenue} (+1)`);
    expect(messages).to.include(`the gifts pool is ${distribution.giftsPool}, should be ${distribution.giftsPool - 1} (+1)`);
  });

  it('entry-purchase: an entry naming no purchase', function () {
    const orphan = entry({ type: 'reward', entryKey: 'reward:x', amount: 9, purchase: null });
    expect(entryWithoutPurchase(orphan)).to.deep.include({ check: 'entry-purchase', subject: { kind: 'entry', id: orphan._id.toString() }, difference: 9 });
  });
});
