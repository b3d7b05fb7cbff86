import type { DataScope } from '../../infra/database/data-scope.js';
import type { PurchaseRefund } from '../../infra/database/models.js';
import type { Id as ObjectIdType } from '../../shared/ids.js';
import { canMove, IllegalTransition, REACHABLE_FROM, statusAfterRefund, type RewardStatus } from '../lifecycle.js';
import type { Distribution } from '../../rewards/distribution.js';

type Id = ObjectIdType | string;

/** An update of one purchase's rewards that applies only from a status the move to `to` is legal from. */
async function move({ models, session }: DataScope, id: Id, to: RewardStatus, set: Record<string, unknown>, options: { extraFilter?: Record<string, unknown>; inc?: Record<string, number> } = {}): Promise<boolean> {
  const result = await models.Ledger.updateOne(
    { _id: id, type: 'purchase', 'rewards.status': { $in: REACHABLE_FROM[to] }, ...options.extraFilter },
    { $set: { 'rewards.status': to, ...set }, ...(options.inc ? { $inc: options.inc } : {}) },
    { session },
  );
  return result.modifiedCount === 1;
}

/** A job run starts: `processing`, one more attempt, and when. False: the purchase is settled (or gone). */
export function startRun(scope: DataScope, id: Id): Promise<boolean> {
  return move(scope, id, 'processing', { 'rewards.attemptedAt': new Date() }, { inc: { 'rewards.attempts': 1 } });
}

/** A failed attempt: `processing` (a retry is due) or, after the last one, `failed`. Settled purchases are left as they are. */
export function recordFailure(scope: DataScope, id: Id, error: Error, lastAttempt: boolean): Promise<boolean> {
  return move(scope, id, lastAttempt ? 'failed' : 'processing', { 'rewards.lastError': error.message.slice(0, 1000) });
}

/** The operator's retry of a failed purchase: back to `pending`. False: it was not failed. */
export function reopen(scope: DataScope, id: Id): Promise<boolean> {
  return move(scope, id, 'pending', {});
}

/** Last step of a rewards run, in its transaction: paid, with the distribution stored for audit. */
export function complete(scope: DataScope, id: Id, distribution: Distribution): Promise<boolean> {
  return move(scope, id, 'completed', {
    'rewards.totalRewardPoints': distribution.totalRewardPoints,
    'rewards.distribution': distribution,
    'rewards.lastError': null,
    'rewards.completedAt': new Date(),
  });
}

/** A refund, in its transaction: `reversing` if paid, `cancelled` if not; from the status it read. */
export async function refund({ models, session }: DataScope, id: Id, from: RewardStatus, mark: PurchaseRefund): Promise<RewardStatus> {
  const to = statusAfterRefund(from);
  if (!canMove(from, to)) throw new IllegalTransition(to, from);
  const moved = await models.Ledger.updateOne(
    { _id: id, type: 'purchase', refund: null, 'rewards.status': from },
    { $set: { refund: mark, 'rewards.status': to } },
    { session },
  );
  if (moved.modifiedCount !== 1) throw new IllegalTransition(to);
  return to;
}

/** The reversal's last step, in its transaction: every entry reversed. */
export function finishReversal(scope: DataScope, id: Id): Promise<boolean> {
  return move(scope, id, 'reversed', { 'rewards.reversedAt': new Date() });
}
