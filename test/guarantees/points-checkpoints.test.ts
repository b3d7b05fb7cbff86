import { expect } from 'chai';
import fc from 'fast-check';
import { Types } from 'mongoose';
import { auditBooks } from '../../src/books/audit.js';
import { auditDeps } from '../../src/books/record-audit.js';
import { newId } from '../../src/shared/ids.js';
import { pointsOf } from '../../src/rewards/points.js';
import { startTestSystem, type TestSystem } from '../support/system.js';

const RUNS = Number(process.env.CHECKPOINT_RUNS ?? 20);
const SEED = Number(process.env.CHECKPOINT_SEED ?? Date.now() % 1_000_000);

type Op =
  | { op: 'entry'; user: number; amount: number; lag: number }
  | { op: 'refund'; pick: number; lag: number }
  | { op: 'checkpoint' }
  | { op: 'tick'; ms: number };

/**
 * Issue 16, item 3: a user's points read as checkpoint + the entries after it equal the full sum
 * of their entries, whatever the order of entries (each committing up to LEDGER_SETTLE_MS after
 * its createdAt, as a unit of work within its budget may), refunds (reversals) and checkpoints.
 * The checkpoints are the audit's own (auditBooks with writeCheckpoints), on a moving clock.
 */
describe('points checkpoints', function () {
  this.timeout(RUNS * 15_000 + 60_000);
  let sys: TestSystem;
  const m = () => sys.ctx.database.models;
  const settleMs = () => sys.ctx.config.books.settleMs;

  before(async function () {
    sys = await startTestSystem({ worker: false, env: { LEDGER_SETTLE_MS: '60000' } });
  });
  after(async () => sys?.shutdown());

  async function newUsers(count: number): Promise<Types.ObjectId[]> {
    const ids = Array.from({ length: count }, () => newId());
    await m().User.collection.insertMany(ids.map((_id, i) => ({ _id, name: `cp ${i}`, email: `cp-${_id.toString()}@example.test`, referrer: null, ancestors: [], level: 'A', isActive: true, isVerified: true, walletBalance: 0, lifetimeSpend: 0 })));
    return ids;
  }

  /** An entry as a unit of work writes it: createdAt when written, committed `lag` later. */
  async function writeEntry(entry: { type: 'reward' | 'reversal'; user: Types.ObjectId; amount: number; createdAt: Date; key: string }) {
    await m().Ledger.collection.insertOne({ _id: newId(), type: entry.type, entryKey: entry.key, user: entry.user, amount: entry.amount, purchase: null, slot: 'A', createdAt: entry.createdAt });
  }

  async function fullSums(users: Types.ObjectId[]): Promise<Map<string, number>> {
    const rows = await m().Ledger.aggregate<{ _id: Types.ObjectId; sum: number }>([{ $match: { user: { $in: users }, type: { $in: ['reward', 'reversal'] } } }, { $group: { _id: '$user', sum: { $sum: '$amount' } } }]);
    return new Map(users.map((u) => [u.toString(), rows.find((r) => r._id.equals(u))?.sum ?? 0]));
  }

  const checkpointFindings = async (now: Date, user?: Types.ObjectId) =>
    (await auditBooks(auditDeps(sys.ctx), { now, writeCheckpoints: true })).findings.filter((f) => f.check === 'points-checkpoint' && (!user || f.subject.id === user.toString()));

  it(`balance by checkpoint = balance by full sum under random interleavings (${RUNS} cases, seed printed)`, async function () {
    console.log(`      points checkpoints: seed ${SEED}, ${RUNS} runs (CHECKPOINT_SEED / CHECKPOINT_RUNS to replay or extend)`);
    const settle = settleMs();
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 4, arbitrary: fc.record({ op: fc.constant('entry' as const), user: fc.nat(2), amount: fc.integer({ min: 1, max: 500 }), lag: fc.integer({ min: 0, max: settle - 1 }) }) },
      { weight: 2, arbitrary: fc.record({ op: fc.constant('refund' as const), pick: fc.nat(), lag: fc.integer({ min: 0, max: settle - 1 }) }) },
      { weight: 2, arbitrary: fc.constant({ op: 'checkpoint' as const }) },
      { weight: 3, arbitrary: fc.record({ op: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 3 * settle }) }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        const users = await newUsers(3);
        let clock = Date.now() - 24 * 3_600_000;
        const paid: { user: Types.ObjectId; amount: number; key: string; reversed: boolean }[] = [];
        for (const step of ops) {
          if (step.op === 'tick') clock += step.ms;
          if (step.op === 'entry') {
            const key = `reward:cp:${newId().toString()}`;
            paid.push({ user: users[step.user]!, amount: step.amount, key, reversed: false });
            await writeEntry({ type: 'reward', user: users[step.user]!, amount: step.amount, createdAt: new Date(clock - step.lag), key });
          }
          if (step.op === 'refund') {
            const open = paid.filter((p) => !p.reversed);
            const original = open[step.pick % Math.max(1, open.length)];
            if (original) {
              original.reversed = true;
              await writeEntry({ type: 'reversal', user: original.user, amount: -original.amount, createdAt: new Date(clock - step.lag), key: `reversal:${original.key}` });
            }
          }
          if (step.op === 'checkpoint') expect(await checkpointFindings(new Date(clock))).to.deep.equal([]);
          const expected = await fullSums(users);
          const read = await pointsOf(sys.ctx.data, users);
          for (const u of users) expect(read.get(u.toString()), `points of ${u.toString()} after ${JSON.stringify(step)}`).to.equal(expected.get(u.toString()));
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  });

  it('reads only the entries after the checkpoint', async function () {
    const [user] = await newUsers(1);
    const old = Date.now() - 3 * settleMs();
    for (let i = 0; i < 5; i++) await writeEntry({ type: 'reward', user: user!, amount: 10, createdAt: new Date(old + i), key: `reward:cp-read:${user!.toString()}:${i}` });
    await checkpointFindings(new Date());
    const checkpoint = (await m().PointCheckpoint.findById(user).lean())!;
    expect(checkpoint).to.deep.include({ points: 50, entries: 5 });
    await writeEntry({ type: 'reward', user: user!, amount: 7, createdAt: new Date(), key: `reward:cp-read:${user!.toString()}:late` });
    // Moving the settled entries out of the way changes nothing the read sees: it reads the checkpoint instead.
    const settled = { entryKey: { $regex: `^reward:cp-read:${user!.toString()}:\\d$` } };
    const elsewhere = newId();
    await m().Ledger.updateMany(settled, { $set: { user: elsewhere } });
    expect((await pointsOf(sys.ctx.data, [user!])).get(user!.toString())).to.equal(57);
    await m().Ledger.updateMany(settled, { $set: { user } });
  });

  it('finds a wrong checkpoint, naming the user, and writes the right one', async function () {
    const [user] = await newUsers(1);
    await writeEntry({ type: 'reward', user: user!, amount: 40, createdAt: new Date(Date.now() - 2 * settleMs()), key: `reward:cp-wrong:${user!.toString()}` });
    expect(await checkpointFindings(new Date())).to.deep.equal([]);
    await m().PointCheckpoint.updateOne({ _id: user }, { $inc: { points: 1000 } });
    expect((await pointsOf(sys.ctx.data, [user!])).get(user!.toString()), 'a wrong checkpoint misstates the points').to.equal(1040);

    const [found, ...more] = await checkpointFindings(new Date(), user);
    expect(more).to.have.length(0);
    expect(found).to.deep.include({ subject: { kind: 'user', id: user!.toString() }, expected: 40, actual: 1040, difference: 1000 });
    expect((await pointsOf(sys.ctx.data, [user!])).get(user!.toString()), 'rewritten by the audit').to.equal(40);
    expect(await checkpointFindings(new Date())).to.deep.equal([]);
  });

  it('can not see an entry that commits past the settle window: the next audit reports the checkpoint', async function () {
    const [user] = await newUsers(1);
    const now = new Date();
    await writeEntry({ type: 'reward', user: user!, amount: 5, createdAt: new Date(now.getTime() - 2 * settleMs()), key: `reward:cp-late:${user!.toString()}:1` });
    await checkpointFindings(now);
    // Older than the checkpoint's boundary, yet written after it: what LEDGER_SETTLE_MS must rule out.
    await writeEntry({ type: 'reward', user: user!, amount: 3, createdAt: new Date(now.getTime() - 2 * settleMs()), key: `reward:cp-late:${user!.toString()}:2` });
    expect((await pointsOf(sys.ctx.data, [user!])).get(user!.toString())).to.equal(5);
    const [found] = await checkpointFindings(new Date(), user);
    expect(found).to.deep.include({ check: 'points-checkpoint', expected: 8, actual: 5 });
    expect((await pointsOf(sys.ctx.data, [user!])).get(user!.toString())).to.equal(8);
  });
});
