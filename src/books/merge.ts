/**
 * The audit reads the ledger as streams sorted by a key (a user or purchase id) and meets them
 * here, one key at a time, so it never holds more than one user's or one purchase's books.
 * Keys are compared as strings: 24-hex ObjectIds sort as the server sorts them (by bytes).
 */

/** Fails loudly rather than mis-group: a stream out of order would pair the wrong books. */
class OrderGuard {
  private last: string | undefined;
  constructor(private readonly stream: string) {}
  check(key: string): string {
    if (this.last !== undefined && key < this.last) throw new Error(`audit: the ${this.stream} stream is not sorted by its key (${key} after ${this.last})`);
    this.last = key;
    return key;
  }
}

class Peekable<T> {
  private head: IteratorResult<T> | undefined;
  private readonly iterator: AsyncIterator<T>;
  constructor(iterable: AsyncIterable<T>) {
    this.iterator = iterable[Symbol.asyncIterator]();
  }
  async peek(): Promise<T | undefined> {
    this.head ??= await this.iterator.next();
    return this.head.done ? undefined : this.head.value;
  }
  async take(): Promise<T | undefined> {
    const value = await this.peek();
    this.head = undefined;
    return value;
  }
}

/** Two streams, each with at most one item per key, side by side by key: a fold keeping the one row. */
export async function* zipByKey<A, B>(
  a: AsyncIterable<A>,
  keyOfA: (item: A) => string,
  b: AsyncIterable<B>,
  keyOfB: (item: B) => string,
  names: [string, string],
): AsyncGenerator<{ key: string; a: A | null; b: B | null }> {
  const one = { start: () => ({ item: null as B | null }), add: (acc: { item: B | null }, row: B) => void (acc.item = row) };
  for await (const g of foldByKey(a, keyOfA, b, keyOfB, one, names)) yield { key: g.key, a: g.head, b: g.acc.item };
}

/**
 * Heads (at most one per key) and the rows under them (any number per key), both sorted by key:
 * each key's rows are folded into an accumulator started from its head (null when the key has
 * rows but no head). Memory: one accumulator at a time.
 */
export async function* foldByKey<H, R, Acc>(
  heads: AsyncIterable<H>,
  keyOfHead: (head: H) => string,
  rows: AsyncIterable<R>,
  keyOfRow: (row: R) => string,
  fold: { start: (key: string, head: H | null) => Acc; add: (acc: Acc, row: R) => void },
  names: [string, string],
): AsyncGenerator<{ key: string; head: H | null; acc: Acc }> {
  const left = new Peekable(heads);
  const right = new Peekable(rows);
  const [guardHeads, guardRows] = names.map((n) => new OrderGuard(n)) as [OrderGuard, OrderGuard];
  for (;;) {
    const [h, r] = [await left.peek(), await right.peek()];
    if (h === undefined && r === undefined) return;
    const kh = h === undefined ? undefined : keyOfHead(h);
    const kr = r === undefined ? undefined : keyOfRow(r);
    const key = kh === undefined ? kr! : kr === undefined ? kh : kh <= kr ? kh : kr;
    const head = kh === key ? ((await left.take()) as H) : null;
    if (head !== null) guardHeads.check(key);
    const acc = fold.start(key, head);
    for (let row = await right.peek(); row !== undefined && keyOfRow(row) === key; row = await right.peek()) {
      guardRows.check(key);
      fold.add(acc, (await right.take()) as R);
    }
    yield { key, head, acc };
  }
}
