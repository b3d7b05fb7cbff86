import { expect } from 'chai';
import type { CommandStartedEvent } from 'mongodb';
import { failCommand, WRITE_CONCERN_TIMEOUT } from '../support/fail-command.js';
import { Shop, type Customer } from '../support/shop.js';
import { startTestSystem, type TestSystem } from '../support/system.js';

const BUDGET_MS = 400;

/**
 * A checkout's commit, seen on the wire and under injected faults (issue: "an unknown commit
 * outcome is answered as nothing changed"). A commit that was sent may have applied whatever its
 * answer: it is resolved by retrying the commit alone, or answered OUTCOME_UNKNOWN with how to
 * learn the outcome — never as a 503 that says nothing changed while the wallet was debited.
 */
describe('the commit of a checkout', function () {
  this.timeout(30_000);
  let sys: TestSystem;
  let shop: Shop;
  let off: (() => Promise<void>) | undefined;

  before(async function () {
    sys = await startTestSystem({ env: { TRANSACTION_BUDGET_MS: String(BUDGET_MS) } });
    shop = new Shop(sys);
    await shop.product('COMMIT-ITEM', 300);
  });
  afterEach(async () => {
    await off?.();
    off = undefined;
  });
  after(async () => sys?.shutdown());

  async function buyer(): Promise<Customer> {
    const c = await shop.customer({ walletBalance: 1000 });
    await shop.addToCart(c, 'COMMIT-ITEM', 1);
    return c;
  }

  it('carries its session and transaction on every write, and commits once, with a time limit of its own', async function () {
    const c = await buyer();
    const seen: CommandStartedEvent[] = [];
    const client = sys.ctx.database.connection.getClient();
    const listen = (e: CommandStartedEvent) => seen.push(e);
    client.on('commandStarted', listen);
    try {
      expect((await shop.checkout(c)).status).to.equal(200);
    } finally {
      client.off('commandStarted', listen);
    }
    const inTransaction = seen.filter((e) => e.command.autocommit === false);
    const writes = seen.filter((e) => ['insert', 'update', 'findAndModify', 'delete'].includes(e.commandName) && e.command[e.commandName] !== 'agendaJobs');
    expect(writes.length).to.be.at.least(3);
    for (const w of writes) expect(inTransaction, `${w.commandName} runs in the transaction`).to.include(w);
    const lsids = new Set(inTransaction.map((e) => JSON.stringify(e.command.lsid)));
    const txnNumbers = new Set(inTransaction.map((e) => String(e.command.txnNumber)));
    expect([lsids.size, txnNumbers.size], 'one session, one transaction').to.deep.equal([1, 1]);
    expect(inTransaction[0]!.command.startTransaction).to.equal(true);
    const commits = seen.filter((e) => e.commandName === 'commitTransaction');
    expect(commits, 'one commit').to.have.length(1);
    expect(String(commits[0]!.command.txnNumber)).to.equal([...txnNumbers][0]);
    expect(commits[0]!.command.maxTimeMS, 'the commit gets its own time limit').to.be.a('number').and.to.be.at.least(1);
  });

  it('a commit that applied but whose answer came late (write concern timeout, past the budget) answers 200 once, not "nothing changed"', async function () {
    const c = await buyer();
    const before = await shop.state(c);
    // The commit is held past the whole budget, then applies, and reports that its majority was
    // not confirmed: UnknownTransactionCommitResult. Before: 503 "could not commit ... retry" with
    // the wallet debited and the cart cleared — a client that rebuilt its cart paid twice.
    off = await failCommand(sys.ctx.database.db, { times: 1 }, {
      failCommands: ['commitTransaction'],
      blockConnection: true,
      blockTimeMS: BUDGET_MS + 200,
      writeConcernError: WRITE_CONCERN_TIMEOUT,
    });
    const res = await shop.checkout(c);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const after = await shop.state(c);
    expect(after.walletBalance).to.equal(before.walletBalance - 300);
    expect(after.cart).to.deep.equal([]);
    expect(after.ledger - before.ledger, 'one purchase').to.equal(1);
    expect(after.jobs - before.jobs, 'its rewards job enqueued').to.equal(1);
  });

  it('a commit whose outcome stays unknown answers 503 OUTCOME_UNKNOWN saying how to learn it; the same key then answers the outcome', async function () {
    const c = await buyer();
    const before = await shop.state(c);
    // Every commit attempt loses its connection: the outcome can't be learnt in the commit window.
    off = await failCommand(sys.ctx.database.db, 'alwaysOn', { failCommands: ['commitTransaction'], closeConnection: true });
    const started = Date.now();
    const res = await shop.checkout(c, 'unknown-outcome-key');
    const tookMs = Date.now() - started;
    await off();
    off = undefined;
    expect(res.status, JSON.stringify(res.body)).to.equal(503);
    expect(res.headers['retry-after']).to.be.a('string');
    expect(res.body.error.code).to.equal('OUTCOME_UNKNOWN');
    expect(res.body.error.message).to.match(/may or may not have been applied/);
    expect(res.body.error.message).to.match(/same Idempotency-Key/);
    expect(tookMs, 'bounded: budget + commit window').to.be.below(BUDGET_MS + 6_000);

    const replay = await shop.checkout(c, 'unknown-outcome-key');
    expect(replay.status, JSON.stringify(replay.body)).to.equal(200);
    const again = await shop.checkout(c, 'unknown-outcome-key');
    expect(again.body.data.transactionId).to.equal(replay.body.data.transactionId);
    expect((await shop.state(c)).walletBalance, 'charged once').to.equal(before.walletBalance - 300);
  });
});
