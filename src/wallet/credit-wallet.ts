import type { LedgerDoc } from '../infra/database/models.js';
import type { AppContext } from '../shared/context.js';
import { IdempotencyKeyReused, isDuplicateKeyError } from '../shared/errors.js';
import { toId } from '../shared/ids.js';
import { outOfRange } from '../shared/money.js';
import { getUser } from '../accounts/users.js';
import { creditKeys } from './journal.js';

export interface CreditRequest {
  userId: string;
  amount: number;
  /** The admin who credits. */
  by: string;
  reason?: string | null;
  idempotencyKey?: string;
}

export interface CreditResult {
  id: string;
  walletBalance: number;
  /** The credit's ledger entry. */
  entryId: string;
}

/**
 * An admin credits a wallet (docs/spec.md §6): the balance and its `wallet_credit` ledger entry (who,
 * why, the balance after) in one unit of work. With an Idempotency-Key the entry is keyed by it,
 * so a retried credit finds the first one and answers as it did; the same key for another user
 * or amount is refused. Of two retries at once the entry's unique key refuses the second, whose
 * unit of work then changes nothing, and it answers as the first did.
 */
export async function creditWallet(ctx: AppContext, request: CreditRequest): Promise<CreditResult> {
  const entryKey = request.idempotencyKey ? creditKeys.withIdempotencyKey(request.idempotencyKey) : creditKeys.unique();
  if (request.idempotencyKey) {
    const replay = await replayIfSeen(ctx, entryKey, request);
    if (replay) return replay;
  }
  try {
    const entry = await ctx.unitOfWork.run({ name: 'wallet-credit' }, async (tx) => {
      const user = await tx.wallet.addToBalance(request.userId, request.amount);
      if (!user) {
        const existing = await getUser(tx, request.userId); // NotFound when there is no such user
        throw outOfRange(`A credit of ${request.amount}`, 'wallet', { walletBalance: existing.walletBalance });
      }
      return tx.wallet.insertCreditEntry({
        entryKey,
        user: toId(request.userId),
        amount: request.amount,
        walletBalanceAfter: user.walletBalance,
        credit: { by: request.by, reason: request.reason ?? null },
      });
    });
    ctx.log.info('wallet credited', { userId: request.userId, amount: request.amount, by: request.by, entryId: entry._id.toString() });
    return present(entry);
  } catch (error) {
    // A concurrent request with the same key won the race on the entry's key: answer as it did.
    if (request.idempotencyKey && isDuplicateKeyError(error)) {
      const replay = await replayIfSeen(ctx, entryKey, request);
      if (replay) return replay;
    }
    throw error;
  }
}

async function replayIfSeen(ctx: AppContext, entryKey: string, request: CreditRequest): Promise<CreditResult | null> {
  const seen = await ctx.data.wallet.findEntryByKey(entryKey);
  if (!seen) return null;
  if (seen.user?.toString() !== request.userId || seen.amount !== request.amount) {
    throw new IdempotencyKeyReused('This Idempotency-Key was used for a credit of another amount or to another wallet');
  }
  ctx.log.info('wallet credit replayed', { userId: request.userId, amount: request.amount, entryId: seen._id.toString() });
  return present(seen);
}

/** The same answer for the credit and for every retry of it: the balance right after the credit. */
function present(entry: LedgerDoc): CreditResult {
  return { id: entry.user!.toString(), walletBalance: entry.walletBalanceAfter ?? 0, entryId: entry._id.toString() };
}
