import { expect } from 'chai';
import { foldByKey, zipByKey } from '../../../src/books/merge.js';

async function* stream<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}
async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** The audit meets sorted streams one key at a time (src/books/merge.ts). */
describe('merging sorted streams by key', function () {
  it('zips two streams, a key on either side or both', async function () {
    const zipped = await all(zipByKey(stream(['a', 'c', 'd']), (x) => x, stream(['b', 'c']), (x) => x, ['left', 'right']));
    expect(zipped).to.deep.equal([
      { key: 'a', a: 'a', b: null },
      { key: 'b', a: null, b: 'b' },
      { key: 'c', a: 'c', b: 'c' },
      { key: 'd', a: 'd', b: null },
    ]);
  });

  it('folds each key\'s rows under its head, also rows with no head and heads with no rows', async function () {
    const heads = [{ id: 'b' }, { id: 'd' }];
    const rows = [
      { k: 'a', n: 1 },
      { k: 'b', n: 2 },
      { k: 'b', n: 3 },
      { k: 'c', n: 4 },
    ];
    const folded = await all(foldByKey(stream(heads), (h) => h.id, stream(rows), (r) => r.k, { start: () => ({ sum: 0 }), add: (acc, r) => void (acc.sum += r.n) }, ['heads', 'rows']));
    expect(folded.map((g) => [g.key, g.head?.id ?? null, g.acc.sum])).to.deep.equal([
      ['a', null, 1],
      ['b', 'b', 5],
      ['c', null, 4],
      ['d', 'd', 0],
    ]);
  });

  it('fails rather than mis-group when a stream is out of order', async function () {
    const rows = [{ k: 'b' }, { k: 'a' }];
    const folding = all(foldByKey(stream([{ id: 'a' }, { id: 'b' }]), (h) => h.id, stream(rows), (r) => r.k, { start: () => [] as unknown[], add: (acc, r) => void acc.push(r) }, ['heads', 'rows']));
    await folding.then(
      () => expect.fail('should have thrown'),
      (error: Error) => expect(error.message).to.include('rows stream is not sorted'),
    );
    const zipping = all(zipByKey(stream(['b', 'a']), (x) => x, stream([] as string[]), (x) => x, ['users', 'checkpoints']));
    await zipping.then(
      () => expect.fail('should have thrown'),
      (error: Error) => expect(error.message).to.include('users stream is not sorted'),
    );
  });
});
