import type { Repositories } from '../data-access.js';
import type { LedgerDoc } from '../infra/database/models.js';
import { foldByKey, zipByKey } from './merge.js';
import type { PurchaseBooks } from './purchase-books.js';
import { UserTally, type UserBooks } from './user-books.js';

/** What the books are read through: outside a transaction for the streams, a re-check's `tx` for one user or purchase. */
type BookData = Pick<Repositories, 'books'>;

/** Each user's books: the document and checkpoint beside the entries naming them, one user at a time. */
export async function* everyUsersBooks({ books }: BookData, settledBefore: Date): AsyncGenerator<UserBooks> {
  const heads = zipByKey(books.streamUsers(), (u) => u._id.toString(), books.streamPointCheckpoints(), (c) => c._id.toString(), ['users', 'points checkpoints']);
  const groups = foldByKey(
    heads,
    (h) => h.key,
    books.streamUserEntries(),
    (row) => row.user.toString(),
    { start: (_key, head) => new UserTally(head?.b?.upTo ?? null, settledBefore), add: (tally, row) => tally.add(row) },
    ['users', 'user entries'],
  );
  for await (const g of groups) yield { userId: g.key, user: g.head?.a ?? null, checkpoint: g.head?.b ?? null, tally: g.acc };
}

/** Each purchase's books: the purchase beside the entries naming it, one purchase at a time. */
export async function* everyPurchasesBooks({ books }: BookData): AsyncGenerator<PurchaseBooks> {
  const groups = foldByKey(
    books.streamPurchases(),
    (p) => p._id.toString(),
    books.streamPurchaseEntries(),
    (e) => e.purchase!.toString(),
    { start: () => [] as LedgerDoc[], add: (list, e) => void list.push(e) },
    ['purchases', 'purchase entries'],
  );
  for await (const g of groups) yield { purchaseId: g.key, purchase: g.head, entries: g.acc };
}

/** One user's books, read on their own (through a re-check's `tx`: one snapshot). */
export async function oneUsersBooks({ books }: BookData, userId: string, settledBefore: Date): Promise<UserBooks> {
  const head = await books.loadUserHead(userId);
  const tally = new UserTally(head.checkpoint?.upTo ?? null, settledBefore);
  for await (const row of books.streamEntriesOfUser(userId)) tally.add(row);
  return { userId, ...head, tally };
}

/** One purchase's books, read on their own (through a re-check's `tx`). */
export async function onePurchasesBooks({ books }: BookData, purchaseId: string): Promise<PurchaseBooks> {
  return { purchaseId, ...(await books.loadPurchaseBooks(purchaseId)) };
}
