import { Types, type ClientSession } from 'mongoose';
import type { LedgerDoc, Models } from '../infra/database/models.js';
import { foldByKey, zipByKey } from './merge.js';
import type { PurchaseBooks } from './purchase-books.js';
import { UserTally, type UserBooks } from './user-books.js';
import { loadPurchaseBooks, loadUserHead } from './data/load-books.js';
import { streamPointCheckpoints } from './data/stream-point-checkpoints.js';
import { streamPurchaseEntries } from './data/stream-purchase-entries.js';
import { streamPurchases } from './data/stream-purchases.js';
import { streamEntriesOfUser, streamUserEntries } from './data/stream-user-entries.js';
import { streamUsers } from './data/stream-users.js';

/** Each user's books: the document and checkpoint beside the entries naming them, one user at a time. */
export async function* everyUsersBooks(models: Models, settledBefore: Date): AsyncGenerator<UserBooks> {
  const heads = zipByKey(streamUsers(models), (u) => u._id.toString(), streamPointCheckpoints(models), (c) => c._id.toString(), ['users', 'points checkpoints']);
  const groups = foldByKey(
    heads,
    (h) => h.key,
    streamUserEntries(models),
    (row) => row.user.toString(),
    { start: (_key, head) => new UserTally(head?.b?.upTo ?? null, settledBefore), add: (tally, row) => tally.add(row) },
    ['users', 'user entries'],
  );
  for await (const g of groups) yield { userId: g.key, user: g.head?.a ?? null, checkpoint: g.head?.b ?? null, tally: g.acc };
}

/** Each purchase's books: the purchase beside the entries naming it, one purchase at a time. */
export async function* everyPurchasesBooks(models: Models): AsyncGenerator<PurchaseBooks> {
  const groups = foldByKey(
    streamPurchases(models),
    (p) => p._id.toString(),
    streamPurchaseEntries(models),
    (e) => e.purchase!.toString(),
    { start: () => [] as LedgerDoc[], add: (list, e) => void list.push(e) },
    ['purchases', 'purchase entries'],
  );
  for await (const g of groups) yield { purchaseId: g.key, purchase: g.head, entries: g.acc };
}

/** One user's books, read on their own (inside `session` when given). */
export async function oneUsersBooks(models: Models, userId: string, settledBefore: Date, session?: ClientSession): Promise<UserBooks> {
  const head = await loadUserHead(models, userId, session);
  const tally = new UserTally(head.checkpoint?.upTo ?? null, settledBefore);
  for await (const row of streamEntriesOfUser(models, new Types.ObjectId(userId), session)) tally.add(row);
  return { userId, ...head, tally };
}

/** One purchase's books, read on their own (inside `session` when given). */
export async function onePurchasesBooks(models: Models, purchaseId: string, session?: ClientSession): Promise<PurchaseBooks> {
  return { purchaseId, ...(await loadPurchaseBooks(models, purchaseId, session)) };
}
