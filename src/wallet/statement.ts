import type { Repositories } from '../data-access.js';
import type { LedgerDoc } from '../infra/database/models.js';
import type { WalletEntryType } from '../shared/ledger-entries.js';
import { pageOf, type Page } from '../http/paging.js';
import { getUser } from '../accounts/users.js';
import { isWalletEntryType, walletEffect } from './journal.js';

export interface WalletStatementEntry {
  id: string;
  type: WalletEntryType;
  /** What the entry did to the wallet: positive in (a credit, a refund), negative out (a purchase). */
  amount: number;
  /** The journal's balance right after this entry: every entry up to it, summed. */
  balanceAfter: number;
  /** The purchase a purchase or refund entry belongs to. */
  purchaseId: string | null;
  /** A credit's reason. */
  reason: string | null;
  createdAt: Date;
  /** The admin who credited (in the admin's view only). */
  by?: string | null;
}

export interface WalletStatement extends Page<WalletStatementEntry> {
  walletBalance: number;
}

/**
 * A wallet's statement (docs/spec.md §6): its entries newest first, paged, each with the running balance
 * after it. The running balance is summed from the journal itself — the newest page's first
 * balance is every entry's sum, and each next one takes back the entry above it — so where the
 * books hold it ends at the wallet's balance; where it does not, the statement shows what the
 * journal says and the audit says by how much they differ.
 */
export async function walletStatement(data: Pick<Repositories, 'users' | 'wallet'>, userId: string, page: { limit: number; cursor?: string }, view: { withAuthor: boolean }): Promise<WalletStatement> {
  const user = await getUser(data, userId);
  const docs = await data.wallet.walletEntriesPage(userId, page);
  const shown = docs.slice(0, page.limit);
  const balances = new Map<string, number>();
  if (shown.length > 0) {
    const totals = await data.wallet.walletTotalsThrough(userId, shown[0]!);
    let balance = [...totals].reduce((sum, [type, total]) => sum + walletEffect(type, total), 0);
    for (const entry of shown) {
      balances.set(entry._id.toString(), balance);
      balance -= effectOf(entry);
    }
  }
  return {
    walletBalance: user.walletBalance,
    ...pageOf(docs, page.limit, (entry) => present(entry, balances.get(entry._id.toString()) ?? 0, view.withAuthor)),
  };
}

function effectOf(entry: LedgerDoc): number {
  return isWalletEntryType(entry.type) ? walletEffect(entry.type, entry.amount) : 0;
}

function present(entry: LedgerDoc, balanceAfter: number, withAuthor: boolean): WalletStatementEntry {
  return {
    id: entry._id.toString(),
    type: entry.type as WalletEntryType,
    amount: effectOf(entry),
    balanceAfter,
    purchaseId: entry.type === 'purchase' ? entry._id.toString() : (entry.purchase?.toString() ?? null),
    reason: entry.credit?.reason ?? null,
    createdAt: entry.createdAt,
    ...(withAuthor ? { by: entry.credit?.by ?? null } : {}),
  };
}
