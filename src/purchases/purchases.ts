import type { LedgerDoc } from '../infra/database/models.js';
import type { Repositories } from '../data-access.js';
import type { RewardStatus } from './lifecycle.js';
import type { PurchaseJob } from '../infra/queue/jobs-of-purchase.js';
import { pageOf, type Page } from '../http/paging.js';
import { NotFound } from '../shared/errors.js';

type PurchaseData = Pick<Repositories, 'purchases'>;

/** A purchase in a list: its order figures and where its rewards stand (the distribution only in detail). */
export function presentPurchaseSummary(p: LedgerDoc) {
  const r = p.rewards;
  return {
    id: p._id.toString(),
    userId: p.user?.toString() ?? null,
    total: p.amount,
    itemCount: (p.lines ?? []).reduce((n, l) => n + l.quantity, 0),
    createdAt: p.createdAt,
    refund: p.refund ? { refundedAt: p.refund.refundedAt, by: p.refund.by, reason: p.refund.reason ?? null } : null,
    rewards: {
      status: r?.status ?? 'pending',
      totalRewardPoints: r?.totalRewardPoints ?? 0,
      attempts: r?.attempts ?? 0,
      lastError: r?.lastError ?? null,
      attemptedAt: r?.attemptedAt ?? null,
      completedAt: r?.completedAt ?? null,
      reversedAt: r?.reversedAt ?? null,
    },
  };
}

/** A purchase in full for operators: lines, distribution, and its jobs. */
export function presentPurchaseDetail(p: LedgerDoc, jobs: PurchaseJob[]) {
  const summary = presentPurchaseSummary(p);
  return { ...summary, lines: p.lines ?? [], rewards: { ...summary.rewards, distribution: p.rewards?.distribution ?? null }, jobs };
}

export async function getPurchase({ purchases }: PurchaseData, transactionId: string): Promise<LedgerDoc> {
  const purchase = await purchases.findPurchase(transactionId);
  if (!purchase) throw new NotFound('TRANSACTION', `Transaction ${transactionId} not found`);
  return purchase;
}

export interface PurchaseFilter {
  status?: RewardStatus;
  /** Only purchases created at least this long ago: the ones an operator should worry about. */
  olderThanMinutes?: number;
  userId?: string;
  limit: number;
  cursor?: string;
}

/** Purchases newest first, by rewards status and age (the `{type, rewards.status, createdAt}` index). */
export async function listPurchases({ purchases }: PurchaseData, filter: PurchaseFilter, now = new Date()): Promise<Page<ReturnType<typeof presentPurchaseSummary>>> {
  const { olderThanMinutes, ...rest } = filter;
  const createdUpTo = olderThanMinutes === undefined ? undefined : new Date(now.getTime() - olderThanMinutes * 60_000);
  const docs = await purchases.purchasesPage({ ...rest, createdUpTo });
  return pageOf(docs, filter.limit, presentPurchaseSummary);
}
