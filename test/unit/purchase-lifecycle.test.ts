import { expect } from 'chai';
import {
  canMove,
  isSettled,
  OPEN_STATUSES,
  PAID_STATUSES,
  REACHABLE_FROM,
  REFUNDED_STATUSES,
  REWARD_STATUSES,
  statusAfterRefund,
  UNPAID_STATUSES,
  type RewardStatus,
} from '../../src/purchases/lifecycle.js';

/** The purchase's rewards lifecycle (src/purchases/lifecycle.ts): its legal moves, and only those. */
describe('the purchase lifecycle', function () {
  const moves = REWARD_STATUSES.flatMap((from) => REWARD_STATUSES.filter((to) => canMove(from, to)).map((to) => `${from}→${to}`));

  it('allows exactly the moves of the diagram', function () {
    expect(moves.sort()).to.deep.equal(
      [
        'failed→pending', // an operator's retry
        'pending→processing',
        'processing→processing', // a failed attempt that will retry
        'failed→processing', // a failed job requeued from Agendash
        'pending→completed',
        'processing→completed',
        'failed→completed',
        'pending→failed',
        'processing→failed',
        'failed→failed',
        'pending→cancelled',
        'processing→cancelled',
        'failed→cancelled',
        'completed→reversing',
        'reversing→reversed',
      ].sort(),
    );
  });

  it('never leaves a settled status except to finish a reversal, and never pays a settled purchase', function () {
    for (const from of REWARD_STATUSES.filter(isSettled)) {
      const out = REWARD_STATUSES.filter((to) => canMove(from, to));
      expect(out, from).to.deep.equal(from === 'completed' ? ['reversing'] : from === 'reversing' ? ['reversed'] : []);
    }
    expect(REACHABLE_FROM.completed.filter(isSettled)).to.deep.equal([]);
  });

  it('a refund reverses what was paid and cancels what was not', function () {
    const afterRefund = Object.fromEntries(REWARD_STATUSES.filter((s) => !isSettled(s) || s === 'completed').map((s) => [s, statusAfterRefund(s)]));
    expect(afterRefund).to.deep.equal({ pending: 'cancelled', processing: 'cancelled', failed: 'cancelled', completed: 'reversing' });
  });

  it('the backlog counts only open statuses', function () {
    const open: readonly RewardStatus[] = OPEN_STATUSES;
    expect(open.filter((s) => isSettled(s) && s !== 'reversing')).to.deep.equal([]);
  });

  it('names its groups of statuses by the moves: unpaid = not settled, paid = completed and what follows it, refunded = what a refund leads to', function () {
    // What a status leads to, itself included (from a settled status: no cycles).
    const following = (from: RewardStatus): RewardStatus[] => [from, ...REWARD_STATUSES.filter((to) => to !== from && canMove(from, to)).flatMap(following)];
    expect(UNPAID_STATUSES).to.have.members(REWARD_STATUSES.filter((s) => !isSettled(s)));
    expect(PAID_STATUSES).to.have.members(following('completed'));
    const afterRefund = new Set(REWARD_STATUSES.map(statusAfterRefund).flatMap(following));
    expect(REFUNDED_STATUSES).to.have.members([...afterRefund]);
  });
});
