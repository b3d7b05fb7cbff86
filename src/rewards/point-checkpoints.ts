/**
 * Points checkpoints (src/rewards/points.ts): a user's points = their checkpoint (the sum of their
 * point entries created before `upTo`) + their entries from `upTo` on.
 *
 * That holds only if no entry created before `upTo` can appear after the checkpoint is taken.
 * Entries are only ever added (a refund adds reversals), with `createdAt` set when their unit of
 * work writes them, and a unit of work commits within its budget or not at all. So a checkpoint
 * taken at `now` stops at `now − settleMs` (LEDGER_SETTLE_MS, longer than the budget and any
 * clock skew between processes): every entry before then is committed and will never change.
 */
export function settledBefore(now: Date, settleMs: number): Date {
  return new Date(now.getTime() - settleMs);
}
