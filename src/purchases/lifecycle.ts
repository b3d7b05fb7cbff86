/**
 * The one home of a purchase's rewards lifecycle: its statuses and their legal moves.
 *
 *   pending ──→ processing ──→ completed ──(refund)──→ reversing ──→ reversed
 *                 ↺ (retry)  ↘      ↑
 *   failed ←──────────────────┘  (also pending/processing/failed → completed, → failed)
 *   failed ──(operator's retry)──→ pending;  pending | processing | failed ──(refund)──→ cancelled
 *
 * pending: paid, its rewards job not started; processing: a run started (or waits for a retry);
 * completed: every point paid, once; failed: every attempt failed, an operator retries it;
 * cancelled: refunded before it was paid — nothing is paid, ever; reversing: refunded after it
 * was paid, its reversal due; reversed: every entry has its reversal.
 *
 * Every write of a status goes through a transition (data/transitions.ts): its update matches
 * only a purchase in a status the move is legal from, so an illegal move changes nothing and the
 * caller is told (IllegalTransition). The validators and the OpenAPI document take the enum here.
 */
import { Conflict } from '../shared/errors.js';

export const REWARD_STATUSES = ['pending', 'processing', 'completed', 'failed', 'cancelled', 'reversing', 'reversed'] as const;
export type RewardStatus = (typeof REWARD_STATUSES)[number];

/** The statuses each status may be reached from. */
export const REACHABLE_FROM: Readonly<Record<RewardStatus, readonly RewardStatus[]>> = {
  pending: ['failed'],
  processing: ['pending', 'processing', 'failed'],
  completed: ['pending', 'processing', 'failed'],
  failed: ['pending', 'processing', 'failed'],
  cancelled: ['pending', 'processing', 'failed'],
  reversing: ['completed'],
  reversed: ['reversing'],
};

/** No rewards run may pay anything any more. */
export const SETTLED_STATUSES: readonly RewardStatus[] = ['completed', 'cancelled', 'reversing', 'reversed'];
/** Work still due or needing an operator: what the backlog metric counts. */
export const OPEN_STATUSES = ['pending', 'processing', 'failed', 'reversing'] as const satisfies readonly RewardStatus[];
/** Nothing is paid yet: no reward, app-revenue or gifts-pool entry may exist (a run pays all in one transaction). */
export const UNPAID_STATUSES: readonly RewardStatus[] = ['pending', 'processing', 'failed'];
/** The rewards were paid: every entry of the distribution exists (reversed, or being reversed, after a refund). */
export const PAID_STATUSES: readonly RewardStatus[] = ['completed', 'reversing', 'reversed'];
/** Only a refund leads here (statusAfterRefund, then the reversal). */
export const REFUNDED_STATUSES: readonly RewardStatus[] = ['cancelled', 'reversing', 'reversed'];

export function isSettled(status: RewardStatus): boolean {
  return SETTLED_STATUSES.includes(status);
}

export function canMove(from: RewardStatus, to: RewardStatus): boolean {
  return REACHABLE_FROM[to].includes(from);
}

/** The refund's move: a purchase paid is reversed, one not yet paid is cancelled. */
export function statusAfterRefund(current: RewardStatus): RewardStatus {
  return current === 'completed' ? 'reversing' : 'cancelled';
}

/** A move the lifecycle does not allow, or one whose purchase was not in a status it allows: 409. */
export class IllegalTransition extends Conflict {
  constructor(
    readonly to: RewardStatus,
    readonly from?: RewardStatus,
  ) {
    super(from ? `A purchase's rewards cannot move from ${from} to ${to}` : `The purchase's rewards changed meanwhile and cannot move to ${to}; nothing was changed — retry`);
  }
}
